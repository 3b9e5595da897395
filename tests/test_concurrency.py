"""Many users on one server: no session ever sees another's weights, edits or uploaded data.

* ``test_twenty_sessions_on_one_server`` (browser): one ``streamlit run`` server, one Debian
  Chromium, 20 browser contexts driven concurrently with Playwright's async API. 16 open different
  shared links (pillar weights, presets, edits, year, aggregation, tier method, zh/en, home or
  weights page), 4 upload different small data files on the Data page. Each reads back its top-10
  line and its share link and compares them with what ``iiscore`` computes directly for that
  session's scenario; a MutationObserver records every top-10 text and every error box a page ever
  showed, so a transient wrong number counts too. The upload sessions and 2 link sessions then
  move to another page of the same session (reruns interleaved with the others) and check again.
  A second round of 20 new sessions of the same users opens the links again (on the overview).
  The server's RSS (``/proc/<pid>/status``) is read before, after round 1 and after round 2.
  WebGL is off (see ``NO_WEBGL``); no timing is asserted. Sessions start 0.5 s apart (all 20 are
  open at once: each takes 30-100 s on 2 cores) and every step waits up to 10 minutes for content,
  so a slow machine makes the test slower, not red. About 3 minutes on 2 idle cores; it is part of
  the suite (pytest runs one test at a time, so nothing else competes for the cores in CI).
* ``test_uploads_with_the_same_short_id_do_not_share_results`` (AppTest): two different uploads
  whose hashes share the 8 characters a link carries get their own numbers (the caches used to be
  keyed on that short id, so the second user saw the first user's ranking).

``benchmarks/bench_concurrency.py`` runs the same sessions with timings.
"""
from __future__ import annotations

import asyncio
import io
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import iiscore
from iiscore_app import presets as P
from iiscore_app import scenario as S
from iiscore.datasets import load_regions
from tests._server import CHROMIUM, skip_without_browser, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
        "--disable-backgrounding-occluded-windows"]
# 20 pages drawing deck.gl maps through SwiftShader on 2 cores take twice as long: WebGL is off
# here (tests/test_browser.py::test_map_draws checks the drawing), and pages are rasterised on the
# CPU rather than through SwiftShader; the server still builds and sends every map. The one page
# error that causes is expected, matched exactly.
NO_WEBGL = ["--disable-webgl", "--disable-3d-apis", "--disable-gpu-rasterization", "--disable-software-rasterizer"]
EXPECTED_PAGE_ERRORS = ("Failed to create WebGL context: disabled by enterprise policy or commandline switch",)
N_SESSIONS = 20
VIEWPORT = {"width": 1280, "height": 900}
N_UPLOADS = 4
STEP_TIMEOUT_MS = 600_000  # per step; measured at most 101 s for a whole round on 2 idle cores
STAGGER_S = 0.5            # between session starts: 20 page loads at the same instant only add queueing
# generous: the first round loads every module and fills the caches; a second round of the same
# 20 sessions must cost far less (a per-session leak would repeat round 1's growth)
RSS_ROUND1_MAX_MB = 800   # measured +270 to +290 MB (imports, caches of 20 scenarios)
RSS_ROUND2_MAX_MB = 120   # measured +2 to +19 MB

DS, FW = iiscore.load_default(), iiscore.load_default_framework()
CTX = S.make_context(DS, FW)
PAGE_PATH = {"home": "/", "weights": "/Weights", "data": "/Data"}


# -- what each session does, and what it must see ----------------------------------------------------
@dataclass
class Spec:
    name: str
    lang: str
    page: str                      # where the session opens
    then: str                      # where it goes next (same session, sidebar link)
    scn: S.Scenario                # the scenario it must see (canonical: as a link decodes)
    context: S.Context
    ds: object
    query: str = ""                # the link it opens
    upload: bytes | None = None    # a data file it uploads on the Data page
    upload_name: str = ""
    move: bool = True              # round 1: also go to another page of the same session and check
    expected_top: str = ""
    meta: dict = field(default_factory=dict)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def top_line(scn: S.Scenario, ds, fw, context: S.Context, n: int = 10) -> str:
    """The top-10 line computed directly with iiscore: 'rank name score ▲k · ...'."""
    res = S.result_for(scn, ds, fw)
    base = S.result_for(S.baseline_of(scn, context), ds, fw, edits=False)
    root = fw.root
    parts = []
    for r in res.ranks[root].sort_values(kind="stable").index[:n]:
        now, was = int(res.ranks.at[r, root]), int(base.ranks.at[r, root])
        mv = f" ▲{was - now}" if now < was else (f" ▼{now - was}" if now > was else "")
        parts.append(f"{now} {ds.region_name(r, scn.lang)} {res.composite[r]:.1f}{mv}")
    return norm(" · ".join(parts))


def upload_file(top: str, i: int) -> bytes:
    """A small wide CSV of 2023 where ``top`` leads by far (every session uploads a different one)."""
    head = "region,year," + ",".join(FW.leaves)
    rows = [head]
    for k, r in enumerate(DS.regions):
        if r == top:
            rows.append(f"{r},2023," + ",".join(str(900 + 7 * i + j) for j in range(len(FW.leaves))))
        else:
            rows.append(f"{r},2023," + ",".join(str(10 + ((k * 7 + j * 3 + i) % 31)) for j in range(len(FW.leaves))))
    return ("\n".join(rows) + "\n").encode()


def canonical(scn: S.Scenario, context: S.Context) -> S.Scenario:
    back, notes = S.decode(S.encode(scn, context), context)
    assert notes == []
    return back


def session_specs(n: int = N_SESSIONS, n_uploads: int = N_UPLOADS) -> list[Spec]:
    import numpy as np

    specs = []
    presets = list(P.PRESETS)
    for i in range(n - n_uploads):
        rng = np.random.default_rng(1000 + i)
        lang = "en" if i % 3 == 1 else "zh"
        page = "home" if i % 2 == 0 else "weights"
        base = CTX.defaults.replace(lang=lang, page=page)
        if i < len(presets):
            scn = P.preset(presets[i], DS, FW, base)
        else:
            w = {p: float(np.round(rng.uniform(1, 50) * 2) / 2) for p in FW.pillars}
            scn = base.replace(weights=w)
            if i % 4 == 1:  # a what-if: one region's network indicators up by a lot
                r = DS.regions[(i * 7) % len(DS.regions)]
                scn = scn.replace(edits=[(r, leaf, "pct", 300.0 + i) for leaf in FW.leaves[:4]], region=r)
            if i % 5 == 2:
                scn = scn.replace(year=2021 + i % 2)
            if i % 6 == 3:
                scn = scn.replace(aggregation="geometric")
            if i % 7 == 4:
                scn = scn.replace(tier_method="jenks", tier_k=3 + i % 4)
        scn = canonical(scn, CTX)
        spec = Spec(f"link{i:02d}-{scn.name or 'custom'}-{lang}", lang, page, "weights" if page == "home" else "home",
                    scn, CTX, DS, query="?s=" + S.encode(scn, CTX), move=i in (0, 3))
        spec.expected_top = top_line(scn, DS, FW, CTX)
        specs.append(spec)
    tops = ["宁夏", "青海", "西藏", "海南", "甘肃", "新疆"]
    from iiscore_app.state import upload_key

    for j in range(n_uploads):
        lang = "en" if j % 2 else "zh"
        data = upload_file(tops[j % len(tops)], j)
        fname = f"upload_{j}.csv"
        f = io.BytesIO(data)
        f.name = fname
        ds = iiscore.load_data(f, FW, region_info=load_regions(), name=fname)
        ctx = S.make_context(ds, FW, "upload-" + upload_key(data, None)[:8])
        scn = ctx.defaults.replace(lang=lang, page="home", year=ds.years[-1])
        spec = Spec(f"upload{j}-{tops[j % len(tops)]}-{lang}", lang, "data", "weights", scn, ctx, ds,
                    query=f"?lang={lang}", upload=data, upload_name=fname)
        spec.expected_top = top_line(scn, ds, FW, ctx)
        specs.append(spec)
    tops_seen = [s.expected_top for s in specs]
    assert len(set(tops_seen)) == len(specs), "two sessions would show the same top-10: a leak could hide"
    return specs


def second_round(specs: list[Spec]) -> list[Spec]:
    """The same users again, in new sessions, each opening its link once, on the overview (the
    lightest page with the top-10: 2 cores run 20 browser pages)."""
    from dataclasses import replace

    out = []
    for s in specs:
        if s.upload is None and s.page != "home":
            scn = s.scn.replace(page="home")
            s = replace(s, page="home", scn=scn, query="?s=" + S.encode(scn, s.context))
        out.append(replace(s, move=False))
    return out


# -- the server ---------------------------------------------------------------------------------------
def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


# -- driving sessions -----------------------------------------------------------------------------------
# Installed in every page before any script: remembers every top-10 text and every error the page shows.
OBSERVER = """
(() => {
  window.__iis = {tops: [], errors: []};
  const seen = new Set();
  const norm = s => s.replace(/\\s+/g, ' ').trim();
  const check = () => {
    const top = document.querySelector('#iis-top');
    if (top) {
      const t = norm(top.innerText);
      if (t && !seen.has(t)) { seen.add(t); window.__iis.tops.push(t); }
    }
    for (const e of document.querySelectorAll('[data-testid=stException], [data-testid=stAlertContentError]')) {
      const t = e.getAttribute('data-testid') + ': ' + (norm(e.innerText) || e.outerHTML).slice(0, 400);
      if (!window.__iis.errors.includes(t)) window.__iis.errors.push(t);
    }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, characterData: true});
})();
"""
WAIT_TOP = """([expected]) => {
  const e = document.querySelector('#iis-top');
  return !!e && e.innerText.replace(/\\s+/g, ' ').trim() === expected;
}"""
WAIT_IDLE = "() => !document.querySelector('[data-testid=stStatusWidget]')"


@dataclass
class Outcome:
    spec: Spec
    tops: list = field(default_factory=list)       # every top-10 text the page showed
    errors: list = field(default_factory=list)     # exception / error boxes, JS page errors
    links: list = field(default_factory=list)      # the share link read after each step
    failures: list = field(default_factory=list)   # steps that never showed the expected numbers
    t_first: float | None = None                   # seconds from opening to the first correct top-10
    t_total: float | None = None


async def _wait_correct(page, spec: Spec, out: Outcome, step: str) -> bool:
    try:
        await page.wait_for_function(WAIT_TOP, arg=[spec.expected_top], timeout=STEP_TIMEOUT_MS, polling=100)
    except Exception:  # noqa: BLE001 - report what the page showed instead
        out.failures.append(f"{step}: expected {spec.expected_top[:120]!r}")
        return False
    return True


async def _idle(page):
    for _ in range(2):  # idle twice in a row: a rerun can start just after the first check
        await page.wait_for_function(WAIT_IDLE, timeout=STEP_TIMEOUT_MS, polling=100)
        await page.wait_for_timeout(250)


async def _read_link(page, out: Outcome):
    code = page.locator("[data-testid=stSidebar] [data-testid=stCode] code").first
    await code.wait_for(state="attached", timeout=STEP_TIMEOUT_MS)
    out.links.append((await code.text_content()).strip())


async def _goto_page(page, spec: Spec, target: str):
    """Click the sidebar link to ``target`` and wait until that page's run has rewritten the share
    link (both pages show the same top-10, so the old page's text proves nothing)."""
    from iiscore_app.i18n import t

    from iiscore_app.state import PAGE_PATHS

    await page.get_by_role("link", name=t("page." + target, spec.lang), exact=True).first.click()
    path = "/" + PAGE_PATHS[target] + "?s="
    await page.wait_for_function(
        """([path]) => { const c = document.querySelector('[data-testid=stSidebar] [data-testid=stCode] code');
                         return !!c && c.textContent.includes(location.host + path); }""",
        arg=[path], timeout=STEP_TIMEOUT_MS, polling=100)


def _page_error(out: Outcome, exc) -> None:
    msg = str(exc).strip()
    if not any(msg.startswith(e) for e in EXPECTED_PAGE_ERRORS):
        out.errors.append(f"page error: {msg}"[:300])


async def drive(browser, url: str, spec: Spec, *, move: bool = True) -> Outcome:
    """One user: open the link (or upload a file), check the numbers; with ``move``, go to another
    page of the same session and check again."""
    out = Outcome(spec)
    t0 = time.perf_counter()
    ctx = await browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        await ctx.add_init_script(OBSERVER)
        page = await ctx.new_page()
        page.on("pageerror", lambda exc: _page_error(out, exc))
        await page.goto(url + PAGE_PATH[spec.page] + spec.query, wait_until="domcontentloaded",
                        timeout=STEP_TIMEOUT_MS)
        if spec.upload is not None:
            from iiscore_app.i18n import t

            # the data uploader of the page (the sidebar's scenario-JSON importer is another one)
            inp = page.locator("[data-testid=stFileUploader]", has_text=t("d.upload.data", spec.lang)).locator(
                "[data-testid=stFileUploaderDropzoneInput]").first
            await inp.wait_for(state="attached", timeout=STEP_TIMEOUT_MS)
            await _idle(page)
            await inp.set_input_files(files=[{"name": spec.upload_name, "mimeType": "text/csv",
                                              "buffer": spec.upload}])
            ok = page.locator("[data-testid=stAlertContentSuccess]", has_text=spec.upload_name)
            await ok.first.wait_for(timeout=STEP_TIMEOUT_MS)
            await _idle(page)
            await _goto_page(page, spec, "home")
        if await _wait_correct(page, spec, out, "open"):
            out.t_first = time.perf_counter() - t0
        await _idle(page)
        await _read_link(page, out)
        if move and spec.move:  # the same session on another page: reruns interleaved with the others
            await _goto_page(page, spec, spec.then)
            await _wait_correct(page, spec, out, spec.then)
            await _idle(page)
            await _read_link(page, out)
        seen = await page.evaluate("() => window.__iis")
        out.tops, out.errors = seen["tops"], out.errors + seen["errors"]
    except Exception as exc:  # noqa: BLE001 - a session that breaks is a finding, not a crash of the test
        out.failures.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
        try:
            seen = await page.evaluate("() => window.__iis")
            out.tops, out.errors = seen["tops"], out.errors + seen["errors"]
        except Exception:  # noqa: BLE001
            pass
    finally:
        out.t_total = time.perf_counter() - t0
        await ctx.close()
    return out


async def run_round(browser, url: str, specs: list[Spec], *, move: bool = True) -> tuple[list[Outcome], float]:
    t0 = time.perf_counter()

    async def staggered(i: int, s: Spec) -> Outcome:
        await asyncio.sleep(i * STAGGER_S)
        return await drive(browser, url, s, move=move)

    outcomes = await asyncio.gather(*(staggered(i, s) for i, s in enumerate(specs)))
    return list(outcomes), time.perf_counter() - t0


def problems(outcomes: list[Outcome], *, move: bool = True) -> list[str]:
    """Everything a session saw that was not its own, correct, error-free page."""
    found = []
    for o in outcomes:
        s = o.spec
        found += [f"{s.name}: {f}" for f in o.failures]
        found += [f"{s.name}: error shown: {e}" for e in o.errors]
        for text in o.tops:
            if text != s.expected_top:
                found.append(f"{s.name}: showed a top-10 that is not its own: {text[:160]!r}")
        if s.expected_top not in o.tops:
            found.append(f"{s.name}: never showed its top-10")
        n_links = 1 + (move and s.move)
        if len(o.links) != n_links:
            found.append(f"{s.name}: read {len(o.links)} share links, expected {n_links}")
        for link, page in zip(o.links, (s.scn.page if s.upload is None else "home", s.then)):
            tok = link.split("?s=", 1)[-1]
            got, notes = S.decode(tok, s.context)
            want = s.scn.replace(page=page)
            if notes or got != want:
                diff = {f: (getattr(got, f), getattr(want, f)) for f in S.Scenario.__dataclass_fields__
                        if getattr(got, f) != getattr(want, f)}
                found.append(f"{s.name}: share link {link[:80]}... is not its scenario: "
                             f"{[n.en for n in notes]} {str(diff)[:600]}")
    return found


# -- the tests --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium_ok():
    skip_without_browser()


async def _two_rounds(url: str, pid: int, specs: list[Spec]):
    from playwright.async_api import async_playwright

    figures = {"rss_before": rss_mb(pid)}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS + NO_WEBGL)
        try:
            round1, wall1 = await run_round(browser, url, specs)
            figures.update(rss_round1=rss_mb(pid), wall_round1=wall1)
            # 20 new sessions of the same users (new browser contexts): open the link, check, leave
            round2, wall2 = await run_round(browser, url, second_round(specs), move=False)
            figures.update(rss_round2=rss_mb(pid), wall_round2=wall2)
        finally:
            await browser.close()
    return round1, round2, figures


def server_errors(log: Path) -> str:
    """Tracebacks and errors the server logged (empty when there were none)."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    normal = re.compile(r"Uvicorn server started|You can now view|^\s*(Local |Network )?URL:|^\s*Stopping\.\.\.|"
                        r"missing ScriptRunContext")
    keep = [ln for ln in text.splitlines() if ln.strip() and not normal.search(ln)]
    return "\n".join(keep)


@pytest.mark.browser
def test_twenty_sessions_on_one_server(chromium_ok, tmp_path):
    specs = session_specs()
    assert len(specs) >= 20 and sum(s.upload is not None for s in specs) >= 3
    assert len({s.lang for s in specs}) == 2 and len({s.scn.compute_key() for s in specs}) == len(specs)
    log = tmp_path / "server.log"
    proc, url = start_server(log=log)
    try:
        round1, round2, fig = asyncio.run(_two_rounds(url, proc.pid, specs))
        assert proc.poll() is None, "the server died"
    finally:
        stop_server(proc)
    print(f"\n{len(specs)} sessions x 2 rounds: wall {fig['wall_round1']:.1f} s + {fig['wall_round2']:.1f} s; "
          f"server RSS {fig['rss_before']:.0f} -> {fig['rss_round1']:.0f} -> {fig['rss_round2']:.0f} MB")
    found = problems(round1) + problems(round2, move=False)
    logged = server_errors(log)
    assert not found, "\n".join(found) + "\n\nserver log:\n" + logged[-4000:]
    assert "Traceback" not in logged and "Error" not in logged, logged[-4000:]
    assert fig["rss_round1"] - fig["rss_before"] < RSS_ROUND1_MAX_MB, fig
    assert fig["rss_round2"] - fig["rss_round1"] < RSS_ROUND2_MAX_MB, fig


def _colliding_uploads() -> tuple[bytes, bytes]:
    """Two different valid uploads whose keys share the first 8 hex digits (the id a link carries).

    A birthday search over 32 bits: deterministic (the same pair every run), about a second."""
    from iiscore_app.state import upload_key

    def family(top: str):
        rows = [r for r in DS.regions if r != top]
        head = "region,year," + ",".join(FW.leaves) + "\n"
        body = "".join(f"{r},2023," + ",".join(str(10 + (k * 5 + j) % 23) for j in range(len(FW.leaves))) + "\n"
                       for k, r in enumerate(rows))
        prefix = (head + body + f"{top},2023,").encode()
        rest = ("," + ",".join(["500"] * (len(FW.leaves) - 1)) + "\n").encode()
        return lambda i: prefix + str(900_000 + i).encode() + rest

    a, b = family("宁夏"), family("海南")
    seen = {upload_key(a(i), None)[:8]: i for i in range(150_000)}
    for i in range(2_000_000):
        j = seen.get(upload_key(b(i), None)[:8])
        if j is not None:
            return a(j), b(i)
    raise AssertionError("no collision found")  # pragma: no cover - astronomically unlikely


def test_uploads_with_the_same_short_id_do_not_share_results():
    from streamlit.testing.v1 import AppTest

    from iiscore_app.state import upload_key

    data_a, data_b = _colliding_uploads()
    assert data_a != data_b and upload_key(data_a)[:8] == upload_key(data_b)[:8]
    shown = {}
    for name, data in (("a.csv", data_a), ("b.csv", data_b)):
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        at.switch_page("pages/4_Data.py").run()
        at.file_uploader(key="wk.d_upload").set_value((name, data, "text/csv")).run()
        assert not at.exception and any(name in s.value for s in at.success)
        at.switch_page("app.py").run()
        assert not at.exception
        table = next(e.value for e in at.dataframe if "排名变化" in e.value.columns)
        f = io.BytesIO(data)
        f.name = name
        ds = iiscore.load_data(f, FW, region_info=load_regions(), name=name)
        ctx = S.make_context(ds, FW, "upload-" + upload_key(data)[:8])
        res = S.result_for(ctx.defaults.replace(year=2023), ds, FW)
        top = res.composite.sort_values(ascending=False, kind="stable")
        assert table["地区"].tolist() == [ds.region_name(r, "zh") for r in top.index], name
        assert (table.iloc[:, 2].to_numpy() == top.round(2).to_numpy()).all(), name
        shown[name] = table["地区"].iloc[0]
    assert shown == {"a.csv": "宁夏", "b.csv": "海南"}


# -- no shared mutable state: what one session writes, another could read ---------------------------------
MUTATORS = {"append", "extend", "insert", "update", "setdefault", "pop", "popitem", "clear", "add", "discard",
            "remove", "sort", "reverse", "__setitem__", "__delitem__", "appendleft", "move_to_end"}


def _shared_modules():
    """Modules imported once per server process (page scripts run afresh in every rerun and are
    checked for what they do to these modules)."""
    own = sorted((ROOT / "iiscore_app").rglob("*.py")) + sorted((ROOT / "iiscore").rglob("*.py"))
    scripts = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]
    return own, scripts


def _module_mutables(tree) -> set:
    """Names bound at module level to a mutable container (dict, list, set, ... literal or call)."""
    import ast

    out = set()
    for node in tree.body:
        targets, value = [], None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        mutable = isinstance(value, (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)) or (
            isinstance(value, ast.Call) and getattr(value.func, "id", getattr(value.func, "attr", None))
            in {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque", "WeakValueDictionary"})
        if mutable:
            out |= {t.id for t in targets if isinstance(t, ast.Name)}
    return out


LOCKED_MODULES = {"iiscore_app/cache.py"}


def _under_lock(tree) -> set:
    """ids of the nodes inside a ``with _lock:`` block of ``tree``."""
    import ast

    out = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.With) and any(isinstance(i.context_expr, ast.Name) and i.context_expr.id == "_lock"
                                           for i in n.items):
            out |= {id(x) for x in ast.walk(n)}
    return out


def test_no_module_level_state_is_mutated():
    """A module-level dict/list mutated at run time is shared by every session of the server."""
    import ast

    calls_guarded_later = []
    own, scripts = _shared_modules()
    trees = {f: ast.parse(f.read_text(encoding="utf-8")) for f in own + scripts}
    mutables = set()
    for f in own:
        mutables |= _module_mutables(trees[f])
    # a module-level alias of another module's container (state.PAGE_PATHS = navigation.PATHS)
    for f in own:
        for node in trees[f].body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) and node.value.attr in mutables:
                mutables |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    assert {"SCRIPTS", "PATHS", "PAGE_PATHS", "_KEYS"} <= mutables  # the audit sees them
    found = []
    for f, tree in trees.items():
        rel = f.relative_to(ROOT).as_posix()
        # the process-wide caches (iiscore_app/cache.py) are shared on purpose, like st.cache_resource:
        # there every change must happen under the module's lock (inside ``with _lock:``, or in a
        # ``*_locked`` helper that is only called there)
        guarded = set()
        if rel in LOCKED_MODULES:
            guarded = _under_lock(tree)
            for n in ast.walk(tree):
                if isinstance(n, ast.FunctionDef) and n.name.endswith("_locked"):
                    guarded |= {id(x) for x in ast.walk(n)}
                    callers = [c for c in ast.walk(tree) if isinstance(c, ast.Call) and
                               isinstance(c.func, ast.Name) and c.func.id == n.name]
                    assert callers, n.name
                    calls_guarded_later.append((rel, n.name, callers))
        # a module's own top-level statements run once, at import; its functions run per session,
        # and a page script runs entirely per session
        runtime = [tree] if f in scripts else [n for n in ast.walk(tree)
                                               if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]
        for node in (n for r in runtime for n in ast.walk(r)):
            if isinstance(node, ast.Global) and (f in own or set(node.names) & mutables):
                found.append(f"{rel}:{node.lineno}: global {', '.join(node.names)}")

            def base(e):
                while isinstance(e, (ast.Subscript, ast.Attribute)):
                    if isinstance(e, ast.Attribute) and e.attr in mutables:
                        return e.attr
                    e = e.value
                return e.id if isinstance(e, ast.Name) else None

            if id(node) in guarded:
                continue
            targets = []
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for tg in targets:
                if isinstance(tg, (ast.Subscript, ast.Attribute)) and base(tg) in mutables:
                    found.append(f"{rel}:{node.lineno}: writes into module-level {base(tg)}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
                name = base(node.func.value)
                if name in mutables:
                    found.append(f"{rel}:{node.lineno}: {name}.{node.func.attr}(...) mutates module-level state")
    # a ``*_locked`` helper is called only where the lock is held
    for rel, name, callers in calls_guarded_later:
        locked = _under_lock(trees[ROOT / rel])
        assert all(id(c) in locked for c in callers), f"{rel}: {name} called without the lock"
    # a function-local variable that shadows a module-level name is not shared: check by hand
    # that each hit below is not one; none today
    assert not found, "\n".join(found)


def test_cached_functions_are_keyed_on_what_they_read():
    """Every st.cache_* function of the app takes, for each unhashed ``_arg``, the keys that
    identify it (bundle key, compute key, tier key, ...), and the bundle key is the full upload hash."""
    import ast

    src = (ROOT / "iiscore_app" / "state.py").read_text(encoding="utf-8")
    tree = ast.parse(src)
    cached, unbounded = {}, []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and any("cache_" in ast.unparse(d) for d in node.decorator_list):
            cached[node.name] = [a.arg for a in node.args.args]
            # memory stays bounded however many scenarios the users open: a cache with arguments
            # keeps at most max_entries results (one without arguments holds one value)
            if node.args.args and not any("max_entries" in ast.unparse(d) for d in node.decorator_list):
                unbounded.append(node.name)
    assert len(cached) >= 10
    assert not unbounded, f"caches without max_entries: {unbounded}"
    for name, params in cached.items():
        unhashed = [p for p in params if p.startswith("_")]
        if not unhashed:
            continue
        assert "bkey" in params or name == "_upload_bundle", name  # which data set
        if "_scn" in unhashed or "_ev" in unhashed:
            assert {"ckey", "year"} & set(params), name  # which numbers
    assert cached["_upload_bundle"][0] == "key"
    from iiscore_app import state

    b = state._upload_bundle(state.upload_key(upload_file("宁夏", 99)), "x.csv", None,
                             upload_file("宁夏", 99), None)
    assert b.key == "upload-" + state.upload_key(upload_file("宁夏", 99))  # the full hash, not 8 characters
    assert b.context.dataset_id == "upload-" + state.upload_key(upload_file("宁夏", 99))[:8]
    # the key tells data from framework apart
    assert state.upload_key(b"a\0", b"b") != state.upload_key(b"a", b"\0b")
    assert state.upload_key(b"a", None) != state.upload_key(b"a", b"")


def test_views_leave_shared_results_untouched():
    """Cached results (st.cache_resource) are the same objects for every session: drawing every
    view of a scenario, in both languages, must not change them in place."""
    import json

    from iiscore_app import state, views

    b = state.default_bundle()
    scn = canonical(P.preset("west_infra", DS, FW).replace(weights={"innovation": 30.0}, region="贵州"), CTX)
    ev = state.Eval(scn, b)
    results = {"current": ev.current, "unedited": ev.unedited, "baseline": ev.baseline}

    def snapshot():
        out = {}
        for k, r in results.items():
            for attr in ("raw", "treated", "normalised", "scores", "ranks", "effective_weights", "goalposts"):
                out[(k, attr)] = getattr(r, attr).to_csv()
            out[(k, "treatment")] = repr(sorted(r.treatment.items()))
        for k in ("tiers", "tiers_unedited", "tiers_baseline"):
            out[k] = getattr(ev, k).assignment.to_csv()
        out["prov"] = ev.prov.to_csv()
        out["edited"] = ev.edited_ds.long.to_csv()
        out["data"] = b.ds.long.to_csv() + repr(b.ds.region_info.to_dict())
        out["trajectory"] = "".join(x.to_csv() for x in ev.trajectory)
        out["geojson"] = json.dumps(state.geojson(), sort_keys=True)
        return out

    before = snapshot()
    geo = state.geojson()
    for lang in ("zh", "en"):
        views.ranking_table(ev, lang)
        for colour in (FW.root, FW.pillars[0], "tier"):
            views.map_features(ev, colour, lang, geo)
            views.map_json(ev, colour, lang, geo)
            views.legend(ev, colour, lang)
        for chart in (views.slope_chart(ev, lang), views.national_chart(ev, lang), views.contributions_chart(ev, lang),
                      views.trajectory_chart(ev, lang, DS.regions[:5]), views.oat_chart(ev, lang, "innovation")):
            chart.to_dict()
        views.contributions_table(ev, lang)
        views.tier_shift_table(ev, lang)
        views.indicator_table(ev, lang, 2023, False)
        views.indicator_table(ev, lang, 2022, True)
        views.export_tables(ev, lang)
        views.tier_members(ev, lang)
        views.shift_html(ev, lang)
        views.silhouette_table(ev, lang)
        views.framework_table(ev, lang)
        views.top_line(ev, lang)
        views.about_table(scn, b, lang, "?s=x")
        views.edit_table(b.ds, b.fw, scn, "贵州", "pct", lang)
        wi = state.whatif(ev)
        views.passes_table(wi, b.ds, "贵州", lang)
        views.levers_table(state.levers(ev, "贵州"), b.fw, lang, ev.current.normalised)  # levers: the engine's object
    after = snapshot()
    changed = [k for k in before if before[k] != after[k]]
    assert not changed, f"views changed shared cached objects: {changed}"
