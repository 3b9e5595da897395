"""Issue 17: hostile files, oversized tables, algorithms at scale and hostile command lines, each
bounded in time and memory.

Every expensive case runs in a fresh interpreter under ``resource`` limits (``RLIMIT_AS`` address
space and ``RLIMIT_CPU``; see ``tests/_hostile.py::run_limited``) with the time and memory stated
next to it: a limit that is hit fails the test instead of taking the test runner (or, in the app,
the server and every user's session) down. The limits include the interpreter's start and imports
(about 0.5 s and 110 MB resident, 370 MB of address space). No test asserts a speed: the measured
costs are in ``benchmarks/README.md`` (``benchmarks/bench_scale.py``).

References: the attacks are the ones the issue reports (a 4.9 KB workbook with values in A1 and
XFD1048576; natural breaks, silhouettes and Monte Carlo in regions²; a 40,000-column CSV; a 17 MB
long CSV; /dev/zero, FIFOs and directories as --data; seeds >= 2^32; 10^9 samples; unwritable
outputs; unescaped CLI CSVs) and their relatives (padded, flooded, nested, lying and DTD
workbooks; cells past the cell limit; values past ±1e18). The natural-breaks optimum at scale is
checked against a plain dynamic programme written here (Fisher 1958), the silhouette sample against
scikit-learn's exact silhouette on the same sample.
"""
from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests import _hostile as H

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="resource limits and FIFOs: Linux")


def load_in_child(path: str, framework: str | None = None) -> str:
    """Code that loads ``path`` (with ``framework``) and emits ok/regions or the error (en, zh, file, column)."""
    fw = f"iiscore.load_framework({framework!r})" if framework else "iiscore.load_default_framework()"
    return f"""
import time, iiscore
from iiscore.datasets import load_regions
t = time.perf_counter()
try:
    ds = iiscore.load_data({path!r}, {fw}, region_info=load_regions())
    emit(dict(ok=True, regions=len(ds.regions), years=len(ds.years), values=int(ds.long["value"].notna().sum()),
              s=time.perf_counter() - t))
except iiscore.errors.IIScoreError as e:
    emit(dict(ok=False, en=e.message("en"), zh=e.message("zh"), file=e.file, row=e.row, column=e.column,
              s=time.perf_counter() - t))
"""


def refused(tmp_path, name: str, raw: bytes, seconds: float, mem_mb: int, framework: str | None = None) -> dict:
    p = tmp_path / name
    p.write_bytes(raw)
    r = H.run_limited(load_in_child(str(p), framework), seconds, mem_mb)
    assert r.returncode == 0 and r.result is not None, r.describe()
    assert not r.result["ok"], r.result
    assert r.result["file"] and Path(r.result["file"]).name == name  # the message names the file
    return r.result


# ------------------------------------------------------------------------------------------------
# workbooks
# ------------------------------------------------------------------------------------------------
def test_two_cell_workbook_a1_xfd1048576(tmp_path):
    """The issue's 4.9 KB workbook (values in A1 and XFD1048576): openpyxl padded every row to the
    last column (17 billion cells; MemoryError at 6 GB after 13 s). Now refused, naming the cell:
    within 20 s and 600 MB."""
    raw = H.two_cell_xlsx()
    assert len(raw) < 8 * 1024
    got = refused(tmp_path, "two.xlsx", raw, 20, 600)
    assert "XFD1048576" in got["en"] and "XFD1048576" in got["zh"] and "1,000" in got["en"]


def test_padded_workbook_is_counted_before_padding(tmp_path):
    """A header reaching column 1,000 over a million one-cell rows: 48 MB unpacked (under the
    limit), a billion cells once padded to the header. Refused by the cell limit before padding:
    within 40 s and 900 MB."""
    raw = H.padded_xlsx(1_100_000, width=1000)
    got = refused(tmp_path, "padded.xlsx", raw, 40, 900)
    assert "cells" in got["en"] and "20,000,000" in got["en"] and "单元格" in got["zh"]


def test_element_flood_keeps_memory_flat(tmp_path):
    """19 million empty foreign elements in a 76 MB sheet (a 100 KB upload): an ElementTree kept
    every one (0.9 GB for 10 million). The streaming reader stays flat: within 90 s and 600 MB."""
    raw = H.element_flood_xlsx(19_000_000)
    assert len(raw) < 1 * 2**20
    got = refused(tmp_path, "flood.xlsx", raw, 90, 600)
    assert "year" in got["en"]  # read to the end, nothing but the header found


def test_deeply_nested_sheet_is_refused(tmp_path):
    """20 million nested elements: expat kept every open element (1.7 GB, then MemoryError).
    Refused at 64 levels: within 20 s and 500 MB."""
    def chunks():
        yield H.SHEET_HEAD
        for _ in range(200):
            yield "<a>" * 100_000
        yield H.SHEET_TAIL
    got = refused(tmp_path, "deep.xlsx", H.xlsx_from_sheet(chunks()), 20, 500)
    assert "64" in got["en"] and "deep" in got["en"] and "嵌套" in got["zh"]


def test_giant_tag_is_refused(tmp_path):
    """One start tag with 6 million attributes (68 MB): 37 s and 1.7 GB before. Refused at 1 MB
    without a '>': within 20 s and 500 MB."""
    def chunks():
        yield H.SHEET_HEAD + '<row r="1"><c r="A1" '
        for i in range(0, 6_000_000, 100_000):
            yield "".join(f'a{j}="" ' for j in range(i, i + 100_000))
        yield "><v>1</v></c></row>" + H.SHEET_TAIL
    got = refused(tmp_path, "attrs.xlsx", H.xlsx_from_sheet(chunks()), 20, 500)
    assert "1 MB" in got["en"] and "1 MB" in got["zh"]


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    """A 1 MB workbook declaring 1 GB: refused from the zip directory, within 10 s and 400 MB."""
    got = refused(tmp_path, "bomb.xlsx", H.zip_bomb_xlsx(1024), 10, 400)
    assert "unpack" in got["en"] and "1024 MB" in got["en"] and "解压" in got["zh"]


def test_lying_zip_directory_is_a_damaged_file(tmp_path):
    """The directory says 1 KB, the stream inflates to 200 MB: zipfile stops at the declared size
    and reports a bad CRC, which escaped as a traceback. Now a DataError naming the part: within
    10 s and 400 MB."""
    got = refused(tmp_path, "lying.xlsx", H.lying_zip_xlsx(200), 10, 400)
    assert "damaged" in got["en"] and "sheet1.xml" in got["en"] and "损坏" in got["zh"]


def test_entity_expansion_is_refused(tmp_path):
    """A 'billion laughs' DOCTYPE in a sheet: refused (Excel never writes one), within 10 s and 400 MB."""
    got = refused(tmp_path, "lol.xlsx", H.entity_xlsx(), 10, 400)
    assert "DOCTYPE" in got["en"] and "DOCTYPE" in got["zh"]


def test_oversized_workbook_part_is_refused(tmp_path):
    """A 3 MB workbook.xml (a real one is a few KB; it is parsed as a tree): refused naming the part."""
    wb = H._WB.replace("<sheets>", "<sheets>" + "<x/>" * 800_000)
    raw = H.xlsx_from_sheet(H.SHEET_HEAD + H.SHEET_TAIL)
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, wb if item.filename == "xl/workbook.xml" else src.read(item.filename))
    got = refused(tmp_path, "bigwb.xlsx", buf.getvalue(), 10, 400)
    assert "xl/workbook.xml" in got["en"] and "3 MB" in got["en"]


def test_county_workbook_loads(tmp_path):
    """The county-level index as a workbook (3,000 regions × 50 indicators × 10 years, written by
    openpyxl: 56 MB unpacked) loads under the 80 MB unpacked limit with the same values as its
    CSV: within 60 s and 1,500 MB."""
    import openpyxl

    df = H.county_data()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("data")
    ws.append(list(df.columns))
    for row in df.itertuples(index=False):
        ws.append([None if isinstance(v, float) and np.isnan(v) else v for v in row])
    x, c, f = tmp_path / "county.xlsx", tmp_path / "county.csv", tmp_path / "fw.csv"
    wb.save(x)
    c.write_bytes(H.csv_bytes(df))
    H.county_framework().to_csv(f, index=False)
    code = f"""
import iiscore, numpy as np
from iiscore.datasets import load_regions
fw = iiscore.load_framework({str(f)!r})
a = iiscore.load_data({str(x)!r}, fw, region_info=load_regions())
b = iiscore.load_data({str(c)!r}, fw, region_info=load_regions())
same = a.regions == b.regions and a.years == b.years and all(
    np.array_equal(a.matrix(y).to_numpy(), b.matrix(y).to_numpy(), equal_nan=True) for y in a.years)
emit(dict(regions=len(a.regions), years=len(a.years), indicators=len(a.indicators), same=bool(same)))
"""
    r = H.run_limited(code, 60, 1500)
    assert r.returncode == 0, r.describe()
    assert r.result == {"regions": 3000, "years": 10, "indicators": 50, "same": True}


# ------------------------------------------------------------------------------------------------
# CSVs
# ------------------------------------------------------------------------------------------------
def test_forty_thousand_columns(tmp_path):
    """The issue's 0.35 MB CSV with 40,000 columns burned 192 s in the duplicate check: refused
    from the header line, within 10 s and 400 MB."""
    got = refused(tmp_path, "wide.csv", H.many_columns_csv(40_000), 10, 400)
    assert "40,000 columns" in got["en"] and "1,000" in got["en"]


def test_huge_header_line(tmp_path):
    """A 19 MB header line without a separator: refused by its length, within 10 s and 600 MB."""
    got = refused(tmp_path, "header.csv", H.huge_header_csv(19), 10, 600)
    assert "header line" in got["en"] and "表头" in got["zh"]


def test_cells_are_bounded_before_reading(tmp_path):
    """45 MB of empty fields under a 1,000-column header: 47 million cells (read whole, 0.9 GB,
    before). Rows are read only up to the cell limit: within 30 s and 1,200 MB."""
    got = refused(tmp_path, "cells.csv", H.empty_cells_csv(1000, 45), 30, 1200)
    assert "cells" in got["en"] and "20,000,000" in got["en"]


@pytest.mark.parametrize("n", [10_000, 20_000])
def test_too_many_regions(tmp_path, n):
    """10,000 and 20,000 regions (natural breaks and Monte Carlo in regions² made them cost 5 and
    19 GB): refused at the 5,000-region limit, within 20 s and 800 MB."""
    from iiscore import load_default_framework

    raw = H.csv_bytes(H.wide_data(load_default_framework().leaves, n))
    got = refused(tmp_path, f"r{n}.csv", raw, 20, 800)
    assert f"{n:,} regions" in got["en"] and "5,000" in got["en"] and "地区" in got["zh"]


def test_long_csv_of_17_mb_loads(tmp_path):
    """The issue's 17 MB long CSV (93 s before): 3,000 regions × 19 indicators × 10 years loads
    completely, within 40 s and 1,500 MB (a few seconds: benchmarks/README.md)."""
    from iiscore import load_default_framework

    leaves = list(load_default_framework().leaves)
    raw = H.csv_bytes(H.long_data(leaves, 3000, range(2014, 2024)))
    assert 15 * 2**20 < len(raw) < 20 * 2**20
    p = tmp_path / "long.csv"
    p.write_bytes(raw)
    r = H.run_limited(load_in_child(str(p)), 40, 1500)
    assert r.returncode == 0 and r.result["ok"], r.describe()
    assert r.result["regions"] == 3000 and r.result["years"] == 10 and r.result["values"] == 3000 * 19 * 10


def test_values_beyond_the_magnitude_limit(tmp_path):
    """±1e308 made min-max divide inf by inf (scores NaN, silently). A value past ±1e18 is refused
    naming its row and column."""
    from iiscore import DataError, load_data, load_framework

    fw = load_framework(H.flat_framework(2))
    df = pd.DataFrame({"region": ["a", "b", "c"], "year": 2023, "x1": ["1e308", "-1e308", "0"], "x2": [1, 2, 3]})
    with pytest.raises(DataError) as e:
        load_data(df, fw)
    assert e.value.row == 2 and e.value.column == "x1" and "1e+18" in e.value.message("en")
    df["x1"] = ["1e18", "-1e18", "0"]  # at the limit: accepted, and scored finitely
    from iiscore import Spec, build

    res = build(load_data(df, fw), Spec(framework=fw))
    assert np.isfinite(res.composite).all()


def test_long_names_are_refused(tmp_path):
    """A region name or header of more than 500 characters is refused, naming the row or column."""
    from iiscore import DataError, load_data, load_framework

    fw = load_framework(H.flat_framework(2))
    df = pd.DataFrame({"region": ["a" * 501, "b"], "year": 2023, "x1": [1, 2], "x2": [1, 2]})
    with pytest.raises(DataError) as e:
        load_data(df, fw)
    assert e.value.row == 2 and "500" in e.value.message("en")


# ------------------------------------------------------------------------------------------------
# algorithms at scale: memory grows with n, not n²
# ------------------------------------------------------------------------------------------------
def reference_jenks(x: np.ndarray, k: int) -> float:
    """The minimum within-class SSD of ``k`` contiguous classes of sorted distinct ``x``: Fisher's
    (1958) dynamic programme, written out plainly (O(k n²), n × n costs in memory)."""
    v = np.sort(x)
    n = v.size
    c1 = np.concatenate([[0.0], np.cumsum(v)])
    c2 = np.concatenate([[0.0], np.cumsum(v * v)])
    i = np.arange(n)[:, None]
    j = np.arange(n)[None, :]
    cnt = np.where(j >= i, j - i + 1, 1)
    s1 = c1[j + 1] - c1[i]
    cost = np.where(j >= i, (c2[j + 1] - c2[i]) - s1 * s1 / cnt, np.inf)
    best = cost[0].copy()
    for _ in range(1, k):
        prev = np.concatenate([[np.inf], best[:-1]])
        best = np.min(prev[:, None] + cost, axis=0)
    return float(best[-1])


def test_natural_breaks_divide_and_conquer_is_exact():
    """Above 1,500 distinct values natural breaks switch to a divide-and-conquer scan; its optimum
    equals the plain dynamic programme's (2,000 values, k = 4 and 6)."""
    from iiscore.tiering import natural_breaks

    x = np.random.default_rng(3).lognormal(3, 0.8, 2000)
    for k in (4, 6):
        nb = natural_breaks(x, k)
        assert nb.ssd == pytest.approx(reference_jenks(x, k), rel=1e-9, abs=1e-6)


def test_natural_breaks_at_twenty_thousand_regions():
    """Natural breaks of 20,000 values built regions × regions arrays (about 19 GB needed): now
    within 60 s and 800 MB (its n × n cost matrix alone would be 3.2 GB)."""
    code = """
import numpy as np
from iiscore.tiering import natural_breaks
x = np.random.default_rng(0).lognormal(3, 0.8, 20_000)
nb = natural_breaks(x, 4)
emit(dict(classes=len(set(nb.labels.tolist())), gvf=nb.gvf))
"""
    r = H.run_limited(code, 60, 800)
    assert r.returncode == 0, r.describe()
    assert r.result["classes"] == 4 and 0.8 < r.result["gvf"] < 1


def test_silhouettes_at_twenty_thousand_regions_are_sampled():
    """Silhouettes for k = 2..8 at 20,000 regions (a full silhouette is n × n: 3.2 GB): sampled
    above 2,000 regions, within 90 s and 900 MB; and the sampled value equals scikit-learn's exact
    silhouette of the same sample."""
    code = """
import numpy as np, pandas as pd
from iiscore import tiering
rng = np.random.default_rng(1)
n = 20_000
centres = rng.normal(0, 10, (4, 6))
x = centres[rng.integers(0, 4, n)] + rng.normal(0, 1, (n, 6))
scores = pd.DataFrame(x, columns=["root", "a", "b", "c", "d", "e"])
sil = tiering.silhouette_by_k(scores, ks=range(2, 9), features="composite+pillars", seed=0, n_init=3)
emit(dict(ks=[int(k) for k in sil.index], best=int(sil["silhouette"].idxmax())))
"""
    r = H.run_limited(code, 90, 900)
    assert r.returncode == 0, r.describe()
    assert r.result["ks"] == list(range(2, 9)) and r.result["best"] == 4


def test_monte_carlo_memory_grows_with_regions_not_their_square():
    """Monte Carlo ranks at 20,000 regions needed 9.5 GB (rank histograms regions × regions).
    Binned above 2,000 regions and chunked: 200 replications of 20,000 regions within 120 s and
    1,500 MB (a Dataset built directly: uploads stop at 5,000 regions)."""
    code = """
import numpy as np, pandas as pd, iiscore
from iiscore import sensitivity
from iiscore.data import Dataset
fw = iiscore.load_default_framework()
rng = np.random.default_rng(0)
n = 20_000
m = pd.DataFrame(rng.lognormal(3, 0.8, (n, len(fw.leaves))), index=[f"r{i}" for i in range(n)], columns=fw.leaves)
long = m.stack().rename("value").reset_index()
long.columns = ["region", "indicator", "value"]
long["year"] = 2023
ds = Dataset(long, None, "big")
spec = iiscore.Spec(framework=fw)
tiers = sensitivity.base_tiers(iiscore.build(ds, spec))  # the report's sizes scaled to 20,000
mc = sensitivity.monte_carlo(ds, spec, samples=200, seed=0, tiers=tiers)
emit(dict(rows=len(mc.table), cols=sorted(c for c in mc.table.columns if c.startswith("p_tier"))))
"""
    r = H.run_limited(code, 120, 1500)
    assert r.returncode == 0, r.describe()
    assert r.result["rows"] == 20_000 and r.result["cols"] == ["p_tier1", "p_tier2", "p_tier3", "p_tier4"]


def test_sample_counts_are_bounded():
    """10^9 samples (3.5 days) are refused before anything runs; samples × regions are bounded too."""
    from iiscore import SpecError
    from iiscore.limits import MAX_SAMPLE_CELLS, MAX_SAMPLES
    from iiscore.sensitivity.montecarlo import check_samples

    with pytest.raises(SpecError, match="samples"):
        check_samples(10**9, 31)
    assert check_samples(MAX_SAMPLES, 31) == MAX_SAMPLES
    with pytest.raises(SpecError, match="too large for 5,000 regions"):
        check_samples(MAX_SAMPLE_CELLS // 5000 + 1, 5000)


# ------------------------------------------------------------------------------------------------
# the command line: every command × bad paths and out-of-range numbers
# ------------------------------------------------------------------------------------------------
DATA_COMMANDS = {
    "score": [], "tiers": [], "sensitivity": ["--samples", "50"], "whatif": ["--region", "贵州", "--set", "network=+10%"],
    "goalseek": ["--region", "贵州", "--target-rank", "15"], "project": ["--to-year", "2025"], "audit": [],
    "methods": [],
}
BAD_PATHS = ("DIR", "/dev/zero", "FIFO", "MISSING")
BAD_OUTS = ("/nonexistent/dir/x.csv", "DIR", "/dev/zero", "FIFO")


def cli_cases() -> list:
    cases = []
    for cmd, base in DATA_COMMANDS.items():
        for opt in ("--data", "--framework"):
            for bad in BAD_PATHS:
                cases.append((f"{cmd} {opt} {bad}", [cmd, *base, opt, bad]))
        for fw in ("DIR_INF", "W_NAN", "W_INF", "W_NEG", "DIR_2", "TWO_HUGE"):
            cases.append((f"{cmd} --framework {fw}", [cmd, *base, "--framework", fw, "--data", "DATA2"]
                          if fw == "TWO_HUGE" else [cmd, *base, "--framework", fw]))
        if cmd != "audit":  # audit's --out is a folder (tested below)
            for out in BAD_OUTS:
                cases.append((f"{cmd} --out {out}", [cmd, *base, "--out", out]))
        for year in ("99999999999999999999", "-1", "2019"):
            cases.append((f"{cmd} --year {year}", [cmd, *base, "--year", year]))
        for cov in ("nan", "inf", "2", "-0.5"):
            cases.append((f"{cmd} --coverage {cov}", [cmd, *base, "--coverage", cov]))
        cases.append((f"{cmd} --data HUGE_VALUE", [cmd, *base, "--data", "HUGE"]))
    extra = [
        ["tiers", "--k", "0"], ["tiers", "--k", "1000000000"], ["tiers", "--method", "kmeans", "--seed", str(2**32)],
        ["tiers", "--method", "kmeans", "--seed", "-1"], ["tiers", "--method", "kmeans", "--n-init", "1000000000"],
        ["tiers", "--sizes", "1,2"], ["tiers", "--method", "average", "--thresholds", "x"],
        ["tiers", "--method", "average", "--thresholds", "nan,1"], ["tiers", "--method", "jenks", "--k", "1000"],
        ["tiers", "--compare", "DIR"], ["tiers", "--compare", "FIFO"],
        ["sensitivity", "--samples", "1000000000"], ["sensitivity", "--samples", "-1"], ["sensitivity", "--samples", "0"],
        ["sensitivity", "--seed", str(2**32)], ["sensitivity", "--samples", "50", "--tier-seed", str(2**40)],
        ["sensitivity", "--weight-noise", "inf"], ["sensitivity", "--weight-noise", "nan"],
        ["sensitivity", "--concentration", "0"], ["sensitivity", "--concentration", "nan"],
        ["sensitivity", "--samples", "50", "--recluster", "1000000000"], ["sensitivity", "--samples", "50", "--chunk-size", "0"],
        ["sensitivity", "--samples", "50", "--sobol-out", "OUTFILE", "--sobol-samples", "1000000000"],
        ["sensitivity", "--samples", "50", "--sobol-out", "/nonexistent/dir/s.csv"],
        ["sensitivity", "--samples", "50", "--k", "100000"],
        ["whatif", "--region", "贵州", "--set", "network=inf"], ["whatif", "--region", "贵州", "--set", "network=nan"],
        ["whatif", "--region", "贵州", "--set", "network=+1e308%"], ["whatif", "--region", "贵州", "--set", "network=1e300"],
        ["whatif", "--region", "x" * 10_000, "--set", "network=+1%"], ["whatif", "--region", "贵州", "--set", "x" * 10_000],
        ["goalseek", "--region", "贵州", "--target-rank", "0"], ["goalseek", "--region", "贵州", "--target-rank", "1000000000"],
        ["goalseek", "--region", "贵州", "--target-tier", "1000"],
        ["goalseek", "--region", "贵州", "--target-rank", "15", "--max-pct", "inf"],
        ["goalseek", "--region", "贵州", "--target-rank", "15", "--max-pct", "nan"],
        ["goalseek", "--region", "贵州", "--target-rank", "15", "--max-pct", "1e308"],
        ["goalseek", "--region", "贵州", "--target-rank", "15", "--costs", "network=inf"],
        ["goalseek", "--region", "贵州", "--target-rank", "15", "--bounds", "network=1e308"],
        ["goalseek", "--region", "贵州", "--target-rank", "15", "--bounds", "x"],
        ["project", "--to-year", "1000000000"], ["project", "--to-year", "2025", "--rate", "inf"],
        ["project", "--to-year", "2025", "--rate", "nan"], ["project", "--to-year", "2025", "--rate", "1e308"],
        ["project", "--to-year", "2200", "--rate", "1000"],
        ["audit", "--out", "/nonexistent/dir"], ["audit", "--out", "FIFO"], ["audit", "--out", "/dev/zero"],
        ["methods", "--robust-range", "inf"], ["methods", "--bod-bounds", "x"], ["methods", "--bod-bounds", "0,inf"],
        ["methods", "--weights-out", "/nonexistent/dir/w.csv"],
        ["weights", "ahp", "--matrix", "DIR"], ["weights", "ahp", "--matrix", "/dev/zero"],
        ["weights", "ahp", "--matrix", "FIFO"], ["weights", "ahp", "--matrix", "MISSING"],
        ["weights", "ahp", "--matrix", "AHP_OK", "--out", "/nonexistent/dir/x.csv"],
        ["weights", "infer", "--out", "/nonexistent/dir/x.csv"], ["weights", "infer", "--out", "DIR"],
        ["--lang", "zh", "score", "--data", "DIR"], ["nosuchcommand"], ["score", "--nosuchoption"],
    ]
    cases += [(" ".join(a)[:120], a) for a in extra]
    return cases


CLI_CASES = cli_cases()


@pytest.fixture(scope="module")
def cli_results(tmp_path_factory):
    """Every CLI case, run in one child limited to 240 s of CPU and 2,000 MB, each case under a
    20 s alarm (a FIFO that blocks counts as a hang, not a pass)."""
    d = tmp_path_factory.mktemp("cli")
    (d / "adir").mkdir()
    os.mkfifo(d / "fifo")
    fw = pd.read_csv(ROOT / "data" / "framework.csv", dtype=str, keep_default_na=False)
    paths = {"DIR": str(d / "adir"), "FIFO": str(d / "fifo"), "MISSING": str(d / "missing.csv"),
             "OUTFILE": str(d / "out.csv")}
    for key, col, val in [("DIR_INF", "direction", "inf"), ("W_NAN", "weight", "nan"), ("W_INF", "weight", "inf"),
                          ("W_NEG", "weight", "-1"), ("DIR_2", "direction", "2")]:
        f = fw.copy()
        f.loc[3, col] = val
        f.to_csv(d / f"{key}.csv", index=False)
        paths[key] = str(d / f"{key}.csv")
    H.framework_frame([("r", "", 1, 1, "R", "R"), ("a", "r", "1e308", 1, "A", "A"), ("b", "r", "1e308", 1, "B", "B")]
                      ).to_csv(d / "two_huge.csv", index=False)
    paths["TWO_HUGE"] = str(d / "two_huge.csv")
    (d / "d2.csv").write_text("region,year,a,b\nx,2023,1,2\ny,2023,3,4\n")
    paths["DATA2"] = str(d / "d2.csv")
    from iiscore import load_default

    huge = load_default().matrix(2023).reset_index()
    huge.insert(1, "year", 2023)
    huge.iloc[3, 2] = 1e300
    huge.to_csv(d / "huge.csv", index=False)
    paths["HUGE"] = str(d / "huge.csv")
    (d / "ahp.csv").write_text(",a,b\na,1,3\nb,1/3,1\n")
    paths["AHP_OK"] = str(d / "ahp.csv")
    cases = [(name, [paths.get(a, a) for a in argv]) for name, argv in CLI_CASES]
    code = f"""
import io, contextlib, signal, time
from iiscore.cli import main
cases = {cases!r}
def alarm(*a):
    raise TimeoutError("hang")
signal.signal(signal.SIGALRM, alarm)
out = {{}}
for name, argv in cases:
    so, se = io.StringIO(), io.StringIO()
    t = time.perf_counter()
    signal.alarm(20)
    try:
        with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
            rc = main(argv)
    except TimeoutError:
        rc = "hang"
    except BaseException as e:
        rc = "raised " + type(e).__name__
    signal.alarm(0)
    out[name] = dict(rc=rc, err=se.getvalue(), s=time.perf_counter() - t)
emit(out)
"""
    r = H.run_limited(code, 240, 2000)
    assert r.returncode == 0 and r.result is not None, r.describe()
    return r.result


@pytest.mark.parametrize("name", [n for n, _ in CLI_CASES])
def test_cli_bad_input_exits_2_with_one_line(cli_results, name):
    """Directories, devices, FIFOs, missing files, unwritable outputs, non-finite and out-of-range
    numbers: exit status 2 and one line on stderr naming the problem, never 'internal error', a
    traceback or a hang (every case above, together within 240 s and 2,000 MB)."""
    got = cli_results[name]
    lines = got["err"].strip().splitlines()
    assert got["rc"] == 2, got
    assert len(lines) == 1 and lines[0].startswith(("error:", "错误")), got
    assert "internal error" not in got["err"] and "Traceback" not in got["err"] and not got["err"].rstrip().endswith(
        "None."), got
    assert len(lines[0]) < 700


def test_cli_messages_name_the_problem(cli_results):
    """The messages say what is wrong: the folder, the device, the FIFO, the seed range, the limit."""
    def err(name):
        return cli_results[name]["err"]

    assert "folder" in err("score --data DIR") and "not a regular file" in err("score --data /dev/zero")
    assert "not a regular file" in err("score --data FIFO") and "not found" in err("score --data MISSING").lower()
    assert "文件夹" in err("--lang zh score --data DIR")
    assert "4294967295" in err(f"tiers --method kmeans --seed {2**32}")
    assert "1,000,000" in err("sensitivity --samples 1000000000") or "1000000" in err("sensitivity --samples 1000000000")
    assert "does not exist" in err("score --out /nonexistent/dir/x.csv")
    assert "1e+18" in err("score --data HUGE_VALUE")


def test_cli_csv_is_formula_escaped(tmp_path, capsys):
    """CLI CSVs were written as they are: a region '=HYPERLINK(…)' opened in Excel runs. Now text
    cells starting with = + - @ get an apostrophe, as the app's exports; --raw writes them as they are."""
    from iiscore import load_default
    from iiscore.cli import main

    m = load_default().matrix(2023).reset_index()
    m.insert(1, "year", 2023)
    evil = '=HYPERLINK("http://evil.example/x","click")'
    m.loc[0, "region"] = evil
    p = tmp_path / "d.csv"
    m.to_csv(p, index=False)
    for cmd in (["score"], ["tiers"], ["whatif", "--region", evil, "--set", "network=+10%"]):
        assert main([*cmd, "--data", str(p)]) == 0
        out = capsys.readouterr().out
        assert "'" + evil in out.replace('""', '"') and "\n" + evil not in out.replace('""', '"'), cmd
    assert main(["score", "--data", str(p), "--raw"]) == 0
    out = capsys.readouterr().out.replace('""', '"')
    assert "\n" + evil in out or "\n\"" + evil in out


def test_cli_refuses_special_files_without_reading_them(tmp_path):
    """/dev/zero read until killed for memory and a FIFO hung (their size 0 passed the 50 MB
    check): refused by stat before opening, within 15 s and 600 MB (a read would hit the limit)."""
    fifo = tmp_path / "f"
    os.mkfifo(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    for target in ("/dev/zero", str(fifo)):
        r = H.run_limited("", 15, 600, argv=[sys.executable, "-m", "iiscore", "score", "--data", target])
        assert r.returncode == 2 and "not a regular file" in r.stderr, r.describe()
