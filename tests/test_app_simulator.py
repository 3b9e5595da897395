"""AppTest: the province simulator."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore_app import scenario as S
from iiscore import simulate
from iiscore.datasets import default_spec
from iiscore_app.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def at():
    a = AppTest.from_file(APP, default_timeout=30)
    a.run()
    a.switch_page("pages/2_Simulator.py").run()
    assert not a.exception
    return a


def editor_key(at):
    return [k for k in at.session_state if str(k).startswith("wk.sim_editor.")][0]


def test_edit_table_and_before_after(at):
    at.selectbox(key="wk.region").set_value("贵州").run()
    fw = iiscore.load_default_framework()
    rows = {leaf: i for i, leaf in enumerate(fw.leaves)}
    at.session_state[editor_key(at)] = {"edited_rows": {rows["network"]: {"变化 %": 300.0},
                                                        rows["identifier"]: {"变化 %": 500.0}},
                                        "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    ds = iiscore.load_default()
    edits = [simulate.Edit("贵州", "network", "pct", 300.0), simulate.Edit("贵州", "identifier", "pct", 500.0)]
    wi = simulate.whatif(ds, default_spec(year=ds.years[-1]), edits)
    row = wi.table.set_index("region").loc["贵州"]
    metrics = {m.label: m for m in at.metric}
    assert metrics["得分"].value == f"{row['score_after']:.2f}"
    assert int(metrics["排名"].value) == int(row["rank_after"])
    assert row["rank_after"] < row["rank_before"]
    passes = [e.value for e in at.dataframe if "基线排名" in e.value.columns and "基线梯队" in e.value.columns][0]
    assert passes.iloc[0]["地区"] == "贵州" and len(passes) > 1
    # edited values are marked as scenario, in the URL too
    scn, _ = S.decode(at.query_params["s"], S.make_context(ds, iiscore.load_default_framework()))
    assert {(e.indicator, e.amount) for e in scn.edits} == {("network", 300.0), ("identifier", 500.0)}
    table = [e.value for e in at.dataframe if "来源类型" in e.value.columns][0]
    assert table["来源类型"].str.contains("情景修改").sum() == 2
    assert table["来源类型"].str.contains("估算").any()
    # clearing
    at.button(key="wk.sim_clear").click().run()
    scn, _ = S.decode(at.query_params["s"], S.make_context(ds, iiscore.load_default_framework()))
    assert scn.edits == ()


def test_absolute_mode(at):
    at.radio(key="wk.sim_mode").set_value("abs").run()
    at.session_state[editor_key(at)] = {"edited_rows": {0: {"新数值": 99999.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    ds = iiscore.load_default()
    scn, _ = S.decode(at.query_params["s"], S.make_context(ds, iiscore.load_default_framework()))
    assert scn.edits == (S.Edit(ds.regions[0], "network", "abs", 99999.0),)


def test_levers_and_goal_seek(at):
    at.selectbox(key="wk.region").set_value("贵州").run()
    ds = iiscore.load_default()
    lv = simulate.levers(ds, default_spec(year=ds.years[-1]), "贵州")
    table = [e.value for e in at.dataframe if t("col.gain_pct", "zh") in e.value.columns][0]
    assert table.iloc[0]["指标"] == iiscore.load_default_framework().name(lv.table.index[0], "zh")
    at.selectbox(key="wk.goal_tier").set_value(2)
    at.multiselect(key="wk.goal_inds").set_value(["network", "identifier", "rd_input"])
    submit = at.button[[b.label for b in at.button].index("求解")]
    submit.click().run()
    assert not at.exception
    assert at.info, "goal-seek answer shown"
    apply = [b for b in at.button if b.label == "采用该方案"]
    if apply:
        apply[0].click().run()
        scn, _ = S.decode(at.query_params["s"], S.make_context(ds, iiscore.load_default_framework()))
        assert scn.edits and all(e.region == "贵州" for e in scn.edits)


def test_goal_seek_rank_target_cheapest_matches_engine(at):
    """Rank target + cheapest combination with costs: the answer shown equals a direct goal_seek call."""
    at.selectbox(key="wk.region").set_value("贵州").run()
    at.radio(key="wk.goal_kind").set_value("rank")
    at.number_input(key="wk.goal_rank").set_value(20)
    at.radio(key="wk.goal_strategy").set_value("cheapest")
    at.number_input(key="wk.goal_max").set_value(300.0)
    at.multiselect(key="wk.goal_inds").set_value(["network", "identifier", "platform"])
    at.button[[b.label for b in at.button].index("求解")].click().run()
    assert not at.exception
    ds = iiscore.load_default()
    gs = simulate.goal_seek(ds, default_spec(year=ds.years[-1]), "贵州", target_rank=20,
                            indicators=["network", "identifier", "platform"], strategy="cheapest",
                            costs={"network": 1.0, "identifier": 1.0, "platform": 1.0}, max_pct=300.0)
    assert gs.reached
    assert at.info[0].value == gs.message_zh


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

    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    ctx = S.make_context(ds, fw)
    scn = ctx.defaults.replace(region="贵州", edits=[S.Edit("贵州", "identifier", "abs", 7.0)])
    for mode, col, typed, want in (("pct", "变化 %", 40.0, S.Edit("贵州", "network", "pct", 40.0)),
                                   ("abs", "新数值", 1234.5, S.Edit("贵州", "network", "abs", 1234.5))):
        base = views.edit_table(ds, fw, scn, "贵州", mode, "zh")
        state = {"edited_rows": {0: {col: typed}, 99: {col: 1.0}, 1: {"no such column": 5.0}},
                 "added_rows": [], "deleted_rows": []}
        edited = views.apply_editor_state(base, state)
        assert edited.loc[0, col] == typed and base.loc[0, col] != typed  # base untouched
        assert edited.drop(columns=[col]).equals(base.drop(columns=[col]))
        new = views.edits_from_table(scn, "贵州", edited, mode, "zh", base)
        assert set(new) == {want, S.Edit("贵州", "identifier", "abs", 7.0)}
    assert views.apply_editor_state(base, None).equals(base)
