"""AppTest: the weights & sensitivity page, in both languages.

Expected numbers are derived independently: shares of the composite by hand from the framework's
raw weights (weight ÷ level total × parent's share), CRs from numpy's eigenvalues, the ranking from
``iiscore.build``, AHP priorities from ``iiscore.weights.ahp``'s tested engine.
"""
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.errors import AppTestError

import iiscore
from iiscore import sensitivity
from iiscore.datasets import default_spec
from iiscore.weights import ahp
from iiscore_app import scenario as S
from iiscore_app import safe
from iiscore_app.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
DS, FW = iiscore.load_default(), iiscore.load_default_framework()
PILLARS = list(FW.pillars)
RAW = {n.id: n.weight for n in FW.nodes}
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
# Five pillars judged inconsistently (CR 0.390, as in the issue); the single best revision on the
# scale still leaves CR = 0.120 (tests/test_weights_ahp.py::ISSUE)
ISSUE = [["1", "1/3", "7", "3", "1/2"], ["3", "1", "3", "1/3", "2"], ["1/7", "1/3", "1", "1/9", "1/7"],
         ["1/3", "3", "9", "1", "7"], ["2", "1/2", "7", "1/7", "1"]]


def open_page(lang="zh", weights=None):
    a = AppTest.from_file(APP, default_timeout=60)
    if weights is not None:
        ctx = S.make_context(DS, FW)
        a.query_params["s"] = S.encode(ctx.defaults.replace(weights=weights, page="weights", lang=lang), ctx)
        a.run()
    else:
        a.query_params["lang"] = lang
        a.run()
        a.switch_page("pages/1_Weights.py").run()
    assert not a.exception
    return a


@pytest.fixture
def at():
    return open_page()


def ranking(at, lang="zh"):
    for e in at.dataframe:
        if t("col.rank_change", lang) in e.value.columns:
            return e.value
    raise KeyError


def cr_numpy(a):
    """CR straight from numpy's eigenvalues: (lambda_max - n) / (n - 1) / RI(n), Saaty's RI table."""
    a = np.asarray(a, dtype=float)
    n = len(a)
    return (np.max(np.linalg.eigvals(a).real) - n) / (n - 1) / {3: 0.58, 4: 0.90, 5: 1.12}[n]


def full_from_upper(upper):
    a = np.ones((len(upper), len(upper)))
    for i in range(len(upper)):
        for j in range(i + 1, len(upper)):
            a[i, j] = ahp.parse_judgement(upper[i][j])
            a[j, i] = 1 / a[i, j]
    return a


def type_judgements(at, upper, lang="zh"):
    """Type the upper triangle into the AHP editor, as the data editor's state would carry it."""
    ekey = [k for k in at.session_state if str(k).startswith("wk.ahp_editor.iidei")][0]
    names = [FW.name(k, lang) for k in PILLARS]
    rows = {i: {names[j]: upper[i][j] for j in range(i + 1, len(upper)) if upper[i][j] != "1"} for i in range(len(upper))}
    at.session_state[ekey] = {"edited_rows": {i: r for i, r in rows.items() if r}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception


# -- sliders, shares, levels --------------------------------------------------------------------
def test_slider_moves_ranking_like_build(at):
    at.slider(key="wk.w.innovation").set_value(40.0).run()
    assert not at.exception
    res = iiscore.build(DS, default_spec(year=DS.years[-1], framework=FW.with_weights({"innovation": 40.0})))
    base = iiscore.build(DS, default_spec(year=DS.years[-1]))
    table = ranking(at)
    top = res.composite.sort_values(ascending=False)
    np.testing.assert_allclose(table.iloc[:, 2].to_numpy(), top.round(2).to_numpy())
    change = (base.ranks["iidei"] - res.ranks["iidei"]).reindex(top.index).to_numpy()
    assert (table["排名变化"].to_numpy() == change).all() and change.any()
    assert "▲" in at.markdown[[("iis-top" in m.value) for m in at.markdown].index(True)].value
    # the weight survives a page change (widget state is dropped, the scenario is not)
    at.switch_page("app.py").run()
    at.switch_page("pages/1_Weights.py").run()
    assert at.slider(key="wk.w.innovation").value == 40.0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_shares_of_the_composite_next_to_the_sliders(lang):
    """The issue: 技术创新 = 45 reads as 45 % but is 34.6 % of the composite. By hand: a pillar's
    share is its weight over the pillars' total; an indicator's is its pillar's share times its
    weight over its siblings' total."""
    at = open_page(lang)
    at.slider(key="wk.w.innovation").set_value(45.0).run()
    assert not at.exception
    total = sum(RAW[p] for p in PILLARS) - RAW["innovation"] + 45.0
    share = 45.0 / total
    assert share == pytest.approx(0.3459, abs=1e-4)
    label = at.slider(key="wk.w.innovation").label
    assert t("w.share.pillar", lang, share=share * 100) in label and label.startswith(FW.name("innovation", lang))
    basic = RAW["basic"] / total
    assert t("w.share.pillar", lang, share=basic * 100) in at.slider(key="wk.w.basic").label
    kids = FW.children("innovation")
    rd = share * RAW["rd_input"] / sum(RAW[k] for k in kids)
    local = RAW["rd_input"] / sum(RAW[k] for k in kids)
    assert t("w.share.leaf", lang, share=rd * 100, local=local * 100) in at.slider(key="wk.w.rd_input").label
    assert t("w.total", lang, total=total) in [c.value for c in at.caption]
    if lang == "en":
        assert not CJK.search(label)


def test_a_link_weight_outside_the_slider_range_is_shown_as_it_is():
    """The issue: a pillar weight of 70 from a link showed as 60 on the slider. The slider widens
    to hold it, says so, and the scenario (the URL) keeps 70."""
    at = open_page(weights={"innovation": 70.0, "rd_input": 250.0})
    s = at.slider(key="wk.w.innovation")
    assert s.value == 70.0 and s.max >= 70.0 and s.min == 0.0
    assert at.slider(key="wk.w.rd_input").value == 250.0 and at.slider(key="wk.w.rd_input").max >= 250.0
    assert at.slider(key="wk.w.basic").max == 60.0  # the others keep their usual range
    notes = " ".join(c.value for c in at.caption)
    assert t("w.wide", "zh", name="技术创新", value=70.0, lo=0, hi=60) in notes
    assert t("w.wide", "zh", name="研发投入", value=250.0, lo=0, hi=100) in notes
    share = 70.0 / (sum(RAW[p] for p in PILLARS) - RAW["innovation"] + 70.0)
    assert t("w.share.pillar", "zh", share=share * 100) in s.label
    scn, _ = S.decode(at.query_params["s"], S.make_context(DS, FW))
    assert scn.weight_map["innovation"] == 70.0 and scn.weight_map["rd_input"] == 250.0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_keep_each_level_summing_to_100(lang):
    """With the option on, moving one slider rescales its siblings in proportion: the level totals
    100 and the siblings' ratios are the framework's (by hand: (100 - 20) × w / Σ w)."""
    at = open_page(lang)
    at.toggle(key="wk.w_keep100").set_value(True).run()
    at.slider(key="wk.w.basic").set_value(20.0).run()
    assert not at.exception
    w = {p: at.slider(key=f"wk.w.{p}").value for p in PILLARS}
    assert sum(w.values()) == pytest.approx(100.0, abs=1e-9)
    rest = sum(RAW[p] for p in PILLARS if p != "basic")
    for p in PILLARS[1:]:
        assert w[p] == pytest.approx(80.0 * RAW[p] / rest, abs=0.011)
    # in an indicator group too (three siblings of 33.33 / 33.33 / 33.34)
    at.slider(key="wk.w.rd_input").set_value(50.0).run()
    kids = FW.children("innovation")
    v = {k: at.slider(key=f"wk.w.{k}").value for k in kids}
    assert sum(v.values()) == pytest.approx(100.0, abs=1e-9) and v["rd_input"] == 50.0
    assert v["innovation_output"] == pytest.approx(50 * 33.33 / 66.67, abs=0.011)
    # the ranking is build()'s with exactly these weights
    scn, _ = S.decode(at.query_params["s"], S.make_context(DS, FW))
    res = iiscore.build(DS, default_spec(year=DS.years[-1], framework=FW.with_weights(scn.weight_map)))
    np.testing.assert_allclose(ranking(at, lang).iloc[:, 2].to_numpy(),
                               res.composite.sort_values(ascending=False).round(2).to_numpy())
    assert at.toggle(key="wk.w_keep100").label == t("w.keep100", lang)


def test_all_zero_weights_give_a_message(at):
    for leaf in ("rd_input", "innovation_output", "innovation_carrier"):
        at.slider(key=f"wk.w.{leaf}").set_value(0.0).run()
    assert not at.exception
    err = " ".join(e.value for e in at.error)
    # named by the group and its indicators, without the server's file path or internal ids
    assert "“技术创新”下的权重（研发投入、创新成果、创新载体）全为 0" in err
    assert "framework.csv" not in err and "rd_input" not in err and "参数" not in err


# -- AHP ----------------------------------------------------------------------------------------------
def test_ahp_consistent_matrix_applies_at_once(at):
    """A consistent matrix (basic twice as important as each other pillar: CR 0) is applied by one
    click: the pillar weights become the priorities (2/6, 1/6, ...) × the level's total 100."""
    upper = [["1"] * 5 for _ in range(5)]
    upper[0] = ["1", "2", "2", "2", "2"]
    type_judgements(at, upper)
    text = " ".join(m.value for m in at.markdown)
    assert "CR = 0.000" in text and at.success
    assert not at.checkbox  # nothing to confirm
    at.button(key="wk.ahp_apply").click().run()
    assert not at.exception
    assert at.slider(key="wk.w.basic").value == pytest.approx(100 * 2 / 6, abs=1e-3)
    assert at.slider(key="wk.w.industry").value == pytest.approx(100 / 6, abs=1e-3)
    assert any("CR = 0.000" in s.value for s in at.success)


def test_ahp_inconsistent_matrix_is_applied_only_after_confirming(at):
    """The issue: an inconsistent matrix (CR 0.390) was applied without asking. Now the apply button
    is disabled until the user ticks the confirmation, and the weights applied are then the
    inconsistent matrix's priorities."""
    type_judgements(at, ISSUE)
    a = full_from_upper(ISSUE)
    cr = cr_numpy(a)
    assert cr == pytest.approx(0.3896, abs=1e-4)
    assert any(f"CR = {cr:.3f}" in m.value for m in at.markdown)
    apply = at.button(key="wk.ahp_apply")
    assert apply.disabled
    with pytest.raises(AppTestError):  # a browser user cannot click it either
        apply.click()
    assert t("w.ahp.confirm.need", "zh") in [c.value for c in at.caption]
    before = at.slider(key="wk.w.basic").value
    (box,) = at.checkbox
    assert box.label == t("w.ahp.confirm", "zh", cr=cr)
    box.check().run()
    assert not at.button(key="wk.ahp_apply").disabled
    at.button(key="wk.ahp_apply").click().run()
    assert not at.exception
    expected = ahp.ahp_priorities(pd.DataFrame(a, index=PILLARS, columns=PILLARS), warn_inconsistent=False)
    assert at.slider(key="wk.w.basic").value == pytest.approx(expected.weights["basic"] * 100, abs=1e-3)
    assert at.slider(key="wk.w.basic").value != before
    # flashes are shown as plain text (iiscore_app.safe.md)
    want = safe.md(t("w.ahp.applied.bad", "zh", group="工业互联网发展成效指数", cr=cr), safe.MAX_TEXT)
    assert any(want == w.value for w in at.warning)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_ahp_suggestions_go_on_until_cr_is_acceptable(lang):
    """The issue: the suggested fix still left CR at 0.120. The page lists revisions until CR <= 0.1
    (each step's CR checked here with numpy), and one click revises the matrix: CR 0.097, applied
    without confirmation."""
    at = open_page(lang)
    type_judgements(at, ISSUE, lang)
    warning = at.warning[0].value
    steps = [("basic", "application", "3", "1/5"), ("basic", "industry", "7", "5")]
    revised = [r[:] for r in ISSUE]
    prev = cr_numpy(full_from_upper(revised))
    for k, (row, col, cur, new) in enumerate(steps, 1):
        revised[PILLARS.index(row)][PILLARS.index(col)] = new
        after = cr_numpy(full_from_upper(revised))
        line = t("w.ahp.plan.step", lang, k=k, row=FW.name(row, lang), col=FW.name(col, lang), cur=cur, new=new,
                 before=prev, after=after)
        assert line in warning
        prev = after
    assert prev <= 0.1 and t("w.ahp.plan.done", lang, cr=prev) in warning
    assert f"{0.120:.3f}" in warning  # the single revision's CR is the first step's
    at.button(key="wk.ahp_revise").click().run()
    assert not at.exception
    shown = [e.value for e in at.dataframe if FW.name("basic", lang) in e.value.index][0]
    assert shown.loc[FW.name("basic", lang), FW.name("application", lang)] == "1/5"
    assert shown.loc[FW.name("application", lang), FW.name("basic", lang)] == "5"
    assert any(f"CR = {prev:.3f}" in m.value for m in at.markdown) and at.success
    assert not at.checkbox and not at.button(key="wk.ahp_apply").disabled
    if lang == "en":
        assert not CJK.search(warning)


def test_ahp_cr_has_a_tooltip_and_a_glossary(at):
    cr_line = [m for m in at.markdown if m.value.startswith("一致性比率 CR")][0]
    assert cr_line.help == t("w.ahp.cr.help", "zh")
    assert t("w.ahp.glossary.body", "zh") in [m.value for m in at.markdown]
    assert at.expander[[e.label for e in at.expander].index(t("w.ahp.glossary", "zh"))]


@pytest.mark.parametrize("cell,needle", [("abc", "“abc”不是数字"), ("0", "0 超出 Saaty 标度"), ("10", "10 超出 Saaty 标度"),
                                         ("1/0", "“1/0”不是数字"), ("-3", "-3 超出 Saaty 标度")])
def test_ahp_bad_cells_are_named(at, cell, needle):
    """A judgement that is not on Saaty's 1/9-9 scale is refused by the engine, naming the pair, in the user's words."""
    upper = [["1"] * 5 for _ in range(5)]
    upper[0][1] = cell
    type_judgements(at, upper)
    errors = " ".join(e.value for e in at.error)
    assert needle in errors and "“基础能力”对“技术创新”" in errors
    assert "float" not in errors and "division" not in errors and "参数" not in errors
    assert "wk.ahp_apply" not in [b.key for b in at.button]  # nothing to apply


def test_ahp_bad_cells_in_english():
    at = open_page("en")
    upper = [["1"] * 5 for _ in range(5)]
    upper[0][1], upper[2][3] = "x", "12"
    type_judgements(at, upper, "en")
    err = at.error[0].value
    assert "'Foundational capacity' vs 'Technological innovation': 'x' is not a number" in err
    assert "'Industry development' vs 'Application and diffusion': 12 is outside Saaty's scale" in err
    assert not CJK.search(err)


def test_ahp_lower_triangle_shows_and_takes_reciprocals(at):
    ekey = [k for k in at.session_state if str(k).startswith("wk.ahp_editor.iidei")][0]
    at.session_state[ekey] = {"edited_rows": {0: {"技术创新": "3"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    shown = [e.value for e in at.dataframe if "技术创新" in e.value.columns and "基础能力" in e.value.index]
    assert shown and shown[0].loc["技术创新", "基础能力"] == "1/3"
    # typed below the diagonal: 应用推广 is 5 times as important as 技术创新 -> above it reads 1/5
    ekey = [k for k in at.session_state if str(k).startswith("wk.ahp_editor.iidei")][0]
    at.session_state[ekey] = {"edited_rows": {0: {"技术创新": "3"}, 3: {"技术创新": "5"}}, "added_rows": [],
                              "deleted_rows": []}
    at.run()
    shown = [e.value for e in at.dataframe if "技术创新" in e.value.columns and "基础能力" in e.value.index][0]
    assert shown.loc["技术创新", "应用推广"] == "1/5" and shown.loc["应用推广", "技术创新"] == "5"
    m = np.ones((5, 5))
    m[0, 1], m[1, 0] = 3, 1 / 3
    m[1, 3], m[3, 1] = 1 / 5, 5
    text = " ".join(x.value for x in at.markdown)
    assert f"CR = {cr_numpy(m):.3f}" in text


# -- charts ----------------------------------------------------------------------------------------
def _specs(at):
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def _layers(spec):
    return spec.get("layer", [spec])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_oat_chart_rank_axis_starts_at_1(lang):
    at = open_page(lang)
    ev_ranks = sensitivity.sweep(DS, default_spec(year=DS.years[-1]), "innovation", points=41).ranks
    top = iiscore.build(DS, default_spec(year=DS.years[-1])).ranks["iidei"].sort_values(kind="stable").index[:10]
    worst = int(ev_ranks[list(top)].to_numpy().max())
    title = t("w.oat.title", lang, node=FW.name("innovation", lang))
    spec = [s for s in _specs(at) if title in json.dumps(s, ensure_ascii=False)][0]
    y = _layers(spec)[0]["encoding"]["y"]
    assert y["scale"]["domain"] == [1, worst] and y["scale"]["reverse"] is True and y["scale"]["nice"] is False
    assert y["axis"]["values"][0] == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_monte_carlo_labels_every_region_and_fits_the_rank_axis(lang):
    at = open_page(lang)
    at.number_input(key="wk.mc_n").set_value(200).run()
    at.button(key="wk.mc_run").click().run()
    assert not at.exception
    mc = sensitivity.monte_carlo(DS, default_spec(year=DS.years[-1]), samples=200, seed=0, weight_noise=0.5)
    tables = [e.value for e in at.dataframe if t("w.mc.median", lang) in e.value.columns]
    tab = tables[0].set_index(t("col.region", lang))
    name = DS.region_name(mc.table.index[0], lang)
    assert tab.loc[name, t("w.mc.median", lang)] == mc.table["median_rank"].iloc[0]
    spec = [s for s in _specs(at) if t("w.mc.chart", lang) in json.dumps(s, ensure_ascii=False)][0]
    n = len(DS.regions)
    bars = _layers(spec)[0]["encoding"]
    order = bars["y"]["sort"]
    assert sorted(order) == sorted(DS.region_name(r, lang) for r in DS.regions) and len(order) == n
    assert bars["y"]["axis"]["labelOverlap"] is False  # every region labelled, one row each
    assert spec["height"] == {"step": 20}  # 20 px a region, whatever the title and legend take
    assert bars["x"]["scale"]["domain"] == [1, n] and bars["x"]["axis"]["values"][0] == 1
    # rows in the current ranking order
    base = iiscore.build(DS, default_spec(year=DS.years[-1])).ranks["iidei"].sort_values(kind="stable")
    assert order[:3] == [DS.region_name(r, lang) for r in base.index[:3]]
    # another setting makes the result stale; nothing crashes
    at.number_input(key="wk.mc_seed").set_value(3).run()
    assert not at.exception and not [e for e in at.dataframe if t("w.mc.median", lang) in e.value.columns]


def test_frontier_after_log_names_the_treatment(at):
    at.selectbox(key="wk.normalisation").set_value("frontier").run()
    assert not at.exception
    err = " ".join(e.value for e in at.error)
    assert "标准化方法：" in err and "取对数后出现负值" in err and "平台培育" in err and "参数" not in err
    at.selectbox(key="wk.treat").set_value("none").run()
    assert not at.exception and not at.error
