"""Reading and validating indicator data.

Two layouts are accepted:

* **long**: columns ``region, year, indicator, value`` (any extra columns, such as ``source``
  or ``provenance``, are kept);
* **wide**: columns ``region, year, <indicator ids...>`` (CSV or XLSX).

CSV encodings: UTF-8, UTF-8 with BOM, GBK/GB18030 (Chinese statistics offices publish GBK).
Numbers as statistics portals write them are parsed (see :func:`parse_number`); a cell that is
not a number is an error naming the file, the row and the column, never a silent drop.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import DataError

MAX_BYTES = 50 * 1024 * 1024
MISSING_TOKENS = {"", "-", "—", "--", "——", "–", "…", "...", "na", "n/a", "nan", "null", "none",
                  "#n/a", "无", "空", "缺失"}
_UNIT_SUFFIX = {"万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "万亿": 1e12}
_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_number(text) -> float:
    """Parse a number as statistics tables write it; return NaN for a missing-value token.

    Accepted: ``1234``, ``1,234`` and ``1 234`` (thousands separators), full-width digits
    (``１２３``), ``12%`` (kept as 12: the unit is the indicator's), ``1.2万`` (= 12000),
    ``3亿`` (= 3e8), ``(12)`` is not accepted. Missing: empty, ``-``, ``—``, ``N/A``, ``NA``,
    ``null``, ``…``. Anything else raises ``ValueError``.
    """
    if text is None:
        return np.nan
    if isinstance(text, (int, float, np.integer, np.floating)) and not isinstance(text, bool):
        return float(text)
    s = unicodedata.normalize("NFKC", str(text)).strip()
    if s.casefold() in MISSING_TOKENS:
        return np.nan
    s = s.replace(",", "").replace(" ", "").replace("\u00a0", "").replace("，", "")
    if s.endswith("%"):
        s = s[:-1]
    mult = 1.0
    for suffix in sorted(_UNIT_SUFFIX, key=len, reverse=True):
        if s.endswith(suffix):
            mult = _UNIT_SUFFIX[suffix]
            s = s[: -len(suffix)]
            break
    if not _NUM_RE.match(s):
        raise ValueError(text)
    v = float(s) * mult
    if not np.isfinite(v):
        raise ValueError(text)
    return v


def _decode(raw: bytes, name) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    for enc in ("utf-8", "gb18030"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        return text
    raise DataError("The file is neither UTF-8 nor GBK/GB18030 text. Save it as CSV (UTF-8) or XLSX.",
                    "文件既不是 UTF-8 也不是 GBK/GB18030 文本。请另存为 CSV（UTF-8）或 XLSX。", file=name)


def read_table(source, *, dtype=str, name=None, sheet=None) -> pd.DataFrame:
    """Read a CSV (any of the supported encodings) or XLSX into a DataFrame of strings.

    ``source`` is a path, bytes, or a binary file-like object (an upload). Binary garbage, empty
    files and files over :data:`MAX_BYTES` are rejected with a DataError naming the file.
    """
    if isinstance(source, (str, Path)):
        name = name or str(source)
        p = Path(source)
        if not p.exists():
            raise DataError("File not found. Check the path.", "找不到文件，请检查路径。", file=name)
        if p.stat().st_size > MAX_BYTES:
            raise DataError(f"The file is larger than {MAX_BYTES // 2**20} MB.",
                            f"文件超过 {MAX_BYTES // 2**20} MB。", file=name)
        raw = p.read_bytes()
    elif isinstance(source, (bytes, bytearray)):
        raw = bytes(source)
    else:
        name = name or getattr(source, "name", None) or "upload"
        raw = source.read()
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
    name = name or "data"
    if len(raw) > MAX_BYTES:
        raise DataError(f"The file is larger than {MAX_BYTES // 2**20} MB.",
                        f"文件超过 {MAX_BYTES // 2**20} MB。", file=name)
    if not raw.strip():
        raise DataError("The file is empty.", "文件是空的。", file=name)
    if raw[:4] == b"PK\x03\x04":
        return _read_xlsx(raw, name, sheet)
    if b"\x00" in raw[:4096]:
        raise DataError("This is not a CSV or XLSX file (binary content). Upload CSV or XLSX.",
                        "这不是 CSV 或 XLSX 文件（二进制内容）。请上传 CSV 或 XLSX。", file=name)
    text = _decode(raw, name)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=dtype, keep_default_na=False, skipinitialspace=True,
                         sep=None if text.count("\t") > text.count(",") else ",", engine="python")
    except (pd.errors.ParserError, csv_error()) as exc:
        raise DataError(f"Cannot read it as CSV ({str(exc).splitlines()[0]}).",
                        f"无法按 CSV 读取（{str(exc).splitlines()[0]}）。", file=name) from None
    except pd.errors.EmptyDataError:
        raise DataError("The file has no header row.", "文件没有表头行。", file=name) from None
    df.columns = [unicodedata.normalize("NFKC", str(c)).strip() for c in df.columns]
    return df


def csv_error():
    import csv
    return csv.Error


def _check_unpacked(raw: bytes, name) -> None:
    """Refuse an .xlsx (a zip) that unpacks to more than :data:`MAX_BYTES`, before parsing.

    openpyxl reads every row before anything can be checked: a 185 KB file unpacking to 46 MB
    took 20 s of CPU and 155 MB, and a 20 MB upload could unpack to gigabytes. The sizes come from
    the zip's directory, which also bounds what zipfile inflates (it stops at the declared size)."""
    import zipfile

    try:
        total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(raw)).infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return  # not a readable zip: openpyxl's refusal below names the file
    if total > MAX_BYTES:
        mb, cap = total / 2**20, MAX_BYTES // 2**20
        raise DataError(f"The Excel file would unpack to {mb:.0f} MB (more than {cap} MB); "
                        "save only the data sheet, or save it as CSV.",
                        f"该 Excel 文件解压后达 {mb:.0f} MB（超过 {cap} MB）；请只保存数据工作表，或另存为 CSV。",
                        file=name)


def _read_xlsx(raw: bytes, name, sheet) -> pd.DataFrame:
    """Read the first sheet that has a ``region`` header (formulas read as their cached values)."""
    import openpyxl

    _check_unpacked(raw, name)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for corrupt files
        raise DataError(f"Cannot open the Excel file ({type(exc).__name__}).",
                        f"无法打开 Excel 文件（{type(exc).__name__}）。", file=name) from None
    sheets = [sheet] if sheet else wb.sheetnames
    for sn in sheets:
        if sn not in wb.sheetnames:
            raise DataError(f"No sheet named '{sn}'.", f"没有名为“{sn}”的工作表。", file=name)
        rows = [list(r) for r in wb[sn].iter_rows(values_only=True)]
        # skip title rows (merged headers): the header is the first row containing 'region'/地区
        for i, r in enumerate(rows[:20]):
            cells = [("" if c is None else unicodedata.normalize("NFKC", str(c)).strip()) for c in r]
            if any(c.casefold() in _REGION_HEADERS for c in cells):
                header = cells
                while header and header[-1] == "":
                    header.pop()
                formulas = None
                body = []
                for ri, row in enumerate(rows[i + 1:], start=i + 2):
                    cells_out = []
                    for ci, c in enumerate(row[: len(header)], start=1):
                        if c is None:
                            # a formula that Excel never calculated has no cached value: show the
                            # formula so the parser names the cell, rather than reading it as empty
                            if formulas is None:
                                formulas = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)[sn]
                            f = formulas.cell(row=ri, column=ci).value
                            c = f"formula {f} (not calculated: open and save the file in Excel)" \
                                if isinstance(f, str) and f.startswith("=") else ""
                        cells_out.append(c if isinstance(c, (int, float)) else str(c))
                    body.append(cells_out)
                body = [b for b in body if any(str(c).strip() for c in b)]
                df = pd.DataFrame(body, columns=header).astype(str)
                df.attrs["sheet"] = sn
                df.attrs["header_row"] = i + 1
                return df
    raise DataError("No sheet has a header row with a 'region' (地区) column.",
                    "没有工作表含有带“region”（地区）列的表头行。", file=name)


_REGION_HEADERS = {"region", "地区", "省份", "省份/地区", "region_zh", "province"}
_YEAR_HEADERS = {"year", "年份", "年"}
_IND_HEADERS = {"indicator", "指标", "indicator_id"}
_VAL_HEADERS = {"value", "值", "数值"}


def _find(cols, names):
    for c in cols:
        if c.casefold() in names:
            return c
    return None


@dataclass(frozen=True)
class Coverage:
    by_region: pd.Series      # share of non-missing leaf values per region (0-1)
    by_indicator: pd.Series   # share of non-missing values per indicator (0-1)
    missing: pd.DataFrame     # region, year, indicator of each missing value


class Dataset:
    """Immutable indicator data: a long table plus per-year matrices.

    ``long`` has columns ``region, year, indicator, value`` and whatever extra columns the source
    had (``source``, ``provenance``, ...). ``region_info`` (optional) is indexed by region id and
    may carry ``name_zh``, ``name_zh_short``, ``name_en``, ``adcode`` for name resolution.
    """

    __slots__ = ("_long", "_regions", "_years", "_indicators", "_cube", "_info", "_alias", "name")

    def __init__(self, long: pd.DataFrame, region_info: pd.DataFrame | None = None,
                 name: str = "data", regions=None, _alias=None):
        long = long.copy()
        long["year"] = long["year"].astype(int)
        long["value"] = long["value"].astype(float)
        if regions is None:
            regions = (tuple(region_info.index) if region_info is not None
                       else tuple(dict.fromkeys(long["region"])))
            present = set(long["region"])
            regions = tuple(r for r in regions if r in present)
        object.__setattr__(self, "_long", long)
        object.__setattr__(self, "_regions", tuple(regions))
        object.__setattr__(self, "_years", tuple(sorted(set(long["year"]))))
        object.__setattr__(self, "_indicators", tuple(dict.fromkeys(long["indicator"])))
        object.__setattr__(self, "_info", None if region_info is None else region_info.copy())
        object.__setattr__(self, "name", name)
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

    def resolve_region(self, name) -> str:
        key = str(name).strip().casefold()
        if key in self._alias:
            return self._alias[key]
        # a full name like 广西壮族自治区 given where ids are short names, or the other way round
        for r in self._regions:
            if key.startswith(str(r).casefold()) or str(r).casefold().startswith(key) and len(key) >= 2:
                return r
        raise DataError(
            f"Unknown region '{name}'. Use a name from the data, e.g. {', '.join(map(str, self._regions[:3]))}.",
            f"未知地区“{name}”。请使用数据中的地区名，如 {'、'.join(map(str, self._regions[:3]))}。",
            parameter="region")

    def region_name(self, region, lang: str = "zh") -> str:
        if self._info is not None and region in self._info.index:
            col = "name_en" if lang == "en" else ("name_zh_short" if "name_zh_short" in self._info else "name_zh")
            if col in self._info.columns and pd.notna(self._info.at[region, col]):
                return str(self._info.at[region, col])
        return str(region)

    def replace_values(self, changes: pd.DataFrame) -> "Dataset":
        """A new Dataset with ``changes`` (region, year, indicator, value) applied.

        Replaced rows get ``provenance = 'scenario'`` when the table has that column, so an edited
        value is never presented as a published statistic.
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
        vcol = long.columns.get_loc("value")
        long.iloc[where[hit], vcol] = ch["value"].to_numpy(float)[hit]
        if "provenance" in long.columns:
            long.iloc[where[hit], long.columns.get_loc("provenance")] = "scenario"
        if (~hit).any():
            long = pd.concat([long, ch[~hit]], ignore_index=True)
        regions = self._regions + tuple(r for r in dict.fromkeys(ch.loc[~hit, "region"]) if r not in self._regions)
        return Dataset(long, self._info, self.name, regions, _alias=self._alias)

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


def _parse_values(series: pd.Series, name, rows, column) -> np.ndarray:
    out = np.empty(len(series))
    for i, (v, row) in enumerate(zip(series.tolist(), rows)):
        try:
            out[i] = parse_number(v)
        except ValueError:
            raise DataError(
                f"'{v}' is not a number. Write a plain number (1234, 1,234, 1.2万, 12%) or leave it "
                f"empty / '-' for a missing value.",
                f"“{v}”不是数字。请填写数字（如 1234、1,234、1.2万、12%），缺失值请留空或填“-”。",
                file=name, row=row, column=column) from None
    return out


def load_data(source, framework=None, *, name=None, region_info: pd.DataFrame | None = None,
              sheet=None) -> Dataset:
    """Load indicator data (long or wide; CSV in UTF-8/BOM/GBK, or XLSX) and validate it.

    With ``framework``, indicator columns or ids are resolved (id, Chinese or English name) and
    checked: unknown indicators are an error naming the column or row, and every framework leaf
    must have data. Regions may be written as ids, full, short or English names when
    ``region_info`` is given; they are mapped to the ids.

    Raises
    ------
    DataError
        With the file, the row (as a spreadsheet counts it, header = 1) and the column.
    """
    if isinstance(source, pd.DataFrame):
        df = source.astype(object).copy()
        df.columns = [str(c).strip() for c in df.columns]
        name = name or "table"
        header_row = 1
    else:
        name = name or (str(source) if isinstance(source, (str, Path)) else (getattr(source, "name", None) or "upload"))
        df = read_table(source, name=name, sheet=sheet)
        header_row = df.attrs.get("header_row", 1)
    rows = np.arange(len(df)) + header_row + 1
    cols = list(df.columns)
    rcol = _find(cols, _REGION_HEADERS)
    ycol = _find(cols, _YEAR_HEADERS)
    if rcol is None:
        raise DataError(f"No 'region' column. Columns found: {', '.join(cols[:8])}.",
                        f"缺少“region”（地区）列。已有列：{'、'.join(cols[:8])}。", file=name)
    if ycol is None:
        raise DataError("No 'year' column. Add a year column (e.g. 2023).",
                        "缺少“year”（年份）列，请添加年份列（如 2023）。", file=name)
    dup_cols = [c for c in cols if cols.count(c) > 1]
    if dup_cols:
        raise DataError(f"Column '{dup_cols[0]}' appears more than once.",
                        f"列“{dup_cols[0]}”出现了不止一次。", file=name, column=dup_cols[0])
    icol, vcol = _find(cols, _IND_HEADERS), _find(cols, _VAL_HEADERS)
    # the region id: full/short/English names map onto region_info's index
    regions_raw = df[rcol].map(lambda v: unicodedata.normalize("NFKC", str(v)).strip())
    years_raw = df[ycol].map(lambda v: unicodedata.normalize("NFKC", str(v)).strip())
    for v, row in zip(regions_raw, rows):
        if not v or v.casefold() in MISSING_TOKENS:
            raise DataError("Empty region name.", "地区名为空。", file=name, row=int(row), column=rcol)
    years = np.empty(len(df), dtype=int)
    for i, (v, row) in enumerate(zip(years_raw, rows)):
        try:
            f = float(v)
            if not 1900 <= f <= 2200 or f != int(f):
                raise ValueError
            years[i] = int(f)
        except ValueError:
            raise DataError(f"'{v}' is not a year. Write a four-digit year such as 2023.",
                            f"“{v}”不是年份。请写四位年份，如 2023。", file=name, row=int(row), column=ycol) from None
    regions = _map_regions(regions_raw, region_info, name, rows, rcol)
    if icol is not None and vcol is not None:
        inds = df[icol].map(lambda v: str(v).strip())
        vals = _parse_values(df[vcol], name, rows, vcol)
        extras = [c for c in cols if c not in (rcol, ycol, icol, vcol)]
        long = pd.DataFrame({"region": regions, "year": years, "indicator": inds.to_numpy(),
                             "value": vals, "_row": rows})
        for c in extras:
            long[c] = df[c].to_numpy()
        if framework is not None:
            resolved = {}
            for v, row in zip(long["indicator"], rows):
                if v not in resolved:
                    try:
                        resolved[v] = framework.resolve(v)
                    except Exception:
                        raise DataError(
                            f"Unknown indicator '{v}'. Use an indicator id or name from the framework.",
                            f"未知指标“{v}”。请使用框架中的指标编号或名称。", file=name, row=int(row), column=icol) from None
            long["indicator"] = long["indicator"].map(resolved)
    else:
        value_cols = [c for c in cols if c not in (rcol, ycol)]
        meta_cols = {"source", "provenance", "note", "notes", "unit", "备注", "来源", "name_en", "name_zh",
                     "region_en", "region_zh", "adcode"}
        value_cols = [c for c in value_cols if c.casefold() not in meta_cols]
        if not value_cols:
            raise DataError("No indicator columns: a wide table needs region, year and one column per indicator.",
                            "没有指标列：宽表需要 region、year 以及每个指标一列。", file=name)
        ids = {}
        for c in value_cols:
            if framework is not None:
                try:
                    ids[c] = framework.resolve(c)
                except Exception:
                    raise DataError(f"Unknown indicator column '{c}'. Rename it to an indicator id or name "
                                    f"from the framework, or remove it.",
                                    f"未知的指标列“{c}”。请改为框架中的指标编号或名称，或删除该列。",
                                    file=name, column=c) from None
            else:
                ids[c] = c
        parts = []
        for c in value_cols:
            parts.append(pd.DataFrame({"region": regions, "year": years, "indicator": ids[c],
                                       "value": _parse_values(df[c], name, rows, c), "_row": rows}))
        long = pd.concat(parts, ignore_index=True)
    dup = long.duplicated(["region", "year", "indicator"], keep="first")
    if dup.any():
        first = long[dup].iloc[0]
        raise DataError(
            f"Duplicate row for region '{first['region']}', year {first['year']}, indicator "
            f"'{first['indicator']}'. Keep one row per region, year and indicator.",
            f"地区“{first['region']}”、{first['year']} 年、指标“{first['indicator']}”有重复行。"
            f"每个地区、年份、指标只保留一行。", file=name, row=int(first["_row"]), column=rcol)
    long = long.drop(columns="_row")
    if framework is not None:
        have = set(long["indicator"])
        unknown = [i for i in dict.fromkeys(long["indicator"]) if i not in framework.ids]
        if unknown:
            raise DataError(f"Unknown indicator '{unknown[0]}'.", f"未知指标“{unknown[0]}”。", file=name)
        nonleaf = [i for i in have if not framework.is_leaf(i)]
        if nonleaf:
            raise DataError(f"'{nonleaf[0]}' is an aggregate in the framework, not an indicator; "
                            f"give data for its indicators instead.",
                            f"“{nonleaf[0]}”在框架中是汇总节点而不是指标，请提供其下级指标的数据。", file=name)
        lacking = [leaf for leaf in framework.leaves if leaf not in have]
        if lacking:
            raise DataError(f"Indicator(s) {', '.join(lacking)} of the framework have no data column.",
                            f"框架中的指标 {'、'.join(lacking)} 没有数据。", file=name)
        order = {k: i for i, k in enumerate(framework.leaves)}
        long = long.sort_values("indicator", key=lambda s: s.map(order), kind="stable")
    # A region-year with no row for some indicator is a missing value, not an error: it is kept
    # as NaN in the matrices and listed by coverage(), so nothing is dropped silently.
    regs = list(dict.fromkeys(long["region"]))
    info = None
    if region_info is not None:
        info = region_info.loc[[r for r in region_info.index if r in set(regs)]]
        extra = [r for r in regs if r not in region_info.index]
        if extra:
            info = pd.concat([info, pd.DataFrame(index=pd.Index(extra, name=info.index.name))])
    return Dataset(long.reset_index(drop=True), info, name=str(name),
                   regions=tuple(regs) if info is None else None)


def _region_aliases(regions, region_info) -> dict:
    """casefolded id / full / short / English name / adcode -> region id."""
    alias = {str(r).casefold(): r for r in regions}
    if region_info is None:
        return alias
    cols = [c for c in ("name_zh", "name_zh_short", "name_en", "adcode", "iso_3166_2") if c in region_info.columns]
    for r, row in zip(region_info.index, region_info[cols].to_dict("records")):
        for c in cols:
            v = row[c]
            if v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip():
                continue
            alias.setdefault(str(v).strip().casefold(), r)
            if c == "name_en":  # 'Xizang (Tibet)' also answers to 'Xizang' and 'Tibet'
                for part in re.split(r"[()]", str(v)):
                    if part.strip():
                        alias.setdefault(part.strip().casefold(), r)
    return alias


def _map_regions(raw: pd.Series, region_info, name, rows, column) -> np.ndarray:
    if region_info is None:
        return raw.to_numpy()
    alias = _region_aliases(tuple(region_info.index), region_info)
    out = []
    for v, row in zip(raw, rows):
        k = v.casefold()
        if k in alias:
            out.append(alias[k])
            continue
        cand = [r for a, r in alias.items() if len(k) >= 2 and (a.startswith(k) or k.startswith(a)) and len(a) >= 2]
        cand = list(dict.fromkeys(cand))
        if len(cand) == 1:
            out.append(cand[0])
        else:
            out.append(v)  # a region not in the reference list is kept under its own name
    return np.array(out, dtype=object)
