"""Hostile and large inputs, shared by tests/test_attacks.py, tests/test_app_matrix.py,
tests/test_injection.py and benchmarks/bench_scale.py (issue 17).

* ``run_limited(code, seconds, mem_mb)``: run Python code in a fresh interpreter under
  ``resource`` limits (address space and CPU time) and a wall-clock timeout, and report how it
  ended, how long it took and its peak resident memory. A limit that is hit is a failure of the
  attack's test, never a hang or a dead test runner.
* Frameworks of any shape (deep, flat, one leaf, foreign ids) and synthetic data sets of any size,
  including the county-level index the limits are sized for (3,000 regions × 50 indicators × 10
  years).
* Files as an attacker writes them: a sparse two-cell workbook (A1 and XFD1048576), sparse and
  padded workbooks, zip bombs, XML element floods, huge headers, 40,000 columns, long CSVs.

Every generator is deterministic (``seed``).
"""
from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------------
# running code under limits
# ------------------------------------------------------------------------------------------------
@dataclass
class Limited:
    """How a limited run ended."""

    returncode: int | None      # None: killed by the wall-clock timeout; negative: killed by a signal
    stdout: str
    stderr: str
    seconds: float              # wall clock, interpreter start and imports included
    max_rss_mb: float           # peak resident set of the child (from wait4)

    @property
    def result(self):
        """What the child handed back with ``emit(obj)`` (its last ``@@`` line), or None."""
        lines = [ln for ln in self.stdout.splitlines() if ln.startswith("@@")]
        return json.loads(lines[-1][2:]) if lines else None

    def describe(self) -> str:
        return (f"exit {self.returncode} after {self.seconds:.1f} s, peak RSS {self.max_rss_mb:.0f} MB; "
                f"stderr: {self.stderr[-1500:]!r}")


_PRELUDE = """
import json, sys
def emit(obj):
    print("@@" + json.dumps(obj, ensure_ascii=False, default=str), flush=True)
"""


def run_limited(code: str, seconds: float, mem_mb: int, *, argv=None, cwd=ROOT, env=None,
                stdin=None) -> Limited:
    """Run ``code`` (or, with ``argv``, that command) in a fresh process with an address-space
    limit of ``mem_mb`` MB (``RLIMIT_AS``), a CPU-time limit of ``seconds`` + 1 s (``RLIMIT_CPU``)
    and a wall-clock timeout of ``2 × seconds + 10`` s; interpreter start and imports count.

    The child has one BLAS/OpenMP thread (the machine's two cores are shared) and can call
    ``emit(obj)`` to hand back a JSON result. Its peak RSS comes from ``os.wait4`` on it alone."""
    import tempfile

    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (mem_mb * 2**20, mem_mb * 2**20))
        cpu = int(seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))

    # Arrow's own allocator reserves about a gigabyte of address space up front: with the system
    # allocator the address-space limit measures what is allocated (resident peaks are unchanged)
    e = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
         "ARROW_DEFAULT_MEMORY_POOL": "system", "PYTHONPATH": str(ROOT), "IISCORE_LANG": "en", **(env or {})}
    cmd = argv if argv is not None else [sys.executable, "-c", _PRELUDE + code]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                             cwd=cwd, env=e, preexec_fn=limits)
        deadline = t0 + 2 * seconds + 10
        rc, rss = None, float("nan")
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                rc = os.waitstatus_to_exitcode(status)
                rss = ru.ru_maxrss / 1024
                p.returncode = rc  # reaped here: keep Popen from waiting again
                break
            if time.perf_counter() > deadline:
                p.kill()
                _, status, ru = os.wait4(p.pid, 0)
                p.returncode = -9
                rss = ru.ru_maxrss / 1024
                break
            time.sleep(0.02)
        dt = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return Limited(rc, out.read().decode(errors="replace"), err.read().decode(errors="replace"), dt, rss)


# ------------------------------------------------------------------------------------------------
# frameworks of any shape
# ------------------------------------------------------------------------------------------------
FW_COLUMNS = ["id", "parent", "weight", "direction", "name_zh", "name_en"]


def framework_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=FW_COLUMNS)


def balanced_framework(pillars: int = 5, per_pillar: int = 10, root: str = "idx", prefix: str = "") -> pd.DataFrame:
    """root → ``pillars`` groups → ``per_pillar`` leaves each; ids that are not CAICT's."""
    rows = [(root, "", 1, 1, "指数", "Index")]
    for p in range(pillars):
        pid = f"{prefix}g{p + 1}"
        rows.append((pid, root, 1 + p % 3, 1, f"维度{p + 1}", f"Group {p + 1}"))
        for i in range(per_pillar):
            rows.append((f"{pid}_i{i + 1}", pid, 1 + i % 4, -1 if i % 7 == 6 else 1,
                         f"指标{p + 1}-{i + 1}", f"Indicator {p + 1}.{i + 1}"))
    return framework_frame(rows)


def flat_framework(leaves: int = 6) -> pd.DataFrame:
    """root → leaves (no pillars)."""
    rows = [("top", "", 1, 1, "总指数", "Top")]
    rows += [(f"x{i + 1}", "top", i + 1, 1, f"指标{i + 1}", f"Item {i + 1}") for i in range(leaves)]
    return framework_frame(rows)


def one_leaf_framework() -> pd.DataFrame:
    return framework_frame([("only_root", "", 1, 1, "总", "All"), ("lone", "only_root", 1, 1, "唯一指标", "Lone")])


def deep_framework(depth: int = 50) -> pd.DataFrame:
    """A chain of ``depth`` groups, each with a leaf of its own and the next group; two leaves at the bottom."""
    rows = [("n0", "", 1, 1, "层0", "Level 0")]
    for d in range(1, depth):
        rows.append((f"n{d}", f"n{d - 1}", 2, 1, f"层{d}", f"Level {d}"))
        rows.append((f"leaf{d}", f"n{d - 1}", 1, 1, f"叶{d}", f"Leaf {d}"))
    rows.append((f"leaf{depth}", f"n{depth - 1}", 1, 1, f"叶{depth}", f"Leaf {depth}"))
    rows.append((f"leaf{depth + 1}", f"n{depth - 1}", 1, -1, f"叶{depth + 1}", f"Leaf {depth + 1}"))
    return framework_frame(rows)


def leaves_of(fw_frame: pd.DataFrame) -> list:
    parents = set(fw_frame["parent"])
    return [i for i in fw_frame["id"] if i not in parents]


# ------------------------------------------------------------------------------------------------
# data sets of any size
# ------------------------------------------------------------------------------------------------
def region_names(n: int) -> list:
    return [f"县{i + 1:04d}" for i in range(n)]


def wide_data(leaves, n_regions: int, years=(2023,), seed: int = 0, missing: float = 0.0,
              regions=None) -> pd.DataFrame:
    """A wide table region, year, <leaves...> of log-normal values (``missing`` share left empty)."""
    rng = np.random.default_rng(seed)
    regions = list(regions) if regions is not None else region_names(n_regions)
    frames = []
    for y in years:
        v = rng.lognormal(3.0, 0.8, size=(len(regions), len(leaves))).round(3)
        if missing:
            v[rng.random(v.shape) < missing] = np.nan
        df = pd.DataFrame(v, columns=list(leaves))
        df.insert(0, "year", int(y))
        df.insert(0, "region", regions)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def long_data(leaves, n_regions: int, years=(2023,), seed: int = 0) -> pd.DataFrame:
    w = wide_data(leaves, n_regions, years, seed)
    return w.melt(id_vars=["region", "year"], var_name="indicator", value_name="value")


COUNTY = dict(regions=3000, pillars=5, per_pillar=10, years=tuple(range(2014, 2024)))


def county_framework() -> pd.DataFrame:
    return balanced_framework(COUNTY["pillars"], COUNTY["per_pillar"])


def county_data(seed: int = 0) -> pd.DataFrame:
    """The county-level index the limits are sized for: 3,000 regions × 50 indicators × 10 years."""
    return wide_data(leaves_of(county_framework()), COUNTY["regions"], COUNTY["years"], seed, missing=0.01)


def csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8")


# ------------------------------------------------------------------------------------------------
# hostile workbooks (written by hand: only the parts a reader needs)
# ------------------------------------------------------------------------------------------------
_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
       'spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
       '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"


def col_letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def cell(ref: str, value) -> str:
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value}</v></c>'


def xlsx_from_sheet(sheet_xml, extra: dict | None = None) -> bytes:
    """A workbook with one sheet whose XML is ``sheet_xml`` (bytes, str, or an iterable of chunks)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        if isinstance(sheet_xml, (bytes, str)):
            z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        else:
            with z.open("xl/worksheets/sheet1.xml", "w") as f:
                for chunk in sheet_xml:
                    f.write(chunk.encode() if isinstance(chunk, str) else chunk)
        for k, v in (extra or {}).items():
            z.writestr(k, v)
    return buf.getvalue()


def two_cell_xlsx() -> bytes:
    """The issue's 4.9 KB workbook: a value in A1 and one in XFD1048576 (the last cell)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "region"
    ws["XFD1048576"] = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def padded_xlsx(rows: int, width: int = 1000) -> bytes:
    """Header ``region`` in A1 and a value in the last allowed column, then ``rows`` rows holding
    one cell each: small on disk and unpacked, but rows × width cells once padded to the header."""
    def chunks():
        yield SHEET_HEAD
        yield f'<row r="1">{cell("A1", "region")}{cell(col_letters(width) + "1", "x")}</row>'
        for r in range(2, rows + 2):
            yield f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>'
        yield SHEET_TAIL
    return xlsx_from_sheet(chunks())


def element_flood_xlsx(n: int) -> bytes:
    """A sheet of ``n`` empty foreign elements (no cells): tiny zipped, many XML nodes."""
    def chunks():
        yield SHEET_HEAD
        yield '<row r="1">' + cell("A1", "region") + "</row>"
        block = "<x/>" * 10_000
        for _ in range(n // 10_000):
            yield block
        yield SHEET_TAIL
    return xlsx_from_sheet(chunks())


def zip_bomb_xlsx(unpacked_mb: int = 1024) -> bytes:
    """A workbook whose sheet unpacks to ``unpacked_mb`` MB of blanks (declared honestly)."""
    def chunks():
        yield SHEET_HEAD
        blank = b" " * 2**20
        for _ in range(unpacked_mb):
            yield blank
        yield SHEET_TAIL
    return xlsx_from_sheet(chunks())


def lying_zip_xlsx(real_mb: int = 200) -> bytes:
    """A workbook whose zip directory declares the sheet as 1 KB while it inflates to ``real_mb`` MB
    (both the local header and the central directory are patched; the CRC no longer matches)."""
    import struct

    raw = bytearray(zip_bomb_xlsx(real_mb))
    info = zipfile.ZipFile(io.BytesIO(bytes(raw))).getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", raw, info.header_offset + 22, 1024)   # local header: uncompressed size
    eocd = raw.rfind(b"PK\x05\x06")
    cd = struct.unpack_from("<I", raw, eocd + 16)[0]
    while raw[cd:cd + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<HHH", raw, cd + 28)
        if bytes(raw[cd + 46:cd + 46 + n]) == b"xl/worksheets/sheet1.xml":
            struct.pack_into("<I", raw, cd + 24, 1024)             # central directory: uncompressed size
        cd += 46 + n + m + k
    return bytes(raw)


def entity_xlsx() -> bytes:
    """A sheet with a 'billion laughs' internal entity definition in its DOCTYPE."""
    lol = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>"
    sheet = ('<?xml version="1.0" encoding="UTF-8"?>' + lol +
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>&j;</t></is></c></row>' + SHEET_TAIL)
    return xlsx_from_sheet(sheet)


# ------------------------------------------------------------------------------------------------
# hostile CSVs
# ------------------------------------------------------------------------------------------------
def many_columns_csv(n: int = 40_000) -> bytes:
    """The issue's 0.35 MB CSV with 40,000 columns (every header the same: the duplicate check)."""
    header = ",".join(["region", "year"] + ["x"] * (n - 2))
    return (header + "\n" + ",".join(["r1", "2023"] + ["1"] * (n - 2)) + "\n").encode()


def huge_header_csv(mb: int = 19) -> bytes:
    """One header line of ``mb`` MB without a separator."""
    return b"region" + b"a" * (mb * 2**20) + b"\n1\n"


def empty_cells_csv(columns: int = 1000, mb: int = 45) -> bytes:
    """A header of ``columns`` columns then rows of empty fields up to ``mb`` MB: cells, not bytes."""
    header = ",".join(["region", "year"] + [f"c{i}" for i in range(columns - 2)]) + "\n"
    row = "," * (columns - 1) + "\n"
    return (header + row * (mb * 2**20 // len(row))).encode()


# ------------------------------------------------------------------------------------------------
# hostile text (markdown and HTML)
# ------------------------------------------------------------------------------------------------
#: A word every hostile string carries, to find it again on the page.
MARK = "ZQX"
EVIL_HOST = "evil.example"
IMAGE = f"![{MARK}](http://{EVIL_HOST}/track.png)"
LINK = f"**Session expired {MARK}**: [log in again](http://{EVIL_HOST}/login)"
IMG_TAG = f"<img src=http://{EVIL_HOST}/x.png onerror=alert(1)>{MARK}"
SCRIPT = f"<script>fetch('http://{EVIL_HOST}/s')</script>{MARK}"
HOSTILE = [IMAGE, LINK, IMG_TAG, SCRIPT, f"`{MARK}`", f"~~{MARK}~~", f":red[{MARK}]", f"${MARK}^2$",
           f"www.{EVIL_HOST}/{MARK}", f"{MARK}@{EVIL_HOST}", f"<b>{MARK}</b>", f"_{MARK}_ &#91;x&#93;(http://{EVIL_HOST})",
           f"# {MARK}", f"1. {MARK}"]
