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
