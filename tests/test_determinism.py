"""The same link gives the same numbers across processes, hash seeds, server restarts and machines.

* Two fresh Python processes with different ``PYTHONHASHSEED`` decode the same links and compute
  everything a link leads to (full-precision score, rank and tier tables, the app's CSV exports of
  every table, what-if tables, rank trajectories, Monte Carlo and k-means with fixed seeds); the
  outputs must be identical byte for byte.
* Ties are broken by region order, in both processes: a tiny data set with two exact ties, and a
  link whose edits make 天津 equal to 上海 in the default data.
* The real server, started twice with different hash seeds, shows the same top-10 text, ranking
  grid and tier members for the same link (browser test, skipped without Chromium).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import iiscore
from iiscore_app import presets as P
from iiscore_app import scenario as S

ROOT = Path(__file__).resolve().parent.parent
DS, FW = iiscore.load_default(), iiscore.load_default_framework()
CTX = S.make_context(DS, FW)
SEEDS = ("0", "2718281")


def scenarios() -> dict[str, S.Scenario]:
    d = CTX.defaults
    m = DS.matrix(2023)
    tie = [S.Edit("天津", leaf, "abs", float(m.at["上海", leaf])) for leaf in FW.leaves]  # 天津 := 上海
    out = {
        "default": d,
        "west_infra_fixed": P.preset("west_infra", DS, FW).replace(whatif="fixed", tier_k=5, tier_seed=3),
        "geometric_jenks": d.replace(aggregation="geometric", tier_method="jenks", tier_k=3,
                                     weights={"innovation": 30, "network": 5}),
        "zscore_kmeans_std": d.replace(normalisation="zscore", tier_standardise=True, tier_seed=5,
                                       tier_features="composite", treat="winsor", missing="mean"),
        "pooled_2021_sizes": S.Scenario.default().replace(tier_method="sizes").replace(goalposts="pooled", year=2021),
        "rank_norm_edits": d.replace(normalisation="rank", treat="none",
                                     edits=[("贵州", "network", "pct", 80.0), ("Beijing", "talent", "abs", 1.0)]),
        "tie": d.replace(edits=tie, tier_method="average"),
    }
    return {k: S.decode(S.encode(v, CTX), CTX)[0] for k, v in out.items()}


# Runs in a fresh interpreter; prints one JSON object name -> text.
WORKER = r'''
import json, sys, logging
logging.disable(logging.WARNING)
import pandas as pd
import iiscore
from iiscore import export, sensitivity, tiering
from iiscore_app import scenario as S
from iiscore_app import state, views

tokens = json.loads(sys.stdin.read())
ds, fw = iiscore.load_default(), iiscore.load_default_framework()
b = state.default_bundle()
out = {"hash_of_x": str(hash("x"))}  # proves the hash seeds differ
for name, tok in tokens.items():
    scn, notes = S.decode(tok, b.context)
    assert not notes, notes
    out[f"{name}/token"] = S.encode(scn, b.context)
    ev = state.Eval(scn, b)
    res = ev.current
    out[f"{name}/scores"] = res.scores.to_csv()          # floats written with repr: full precision
    out[f"{name}/effective_weights"] = res.effective_weights.to_csv()
    out[f"{name}/ranks"] = res.ranks.to_csv()
    out[f"{name}/tiers"] = ev.tiers.assignment.to_csv()
    out[f"{name}/baseline"] = ev.baseline.scores.to_csv()
    for lang in ("zh", "en"):
        out[f"{name}/ranking.csv/{lang}"] = export.to_csv(views.ranking_table(ev, lang)).hex()
        for sheet, table in views.export_tables(ev, lang).items():
            keep = not isinstance(table.index, pd.RangeIndex)
            out[f"{name}/export/{lang}/{sheet}"] = export.to_csv(table, index=keep).hex()
        out[f"{name}/top_line/{lang}"] = views.top_line(ev, lang)
    ranks, scores = ev.trajectory
    out[f"{name}/trajectory"] = ranks.to_csv() + scores.to_csv()
    if scn.edits:
        wi = S.whatif_for(scn, b.ds, b.fw, tiers=ev.tiers_unedited.tier)
        out[f"{name}/whatif"] = wi.table.to_csv()
    if name in ("default", "west_infra_fixed"):
        mc = sensitivity.monte_carlo(ev.edited_ds, res.spec, samples=300, seed=scn.mc_seed + 11,
                                     weight_noise=scn.mc_spread, tiers=ev.tiers, chunk_size=60)
        out[f"{name}/monte_carlo"] = mc.table.to_csv()
table = state.Eval(b.context.defaults, b).current.scores[[fw.root, *fw.pillars]]
for k in (2, 3, 4, 6):
    for seed in (0, 7):
        for std in (False, True):
            t = tiering.tiers(table, method="kmeans", k=k, seed=seed, standardise=std)
            out[f"kmeans/{k}/{seed}/{std}"] = t.assignment.to_csv()
out["silhouette"] = tiering.silhouette_by_k(table, ks=range(2, 7), seed=1).to_csv()

# exact ties on a hand-made data set: regions listed z, a, m, b (not alphabetical)
tiny_fw = iiscore.load_framework(pd.DataFrame(
    [("idx", "", 1, 1, "指数", "Index"), ("A", "idx", 60, 1, "甲", "A"), ("B", "idx", 40, 1, "乙", "B"),
     ("a1", "A", 1, 1, "甲一", "a1"), ("a2", "A", 3, -1, "甲二", "a2"), ("b1", "B", 1, 1, "乙一", "b1")],
    columns=["id", "parent", "weight", "direction", "name_zh", "name_en"]))
rows = []
for r, vals in (("zeta", (9, 1, 8)), ("alpha", (9, 1, 8)), ("mid", (3, 4, 2)), ("beta", (3, 4, 2)), ("last", (1, 9, 0))):
    rows += [(r, 2023, i, v) for i, v in zip(("a1", "a2", "b1"), vals)]
tiny = iiscore.load_data(pd.DataFrame(rows, columns=["region", "year", "indicator", "value"]), tiny_fw)
for agg in ("arithmetic", "geometric"):
    for norm in ("minmax", "zscore", "rank"):
        if agg == "geometric" and norm == "zscore":
            continue
        r = iiscore.build(tiny, iiscore.Spec(framework=tiny_fw, year=2023, normalisation=norm, aggregation=agg))
        order = list(r.ranks["idx"].sort_values(kind="stable").index)
        out[f"ties/{agg}/{norm}"] = json.dumps({"order": order, "ranks": r.ranks["idx"].astype(int).to_dict(),
                                                "composite": r.composite.map(repr).to_dict()})
print(json.dumps(out, ensure_ascii=False, sort_keys=True))
'''


def run_worker(seeds=SEEDS) -> list[dict]:
    tokens = json.dumps({k: S.encode(v, CTX) for k, v in scenarios().items()})
    procs = [subprocess.Popen([sys.executable, "-c", WORKER], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)})
             for seed in seeds]
    outs = []
    for p in procs:
        stdout, stderr = p.communicate(input=tokens, timeout=600)
        assert p.returncode == 0, stderr[-3000:]
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    return outs


@pytest.fixture(scope="module")
def worker_outputs():
    return run_worker()


def test_two_processes_with_different_hash_seeds_agree_exactly(worker_outputs):
    a, b = worker_outputs
    assert a.pop("hash_of_x") != b.pop("hash_of_x")  # the processes really hash differently
    assert a.keys() == b.keys()
    assert len(a) > 100
    differ = sorted(k for k in a if a[k] != b[k])
    assert not differ, f"differ between PYTHONHASHSEED={SEEDS[0]} and {SEEDS[1]}: {differ[:20]}"


def test_worker_matches_this_process(worker_outputs):
    """What a fresh process computes is what this one computes (no hidden state from other tests)."""
    out = worker_outputs[0]
    for name, scn in scenarios().items():
        res = S.result_for(scn, DS, FW)
        assert out[f"{name}/scores"] == res.scores.to_csv(), name
        assert out[f"{name}/token"] == S.encode(scn, CTX)


def test_ties_are_broken_by_region_order(worker_outputs):
    for out in worker_outputs:
        for key in [k for k in out if k.startswith("ties/")]:
            got = json.loads(out[key])
            assert got["order"][:4] == ["zeta", "alpha", "mid", "beta"], key
            assert got["ranks"]["zeta"] == got["ranks"]["alpha"] and got["ranks"]["mid"] == got["ranks"]["beta"], key
            assert got["composite"]["zeta"] == got["composite"]["alpha"], key
        # 天津 (listed before 上海) now has exactly 上海's values: same score, same rank, listed first
        ranking = bytes.fromhex(out["tie/ranking.csv/zh"]).decode("utf-8-sig").splitlines()
        rows = [r.split(",") for r in ranking[1:]]
        names = [r[1] for r in rows]
        i, j = names.index("天津"), names.index("上海")
        assert j == i + 1 and rows[i][0] == rows[j][0] and rows[i][2] == rows[j][2], (rows[i], rows[j])
        assert "天津" in out["tie/top_line/zh"] and out["tie/top_line/zh"].index("天津") < out["tie/top_line/zh"].index("上海")


# -- the real server, twice ----------------------------------------------------------------------------
# the first table's accessible cells are filled (the grid draws them after the element appears)
FIRST_GRID_FILLED = """() => { const g = document.querySelector('[data-testid=stDataFrame]');
    return !!g && g.querySelectorAll('[role=gridcell]').length > 10
        && !document.querySelector('[data-testid=stStatusWidget]'); }"""


def _read_server(url: str, browser, home_link: str, tiers_link: str) -> dict:
    from tests.test_browser import wait_app

    ctx = browser.new_context(viewport={"width": 1500, "height": 1100})
    try:
        page = ctx.new_page()
        page.goto(url + "/" + home_link)
        wait_app(page, "综合排名")
        page.locator("#iis-top").wait_for()
        page.wait_for_function(FIRST_GRID_FILLED)
        cells = "() => Array.from(document.querySelector('[data-testid=stDataFrame]').querySelectorAll('[role=gridcell]'))" \
                ".map(c => c.innerText).join('|')"
        got = {"top": page.locator("#iis-top").inner_text(), "ranking": page.evaluate(cells),
               "link": page.locator("[data-testid=stSidebar] [data-testid=stCode] code").first.text_content()}
        page.goto(url + "/Tiers" + tiers_link)
        wait_app(page, "梯队划分")
        page.wait_for_function(FIRST_GRID_FILLED)
        got["tiers"] = page.evaluate(cells)
        assert page.locator("[data-testid=stException]").count() == 0
        return got
    finally:
        ctx.close()


@pytest.mark.browser
def test_server_restarts_show_the_same_numbers():
    from tests._server import CHROMIUM, skip_without_browser, start_server, stop_server
    from tests.test_concurrency import NO_WEBGL, top_line

    skip_without_browser()
    from playwright.sync_api import sync_playwright
    from tests._server import ARGS

    scn = scenarios()["west_infra_fixed"].replace(lang="zh", weights={"application": 25.5})
    home = "?s=" + S.encode(scn.replace(page="home"), CTX)
    tiers = "?s=" + S.encode(scn.replace(page="tiers"), CTX)
    seen = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS + NO_WEBGL)  # numbers, not maps
        try:
            for seed in SEEDS:  # sequentially: one server, read, stop; then a fresh one
                proc, url = start_server({"PYTHONHASHSEED": seed})
                try:
                    seen.append(_read_server(url, browser, home, tiers))
                finally:
                    stop_server(proc)
        finally:
            browser.close()
    a, b = seen
    assert " ".join(a["top"].split()) == top_line(scn, DS, FW, CTX)  # and equal to direct iiscore
    assert a["top"] == b["top"]
    assert a["ranking"] == b["ranking"] and len(a["ranking"]) > 200
    assert a["tiers"] == b["tiers"] and a["tiers"]
    assert a["link"].split("?s=")[1] == b["link"].split("?s=")[1] == home[3:]
