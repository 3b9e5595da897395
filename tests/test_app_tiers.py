"""AppTest: the tiers page."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore import tiering
from iiscore.datasets import default_spec

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def at():
    a = AppTest.from_file(APP, default_timeout=30)
    a.run()
    a.switch_page("pages/3_Tiers.py").run()
    assert not a.exception
    return a


def members(at):
    return [e.value for e in at.dataframe if "n" in e.value.columns][0]


def scores():
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    res = iiscore.build(ds, default_spec(year=ds.years[-1]))
    return res.scores[[fw.root, *fw.pillars]]


def test_default_is_the_reports_sizes(at):
    """The default tiering is the report's sizes 6/11/10/4 down the ranking, as tiering.tiers computes it."""
    tr = tiering.tiers(scores(), method="sizes")
    assert members(at)["n"].tolist() == [6, 11, 10, 4] == tr.assignment["tier"].value_counts().sort_index().tolist()
    cmp = tiering.compare(tiering.report_tiers().reindex(scores().index), tr.tier)
    assert any(f"ARI = {cmp.ari:.2f}" in m.value for m in at.markdown)


def test_kmeans_matches_tiering(at):
    at.selectbox(key="wk.tier_method").set_value("kmeans").run()
    tr = tiering.tiers(scores(), method="kmeans", k=4, seed=0)
    assert members(at)["n"].tolist() == tr.assignment["tier"].value_counts().sort_index().tolist()


def test_jenks_and_k(at):
    at.selectbox(key="wk.tier_method").set_value("jenks").run()
    at.number_input(key="wk.tier_k").set_value(3).run()
    assert not at.exception
    tr = tiering.tiers(scores(), method="jenks", k=3)
    assert members(at)["n"].tolist() == tr.assignment["tier"].value_counts().sort_index().tolist()


def test_sizes_bad_input_is_a_message(at):
    at.selectbox(key="wk.tier_method").set_value("sizes").run()
    assert members(at)["n"].tolist() == [6, 11, 10, 4]
    at.text_input(key="wk.tier_sizes").input("5,5").run()
    assert not at.exception
    assert any("合计 31" in s.value for s in [*at.success, *at.warning, *at.error])
    assert members(at)["n"].tolist() == [6, 11, 10, 4]
    at.text_input(key="wk.tier_sizes").input("10,10,11").run()
    assert members(at)["n"].tolist() == [10, 10, 11]


def test_geometric_with_zscore_is_a_message(at):
    at.selectbox(key="wk.normalisation").set_value("zscore").run()
    at.selectbox(key="wk.aggregation").set_value("geometric").run()
    assert not at.exception
    assert at.error and "几何" in at.error[0].value


def test_workshop_view_shows_shifts(at):
    at.button(key="wk.preset.application_focus").click().run()
    assert not at.exception
    html = [m.value for m in at.markdown if "2.2rem" in m.value]
    assert html and "tier-shifts" in html[-1]
