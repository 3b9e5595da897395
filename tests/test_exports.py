"""The app's Excel export (``iiscore_app.views.exports``), sheet by sheet, against independent sources:
the framework file read with pandas (weights by hand), ``data/regions.csv`` (the report's tiers) with
scikit-learn's ARI, ``data/national_published.csv`` (the published series) with the contribution
formula written out, direct ``sensitivity.monte_carlo`` and ``simulate.goal_seek`` calls, and the
edits applied by hand. Also: every sheet in the user's language only, numbers as numbers, the link
absolute or said to be unknown, the JSON in UTF-8 as written.
"""
from __future__ import annotations

import io
import json
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest

from iiscore import sensitivity, simulate
from iiscore.resources import data_file
from iiscore_app import presets as P
from iiscore_app import scenario as S
from iiscore_app import state, views
from iiscore_app.i18n import t

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
B = state.default_bundle()
DS, FW = B.ds, B.fw
LINK = "http://127.0.0.1:8501/?s=1.abc"


def scenario(lang="zh", **changes):
    """The western provinces' preset, the innovation weight raised to 45, in ``lang``."""
    scn = P.preset("west_infra", DS, FW, B.context.defaults).replace(weights={"innovation": 45.0}, lang=lang)
    return scn.replace(**changes)


def goal(ev):
    return simulate.goal_seek(DS, ev.unedited.spec, "贵州", indicators=["network", "identifier"], mode=ev.scn.whatif,
                              tiers=ev.tiers_unedited.tier, edits=S.sim_edits(ev.scn), target_tier=2)


@pytest.fixture(scope="module", params=["zh", "en"])
def book(request):
    lang = request.param
    ev = state.Eval(scenario(lang), B)
    gs = goal(ev)
    mc = views.monte_carlo_for(ev)
    raw = views.export_workbook(ev, lang, LINK, True, mc=mc, goal=gs)
    return lang, ev, gs, mc, openpyxl.load_workbook(io.BytesIO(raw))


def rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def sheet(wb, key, lang) -> pd.DataFrame:
    r = rows(wb[t(key, lang)])
    return pd.DataFrame(r[1:], columns=r[0])


def test_every_sheet_is_in_the_users_language(book):
    """zh: no English word outside the allowed abbreviations and the link; en: no Chinese at all
    (the built-in data's region and indicator names have English names)."""
    lang, ev, gs, mc, wb = book
    allowed = {"ARI", "http", "CR", "AHP", "k-means", "Jenks", "EIS", "z"}
    bad = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c.value, str):
                    continue
                if lang == "zh":
                    bad += [(ws.title, c.coordinate, w) for w in re.findall(r"[A-Za-z][A-Za-z'\-]*", c.value)
                            if w not in allowed and not c.value.startswith("http")]
                elif CJK.search(c.value):
                    bad.append((ws.title, c.coordinate, c.value))
        if lang == "en":
            assert not CJK.search(ws.title)
    assert not bad, bad[:20]
    expected = {t(k, lang) for k in ("xp.sheet.scenario", "xp.sheet.ranking", "xp.sheet.edits", "xp.sheet.scores",
                                     "xp.sheet.values", "xp.sheet.provenance", "xp.sheet.weights", "xp.sheet.tiers",
                                     "xp.sheet.report", "xp.sheet.national", "xp.sheet.contrib", "xp.sheet.mc",
                                     "xp.sheet.goal")}
    assert set(wb.sheetnames) == expected


def test_our_own_cells_are_never_text_posing_as_formulas(book):
    """No cell of ours carries an escaping apostrophe (nothing from outside here), and what is a
    number is written as a number."""
    lang, ev, gs, mc, wb = book
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert not c.value.startswith("'"), (ws.title, c.coordinate, c.value)
                    assert not re.fullmatch(r"[+\-]?\d+(\.\d+)?%?", c.value), (ws.title, c.coordinate, c.value)
                assert c.data_type != "f"


def test_scenario_sheet(book):
    lang, ev, gs, mc, wb = book
    r = {row[0]: row[1:] for row in rows(wb[t("xp.sheet.scenario", lang)])[1:]}
    assert r[t("xp.name", lang)][0] == t("preset.west_infra", lang)  # the preset's title, not its id
    assert r[t("xp.dataset", lang)][0] == t("xp.dataset.builtin", lang)
    assert r[t("side.year", lang)] == [2023, 2023]
    w = r[t("xp.weight_of", lang, node=FW.name("innovation", lang))]
    assert w == [45, 14.89] and all(isinstance(x, (int, float)) for x in w)
    n_west = len(P.western_regions(DS)) * len(P.BASIC)  # the preset: +200 % on 5 indicators in 12 regions
    assert r[t("xp.n_edits", lang)][0] == len(ev.scn.edits) == n_west == 60
    counts = S.provenance_counts(ev.edited_ds, 2023)
    assert r[t("xp.values", lang, year=2023)][0] == 589
    assert r[t("xp.values_of", lang, kind=t("prov.scenario_value", lang))][0] == counts["scenario"] == n_west
    assert r[t("side.treat", lang)] == [t("opt.treat.log", lang)] * 2
    assert r[t("side.link", lang)][0] == LINK
    # the report's tiers against the scenario's: scikit-learn's ARI on data/regions.csv
    from sklearn.metrics import adjusted_rand_score

    reg = pd.read_csv(data_file("regions.csv")).set_index("region")
    ari = adjusted_rand_score(reg.loc[list(DS.regions), "report_tier"], ev.tiers.tier.reindex(list(DS.regions)))
    assert r[t("xp.ari", lang)][0] == pytest.approx(ari, abs=5e-5)


def test_unnamed_scenario_is_said_so():
    about = views.about_table(scenario(name=""), B, "zh")
    assert about.iloc[0, 1] == "（未命名）" and "-" not in about.iloc[:, 1].tolist()


def test_unknown_base_url_is_said_not_written_relative():
    scn = scenario()
    about = views.about_table(scn, B, "zh", "?s=" + S.encode(scn, B.context), known=False)
    values = about.iloc[:, 1].tolist()
    assert t("xp.link.unknown", "zh") in values and not any(isinstance(v, str) and "?s=" in v for v in values)


def test_weights_sheet_by_hand(book):
    """Global weight of a pillar = its weight / the sum of the pillars' (the innovation weight set to
    45); of an indicator = that × its weight / its siblings' sum. From data/framework.csv."""
    lang, ev, gs, mc, wb = book
    f = pd.read_csv(data_file("framework.csv")).set_index("id")
    f.loc["innovation", "weight"] = 45.0
    got = sheet(wb, "xp.sheet.weights", lang).set_index(t("col.node", lang))
    pillars = f[f["parent"] == "iidei"]
    for p, row in pillars.iterrows():
        share = row["weight"] / pillars["weight"].sum()
        name = FW.name(p, lang)
        assert got.at[name, t("col.weight_global", lang)] == pytest.approx(share * 100, abs=1e-4)
        assert got.at[name, t("xp.col.local", lang)] == pytest.approx(share * 100, abs=1e-4)
        kids = f[f["parent"] == p]
        for k, kr in kids.iterrows():
            g = share * kr["weight"] / kids["weight"].sum()
            assert got.at[FW.name(k, lang), t("col.weight_global", lang)] == pytest.approx(g * 100, abs=1e-4)
    assert got.at[FW.name("innovation", lang), t("col.weight", lang)] == 45
    assert got.at[FW.name("innovation", lang), t("xp.col.weight_default", lang)] == 14.89
    leaves = got[got[t("xp.col.level", lang)] == t("xp.level.leaf", lang)]
    assert leaves[t("col.weight_global", lang)].sum() == pytest.approx(100, abs=1e-3)
    assert got[t("col.weight_global", lang)].notna().all()


def test_edits_sheet_by_hand(book):
    """Each +200 % edit: the new value is the original × 3, the change a number (not '+200%')."""
    lang, ev, gs, mc, wb = book
    got = sheet(wb, "xp.sheet.edits", lang)
    m = DS.matrix(2023)
    assert len(got) == 12 * 5  # the western provinces × the basic indicators
    for _, row in got.iterrows():
        r = next(x for x in DS.regions if DS.region_name(x, lang) == row[t("col.region", lang)])
        leaf = next(x for x in FW.leaves if FW.name(x, lang) == row[t("col.indicator", lang)])
        assert row[t("col.change_pct", lang)] == 200
        assert row[t("col.base_value", lang)] == m.at[r, leaf]
        assert row[t("col.new_value", lang)] == pytest.approx(m.at[r, leaf] * 3, rel=1e-12)


def test_absolute_edit_change_is_computed():
    scn = scenario(edits=[("贵州", "network", "abs", 2000.0)])
    ev = state.Eval(scn, B)
    tab = views.export_edits_table(ev, "zh")
    old = DS.matrix(2023).at["贵州", "network"]
    assert tab["变化 %"].iloc[0] == pytest.approx((2000.0 / old - 1) * 100) and tab["新数值"].iloc[0] == 2000.0


def test_monte_carlo_sheet_equals_the_engine(book):
    """The sheet is ``sensitivity.monte_carlo`` with the scenario's draws, spread and seed (a
    direct call; the same seed gives the same table)."""
    lang, ev, gs, mc, wb = book
    scn = ev.scn
    direct = sensitivity.monte_carlo(ev.edited_ds, ev.current.spec, samples=scn.mc_n, seed=scn.mc_seed,
                                     weight_noise=scn.mc_spread, tiers=ev.tiers)
    got = sheet(wb, "xp.sheet.mc", lang)
    got.index = [next(r for r in DS.regions if DS.region_name(r, lang) == n) for n in got[t("col.region", lang)]]
    tab = direct.table.reindex(got.index)
    assert (got[t("col.rank", lang)].to_numpy() == tab["base_rank"].to_numpy()).all()
    assert np.allclose(got[t("xp.col.p05", lang)].astype(float), tab["p05_rank"])
    assert np.allclose(got[t("xp.col.p95", lang)].astype(float), tab["p95_rank"])
    p1 = [c for c in got.columns if str(c).startswith(t("xp.col.p_tier", lang, k=1, name="")[:4])][0]
    assert np.allclose(got[p1].astype(float), (tab["p_tier1"] * 100).round(2))


def test_goal_seek_sheet_equals_the_answer(book):
    lang, ev, gs, mc, wb = book
    got = dict(rows(wb[t("xp.sheet.goal", lang)])[1:])
    assert got[t("xp.goal.reached", lang)] == t("xp.yes" if gs.reached else "xp.no", lang)
    assert got[t("xp.goal.rank_after", lang)] == gs.rank_after and got[t("xp.goal.score_after", lang)] == \
        pytest.approx(gs.score_after)
    for k, v in gs.changes.items():
        if v:
            assert got[t("xp.goal.change", lang, ind=FW.name(k, lang))] == pytest.approx(v)
    assert got[t("xp.goal.message", lang)] == gs.message(lang)


def test_report_tiers_and_national_sheets(book):
    """The report's tiers from data/regions.csv; the national index from data/national_published.csv;
    contributions = 100 · w_k ΔS_k / Σ_j w_j ΔS_j with the scenario's pillar weights."""
    lang, ev, gs, mc, wb = book
    reg = pd.read_csv(data_file("regions.csv")).set_index("region")
    rep = sheet(wb, "xp.sheet.report", lang)
    for _, row in rep.iterrows():
        r = next(x for x in DS.regions if DS.region_name(x, lang) == row[t("col.region", lang)])
        assert row[t("col.tier_report", lang)] == reg.at[r, "report_tier"]
        assert row[t("col.tier", lang)] == ev.tiers.tier[r]
    pub = pd.read_csv(data_file("national_published.csv"))
    idx = pub[pub["kind"] == "index"].pivot(index="year", columns="node", values="value")
    nat = sheet(wb, "xp.sheet.national", lang).set_index(t("col.year", lang))
    for node in idx.columns:
        assert np.allclose(nat[FW.name(node, lang)].astype(float), idx[node].to_numpy())
    w = pd.read_csv(data_file("framework.csv")).set_index("id")["weight"]
    w["innovation"] = 45.0
    pillars = list(FW.pillars)
    wp = w[pillars] / w[pillars].sum()
    con = sheet(wb, "xp.sheet.contrib", lang).set_index(t("col.pillar", lang))
    d = idx.loc[2023, pillars] - idx.loc[2022, pillars]
    share = 100 * wp * d / (wp * d).sum()
    for p in pillars:
        assert con.at[FW.name(p, lang), "2022→2023"] == pytest.approx(share[p], abs=1e-9)
    assert con.at[FW.name("basic", lang), t("xp.col.published", lang)] == 17.3


def test_scores_values_and_provenance_sheets_are_the_result(book):
    lang, ev, gs, mc, wb = book
    res = ev.current
    names = {DS.region_name(r, lang): r for r in DS.regions}
    scores = sheet(wb, "xp.sheet.scores", lang)
    for _, row in scores.iterrows():
        r = names[row.iloc[0]]
        assert row[FW.name(FW.root, lang)] == pytest.approx(res.composite[r], rel=1e-12)
    values = sheet(wb, "xp.sheet.values", lang)
    prov = sheet(wb, "xp.sheet.provenance", lang)
    edited = {(e.region, e.indicator) for e in ev.scn.edits}
    for (_, vrow), (_, prow) in zip(values.iterrows(), prov.iterrows()):
        r = names[vrow.iloc[0]]
        for leaf in FW.leaves:
            assert vrow[FW.name(leaf, lang)] == pytest.approx(res.raw.at[r, leaf], rel=1e-12)
            if (r, leaf) in edited:
                assert prow[FW.name(leaf, lang)] == t("prov.scenario_value", lang)


def test_upload_comparison_sheets():
    """An upload of the built-in data with one value tripled: the changed-values sheet holds that
    cell (hand: built-in value × 3) and the comparison sheet every region's two ranks."""
    from iiscore import export

    tpl = views.template_frame(DS, FW, "zh")
    row = (tpl["地区"] == "贵州") & (tpl["年份"] == 2023)
    tpl.loc[row, "网络建设"] = float(tpl.loc[row, "网络建设"].iloc[0]) * 3
    data = export.to_csv(tpl)
    ub = state._upload_bundle(state.upload_key(data), "mine.csv", None, data, None)
    ev = state.Eval(ub.context.defaults, ub)
    ref = state.Eval(B.context.defaults.replace(treat="none"), B)
    tables = views.export_tables(ev, "zh", ref_ev=ref)
    ch = tables[t("xp.sheet.changed", "zh")]
    assert len(ch) == 1 and ch["上传数值"].iloc[0] == pytest.approx(DS.matrix(2023).at["贵州", "network"] * 3)
    cmp = tables[t("xp.sheet.compare", "zh")].set_index("地区")
    root = FW.root
    assert (cmp["内置数据排名"] == ref.current.ranks[root].reindex(cmp.index)).all()
    assert (cmp["上传数据排名"] == ev.current.ranks[root].reindex(cmp.index)).all()
    about = views.about_table(ev.scn, ub, "zh", LINK, ev=ev)
    vals = dict(zip(about.iloc[:, 0], about.iloc[:, 1]))
    assert vals["数据集"] == "上传的数据：mine.csv" and vals["与内置数据不同的数值（个）"] == 1


def test_scenario_json_is_utf8_as_written():
    scn = scenario(name="贵州方案")
    text = S.to_json(scn, B.context)
    raw = text.encode("utf-8")
    assert "贵州方案" in raw.decode("utf-8") and b"\\u8d35" not in raw
    assert json.loads(raw)["scenario"]["name"] == "贵州方案"


def test_filled_template_workbook_marks_estimates():
    """The template workbook: the data sheet first (uploadable as it is), estimates shaded, every
    value's provenance in its own sheet (labels from data/indicators.csv)."""
    from iiscore_app.views.data import ESTIMATE_FILL

    wb = openpyxl.load_workbook(io.BytesIO(views.template_xlsx(DS, FW, "zh")))
    assert wb.sheetnames == ["数据", "来源类型", "说明"]
    ws = wb["数据"]
    head = [c.value for c in ws[1]]
    long = pd.read_csv(data_file("indicators.csv")).set_index(["region", "year", "indicator"])["provenance"]
    n_est = 0
    for row in ws.iter_rows(min_row=5):
        region, year = row[0].value, row[2].value
        for leaf in FW.leaves:
            c = row[head.index(FW.name(leaf, "zh"))]
            shaded = c.fill is not None and c.fill.fgColor is not None and str(c.fill.fgColor.rgb).endswith(ESTIMATE_FILL)
            assert shaded == (long[(region, year, leaf)] == "estimate"), (region, year, leaf)
            n_est += shaded
    assert n_est == int((long == "estimate").sum())
    prov = wb["来源类型"]
    assert [c.value for c in prov[1]][:3] == ["地区", "region_en", "年份"]
