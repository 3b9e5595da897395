"""The production recipe of docs/deploy.md, run on loopback: Debian's nginx with
``deploy/nginx/iiscore.conf`` in front of two app processes started by ``deploy/iiscore-run``
(``tests/_proxy.py`` substitutes only the listen address, the two ports and the log directory).

* ``test_browsers_through_the_proxy`` (browser): 8 Chromium contexts at once through
  ``http://127.0.0.1:PORT/iiscore/``: 4 open different shared links (presets, weights, edits,
  year, aggregation, zh/en; one also moves to another page of its session), 2 upload small data
  files on the Data page, and 2 open the same link with their route cookie set to each process.
  Each context's top-10 line (and every top-10 it ever showed) must equal what ``iiscore``
  computes directly for its scenario, its share link must carry the base path and decode to that
  scenario, and it must make no request to any host but the proxy. From nginx's access log: each
  context's requests (page, files, WebSocket, upload PUTs) went to one process, the contexts
  nginx placed themselves went to both processes, the two twins to different ones; no 5xx. The
  nginx error log and both app logs are clean.
* ``test_proxy_limits_health_and_routing``: health through the proxy and each process
  (``deploy/iiscore-health``), the redirect to the base path, the route cookie, uploads refused
  at the proxy above Streamlit's own limit and passed below it, the session rate limit (a room's
  120 WebSockets pass, the next are refused with 429).
* ``test_failover_to_the_other_process``: with one process stopped, its browsers are served by
  the other and their route cookie follows; the health script reports the stopped one.
* ``test_bad_data_stops_the_app_process``, ``test_run_script_needs_the_cookie_secret``: the start
  script refuses a bad data file or a missing secret with one line and status 2.
* ``test_deploy_files_agree`` and ``test_systemd_unit_verifies``: the Dockerfile, the systemd
  unit, the start script and the nginx file name the same ports, base path, scripts and limits.
"""
from __future__ import annotations

import asyncio
import io
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import iiscore
from iiscore_app import presets as P
from iiscore_app import scenario as S
from iiscore.datasets import load_regions
from iiscore_app.state import PAGE_PATHS, upload_key
from tests._proxy import (BASE, PROD_PORTS, ROUTES, RUN, SITE, Stack, get, nginx_missing, render_site,
                          start_stack)
from tests._server import CHROMIUM, ROOT, browser_missing, free_port, stop_server
from tests.test_concurrency import (ARGS, EXPECTED_PAGE_ERRORS, NO_WEBGL, OBSERVER, WAIT_IDLE, WAIT_TOP,
                                    canonical, top_line, upload_file)

DS, FW = iiscore.load_default(), iiscore.load_default_framework()
CTX = S.make_context(DS, FW)
STEP_TIMEOUT_MS = 300_000   # per step; a whole context takes 10-40 s on 2 idle cores
STAGGER_S = 1.0             # between context starts (a room does not click in the same millisecond)
VIEWPORT = {"width": 1280, "height": 900}
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome Safari/537.36"
ROOM = 60                   # people behind one NAT address that the limits must let through
TABS = 2                    # tabs per person
PARALLEL = 6                # Chromium's parallel connections per host while a page loads
ROOM_ADDR = "127.0.0.2"     # the room's NAT address in the limit test (loopback: all of 127/8 is local)

ACCESS = re.compile(r'^(?P<addr>\S+) \[(?P<time>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) '
                    r'(?P<bytes>\d+) (?P<rt>\S+) upstream=(?P<upstream>.*?) route=(?P<route>\S+) "(?P<ua>[^"]*)"$')
APP_LOG_NORMAL = re.compile(r"^iiscore: serving |Uvicorn server started|You can now view|^\s*URL:|^\s*Stopping\.\.\.")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    why = nginx_missing()
    if why:
        pytest.skip(why)
    s = start_stack(tmp_path_factory.mktemp("deploy"))
    yield s
    s.stop()


def access_entries(stack: Stack) -> list[dict]:
    out = []
    for line in stack.access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        m = ACCESS.match(line)
        assert m, f"access log line not in the iiscore format: {line[:200]}"
        out.append(m.groupdict())
    return out


def logged(stack: Stack, pick, n: int) -> list[dict]:
    """The last ``n`` access log entries that ``pick`` accepts (nginx logs a request when it has
    finished with it, which for a refused body can be just after the answer was read)."""
    for _ in range(50):
        found = [e for e in access_entries(stack) if pick(e)]
        if len(found) >= n:
            return found[-n:]
        time.sleep(0.1)
    raise AssertionError(f"{n} entries expected in the access log, found {len(found)}")


def app_log_problems(stack: Stack) -> str:
    """Lines of the app logs other than the start-up lines (tracebacks, warnings, errors)."""
    bad = []
    for i in range(len(stack.apps)):
        text = stack.app_log(i).read_text(encoding="utf-8", errors="replace")
        bad += [f"app{i}: {ln}" for ln in text.splitlines() if ln.strip() and not APP_LOG_NORMAL.search(ln)]
    return "\n".join(bad)


# -- the browser contexts ----------------------------------------------------------------------------
@dataclass
class Visit:
    name: str
    lang: str
    page: str                   # where it opens: home, weights or data
    scn: S.Scenario             # what it must see (canonical)
    context: S.Context
    ds: object
    query: str = ""
    upload: bytes | None = None
    upload_name: str = ""
    route: str | None = None    # a preset route cookie (the twins); None: nginx places it
    then: str | None = None     # another page of the same session to check
    expected_top: str = ""


@dataclass
class Seen:
    visit: Visit
    tops: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    links: list = field(default_factory=list)
    foreign: list = field(default_factory=list)     # requests to any host but the proxy
    failures: list = field(default_factory=list)
    route: str | None = None                        # the route cookie the context ended with
    seconds: float = 0.0


def visits() -> list[Visit]:
    out = []
    base = CTX.defaults
    linked = [
        ("preset-west", "zh", "home", P.preset("west_infra", DS, FW, base.replace(lang="zh", page="home")), "weights"),
        ("weights-en", "en", "home", base.replace(lang="en", page="home",
                                                  weights={"basic": 5.0, "innovation": 40.0, "application": 12.5}), None),
        ("edits-zh", "zh", "weights", base.replace(lang="zh", page="weights", region="贵州",
                                                   edits=[("贵州", leaf, "pct", 400.0) for leaf in FW.leaves[:5]]), None),
        ("year-geo-en", "en", "home", base.replace(lang="en", page="home", year=2022, aggregation="geometric",
                                                   tier_method="jenks", tier_k=5), None),
    ]
    for name, lang, page, scn, then in linked:
        scn = canonical(scn, CTX)
        out.append(Visit(name, lang, page, scn, CTX, DS, query="?s=" + S.encode(scn, CTX), then=then))
    for j, (top, lang) in enumerate((("宁夏", "zh"), ("海南", "en"))):
        data = upload_file(top, 40 + j)
        fname = f"room_{j}.csv"
        f = io.BytesIO(data)
        f.name = fname
        ds = iiscore.load_data(f, FW, region_info=load_regions(), name=fname)
        ctx = S.make_context(ds, FW, "upload-" + upload_key(data)[:8])
        scn = ctx.defaults.replace(lang=lang, page="home", year=ds.years[-1])
        out.append(Visit(f"upload-{j}-{lang}", lang, "data", scn, ctx, ds, query=f"?lang={lang}", upload=data,
                         upload_name=fname))
    twin = canonical(P.preset("application_focus", DS, FW, base.replace(lang="en", page="home")).replace(
        edits=[("甘肃", FW.leaves[0], "pct", 250.0)], region="甘肃"), CTX)
    for route in ROUTES:
        out.append(Visit(f"twin-{route}", "en", "home", twin, CTX, DS, query="?s=" + S.encode(twin, CTX), route=route))
    for v in out:
        v.expected_top = top_line(v.scn, v.ds, FW, v.context)
    tops = [v.expected_top for v in out if not v.name.startswith("twin-")]
    assert len(set(tops)) == len(tops), "two contexts would show the same top-10: a mix-up could hide"
    return out


def _page_path(page: str) -> str:
    return BASE + "/" + PAGE_PATHS[page]


async def _idle(page):
    for _ in range(2):  # idle twice in a row: a rerun can start just after the first check
        await page.wait_for_function(WAIT_IDLE, timeout=STEP_TIMEOUT_MS, polling=100)
        await page.wait_for_timeout(250)


async def _share_link(page) -> str:
    code = page.locator("[data-testid=stSidebar] [data-testid=stCode] code").first
    await code.wait_for(state="attached", timeout=STEP_TIMEOUT_MS)
    return (await code.text_content()).strip()


async def _wait_link(page, path: str) -> None:
    """Until the share link names ``path`` (the page's run has rewritten it)."""
    await page.wait_for_function(
        """([path]) => { const c = document.querySelector('[data-testid=stSidebar] [data-testid=stCode] code');
                         return !!c && c.textContent.includes(location.host + path + '?s='); }""",
        arg=[path], timeout=STEP_TIMEOUT_MS, polling=100)


async def _go(page, v: Visit, target: str) -> None:
    from iiscore_app.i18n import t

    await page.get_by_role("link", name=t("page." + target, v.lang), exact=True).first.click()
    await _wait_link(page, _page_path(target))


async def drive(browser, stack: Stack, v: Visit) -> Seen:
    seen = Seen(v)
    t0 = time.perf_counter()
    host = f"127.0.0.1:{stack.port}"
    ctx = await browser.new_context(viewport=VIEWPORT, user_agent=f"{UA} iiscore-test/{v.name}")
    ctx.set_default_timeout(STEP_TIMEOUT_MS)
    try:
        if v.route:
            await ctx.add_cookies([{"name": "iiscore_route", "value": v.route, "domain": "127.0.0.1",
                                    "path": BASE + "/", "httpOnly": True, "sameSite": "Lax"}])
        await ctx.add_init_script(OBSERVER)
        page = await ctx.new_page()

        def record(url: str):
            if not url.split("://", 1)[-1].startswith(host + "/"):
                seen.foreign.append(url[:200])

        page.on("request", lambda r: record(r.url))
        page.on("websocket", lambda w: record(w.url))
        page.on("pageerror", lambda exc: None if any(str(exc).strip().startswith(e) for e in EXPECTED_PAGE_ERRORS)
                else seen.errors.append(f"page error: {exc}"[:300]))
        await page.goto(f"http://{host}{_page_path(v.page)}{v.query}", wait_until="domcontentloaded")
        if v.upload is not None:
            from iiscore_app.i18n import t

            inp = page.locator("[data-testid=stFileUploader]", has_text=t("d.upload.data", v.lang)).locator(
                "[data-testid=stFileUploaderDropzoneInput]").first
            await inp.wait_for(state="attached")
            await _idle(page)
            await inp.set_input_files(files=[{"name": v.upload_name, "mimeType": "text/csv", "buffer": v.upload}])
            await page.locator("[data-testid=stAlertContentSuccess]", has_text=v.upload_name).first.wait_for()
            await _idle(page)
            await _go(page, v, "home")
        steps = [v.scn.page if v.upload is None else "home"] + ([v.then] if v.then else [])
        for i, step in enumerate(steps):
            if i:
                await _go(page, v, step)
            try:
                await page.wait_for_function(WAIT_TOP, arg=[v.expected_top], timeout=STEP_TIMEOUT_MS, polling=100)
            except Exception:  # noqa: BLE001 - report what the page showed instead
                seen.failures.append(f"{step}: never showed {v.expected_top[:100]!r}")
            await _idle(page)
            seen.links.append((step, await _share_link(page)))
        got = await page.evaluate("() => window.__iis")
        seen.tops, seen.errors = got["tops"], seen.errors + got["errors"]
        seen.route = next((c["value"] for c in await ctx.cookies() if c["name"] == "iiscore_route"), None)
    except Exception as exc:  # noqa: BLE001 - a context that breaks is a finding, not a crash of the test
        seen.failures.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}")
    finally:
        seen.seconds = time.perf_counter() - t0
        await ctx.close()
    return seen


async def _room(stack: Stack, vs: list[Visit]) -> list[Seen]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS + NO_WEBGL)
        try:
            async def staggered(i, v):
                await asyncio.sleep(i * STAGGER_S)
                return await drive(browser, stack, v)

            return list(await asyncio.gather(*(staggered(i, v) for i, v in enumerate(vs))))
        finally:
            await browser.close()


def seen_problems(stack: Stack, all_seen: list[Seen]) -> list[str]:
    found = []
    for s in all_seen:
        v = s.visit
        found += [f"{v.name}: {f}" for f in s.failures]
        found += [f"{v.name}: error shown: {e}" for e in s.errors]
        found += [f"{v.name}: request to another host: {u}" for u in s.foreign]
        found += [f"{v.name}: showed a top-10 that is not its own: {t[:140]!r}" for t in s.tops if t != v.expected_top]
        if v.expected_top not in s.tops:
            found.append(f"{v.name}: never showed its top-10")
        for step, link in s.links:
            prefix = f"{stack.url}/{PAGE_PATHS[step]}?s=" if PAGE_PATHS[step] else f"{stack.url}/?s="
            if not link.startswith(prefix):
                found.append(f"{v.name}: share link {link[:90]} does not start with {prefix}")
                continue
            got, notes = S.decode(link[len(prefix):], v.context)
            if notes or got != v.scn.replace(page=step):
                found.append(f"{v.name}: share link is not its scenario: {[n.en for n in notes]}")
    return found


@pytest.fixture(scope="module")
def chromium_ok():
    why = browser_missing()
    if why:
        pytest.skip(why)


@pytest.mark.browser
def test_browsers_through_the_proxy(chromium_ok, stack):
    vs = visits()
    t0 = time.perf_counter()
    all_seen = asyncio.run(_room(stack, vs))
    wall = time.perf_counter() - t0
    print(f"\n{len(vs)} contexts through nginx: wall {wall:.1f} s; per context "
          + ", ".join(f"{s.visit.name} {s.seconds:.0f} s" for s in all_seen))
    assert all(p.poll() is None for p in stack.apps) and stack.nginx.poll() is None, "a process died"
    found = seen_problems(stack, all_seen)
    assert not found, "\n".join(found) + "\n\napp logs:\n" + app_log_problems(stack)[-3000:]

    # which process served what, from nginx's own record
    entries = access_entries(stack)
    by_ua = {}
    for e in entries:
        m = re.search(r"iiscore-test/(\S+)$", e["ua"])
        if m:
            by_ua.setdefault(m.group(1), []).append(e)
    served = {}
    for s in all_seen:
        v = s.visit
        mine = by_ua.get(v.name, [])
        proxied = [e for e in mine if e["upstream"] != "-"]
        routes = {stack.route_of(e["upstream"]) for e in proxied}
        assert len(routes) == 1, f"{v.name} was served by {routes}: not sticky"
        served[v.name] = routes.pop()
        assert s.route == served[v.name], f"{v.name}: cookie {s.route}, served by {served[v.name]}"
        assert any(e["path"] == BASE + "/_stcore/stream" and e["status"] == "101" for e in mine), \
            f"{v.name}: no WebSocket through the proxy"
        if v.upload is not None:
            puts = [e for e in mine if e["method"] == "PUT" and e["path"].startswith(BASE + "/_stcore/upload_file/")]
            assert puts and all(e["status"] in ("200", "204") for e in puts), (v.name, puts)
        if v.route:
            assert served[v.name] == v.route
    print("served by: " + ", ".join(f"{k} {r}" for k, r in served.items()))
    placed = {served[v.name] for v in vs if v.route is None}
    assert placed == set(ROUTES), f"nginx placed every new browser on {placed}: sessions not spread"
    assert served["twin-a"] != served["twin-b"]  # the same link on both processes, same numbers (checked above)
    assert not [e for e in entries if e["status"].startswith("5")], "5xx answers in the access log"
    assert stack.error_log.read_text() == "", stack.error_log.read_text()[-3000:]
    assert app_log_problems(stack) == "", app_log_problems(stack)[-3000:]

    # the limits let a room through: requests of one cold page load, measured here
    cold = max(sum(1 for e in by_ua[v.name] if e["path"].startswith(BASE + "/static/")) for v in vs)
    total = max(len(by_ua[v.name]) for v in vs)
    req_rate, req_burst, ses_rate, ses_burst, conn = proxy_limits()
    print(f"requests per context: at most {total} ({cold} static files); room of {ROOM}: {ROOM * total} "
          f"against a burst of {req_burst} + {req_rate}/s")
    assert ROOM * total <= req_burst, (ROOM, total, req_burst)
    assert ROOM * TABS <= ses_burst and ROOM * TABS * (1 + PARALLEL) <= conn


def proxy_limits() -> tuple:
    """(request rate, request burst, session rate, session burst, connections) of the nginx file."""
    text = SITE.read_text(encoding="utf-8")
    req_rate = int(re.search(r"zone=iiscore_req:\S+ rate=(\d+)r/s", text).group(1))
    ses_rate = int(re.search(r"zone=iiscore_sessions:\S+ rate=(\d+)r/s", text).group(1))
    bursts = {z: {int(b) for b in re.findall(rf"limit_req zone={z} burst=(\d+) nodelay;", text)}
              for z in ("iiscore_req", "iiscore_sessions")}
    assert all(len(b) == 1 for b in bursts.values()), bursts  # one burst per zone wherever it is used
    conn = int(re.search(r"limit_conn iiscore_conn (\d+);", text).group(1))
    return req_rate, bursts["iiscore_req"].pop(), ses_rate, bursts["iiscore_sessions"].pop(), conn


# -- the proxy over plain HTTP --------------------------------------------------------------------------
def test_proxy_limits_health_and_routing(stack):
    """Limits: Streamlit accepts an upload of ``server.maxUploadSize`` MiB plus at most
    ``_MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES`` of envelope (streamlit/web/server/starlette/
    starlette_routes.py), so nginx must pass a body just under that and refuse (413) one over it;
    the session zone's burst is the room's 120 WebSockets."""
    from streamlit.web.server.starlette import starlette_routes

    url = stack.url
    # health: through the proxy, and each process on its own (the script the Docker image runs)
    direct = [f"http://127.0.0.1:{p}{BASE}" for p in stack.app_ports]
    out = subprocess.run([str(ROOT / "deploy" / "iiscore-health"), *direct, url], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0 and out.stdout.count("ok ") == 3, out.stdout + out.stderr
    # the base path without its slash keeps the link's query
    status, headers, _ = get(f"http://127.0.0.1:{stack.port}{BASE}?s=1.abc")
    assert status == 301 and headers["Location"] == BASE + "/?s=1.abc"
    # a browser without a route gets one, and keeps it; an unknown route is replaced
    status, headers, _ = get(url + "/_stcore/health")
    cookies = [c for c in headers.get_all("Set-Cookie") or [] if c.startswith("iiscore_route=")]
    assert status == 200 and len(cookies) == 1 and "Path=/iiscore/" in cookies[0] and "HttpOnly" in cookies[0]
    for route in ROUTES:
        status, headers, _ = get(url + "/_stcore/health", cookie=f"iiscore_route={route}")
        assert status == 200 and not [c for c in headers.get_all("Set-Cookie") or [] if "iiscore_route" in c]
    status, headers, _ = get(url + "/_stcore/health", cookie="iiscore_route=zz")
    assert any(c.split(";")[0] in ("iiscore_route=a", "iiscore_route=b") for c in headers.get_all("Set-Cookie"))

    # uploads: the proxy's limit is Streamlit's own
    mib = 2**20
    limit = 20 * mib + starlette_routes._MAX_UPLOAD_MULTIPART_OVERHEAD_BYTES
    assert re.search(r"client_max_body_size (\d+)m;", SITE.read_text()).group(1) == str(limit // mib)
    assert "maxUploadSize = 20" in (ROOT / ".streamlit" / "config.toml").read_text()
    put = url + "/_stcore/upload_file/x/y"
    status, _, _ = get(put, method="PUT", data=b"0" * (limit + 1), headers={"Content-Type": "text/csv"})
    assert status == 413  # refused by nginx ...
    status, _, body = get(put, method="PUT", data=b"0" * (limit - 4096), headers={"Content-Type": "text/csv"})
    assert status == 403 and b"XSRF" in body  # ... while this one reached Streamlit (no session, no token)
    big, small = logged(stack, lambda e: e["method"] == "PUT" and e["path"] == BASE + "/_stcore/upload_file/x/y", 2)
    assert big["upstream"] == "-" and small["upstream"] != "-"

    # sessions: a room's worth of WebSocket requests from one address pass, the next ones get 429
    # (from 127.0.0.2, another client address on loopback: the browser test's sessions were 127.0.0.1's)
    before = stack.error_log.read_text()
    codes = [get(url + "/_stcore/stream", cookie="iiscore_route=a", source=ROOM_ADDR)[0]
             for _ in range(ROOM * TABS + 20)]
    assert codes[: ROOM * TABS] == [200] * (ROOM * TABS), codes  # a plain GET there answers the page
    assert codes.count(429) >= 10, codes
    added = stack.error_log.read_text()[len(before):].splitlines()
    assert added and all("limiting requests" in ln and 'zone "iiscore_sessions"' in ln and f"client: {ROOM_ADDR}" in ln
                         for ln in added), added[:5]
    assert app_log_problems(stack) == "", app_log_problems(stack)[-3000:]


def test_failover_to_the_other_process(tmp_path):
    """A stopped process's browsers are served by the other (its group's backup) and their cookie
    moves with them; nginx logs only the refused connections."""
    why = nginx_missing()
    if why:
        pytest.skip(why)
    s = start_stack(tmp_path / "failover")
    try:
        stop_server(s.apps[1])
        for _ in range(3):
            status, headers, body = get(s.url + "/_stcore/health", cookie="iiscore_route=b")
            assert status == 200 and body == b"ok"
        assert "iiscore_route=a;" in " ".join(headers.get_all("Set-Cookie"))
        entries = logged(s, lambda e: e["route"] == "b", 3)
        assert all(s.route_of(e["upstream"]) == "a" for e in entries)
        status, _, body = get(s.url + "/_stcore/health")  # a new browser: process a only
        assert status == 200 and body == b"ok"
        out = subprocess.run([str(ROOT / "deploy" / "iiscore-health"), f"http://127.0.0.1:{s.app_ports[1]}{BASE}",
                              s.url], capture_output=True, text=True, timeout=60)
        assert out.returncode == 1 and out.stdout.startswith("FAIL") and "\nok " in out.stdout, out.stdout
        log = s.error_log.read_text().splitlines()
        assert log and all("connect() failed (111: Connection refused)" in ln or "upstream server temporarily disabled"
                           in ln for ln in log), log
    finally:
        s.stop()


# -- the start script ------------------------------------------------------------------------------------
def _run_script(env: dict, *args) -> subprocess.CompletedProcess:
    import os
    import sys

    return subprocess.run([str(RUN), str(free_port()), *args], capture_output=True, text=True, timeout=120, cwd="/",
                          env={**os.environ, "IISCORE_PYTHON": sys.executable, **env})


def test_bad_data_stops_the_app_process(tmp_path):
    """The check runs before Streamlit: status 2 and one line naming the file, in both languages."""
    bad = tmp_path / "broken.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    secret = {"STREAMLIT_SERVER_COOKIE_SECRET": "x" * 64}
    for env, args, what in (({"IISCORE_DATA": str(tmp_path / "missing.csv")}, (), "does not exist"),
                            ({}, ("--data", str(bad)), "No 'region' column")):
        out = _run_script({**secret, **env}, *args)
        lines = out.stderr.strip().splitlines()
        assert out.returncode == 2 and len(lines) == 1, (out.returncode, out.stderr, out.stdout)
        assert what in lines[0] and " | " in lines[0] and "请改正后重启应用" in lines[0], lines[0]
        assert (str(bad) if args else str(tmp_path / "missing.csv")) in lines[0]
        assert "Traceback" not in out.stderr + out.stdout and "Uvicorn" not in out.stdout


def test_run_script_needs_the_cookie_secret():
    for secret in ("", "change-me"):
        out = _run_script({"STREAMLIT_SERVER_COOKIE_SECRET": secret})
        assert out.returncode == 2 and "STREAMLIT_SERVER_COOKIE_SECRET" in out.stderr, out.stderr
    out = _run_script({"STREAMLIT_SERVER_COOKIE_SECRET": "x" * 64}, "--help")
    assert out.returncode == 2 and "Unknown argument '--help'" in out.stderr


# -- the files agree ---------------------------------------------------------------------------------------
def test_deploy_files_agree():
    """What docs/deploy.md tells to install is one recipe: the same ports, base path and scripts."""
    site = SITE.read_text(encoding="utf-8")
    unit = (ROOT / "deploy" / "systemd" / "iiscore@.service").read_text(encoding="utf-8")
    run = RUN.read_text(encoding="utf-8")
    docker = (ROOT / "deploy" / "Dockerfile").read_text(encoding="utf-8")
    entry = (ROOT / "deploy" / "docker-entrypoint").read_text(encoding="utf-8")
    health = (ROOT / "deploy" / "iiscore-health").read_text(encoding="utf-8")
    doc = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    # the base path: Streamlit's, nginx's locations and cookie path
    assert "--server.baseUrlPath iiscore" in run
    assert "location /iiscore/ {" in site and "Path=/iiscore/;" in site and "return 302 /iiscore/;" in site
    # the two processes: nginx's upstreams, the Docker entrypoint, the health check's defaults, the doc
    for port in PROD_PORTS:
        assert site.count(f"server 127.0.0.1:{port}") == 3 and f":{port}$" in site
        assert f"127.0.0.1:{port}/iiscore" in health and f"iiscore@{port}" in doc
    assert "for port in 8501 8502; do" in entry and "deploy/iiscore-run" in entry
    # systemd and Docker start the app only through the tested script, and serve the tested nginx file
    assert "ExecStart=/opt/iiscore/deploy/iiscore-run %i" in unit and "RestartPreventExitStatus=2" in unit
    assert "cp deploy/nginx/iiscore.conf /etc/nginx/conf.d/iiscore.conf" in docker
    assert "rm -f /etc/nginx/sites-enabled/default" in docker and "deploy/iiscore-health" in docker
    assert "/etc/nginx/conf.d/iiscore.conf" in doc and "sites-enabled/default" in doc
    # the test renders the same file it reads (only the listen address, ports and log directory change)
    rendered = render_site(18080, (18501, 18502), Path("/tmp/x"))
    assert rendered.replace("18501", "8501").replace("18502", "8502").replace(
        "listen 127.0.0.1:18080;", "listen 80;").replace("/tmp/x/", "/var/log/nginx/") == site


def test_systemd_unit_verifies(tmp_path):
    """``systemd-analyze verify`` (offline) accepts the unit, instantiated for 8501, with the code
    directory pointing at this checkout: no unknown keys, the start script exists and runs."""
    import shutil

    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is missing (package systemd)")
    text = (ROOT / "deploy" / "systemd" / "iiscore@.service").read_text(encoding="utf-8")
    unit = tmp_path / "iiscore@8501.service"
    unit.write_text(text.replace("/opt/iiscore", str(ROOT)), encoding="utf-8")
    out = subprocess.run([tool, "verify", "--man=no", str(unit)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.strip() == "" and out.stderr.strip() == "", out.stdout + out.stderr
