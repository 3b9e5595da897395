"""Issue 9's list of bad files, one test per case: parsed correctly (documented) or rejected with a
precise message naming the file, row and column. Through the loader and through the CLI."""
import io

import numpy as np
import openpyxl
import pytest

from iiscore import DataError, Spec, SpecError, build, load_data
from iiscore import data as data_mod
from iiscore.cli import main
from iiscore.datasets import load_default, load_default_framework, load_regions

FW = load_default_framework()
LEAVES = list(FW.leaves)


def wide_default(year=2023, regions=None):
    """The default data for one year as a wide table (region ids as short Chinese names)."""
    m = load_default().matrix(year)
    if regions is not None:
        m = m.loc[regions]
    m = m.reset_index()
    m.insert(1, "year", year)
    return m


def csv_bytes(df, encoding="utf-8"):
    return df.to_csv(index=False).encode(encoding)


def load(raw, name="up.csv"):
    return load_data(io.BytesIO(raw), FW, name=name, region_info=load_regions())


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_chinese_encodings_parse_like_utf8(encoding):
    df = wide_default()
    ds = load(csv_bytes(df, encoding))
    np.testing.assert_allclose(ds.matrix(2023).to_numpy(float), load(csv_bytes(df)).matrix(2023).to_numpy(float))


def test_excel_several_sheets_merged_title_rows():
    df = wide_default()
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active.append(["本表为示例"])
    ws = wb.create_sheet("数据")
    ws.append(["2023 年各地区指标"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=5)
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([None if isinstance(v, float) and np.isnan(v) else v for v in row])
    ws["C3"] = "=1+1"  # an uncalculated formula in a data cell
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(DataError) as exc:
        load(buf.getvalue(), "up.xlsx")
    assert exc.value.row == 3 and exc.value.column == LEAVES[0] and "formula" in exc.value.message()
    ws["C3"] = 1.0
    buf = io.BytesIO()
    wb.save(buf)
    ds = load(buf.getvalue(), "up.xlsx")
    assert len(ds.regions) == 31 and ds.matrix(2023).iloc[0, 0] == 1.0


@pytest.mark.parametrize("written, value", [("1,234", 1234), ("1.2万", 12000), ("12%", 12), ("１２３", 123),
                                            ("—", np.nan), ("-", np.nan), ("N/A", np.nan)])
def test_numbers_as_portals_write_them(written, value):
    df = wide_default().astype(object)
    df.loc[0, LEAVES[0]] = written
    ds = load(csv_bytes(df))
    got = ds.matrix(2023).iloc[0, 0]
    assert (np.isnan(got) and np.isnan(value)) or got == value


def test_duplicate_region_rows_named():
    df = wide_default()
    df.loc[len(df)] = df.loc[3]
    with pytest.raises(DataError, match="Duplicate row for region '山西'") as exc:
        load(csv_bytes(df))
    assert exc.value.row == 33


def test_region_names_short_full_english_mixed():
    df = wide_default()
    df.loc[0, "region"] = "北京市"
    df.loc[1, "region"] = "Tianjin"
    df.loc[25, "region"] = "Tibet"
    ds = load(csv_bytes(df))
    assert ds.regions == tuple(load_regions().index)


def test_unknown_region_is_kept_not_dropped():
    df = wide_default()
    df.loc[0, "region"] = "香港"
    ds = load(csv_bytes(df))
    assert "香港" in ds.regions and len(ds.regions) == 31


def test_unknown_indicator_column():
    df = wide_default().rename(columns={"policy": "policy_typo"})
    with pytest.raises(DataError, match="Unknown indicator column 'policy_typo'") as exc:
        load(csv_bytes(df))
    assert exc.value.column == "policy_typo"


def test_constant_and_all_missing_columns_are_scored_with_a_note():
    df = wide_default()
    df["network"] = 5.0
    df["platform"] = np.nan
    res = build(load(csv_bytes(df)), Spec(framework=FW))
    notes = " ".join(en for en, _ in res.notes)
    assert "network" in notes and "platform" in notes
    assert res.normalised["network"].eq(50).all() and res.normalised["platform"].isna().all()
    assert np.isfinite(res.composite).all()


def test_negative_values_with_geometric_mean():
    df = wide_default()
    df["network"] = -df["network"]
    ds = load(csv_bytes(df))
    # min-max maps any sign onto 0-100, so the geometric mean is defined ...
    assert np.isfinite(build(ds, Spec(framework=FW, aggregation="geometric")).composite).all()
    # ... but frontier (100·x/max) is meaningless for negative values: refused, naming the indicator
    with pytest.raises(SpecError, match=r"Network construction \(network\) has negative values") as e:
        build(ds, Spec(framework=FW, normalisation="frontier", aggregation="geometric"))
    assert "网络建设含负值" in e.value.message("zh")
    # values that are all positive but turn negative under the log treatment: the message says so
    small = wide_default()
    small["network"] = 0.5 + small["network"] / small["network"].max()  # 0.5-1.5: logs below 1 are negative
    with pytest.raises(SpecError, match=r"Network construction \(network\).* negative after the log treatment") as e:
        build(load(csv_bytes(small)), Spec(framework=FW, normalisation="frontier", treat="log", skew=-1e9, kurt=-1e9))
    assert "取对数后出现负值" in e.value.message("zh")


@pytest.mark.parametrize("raw, match", [(b"", "empty"), (b"   \n  \n", "empty"),
                                        (bytes(range(256)) * 4, "not a CSV"), (b"PK\x03\x04\x00\x00junk", "Excel")])
def test_empty_and_garbage(raw, match):
    with pytest.raises(DataError, match=match):
        load(raw)


def test_file_over_the_limit(monkeypatch, tmp_path):
    monkeypatch.setattr(data_mod, "MAX_BYTES", 1000)
    p = tmp_path / "big.csv"
    p.write_bytes(csv_bytes(wide_default()))
    with pytest.raises(DataError, match="larger than"):
        load_data(p, FW)


def test_upload_limit_is_configured():
    import tomllib
    from pathlib import Path

    cfg = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    assert 0 < cfg["server"]["maxUploadSize"] <= data_mod.MAX_BYTES / 2**20


@pytest.mark.parametrize("mutate, text", [
    (lambda df: df.assign(**{LEAVES[2]: df[LEAVES[2]].astype(object).where(df.index != 4, "abc")}), "row 6"),
    (lambda df: df.rename(columns={"network": "netwrk"}), "netwrk"),
])
def test_cli_names_the_problem(tmp_path, capsys, mutate, text):
    p = tmp_path / "u.csv"
    p.write_bytes(csv_bytes(mutate(wide_default()), "gbk"))
    assert main(["score", "--data", str(p)]) == 2
    err = capsys.readouterr().err
    assert text in err and "u.csv" in err and len(err.strip().splitlines()) == 1
