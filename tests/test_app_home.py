"""AppTest: the home page (总览) shows numbers equal to direct iiscore calls."""
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore_app import scenario as S
from iiscore.datasets import default_spec

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def table_with(at, column):
    """The first table shown whose columns include ``column`` (st.dataframe keeps no key)."""
    for e in at.dataframe:
        v = e.value
        if column in v.columns:
            return v
    raise KeyError(column)


@pytest.fixture
def at():
    a = AppTest.from_file(APP, default_timeout=30)
    a.run()
    assert not a.exception
    return a


def expected(year=None, **spec):
    ds = iiscore.load_default()
    y = year or ds.years[-1]
    return iiscore.build(ds, default_spec(year=y, **spec))


def test_ranking_matches_build(at):
    res = expected()
    table = table_with(at, "排名变化")
    comp_col = res.spec.framework.name("iidei", "zh")
    top = res.composite.sort_values(ascending=False)
    assert table["地区"].tolist()[:5] == [iiscore.load_default().region_name(r, "zh") for r in top.index[:5]]
    np.testing.assert_allclose(table[comp_col].to_numpy(), top.round(2).to_numpy())
    assert (table["排名变化"] == 0).all()
    assert at.title[0].value.startswith("工业互联网")


def test_provenance_banner(at):
    ds = iiscore.load_default()
    year = ds.years[-1]
    counts = ds.long[ds.long["year"] == year]["provenance"].value_counts()
    text = at.info[0].value
    assert f"估算 {counts['estimate']} 个" in text and f"公开统计 {counts['public']} 个" in text


def test_map_layers_and_tier_colouring(at):
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert spec.get("mapProvider") is None or spec.get("mapProvider") in ("", None)
    feats = spec["layers"][0]["data"]["features"]
    assert len(feats) >= 31
    fills = {tuple(f["properties"]["fill"]) for f in feats}
    assert len(fills) > 10  # a colour scale, not one colour
    at.radio(key="wk.map_colour").set_value("tier").run()
    assert not at.exception
    spec2 = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    fills2 = {tuple(f["properties"]["fill"]) for f in spec2["layers"][0]["data"]["features"]}
    assert 2 <= len(fills2) <= 5
    tip = json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip)
    assert "{name}" in tip["html"] and "{rank}" in tip["html"] and "{tier}" in tip["html"]


def test_year_selector_and_trajectory(at):
    at.selectbox(key="wk.year").set_value(2021).run()
    assert not at.exception
    res = expected(2021)
    table = table_with(at, "排名变化")
    np.testing.assert_allclose(table.iloc[:, 2].to_numpy(), res.composite.sort_values(ascending=False).round(2).to_numpy())
    # the trajectory is on pooled goalposts
    ranks, _ = S.rank_trajectory(S.Scenario.default(year=2021), iiscore.load_default(), iiscore.load_default_framework())
    chart = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert any("轨迹" in json.dumps(c, ensure_ascii=False) for c in chart)
    assert set(ranks.columns) == set(iiscore.load_default().years)


def test_english_switch(at):
    at.toggle(key="wk.lang_en").set_value(True).run()
    assert not at.exception
    assert at.title[0].value.startswith("Industrial Internet")
    table = table_with(at, "Rank change")
    assert "Region" in table.columns and "Guangdong" in table["Region"].tolist()
    decoded, _ = S.decode(at.query_params["s"], S.make_context(iiscore.load_default(), iiscore.load_default_framework()))
    assert decoded.lang == "en"


def test_saved_scenarios_side_by_side(at):
    at.text_input(key="wk.save_name").set_value("base").run()
    at.button(key="wk.save").click().run()
    at.button(key="wk.preset.application_focus").click().run()
    assert not at.exception
    assert any(any(str(c).startswith("base") for c in e.value.columns) for e in at.dataframe)


def test_contributions_add_up_under_any_weights():
    """Pillar contributions to the national composite's growth add up to 100 % with the scenario's
    weights; with the default (inferred) weights they reproduce the report's 17.3 % for 2023."""
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    ctx = S.make_context(ds, fw)
    for weights, basic_2023 in (({}, 17.3), ({"basic": 60.0}, None)):
        at = AppTest.from_file(APP, default_timeout=30)
        at.query_params["s"] = S.encode(ctx.defaults.replace(weights=weights), ctx)
        at.run()
        assert not at.exception
        table = table_with(at, "2022→2023")
        periods = [c for c in table.columns if "→" in str(c)]
        assert len(periods) == 3
        for c in periods:
            assert abs(table[c].astype(float).sum() - 100.0) < 0.3, (weights, c, table[c].tolist())
        if basic_2023 is not None:
            assert table.loc[fw.name("basic", "zh"), "2022→2023"] == basic_2023
        else:  # by hand: W_basic (60 of 60 + the other four raw weights) × Δbasic ÷ Δcomposite
            from iiscore.national import load_published

            index, _ = load_published()
            raw = {p: fw.node(p).weight for p in fw.pillars} | {"basic": 60.0}
            w = {p: v / sum(raw.values()) for p, v in raw.items()}
            d = {p: index.loc[2023, p] - index.loc[2022, p] for p in fw.pillars}
            want = 100 * w["basic"] * d["basic"] / sum(w[p] * d[p] for p in fw.pillars)
            assert table.loc[fw.name("basic", "zh"), "2022→2023"] == round(want, 1)
