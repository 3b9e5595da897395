"""Exports: Excel (one sheet per table plus a sheet describing the scenario), CSV, templates.

* :func:`to_csv`, :func:`to_excel`: the writers. Formula injection: a text cell that begins with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a formula by a spreadsheet;
  such cells get a leading apostrophe. Numeric cells stay numeric (a negative number is a number,
  not text), so a table that writes its numbers as numbers never shows an apostrophe of its own.
  Control characters that the xlsx format cannot hold (text from uploaded files may carry them) are
  dropped from Excel exports, and line breaks are written as LF. :func:`to_excel` can colour cells
  (``fills``) and freezes the header row.
* :func:`data_template`: the wide upload template -- plain (ids), or filled with a data set's values
  for every year, headed by the indicator names in one language with the other language's names,
  the units and the ids in note rows that :func:`iiscore.load_data` skips; it reads back unchanged.
* :func:`framework_template`: the framework as a CSV-ready table.
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
    for i in range(out.shape[1]):  # by position: headers may repeat
        col = out.iloc[:, i]
        if not (pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col)):
            out.isetitem(i, col.map(escape_cell).astype(object))
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


def _xlsx_newlines(value):
    # a line break in a cell is LF; openpyxl writes a CR as a character reference that some readers
    # keep and others (XML normalisation) turn into LF: one answer whatever the writer's backend
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def _xlsx_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with characters illegal in xlsx removed (before escaping: ``"\x01=1"`` becomes ``"'=1"``),
    escaped, and line breaks written as LF (after escaping: ``"\r=1"`` becomes ``"'\n=1"``).

    Columns are handled by position: two headers may be equal, or become equal once their illegal
    characters are removed (``"\x1f"`` and ``""``)."""
    out = df.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            out.isetitem(i, col.map(_xlsx_text))
    out.columns = [_xlsx_text(c) for c in out.columns]
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(_xlsx_text)
        out.index.name = _xlsx_text(out.index.name)
    out = escape_frame(out)
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if col.dtype == object:
            out.isetitem(i, col.map(_xlsx_newlines))
    out.columns = [_xlsx_newlines(c) for c in out.columns]
    if not isinstance(out.index, pd.RangeIndex):
        out.index = out.index.map(_xlsx_newlines)
        out.index.name = _xlsx_newlines(out.index.name)
    return out


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


def _fill(colour: str):
    from openpyxl.styles import PatternFill

    return PatternFill(start_color=colour, end_color=colour, fill_type="solid")


def to_excel(tables: Mapping[str, pd.DataFrame], about: pd.DataFrame | None = None,
             about_name: str = "scenario", *, fills: Mapping[str, pd.DataFrame] | None = None,
             freeze: bool = True) -> bytes:
    """An .xlsx with ``about`` (the scenario description) first, then one sheet per table.

    Parameters
    ----------
    tables : mapping sheet name -> DataFrame
        Written in order; a frame whose index is not a ``RangeIndex`` keeps its index as the first
        column(s). Sheet names are cut to Excel's 31 characters, stripped of ``[]:*?/\\`` and made
        unique (case-insensitively).
    about : DataFrame, optional
        The first sheet, named ``about_name``.
    fills : mapping sheet name -> DataFrame, optional
        Background colours of data cells, by position: a frame of the table's shape (rows and
        columns of the table, not counting its index) holding an RGB hex colour (``"FFF2CC"``) or an
        empty value. Used to mark estimates, changed cells and note rows.
    freeze : bool, default True
        Freeze the header row (and an index column) so that they stay in view while scrolling.

    Text cells are escaped (:func:`escape_cell`) and stripped of characters xlsx cannot hold;
    numbers and booleans are written as such.
    """
    buf = io.BytesIO()
    used: set = set()
    placed: dict = {}
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        if about is not None:
            sheet = _sheet_name(about_name, used)
            _xlsx_frame(about).to_excel(xw, sheet_name=sheet, index=False)
            placed[sheet] = 0
        for name, df in tables.items():
            frame = df if isinstance(df, pd.DataFrame) else pd.DataFrame(df)
            keep_index = not isinstance(frame.index, pd.RangeIndex)
            sheet = _sheet_name(name, used)
            _xlsx_frame(frame).to_excel(xw, sheet_name=sheet, index=keep_index)
            placed[sheet] = frame.index.nlevels if keep_index else 0
            colours = (fills or {}).get(name)
            if colours is not None:
                ws = xw.sheets[sheet]
                grid = np.asarray(colours, dtype=object)
                cache: dict = {}
                for i in range(grid.shape[0] if grid.ndim == 2 else 0):
                    for j in range(grid.shape[1]):
                        colour = grid[i, j]
                        if not (isinstance(colour, str) and colour):
                            continue
                        if colour not in cache:
                            cache[colour] = _fill(colour)
                        ws.cell(row=i + 2, column=j + 1 + placed[sheet]).fill = cache[colour]
        for ws in xw.book.worksheets:
            for col in ws.columns:
                width = max((len(str(c.value)) if c.value is not None else 0) for c in col[:60])
                ws.column_dimensions[col[0].column_letter].width = min(max(8, width * 1.3 + 2), 60)
            if freeze and ws.max_row > 1:
                ws.freeze_panes = ws.cell(row=2, column=1 + placed.get(ws.title, 0))
    return buf.getvalue()


#: Headers of the region and year columns of a template, by language (both read back by
#: :func:`iiscore.load_data`).
TEMPLATE_HEADERS = {"zh": ("地区", "年份"), "en": ("region", "year")}
#: The column holding the region names in the other language (a note column the loader ignores).
TEMPLATE_OTHER_NAME = {"zh": "region_en", "en": "region_zh"}
#: Labels of the note rows (their first cell starts with ``#``: the loader skips them).
TEMPLATE_NOTES = {"zh": ("# English name", "# 单位 unit", "# id"),
                  "en": ("# 中文名称 Chinese name", "# unit 单位", "# id")}


def _header_for(framework, leaf: str, lang: str) -> str:
    """The leaf's name in ``lang`` when it reads back as the leaf (else its id)."""
    from .data import _IND_HEADERS, _META_COLUMNS, _REGION_HEADERS, _VAL_HEADERS, _YEAR_HEADERS

    name = str(framework.name(leaf, lang) or "").strip()
    reserved = _META_COLUMNS | _REGION_HEADERS | _YEAR_HEADERS | _IND_HEADERS | _VAL_HEADERS
    if not name or name.casefold() in reserved or name.startswith("#"):
        return leaf
    try:
        return name if framework.resolve(name) == leaf else leaf
    except Exception:  # noqa: BLE001 - a name that does not resolve: the id does
        return leaf


def _units_of(framework, dataset) -> dict:
    """leaf -> unit as written: the data's ``unit`` column, else the framework's ``unit``."""
    out = {}
    if dataset is not None and "unit" in dataset.long.columns:
        long = dataset.long.dropna(subset=["unit"])
        out = long.drop_duplicates("indicator").set_index("indicator")["unit"].astype(str).to_dict()
    for leaf in framework.leaves:
        if not out.get(leaf):
            out[leaf] = str(framework.node(leaf).extra.get("unit", "") or "")
    return out


def data_template(framework, regions=None, years=None, values: pd.DataFrame | None = None, *,
                  dataset=None, lang: str | None = None, units: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A wide upload template: one row per region and year, one column per indicator.

    Two forms:

    * ``data_template(framework, regions, years, values=None)`` (no ``lang``): the plain form,
      headers ``region, year, <indicator ids>``; ``values`` (optional) is indexed by
      ``(region, year)`` with indicator columns.
    * ``data_template(framework, dataset=ds, lang="zh" | "en", units=None)``: the template a planner
      fills in, pre-filled with every value of ``ds`` (all its years, or ``years``; its regions, or
      ``regions``). Columns: the region (its name in ``lang`` when that name reads back as the
      region, else its id), the region's name in the other language (``region_en`` /
      ``region_zh``, a note column the loader ignores), the year, then one column per indicator
      headed by its name in ``lang`` (its id when the name would not read back unambiguously).
      Below the header, three note rows whose first cell starts with ``#`` (skipped by the loader):
      the indicator names in the other language, the units (``units``: leaf -> text, default the
      data's ``unit`` column, else the framework's ``unit``), and the ids.

    Both forms read back with :func:`iiscore.load_data` to exactly the values written (NaN =
    empty cell = missing value).

    Raises
    ------
    SpecError
        ``lang`` is neither ``"zh"`` nor ``"en"``.
    """
    from .errors import check_choice

    if lang is None:
        regions = list(dataset.regions if regions is None and dataset is not None else regions or [])
        years = list(dataset.years if years is None and dataset is not None else years or [])
        rows = []
        for y in years:
            mat = dataset.matrix(y) if dataset is not None and values is None and y in dataset.years else None
            for r in regions:
                row = {"region": r, "year": int(y)}
                for leaf in framework.leaves:
                    v = np.nan
                    if values is not None and (r, y) in values.index and leaf in values.columns:
                        v = values.at[(r, y), leaf]
                    elif mat is not None and r in mat.index and leaf in mat.columns:
                        v = mat.at[r, leaf]
                    row[leaf] = v
                rows.append(row)
        return pd.DataFrame(rows, columns=["region", "year", *framework.leaves])

    check_choice("lang", lang, tuple(TEMPLATE_HEADERS))
    if dataset is None:
        from .errors import SpecError

        raise SpecError("The filled template needs the data set (dataset=...).",
                        "预填模板需要数据集（dataset=...）。", parameter="dataset")
    other = "en" if lang == "zh" else "zh"
    regions = list(dataset.regions if regions is None else regions)
    years = [int(y) for y in (dataset.years if years is None else years)]
    leaves = list(framework.leaves)
    heads = [_header_for(framework, leaf, lang) for leaf in leaves]
    rh, yh = TEMPLATE_HEADERS[lang]
    info = dataset.region_info
    with_other = info is not None and len(info.columns) > 0

    def shown(r):
        name = dataset.region_name(r, lang)
        try:
            return name if dataset.resolve_region(name) == r else r
        except Exception:  # noqa: BLE001 - a display name that does not read back: the id does
            return r

    units = dict(units) if units is not None else _units_of(framework, dataset)
    cols = [rh, *( [TEMPLATE_OTHER_NAME[lang]] if with_other else []), yh, *heads]
    pad = [""] * (2 if with_other else 1)
    n1, n2, n3 = TEMPLATE_NOTES[lang]
    notes = [
        [n1, *pad, *[framework.name(leaf, other) or "" for leaf in leaves]],
        [n2, *pad, *[units.get(leaf, "") or "" for leaf in leaves]],
        [n3, *pad, *leaves],
    ]
    body = []
    for y in years:
        mat = dataset.matrix(y, leaves) if y in dataset.years else pd.DataFrame(index=regions, columns=leaves)
        for r in regions:
            vals = mat.loc[r].to_numpy(float) if r in mat.index else np.full(len(leaves), np.nan)
            lead = [shown(r), *([dataset.region_name(r, other)] if with_other else []), y]
            body.append([*lead, *vals.tolist()])
    return pd.DataFrame(notes + body, columns=cols)


def framework_template(framework) -> pd.DataFrame:
    """The framework as a CSV-ready table (id, parent, weight, direction, names, extras)."""
    return framework.to_frame()
