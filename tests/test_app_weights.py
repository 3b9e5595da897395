"""AppTest: the weights & sensitivity page."""
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore import sensitivity
from iiscore.datasets import default_spec
from iiscore.weights import ahp

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def at():
    a = AppTest.from_file(APP, default_timeout=30)
    a.run()
    a.switch_page("pages/1_Weights.py").run()
    assert not a.exception
    return a


def ranking(at):
    for e in at.dataframe:
        if "排名变化" in e.value.columns:
            return e.value
    raise KeyError


def test_slider_moves_ranking_like_build(at):
    at.slider(key="wk.w.innovation").set_value(40.0).run()
    assert not at.exception
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    res = iiscore.build(ds, default_spec(year=ds.years[-1], framework=fw.with_weights({"innovation": 40.0})))
    base = iiscore.build(ds, default_spec(year=ds.years[-1]))
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


def test_all_zero_weights_give_a_message(at):
    for leaf in ("rd_input", "innovation_output", "innovation_carrier"):
        at.slider(key=f"wk.w.{leaf}").set_value(0.0).run()
    assert not at.exception
    err = " ".join(e.value for e in at.error)
    # named by the group and its indicators, without the server's file path or internal ids
    assert "“技术创新”下的权重（研发投入、创新成果、创新载体）全为 0" in err
    assert "framework.csv" not in err and "rd_input" not in err and "参数" not in err


def test_ahp_builder_shows_cr_and_applies(at):
    ekey = [k for k in at.session_state if str(k).startswith("wk.ahp_editor.iidei")][0]
    # judgements: upper triangle only (row is more important than column)
    at.session_state[ekey] = {"edited_rows": {0: {"技术创新": "1/3", "产业发展": "1/5", "应用推广": "9"}},
                              "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    fw = iiscore.load_default_framework()
    kids = list(fw.pillars)
    import pandas as pd
    m = pd.DataFrame("1", index=kids, columns=kids)
    m.iloc[0, 1], m.iloc[0, 2], m.iloc[0, 3] = "1/3", "1/5", "9"
    full = m.astype(object)
    for i in range(5):
        for j in range(i + 1, 5):
            full.iat[j, i] = 1 / ahp.parse_judgement(full.iat[i, j])
    expected = ahp.ahp_priorities(full, warn_inconsistent=False)
    assert f"CR = {expected.cr:.3f}" in text
    assert at.warning or at.success
    at.button(key="wk.ahp_apply").click().run()
    assert at.slider(key="wk.w.basic").value == pytest.approx(expected.weights["basic"] * 100, abs=0.01)


def test_oat_and_monte_carlo(at):
    import json
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert any("OAT" in json.dumps(s, ensure_ascii=False) for s in specs)
    at.number_input(key="wk.mc_n").set_value(200).run()
    at.button(key="wk.mc_run").click().run()
    assert not at.exception
    tables = [e.value for e in at.dataframe if "中位排名" in e.value.columns]
    assert tables
    ds = iiscore.load_default()
    mc = sensitivity.monte_carlo(ds, default_spec(year=ds.years[-1]), samples=200, seed=0, weight_noise=0.5)
    t = tables[0].set_index("地区")
    name = ds.region_name(mc.table.index[0], "zh")
    assert t.loc[name, "中位排名"] == mc.table["median_rank"].iloc[0]
    # another setting makes the result stale; nothing crashes
    at.number_input(key="wk.mc_seed").set_value(3).run()
    assert not at.exception and not [e for e in at.dataframe if "中位排名" in e.value.columns]


def _ahp_cells(at, cells):
    ekey = [k for k in at.session_state if str(k).startswith("wk.ahp_editor.iidei")][0]
    rows = {}
    for (i, col), v in cells.items():
        rows.setdefault(i, {})[col] = v
    at.session_state[ekey] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception


@pytest.mark.parametrize("cell,needle", [("abc", "“abc”不是数字"), ("0", "0 超出 Saaty 标度"), ("10", "10 超出 Saaty 标度"),
                                         ("1/0", "“1/0”不是数字"), ("-3", "-3 超出 Saaty 标度")])
def test_ahp_bad_cells_are_named(at, cell, needle):
    """A judgement that is not on Saaty's 1/9-9 scale is refused, naming the pair, in the user's words."""
    _ahp_cells(at, {(0, "技术创新"): cell})
    errors = " ".join(e.value for e in at.error)
    assert needle in errors and "“基础能力”对“技术创新”" in errors
    assert "float" not in errors and "division" not in errors


def test_ahp_lower_triangle_shows_and_takes_reciprocals(at):
    fw = iiscore.load_default_framework()
    _ahp_cells(at, {(0, "技术创新"): "3"})
    shown = [e.value for e in at.dataframe if "技术创新" in e.value.columns and "基础能力" in e.value.index]
    assert shown and shown[0].loc["技术创新", "基础能力"] == "1/3"
    # typed below the diagonal: 应用推广 is 5 times as important as 技术创新 -> above it reads 1/5
    _ahp_cells(at, {(3, "技术创新"): "5"})
    shown = [e.value for e in at.dataframe if "技术创新" in e.value.columns and "基础能力" in e.value.index][0]
    assert shown.loc["技术创新", "应用推广"] == "1/5" and shown.loc["应用推广", "技术创新"] == "5"
    kids = list(fw.pillars)
    import pandas as pd
    m = pd.DataFrame(1.0, index=kids, columns=kids)
    m.loc["basic", "innovation"], m.loc["innovation", "basic"] = 3, 1 / 3
    m.loc["innovation", "application"], m.loc["application", "innovation"] = 1 / 5, 5
    expected = ahp.ahp_priorities(m, warn_inconsistent=False)
    text = " ".join(x.value for x in at.markdown)
    assert f"CR = {expected.cr:.3f}" in text


def test_frontier_after_log_names_the_treatment(at):
    at.selectbox(key="wk.normalisation").set_value("frontier").run()
    assert not at.exception
    err = " ".join(e.value for e in at.error)
    assert "标准化方法：" in err and "取对数后出现负值" in err and "平台培育" in err and "参数" not in err
    at.selectbox(key="wk.treat").set_value("none").run()
    assert not at.exception and not at.error
