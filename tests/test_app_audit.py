"""AppTest: the 审计与稳健性 / Audit & robustness page (issue 18).

References: the engine (``iiscore.audit.audit``, ``iiscore.methods.compare_methods``, themselves
checked against COINr 1.1.14 and the MCDM literature in ``tests/test_audit.py`` and
``tests/test_methods.py``) on the same data and spec; the figures measured on the built-in data in
``docs/audit.md`` (application alpha 0.208, 15 robust regions, 重庆 9th-17th); numbers computed
independently here: Pearson and Spearman correlations with numpy / scipy on ``build().normalised``,
and Cronbach's alpha by hand, ``k/(k-1) · (1 - Σ var_i / var(Σ_i x_i))`` on min-max scores worked
out with numpy, for an uploaded framework that is not CAICT's.
"""
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore import export
from iiscore.audit import audit
from iiscore.datasets import default_spec
from iiscore.methods import compare_methods
from iiscore_app import scenario as S
from iiscore_app import views
from tests.test_app_english import CJK, shown_strings

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGE = "pages/6_Audit.py"


def open_page(lang="zh", query=None):
    at = AppTest.from_file(APP, default_timeout=90)
    if lang == "en":
        at.query_params["lang"] = "en"
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def engine():
    ds = iiscore.load_default()
    spec = default_spec(year=ds.years[-1])
    return ds, spec, audit(ds, spec), compare_methods(ds, spec)


@pytest.fixture(scope="module")
def at_zh():
    return open_page("zh")


@pytest.fixture(scope="module")
def at_en():
    return open_page("en")


def table(at, column):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, (column, [list(d.value.columns) for d in at.dataframe])
    return found[0]


def charts(at):
    """Every Altair chart's spec, with the data Streamlit sends beside it (Arrow) put back under
    ``datasets`` as lists of records."""
    import pyarrow as pa

    out = []
    for c in at.get("vega_lite_chart"):
        spec = json.loads(c.proto.spec)
        for d in c.proto.datasets:
            frame = pa.ipc.open_stream(d.data.data).read_all().to_pandas()
            spec.setdefault("datasets", {})[d.name] = frame.astype(object).where(frame.notna(), None).to_dict("records")
        out.append(spec)
    return out


def chart_titled(at, needle):
    found = [c for c in charts(at) if needle in json.dumps(c.get("title"), ensure_ascii=False)]
    assert found, needle
    return found[0]


def rows_with(spec, *keys):
    """The rows of the largest dataset of a Vega-Lite spec whose rows have all ``keys`` (a layer
    drawing a subset of the same rows gets a dataset of its own)."""
    found = [rows for rows in spec.get("datasets", {}).values() if rows and all(k in rows[0] for k in keys)]
    return max(found, key=len) if found else []


def all_rows_with(spec, *keys):
    return [r for rows in spec.get("datasets", {}).values() for r in rows if all(k in r for k in keys)]


def bold_names(spec) -> list:
    """The names a chart's y axis shows in bold (the list in its labelFontWeight expression)."""
    found = []

    def walk(x):
        if isinstance(x, dict):
            w = x.get("labelFontWeight")
            if isinstance(w, dict) and "expr" in w:
                found.append(json.loads(re.search(r"indexof\((\[.*?\]), datum.value\)", w["expr"]).group(1)))
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(spec)
    assert found
    return found[0]


# -- the built-in data ------------------------------------------------------------------------------
def test_alpha_and_consistency_equal_the_engine(at_zh, engine):
    """The alpha and PC1 share shown per group are the engine's (docs/audit.md: application 0.208,
    the index of its pillars 0.962), rounded to 3 decimals."""
    ds, spec, a, _ = engine
    fw = a.framework
    rel = table(at_zh, "克朗巴哈 α").set_index("组")
    for row in a.reliability.itertuples(index=False):
        assert rel.at[fw.name(row.node, "zh"), "克朗巴哈 α"] == pytest.approx(round(row.alpha, 3), abs=1e-12)
        assert rel.at[fw.name(row.node, "zh"), "第一主成分占比"] == pytest.approx(round(row.pc1_share, 3), abs=1e-12)
    assert rel.at["应用推广", "克朗巴哈 α"] == 0.208 and rel.at[fw.name(fw.root, "zh"), "克朗巴哈 α"] == 0.962
    metrics = {m.label: m.value for m in at_zh.metric}
    assert metrics["最低一致性 α"] == "0.21" and metrics["排名稳健的地区"] == "15 / 31"
    assert metrics["审计提示"] == str(len(a.flags)) == "40"


def test_heatmap_cells_are_the_pearson_correlations(at_zh, engine):
    """Every heatmap cell is the engine's correlation; one pair recomputed with numpy on the
    normalised indicators (benchmark and application_level, r = -0.23 in docs/audit.md)."""
    ds, spec, a, _ = engine
    fw = a.framework
    heat = chart_titled(at_zh, "指标相关矩阵")
    cells = {(r["a"], r["b"]): r["r"] for r in rows_with(heat, "a", "b", "r")}
    names = {fw.name(i, "zh"): i for i in fw.leaves}
    assert len(cells) == len(fw.leaves) ** 2
    for (na, nb), r in cells.items():
        assert r == pytest.approx(a.matrix.at[names[na], names[nb]], abs=1e-12)
    z = iiscore.build(ds, spec).normalised
    r_np = np.corrcoef(z["benchmark"], z["application_level"])[0, 1]
    assert cells[("标杆打造", "应用水平")] == pytest.approx(r_np, abs=1e-12)
    assert round(r_np, 2) == -0.23
    # pillar blocks along the top, in framework order
    heads = [r["name"] for r in rows_with(heat, "name", "shade")]
    assert heads == [fw.name(p, "zh") for p in fw.pillars]


def test_spearman_switch(engine):
    """With Spearman chosen the cells are rank correlations (scipy.stats.spearmanr on the normalised
    indicators) and the title says so."""
    from scipy.stats import spearmanr

    ds, spec, _, _ = engine
    at = open_page("zh")
    at.radio(key="wk.au_corr").set_value("spearman").run()
    assert not at.exception
    heat = chart_titled(at, "斯皮尔曼")
    cells = {(r["a"], r["b"]): r["r"] for r in rows_with(heat, "a", "b", "r")}
    z = iiscore.build(ds, spec).normalised
    assert cells[("网络建设", "推广普及")] == pytest.approx(spearmanr(z["network"], z["adoption"])[0], abs=1e-12)


def test_rank_bands_equal_the_methods(at_zh, engine):
    """Every region's band (best to worst rank over the ten methods) and every method's dot are the
    engine's; 重庆 runs 9th-17th and 广东 is first under all ten (docs/audit.md)."""
    ds, spec, _, mt = engine
    band = chart_titled(at_zh, "十种方法下的名次范围")
    regs = {r["name"]: r for r in rows_with(band, "best", "worst", "robust")}
    assert len(regs) == 31
    for r in ds.regions:
        row = regs[ds.region_name(r, "zh")]
        assert (row["best"], row["worst"]) == (mt.summary.at[r, "best_rank"], mt.summary.at[r, "worst_rank"])
        assert row["robust"] == bool(mt.summary.at[r, "robust"])
    assert (regs["重庆"]["best"], regs["重庆"]["worst"], regs["重庆"]["range"]) == (9, 17, "9–17")
    assert (regs["广东"]["best"], regs["广东"]["worst"]) == (1, 1)
    dots = all_rows_with(band, "method", "rank", "key")  # nine methods' dots and the index's ticks
    assert len(dots) == 31 * 10
    for d in dots:
        assert d["rank"] == mt.ranks.at[d["region"], d["key"]]
    # regions sorted by the index's own rank; the method-dependent ones are bold on the axis
    order = [r["name"] for r in rows_with(band, "best", "worst", "robust")]
    assert order == [ds.region_name(r, "zh") for r in mt.ranks["report"].sort_values(kind="stable").index]
    assert set(bold_names(band)) == {ds.region_name(r, "zh") for r in mt.method_dependent_regions}
    assert "重庆" in bold_names(band) and "广东" not in bold_names(band)
    summary = " ".join(m.value for m in at_zh.markdown)
    assert "15 个地区排名稳健，16 个地区的名次取决于方法" in summary and "重庆（9–17）" in summary


def test_removal_and_importance_tables_equal_the_engine(at_zh, engine):
    """Removal shifts (mean, largest) and the importance measures are the engine's for every element."""
    ds, spec, a, _ = engine
    fw = a.framework
    rm = table(at_zh, "平均名次变动").set_index("要素")
    for row in a.removal.itertuples(index=False):
        assert rm.at[fw.name(row.node, "zh"), "平均名次变动"] == pytest.approx(round(row.mean_abs_rank_shift, 2))
        assert rm.at[fw.name(row.node, "zh"), "最大名次变动"] == row.max_abs_rank_shift
    assert rm.at["推广普及", "最大名次变动"] == 4 and rm.at["应用推广", "平均名次变动"] == pytest.approx(0.97)
    imp = table(at_zh, "一阶敏感度 S").set_index("要素")
    for row in a.importance.itertuples(index=False):
        name = fw.name(row.node, "zh")
        assert imp.at[name, "一阶敏感度 S"] == pytest.approx(round(row.first_order, 3))
        assert imp.at[name, "S 占比 ÷ 名义占比"] == pytest.approx(round(row.ratio, 2))
    assert imp.at["应用推广", "名义权重 %"] == pytest.approx(29.7, abs=0.05)


def test_flags_in_plain_words_grouped_with_thresholds(at_zh, engine):
    """Each flag kind is one group whose title states the threshold and the count; the messages are
    the engine's Chinese ones."""
    _, _, a, _ = engine
    labels = {e.label for e in at_zh.expander}
    assert "一致性不足（克朗巴哈 α < 0.7）：1 项" in labels
    assert "几乎重复的度量（|r| > 0.9）：31 项" in labels
    assert "实际影响与权重不符（超出 1/2–2 倍）：6 项" in labels
    text = " ".join(m.value for m in at_zh.markdown).replace("\\", "")
    for msg in a.flags["message_zh"]:
        assert msg in text


def test_english_page_speaks_english(at_en, engine):
    """In English every shown string and every chart spec is free of Chinese; names are English."""
    ds, spec, a, mt = engine
    strings = shown_strings(at_en._tree, [])
    assert len(strings) > 200
    assert not sorted({(w, s[:80]) for w, s in strings if CJK.search(s)})
    for c in charts(at_en):  # "region" holds the data's region ids (not drawn, for the tests)
        rows = {k: [{f: v for f, v in r.items() if f != "region"} for r in d] for k, d in c.get("datasets", {}).items()}
        assert not CJK.search(json.dumps({**c, "datasets": rows}, ensure_ascii=False)), c.get("title")
    rel = table(at_en, "Cronbach's alpha").set_index("Group")
    assert rel.at["Application and diffusion", "Cronbach's alpha"] == 0.208
    band = chart_titled(at_en, "Each region's rank under the ten methods")
    cq = [r for r in rows_with(band, "best", "worst", "robust") if r["name"] == "Chongqing"][0]
    assert (cq["best"], cq["worst"]) == (mt.summary.at["重庆", "best_rank"], mt.summary.at["重庆", "worst_rank"])
    text = " ".join(m.value for m in at_en.markdown).replace("\\", "")
    assert a.flags["message_en"].iloc[0] in text
    assert "Paruolo, Saisana & Saltelli 2013" in text


# Latin words allowed on the Chinese page: method and author names, abbreviations, file formats
ALLOWED_LATIN = {"CRITIC", "TOPSIS", "BoD", "Mazziotta", "Pareto", "Benefit", "of", "the", "Doubt", "OECD", "JRC",
                 "Paruolo", "Saisana", "Saltelli", "JRSS", "Nunnally", "Diakoulaki", "Hwang", "Yoon", "De", "Muro",
                 "Cherchye", "CSV", "Excel", "PNG", "SVG"}


def test_chinese_page_has_no_english_beyond_names(at_zh):
    """The Chinese page's own texts, headers and cells carry no English words beyond proper names
    (methods, authors, organisations) and file formats."""
    strings = shown_strings(at_zh.main, [])
    assert len(strings) > 200
    words = {w for _, s in strings for w in re.findall(r"[A-Za-z]{2,}", s)}
    assert words <= ALLOWED_LATIN, sorted(words - ALLOWED_LATIN)


def test_says_what_it_is_computed_on(at_zh):
    info = " ".join(i.value for i in at_zh.info)
    assert "计算依据：当前情景" in info and "2023 年，31 个地区、19 项末级指标" in info and "未修改数据" in info
    assert any("估算" in c.value for c in at_zh.caption)  # the built-in data's caveat


def test_a_scenario_with_edits_is_audited_with_them():
    """With the west_infra preset (edits) the page audits the edited data: its alpha and method ranks
    are those of audit / compare_methods on the scenario's edited data and spec, and the basis says
    so; in the fixed-goalposts mode the audit re-normalises the edited data (stated)."""
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    at = open_page("zh", {"preset": "west_infra"})
    scn, _ = S.decode(at.query_params["s"], S.make_context(ds, fw))
    assert scn.edits
    edited = S.edited_dataset(scn, ds, scn.year, fw)
    spec = S.spec_for(scn, fw)
    a, mt = audit(edited, spec), compare_methods(edited, spec)
    assert a.reliability.set_index("node").at["basic", "alpha"] != pytest.approx(
        audit(ds, spec).reliability.set_index("node").at["basic", "alpha"], abs=1e-9)  # the edits matter
    rel = table(at, "克朗巴哈 α").set_index("组")
    assert rel.at["基础能力", "克朗巴哈 α"] == pytest.approx(round(a.reliability.set_index("node").at["basic", "alpha"], 3))
    ranks = table(at, "最好名次").set_index("地区")
    for r in ds.regions:
        assert ranks.at[ds.region_name(r, "zh"), "最好名次"] == mt.summary.at[r, "best_rank"]
    assert f"含 {len(scn.edits)} 处数据修改" in " ".join(i.value for i in at.info)
    at.radio(key="wk.whatif").set_value("fixed").run()
    assert not at.exception
    assert "固定基线上下限" in " ".join(i.value for i in at.info)
    rel = table(at, "克朗巴哈 α").set_index("组")
    assert rel.at["基础能力", "克朗巴哈 α"] == pytest.approx(round(a.reliability.set_index("node").at["basic", "alpha"], 3))


# -- uploads: other frameworks, few regions -----------------------------------------------------------
DEEP = pd.DataFrame([
    ("idx", "", 1, 1, "总指数", "Total"),
    ("P", "idx", 2, 1, "甲维度", "Pillar P"),
    ("Q", "idx", 1, 1, "乙维度", "Pillar Q"),
    ("P1", "P", 1, 1, "甲一组", "Group P1"),
    ("P2", "P", 1, 1, "甲二组", "Group P2"),
    ("a", "P1", 1, 1, "指标a", "ind a"),
    ("b", "P1", 1, -1, "指标b", "ind b"),
    ("c", "P2", 1, 1, "指标c", "ind c"),
    ("d", "Q", 1, 1, "指标d", "ind d"),
    ("e", "Q", 2, 1, "指标e", "ind e"),
], columns=["id", "parent", "weight", "direction", "name_zh", "name_en"])
ONE_PILLAR = pd.DataFrame([
    ("idx", "", 1, 1, "总指数", "Total"), ("P", "idx", 1, 1, "唯一维度", "Only pillar"),
    ("a", "P", 1, 1, "指标a", "ind a"), ("b", "P", 1, 1, "指标b", "ind b"), ("c", "P", 1, -1, "指标c", "ind c"),
], columns=DEEP.columns)
FLAT = pd.DataFrame([
    ("idx", "", 1, 1, "总指数", "Total"), ("a", "idx", 1, 1, "指标a", "ind a"), ("b", "idx", 1, 1, "指标b", "ind b"),
    ("c", "idx", 2, -1, "指标c", "ind c"), ("d", "idx", 1, 1, "指标d", "ind d"),
], columns=DEEP.columns)
REGIONS = ["北京", "上海", "贵州", "西藏", "甘肃", "广东", "江苏", "浙江"]


def upload_data(fw: pd.DataFrame, n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    leaves = [i for i in fw["id"] if i not in set(fw["parent"])]
    return pd.DataFrame([(r, 2023, leaf, float(rng.uniform(1, 100))) for r in REGIONS[:n] for leaf in leaves],
                        columns=["region", "year", "indicator", "value"])


def open_upload(fw: pd.DataFrame, data: pd.DataFrame, lang="zh"):
    at = AppTest.from_file(APP, default_timeout=90)
    if lang == "en":
        at.query_params["lang"] = "en"
    at.run()
    at.switch_page("pages/4_Data.py").run()
    at.file_uploader(key="wk.d_upload_fw").set_value(("fw.csv", fw.to_csv(index=False).encode(), "text/csv")).run()
    at.file_uploader(key="wk.d_upload").set_value(("mine.csv", data.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception and any("mine.csv" in s.value for s in at.success), [e.value for e in at.error]
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


def hand_alpha(cols: list) -> float:
    """Cronbach's alpha by hand: k/(k-1) · (1 - Σ var_i / var(Σ_i x_i)), sample variances."""
    X = np.column_stack(cols)
    k = X.shape[1]
    return k / (k - 1) * (1 - X.var(axis=0, ddof=1).sum() / X.sum(axis=1).var(ddof=1))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_uploaded_deep_framework(lang):
    """A three-level framework that is not CAICT's, 6 regions: alpha of a two-indicator group equals
    the hand computation on min-max scores (one indicator lower-is-better); the group with one part
    says alpha is undefined instead of failing; removing its only indicator removes the group (named);
    the bands are compare_methods' on the uploaded data."""
    data = upload_data(DEEP, 6)
    at = open_upload(DEEP, data, lang)
    m = data.pivot(index="region", columns="indicator", values="value").loc[REGIONS[:6]]
    za = 100 * (m["a"] - m["a"].min()) / (m["a"].max() - m["a"].min())
    zb = 100 * (m["b"].max() - m["b"]) / (m["b"].max() - m["b"].min())  # lower is better
    col, node = ("克朗巴哈 α", "组") if lang == "zh" else ("Cronbach's alpha", "Group")
    rel = table(at, col).set_index(node)
    p1, p2 = ("甲一组", "甲二组") if lang == "zh" else ("Group P1", "Group P2")
    assert rel.at[p1, col] == pytest.approx(round(hand_alpha([za, zb]), 3), abs=1e-12)
    assert np.isnan(rel.at[p2, col])
    note = rel.columns[-1]
    assert ("仅有一个下级：α 无定义" if lang == "zh" else "one child only: alpha is undefined") in rel.at[p2, note]
    removed = "一并移除" if lang == "zh" else "Removed with it"
    rm = table(at, removed).set_index("要素" if lang == "zh" else "Element")
    assert rm.at["指标c" if lang == "zh" else "ind c", removed] == p2
    fw = iiscore.load_framework(DEEP)
    mt = compare_methods(iiscore.load_data(data, fw), iiscore.Spec(framework=fw, year=2023))
    band = chart_titled(at, "十种方法" if lang == "zh" else "ten methods")
    for row in rows_with(band, "best", "worst", "robust"):
        r = row["region"]
        assert (row["best"], row["worst"]) == (mt.summary.at[r, "best_rank"], mt.summary.at[r, "worst_rank"])
    heads = [r["name"] for r in rows_with(chart_titled(at, "相关" if lang == "zh" else "correlations"), "name", "shade")]
    assert heads == ([fw.name(p, lang) for p in ("P", "Q")])
    if lang == "en":
        assert not sorted({(w, s[:80]) for w, s in shown_strings(at._tree, []) if CJK.search(s)})


def test_one_pillar_framework_says_what_cannot_apply():
    """One pillar: the index's alpha (one part) and the removal of the only pillar are undefined and
    said so; everything else is drawn."""
    at = open_upload(ONE_PILLAR, upload_data(ONE_PILLAR, 6))
    rel = table(at, "克朗巴哈 α").set_index("组")
    assert np.isnan(rel.at["总指数", "克朗巴哈 α"]) and np.isfinite(rel.at["唯一维度", "克朗巴哈 α"])
    rm = table(at, "平均名次变动").set_index("要素")
    assert np.isnan(rm.at["唯一维度", "平均名次变动"])
    notes = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "移除“唯一维度”后指数不复存在" in notes
    at.selectbox(key="wk.au_remove_pick").set_value("P").run()
    assert not at.exception and any("无法单独移除" in c.value for c in at.caption)
    assert len(chart_titled(at, "十种方法")["datasets"]) >= 1


def test_flat_framework_is_one_block():
    """Indicators directly under the index: one heatmap block (the index), one importance level."""
    at = open_upload(FLAT, upload_data(FLAT, 6))
    heat = chart_titled(at, "指标相关矩阵")
    assert [r["name"] for r in rows_with(heat, "name", "shade")] == ["总指数"]
    assert not all_rows_with(heat, "b", "lo", "hi")  # no pillar separators
    titles = [json.dumps(c.get("title"), ensure_ascii=False) for c in charts(at)]
    assert sum("名义权重与实际重要性" in x for x in titles) == 1


def test_constant_indicator_and_a_gap():
    """A constant indicator correlates with nothing (grey cells, NaN, noted) and a missing value is
    left out pair by pair: the page draws everything and says so; the other cells are still the
    pairwise-complete Pearson correlations (pandas' DataFrame.corr on the normalised scores)."""
    data = upload_data(DEEP, 7)
    data.loc[data["indicator"] == "d", "value"] = 5.0  # constant
    data = data.drop(data.index[(data["region"] == "贵州") & (data["indicator"] == "a")])  # a gap
    at = open_upload(DEEP, data)
    heat = chart_titled(at, "指标相关矩阵")
    cells = {(r["a"], r["b"]): r["r"] for r in rows_with(heat, "a", "b", "r")}
    assert cells[("指标d", "指标a")] is None and cells[("指标a", "指标d")] is None
    fw = iiscore.load_framework(DEEP)
    z = iiscore.build(iiscore.load_data(data, fw), iiscore.Spec(framework=fw, year=2023)).normalised
    assert z["a"].isna().sum() == 1
    for other in ("b", "c", "e"):
        assert cells[("指标a", "指标" + other)] == pytest.approx(z[["a", other]].corr().at["a", other], abs=1e-12)
    notes = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "取值恒定或少于 3 个" in notes


def test_two_regions_say_why_instead_of_raising():
    """Fewer than 3 regions: the audit and the methods name the problem; no exception, no table."""
    at = open_upload(DEEP, upload_data(DEEP, 2))
    warnings = " ".join(w.value for w in at.warning)
    assert "审计无法计算" in warnings and "至少需要 3 个地区" in warnings and "方法比较无法计算" in warnings
    assert not at.get("vega_lite_chart")


# -- exports ------------------------------------------------------------------------------------------
def test_workbook_and_csv_in_the_users_language(engine):
    """The workbook has one sheet per audit table, named in the user's language, holding the engine's
    numbers; CSVs are UTF-8 with BOM and escape formulas (a name starting with '=')."""
    from openpyxl import load_workbook

    ds, spec, a, mt = engine
    for lang, sheet, col in (("zh", "一致性", "克朗巴哈 α"), ("en", "Consistency", "Cronbach's alpha")):
        tables = views.audit_workbook_tables(a, mt, ds, lang, "basis")
        wb = load_workbook(io.BytesIO(export.to_excel(tables, pd.DataFrame({"k": ["v"]}), "about")))
        assert sheet in wb.sheetnames and len(wb.sheetnames) == 1 + len(tables)
        rel = pd.read_excel(io.BytesIO(export.to_excel(tables)), sheet_name=sheet)
        assert rel[col].tolist() == pytest.approx(a.reliability["alpha"].round(3).tolist())
    ranks = views.methods_rank_table(mt, ds, "zh")
    raw = export.to_csv(ranks)
    assert raw.startswith(b"\xef\xbb\xbf") and "最好名次" in raw.decode("utf-8-sig")
    evil = pd.DataFrame({"x": ["=HYPERLINK(1)"]})
    assert export.to_csv(evil).decode("utf-8-sig").splitlines()[1].startswith("'=")


def test_download_buttons_are_there(at_zh):
    labels = [b.proto.label for b in at_zh.get("download_button")]
    assert "下载审计工作簿（Excel，全部表格）" in labels
    assert labels.count("下载 CSV") >= 7


def test_markdown_in_uploaded_names_is_inert():
    """A framework name with Markdown characters is shown as written, not as a link or emphasis."""
    raw = "*a* _b_ [x](http://e.com) <b> $1 #h `c`"
    s = views.audit_md_escape(raw)
    assert not re.search(r"(?<!\\)[*_\[\]()<>$#`]", s)  # every special character is escaped
    # and nothing else changes but a zero-width space that stops GFM's bare-URL autolink
    assert re.sub(r"\\(.)", r"\1", s).replace("\u200b", "") == raw and "http\u200b://" in s


def test_audit_views_leave_the_cached_audit_untouched():
    """The audit, the methods and the scenario's result are cached objects shared by every session
    (st.cache_resource): drawing every view of the page, in both languages, must not change them."""
    from iiscore_app import state

    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    b = state.default_bundle()
    ctx = S.make_context(ds, fw)
    from iiscore_app import presets as P

    ev = state.Eval(P.preset("west_infra", ds, fw, ctx.defaults), b)
    a, mt = views.audit_for(ev), views.methods_for(ev)

    def snapshot():
        frames = [getattr(a, k) for k in ("matrix", "correlations", "parents", "reliability", "removal",
                                          "removal_ranks", "importance", "flags")]
        frames += [getattr(mt, k) for k in ("scores", "ranks", "weights", "summary", "spearman", "kendall")]
        frames += [getattr(ev.current, k) for k in ("normalised", "scores", "ranks")]
        return [f.to_csv() for f in frames] + [repr(a.notes), repr(mt.notes)]

    before = snapshot()
    for lang in ("zh", "en"):
        for name in [n for n in views.audit.__all__ if n.startswith(("audit_", "methods_"))]:
            if name in ("audit_for", "methods_for", "audit_md_escape", "audit_metrics", "audit_workbook_tables",
                        "audit_basis", "methods_label", "audit_importance_chart", "audit_removal_regions"):
                continue
            out = getattr(views, name)(mt if name.startswith("methods_") else a, ds, lang)
            if hasattr(out, "to_dict"):
                out.to_dict()
        for g in views.audit_importance_levels(a, ds, lang):
            views.audit_importance_chart(a, ds, lang, g)
        for node in a.removal["node"]:
            views.audit_removal_regions(a, ds, lang, node)
        views.audit_metrics(a, mt, ds, lang)
        views.audit_workbook_tables(a, mt, ds, lang, views.audit_basis(ev, lang))
    assert snapshot() == before


def test_chart_specs_are_valid_vega_lite(engine):
    """The page builds its specs without Altair's validation (it cost most of the build time): they
    are checked here against the Vega-Lite schema Altair ships, in both languages, for the built-in
    data and for a flat upload."""
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    ds, spec, a, mt = engine
    flat_fw = iiscore.load_framework(FLAT)
    flat_ds = iiscore.load_data(upload_data(FLAT, 6), flat_fw)
    flat_spec = iiscore.Spec(framework=flat_fw, year=2023)
    schema = load_schema()
    for aud, m, d in ((a, mt, ds), (audit(flat_ds, flat_spec), compare_methods(flat_ds, flat_spec), flat_ds)):
        for lang in ("zh", "en"):
            specs = [views.audit_heatmap_chart(aud, d, lang), views.methods_band_chart(m, d, lang)]
            specs += [views.audit_importance_chart(aud, d, lang, g) for g in views.audit_importance_levels(aud, d, lang)]
            for s in specs:
                validate_jsonschema(s, schema)


def test_png_images_of_the_two_charts(engine):
    """The heatmap and the rank bands as PNG: valid images of a useful size, the same bytes for the
    same input (no timestamp or version inside), text in the user's language (the two languages
    differ), the heatmap's most negative cell drawn red and a +1 cell dark blue (RdBu)."""
    from PIL import Image

    ds, spec, a, mt = engine
    for draw, obj in ((views.audit_heatmap_png, a), (views.methods_band_png, mt)):
        zh, zh2, en = draw(obj, ds, "zh", "note"), draw(obj, ds, "zh", "note"), draw(obj, ds, "en", "note")
        assert zh.startswith(b"\x89PNG\r\n\x1a\n") and zh == zh2 and zh != en
        w, h = Image.open(io.BytesIO(zh)).size
        assert w >= 1000 and h >= 1000
    # colours: locate the cells through the axes' data-to-pixel transform of a figure drawn the same way
    img = np.asarray(Image.open(io.BytesIO(views.audit_heatmap_png(a, ds, "en"))).convert("RGB")).astype(int)
    M = a.matrix.to_numpy(float)
    i, j = np.unravel_index(np.nanargmin(M), M.shape)
    assert M[i, j] < -0.3
    n = len(M)
    H, W = img.shape[:2]
    x0, y0, ww, hh = 0.16, 0.15, 0.7, 0.74  # the axes' box in figure fractions (views.audit_heatmap_png)

    def pixel(r, c):  # centre of cell (row r, column c), sampled off the text in the cell's corner
        x = (x0 + ww * (c + 0.2) / n) * W
        y = (1 - (y0 + hh * (1 - (r + 0.2) / n))) * H
        return img[int(y), int(x)]

    red, blue = pixel(i, j), pixel(0, 0)
    assert red[0] > red[2] + 40, red  # red side of RdBu
    assert blue[2] > blue[0] + 60, blue  # r = 1 on the diagonal: dark blue


def test_spearman_choice_travels_in_the_link():
    """The correlation chosen is part of the scenario: the page's link carries it, a fresh session
    opened from that link shows Spearman's heatmap with the same cells, and a link with another
    value says so and shows Pearson's."""
    at = open_page("zh")
    at.radio(key="wk.au_corr").set_value("spearman").run()
    token = at.query_params["s"]
    heat = chart_titled(at, "斯皮尔曼")
    before = {(r["a"], r["b"]): r["r"] for r in rows_with(heat, "a", "b", "r")}
    again = open_page("zh", {"s": token})
    assert again.radio(key="wk.au_corr").value == "spearman"
    heat2 = chart_titled(again, "斯皮尔曼")
    assert {(r["a"], r["b"]): r["r"] for r in rows_with(heat2, "a", "b", "r")} == before
    import base64
    import json
    import zlib

    raw = json.dumps({"v": 1, "ac": "kendall"}).encode()
    bad = open_page("zh", {"s": "1." + base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()})
    assert any("audit_corr" in w.value and "kendall" in w.value for w in bad.warning)
    assert bad.radio(key="wk.au_corr").value == "pearson"
