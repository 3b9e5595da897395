import subprocess
import sys

import pandas as pd
import pytest

from iiscore.cli import main
from tests.conftest import TINY_DATA, TINY_FRAMEWORK


@pytest.fixture
def tiny_files(tmp_path):
    fw, data = tmp_path / "fw.csv", tmp_path / "data.csv"
    TINY_FRAMEWORK.to_csv(fw, index=False)
    TINY_DATA.to_csv(data, index=False)
    return fw, data


def test_score_reproduces_hand_computation(tiny_files, tmp_path):
    fw, data = tiny_files
    out = tmp_path / "out.csv"
    assert main(["score", "--data", str(data), "--framework", str(fw), "--out", str(out)]) == 0
    df = pd.read_csv(out)
    assert list(df.columns) == ["region", "idx", "A", "B", "rank"]
    assert df["idx"].tolist() == [20, 92.5, 37.5]
    assert df["rank"].tolist() == [3, 1, 2]


def test_score_stdout_full_precision(tiny_files, capsys):
    fw, data = tiny_files
    assert main(["score", "--data", str(data), "--framework", str(fw), "--aggregation", "geometric"]) == 0
    out = capsys.readouterr().out
    row = out.splitlines()[1].split(",")
    assert len(row[1]) > 10  # full float precision, not rounded


@pytest.mark.parametrize("args, text", [
    (["score", "--data", "nope.csv"], "File not found"),
    (["score", "--normalisation", "foo"], "invalid choice"),
    (["score", "--year", "1999"], "--year 1999"),
    (["bogus"], "invalid choice"),
])
def test_bad_input_exit_2_one_line(args, text, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert text in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_bad_data_names_file_row_column(tiny_files, tmp_path, capsys):
    fw, _ = tiny_files
    bad = tmp_path / "bad.csv"
    bad.write_text("region,year,a1,a2,b1\nr1,2023,1,2,x\n", encoding="utf-8")
    assert main(["score", "--data", str(bad), "--framework", str(fw)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "row 2" in err and "'b1'" in err


def test_chinese_messages(tiny_files, capsys):
    assert main(["--lang", "zh", "score", "--data", "nope.csv"]) == 2
    assert "找不到文件" in capsys.readouterr().err


def test_module_entry_point_subprocess(tiny_files):
    fw, data = tiny_files
    r = subprocess.run([sys.executable, "-m", "iiscore", "score", "--data", str(data), "--framework", str(fw)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.startswith("region,idx,A,B,rank")
    r = subprocess.run([sys.executable, "-m", "iiscore", "score", "--data", "missing.csv"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
