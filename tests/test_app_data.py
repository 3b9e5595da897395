"""AppTest: the data & method page (browse, upload with precise errors, templates, scenario import)."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore import export
from iiscore_app import presets as P
from iiscore_app import scenario as S

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def at():
    a = AppTest.from_file(APP, default_timeout=30)
    a.run()
    a.switch_page("pages/4_Data.py").run()
    assert not a.exception
    return a


def test_browse_marks_estimates(at):
    table = [e.value for e in at.dataframe if "来源类型" in e.value.columns][0]
    ds = iiscore.load_default()
    y = ds.years[-1]
    long = ds.long[ds.long["year"] == y]
    assert len(table) == len(long)
    assert (table["来源类型"] == "估算").sum() == (long["provenance"] == "estimate").sum()
    at.checkbox(key="wk.d_only_est").check().run()
    table = [e.value for e in at.dataframe if "来源类型" in e.value.columns][0]
    assert set(table["来源类型"]) == {"估算"}



def test_browse_table_limit_and_labels_equal_a_row_by_row_build():
    """The browser's table is labelled once per distinct value; brute force: the labels computed
    row by row (region name, indicator name, unit from the data else the framework, provenance).
    A limit keeps the first rows and says how many there were; an indicator keeps its rows."""
    from iiscore_app.i18n import provenance_label, unit_label
    from iiscore_app.views import data as vdata

    ds = iiscore.load_default()
    fw = iiscore.load_framework(Path(APP).parent / "data" / "framework.csv")
    y = ds.years[-1]
    long = ds.long[ds.long["year"] == y].reset_index(drop=True)
    for lang in ("zh", "en"):
        full = vdata.browse_table(ds, fw, lang, y)
        assert full.attrs["rows"] == len(full) == len(long) == 31 * 19
        cols = list(full.columns)
        assert list(full[cols[0]]) == [ds.region_name(r, lang) for r in long["region"]]
        assert list(full[cols[2]]) == [fw.name(i, lang) for i in long["indicator"]]
        assert list(full[cols[4]]) == [unit_label(u if isinstance(u, str) and u else fw.node(i).extra.get("unit", ""), lang)
                                       for u, i in zip(long["unit"], long["indicator"])]
        assert list(full[cols[5]]) == [provenance_label(p, lang) for p in long["provenance"]]
        cut = vdata.browse_table(ds, fw, lang, y, limit=100)
        assert len(cut) == 100 and cut.attrs["rows"] == 589
        assert cut.equals(full.head(100))
        one = vdata.browse_table(ds, fw, lang, y, indicator=fw.leaves[3], limit=100)
        assert len(one) == one.attrs["rows"] == 31 and set(one[cols[2]]) == {fw.name(fw.leaves[3], lang)}


def test_browse_shows_at_most_the_limit_and_says_so(at, monkeypatch):
    """Above BROWSE_ROWS the page shows the first rows and names the total and the way to the rest."""
    from iiscore_app.views import data as vdata

    monkeypatch.setattr(vdata, "BROWSE_ROWS", 200)
    at.run()
    table = [e.value for e in at.dataframe if "来源类型" in e.value.columns][0]
    assert len(table) == 200
    assert any("表中显示前 200 行（共 589 行）" in c.value for c in at.caption)
    at.selectbox(key="wk.d_ind").select_index(2).run()
    table = [e.value for e in at.dataframe if "来源类型" in e.value.columns][0]
    assert len(table) == 31 and not any("表中显示前" in c.value for c in at.caption)

def test_upload_valid_data(at):
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    m = ds.matrix(ds.years[-1])
    m.index = [(r, ds.years[-1]) for r in m.index]
    tpl = export.data_template(fw, ds.regions, ds.years[-1:], m)
    tpl.loc[tpl["region"] == "贵州", "network"] *= 3
    at.file_uploader(key="wk.d_upload").set_value(("mine.csv", tpl.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception
    assert any("mine.csv" in s.value for s in at.success)
    at.switch_page("app.py").run()
    assert not at.exception
    assert any("上传的数据无法放进链接" in w.value for w in at.warning)
    info = " ".join(i.value for i in at.info)
    # the file has no provenance column: the changed value is 'uploaded', the 588 values equal to the
    # built-in data's keep its labels (counted from data/indicators.csv); the default data's wording
    # (which indicators are estimated) is not shown for an upload
    y = ds.long[ds.long["year"] == ds.years[-1]]
    n_public, n_est = int((y["provenance"] == "public").sum()), int((y["provenance"] == "estimate").sum())
    assert "上传的数据“mine.csv”" in info and "共 589 个指标值" in info and "上传数值 1 个" in info
    assert f"公开统计 {n_public - 1} 个" in info and f"估算 {n_est} 个" in info  # 贵州's network was public
    assert "没有公开分省序列" not in info


def test_upload_of_other_regions_is_unlabelled(at):
    """Regions the built-in data do not have: no official baseline, every value 'uploaded'."""
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    m = ds.matrix(2023)
    m.index = [(f"区{i}", 2023) for i in range(len(m))]
    tpl = export.data_template(fw, [f"区{i}" for i in range(len(m))], [2023], m)
    at.file_uploader(key="wk.d_upload").set_value(("other.csv", tpl.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception and any("other.csv" in s.value for s in at.success)
    info = " ".join(i.value for i in at.info)
    assert "上传数值 589 个" in info and "未标注来源类型" in info and "估算" not in info
    assert any("没有可比较的官方基线" in c.value for c in at.caption)


def test_small_upload_every_page_works(at):
    """An upload of 6 regions (fewer than k-means' silhouette range asks for) opens every page;
    the subtitle and captions count its regions, not the default 31."""
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    few = ["北京", "上海", "贵州", "西藏", "甘肃", "广东"]
    m = ds.matrix(2023).loc[few]
    m.index = [(r, 2023) for r in m.index]
    tpl = export.data_template(fw, few, [2023], m)
    at.file_uploader(key="wk.d_upload").set_value(("six.csv", tpl.to_csv(index=False).encode(), "text/csv")).run()
    assert not at.exception and any("six.csv" in s.value for s in at.success)
    # the page was drawn again from the new data: its banner names the upload
    assert any("six.csv" in i.value and "共 114 个指标值" in i.value for i in at.info)
    from iiscore_app.navigation import PAGES

    for page in (p.script for p in PAGES):  # every page the app lists
        at.switch_page(page).run()
        assert not at.exception, page
        assert not at.error, (page, [e.value for e in at.error])
    at.switch_page("app.py").run()
    captions = " ".join(c.value for c in at.caption)
    assert "6 个地区" in captions and "31" not in captions
    at.switch_page("pages/3_Tiers.py").run()
    at.selectbox(key="wk.tier_method").set_value("kmeans").run()
    sil = [d.value for d in at.dataframe if "silhouette" in d.value.columns]
    assert sil and list(sil[0].index) == [2, 3, 4, 5]  # k = 2 .. n - 1


@pytest.mark.parametrize("content,needle", [
    (b"region,year,network\n\xe5\x8c\x97\xe4\xba\xac,2023,abc\n", "不是数字"),
    (b"foo,bar\n1,2\n", "region"),
    (b"\x00\x01\x02binary", "CSV"),
])
def test_upload_errors_in_user_language(at, content, needle):
    at.file_uploader(key="wk.d_upload").set_value(("bad.csv", content, "text/csv")).run()
    assert not at.exception
    assert at.error and needle in at.error[0].value and "bad.csv" in at.error[0].value


def test_import_scenario_json(at):
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    ctx = S.make_context(ds, fw)
    scn = P.preset("west_infra", ds, fw).replace(tier_k=3, weights={"basic": 30})
    at.file_uploader(key="wk.import").set_value(("s.json", S.to_json(scn, ctx).encode(), "application/json")).run()
    assert not at.exception
    got, _ = S.decode(at.query_params["s"], ctx)
    assert got.compute_key() == scn.compute_key() and got.tier_k == 3


def test_method_text_in_english(at):
    at.toggle(key="wk.lang_en").set_value(True).run()
    assert any("How the index is computed" in m.value for m in at.markdown)
