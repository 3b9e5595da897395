"""AppTest: shared links. State → URL → fresh session → same numbers; bad links fall back with a notice."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore_app import presets as P
from iiscore_app import scenario as S

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def fresh(query=None, page=None):
    at = AppTest.from_file(APP, default_timeout=30)
    if query:
        at.query_params.update(query)
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def ranking(at):
    for e in at.dataframe:
        v = e.value
        if "排名变化" in v.columns or "Rank change" in v.columns:
            return v
    raise KeyError("ranking")


def context():
    return S.make_context(iiscore.load_default(), iiscore.load_default_framework())


def test_round_trip_weights_edits_tiers_language():
    at = fresh(page="pages/1_Weights.py")
    at.slider(key="wk.w.innovation").set_value(35.0).run()
    at.slider(key="wk.w.network").set_value(60.0).run()
    at.toggle(key="wk.lang_en").set_value(True).run()
    at.button(key="wk.preset.west_infra").click().run()  # edits; weights reset by the preset
    at.slider(key="wk.w.industry").set_value(40.0).run()
    assert not at.exception
    token = at.query_params["s"]
    scn, notes = S.decode(token, context())
    assert notes == [] and scn.lang == "en" and scn.page == "weights"
    assert scn.weight_map == {"industry": 40.0} and len(scn.edits) == 60  # 12 western provinces × 5 foundational indicators
    table1 = ranking(at)
    # a fresh session opened on the link shows the same numbers on the same page
    at2 = fresh({"s": token})
    assert not at2.exception
    assert at2.title[0].value == at.title[0].value
    table2 = ranking(at2)
    assert table1.equals(table2)
    assert at2.query_params["s"] == token
    assert not at2.warning  # no notice for a valid link


def test_link_reproduces_direct_calls():
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    scn = P.preset("west_infra", ds, fw).replace(weights={"application": 10}, aggregation="geometric",
                                                 whatif="fixed", year=2022)
    token = S.encode(scn, context())
    at = fresh({"s": token})
    assert not at.exception
    res = S.result_for(scn, ds, fw)
    table = ranking(at)
    top = res.composite.sort_values(ascending=False)
    assert table["地区"].tolist() == [ds.region_name(r, "zh") for r in top.index]
    assert (table.iloc[:, 2].to_numpy() == top.round(2).to_numpy()).all()


@pytest.mark.parametrize("query,needle", [
    ({"s": "garbage"}, "无法读取"),
    ({"s": "1.eNqrVkpOLCjJzEtXslIqS8wpTVWqBQBYjwfm"[:20]}, "损坏"),
    ({"s": "9.abc"}, "第 9 版"),
    ({"s": S.encode(S.Scenario(), None).split(".")[0] + ".!!!"}, "损坏"),
    ({"preset": "nope"}, "未知的预设"),
    ({"lang": "fr"}, "lang"),
    ({"foo": "1"}, "未知参数"),
])
def test_invalid_links_fall_back_with_notice(query, needle):
    at = fresh(query)
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert needle in text, text
    assert ranking(at) is not None  # defaults shown
    assert at.query_params["s"]  # the URL was rewritten to a valid link


def test_unknown_keys_and_out_of_range_are_reported():
    payload = {"v": 1, "tk": 42, "w": {"innovation": -5, "bogus": 3}, "zz": 1, "y": 1999,
               "e": [["北京", "network", "p", 5000], ["火星", "network", "p", 5]], "l": "en"}
    import base64
    import json
    import zlib

    raw = json.dumps(payload).encode()
    token = "1." + base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()
    at = fresh({"s": token})
    assert not at.exception
    text = " ".join(w.value for w in at.warning)
    assert "zz" in text and "tier_k" in text and "bogus" in text and "1999" in text and "火星" in text
    scn, _ = S.decode(at.query_params["s"], context())
    assert scn.tier_k == 8 and scn.weight_map == {"innovation": 0.0}
    assert scn.edits == (S.Edit("北京", "network", "pct", 1000.0),)
    # the notice can be dismissed
    at.button(key="wk.dismiss_notices").click().run()
    assert not at.warning


def test_link_to_another_page_opens_it():
    scn = S.Scenario.default(page="tiers", tier_method="jenks", tier_k=3)
    at = fresh({"s": S.encode(scn, context())})
    assert not at.exception
    assert at.title[0].value == "梯队划分"


def test_uploaded_dataset_id_in_link_falls_back():
    scn = S.Scenario.default(dataset="upload-deadbeef")
    at = fresh({"s": S.encode(scn, context())})
    assert "上传的数据无法随链接传递" in " ".join(w.value for w in at.warning)


def test_preset_link():
    at = fresh({"preset": "application_focus", "lang": "en"})
    assert not at.exception and not at.warning
    scn, _ = S.decode(at.query_params["s"], context())
    assert scn.lang == "en" and scn.weight_map == {"application": 2 * iiscore.load_default_framework().node("application").weight}
