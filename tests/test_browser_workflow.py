"""The planner's data workflow in Debian's Chromium (Playwright), end to end through the real server:

* the upload round trip: download the filled template from the Data page, change three cells in it
  (openpyxl, as Excel would), upload it through the file chooser, and see the three changes and
  every region's rank change against the built-in data -- read from the page's grids and checked
  against the engine (``iiscore.load_data`` + ``iiscore.build`` on the same file);
* every export opened and checked cell by cell against the engine: the Excel workbook (every
  sheet), the ranking CSV, the scenario JSON and both templates, for a scenario with weights and
  edits; the workbook in English has no Chinese; the workbook of the upload holds its comparison.

Expected numbers come from direct engine calls (``simulate.whatif``, ``tiering.tiers``,
``sensitivity.monte_carlo``), the data files (``data/indicators.csv``, ``regions.csv``,
``framework.csv``, ``national_published.csv``) and arithmetic written out here. No request may
leave 127.0.0.1. Skipped with the reason when /usr/bin/chromium or Playwright is missing.
"""
from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import parse_qs, urlparse

import numpy as np
import openpyxl
import pandas as pd
import pytest

import iiscore
from iiscore import sensitivity, simulate, tiering
from iiscore.datasets import load_regions
from iiscore.resources import data_file
from iiscore.spec import Spec
from iiscore_app import presets as P
from iiscore_app import scenario as S
from tests._server import browser, server  # noqa: F401 - the module's app server and Chromium

DS, FW = iiscore.load_default(), iiscore.load_default_framework()
ROOT = FW.root
CTX = S.make_context(DS, FW)
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
CHANGES = [("贵州", 2023, "network", 3.0), ("西藏", 2023, "rd_input", 2.0), ("北京", 2022, "talent", 0.5)]

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, server):
    """A fresh page that accepts downloads; afterwards, no request may have left the loopback."""
    ctx = browser.new_context(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    seen = []
    ctx.on("request", lambda r: seen.append(r.url))
    pg = ctx.new_page()
    yield pg
    ctx.close()
    outside = [u for u in seen if urlparse(u).hostname not in ("127.0.0.1", "localhost", None)
               and not u.startswith(("data:", "blob:"))]
    assert not outside, outside[:5]


def idle(page, timeout=60000):
    page.wait_for_selector("[data-testid=stApp]", timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=timeout)


def download(page, name: str) -> bytes:
    """Click the download button called ``name`` and return the file's bytes."""
    button = page.get_by_role("button", name=name)
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60000) as dl:
        button.click()
    with open(dl.value.path(), "rb") as f:
        return f.read()


_GRID_JS = """el => { const out = {};
  for (const c of el.querySelectorAll('[role=gridcell],[role=columnheader]')) {
    const r = c.getAttribute('aria-rowindex') || c.parentElement.getAttribute('aria-rowindex');
    const k = c.getAttribute('aria-colindex');
    (out[r] = out[r] || {})[k] = c.innerText; }
  return out; }"""


def grid(page, has_text: str) -> pd.DataFrame:
    """Every row of the data grid whose header holds ``has_text``, read from its accessible cells
    (scrolling through the virtualised rows)."""
    g = page.locator("[data-testid=stDataFrame]").filter(has_text=has_text).first
    g.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    scroller = g.locator(".dvn-scroller").first
    rows: dict = {}
    for _ in range(80):
        rows.update(g.evaluate(_GRID_JS))
        if scroller.evaluate("el => el.scrollTop + el.clientHeight >= el.scrollHeight - 2"):
            break
        scroller.evaluate("el => { el.scrollTop += el.clientHeight * 0.4; }")
        page.wait_for_timeout(250)
    rows.update(g.evaluate(_GRID_JS))
    order = sorted(rows, key=int)
    table = [[rows[r][k] for k in sorted(rows[r], key=int)] for r in order]
    return pd.DataFrame(table[1:], columns=table[0])


def num(text) -> float:
    return float(str(text).replace(",", ""))


def open_exports(page):
    """Open the sidebar's scenario tools (where the downloads are)."""
    # the summary's text is the expander's icon name, then its label
    page.locator("[data-testid=stSidebar] summary").filter(has_text=re.compile(r"(情景|Scenario)\s*$")).first.click()
    page.get_by_role("button", name=re.compile("下载 Excel|Download Excel")).wait_for(timeout=30000)


def open_book(raw: bytes):
    return openpyxl.load_workbook(io.BytesIO(raw))


def sheet_frame(wb, name) -> pd.DataFrame:
    r = [list(x) for x in wb[name].iter_rows(values_only=True)]
    return pd.DataFrame(r[1:], columns=r[0])


def region_of(name: str) -> str:
    info = load_regions()
    if name in DS.regions:
        return name
    hit = info.index[info["name_en"] == name]
    assert len(hit) == 1, name
    return hit[0]


# -- the upload round trip ----------------------------------------------------------------------------
def test_upload_round_trip_shows_the_three_changes_and_the_rank_changes(page, server, tmp_path):
    page.goto(server + "/Data")
    page.get_by_text("数据模板（已填入当前数据）").first.wait_for(timeout=60000)
    idle(page)
    raw = download(page, "下载数据模板（Excel，已填好）")
    wb = open_book(raw)
    assert wb.sheetnames[0] == "数据"
    ws = wb["数据"]
    head = [c.value for c in ws[1]]
    done = 0
    for row in ws.iter_rows(min_row=5):
        for region, year, leaf, factor in CHANGES:
            if row[0].value == region and row[2].value == year:
                cell = row[head.index(FW.name(leaf, "zh"))]
                assert cell.value == DS.matrix(year).at[region, leaf]  # the template holds the data in use
                cell.value = cell.value * factor
                done += 1
    assert done == 3
    path = tmp_path / "planner.xlsx"
    wb.save(path)
    page.locator("[data-testid=stFileUploader]").filter(has_text="数据文件").locator("input[type=file]") \
        .set_input_files(str(path))
    page.get_by_text("已载入“planner.xlsx”").first.wait_for(timeout=60000)
    idle(page)

    # the three changes, with the built-in value and the uploaded one
    changed = grid(page, "上传数值")
    assert len(changed) == 3
    for region, year, leaf, factor in CHANGES:
        row = changed[(changed["地区"] == region) & (changed["年份"] == str(year))
                      & (changed["指标"] == FW.name(leaf, "zh"))]
        before = float(DS.matrix(year).at[region, leaf])
        assert len(row) == 1, (region, year, leaf)
        assert num(row["内置数据数值"].iloc[0]) == pytest.approx(before, rel=1e-4)
        assert num(row["上传数值"].iloc[0]) == pytest.approx(before * factor, rel=1e-4)
    page.get_by_text("黄色标出的 2 个数值与内置数据不同").first.wait_for(timeout=10000)

    # every region's rank change against the built-in data, both with the upload's settings
    f = io.BytesIO(path.read_bytes())
    f.name = "planner.xlsx"
    ds_up = iiscore.load_data(f, FW, region_info=load_regions())
    up = iiscore.build(ds_up, Spec(framework=FW, year=2023))
    base = iiscore.build(DS, Spec(framework=FW, year=2023))
    cmp = grid(page, "上传数据排名").set_index("地区")
    assert len(cmp) == 31
    for r in DS.regions:
        assert int(cmp.at[r, "内置数据排名"]) == base.ranks.at[r, ROOT]
        assert int(cmp.at[r, "上传数据排名"]) == up.ranks.at[r, ROOT]
        assert int(cmp.at[r, "排名变化"]) == base.ranks.at[r, ROOT] - up.ranks.at[r, ROOT]
        assert num(cmp.at[r, "上传数据得分"]) == pytest.approx(round(up.composite[r], 2), abs=0.006)
    assert int(cmp.at["贵州", "排名变化"]) > 0

    # the workbook exported now carries the comparison and labels the changed cells 'uploaded'
    open_exports(page)
    book = open_book(download(page, "下载 Excel（全部表格）"))
    sheet = sheet_frame(book, "与官方基线比较").set_index("地区")
    for r in DS.regions:
        assert sheet.at[r, "上传数据排名"] == up.ranks.at[r, ROOT] and sheet.at[r, "内置数据排名"] == base.ranks.at[r, ROOT]
        assert sheet.at[r, "上传数据得分"] == pytest.approx(round(up.composite[r], 2), abs=1e-9)
    diff = sheet_frame(book, "不同的数值")
    assert len(diff) == 3
    prov = sheet_frame(book, "来源类型").set_index("地区")
    assert prov.at["贵州", "网络建设"] == "上传数据" and prov.at["西藏", "研发投入"] == "上传数据"
    assert prov.at["西藏", "平台培育"] == "估算"  # an unchanged estimate stays an estimate
    about = dict(sheet_frame(book, "情景").iloc[:, :2].itertuples(index=False))
    assert about["数据集"] == "上传的数据：planner.xlsx" and about["与内置数据不同的数值（个）"] == 3


# -- every export against the engine --------------------------------------------------------------------
def the_scenario():
    """The western provinces' preset (24 edits) with the innovation weight at 45."""
    return P.preset("west_infra", DS, FW, CTX.defaults).replace(weights={"innovation": 45.0})


def engine(scn):
    """The scenario computed by the engine alone: baseline, what-if, tiers, Monte Carlo."""
    base_spec = iiscore.default_spec()
    spec = iiscore.default_spec(framework=FW.with_weights({"innovation": 45.0}))
    baseline = iiscore.build(DS, base_spec)
    unedited = iiscore.build(DS, spec)
    cols = [ROOT, *FW.pillars]
    t_base = tiering.tiers(baseline.scores[cols]).tier
    t_unedited = tiering.tiers(unedited.scores[cols]).tier
    w = simulate.whatif(DS, spec, scn.edits, mode="renormalise", tiers=t_unedited)
    edited_ds = simulate.apply_edits(DS, w.edits, 2023, FW)
    tiers_now = w.table.set_index("region")["tier_after"]
    # the tiers a planner sees: the unedited tiering moved by the what-if's crossing rule
    mc = sensitivity.monte_carlo(edited_ds, w.after.spec, samples=scn.mc_n, seed=scn.mc_seed,
                                 weight_noise=scn.mc_spread, tiers=tiers_now)
    return baseline, w, t_base, tiers_now, mc


def provenance_by_hand(scn) -> pd.DataFrame:
    long = pd.read_csv(data_file("indicators.csv"))
    m = long[long["year"] == 2023].pivot(index="region", columns="indicator", values="provenance")
    for e in scn.edits:
        m.at[e.region, e.indicator] = "scenario"
    return m


def test_every_export_matches_the_engine(page, server):
    scn = the_scenario()
    page.goto(server + "/?s=" + S.encode(scn, CTX))
    page.get_by_text("综合排名").first.wait_for(timeout=60000)
    idle(page)
    open_exports(page)
    book = open_book(download(page, "下载 Excel（全部表格）"))
    ranking_csv = download(page, "下载排名 CSV")
    scenario_json = download(page, "下载情景 JSON")
    baseline, w, t_base, tiers_now, mc = engine(scn)
    res = w.after
    names = {DS.region_name(r, "zh"): r for r in DS.regions}
    glob = res.effective_weights
    prov = provenance_by_hand(scn)

    # the ranking sheet and the ranking CSV: every cell
    csv_rows = list(csv.reader(io.StringIO(ranking_csv.decode("utf-8-sig"))))
    csv_frame = pd.DataFrame(csv_rows[1:], columns=csv_rows[0])
    for frame, as_num in ((sheet_frame(book, "排名"), float), (csv_frame, num)):
        assert len(frame) == 31
        for _, row in frame.iterrows():
            r = names[row["地区"]]
            assert as_num(row["排名"]) == res.ranks.at[r, ROOT]
            assert as_num(row[FW.name(ROOT, "zh")]) == pytest.approx(round(res.composite[r], 2), abs=1e-9)
            for p in FW.pillars:
                assert as_num(row[FW.name(p, "zh")]) == pytest.approx(round(res.scores.at[r, p], 2), abs=1e-9)
            assert row["当前梯队"].split(" ")[0] == str(tiers_now[r])
            assert as_num(row["基线排名"]) == baseline.ranks.at[r, ROOT]
            assert as_num(row["排名变化"]) == baseline.ranks.at[r, ROOT] - res.ranks.at[r, ROOT]
            est = glob.loc[r][prov.loc[r, list(glob.columns)] == "estimate"].sum() * 100
            scen = glob.loc[r][prov.loc[r, list(glob.columns)] == "scenario"].sum() * 100
            assert as_num(row["估算占比 %"]) == pytest.approx(round(est, 1), abs=1e-9)
            assert as_num(row["情景修改 %"]) == pytest.approx(round(scen, 1), abs=1e-9)

    # scores, values, provenance: every cell
    scores, values, pv = (sheet_frame(book, n) for n in ("得分", "数值", "来源类型"))
    labels = {"public": "公开统计", "estimate": "估算", "report": "报告数字", "scenario": "情景修改"}
    for (_, s), (_, v), (_, p) in zip(scores.iterrows(), values.iterrows(), pv.iterrows()):
        r = names[s["地区"]]
        for node in FW.ids:
            assert s[FW.name(node, "zh")] == pytest.approx(res.scores.at[r, node], rel=1e-12, abs=1e-12)
        for leaf in FW.leaves:
            want = res.raw.at[r, leaf]
            got = v[FW.name(leaf, "zh")]
            assert (got is None and np.isnan(want)) or got == pytest.approx(want, rel=1e-12)
            assert p[FW.name(leaf, "zh")] == labels[prov.at[r, leaf]]

    # weights by hand from data/framework.csv (innovation at 45)
    f = pd.read_csv(data_file("framework.csv")).set_index("id")
    f.loc["innovation", "weight"] = 45.0
    wt = sheet_frame(book, "权重").set_index("节点")
    pil = f[f["parent"] == ROOT]
    for pid, prow in pil.iterrows():
        share = prow["weight"] / pil["weight"].sum()
        assert wt.at[FW.name(pid, "zh"), "全局权重 %"] == pytest.approx(100 * share, abs=1e-4)
        kids = f[f["parent"] == pid]
        for kid, krow in kids.iterrows():
            assert wt.at[FW.name(kid, "zh"), "全局权重 %"] == pytest.approx(
                100 * share * krow["weight"] / kids["weight"].sum(), abs=1e-4)

    # edits: the preset's, by hand (12 western provinces × 5 foundational indicators, each +200 %)
    ed = sheet_frame(book, "修改")
    assert len(ed) == len(scn.edits) == 12 * 5
    m = DS.matrix(2023)
    for _, row in ed.iterrows():
        r, leaf = names[row["地区"]], next(x for x in FW.leaves if FW.name(x, "zh") == row["指标"])
        assert row["变化 %"] == 200 and row["原数值"] == m.at[r, leaf]
        assert row["新数值"] == pytest.approx(m.at[r, leaf] * 3.0, rel=1e-12)

    # tiers (baseline and now), the report's tiers (data/regions.csv), national index and contributions
    tt = sheet_frame(book, "梯队")
    for _, row in tt.iterrows():
        r = names[row["地区"]]
        assert row["基线梯队"].split(" ")[0] == str(t_base[r]) and row["当前梯队"].split(" ")[0] == str(tiers_now[r])
    reg = pd.read_csv(data_file("regions.csv")).set_index("region")
    rep = sheet_frame(book, "与报告梯队比较")
    for _, row in rep.iterrows():
        r = names[row["地区"]]
        assert row["报告梯队"] == reg.at[r, "report_tier"] and row["梯队"] == tiers_now[r]
    pub = pd.read_csv(data_file("national_published.csv"))
    idx = pub[pub["kind"] == "index"].pivot(index="year", columns="node", values="value")
    nat = sheet_frame(book, "全国指数").set_index("年份")
    for node in idx.columns:
        assert list(nat[FW.name(node, "zh")]) == list(idx[node])
    wp = f.loc[list(FW.pillars), "weight"] / f.loc[list(FW.pillars), "weight"].sum()
    con = sheet_frame(book, "贡献率").set_index("分项")
    for a, b in ((2020, 2021), (2021, 2022), (2022, 2023)):
        d = idx.loc[b, list(FW.pillars)] - idx.loc[a, list(FW.pillars)]
        for p in FW.pillars:
            assert con.at[FW.name(p, "zh"), f"{a}→{b}"] == pytest.approx(100 * wp[p] * d[p] / (wp * d).sum(), abs=1e-9)

    # Monte Carlo: the engine's table for the scenario's draws, spread and seed
    mct = sheet_frame(book, "蒙特卡洛")
    for _, row in mct.iterrows():
        r = names[row["地区"]]
        assert row["中位排名"] == mc.table.at[r, "median_rank"]
        assert row["排名 5% 分位"] == mc.table.at[r, "p05_rank"] and row["排名 95% 分位"] == mc.table.at[r, "p95_rank"]
        for k in range(1, 5):
            col = next(c for c in mct.columns if str(c).startswith(f"第 {k} 梯队"))
            assert row[col] == pytest.approx(round(mc.table.at[r, f"p_tier{k}"] * 100, 2), abs=1e-9)

    # the scenario sheet: numbers as numbers, and an absolute link that opens the same scenario
    about = {row[0]: row[1] for row in book["情景"].iter_rows(min_row=2, values_only=True)}
    assert about["权重：技术创新"] == 45 and about["年份"] == 2023 and about["情景修改（项，见“修改”工作表）"] == 60
    link = about["分享链接"]
    assert link.startswith(server + "/") and "?s=" in link
    back, notes = S.decode(parse_qs(urlparse(link).query)["s"][0], CTX)
    assert notes == [] and back.compute_key() == scn.compute_key()

    # the scenario JSON: UTF-8 as written, read back to the same scenario
    assert "贵州".encode("utf-8") in scenario_json and b"\\u" not in scenario_json
    doc = json.loads(scenario_json.decode("utf-8"))
    again, notes = S.from_json(json.dumps(doc, ensure_ascii=False), CTX)
    assert notes == [] and again.compute_key() == scn.compute_key()


def test_templates_and_the_english_workbook(page, server):
    """Both templates hold every value of the built-in data (all years); the English workbook has
    no Chinese in any cell or sheet name."""
    page.goto(server + "/Data?lang=en")
    page.get_by_text("Data template (filled with the data in use)").first.wait_for(timeout=60000)
    idle(page)
    for name in ("Download the data template (Excel, filled in)", "Download the data template (CSV, filled in)"):
        raw = download(page, name)
        if raw[:2] == b"PK":
            wb = open_book(raw)
            assert wb.sheetnames[0] == "data"
            rows = [list(x) for x in wb["data"].iter_rows(values_only=True)]
        else:
            rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        head, body = rows[0], [r for r in rows[1:] if not str(r[0]).startswith("#")]
        assert head[:3] == ["region", "region_zh", "year"]
        assert len(body) == len(DS.regions) * len(DS.years)
        for r in body:
            region, year = region_of(r[0]), int(r[2])
            for leaf in FW.leaves:
                cell = r[head.index(FW.name(leaf, "en"))]
                want = DS.matrix(year).at[region, leaf]
                if cell in (None, ""):
                    assert np.isnan(want)
                else:
                    assert float(cell) == want
    page.goto(server + "/?lang=en&preset=west_infra")
    page.get_by_text("Composite ranking").first.wait_for(timeout=60000)
    idle(page)
    open_exports(page)
    book = open_book(download(page, "Download Excel (all tables)"))
    assert "Monte Carlo" in book.sheetnames and "vs report tiers" in book.sheetnames
    for ws in book.worksheets:
        assert not CJK.search(ws.title)
        for row in ws.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, str) and CJK.search(v)), (ws.title, v)
