"""Exports: Excel (one sheet per table plus a sheet describing the scenario), CSV, templates.

Formula injection: a text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be run as a formula by a spreadsheet; such cells get a leading apostrophe. Numeric
cells stay numeric (a negative number is a number, not text). Control characters that the xlsx
format cannot hold (text from uploaded files may carry them) are dropped from Excel exports.
"""
from __future__ import annotations

import io
import re
from typing import Mapping

import numpy as np
import pandas as pd

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def escape_cell(value):
    """Prefix a dangerous text cell with an apostrophe; leave numbers and other values alone."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def escape_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with text cells (and the header and index labels) escaped."""
    out = df.copy()
    for c in out.columns:
        col = out[c]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            out[c] = col.map(escape_cell).astype(object)
    out.columns = [escape_cell(str(c)) if not isinstance(c, (int, np.integer)) else c for c in out.columns]
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(lambda v: escape_cell(v) if isinstance(v, str) else v)
        if isinstance(out.index.name, str):
            out.index.name = escape_cell(out.index.name)
    return out


# characters that XML 1.0, hence xlsx, cannot hold: control characters (openpyxl raises
# IllegalCharacterError), lone surrogates and U+FFFE/U+FFFF (openpyxl writes them and the file is
# corrupt). Text from an uploaded file can carry them; the export must neither fail nor break.
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xlsx_text(value):
    return _XLSX_ILLEGAL.sub("", value) if isinstance(value, str) else value


def _xlsx_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with characters illegal in xlsx removed (before escaping: ``"\x01=1"`` becomes ``"'=1"``)."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(_xlsx_text)
    out.columns = [_xlsx_text(c) for c in out.columns]
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(_xlsx_text)
        out.index.name = _xlsx_text(out.index.name)
    return escape_frame(out)


def to_csv(df: pd.DataFrame, *, index: bool = False) -> bytes:
    """UTF-8 CSV with a byte-order mark (Excel opens Chinese text correctly), escaped.

    Lines end with CRLF so that the csv writer quotes every field holding a CR or LF: with
    pandas' default "\n" a lone CR was written bare, a spreadsheet started a new row there, and
    text after it (``"a\r=cmd"``) became a cell of its own, unescaped.
    """
    return escape_frame(df).to_csv(index=index, lineterminator="\r\n").encode("utf-8-sig")


def _sheet_name(name: str, used: set) -> str:
    base = _SHEET_BAD.sub("_", str(name)).strip("'") or "sheet"
    base = base[:31]
    cand, i = base, 2
    while cand.casefold() in used:
        suffix = f"_{i}"
        cand = base[: 31 - len(suffix)] + suffix
        i += 1
    used.add(cand.casefold())
    return cand


def to_excel(tables: Mapping[str, pd.DataFrame], about: pd.DataFrame | None = None,
             about_name: str = "scenario") -> bytes:
    """An .xlsx with ``about`` (the scenario description) first, then one sheet per table."""
    buf = io.BytesIO()
    used: set = set()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        if about is not None:
            _xlsx_frame(about).to_excel(xw, sheet_name=_sheet_name(about_name, used), index=False)
        for name, df in tables.items():
            frame = df if isinstance(df, pd.DataFrame) else pd.DataFrame(df)
            keep_index = not isinstance(frame.index, pd.RangeIndex)
            _xlsx_frame(frame).to_excel(xw, sheet_name=_sheet_name(name, used), index=keep_index)
        for ws in xw.book.worksheets:
            for col in ws.columns:
                width = max((len(str(c.value)) if c.value is not None else 0) for c in col[:60])
                ws.column_dimensions[col[0].column_letter].width = min(max(8, width * 1.3 + 2), 60)
    return buf.getvalue()


def data_template(framework, regions, years, values: pd.DataFrame | None = None) -> pd.DataFrame:
    """A wide upload template: region, year, one column per indicator id (optionally filled)."""
    rows = []
    for y in years:
        for r in regions:
            row = {"region": r, "year": int(y)}
            for leaf in framework.leaves:
                v = np.nan
                if values is not None and (r, y) in values.index and leaf in values.columns:
                    v = values.at[(r, y), leaf]
                row[leaf] = v
            rows.append(row)
    return pd.DataFrame(rows, columns=["region", "year", *framework.leaves])


def framework_template(framework) -> pd.DataFrame:
    """The framework as a CSV-ready table (id, parent, weight, direction, names, extras)."""
    return framework.to_frame()
