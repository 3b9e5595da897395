import io

import numpy as np
import pandas as pd
import pytest

from iiscore import DataError, load_data, parse_number
from tests.conftest import TINY_DATA

WIDE = "region,year,a1,a2,b1\nr1,2023,0,10,5\nr2,2023,5,0,10\nr3,2023,10,5,0\n"


@pytest.mark.parametrize("text, value", [
    ("1234", 1234), ("1,234", 1234), ("1 234", 1234), ("１２３", 123), ("12%", 12), ("1.2万", 12000),
    ("3亿", 3e8), ("-5", -5), ("+2.5e3", 2500), (" 7 ", 7), (4.5, 4.5),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "-", "—", "N/A", "na", "NULL", "…"])
def test_parse_missing_tokens(text):
    assert np.isnan(parse_number(text))


@pytest.mark.parametrize("text", ["abc", "1.2.3", "12kg", "inf", "nan%x"])
def test_parse_rejects_text(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_long_and_wide_agree(tiny_fw, tiny_ds):
    wide = load_data(io.BytesIO(WIDE.encode()), tiny_fw, name="wide.csv")
    pd.testing.assert_frame_equal(wide.matrix(2023), tiny_ds.matrix(2023))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_encodings(tiny_fw, tmp_path, encoding):
    p = tmp_path / "d.csv"
    p.write_bytes(WIDE.replace("r1", "江苏").replace("a1", "甲一").encode(encoding))
    ds = load_data(p, tiny_fw)
    assert "江苏" in ds.regions and ds.matrix(2023).loc["江苏", "a1"] == 0


def test_xlsx_with_title_rows_and_formulas(tiny_fw, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "notes"
    ws.append(["nothing here"])
    ws2 = wb.create_sheet("data")
    ws2.append(["2023 年指标数据"])  # a merged title row above the header
    ws2.merge_cells("A1:E1")
    ws2.append(["region", "year", "a1", "a2", "b1"])
    ws2.append(["r1", 2023, 0, 10, 5])
    ws2.append(["r2", 2023, "=2+3", 0, 10])
    ws2.append(["r3", 2023, 10, 5, 0])
    p = tmp_path / "d.xlsx"
    wb.save(p)
    # openpyxl writes no cached value for a formula: the loader reports it instead of guessing
    with pytest.raises(DataError) as exc:
        load_data(p, tiny_fw)
    assert "not a number" in str(exc.value) or exc.value.row == 4


def test_extra_columns_kept(tiny_fw):
    df = TINY_DATA.assign(source="NBS", provenance="public")
    ds = load_data(df, tiny_fw)
    assert set(ds.long.columns) >= {"source", "provenance"}


def test_error_non_numeric_cell_names_row_and_column(tiny_fw):
    text = WIDE.replace("r2,2023,5", "r2,2023,five")
    with pytest.raises(DataError) as exc:
        load_data(io.BytesIO(text.encode()), tiny_fw, name="up.csv")
    e = exc.value
    assert (e.file, e.row, e.column) == ("up.csv", 3, "a1")
    assert "five" in e.message("en") and "第 3 行" in e.message("zh")


def test_error_unknown_indicator_column(tiny_fw):
    with pytest.raises(DataError, match="Unknown indicator column 'zz'"):
        load_data(io.BytesIO((WIDE.replace("b1", "zz")).encode()), tiny_fw)


def test_error_duplicate_rows(tiny_fw):
    df = pd.concat([TINY_DATA, TINY_DATA.iloc[[4]]])
    with pytest.raises(DataError, match="Duplicate row for region 'r2', year 2023, indicator 'a2'") as exc:
        load_data(df, tiny_fw)
    assert exc.value.row == 11


def test_error_leaf_without_data(tiny_fw):
    with pytest.raises(DataError, match="b1"):
        load_data(TINY_DATA[TINY_DATA.indicator != "b1"], tiny_fw)


@pytest.mark.parametrize("raw, match", [
    (b"", "empty"), (b"\x00\x01\x02garbage\x00", "not a CSV"), (b"PK\x03\x04broken zip", "Cannot open the Excel"),
    (b"a,b\n1,2\n", "No 'region' column"), (b"region,a1\nr1,2\n", "No 'year' column"),
    (b"region,year,a1\nr1,twenty,2\n", "is not a year"),
])
def test_bad_files(tiny_fw, raw, match):
    with pytest.raises(DataError, match=match):
        load_data(io.BytesIO(raw), tiny_fw, name="bad.csv")


def test_missing_values_reported_in_coverage(tiny_fw):
    df = TINY_DATA.copy()
    df.loc[0, "value"] = np.nan
    df = df.drop(index=8)  # r3-b1 absent altogether
    ds = load_data(df, tiny_fw)
    cov = ds.coverage()
    assert cov.by_region["r1"] == pytest.approx(2 / 3) and cov.by_region["r3"] == pytest.approx(2 / 3)
    assert cov.by_indicator["a1"] == pytest.approx(2 / 3)
    assert len(cov.missing) == 2


def test_region_names_resolve_with_region_info(tiny_fw):
    info = pd.DataFrame({"name_zh": ["江苏省", "广西壮族自治区", "北京市"], "name_en": ["Jiangsu", "Guangxi", "Beijing"]},
                        index=pd.Index(["江苏", "广西", "北京"], name="region"))
    text = "region,year,a1,a2,b1\n江苏省,2023,0,10,5\nGuangxi,2023,5,0,10\n北京,2023,10,5,0\n"
    ds = load_data(io.BytesIO(text.encode()), tiny_fw, region_info=info)
    assert ds.regions == ("江苏", "广西", "北京")
    assert ds.resolve_region("guangxi") == "广西"


def test_dataset_is_immutable_and_replace_values_marks_scenario(tiny_fw):
    ds = load_data(TINY_DATA.assign(provenance="public"), tiny_fw)
    with pytest.raises(AttributeError):
        ds.name = "x"
    ds2 = ds.replace_values(pd.DataFrame([("r1", 2023, "a1", 99.0)], columns=["region", "year", "indicator", "value"]))
    assert ds2.matrix(2023).loc["r1", "a1"] == 99 and ds.matrix(2023).loc["r1", "a1"] == 0
    long = ds2.long
    assert long.loc[(long.region == "r1") & (long.indicator == "a1"), "provenance"].item() == "scenario"
