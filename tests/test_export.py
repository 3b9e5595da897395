"""Exports: formula-injection escaping, numeric cells stay numeric, Excel sheets, CSV, templates."""
import io

import numpy as np
import openpyxl
import pandas as pd

import iiscore
from iiscore import export


def test_escape_cell():
    for bad in ("=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"):
        assert export.escape_cell(bad) == "'" + bad
    for ok in ("abc", "北京", "", "1=1"):
        assert export.escape_cell(ok) == ok
    assert export.escape_cell(-5) == -5 and export.escape_cell(3.5) == 3.5


def test_csv_escapes_text_keeps_numbers():
    df = pd.DataFrame({"name": ["=HYPERLINK(\"x\")", "北京", "-bad"], "value": [-1.5, 2.0, np.nan],
                       "=head": [1, 2, 3]})
    raw = export.to_csv(df)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'-bad" in text and "'=head" in text
    assert ",-1.5," in text  # a negative number stays a number


def test_excel_sheets_and_types():
    tables = {"排名/ranking": pd.DataFrame({"地区": ["=evil", "上海"], "score": [-3.25, 10]}),
              "x" * 40: pd.DataFrame({"a": [1]}), "X" * 40: pd.DataFrame({"b": ["@x"]})}
    about = pd.DataFrame({"setting": ["name"], "value": ["+cmd"]})
    wb = openpyxl.load_workbook(io.BytesIO(export.to_excel(tables, about, "scenario")))
    assert wb.sheetnames[0] == "scenario" and len(wb.sheetnames) == 4
    assert all(len(n) <= 31 for n in wb.sheetnames) and len(set(n.lower() for n in wb.sheetnames)) == 4
    ws = wb[wb.sheetnames[1]]
    assert ws["A2"].value == "'=evil" and ws["B2"].value == -3.25 and isinstance(ws["B3"].value, (int, float))
    assert wb["scenario"]["B2"].value == "'+cmd"
    assert wb[wb.sheetnames[3]]["A2"].value == "'@x"


def test_templates_read_back():
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    tpl = export.data_template(fw, ds.regions, [2023])
    assert list(tpl.columns) == ["region", "year", *fw.leaves] and len(tpl) == len(ds.regions)
    back = iiscore.load_framework(io.BytesIO(export.to_csv(export.framework_template(fw))))
    assert back.ids == fw.ids and back.global_weights().equals(fw.global_weights())


def _values(ds, fw):
    return {y: ds.matrix(y).reindex(columns=list(fw.leaves)) for y in ds.years}


def test_filled_template_reads_back_exactly():
    """The planner's template (both languages, CSV and xlsx): names in the header, the other
    language's names, units and ids in '#' rows that the loader skips; read back, every value of the
    built-in data is the same float (NaN stays missing) and no region name is changed."""
    from iiscore.datasets import load_regions

    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    for lang in ("zh", "en"):
        tpl = export.data_template(fw, dataset=ds, lang=lang)
        head = list(tpl.columns)
        assert head[:3] == (["地区", "region_en", "年份"] if lang == "zh" else ["region", "region_zh", "year"])
        assert head[3:] == [fw.name(leaf, lang) for leaf in fw.leaves]
        other = "en" if lang == "zh" else "zh"
        assert list(tpl.iloc[0, 3:]) == [fw.name(leaf, other) for leaf in fw.leaves]
        assert list(tpl.iloc[1, 3:]) == [fw.node(leaf).extra["unit"] for leaf in fw.leaves]
        assert list(tpl.iloc[2, 3:]) == list(fw.leaves)
        assert all(str(v).startswith("#") for v in tpl.iloc[:3, 0])
        assert len(tpl) == 3 + len(ds.regions) * len(ds.years)
        for raw, name in ((export.to_csv(tpl), "t.csv"), (export.to_excel({"data": tpl}), "t.xlsx")):
            f = io.BytesIO(raw)
            f.name = name
            back = iiscore.load_data(f, fw, region_info=load_regions())
            assert back.regions == ds.regions and back.years == ds.years
            want, got = _values(ds, fw), _values(back, fw)
            for y in ds.years:
                assert np.array_equal(got[y].to_numpy(), want[y].to_numpy(), equal_nan=True), (lang, name, y)


def test_template_header_falls_back_to_ids():
    """A name that would not read back as its indicator (a reserved header, or shared with another
    node) is written as the id."""
    ftab = iiscore.load_default_framework().to_frame()
    ftab.loc[ftab["id"] == "network", "name_zh"] = "年份"
    ftab.loc[ftab["id"] == "platform", "name_zh"] = "备注"
    fw = iiscore.load_framework(ftab)
    ds = iiscore.load_data(export.data_template(fw, ["a", "b"], [2023]).fillna(1.0), fw)
    tpl = export.data_template(fw, dataset=ds, lang="zh")
    assert "network" in tpl.columns and "platform" in tpl.columns and "年份" in tpl.columns[:3]
    back = iiscore.load_data(io.BytesIO(export.to_csv(tpl)), fw)
    assert back.matrix(2023).equals(ds.matrix(2023))


def test_excel_fills_are_placed_by_position():
    df = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]})
    colours = pd.DataFrame([["FFF2A8", ""], ["", "FCE4D6"]], columns=["a", "b"])
    ws = openpyxl.load_workbook(io.BytesIO(export.to_excel({"t": df}, fills={"t": colours})))["t"]
    assert str(ws["A2"].fill.fgColor.rgb).endswith("FFF2A8") and str(ws["B3"].fill.fgColor.rgb).endswith("FCE4D6")
    assert ws["B2"].fill.fill_type is None and ws["A3"].fill.fill_type is None
    assert ws.freeze_panes == "A2"
