"""Reading and validating indicator data.

Two layouts are accepted:

* **long**: columns ``region, year, indicator, value`` (any extra columns, such as ``source``
  or ``provenance``, are kept);
* **wide**: columns ``region, year, <indicators...>`` (CSV or XLSX); indicator headers may be ids,
  Chinese or English names of the framework.

Rows whose region cell starts with ``#`` are notes (the template's English names and units) and are
skipped; rows above the header row (titles) are skipped in workbooks.

CSV encodings: UTF-8, UTF-8 with BOM, GBK/GB18030 (Chinese statistics offices publish GBK).
Separators: comma, tab or semicolon (from the header line).

What is read, and how (nothing is changed or dropped without a word):

* **Numbers** (:func:`parse_number`): thousands separators only in valid groups of three
  (``1,234,567``, ``1 234``); a decimal comma only when the caller says so (``decimal=","``),
  never guessed: ``1,5`` is an error unless ``decimal=","``. Anything else that is not a number is an
  error naming the file, the row and the column.
* **Missing values**: empty, ``-``, ``—``, ``N/A``, ``NA``, ``null``, ``…``, ``无``, ``缺失``.
  Cached Excel error values (``#N/A``, ``#DIV/0!``, ``#VALUE!``, ``#REF!``, ``#NAME?``, ``#NUM!``,
  ``#NULL!``, ...) are read as missing values too, and listed in :attr:`Dataset.notes`.
* **Region names** are matched *exactly* (id, full, short or English name, adcode, ISO code; case,
  width and surrounding spaces ignored) against the reference list (``region_info``), never by
  prefix: a name not in the list keeps its own spelling. Every name mapped onto the list is reported
  (:attr:`Dataset.name_map`, :attr:`Dataset.notes`); two spellings that land on one region are an
  error naming both. Regions keep the order in which the file lists them.
* **Limits** (:mod:`iiscore.limits`) are checked while the file is read.
"""
from __future__ import annotations

import io
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import limits
from .errors import DataError
from .names import did_you_mean, key as name_key

#: Kept for callers that tune it in tests; the limits live in :mod:`iiscore.limits`.
MAX_BYTES = limits.MAX_FILE_BYTES
MISSING_TOKENS = {"", "-", "—", "--", "——", "–", "…", "...", "na", "n/a", "nan", "null", "none",
                  "无", "空", "缺失"}
#: Cached error values of spreadsheet formulas, read as missing values and reported.
EXCEL_ERRORS = {"#n/a", "#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!", "#spill!", "#calc!",
                "#getting_data", "#field!", "#blocked!", "#connect!", "#busy!", "#unknown!", "#n/a!"}
DECIMALS = (".", ",")
_UNIT_SUFFIX = {"万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "万亿": 1e12}
_SUFFIXES = sorted(_UNIT_SUFFIX, key=len, reverse=True)
_PLAIN = {".": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"),
          ",": re.compile(r"^[+-]?(\d+(,\d*)?|,\d+)([eE][+-]?\d+)?$")}
# thousands groups: one separator used throughout, groups of exactly three digits
_GROUPED = {".": re.compile(r"^[+-]?\d{1,3}(?:(?P<s>[, ])\d{3})(?:(?P=s)\d{3})*(\.\d+)?$"),
            ",": re.compile(r"^[+-]?\d{1,3}(?:(?P<s>[. ])\d{3})(?:(?P=s)\d{3})*(,\d+)?$")}


class _ExcelError(ValueError):
    """A cell holding a spreadsheet's cached error value (read as missing, reported)."""


def _number_text(s: str, decimal: str) -> float:
    """The float of a cleaned numeric text (no unit), or ValueError."""
    if _PLAIN[decimal].match(s):
        return float(s.replace(",", ".") if decimal == "," else s)
    if _GROUPED[decimal].match(s):
        sep = "," if decimal == "." else "."
        body = s.replace(" ", "").replace(sep, "")
        return float(body.replace(",", ".") if decimal == "," else body)
    raise ValueError(s)


def parse_number(text, decimal: str = ".") -> float:
    """Parse a number as statistics tables write it; return NaN for a missing-value token.

    Accepted (``decimal="."``): ``1234``, ``-1.5e3``, ``1,234,567.8`` and ``1 234`` (thousands
    separators in groups of three, one separator throughout), full-width digits (``１２３``),
    ``12%`` (kept as 12: the unit is the indicator's), ``1.2万`` (= 12000), ``3亿`` (= 3e8). With
    ``decimal=","``: ``1,5`` = 1.5, ``1.234,5`` and ``1 234,5`` = 1234.5. Missing: empty, ``-``, ``—``,
    ``N/A``, ``NA``, ``null``, ``…`` and Excel's error values (``#N/A``, ``#DIV/0!``, ...).
    Anything else -- ``1,5`` without ``decimal=","``, ``1,2,3``, ``1 5``, ``(12)``, ``inf`` --
    raises ``ValueError``.
    """
    if text is None:
        return np.nan
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        v = float(text)
        if np.isnan(v):
            return np.nan
        if not np.isfinite(v):
            raise ValueError(text)
        return v
    s = unicodedata.normalize("NFKC", str(text)).strip()
    low = s.casefold()
    if low in MISSING_TOKENS:
        return np.nan
    if low in EXCEL_ERRORS:
        return np.nan
    s = re.sub(r"\s+", " ", s)
    if s.endswith("%"):
        s = s[:-1].rstrip()
    mult = 1.0
    for suffix in _SUFFIXES:
        if s.endswith(suffix):
            mult = _UNIT_SUFFIX[suffix]
            s = s[: -len(suffix)].rstrip()
            break
    v = _number_text(s, decimal) * mult
    if not np.isfinite(v):
        raise ValueError(text)
    return v


# ============================================================================================
# reading files
# ============================================================================================
def _check_regular(path: Path, name: str) -> None:
    """Only regular files are read: a directory, a device (``/dev/zero``) or a FIFO is refused
    before anything is opened (their size says nothing about what reading them would cost)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise DataError("File not found. Check the path.", "找不到文件，请检查路径。", file=name) from None
    except OSError as exc:
        raise DataError(f"Cannot open it ({exc.strerror}).", f"无法打开（{exc.strerror}）。", file=name) from None
    if stat.S_ISDIR(st.st_mode):
        raise DataError("This is a folder, not a file. Give the path of a CSV or XLSX file.",
                        "这是文件夹而不是文件。请给出 CSV 或 XLSX 文件的路径。", file=name)
    if not stat.S_ISREG(st.st_mode):
        raise DataError("This is not a regular file (a device, a pipe or a socket). Give the path of a CSV or "
                        "XLSX file.", "这不是普通文件（而是设备、管道或套接字）。请给出 CSV 或 XLSX 文件的路径。", file=name)
    if st.st_size > limits.MAX_FILE_BYTES:
        raise _too_big(name)


def _too_big(name) -> DataError:
    mb = MAX_BYTES // 2**20
    return DataError(f"The file is larger than {mb} MB (the limit). Split it, or keep only the needed columns.",
                     f"文件超过 {mb} MB（上限）。请拆分文件，或只保留需要的列。", file=name)


def _decode(raw: bytes, name) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="strict")
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DataError("The file is neither UTF-8 nor GBK/GB18030 text. Save it as CSV (UTF-8) or XLSX.",
                    "文件既不是 UTF-8 也不是 GBK/GB18030 文本。请另存为 CSV（UTF-8）或 XLSX。", file=name)


def read_table(source, *, dtype=str, name=None, sheet=None) -> pd.DataFrame:
    """Read a CSV (any of the supported encodings) or XLSX into a DataFrame of strings.

    ``source`` is a path, bytes, or a binary file-like object (an upload). Directories, devices and
    pipes, binary garbage, empty files, files over the size limit and tables over the row, column or
    cell limits (:mod:`iiscore.limits`) are rejected with a DataError naming the file. The frame's
    ``attrs`` carry ``header_row`` and, for workbooks, ``rows`` (the spreadsheet row of each row).
    """
    if isinstance(source, (str, Path)):
        name = name or str(source)
        p = Path(source)
        _check_regular(p, name)
        with open(p, "rb") as fh:
            raw = fh.read(limits.MAX_FILE_BYTES + 1)
    elif isinstance(source, (bytes, bytearray)):
        raw = bytes(source)
    else:
        name = name or getattr(source, "name", None) or "upload"
        raw = source.read(limits.MAX_FILE_BYTES + 1)
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
    name = name or "data"
    if len(raw) > limits.MAX_FILE_BYTES or len(raw) > MAX_BYTES:
        raise _too_big(name)
    if not raw.strip():
        raise DataError("The file is empty.", "文件是空的。", file=name)
    if raw[:4] == b"PK\x03\x04":
        return _read_xlsx(raw, name, sheet)
    if raw[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DataError("This is an old Excel .xls file. Save it as .xlsx or CSV (UTF-8).",
                        "这是旧版 Excel .xls 文件。请另存为 .xlsx 或 CSV（UTF-8）。", file=name)
    if b"\x00" in raw[:4096]:
        raise DataError("This is not a CSV or XLSX file (binary content). Upload CSV or XLSX.",
                        "这不是 CSV 或 XLSX 文件（二进制内容）。请上传 CSV 或 XLSX。", file=name)
    return _read_csv(_decode(raw, name), name)


def _read_csv(text: str, name) -> pd.DataFrame:
    first = text.split("\n", 1)[0]
    if len(first) > limits.MAX_COLUMNS * (limits.MAX_TEXT + 3):
        raise _limit_error(name, "header", len(first))
    counts = {sep: first.count(sep) for sep in ("\t", ",", ";")}
    sep = max(counts, key=lambda k: (counts[k], k == ","))
    if counts[sep] == 0:
        sep = ","
    n_cols = counts[sep] + 1
    if n_cols > limits.MAX_COLUMNS:
        raise _limit_error(name, "columns", n_cols)
    # never read more rows than the cell limit allows for this width: 45 MB of empty fields under a
    # 1,000-column header are 47 million cells (about 1 GB) if read before counting
    max_rows = min(limits.MAX_ROWS, limits.MAX_CELLS // n_cols)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, engine="c",
                         skipinitialspace=True, nrows=max_rows + 1, header=0, quotechar='"')
    except pd.errors.EmptyDataError:
        raise DataError("The file has no header row.", "文件没有表头行。", file=name) from None
    except (pd.errors.ParserError, ValueError) as exc:
        msg = str(exc).splitlines()[0][:200]
        raise DataError(f"Cannot read it as CSV ({msg}). Each row must have as many fields as the header.",
                        f"无法按 CSV 读取（{msg}）。每行的字段数须与表头相同。", file=name) from None
    if len(df) > limits.MAX_ROWS:
        raise _limit_error(name, "rows", f"more than {limits.MAX_ROWS:,}")
    if len(df) > max_rows or len(df) * max(1, len(df.columns)) > limits.MAX_CELLS:
        raise _limit_error(name, "cells", f"more than {len(df) * max(1, len(df.columns)):,}")
    df.columns = [unicodedata.normalize("NFKC", str(c)).strip() for c in df.columns]
    df.attrs["header_row"] = 1
    return df


_LIMIT_WORDS = {
    "rows": ("rows", "行", limits.MAX_ROWS), "columns": ("columns", "列", limits.MAX_COLUMNS),
    "cells": ("cells", "个单元格", limits.MAX_CELLS), "header": ("characters in the header line", "个表头字符",
                                                            limits.MAX_COLUMNS * (limits.MAX_TEXT + 3)),
    "regions": ("regions", "个地区", limits.MAX_REGIONS), "indicators": ("indicators", "个指标", limits.MAX_INDICATORS),
    "years": ("years", "个年份", limits.MAX_YEARS), "values": ("values (regions × indicators × years)",
                                                          "个数值（地区 × 指标 × 年份）", limits.MAX_VALUES),
}


def _limit_error(name, what: str, got) -> DataError:
    en, zh, cap = _LIMIT_WORDS[what]
    got_s = f"{got:,}" if isinstance(got, int) else str(got)
    return DataError(f"The table has {got_s} {en}; at most {cap:,} are accepted. Keep the needed part only "
                     f"(or split it into several files).",
                     f"表格有 {got_s} {zh}；最多接受 {cap:,} {zh}。请只保留需要的部分（或拆分为多个文件）。",
                     file=name, parameter=None)


# -- workbooks: a streaming reader -------------------------------------------------------------


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def _check_unpacked(raw: bytes, name) -> zipfile.ZipFile | None:
    """Open the .xlsx (a zip) and refuse one that would unpack to more than the limit, before parsing.

    The sizes come from the zip's directory, which also bounds what zipfile inflates (it stops at
    the declared size)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise DataError("Cannot open the Excel file (it is not a valid .xlsx).",
                        "无法打开 Excel 文件（不是有效的 .xlsx）。", file=name) from None
    if total > limits.MAX_UNPACKED_BYTES:
        mb, cap = total / 2**20, limits.MAX_UNPACKED_BYTES // 2**20
        raise DataError(f"The Excel file would unpack to {mb:.0f} MB (more than {cap} MB); "
                        "save only the data sheet, or save it as CSV.",
                        f"该 Excel 文件解压后达 {mb:.0f} MB（超过 {cap} MB）；请只保存数据工作表，或另存为 CSV。",
                        file=name)
    return zf


#: Largest workbook.xml / its relationships part (a real one is a few KB; parsed as a tree).
_MAX_WORKBOOK_PART = 2 * 2**20
# what a damaged zip member raises while it is inflated (a CRC mismatch, a truncated stream, a
# directory that lies about sizes: zipfile stops at the declared size and then reports the CRC)
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def _damaged(name, part: str) -> DataError:
    return DataError(f"Cannot read the Excel file: its part '{part}' is damaged (the zip does not unpack "
                     "cleanly). Open and save it again in Excel, or save it as CSV.",
                     f"无法读取 Excel 文件：其组成部分“{part}”已损坏（无法正常解压）。请在 Excel 中重新打开并保存，"
                     f"或另存为 CSV。", file=name)


def _read_part(zf: zipfile.ZipFile, member: str, name) -> bytes:
    try:
        info = zf.getinfo(member)
    except KeyError:
        raise
    if info.file_size > _MAX_WORKBOOK_PART:
        raise DataError(f"The Excel file's part '{member}' is {info.file_size / 2**20:.0f} MB (a workbook's is a "
                        f"few KB). Save the data sheet alone, or as CSV.",
                        f"Excel 文件的组成部分“{member}”有 {info.file_size / 2**20:.0f} MB（正常只有几 KB）。"
                        f"请只保存数据工作表，或另存为 CSV。", file=name)
    try:
        return zf.read(member)
    except _ZIP_ERRORS:
        raise _damaged(name, member) from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheets(zf: zipfile.ZipFile, name) -> list[tuple[str, str]]:
    """(sheet name, member path) in workbook order."""
    import xml.etree.ElementTree as ET

    try:
        wb = ET.fromstring(_no_dtd(_read_part(zf, "xl/workbook.xml", name), name, "xl/workbook.xml"))
        rels = ET.fromstring(_no_dtd(_read_part(zf, "xl/_rels/workbook.xml.rels", name), name,
                                     "xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        raise DataError("Cannot open the Excel file (no workbook part).", "无法打开 Excel 文件（缺少工作簿部分）。",
                        file=name) from None
    target = {}
    for r in rels:
        t = r.get("Target", "")
        t = t.lstrip("/")
        target[r.get("Id")] = t if t.startswith("xl/") else "xl/" + t
    out = []
    for el in wb.iter():
        if _local(el.tag) == "sheet":
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            if rid in target:
                out.append((el.get("name", "")[: limits.MAX_TEXT], target[rid]))
    return out


def _no_dtd(xml: bytes, name, part: str) -> bytes:
    """Excel never writes a DOCTYPE; one in a workbook is refused (entity expansion: 'billion laughs')."""
    if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
        raise _dtd_error(name, part)
    return xml


def _dtd_error(name, part: str) -> DataError:
    return DataError(f"The Excel file's part '{part}' declares a DOCTYPE or entities, which Excel never writes; "
                     "it is not read. Save the table again from Excel, or as CSV.",
                     f"Excel 文件的组成部分“{part}”含有 DOCTYPE 或实体声明（Excel 从不写入），不予读取。"
                     f"请用 Excel 重新保存表格，或另存为 CSV。", file=name)


#: Longest run of bytes without a '>' in a workbook part, and deepest nesting of its elements (a real
#: sheet nests about 6 deep; expat keeps every open element: 20 million nested tags were 1.7 GB).
_MAX_TAG_BYTES = 1 * 2**20
_MAX_DEPTH = 64


def _too_deep(name, part: str) -> DataError:
    return DataError(f"The Excel file's part '{part}' nests XML elements more than {_MAX_DEPTH} deep; it is not a "
                     "table Excel wrote. Save the table again from Excel, or as CSV.",
                     f"Excel 文件的组成部分“{part}”的 XML 元素嵌套超过 {_MAX_DEPTH} 层，不是 Excel 写出的表格。"
                     f"请用 Excel 重新保存表格，或另存为 CSV。", file=name)


class _Stop(Exception):
    """Raised inside an expat handler to leave the parse with a DataError."""

    def __init__(self, err: DataError):
        self.err = err


def _expat(stream, name, part: str, start, end, chars):
    """Parse ``stream`` with expat handlers and no tree: memory stays flat whatever the element
    count (an ElementTree kept 10 million foreign elements: 0.9 GB). A DOCTYPE is refused; a
    damaged zip member or XML is a DataError naming the part."""
    from xml.parsers import expat

    p = expat.ParserCreate(namespace_separator=" ")
    p.buffer_text = True
    p.buffer_size = 1 << 16

    def doctype(*_):
        raise _Stop(_dtd_error(name, part))

    p.StartDoctypeDeclHandler = doctype
    p.EntityDeclHandler = doctype
    p.StartElementHandler = start
    p.EndElementHandler = end
    p.CharacterDataHandler = chars
    since_gt = 0  # bytes since the last '>': one tag (or text) may not run on for megabytes
    try:
        while True:
            chunk = stream.read(1 << 16)
            if not chunk:
                break
            gt = chunk.rfind(b">")
            since_gt = since_gt + len(chunk) if gt < 0 else len(chunk) - gt - 1
            if since_gt > _MAX_TAG_BYTES:
                # expat would hand over a start tag with millions of attributes as one dict (a 67 MB
                # tag took 37 s and 1.7 GB); Excel's longest cell text is 32,767 characters
                raise _Stop(DataError(
                    f"The Excel file's part '{part}' has a tag or text longer than {_MAX_TAG_BYTES // 2**20} MB; "
                    "it is not a table Excel wrote. Save the table again from Excel, or as CSV.",
                    f"Excel 文件的组成部分“{part}”中有超过 {_MAX_TAG_BYTES // 2**20} MB 的标签或文本，不是 Excel 写出的表格。"
                    f"请用 Excel 重新保存表格，或另存为 CSV。", file=name))
            p.Parse(chunk, False)
        p.Parse(b"", True)
    except _Stop as stop:
        raise stop.err from None
    except expat.ExpatError:
        raise DataError(f"Cannot read the Excel file's part '{part}' (corrupt XML).",
                        f"无法读取 Excel 文件的组成部分“{part}”（XML 已损坏）。", file=name) from None
    except _ZIP_ERRORS:
        raise _damaged(name, part) from None


def _shared_strings(zf: zipfile.ZipFile, name) -> list[str]:
    """The workbook's shared strings (each cut to 4 × the text limit; at most the cell limit of them)."""
    try:
        data = zf.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    except _ZIP_ERRORS:
        raise _damaged(name, "xl/sharedStrings.xml") from None
    out: list = []
    cap = limits.MAX_TEXT * 4
    st = {"in_t": False, "buf": [], "n": 0}

    depth = [0]

    def start(tag, attrs):
        depth[0] += 1
        if depth[0] > _MAX_DEPTH:
            raise _Stop(_too_deep(name, "xl/sharedStrings.xml"))
        local = tag.rsplit(" ", 1)[-1]
        if local == "si":
            st["buf"], st["n"] = [], 0
        elif local == "t":
            st["in_t"] = True

    def end(tag):
        depth[0] -= 1
        local = tag.rsplit(" ", 1)[-1]
        if local == "t":
            st["in_t"] = False
        elif local == "si":
            out.append("".join(st["buf"])[:cap])
            if len(out) > limits.MAX_CELLS:
                raise _Stop(_limit_error(name, "cells", f"more than {limits.MAX_CELLS:,}"))

    def chars(text):
        if st["in_t"] and st["n"] < cap:
            st["buf"].append(text)
            st["n"] += len(text)

    _expat(data, name, "xl/sharedStrings.xml", start, end, chars)
    return out


def _sheet_cells(zf, member: str, strings: list, name, sheet_name: str):
    """The cells present in a sheet (sparse), within the limits: (rows, columns, texts) as three
    parallel sequences (spreadsheet row and column numbers, 1-based)."""
    try:
        stream = zf.open(member)
    except KeyError:
        raise DataError(f"Cannot open sheet '{sheet_name}'.", f"无法打开工作表“{sheet_name}”。", file=name) from None
    except _ZIP_ERRORS:
        raise _damaged(name, member) from None
    cap = limits.MAX_TEXT * 4
    max_col, max_row, max_cells = limits.MAX_COLUMNS, limits.MAX_ROWS + 20, limits.MAX_CELLS
    out_r, out_c, out_t = [], [], []
    col_of: dict = {}        # column letters -> number (at most MAX_COLUMNS entries: others are refused)
    # the cell being read: [ref, type, value, formula]; what text is being collected and its parts
    cell = [None, "n", None, None]
    buf: list = []
    state = [None, 0]        # [collecting: None | "v" | "f" | "t", characters collected]
    inline: list = []
    in_is = [False]

    kinds: dict = {}         # tag as expat gives it -> local name if it matters here, else ""

    def kind(tag):
        k = kinds.get(tag)
        if k is None:
            k = tag[tag.rfind(" ") + 1:]
            k = k if k in ("c", "v", "f", "is", "t") else ""
            if len(kinds) < 10_000:  # foreign tags may be many distinct names: keep the cache small
                kinds[tag] = k
        return k

    depth = [0]

    def start(tag, attrs):
        depth[0] += 1
        if depth[0] > _MAX_DEPTH:
            raise _Stop(_too_deep(name, member))
        local = kinds.get(tag)
        if local is None:
            local = kind(tag)
        if not local:
            return
        if local == "c":
            cell[0], cell[1], cell[2], cell[3] = attrs.get("r", ""), attrs.get("t", "n"), None, None
            in_is[0] = False
        elif cell[0] is None:
            return
        elif local == "v" or local == "f":
            state[0], state[1] = local, 0
            buf.clear()
        elif local == "is":
            in_is[0] = True
            inline.clear()
            state[1] = 0
        elif local == "t" and in_is[0]:
            state[0] = "t"

    def chars(text):
        what = state[0]
        if what is None or state[1] >= cap:
            return
        (inline if what == "t" else buf).append(text)
        state[1] += len(text)

    def end(tag):
        depth[0] -= 1
        local = kinds.get(tag)
        if local is None:
            local = kind(tag)
        if not local:
            return
        if local == "c":
            _done()
        elif cell[0] is None:
            return
        elif local == "v" or local == "f":
            if state[0] == local:
                # an empty <v></v> is no value (openpyxl writes one for a formula never calculated)
                cell[2 if local == "v" else 3] = ("".join(buf) or None) if local == "v" else "".join(buf)
                state[0] = None
        elif local == "t":
            if state[0] == "t":
                state[0] = None
        elif local == "is" and in_is[0]:
            cell[2] = "".join(inline)[:cap]
            in_is[0] = False

    def _done():
        ref, t, v, f = cell
        cell[0] = None
        state[0] = None
        if v is None and f is None or not ref:
            return
        letters = ref.rstrip("0123456789")
        digits = ref[len(letters):]
        col = col_of.get(letters)
        if col is None:
            col = _col_index(letters) if 1 <= len(letters) <= 3 and letters.isalpha() and letters.isupper() else 0
            if col and col <= max_col:
                col_of[letters] = col
        if not col or not digits or len(digits) > 7:
            return
        row = int(digits)
        if col > max_col or row > max_row:
            raise _Stop(DataError(
                f"Sheet '{_short(sheet_name)}' has a value in cell {ref}, beyond the limits of {max_col:,} "
                f"columns and {limits.MAX_ROWS:,} rows. Delete what lies outside the table (or save the table "
                f"alone as CSV).",
                f"工作表“{_short(sheet_name)}”的单元格 {ref} 有内容，超出 {max_col:,} 列、{limits.MAX_ROWS:,} 行的上限。"
                f"请删除表格以外的内容（或将表格单独另存为 CSV）。", file=name))
        if v is None:  # a formula Excel never calculated: name it rather than read it as empty
            text = f"formula ={_short(f, 60)} (not calculated: open and save the file in Excel)"
        elif t == "s":
            try:
                text = strings[int(v)]
            except (ValueError, IndexError):
                text = ""
        elif t == "b":
            text = "TRUE" if v == "1" else "FALSE"
        else:  # n, str, inlineStr, e (errors such as #N/A keep their text)
            text = v
        out_r.append(row)
        out_c.append(col)
        out_t.append(text)
        if len(out_t) > max_cells:
            raise _Stop(_limit_error(name, "cells", f"more than {max_cells:,}"))

    _expat(stream, name, member, start, end, chars)
    return out_r, out_c, out_t


def _read_xlsx(raw: bytes, name, sheet) -> pd.DataFrame:
    """Read the first sheet that has a ``region`` header (formulas read as their cached values).

    A streaming reader of the sheet's XML: only the cells present are read, so a sparse sheet with a
    value in XFD1048576 costs what its two cells cost (and is refused by the limits), not 17 billion
    padded cells; the table is padded to the header's width only after its cell count is checked.
    """
    zf = _check_unpacked(raw, name)
    sheets = _sheets(zf, name)
    names = [s for s, _ in sheets]
    if sheet and sheet not in names:
        raise DataError(f"No sheet named '{_short(sheet)}'.", f"没有名为“{_short(sheet)}”的工作表。", file=name)
    strings = _shared_strings(zf, name)
    for sn, member in sheets:
        if sheet and sn != sheet:
            continue
        r_list, c_list, texts = _sheet_cells(zf, member, strings, name, sn)
        if not texts:
            continue
        rr = np.asarray(r_list, dtype=np.int64)
        cc = np.asarray(c_list, dtype=np.int64)
        tt = np.empty(len(texts), dtype=object)
        tt[:] = texts
        order = np.unique(rr)
        # skip title rows (merged headers): the header is the first row containing 'region'/地区
        for hr in order[:20]:
            at = np.flatnonzero(rr == hr)
            hdr = {int(cc[i]): unicodedata.normalize("NFKC", str(tt[i])).strip() for i in at}
            if not any(v.casefold() in _REGION_HEADERS for v in hdr.values()):
                continue
            width = max(c for c, v in hdr.items() if v)
            header = [hdr.get(c, "") for c in range(1, width + 1)]
            sel = (rr > hr) & (cc <= width)
            sel[sel] = [bool(str(x).strip()) for x in tt[sel]]  # blank cells do not make a row
            body_rows = np.unique(rr[sel])
            # the body is padded to the header's width: count the padded cells before building them
            # (a header reaching column 1,000 over a million one-cell rows is a billion cells)
            if len(body_rows) > limits.MAX_ROWS:
                raise _limit_error(name, "rows", len(body_rows))
            if len(body_rows) * width > limits.MAX_CELLS:
                raise _limit_error(name, "cells", len(body_rows) * width)
            grid = np.full((len(body_rows), width), "", dtype=object)
            keep = (rr > hr) & (cc <= width) & np.isin(rr, body_rows)
            grid[np.searchsorted(body_rows, rr[keep]), cc[keep] - 1] = tt[keep]
            df = pd.DataFrame(grid, columns=header, dtype=object) if len(body_rows) else pd.DataFrame(columns=header)
            df = df.astype(str)
            df.attrs["sheet"] = sn
            df.attrs["header_row"] = int(hr)
            df.attrs["rows"] = [int(r) for r in body_rows]
            return df
    raise DataError("No sheet has a header row with a 'region' (地区) column.",
                    "没有工作表含有带“region”（地区）列的表头行。", file=name)


_REGION_HEADERS = {"region", "地区", "省份", "省份/地区", "region_zh", "province", "地区 region"}
_YEAR_HEADERS = {"year", "年份", "年", "年份 year"}
_IND_HEADERS = {"indicator", "指标", "indicator_id"}
_VAL_HEADERS = {"value", "值", "数值"}
_META_COLUMNS = {"source", "provenance", "note", "notes", "unit", "备注", "来源", "name_en", "name_zh",
                 "region_en", "region_zh", "adcode", "method", "来源类型", "来源类型 provenance"}


def _find(cols, names):
    for c in cols:
        if c.casefold() in names:
            return c
    return None


# ============================================================================================
# the data set
# ============================================================================================
@dataclass(frozen=True)
class Coverage:
    by_region: pd.Series      # share of non-missing leaf values per region (0-1)
    by_indicator: pd.Series   # share of non-missing values per indicator (0-1)
    missing: pd.DataFrame     # region, year, indicator of each missing value


def _region_aliases(regions, region_info) -> dict:
    """:func:`iiscore.names.key` of id / full / short / English name / adcode / ISO code -> region id.

    Ids come first: an id always means its own region. The English name's parts (``Xizang
    (Tibet)``) are aliases too, as whole words.
    """
    alias = {}
    for r in regions:
        alias.setdefault(name_key(r), r)
    if region_info is None:
        return alias
    cols = [c for c in ("name_zh", "name_zh_short", "name_en", "adcode", "iso_3166_2") if c in region_info.columns]
    for r, row in zip(region_info.index, region_info[cols].to_dict("records")):
        alias.setdefault(name_key(r), r)
        for c in cols:
            v = row[c]
            if v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip():
                continue
            if c == "adcode" and isinstance(v, (float, np.floating)) and float(v).is_integer():
                v = int(v)
            alias.setdefault(name_key(v), r)
            if c == "name_en":  # 'Xizang (Tibet)' also answers to 'Xizang' and 'Tibet'
                for part in re.split(r"[()]", str(v)):
                    if part.strip():
                        alias.setdefault(name_key(part), r)
    return alias


class Dataset:
    """Immutable indicator data: a long table plus per-year matrices.

    ``long`` has columns ``region, year, indicator, value`` and whatever extra columns the source
    had (``source``, ``provenance``, ...). ``region_info`` (optional) is indexed by region id and
    may carry ``name_zh``, ``name_zh_short``, ``name_en``, ``adcode`` for name resolution.
    ``name_map`` lists the names of the source that were mapped onto region ids, ``notes`` what the
    loader did (bilingual pairs).
    """

    __slots__ = ("_long", "_regions", "_years", "_indicators", "_cube", "_info", "_alias", "name",
                 "name_map", "notes")

    def __init__(self, long: pd.DataFrame, region_info: pd.DataFrame | None = None,
                 name: str = "data", regions=None, _alias=None, name_map=(), notes=()):
        long = long.copy()
        long["year"] = long["year"].astype(int)
        long["value"] = long["value"].astype(float)
        # pd.unique keeps the order of first appearance (and is C speed, unlike dict.fromkeys of a Series)
        if regions is None:
            regions = tuple(pd.unique(long["region"].to_numpy(dtype=object)))
        object.__setattr__(self, "_long", long)
        object.__setattr__(self, "_regions", tuple(regions))
        object.__setattr__(self, "_years", tuple(int(y) for y in sorted(pd.unique(long["year"].to_numpy()))))
        object.__setattr__(self, "_indicators", tuple(pd.unique(long["indicator"].to_numpy(dtype=object))))
        object.__setattr__(self, "_info", None if region_info is None else region_info.copy())
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "name_map", tuple(name_map))
        object.__setattr__(self, "notes", tuple(notes))
        # one regions × indicators matrix per year, filled by integer codes (no pivot per year)
        ridx, iidx = pd.Index(self._regions, name="region"), pd.Index(self._indicators, name="indicator")
        r = ridx.get_indexer(long["region"])
        i = iidx.get_indexer(long["indicator"])
        yv = long["year"].to_numpy()
        vals = long["value"].to_numpy(float)
        cube = {}
        for y in self._years:
            sel = (yv == y) & (r >= 0)
            m = np.full((len(ridx), len(iidx)), np.nan)
            m[r[sel], i[sel]] = vals[sel]
            m.flags.writeable = False
            cube[int(y)] = pd.DataFrame(m, index=ridx, columns=iidx)
        object.__setattr__(self, "_cube", cube)
        alias = dict(_alias) if _alias is not None else _region_aliases(self._regions, region_info)
        object.__setattr__(self, "_alias", alias)

    def __setattr__(self, key, value):
        raise AttributeError("Dataset is immutable; use replace_values() to derive a new one")

    def __repr__(self):
        return (f"Dataset({self.name!r}, regions={len(self._regions)}, years={list(self._years)}, "
                f"indicators={len(self._indicators)})")

    @property
    def long(self) -> pd.DataFrame:
        return self._long.copy()

    @property
    def regions(self) -> tuple:
        return self._regions

    @property
    def years(self) -> tuple[int, ...]:
        return self._years

    @property
    def indicators(self) -> tuple[str, ...]:
        return self._indicators

    @property
    def region_info(self) -> pd.DataFrame | None:
        return None if self._info is None else self._info.copy()

    def matrix(self, year: int, indicators=None) -> pd.DataFrame:
        """Regions × indicators for ``year`` (a copy; NaN where missing)."""
        year = int(year)
        if year not in self._cube:
            raise DataError(f"No data for year {year}; the data cover {', '.join(map(str, self._years))}.",
                            f"没有 {year} 年的数据；数据覆盖 {'、'.join(map(str, self._years))} 年。",
                            parameter="year")
        m = self._cube[year]
        return (m if indicators is None else m.reindex(columns=list(indicators))).copy()

    def resolve_region(self, name, parameter: str = "region") -> str:
        """Region id from its id, full, short or English name, adcode or ISO code, or the spelling
        the source used -- matched exactly (case and width insensitive), never by prefix.

        Raises
        ------
        DataError
            Unknown name (parameter ``parameter``), with the closest names as suggestions.
        """
        k = name_key(name)
        r = self._alias.get(k)
        if r is not None and r in set(self._regions):
            return r
        present = set(self._regions)
        aliases = {a: v for a, v in self._alias.items() if v in present}
        en, zh = did_you_mean(name, aliases, self._regions)
        shown = str(name) if len(str(name)) <= 60 else str(name)[:59] + "…"
        raise DataError(f"Unknown region '{shown}' (names must match exactly).{en}",
                        f"未知地区“{shown}”（名称须完全一致）。{zh}", parameter=parameter)

    def region_name(self, region, lang: str = "zh") -> str:
        if self._info is not None and region in self._info.index:
            col = "name_en" if lang == "en" else ("name_zh_short" if "name_zh_short" in self._info else "name_zh")
            if col in self._info.columns and pd.notna(self._info.at[region, col]):
                return str(self._info.at[region, col])
        return str(region)

    def replace_values(self, changes: pd.DataFrame) -> "Dataset":
        """A new Dataset with ``changes`` (region, year, indicator, value) applied.

        Replaced and added rows get ``provenance = 'scenario'`` (the column is added when the source
        had none), so an edited value is never presented as a published statistic.
        """
        key = ["region", "year", "indicator"]
        ch = changes[key + ["value"]].copy()
        ch["year"] = ch["year"].astype(int)
        ch = ch.drop_duplicates(key, keep="last")  # later edits of the same cell win
        long = self._long
        pos = dict(zip(zip(long["region"], long["year"], long["indicator"]), range(len(long))))
        where = np.array([pos.get(k, -1) for k in zip(ch["region"], ch["year"], ch["indicator"])], dtype=int)
        hit = where >= 0
        long = long.copy()
        if "provenance" not in long.columns:
            long["provenance"] = "uploaded"
        vcol = long.columns.get_loc("value")
        long.iloc[where[hit], vcol] = ch["value"].to_numpy(float)[hit]
        long.iloc[where[hit], long.columns.get_loc("provenance")] = "scenario"
        if (~hit).any():
            long = pd.concat([long, ch[~hit].assign(provenance="scenario")], ignore_index=True)
        regions = self._regions + tuple(r for r in dict.fromkeys(ch.loc[~hit, "region"]) if r not in self._regions)
        return Dataset(long, self._info, self.name, regions, _alias=self._alias, name_map=self.name_map,
                       notes=self.notes)

    def coverage(self, indicators=None, years=None) -> Coverage:
        inds = list(indicators or self._indicators)
        ys = list(years or self._years)
        frames = []
        for y in ys:
            m = self.matrix(y, inds)
            frames.append(m.isna().stack().rename("missing").reset_index().assign(year=y))
        allm = pd.concat(frames, ignore_index=True)
        allm.columns = ["region", "indicator", "missing", "year"]
        by_region = 1 - allm.groupby("region", sort=False)["missing"].mean()
        by_ind = 1 - allm.groupby("indicator", sort=False)["missing"].mean()
        miss = allm.loc[allm["missing"], ["region", "year", "indicator"]].reset_index(drop=True)
        return Coverage(by_region.reindex(list(self._regions)), by_ind.reindex(inds), miss)


# ============================================================================================
# loading
# ============================================================================================
def _nfkc_column(series: pd.Series) -> pd.Series:
    """``NFKC(str(v)).strip()`` of every cell, computed once per distinct value (C-speed factorize)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    norm = np.array([unicodedata.normalize("NFKC", str(u)).strip() for u in uniques], dtype=object)
    return pd.Series(norm[codes] if len(norm) else np.array([], dtype=object), index=series.index, dtype="str")


def _obj(values) -> pd.Series:
    """A column of Python strings kept as objects while the table is assembled (turning 1.5 million
    of them into Arrow strings and back costs seconds; the final table converts once)."""
    return pd.Series(values, dtype=object)


def _resolve_indicator(framework, text, en: str, zh: str, **where) -> str:
    """The framework's id for an indicator written as ``text``, or a DataError (``en``/``zh`` plus the
    framework's "did you mean" hint) naming where it was written."""
    try:
        return framework.resolve(text)
    except Exception as exc:
        hint = getattr(exc, "en", "")
        hint = hint[hint.find("Did you mean"):] if "Did you mean" in hint else ""
        hint_zh = getattr(exc, "zh", "")
        hint_zh = hint_zh[hint_zh.find("是否指"):] if "是否指" in hint_zh else ""
        raise DataError(f"{en} {hint}".strip(), f"{zh}{hint_zh}", **where) from None


def _first_rows(series: pd.Series) -> np.ndarray:
    """Positions of the first occurrence of each distinct value, in order."""
    codes, _ = pd.factorize(series, use_na_sentinel=False)
    _, first = np.unique(codes, return_index=True)
    return np.sort(first)


def _short(text, n: int = 40) -> str:
    t = str(text)
    return t if len(t) <= n else t[: n - 1] + "…"


def _parse_values(series: pd.Series, name, rows, column, decimal: str, errors: list) -> np.ndarray:
    """Numbers of a column: a vectorised path for plain numbers, :func:`parse_number` for the rest.

    Cells holding an Excel error value are appended to ``errors`` as (row, column, text)."""
    if pd.api.types.is_string_dtype(series.dtype) and not pd.api.types.is_object_dtype(series.dtype):
        # the readers' string columns (Arrow-backed): strip and match in Arrow, not element by element
        text = series.fillna("").str.strip()
    else:  # a DataFrame given by the caller: any objects
        text = pd.Series([("" if v is None else str(v)).strip() for v in series.tolist()], index=series.index,
                         dtype="str")
    # ASCII digits only here ('\d' would take full-width digits, which pandas cannot parse; the
    # slow path reads them through NFKC)
    plain = text.str.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?") if decimal == "." else \
        text.str.fullmatch(r"[+-]?[0-9]+")
    out = np.full(len(text), np.nan)
    if plain.any():
        out[plain.to_numpy()] = pd.to_numeric(text[plain], errors="coerce").to_numpy(float)
    rest = np.flatnonzero(~plain.to_numpy())
    vals = text.to_numpy(dtype=object)
    for i in rest:
        v = vals[i]
        try:
            out[i] = parse_number(v, decimal)
        except ValueError:
            out[i] = np.inf  # reported below with its row
        else:
            if unicodedata.normalize("NFKC", v).strip().casefold() in EXCEL_ERRORS:
                errors.append((int(rows[i]), column, unicodedata.normalize("NFKC", v).strip()))
    huge = np.isfinite(out) & (np.abs(out) > limits.MAX_ABS_VALUE)
    if huge.any():
        i = int(np.flatnonzero(huge)[0])
        raise DataError(
            f"'{_short(vals[i])}' is larger than {limits.MAX_ABS_VALUE:g} in size (the limit). Write the column in "
            f"larger units (e.g. 亿 or billions).",
            f"“{_short(vals[i])}”的绝对值超过 {limits.MAX_ABS_VALUE:g}（上限）。请改用更大的单位（如亿）填写该列。",
            file=name, row=int(rows[i]), column=_short(column))
    bad = ~np.isfinite(out) & ~np.isnan(out)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        v = vals[i]
        hint_en = (" (a decimal comma? choose decimal comma when loading)" if decimal == "." and
                   re.fullmatch(r"[+-]?\d+,\d+", str(v).strip()) else "")
        hint_zh = "（若是小数逗号，请在加载时选择“小数逗号”）" if hint_en else ""
        raise DataError(
            f"'{_short(v)}' is not a number{hint_en}. Write a plain number (1234, 1,234, 1.2万, 12%) or leave it "
            f"empty / '-' for a missing value.",
            f"“{_short(v)}”不是数字{hint_zh}。请填写数字（如 1234、1,234、1.2万、12%），缺失值请留空或填“-”。",
            file=name, row=int(rows[i]), column=_short(column))
    return out


def _map_regions(raw: np.ndarray, region_info, name, rows, column):
    """Region ids for the names of the file (exact matches onto ``region_info``; others kept).

    Returns (ids, name_map, aliases): ``name_map`` is ((written, id), ...) for every name that was
    mapped onto a different id; ``aliases`` maps the keys of the written names to their ids.
    """
    ref = _region_aliases(tuple(region_info.index), region_info) if region_info is not None else {}
    first_row, to_id, by_id = {}, {}, {}
    for v, row in zip(raw, rows):
        if v in to_id:
            continue
        first_row[v] = int(row)
        k = name_key(v)
        rid = ref.get(k, v)
        to_id[v] = rid
        by_id.setdefault(rid, {}).setdefault(k, v)
    # the first problem in the file's order: one region written two ways, or two regions whose names
    # differ only in case, letter width or spaces (they could not be told apart when named later, in
    # an edit or a link: refused rather than one answering for both)
    problems = []
    for rid, sp in by_id.items():
        if len(sp) > 1:
            a, b = list(sp.values())[:2]
            problems.append((first_row[b], "spelling", a, b, rid))
    seen: dict = {}
    for v, rid in to_id.items():
        other = seen.setdefault(name_key(rid), (rid, v))
        if other[0] != rid:
            problems.append((first_row[v], "indistinct", other[1], v, rid))
    if problems:
        _, kind, a, b, rid = min(problems, key=lambda p: p[0])
        if kind == "spelling":
            raise DataError(
                f"'{_short(a)}' (row {first_row[a]}) and '{_short(b)}' (row {first_row[b]}) both name the region "
                f"{rid}. Use one spelling per region.",
                f"“{_short(a)}”（第 {first_row[a]} 行）与“{_short(b)}”（第 {first_row[b]} 行）指的是同一地区 {rid}。"
                f"每个地区请只用一种写法。", file=name, row=first_row[b], column=column)
        raise DataError(
            f"'{_short(a)}' (row {first_row[a]}) and '{_short(b)}' (row {first_row[b]}) differ only in case, "
            f"letter width or spaces, so they cannot be told apart. Name each region distinctly.",
            f"“{_short(a)}”（第 {first_row[a]} 行）与“{_short(b)}”（第 {first_row[b]} 行）只有大小写、全半角或空格"
            f"不同，无法区分。请给每个地区一个可区分的名称。", file=name, row=first_row[b], column=column)
    name_map = tuple((v, rid) for v, rid in to_id.items() if v != rid)
    aliases = {name_key(v): rid for v, rid in to_id.items()}
    return np.array([to_id[v] for v in raw], dtype=object), name_map, aliases


def _notes_for(name_map, excel_errors, regions, region_info) -> list:
    notes = []
    if name_map:
        shown = ", ".join(f"{a} → {b}" for a, b in name_map[:12]) + (" …" if len(name_map) > 12 else "")
        shown_zh = "，".join(f"{a} → {b}" for a, b in name_map[:12]) + (" …" if len(name_map) > 12 else "")
        notes.append((f"{len(name_map)} region name(s) mapped onto the reference list: {shown}.",
                      f"{len(name_map)} 个地区名已对应到参考名单：{shown_zh}。"))
    if excel_errors:
        shown = ", ".join(f"row {r} column '{_short(c, 20)}' ({t})" for r, c, t in excel_errors[:8])
        shown_zh = "，".join(f"第 {r} 行“{_short(c, 20)}”列（{t}）" for r, c, t in excel_errors[:8])
        more = " …" if len(excel_errors) > 8 else ""
        notes.append((f"{len(excel_errors)} cell(s) hold spreadsheet error values, read as missing values: "
                      f"{shown}{more}.",
                      f"{len(excel_errors)} 个单元格为表格公式错误值，按缺失值读取：{shown_zh}{more}。"))
    if region_info is not None:
        present = set(regions)
        known = [r for r in region_info.index if r in present]
        if known and len(known) >= len(region_info) / 2 and len(known) < len(region_info):
            lack = [r for r in region_info.index if r not in present]
            notes.append((f"{len(lack)} region(s) of the reference list are not in the data: {', '.join(map(str, lack))}.",
                          f"参考名单中有 {len(lack)} 个地区不在数据中：{'、'.join(map(str, lack))}。"))
    return notes


def load_data(source, framework=None, *, name=None, region_info: pd.DataFrame | None = None,
              sheet=None, decimal: str = ".") -> Dataset:
    """Load indicator data (long or wide; CSV in UTF-8/BOM/GBK, or XLSX) and validate it.

    With ``framework``, indicator columns or ids are resolved (id, Chinese or English name; exact) and
    checked: unknown indicators are an error naming the column or row, and every framework leaf
    must have data. Regions may be written as ids, full, short or English names, adcodes or ISO codes
    when ``region_info`` is given; they are mapped to the ids, exactly, and reported.

    Parameters
    ----------
    decimal : {".", ","}
        The decimal mark of the numbers; ``","`` reads ``1,5`` as 1.5 (and ``.`` or a space as the
        thousands separator). Never guessed.

    Raises
    ------
    DataError
        With the file, the row (as a spreadsheet counts it, header = 1) and the column.
    """
    from .errors import check_choice

    check_choice("decimal", decimal, DECIMALS)
    if isinstance(source, pd.DataFrame):
        df = source.astype(object).copy()
        df.columns = [str(c).strip() for c in df.columns]
        name = name or "table"
        header_row = 1
        rownums = None
    else:
        name = name or (str(source) if isinstance(source, (str, Path)) else (getattr(source, "name", None) or "upload"))
        df = read_table(source, name=name, sheet=sheet)
        header_row = df.attrs.get("header_row", 1)
        rownums = df.attrs.get("rows")
    rows = np.asarray(rownums, dtype=np.int64) if rownums is not None else np.arange(len(df)) + header_row + 1
    cols = list(df.columns)
    long_header = [c for c in cols if len(str(c)) > limits.MAX_TEXT]
    if long_header:
        raise DataError(f"A header has {len(long_header[0]):,} characters (at most {limits.MAX_TEXT}).",
                        f"某个表头有 {len(long_header[0]):,} 个字符（最多 {limits.MAX_TEXT} 个）。", file=name,
                        column=_short(long_header[0]))
    rcol = _find(cols, _REGION_HEADERS)
    ycol = _find(cols, _YEAR_HEADERS)
    if rcol is None:
        raise DataError(f"No 'region' column. Columns found: {', '.join(_short(c, 30) for c in cols[:8])}.",
                        f"缺少“region”（地区）列。已有列：{'、'.join(_short(c, 30) for c in cols[:8])}。", file=name)
    if ycol is None:
        raise DataError("No 'year' column. Add a year column (e.g. 2023).",
                        "缺少“year”（年份）列，请添加年份列（如 2023）。", file=name)
    counts = Counter(cols)
    dup_cols = [c for c in cols if counts[c] > 1]
    if dup_cols:
        raise DataError(f"Column '{_short(dup_cols[0])}' appears more than once.",
                        f"列“{_short(dup_cols[0])}”出现了不止一次。", file=name, column=_short(dup_cols[0]))
    icol, vcol = _find(cols, _IND_HEADERS), _find(cols, _VAL_HEADERS)
    # note rows (the template's English names and units) start with '#'
    regions_raw = _nfkc_column(df[rcol])
    keep = ~regions_raw.str.startswith("#").to_numpy()
    if not keep.all():
        df, regions_raw, rows = df.loc[keep].reset_index(drop=True), regions_raw[keep].reset_index(drop=True), rows[keep]
    if len(df) == 0:
        raise DataError("The table has no data rows.", "表格没有数据行。", file=name)
    years_raw = _nfkc_column(df[ycol])
    for i in _first_rows(regions_raw):  # one check per distinct name (a county file repeats each 500 times)
        v, row = regions_raw.iat[i], rows[i]
        if not v or v.casefold() in MISSING_TOKENS:
            raise DataError("Empty region name.", "地区名为空。", file=name, row=int(row), column=_short(rcol))
        if len(v) > limits.MAX_TEXT:
            raise DataError(f"A region name has {len(v):,} characters (at most {limits.MAX_TEXT}).",
                            f"地区名有 {len(v):,} 个字符（最多 {limits.MAX_TEXT} 个）。", file=name, row=int(row),
                            column=_short(rcol))
    yv = pd.to_numeric(years_raw, errors="coerce").to_numpy(float)
    okyear = np.isfinite(yv) & (yv >= 1900) & (yv <= 2200) & (yv == np.floor(yv))
    if not okyear.all():
        i = int(np.flatnonzero(~okyear)[0])
        raise DataError(f"'{_short(years_raw.iloc[i])}' is not a year. Write a four-digit year such as 2023.",
                        f"“{_short(years_raw.iloc[i])}”不是年份。请写四位年份，如 2023。", file=name, row=int(rows[i]),
                        column=_short(ycol))
    years = yv.astype(int)
    if len(set(years)) > limits.MAX_YEARS:
        raise _limit_error(name, "years", len(set(years)))
    regions, name_map, user_alias = _map_regions(regions_raw.to_numpy(), region_info, name, rows, _short(rcol))
    n_regions = len(set(regions))
    if n_regions > limits.MAX_REGIONS:
        raise _limit_error(name, "regions", n_regions)
    excel_errors: list = []
    if icol is not None and vcol is not None:
        inds = _nfkc_column(df[icol])
        vals = _parse_values(df[vcol], name, rows, vcol, decimal, excel_errors)
        extras = [c for c in cols if c not in (rcol, ycol, icol, vcol)]
        long = pd.DataFrame({"region": _obj(regions), "year": years, "indicator": _obj(inds.to_numpy(dtype=object)),
                             "value": vals, "_row": rows, "_as_written": _obj(regions_raw.to_numpy(dtype=object))})
        for c in extras:
            long[c] = df[c].to_numpy()
        if framework is not None:
            resolved = {}
            ind_col = long["indicator"]
            for i in _first_rows(ind_col):
                v, row = ind_col.iat[i], rows[i]
                if v not in resolved:
                    resolved[v] = _resolve_indicator(
                        framework, v, f"Unknown indicator '{_short(v)}'. Use an indicator id or name from the framework.",
                        f"未知指标“{_short(v)}”。请使用框架中的指标编号或名称。", file=name, row=int(row), column=_short(icol))
            long["indicator"] = long["indicator"].map(resolved)
        if long["indicator"].nunique() > limits.MAX_INDICATORS:
            raise _limit_error(name, "indicators", int(long["indicator"].nunique()))
    else:
        value_cols = [c for c in cols if c not in (rcol, ycol)]
        value_cols = [c for c in value_cols if c.casefold() not in _META_COLUMNS]
        if not value_cols:
            raise DataError("No indicator columns: a wide table needs region, year and one column per indicator.",
                            "没有指标列：宽表需要 region、year 以及每个指标一列。", file=name)
        if len(value_cols) > limits.MAX_INDICATORS:
            raise _limit_error(name, "indicators", len(value_cols))
        ids = {}
        for c in value_cols:
            if framework is not None:
                ids[c] = _resolve_indicator(
                    framework, c, f"Unknown indicator column '{_short(c)}'. Rename it to an indicator id or name "
                    f"from the framework, or remove it.", f"未知的指标列“{_short(c)}”。请改为框架中的指标编号或名称，或删除该列。",
                    file=name, column=_short(c))
            else:
                ids[c] = c
        twice = [i for i, n in Counter(ids.values()).items() if n > 1]
        if twice:
            both = [c for c in value_cols if ids[c] == twice[0]][:2]
            raise DataError(f"Columns '{_short(both[0])}' and '{_short(both[1])}' both hold indicator {twice[0]}.",
                            f"列“{_short(both[0])}”与“{_short(both[1])}”是同一指标 {twice[0]}。", file=name,
                            column=_short(both[1]))
        extras = [c for c in cols if c not in (rcol, ycol) and c not in ids]
        # one block of rows per indicator column, in column order (built with tile/repeat: one frame,
        # not one per column)
        k = len(value_cols)
        vals = np.concatenate([_parse_values(df[c], name, rows, c, decimal, excel_errors) for c in value_cols])
        long = pd.DataFrame({"region": _obj(np.tile(regions, k)), "year": np.tile(years, k),
                             "indicator": _obj(np.repeat(np.array([ids[c] for c in value_cols], dtype=object), len(df))),
                             "value": vals, "_row": np.tile(rows, k),
                             "_as_written": _obj(np.tile(regions_raw.to_numpy(dtype=object), k))})
        for e in extras:
            long[e] = np.tile(df[e].to_numpy(dtype=object), k)
    n_ind = long["indicator"].nunique()
    if n_regions * n_ind * len(set(years)) > limits.MAX_VALUES:
        raise _limit_error(name, "values", n_regions * n_ind * len(set(years)))
    dup = long.duplicated(["region", "year", "indicator"], keep="first")
    if dup.any():
        first = long[dup].iloc[0]
        raise DataError(
            f"Duplicate row for region '{_short(first['_as_written'])}', year {first['year']}, indicator "
            f"'{_short(first['indicator'])}'. Keep one row per region, year and indicator.",
            f"地区“{_short(first['_as_written'])}”、{first['year']} 年、指标“{_short(first['indicator'])}”有重复行。"
            f"每个地区、年份、指标只保留一行。", file=name, row=int(first["_row"]), column=_short(rcol))
    long = long.drop(columns=["_row", "_as_written"])
    if framework is not None:
        distinct = pd.unique(long["indicator"].to_numpy(dtype=object))
        have = set(distinct)
        unknown = [i for i in distinct if i not in framework.ids]
        if unknown:
            raise DataError(f"Unknown indicator '{_short(unknown[0])}'.", f"未知指标“{_short(unknown[0])}”。", file=name)
        nonleaf = [i for i in have if not framework.is_leaf(i)]
        if nonleaf:
            raise DataError(f"'{nonleaf[0]}' is an aggregate in the framework, not an indicator; "
                            f"give data for its indicators instead.",
                            f"“{nonleaf[0]}”在框架中是汇总节点而不是指标，请提供其下级指标的数据。", file=name)
        lacking = [leaf for leaf in framework.leaves if leaf not in have]
        if lacking:
            raise DataError(f"Indicator(s) {', '.join(lacking)} of the framework have no data column.",
                            f"框架中的指标 {'、'.join(lacking)} 没有数据。", file=name)
        order = pd.Index(list(framework.leaves)).get_indexer(long["indicator"].to_numpy(dtype=object))
        long = long.iloc[np.argsort(order, kind="stable")]
    if "provenance" not in long.columns:
        long["provenance"] = "uploaded"
    # A region-year with no row for some indicator is a missing value, not an error: it is kept
    # as NaN in the matrices and listed by coverage(), so nothing is dropped silently.
    regs = tuple(pd.unique(regions))
    info = None
    if region_info is not None:
        present = set(regs)
        info = region_info.loc[[r for r in region_info.index if r in present]]
        extra = [r for r in regs if r not in region_info.index]
        if extra:
            info = pd.concat([info, pd.DataFrame(index=pd.Index(extra, name=info.index.name))])
    alias = _region_aliases(regs, info)
    for k, v in user_alias.items():
        alias.setdefault(k, v)
    notes = _notes_for(name_map, excel_errors, regs, region_info)
    return Dataset(long.reset_index(drop=True), info, name=str(name), regions=regs, _alias=alias,
                   name_map=name_map, notes=notes)
