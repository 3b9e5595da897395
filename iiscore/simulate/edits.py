"""Edits: the changes a what-if makes to one region's indicators in the scored year.

An :class:`Edit` changes one indicator of one region: by a percentage (``pct``, ``+20`` = ×1.2; at
least ``-100``), to an absolute value (``abs``), to another region's value (``match``) or to a
percentile of all regions (``percentile``). Edits compose: they are applied in order, each to the
values left by the previous ones, and they are plain frozen records (:meth:`Edit.to_text` /
:func:`parse_edit`, :meth:`Edit.to_dict`) so that a scenario can store, share and undo them. Regions
and indicators are named by id, Chinese or English name, matched exactly
(:meth:`iiscore.data.Dataset.resolve_region`, :meth:`iiscore.framework.Framework.resolve`).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from ..data import Dataset, parse_number
from ..errors import DataError, FrameworkError, SpecError, check_choice, warn
from ..framework import Framework
from ..limits import MAX_ABS_VALUE

__all__ = ["KINDS", "EditError", "Edit", "parse_edit", "resolve_edits", "apply_edits", "compose_pct",
           "edited_matrix", "one_year"]

#: Kinds of edit: percentage change, absolute value, another region's value, a percentile.
KINDS = ("pct", "abs", "match", "percentile")
#: The smallest percentage change: -100 % sets a value to 0; below it a value would change sign.
PCT_MIN = -100.0


def _fmt(x: float) -> str:
    """Shortest round-trip text of a float, without a trailing '.0'."""
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


class EditError(SpecError):
    """An edit, a target or a simulation option cannot be used as given."""


@dataclass(frozen=True)
class Edit:
    """One change to one indicator of one region, in the scored year.

    Parameters
    ----------
    region : str
        Region id or name (resolved by :meth:`Dataset.resolve_region`).
    indicator : str
        Indicator id, Chinese or English name (resolved by :meth:`Framework.resolve`).
    kind : {"pct", "abs", "match", "percentile"}
        ``pct``: multiply by ``1 + amount/100`` (``amount=20`` is +20 %, ``-5`` is -5 %).
        ``abs``: set to ``amount``. ``match``: set to the value of region ``amount``.
        ``percentile``: set to the ``amount``-th percentile (0-100) of all regions' values,
        in the indicator's good direction (``p90`` of a lower-is-better indicator is the raw
        10th percentile), linear interpolation, missing values ignored.
    amount : float or str
        A number, or a region id/name for ``match``.

    Notes
    -----
    Edits compose: :func:`apply_edits` applies them in order, each to the values left by the
    previous ones (a ``pct`` after an ``abs`` scales the new value; ``match`` and
    ``percentile`` read the current, already edited, values).
    """

    region: str
    indicator: str
    kind: str
    amount: float | str

    def __post_init__(self):
        check_choice("kind", self.kind, KINDS)
        for name in ("region", "indicator"):
            v = getattr(self, name)
            if not isinstance(v, str) or not v.strip():
                raise EditError(f"Edit.{name} must be a non-empty name; got {v!r}.",
                                f"Edit.{name} 必须是非空名称；收到 {v!r}。", parameter=name)
        if self.kind == "match":
            if not isinstance(self.amount, str) or not self.amount.strip():
                raise EditError(f"A 'match' edit needs the other region's name as amount; got {self.amount!r}.",
                                f"“match”编辑的 amount 必须是另一个地区的名称；收到 {self.amount!r}。",
                                parameter="amount")
            return
        try:
            a = float(self.amount)
        except (TypeError, ValueError):
            a = float("nan")
        if isinstance(self.amount, (bool, np.bool_, str)) or not math.isfinite(a):
            raise EditError(f"The amount of a '{self.kind}' edit must be a finite number; got {self.amount!r}.",
                            f"“{self.kind}”编辑的 amount 必须是有限数值；收到 {self.amount!r}。",
                            parameter="amount")
        if self.kind == "pct" and a < PCT_MIN:
            raise EditError(f"A percentage change cannot be below -100 % (that would make the value change sign); "
                            f"got {a:g} %. Set a value instead ({self.indicator}=VALUE).",
                            f"百分比变动不能小于 -100%（否则取值会变号）；收到 {a:g}%。请直接设定取值（{self.indicator}=数值）。",
                            parameter="amount")
        if self.kind == "percentile" and not 0 <= a <= 100:
            raise EditError(f"A percentile must be between 0 and 100; got {a:g}. Write e.g. p90.",
                            f"百分位数必须在 0 到 100 之间；收到 {a:g}。请写成如 p90。", parameter="amount")
        object.__setattr__(self, "amount", a)

    def to_text(self, with_region: bool = True) -> str:
        """The CLI syntax, e.g. ``贵州:network=+20%`` (round-trips through :func:`parse_edit`)."""
        if self.kind == "pct":
            val = ("+" if self.amount >= 0 else "") + _fmt(self.amount) + "%"
        elif self.kind == "abs":
            val = _fmt(self.amount)
        elif self.kind == "match":
            val = "@" + self.amount
        else:
            val = "p" + _fmt(self.amount)
        return (f"{self.region}:" if with_region else "") + f"{self.indicator}={val}"

    def to_dict(self) -> dict:
        """Plain values (for a scenario's JSON)."""
        return {"region": self.region, "indicator": self.indicator, "kind": self.kind, "amount": self.amount}

    @classmethod
    def from_dict(cls, d: Mapping) -> "Edit":
        """Inverse of :meth:`to_dict`."""
        try:
            return cls(d["region"], d["indicator"], d["kind"], d["amount"])
        except (KeyError, TypeError):
            raise EditError(f"An edit needs region, indicator, kind and amount; got {d!r}.",
                            f"编辑需要 region、indicator、kind 和 amount 四项；收到 {d!r}。",
                            parameter="edits") from None

    def describe(self, lang: str = "en") -> str:
        """A short human sentence."""
        zh = lang == "zh"
        if self.kind == "pct":
            what = f"{self.amount:+g}%"
            return (f"{self.region} {self.indicator} 变动 {what}" if zh else f"{self.region} {self.indicator} {what}")
        if self.kind == "abs":
            return (f"{self.region} {self.indicator} 设为 {self.amount:g}" if zh
                    else f"{self.region} {self.indicator} set to {self.amount:g}")
        if self.kind == "match":
            return (f"{self.region} {self.indicator} 设为与 {self.amount} 相同" if zh
                    else f"{self.region} {self.indicator} set to {self.amount}'s value")
        return (f"{self.region} {self.indicator} 设为第 {self.amount:g} 百分位" if zh
                else f"{self.region} {self.indicator} set to the {self.amount:g}th percentile")


_PCTL_RE = re.compile(r"^[pP](\d+(?:\.\d*)?|\.\d+)$")


def _clip(text, n: int = 60) -> str:
    """An edit as the user wrote it, cut for a one-line message (10,000 characters were echoed)."""
    t = str(text)
    return t if len(t) <= n else t[: n - 1] + "…"


def _edit_syntax_error(text, why_en, why_zh):
    return EditError(
        f"Cannot read the edit '{_clip(text)}': {why_en}. Write INDICATOR=+20% (percentage change), "
        f"INDICATOR=50 (value), INDICATOR=@REGION (another region's value) or INDICATOR=p90 "
        f"(percentile); prefix REGION: to edit another region.",
        f"无法识别编辑“{_clip(text)}”：{why_zh}。请写成 指标=+20%（百分比变动）、指标=50（取值）、指标=@地区"
        f"（另一地区的值）或 指标=p90（百分位）；可加前缀“地区:”编辑其他地区。",
        parameter="--set")


def parse_edit(text: str, region: str | None = None) -> Edit:
    """Parse the CLI syntax of an edit.

    Parameters
    ----------
    text : str
        ``INDICATOR=+20%`` / ``=-5%`` (percentage change; the sign is required, since ``=20%``
        could mean a value of an indicator measured in %), ``INDICATOR=50`` (absolute value;
        ``1,234`` and ``1.2万`` are accepted), ``INDICATOR=@江苏`` (another region's value),
        ``INDICATOR=p90`` (percentile). An optional ``REGION:`` prefix names the region.
        Full-width characters (＝, ＋, ％, ：) are accepted.
    region : str, optional
        The region when ``text`` has no prefix.

    Returns
    -------
    Edit
        Names are kept as written; :func:`resolve_edits` maps them to ids.

    Raises
    ------
    EditError
        Bad syntax or no region (parameter ``--set``).
    """
    raw = str(text)
    s = unicodedata.normalize("NFKC", raw).strip()
    lhs, sep, val = s.partition("=")
    if not sep:
        raise _edit_syntax_error(raw, "no '='", "缺少“=”")
    reg = region
    if ":" in lhs:
        reg, lhs = lhs.split(":", 1)
    lhs, val = lhs.strip(), val.strip()
    reg = None if reg is None else str(reg).strip()
    if not lhs:
        raise _edit_syntax_error(raw, "no indicator before '='", "“=”前没有指标")
    if not val:
        raise _edit_syntax_error(raw, "no value after '='", "“=”后没有取值")
    if not reg:
        raise EditError(f"The edit '{raw}' names no region. Give --region or write REGION:{lhs}=... .",
                        f"编辑“{raw}”没有指定地区。请给出 --region 或写成 地区:{lhs}=...。", parameter="--region")
    if val.startswith("@"):
        other = val[1:].strip()
        if not other:
            raise _edit_syntax_error(raw, "no region after '@'", "“@”后没有地区名")
        return Edit(reg, lhs, "match", other)
    m = _PCTL_RE.match(val)
    if m:
        q = float(m.group(1))
        if q > 100:
            raise _edit_syntax_error(raw, f"percentile {q:g} is above 100", f"百分位 {q:g} 超过 100")
        return Edit(reg, lhs, "percentile", q)
    if val.endswith("%"):
        body = val[:-1].strip()
        if not body or body[0] not in "+-":
            raise _edit_syntax_error(raw, "a percentage change needs a sign (+20% or -5%); for a value write it "
                                          "without %", "百分比变动需要正负号（+20% 或 -5%）；如要设定取值，请去掉 %")
        return Edit(reg, lhs, "pct", _edit_number(body, raw))
    return Edit(reg, lhs, "abs", _edit_number(val, raw))


def _edit_number(text: str, raw: str) -> float:
    """A finite number from the right-hand side of an edit, or an EditError quoting the edit."""
    try:
        v = parse_number(text)
    except ValueError:
        v = float("nan")
    if not math.isfinite(v):
        raise _edit_syntax_error(raw, f"'{text}' is not a number", f"“{text}”不是数字")
    return v


def resolve_indicator(name, dataset: Dataset, framework: Framework | None) -> str:
    """Indicator (leaf) id from an id or a name, exactly; aggregates are refused by name."""
    if framework is not None:
        ind = framework.resolve(name)
        if not framework.is_leaf(ind):
            raise FrameworkError(
                f"'{name}' is an aggregate ({ind}), not an indicator; edit one of its indicators "
                f"({', '.join(framework.leaves_under(ind))}).",
                f"“{name}”是汇总节点（{ind}）而不是指标；请编辑其下级指标（{'、'.join(framework.leaves_under(ind))}）。",
                parameter="indicator")
        return ind
    if name in dataset.indicators:
        return name
    raise DataError(f"Unknown indicator '{str(name)[:60]}'. Use an indicator id of the data "
                    f"(e.g. {', '.join(dataset.indicators[:3])}) or pass the framework to resolve names.",
                    f"未知指标“{name}”。请使用数据中的指标编号（如 {'、'.join(dataset.indicators[:3])}），"
                    f"或传入框架以按名称识别。", parameter="indicator")


def _as_edits(edits) -> tuple:
    if isinstance(edits, (Edit, str)):
        edits = [edits]
    out = []
    for e in edits or ():
        if isinstance(e, Edit):
            out.append(e)
        elif isinstance(e, Mapping):
            out.append(Edit.from_dict(e))
        elif isinstance(e, str):
            out.append(parse_edit(e))
        else:
            raise EditError(f"Edits must be Edit objects, dicts or 'REGION:INDICATOR=...' strings; got {e!r}.",
                            f"编辑必须是 Edit 对象、字典或“地区:指标=...”字符串；收到 {e!r}。", parameter="edits")
    return tuple(out)


def resolve_edits(edits, dataset: Dataset, framework: Framework | None = None) -> tuple:
    """Map the names in ``edits`` to region and indicator ids.

    Parameters
    ----------
    edits : iterable of Edit, dict or str
    dataset : Dataset
    framework : Framework, optional
        Needed to resolve Chinese / English indicator names; without it indicators must be ids.

    Returns
    -------
    tuple of Edit
        The same edits with canonical ids (``match`` amounts resolved too).

    Raises
    ------
    DataError, FrameworkError
        Unknown region or indicator (parameter ``region`` / ``indicator``).
    """
    out = []
    for e in _as_edits(edits):
        reg = dataset.resolve_region(e.region, parameter="region")
        ind = resolve_indicator(e.indicator, dataset, framework)
        amount = dataset.resolve_region(e.amount, parameter="--set") if e.kind == "match" else e.amount
        out.append(Edit(reg, ind, e.kind, amount))
    return tuple(out)


def _apply_to_matrix(M: np.ndarray, edits: tuple, regions: list, indicators: list, directions: dict,
                     year: int) -> np.ndarray:
    """Apply resolved edits in order to a copy of a regions × indicators matrix."""
    M = np.array(M, dtype=float, copy=True)
    ridx = {r: i for i, r in enumerate(regions)}
    cidx = {c: j for j, c in enumerate(indicators)}
    for e in edits:
        i, j = ridx[e.region], cidx[e.indicator]
        cur = M[i, j]
        if e.kind == "pct":
            if np.isnan(cur):
                raise EditError(f"{e.region} has no value for {e.indicator} in {year}: a percentage change needs "
                                f"one. Set a value instead ({e.indicator}=VALUE).",
                                f"{e.region} 在 {year} 年没有 {e.indicator} 的值，无法按百分比变动。请直接设定取值"
                                f"（{e.indicator}=数值）。", parameter="--set")
            if cur == 0 and e.amount != 0:
                warn(f"{e.region}'s {e.indicator} is 0 in {year}: a percentage change leaves it at 0. "
                     f"Set a value instead ({e.indicator}=VALUE).",
                     f"{e.region} 在 {year} 年的 {e.indicator} 为 0：按百分比变动后仍为 0。请直接设定取值"
                     f"（{e.indicator}=数值）。")
            new = cur * (1.0 + e.amount / 100.0)
        elif e.kind == "abs":
            new = e.amount
        elif e.kind == "match":
            new = M[ridx[e.amount], j]
            if np.isnan(new):
                raise EditError(f"{e.amount} has no value for {e.indicator} in {year}; it cannot be matched.",
                                f"{e.amount} 在 {year} 年没有 {e.indicator} 的值，无法对标。", parameter="--set")
        else:
            col = M[:, j]
            if np.all(np.isnan(col)):
                raise EditError(f"No region has a value for {e.indicator} in {year}; no percentile exists.",
                                f"{year} 年没有任何地区有 {e.indicator} 的值，无法取百分位。", parameter="--set")
            q = e.amount if directions.get(e.indicator, 1) > 0 else 100.0 - e.amount
            new = float(np.nanpercentile(col, q))
        if not np.isnan(new) and not abs(new) <= MAX_ABS_VALUE:  # inf, or past where sums and squares overflow
            raise EditError(f"The edit {e.to_text()} makes {e.region}'s {e.indicator} {new:.4g}, beyond the limit of "
                            f"±{MAX_ABS_VALUE:g}. Use a smaller change.",
                            f"编辑 {e.to_text()} 使 {e.region} 的 {e.indicator} 变为 {new:.4g}，超出 ±{MAX_ABS_VALUE:g} 的上限。"
                            f"请使用较小的变动。", parameter="--set")
        M[i, j] = new
    return M


def apply_edits(dataset: Dataset, edits, year: int | None = None,
                framework: Framework | None = None) -> Dataset:
    """A new Dataset with ``edits`` applied, in order, to ``year``.

    Parameters
    ----------
    dataset : Dataset
    edits : iterable of Edit (or dicts / ``REGION:INDICATOR=...`` strings)
    year : int, optional
        The scored year (default: the latest year of the data).
    framework : Framework, optional
        To resolve indicator names and to know directions (for ``percentile``); without it
        indicators must be ids and every indicator counts as higher-is-better.

    Returns
    -------
    Dataset
        Changed cells carry ``provenance = 'scenario'`` (when the data have that column). Cells
        whose value does not change are not touched: an edit of 0 returns the same data.

    Raises
    ------
    EditError
        A percentage change of a missing value, a match to a missing value.
    DataError, FrameworkError
        Unknown region, indicator or year.
    """
    year = dataset.years[-1] if year is None else int(year)
    resolved = resolve_edits(edits, dataset, framework)
    if not resolved:
        return dataset
    mat = dataset.matrix(year)
    regions, inds = list(mat.index), list(mat.columns)
    dirs = {} if framework is None else {i: framework.node(i).direction for i in framework.leaves}
    old = mat.to_numpy(float)
    new = _apply_to_matrix(old, resolved, regions, inds, dirs, year)
    changed = ~((old == new) | (np.isnan(old) & np.isnan(new)))
    if not changed.any():
        return dataset
    ii, jj = np.nonzero(changed)
    rows = pd.DataFrame({"region": [regions[i] for i in ii], "year": year,
                         "indicator": [inds[j] for j in jj], "value": new[ii, jj]})
    return dataset.replace_values(rows)


def edited_matrix(dataset: Dataset, resolved: tuple, year: int, framework: Framework | None) -> pd.DataFrame:
    """The year's regions × indicators matrix with resolved edits applied (no new Dataset)."""
    mat = dataset.matrix(year)
    dirs = {} if framework is None else {i: framework.node(i).direction for i in framework.leaves}
    new = _apply_to_matrix(mat.to_numpy(float), resolved, list(mat.index), list(mat.columns), dirs, year)
    return pd.DataFrame(new, index=mat.index, columns=mat.columns)


def one_year(name: str, matrix: pd.DataFrame, year: int) -> Dataset:
    """A one-year Dataset from a regions × indicators matrix (region order kept, missing = no row)."""
    long = matrix.stack(future_stack=True).rename("value").reset_index()
    long.columns = ["region", "indicator", "value"]
    long = long.dropna(subset=["value"])
    long.insert(1, "year", int(year))
    return Dataset(long, None, name, tuple(matrix.index))




def compose_pct(first: float, then: float) -> float:
    """The single percentage change equal to ``first`` % followed by ``then`` %:
    ``((1 + first/100)(1 + then/100) - 1) · 100``."""
    return ((1.0 + first / 100.0) * (1.0 + then / 100.0) - 1.0) * 100.0
