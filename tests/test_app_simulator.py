"""AppTest: the province simulator, in both languages.

Expected numbers come from the engine called directly (``simulate.whatif``, ``levers``,
``goal_seek``, whose own tests check them against brute force and linear programmes) and from
arithmetic by hand (new value = original × (1 + change / 100)).
"""
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore import simulate, tiering
from iiscore.datasets import default_spec
from iiscore.simulate.levers import NOTES
from iiscore_app import scenario as S
from iiscore_app import safe, state
from iiscore_app.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")
DS, FW = iiscore.load_default(), iiscore.load_default_framework()
YEAR = DS.years[-1]
SPEC = default_spec(year=YEAR)
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
ROWS = {leaf: i for i, leaf in enumerate(FW.leaves)}
GRAY, NONE = 2, 2  # st.metric's MetricColor.GRAY and MetricDirection.NONE


def open_page(lang="zh", region=None):
    a = AppTest.from_file(APP, default_timeout=60)
    a.query_params["lang"] = lang
    a.run()
    a.switch_page("pages/2_Simulator.py").run()
    if region:
        a.selectbox(key="wk.region").set_value(region).run()
    assert not a.exception
    return a


@pytest.fixture
def at():
    return open_page()


def editor_key(at):
    return [k for k in at.session_state if str(k).startswith("wk.sim_editor.")][0]


def scenario(at):
    scn, _ = S.decode(at.query_params["s"], S.make_context(DS, FW))
    return scn


def edit_table(at, lang="zh"):
    return [e.value for e in at.dataframe if t("col.provenance", lang) in e.value.columns][0]


def solve(at, lang="zh"):
    at.button(key="wk.goal_run").click().run()
    assert not at.exception


# -- the edit table and before/after ---------------------------------------------------------------
def test_edit_table_and_before_after(at):
    at.selectbox(key="wk.region").set_value("贵州").run()
    at.session_state[editor_key(at)] = {"edited_rows": {ROWS["network"]: {"变化 %": 300.0},
                                                        ROWS["identifier"]: {"变化 %": 500.0}},
                                        "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    edits = [simulate.Edit("贵州", "network", "pct", 300.0), simulate.Edit("贵州", "identifier", "pct", 500.0)]
    wi = simulate.whatif(DS, SPEC, edits)
    row = wi.table.set_index("region").loc["贵州"]
    metrics = {m.label: m for m in at.metric}
    assert metrics["得分"].value == f"{row['score_after']:.2f}"
    assert int(metrics["排名"].value) == int(row["rank_after"])
    assert row["rank_after"] < row["rank_before"]
    assert metrics["排名"].proto.delta == f"+{int(row['rank_before'] - row['rank_after'])}"
    passes = [e.value for e in at.dataframe if "基线排名" in e.value.columns and "基线梯队" in e.value.columns][0]
    assert passes.iloc[0]["地区"] == "贵州" and len(passes) > 1
    # edited values are marked as scenario, in the URL too
    assert {(e.indicator, e.amount) for e in scenario(at).edits} == {("network", 300.0), ("identifier", 500.0)}
    table = edit_table(at)
    assert table["来源类型"].str.contains("情景修改").sum() == 2
    assert table["来源类型"].str.contains("估算").any()
    # clearing
    at.button(key="wk.sim_clear").click().run()
    assert scenario(at).edits == ()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_percent_mode_shows_the_new_value_next_to_the_change(lang):
    """The issue: 1568.3 +30 % → ?. The new value is original × 1.3 (by hand), in the column before
    the one typed in (which stays last, for the keyboard)."""
    at = open_page(lang, "贵州")
    change, new = t("col.change_pct", lang), t("col.new_value", lang)
    at.session_state[editor_key(at)] = {"edited_rows": {ROWS["network"]: {change: 30.0}}, "added_rows": [],
                                        "deleted_rows": []}
    at.run()
    assert not at.exception
    table = edit_table(at, lang)
    assert list(table.columns)[-2:] == [new, change]
    base = float(DS.matrix(YEAR).at["贵州", "network"])
    r = table.iloc[ROWS["network"]]
    assert r[t("col.base_value", lang)] == base and r[change] == 30.0
    assert r[new] == pytest.approx(round(base * 1.3, 2), abs=1e-9)
    other = table.iloc[ROWS["platform"]]
    assert other[new] == other[t("col.base_value", lang)] and other[change] == 0.0


def test_absolute_mode_shows_the_change_it_makes(at):
    at.radio(key="wk.sim_mode").set_value("abs").run()
    at.session_state[editor_key(at)] = {"edited_rows": {0: {"新数值": 99999.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert scenario(at).edits == (S.Edit(DS.regions[0], "network", "abs", 99999.0),)
    table = edit_table(at)
    assert list(table.columns)[-2:] == ["变化 %", "新数值"]
    base = float(DS.matrix(YEAR).at[DS.regions[0], "network"])
    assert table.iloc[0]["变化 %"] == pytest.approx(round((99999.0 / base - 1) * 100, 2))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_zero_changes_are_neutral(lang):
    """The issue: no change showed "+0.00" with a green arrow. A change that shows as 0 is grey,
    without arrow; a real one keeps its colour and sign."""
    at = open_page(lang)
    for m in at.metric:
        assert m.proto.delta in ("0.00", "0") and m.proto.color == GRAY and m.proto.direction == NONE
    at.session_state[editor_key(at)] = {"edited_rows": {ROWS["network"]: {t("col.change_pct", lang): 0.001}},
                                        "added_rows": [], "deleted_rows": []}
    at.run()  # a change too small to show: still neutral
    assert {m.proto.delta for m in at.metric} <= {"0.00", "0"} and all(m.proto.color == GRAY for m in at.metric)
    at.selectbox(key="wk.region").set_value("贵州").run()
    at.session_state[editor_key(at)] = {"edited_rows": {ROWS["adoption"]: {t("col.change_pct", lang): 200.0}},
                                        "added_rows": [], "deleted_rows": []}
    at.run()
    score = {m.label: m for m in at.metric}[t("col.score", lang)]
    assert score.proto.delta.startswith("+") and score.proto.color != GRAY


# -- levers ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_negative_lever_gain_is_explained(lang):
    """The issue: 北京, 人才培养, −1.463 per +1 sd, shown without a word of why. The note column flags
    it and the explanation under the table gives the engine's reason (its note code)."""
    at = open_page(lang, "北京")
    lv = simulate.levers(DS, SPEC, "北京")
    assert lv.table.at["talent", "gain_per_sd"] == pytest.approx(-1.463, abs=5e-4)
    code = lv.table.at["talent", "note"]
    assert code in ("renormalised", "treatment")
    table = [e.value for e in at.dataframe if t("col.gain_pct", lang) in e.value.columns][0]
    row = table.set_index(t("col.indicator", lang)).loc[FW.name("talent", lang)]
    assert row[t("sim.levers.note", lang)] == t("sim.levers.short." + code, lang)
    assert row[t("col.gain_sd", lang)] == pytest.approx(-1.463, abs=5e-4)
    why = " ".join(m.value for m in at.markdown)
    assert NOTES[code][0 if lang == "en" else 1] in why and FW.name("talent", lang) in why
    # 0 at the top: 北京 has the best 推广普及 value (score 100), so +1 % adds nothing to its own score
    res = iiscore.build(DS, SPEC)
    assert res.normalised.at["北京", "adoption"] == pytest.approx(100)
    assert lv.table.at["adoption", "gain_per_pct"] == 0
    assert t("sim.levers.top", lang) in why
    if lang == "en":
        assert not CJK.search(why)


@pytest.mark.parametrize("region", ["贵州", "北京"])
def test_default_goal_indicators_are_the_regions_best_levers(region):
    """The issue: the default goal-seek indicators (网络建设, 标识建设) were among 贵州's weakest
    levers. The default is the region's 3 largest positive gains per +1 %, from the engine's table
    sorted here independently."""
    at = open_page("zh", region)
    tab = simulate.levers(DS, SPEC, region).table
    ok = tab[(tab["gain_per_pct"] > 0) & ~tab["note"].isin(["missing", "zero", "negative"])]
    want = list(ok.sort_values("gain_per_pct", ascending=False, kind="stable").index[:3])
    assert at.multiselect(key=f"wk.goal_inds.{region}").value == want
    assert not {"network", "identifier"} & set(want) or region != "贵州"
    # the levers table shown first is in the same order
    table = [e.value for e in at.dataframe if t("col.gain_pct", "zh") in e.value.columns][0]
    assert list(table["指标"][:3]) == [FW.name(k, "zh") for k in want]


# -- goal-seek ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cost_table_only_for_the_cheapest_strategy(lang):
    """The issue: the cost table listed all 19 indicators under a strategy that ignores costs. It
    shows only for the cheapest combination, with the chosen indicators only."""
    at = open_page(lang, "贵州")
    cost_col = t("col.cost", lang)
    assert not [e for e in at.dataframe if cost_col in e.value.columns]
    at.radio(key="wk.goal_strategy").set_value("cheapest").run()
    at.multiselect(key="wk.goal_inds.贵州").set_value(["network", "adoption"]).run()
    tables = [e.value for e in at.dataframe if cost_col in e.value.columns]
    assert len(tables) == 1
    assert list(tables[0][t("col.indicator", lang)]) == [FW.name("network", lang), FW.name("adoption", lang)]
    assert t("sim.goal.costs.caption", lang) in [c.value for c in at.caption]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_goal_seek_apply_then_the_page_shows_the_promised_rank_and_tier(lang):
    """Issue 13: answers hold when applied. The answer equals a direct goal_seek call; applying stores
    exactly its applied_edits; the page then shows the promised score, rank and tier."""
    at = open_page(lang, "贵州")
    inds = at.multiselect(key="wk.goal_inds.贵州").value
    solve(at, lang)
    tiers = tiering.tiers(iiscore.build(DS, SPEC).composite)  # the TierResult: the messages name the tiering
    gs = simulate.goal_seek(DS, SPEC, "贵州", target_tier=2, indicators=inds, tiers=tiers)
    assert gs.reached and gs.tier_after == 2 < gs.tier_before
    assert at.success[0].value == gs.message(lang) and not at.warning and not at.info
    table = [e.value for e in at.dataframe if t("col.effort", lang) in e.value.columns][0]
    assert list(table[t("col.effort", lang)]) == [round(v, 2) for v in gs.changes.values() if v]
    now = DS.matrix(YEAR).loc["贵州"]
    k = list(gs.changes)[0]
    assert table.iloc[0][t("sim.goal.col.new", lang)] == pytest.approx(round(now[k] * (1 + gs.changes[k] / 100), 2))
    promise = t("sim.goal.promise", lang, s0=gs.score_before, s1=gs.score_after, r0=gs.rank_before, r1=gs.rank_after,
                t0=gs.tier_before, t1=gs.tier_after)
    assert promise in [m.value for m in at.markdown]
    at.button(key="wk.goal_apply").click().run()
    assert not at.exception
    assert set(scenario(at).edits) == set(gs.applied_edits) and len(scenario(at).edits) == len(gs.applied_edits)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("col.score", lang)] == f"{gs.score_after:.2f}"
    assert int(metrics[t("col.rank", lang)]) == gs.rank_after and int(metrics[t("col.tier", lang)]) == gs.tier_after
    assert at.success[0].value == t("sim.goal.applied", lang, score=gs.score_after, rank=gs.rank_after,
                                    tier=gs.tier_after)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_goal_seek_failure_is_a_warning_that_says_what_would_work(lang):
    """The issue: a failure in a blue box that suggested nothing. Out of reach, the page says in a
    warning what the best within the bounds is and lists the engine's suggestions, each with a button
    that sets the form and solves again."""
    at = open_page(lang, "贵州")
    inds = at.multiselect(key="wk.goal_inds.贵州").value
    at.selectbox(key="wk.goal_tier").set_value(1).run()
    solve(at, lang)
    tiers = tiering.tiers(iiscore.build(DS, SPEC).composite)  # the TierResult: the messages name the tiering
    gs = simulate.goal_seek(DS, SPEC, "贵州", target_tier=1, indicators=inds, tiers=tiers)
    assert not gs.reached and gs.method == "bounds" and gs.suggestions.get("nearer")
    assert not at.info and not at.success
    text = at.warning[0].value
    assert f"{gs.best_score:.2f}" in text and t("sim.goal.works", lang) in text
    assert t("sim.goal.target.tier", lang, n=1) in text
    tips = [m.value for m in at.markdown if m.value.startswith("- ")]
    nearer = gs.suggestions["nearer"][0].split()[1]
    assert "- " + t("sim.goal.try.nearer", lang, target=t("sim.goal.target.tier", lang, n=nearer)) in tips
    if gs.suggestions.get("levers"):
        names = ("、" if lang == "zh" else ", ").join(FW.name(k, lang) for k in gs.suggestions["levers"])
        assert "- " + t("sim.goal.try.levers", lang, names=names) in tips
    for word in ("renormalise", "re-normalised", "重新标准化", "bounds", "None"):
        assert word not in text
    if lang == "en":
        assert not CJK.search(text)
    at.button(key="wk.goal_try.0").click().run()  # aim for the nearer tier
    assert not at.exception
    assert at.selectbox(key="wk.goal_tier").value == int(nearer)
    again = simulate.goal_seek(DS, SPEC, "贵州", target_tier=int(nearer), indicators=inds, tiers=tiers)
    assert again.reached and at.success[0].value == again.message(lang)


def test_goal_seek_answer_goes_stale_when_the_settings_change(at):
    at.selectbox(key="wk.region").set_value("贵州").run()
    solve(at)
    assert at.success and "wk.goal_apply" in [b.key for b in at.button]
    at.number_input(key="wk.goal_max").set_value(50.0).run()
    assert t("sim.goal.stale", "zh") in [c.value for c in at.caption]
    assert "wk.goal_apply" not in [b.key for b in at.button]


def test_goal_seek_rank_target_cheapest_matches_engine(at):
    """Rank target + cheapest combination with costs: the answer shown equals a direct goal_seek call."""
    at.selectbox(key="wk.region").set_value("贵州").run()
    at.radio(key="wk.goal_kind").set_value("rank").run()
    at.number_input(key="wk.goal_rank").set_value(20)
    at.radio(key="wk.goal_strategy").set_value("cheapest")
    at.number_input(key="wk.goal_max").set_value(300.0)
    at.multiselect(key="wk.goal_inds.贵州").set_value(["network", "identifier", "platform"]).run()
    solve(at)
    gs = simulate.goal_seek(DS, SPEC, "贵州", target_rank=20, indicators=["network", "identifier", "platform"],
                            strategy="cheapest", costs={"network": 1.0, "identifier": 1.0, "platform": 1.0},
                            max_pct=300.0, max_evals=simulate.INTERACTIVE_BUDGET)  # the page's search budget
    assert gs.reached
    assert at.success[0].value == safe.md(gs.message_zh, 2 * safe.MAX_TEXT)  # shown as plain text
    unproven = t("sim.goal.unproven", "zh", n=simulate.INTERACTIVE_BUDGET)
    assert (unproven in [c.value for c in at.caption]) == (not gs.proven)


def test_goal_seek_with_no_indicator_asks_for_one(at):
    at.multiselect(key=f"wk.goal_inds.{DS.regions[0]}").set_value([]).run()
    solve(at)
    assert t("sim.goal.need", "zh") in [w.value for w in at.warning]


def test_fixed_mode_with_zscore_is_a_message(at):
    at.radio(key="wk.whatif").set_value("fixed").run()
    at.selectbox(key="wk.normalisation").set_value("zscore").run()
    at.session_state[editor_key(at)] = {"edited_rows": {0: {"变化 %": 10.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert at.error and "minmax" in at.error[0].value


def test_editor_state_folds_into_the_scenario_like_the_widget():
    """The on-change callback rebuilds what the editor returns from its session-state value:
    typed cells replace the base, unknown rows/columns are ignored, earlier edits stay as they were."""
    from iiscore_app import views

    ctx = S.make_context(DS, FW)
    scn = ctx.defaults.replace(region="贵州", edits=[S.Edit("贵州", "identifier", "abs", 7.0)])
    for mode, col, typed, want in (("pct", "变化 %", 40.0, S.Edit("贵州", "network", "pct", 40.0)),
                                   ("abs", "新数值", 1234.5, S.Edit("贵州", "network", "abs", 1234.5))):
        base = views.edit_table(DS, FW, scn, "贵州", mode, "zh")
        state = {"edited_rows": {0: {col: typed}, 99: {col: 1.0}, 1: {"no such column": 5.0}},
                 "added_rows": [], "deleted_rows": []}
        edited = views.apply_editor_state(base, state)
        assert edited.loc[0, col] == typed and base.loc[0, col] != typed  # base untouched
        assert edited.drop(columns=[col]).equals(base.drop(columns=[col]))
        new = views.edits_from_table(scn, "贵州", edited, mode, "zh", base)
        assert set(new) == {want, S.Edit("贵州", "identifier", "abs", 7.0)}
    assert views.apply_editor_state(base, None).equals(base)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_brief_of_the_simulated_region_carries_its_edits(lang):
    """The simulator offers the region's brief (PDF, Word) under the scenario in force: with an edit,
    the brief's profile is of the edited data (its score equals whatif's score after)."""
    from iiscore_app import brief_ui, state

    a = open_page(lang, region="贵州")
    labels = [b.label for b in a.get("download_button")]
    assert t("brief.pdf", lang) in labels and t("brief.docx", lang) in labels
    scn = S.make_context(DS, FW).defaults.replace(lang=lang, page="simulator", region="贵州",
                                                  edits=[simulate.Edit("贵州", "network", "pct", 80.0)])
    ev = state.Eval(scn, state.default_bundle())
    wi = simulate.whatif(DS, SPEC, [simulate.Edit("贵州", "network", "pct", 80.0)]).table.set_index("region")
    prof = state.profile(ev, "贵州")
    assert prof.composite == pytest.approx(float(wi.at["贵州", "score_after"]), abs=1e-9)
    assert prof.rank == int(wi.at["贵州", "rank_after"])
    pdf = brief_ui.brief_bytes(ev, "贵州", lang, "pdf")
    assert pdf[:5] == b"%PDF-"
