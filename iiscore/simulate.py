"""What-if simulation, levers, goal-seeking and projection for a province.

A planner's questions: *"if we raise 网络建设 by 20 % and 标识建设 by 50 %, where do we land?"*
(:func:`whatif`), *"which indicators pay most?"* (:func:`levers`), *"what is the smallest
improvement that lifts us to rank r or the next tier?"* (:func:`goal_seek`) and *"where will
we be in 2027 at our current pace?"* (:func:`project`).

Edits
-----
An :class:`Edit` changes one indicator of one region in the scored year: by a percentage
(``pct``, ``+20`` = ×1.2), to an absolute value (``abs``), to another region's value
(``match``) or to a percentile of all regions (``percentile``). Edits compose: they are applied
in order, each to the values left by the previous ones, and they are plain frozen records
(:meth:`Edit.to_text` / :func:`parse_edit`, :meth:`Edit.to_dict`) so that a scenario can store,
share and undo them (undo = drop the last edit and recompute). Regions and indicators may be
named by id, Chinese or English name.

Normalisation modes (stated in every output)
--------------------------------------------
``"renormalise"``
    Recompute the scenario's full specification on the edited data: min and max are recomputed,
    as the report's formula does. If the edited region becomes the new best (or worst) of an
    indicator, *every* region's score on it moves; a region already at the maximum gains
    nothing by growing further.
``"fixed"``
    Score the edited data with the baseline's *frozen ruler*: its goalposts
    (``replace(spec, goalposts=baseline.goalposts)``; minmax only) and, when the spec treats
    outliers or imputes means, the baseline's fitted treatment and imputation values too. Only
    the edited regions' scores move. Scores above 100 (beyond the baseline best) or below 0 are
    allowed and reported in the notes. An indicator that was constant in the baseline scores 50
    for everyone whatever its value, so edits to it have no effect.
    (Freezing the treatment matters: ``build`` re-fits it on the data it is given, and with
    ``treat="log"`` an edit that changes an indicator's skewness would switch its log on or
    off while the goalposts stay on the baseline's scale, which gives scores in the hundreds.
    With ``treat="none"`` and ``missing="reweight"`` the fixed mode is exactly
    ``build(edited, replace(spec, goalposts=baseline.goalposts))``.)
    In ``renormalise`` mode the treatment is re-fitted, as the report's method would do; when an
    edit switches an indicator's log on or off the composite can jump (a note says so).

Tiers in a what-if: bars held by regions (the crossing rule)
-----------------------------------------------------------
The baseline is tiered once (by default :func:`default_tiers`: the report's 6/11/10/4 down the
composite ranking, as ``iiscore.tiering.tiers(method="sizes")``; any tiering can be injected,
e.g. k-means from :mod:`iiscore.tiering`). Each tier's *bar* is held by a region
(:func:`tier_bar_holders`): its lowest-scoring member (unedited composite) among the regions
the scenario does not edit (its lowest member when all are edited). The bar's unedited value is
the holder's unedited composite (:func:`tier_thresholds`); its value in the scenario is the
holder's **current** composite. After an edit a region changes tier only when it **crosses** a
bar (:func:`tiers_after`): reaching the current bar of a better tier ``t`` whose unedited bar
it was below puts it in the best such tier; falling below the current bar of its own tier (or
of a worse one) whose unedited bar it was at or above moves it down past each bar crossed. With
re-normalised min-max an edit that sets a new maximum lowers every other score a little, the
bars with them: a holder never crosses its own bar, and a region nobody edited moves only if its
order relative to a holder changed. With fixed goalposts unedited scores do not move, so the
bars are the holders' unedited composites. For tierings that are contiguous in the composite
(sizes, natural breaks, average, k-means on the composite alone) this is "the baseline tier
whose score range it falls into"; for k-means on composite and pillars, whose tiers may overlap
in the composite, the crossing rule keeps an unchanged score in its tier. So a tier change is
always interpretable as "cleared the bar of tier t" or "fell below the bar of tier t".

Goal-seeking
------------
A target is a rank ``r`` or a tier ``t``. Ranks: rank ``r`` is reached when the region's
composite is **strictly above** the composite of the ``r``-th best *other* region after the
edit (a tie is not enough; with ``rank(method="min")`` this guarantees a rank ``<= r``; in
``fixed`` mode the other regions do not move, so it is "strictly above the current rank-r
region"). Tiers: tier ``t`` is reached when the crossing rule above puts the region in tier
``t`` or better (the tiers and bar holders of the unedited data, in both modes, as the what-if
tier columns; the goal-seeking region counts as edited): for a region below tier ``t``, its
composite must reach the current composite of the holder of a tier ``<= t`` whose unedited bar
its unedited composite is under (tier ``t``'s holder for tierings contiguous in the composite)
-- a moving target under re-normalisation, as a rank target's competitor. "Already there" uses
the region's actual tier, not its score.
When the region is in a worse tier although its composite is already at or above every such
unedited bar (k-means on composite and pillars), no score can move it there: the result says so
(``method="not-by-score"``, not reached, no change). Improvements are percentages in each indicator's good direction: ``+p %`` for
higher-is-better, ``-p %`` for lower-is-better (capped at 100 %). Indicators whose value is 0,
negative or missing cannot be improved by a percentage and are left out (and listed).

Numerically, the search asks for the target to be passed by a margin of
``1e-9 × max(1, |score to beat|)``, so that the change found also reaches the target when
recomputed with ``build()`` (the fast path agrees with it to ~1e-13).

* ``strategy="uniform"``: the smallest ``p`` applied to every chosen indicator (each capped at
  its bound), by a bracketing search (Illinois regula falsi with bisection safeguards, ~10-15
  evaluations). With minmax (either mode) the region's composite is non-decreasing in each of
  its improvements and the other regions' composites non-increasing, so the target test is
  monotone and the result minimal to about 1e-10 relative: 99 % of the change found misses
  the target. (In ``renormalise`` mode with outlier treatment the re-fitted treatment can
  switch on or off along the way and break monotonicity; the result then reaches the target
  but is only locally minimal, and the message says that the treatment changed.)
* ``strategy="cheapest"``: the combination with the least total cost ``Σ cost_j · p_j`` under
  per-indicator bounds. With arithmetic aggregation, fixed goalposts, minmax and no outlier
  treatment the composite is linear in the ``p_j`` and this is a linear program
  (``scipy.optimize.linprog``, HiGHS), exact. Otherwise (renormalise, geometric, treatment) a
  monotone search: sequential linear programs on finite-difference gains, a bracketing search
  along each step, and a final coordinate-wise search so that lowering any single change
  misses the target; it reaches the target but is not proven to be the cheapest (``method``
  is ``"slp-bisection"``).

When the target cannot be reached within the bounds, the result says so, with the best score
and rank reachable (every chosen indicator at its bound).

Levers
------
The gain in composite per 1 % improvement of each indicator and per 1 standard deviation (sample
sd over regions, that year), ranked. Analytic for arithmetic + fixed goalposts + no treatment:
``effective weight × 100/(hi − lo) × x·1 %`` (and ``× sd`` per sd); finite differences (the
actual change of the composite for that edit) otherwise. The ``method`` says which.

Projection
----------
Every indicator grows at its compound annual rate over ``period`` (default: first data year to
the scored year, 2020-2023 for the default data) or at rates the user sets, to a future year,
which is then scored with min-max renormalised across regions in the projected year
(``scoring="renormalise"``, default) or with goalposts pooled over the data years and the
projected year (``scoring="pooled"``). Tiers use the fixed thresholds of the base year's tiering.

Speed
-----
Searches evaluate the composite through :class:`CompositeKernel`, which repeats build()'s
stages on numpy arrays (about 0.05-0.25 ms per evaluation for 31 × 19 instead of ~3 ms) and
is tested to agree with build(). A what-if recomputes with build() itself.

Everything is pure: inputs are never modified, results are frozen dataclasses.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd

from .aggregate import AGGREGATORS
from .data import Dataset, parse_number
from .errors import DataError, FrameworkError, SpecError, check_choice, warn
from .framework import Framework
from .normalise import NORMALISERS, n_goalposts
from .pipeline import Result, impute_mean, build, rank_desc
from .spec import Spec
from . import treat as _treat

__all__ = [
    "KINDS", "MODES", "STRATEGIES", "SCORINGS", "EditError",
    "Edit", "parse_edit", "resolve_edits", "apply_edits",
    "fixed_spec", "report_sizes", "default_tiers", "baseline_tiers",
    "tier_thresholds", "tiers_after", "tier_bar_holders",
    "WhatIf", "whatif",
    "Levers", "levers",
    "GoalSeek", "goal_seek",
    "Projection", "cagr", "project",
    "CompositeKernel",
]

#: Kinds of edit: percentage change, absolute value, another region's value, a percentile.
KINDS = ("pct", "abs", "match", "percentile")
#: Normalisation modes of a what-if.
MODES = ("renormalise", "fixed")
#: Goal-seeking strategies.
STRATEGIES = ("uniform", "cheapest")
#: Scoring of a projected year.
SCORINGS = ("renormalise", "pooled")

_REPORT_SIZES = (6, 11, 10, 4)
#: Goal-seeking asks for the target to be exceeded by this relative margin (× max(1, |score|)),
#: so that a change found on the fast path also reaches the target when rebuilt with build().
_MARGIN = 1e-9
_MODE_TEXT = {
    "renormalise": ("mode=renormalise: min and max recomputed on the edited data (the report's formula); "
                    "if an edited region becomes the new best or worst, every region's score moves.",
                    "模式=renormalise：按编辑后的数据重新计算最小值和最大值（报告公式）；若被编辑地区成为新的最高或最低，"
                    "所有地区的得分都会变化。"),
    "fixed": ("mode=fixed: baseline goalposts (min and max) kept; only edited regions' scores move; "
              "scores above 100 (beyond the baseline best) are allowed.",
              "模式=fixed：沿用基准的最小值和最大值；只有被编辑地区的得分变化；允许得分超过 100（超过基准最高值）。"),
}


class EditError(SpecError):
    """An edit, a target or a simulation option cannot be used as given."""


# ============================================================================================
# edits
# ============================================================================================
def _fmt(x: float) -> str:
    """Shortest round-trip text of a float, without a trailing '.0'."""
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


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


def _edit_syntax_error(text, why_en, why_zh):
    return EditError(
        f"Cannot read the edit '{text}': {why_en}. Write INDICATOR=+20% (percentage change), "
        f"INDICATOR=50 (value), INDICATOR=@REGION (another region's value) or INDICATOR=p90 "
        f"(percentile); prefix REGION: to edit another region.",
        f"无法识别编辑“{text}”：{why_zh}。请写成 指标=+20%（百分比变动）、指标=50（取值）、指标=@地区"
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


def _resolve_indicator(name, dataset: Dataset, framework: Framework | None) -> str:
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
    raise DataError(f"Unknown indicator '{name}'. Use an indicator id of the data "
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
        reg = dataset.resolve_region(e.region)
        ind = _resolve_indicator(e.indicator, dataset, framework)
        amount = dataset.resolve_region(e.amount) if e.kind == "match" else e.amount
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


def _edited_matrix(dataset: Dataset, resolved: tuple, year: int, framework: Framework | None) -> pd.DataFrame:
    """The year's regions × indicators matrix with resolved edits applied (no new Dataset)."""
    mat = dataset.matrix(year)
    dirs = {} if framework is None else {i: framework.node(i).direction for i in framework.leaves}
    new = _apply_to_matrix(mat.to_numpy(float), resolved, list(mat.index), list(mat.columns), dirs, year)
    return pd.DataFrame(new, index=mat.index, columns=mat.columns)


def _one_year(name: str, matrix: pd.DataFrame, year: int) -> Dataset:
    """A one-year Dataset from a regions × indicators matrix (region order kept, missing = no row)."""
    long = matrix.stack(future_stack=True).rename("value").reset_index()
    long.columns = ["region", "indicator", "value"]
    long = long.dropna(subset=["value"])
    long.insert(1, "year", int(year))
    return Dataset(long, None, name, tuple(matrix.index))


# ============================================================================================
# specs and tiers
# ============================================================================================
def fixed_spec(spec: Spec, baseline: Result) -> Spec:
    """``spec`` with the baseline's goalposts frozen: ``replace(spec, goalposts=baseline.goalposts)``.

    This is the spec the ``fixed`` mode states (``WhatIf.after.spec``). The fixed mode also keeps
    the baseline's fitted outlier treatment and mean-imputation values (see the module notes);
    with ``treat="none"`` and ``missing="reweight"`` ``build(edited, fixed_spec(spec, baseline))``
    is exactly the fixed mode.

    Raises
    ------
    EditError
        When the normalisation is not minmax (goalposts are a minmax notion).
    """
    if spec.normalisation != "minmax":
        raise EditError(f"mode='fixed' keeps the baseline min and max, which only exists for minmax normalisation "
                        f"(the spec uses {spec.normalisation!r}). Use mode='renormalise'.",
                        f"mode='fixed' 沿用基准的最小值和最大值，仅适用于 minmax 标准化（当前为 {spec.normalisation!r}）。"
                        f"请使用 mode='renormalise'。", parameter="mode")
    return replace(spec, goalposts=baseline.goalposts, year=baseline.year)


def report_sizes(n: int) -> tuple:
    """Tier sizes for ``n`` regions: the report's 6/11/10/4 for 31, scaled otherwise.

    Scaling uses the largest-remainder method with at least one region per tier (fewer tiers
    when ``n < 4``).
    """
    n = int(n)
    if n == sum(_REPORT_SIZES):
        return _REPORT_SIZES
    k = min(4, n)
    if k <= 0:
        return ()
    share = np.array(_REPORT_SIZES[:k], float)
    share = share / share.sum() * n
    base = np.maximum(np.floor(share).astype(int), 1)
    while base.sum() > n:
        base[np.argmax(base)] -= 1
    rem = share - np.floor(share)
    for j in np.argsort(-rem, kind="stable"):
        if base.sum() >= n:
            break
        base[j] += 1
    return tuple(int(b) for b in base)


def default_tiers(scores: pd.DataFrame) -> pd.Series:
    """The default baseline tiering: fixed sizes down the composite ranking (report's 6/11/10/4).

    Same result as ``iiscore.tiering.tiers(scores, method="sizes", sizes=report_sizes(n)).tier``
    (ties broken by region order, a warning when equal composites straddle a boundary; tested),
    computed directly because it runs on every what-if and goal-seek.

    Parameters
    ----------
    scores : DataFrame or Series
        Regions × [composite, pillars...] (the composite first), or the composite.

    Returns
    -------
    Series region -> tier (1 = top).
    """
    comp = scores.iloc[:, 0] if isinstance(scores, pd.DataFrame) else scores
    c = comp.to_numpy(float)
    sizes = report_sizes(len(c))
    order = np.argsort(-c, kind="stable")
    tier = np.empty(len(c), dtype=int)
    tier[order] = np.repeat(np.arange(1, len(sizes) + 1), sizes)
    for b in np.cumsum(sizes)[:-1]:
        if c[order[b - 1]] == c[order[b]]:
            warn(f"Regions {comp.index[order[b - 1]]!r} and {comp.index[order[b]]!r} have the same composite but "
                 f"fall in different tiers (ties broken by region order).",
                 f"地区 {comp.index[order[b - 1]]!r} 与 {comp.index[order[b]]!r} 综合指数相同却被分入不同梯队"
                 f"（并列时按地区顺序划分）。")
    return pd.Series(tier, index=comp.index, name="tier")


def baseline_tiers(result: Result, tiers=None) -> pd.Series:
    """Tier of each region in the baseline.

    Parameters
    ----------
    result : Result
    tiers : None, Series or callable
        None = :func:`default_tiers`; a Series region -> tier; or a function called with the
        score table ``result.scores[[root, *pillars]]`` returning a Series or a ``TierResult``
        (e.g. ``lambda s: iiscore.tiering.tiers(s, method="kmeans")``).

    Returns
    -------
    Series region -> int tier (1 = top), in ``result.regions`` order.
    """
    fw = result.spec.framework
    table = result.scores[[fw.root, *fw.children(fw.root)]]
    if tiers is None:
        t = default_tiers(table)
    elif isinstance(tiers, pd.Series):
        t = tiers
    elif callable(tiers):
        t = tiers(table)
        t = getattr(t, "tier", t)
    else:
        raise EditError("'tiers' must be None, a Series region -> tier or a function of the score table.",
                        "“tiers” 必须是 None、地区 -> 梯队 的 Series 或以得分表为参数的函数。", parameter="tiers")
    t = pd.Series(t).reindex(list(result.regions))
    if t.isna().any() or not np.all(np.asarray(t, float) == np.round(np.asarray(t, float))) or (t < 1).any():
        missing = [r for r, v in t.items() if pd.isna(v)]
        raise EditError(f"The baseline tiers must give every region an integer tier >= 1"
                        f"{'; missing: ' + ', '.join(map(str, missing[:5])) if missing else ''}.",
                        f"基准梯队必须为每个地区给出不小于 1 的整数梯队"
                        f"{'；缺少：' + '、'.join(map(str, missing[:5])) if missing else ''}。", parameter="tiers")
    return t.astype(int).rename("tier")


def tier_bar_holders(composite: pd.Series, tiers: pd.Series, edited=()) -> pd.Series:
    """The region holding each tier's bar: its lowest-scoring member that is not ``edited``.

    The bar holder of tier ``t`` is the member of ``t`` with the lowest ``composite`` (the
    unedited composite) among the regions the scenario does not edit; when every member of
    ``t`` is edited, its lowest member. Ties go to the first region in ``composite``'s order.

    Parameters
    ----------
    composite : Series region -> unedited composite
    tiers : Series region -> unedited tier
    edited : iterable of region
        The regions the scenario edits.

    Returns
    -------
    Series tier (1..k) -> region; NaN for an empty tier (or one without a finite composite).
    """
    tiers = tiers.reindex(composite.index)
    edited = set(edited or ())
    k = int(tiers.max())
    out = {}
    for t in range(1, k + 1):
        members = composite[(tiers == t).to_numpy() & np.isfinite(composite.to_numpy(float))]
        free = members[[r not in edited for r in members.index]]
        pool = free if len(free) else members
        out[t] = pool.idxmin() if len(pool) else np.nan
    h = pd.Series(out, dtype=object)
    h.index.name = "tier"
    return h.rename("holder")


def tier_thresholds(composite: pd.Series, tiers: pd.Series, edited=()) -> pd.Series:
    """Unedited bar of each tier: the unedited composite of its bar holder (:func:`tier_bar_holders`).

    Without ``edited`` this is the lowest composite among the tier's members.

    Returns
    -------
    Series tier (1..k) -> threshold; NaN for an empty tier.
    """
    h = tier_bar_holders(composite, tiers, edited)
    th = pd.Series([composite[r] if isinstance(r, str) or pd.notna(r) else np.nan for r in h],
                   index=h.index, dtype=float)
    th.index.name = "tier"
    return th.rename("threshold")


def tiers_after(before: pd.Series, after: pd.Series, tiers: pd.Series, thresholds: pd.Series | None = None,
                *, edited=None, holders: pd.Series | None = None) -> pd.Series:
    """Tiers after an edit: the unedited tiering moved by the bar-holder crossing rule.

    Each tier ``t`` has a bar held by a region (:func:`tier_bar_holders`: its lowest unedited
    member, or its lowest member when all are edited). The bar's unedited value is the holder's
    unedited composite; its current value is the holder's composite ``after`` the edit (with
    re-normalisation every score moves a little, the bar with them). A region moves up to the
    best tier ``t`` better than its own whose current bar it reaches (``after >= `` holder's
    ``after``) while its unedited composite was below the unedited bar; it moves down to
    ``t + 1`` for the worst tier ``t`` at or after its own (at most the last tier) whose
    unedited bar it was at or above and whose current bar it is now below. Otherwise it keeps
    its tier. A holder never crosses its own bar, and an unedited region moves only when its
    order relative to a holder changed.

    Parameters
    ----------
    before, after : Series region -> composite (unedited, current)
    tiers : Series region -> unedited tier
    thresholds : Series tier -> threshold, optional
        Legacy: fixed bars (the same before and after), used only when neither ``edited`` nor
        ``holders`` is given. Leave it out for the bar-holder rule.
    edited : iterable of region, optional
        The regions the scenario edits (they do not hold a bar unless a whole tier is edited).
    holders : Series tier -> region, optional
        The bar holders, if already computed (:func:`tier_bar_holders`).

    Returns
    -------
    Series region -> tier after.
    """
    regions = list(before.index)
    s0 = before.to_numpy(float)
    s1 = after.reindex(regions).to_numpy(float)
    b = tiers.reindex(regions).to_numpy(int)
    if thresholds is not None and edited is None and holders is None:
        bar0 = bar1 = thresholds.to_numpy(float)
        hold = [None] * len(bar0)
    else:
        if holders is None:
            holders = tier_bar_holders(before, tiers, edited or ())
        pos = {r: j for j, r in enumerate(regions)}
        hold = [pos.get(r) if isinstance(r, str) or pd.notna(r) else None for r in holders]
        bar0 = np.array([s0[j] if j is not None else np.nan for j in hold])
        bar1 = np.array([s1[j] if j is not None else np.nan for j in hold])
    out = _moved_tiers(s0, s1, b, bar0, bar1, hold)
    return pd.Series(out, index=pd.Index(regions, name=before.index.name), name="tier")


def _moved_tiers(s0, s1, b, bar0, bar1, hold) -> np.ndarray:
    """The crossing rule on arrays: unedited/current composites, tiers, unedited/current bars."""
    k = len(bar0)
    ok = np.isfinite(bar0) & np.isfinite(bar1)
    out = b.copy()
    for i in range(len(s0)):
        if not (np.isfinite(s0[i]) and np.isfinite(s1[i])):
            continue
        up = [t for t in range(1, b[i]) if ok[t - 1] and hold[t - 1] != i and s0[i] < bar0[t - 1]
              and s1[i] >= bar1[t - 1]]
        if up:
            out[i] = min(up)
            continue
        down = [t for t in range(b[i], k) if ok[t - 1] and hold[t - 1] != i and s0[i] >= bar0[t - 1]
                and s1[i] < bar1[t - 1]]
        if down:
            out[i] = min(max(down) + 1, k)
    return out


# ============================================================================================
# the fast path: composite from a raw matrix, mirroring build()
# ============================================================================================
class CompositeKernel:
    """Composite scores of every region for an edited raw matrix of one year, fast.

    Two flavours:

    * ``CompositeKernel(data, spec)`` mirrors :func:`iiscore.pipeline.build` step by step
      (missing-value policy, outlier treatment *re-fitted* on the values given, minmax over
      regions or pooled or given goalposts, the other normalisers, the aggregation level by
      level) — the ``renormalise`` mode;
    * ``CompositeKernel.fixed(data, spec, baseline)`` scores with the baseline's frozen ruler:
      its fitted treatment, its mean-imputation values and its goalposts — the ``fixed`` mode.

    Both work on numpy arrays and compute nothing but the scores, so one evaluation takes
    tens to a few hundred microseconds instead of milliseconds. ``tests/test_simulate.py``
    checks that they agree with ``build`` (and with :func:`whatif`'s fixed mode).

    Attributes
    ----------
    X : ndarray (regions × leaves)
        The scored year's raw values (read-only).
    regions, leaves : tuple
    year : int
    direction : ndarray of ±1 per leaf
    spec : Spec
    frozen : bool
        True for the fixed-mode ruler.
    """

    __slots__ = ("spec", "year", "regions", "leaves", "X", "direction", "frozen", "_others", "_lo", "_hi",
                 "_fitted", "_mu", "_plan", "_root", "_gw")

    def __init__(self, data: Dataset, spec: Spec, *, _ruler=None):
        fw = spec.framework
        leaves = list(fw.leaves)
        year = spec.year if spec.year is not None else data.years[-1]
        raw = data.matrix(year, leaves)
        X = raw.to_numpy(float)
        X.setflags(write=False)
        others = None
        if spec.goalposts == "pooled" and _ruler is None:
            others = np.vstack([data.matrix(y, leaves).to_numpy(float) for y in data.years if y != year]
                               or [np.empty((0, len(leaves)))])
        lo = hi = fitted = mu = None
        if _ruler is not None:
            fitted, mu, lo, hi = _ruler
        elif isinstance(spec.goalposts, tuple):
            gm = spec.goalpost_map
            lo = np.array([gm[leaf][0] for leaf in leaves], float)
            hi = np.array([gm[leaf][1] for leaf in leaves], float)
        slots = {leaf: j for j, leaf in enumerate(leaves)}
        plan = []  # for each non-leaf node (deepest level first): slot, child slots, weights
        nxt = len(leaves)
        for level in reversed(fw.levels):
            for node in level:
                kids = fw.children(node)
                plan.append((nxt, np.array([slots[c] for c in kids]),
                             np.array([fw.node(c).weight for c in kids], float)))
                slots[node] = nxt
                nxt += 1
        gw = fw.global_weights().reindex(leaves).to_numpy(float)
        for name, val in (("spec", spec), ("year", int(year)), ("regions", tuple(raw.index)),
                          ("leaves", tuple(leaves)), ("X", X), ("direction", fw.directions().to_numpy(float)),
                          ("frozen", _ruler is not None), ("_others", others), ("_lo", lo), ("_hi", hi),
                          ("_fitted", fitted), ("_mu", mu), ("_plan", tuple(plan)), ("_root", slots[fw.root]),
                          ("_gw", gw)):
            object.__setattr__(self, name, val)

    @classmethod
    def fixed(cls, data: Dataset, spec: Spec, baseline: Result | None = None) -> "CompositeKernel":
        """The fixed-mode kernel: the ruler (treatment fit, imputation means, goalposts) of
        ``baseline = build(data, spec)`` frozen; ``data`` gives the starting values.

        Raises
        ------
        EditError
            When the normalisation is not minmax.
        """
        baseline = build(data, spec) if baseline is None else baseline
        fixed_spec(spec, baseline)  # minmax only
        return cls(data, replace(spec, year=baseline.year), _ruler=_ruler_of(data, spec, baseline))

    def __setattr__(self, key, value):
        raise AttributeError("CompositeKernel is immutable")

    # -- stages -------------------------------------------------------------------------------
    def normalised(self, X: np.ndarray) -> np.ndarray:
        """Normalised leaf scores (regions × leaves) for raw values ``X``, as build() computes them."""
        spec = self.spec
        X = np.asarray(X, float)
        if self.frozen:
            X_in = np.where(np.isnan(X), self._mu[None, :], X) if self._mu is not None else X
            return n_goalposts(_apply_fitted(X_in, self._fitted), self.direction, self._lo, self._hi)
        X_in, fit_on = self._inputs(X)
        pooled = spec.goalposts == "pooled"
        if spec.treat == "none":
            T, P = X_in, fit_on
        else:
            fitted = _fit(fit_on, spec)
            T = _apply_fitted(X_in, fitted)
            P = _apply_fitted(fit_on, fitted) if pooled else T
        if spec.normalisation != "minmax":
            return NORMALISERS[spec.normalisation](T, self.direction)
        if self._lo is not None:
            lo, hi = self._lo, self._hi
        else:
            lo, hi = _nan_extremes(P if pooled else T)
        return n_goalposts(T, self.direction, lo, hi)

    def _inputs(self, X: np.ndarray):
        """(values after the missing-value policy, values the treatment is fitted on), as build()."""
        spec = self.spec
        X_in = impute_mean(X) if spec.missing == "mean" else X
        if spec.goalposts == "pooled":
            allyears = np.vstack([X, self._others])
            return X_in, (impute_mean(allyears) if spec.missing == "mean" else allyears)
        return X_in, X_in

    def treatment(self, X: np.ndarray) -> dict:
        """Leaf -> label ("log", "winsor(2)") of the treatment applied for raw values ``X``
        (re-fitted as build() would; the baseline's in the fixed flavour)."""
        if self.frozen:
            fitted = self._fitted
        elif self.spec.treat == "none":
            return {}
        else:
            fitted = _fit(self._inputs(np.asarray(X, float))[1], self.spec)
        return {self.leaves[j]: f.label() for j, f in enumerate(fitted) if f.kind != "none"}

    def aggregate(self, Z: np.ndarray) -> np.ndarray:
        """Composite (root score) of every row of the leaf-score matrix ``Z``."""
        Z = np.asarray(Z, float)
        arithmetic = self.spec.aggregation == "arithmetic"
        if not np.isnan(Z).any():
            if arithmetic:  # the level-by-level roll-up equals the global-weight mean (tested)
                return Z @ self._gw
            if Z.min(initial=0.0) >= 0:
                S = np.empty((Z.shape[0], len(self.leaves) + len(self._plan)))
                S[:, :Z.shape[1]] = Z
                for slot, kids, w in self._plan:
                    S[:, slot] = np.expm1(np.log1p(S[:, kids]) @ (w / w.sum()))
                return S[:, self._root]
        agg = AGGREGATORS[self.spec.aggregation]  # NaN (re-weighting) or errors: the pipeline's kernels
        S = np.empty((Z.shape[0], len(self.leaves) + len(self._plan)))
        S[:, :Z.shape[1]] = Z
        for slot, kids, w in self._plan:
            S[:, slot] = agg(S[:, kids], w)[0]
        return S[:, self._root]

    def composite(self, X: np.ndarray) -> np.ndarray:
        """Composite of every region for raw values ``X`` (regions × leaves, the scored year)."""
        return self.aggregate(self.normalised(X))

    @property
    def goalposts(self):
        """(lo, hi) arrays per leaf (treated scale) when fixed, else None."""
        return None if self._lo is None else (self._lo, self._hi)

    @property
    def linear(self) -> bool:
        """True when each region's composite is exactly linear in its own raw values
        (arithmetic, minmax with fixed goalposts, no outlier treatment, no imputation)."""
        s = self.spec
        if self._lo is None or s.aggregation != "arithmetic" or s.normalisation != "minmax":
            return False
        if self.frozen:
            return all(f.kind == "none" for f in self._fitted) and (self._mu is None or not np.isnan(self.X).any())
        return s.treat == "none" and (s.missing == "reweight" or not np.isnan(self.X).any())


def _nan_extremes(A):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(A, axis=0), np.nanmax(A, axis=0)


def _fit(fit_on: np.ndarray, spec: Spec) -> list:
    """``treat.fit`` with a vectorised path for the log treatment (same result, tested)."""
    if spec.treat != "log":
        return _treat.fit(fit_on, spec.treat, spec.skew, spec.kurt, spec.winmax)
    flagged = _treat.flags(fit_on, spec.skew, spec.kurt)
    lo = _nan_extremes(fit_on)[0]
    return [(_treat.Fitted("log", shift=0.0 if lo[j] > 0 else 1.0 - lo[j]) if flagged[j] else _NONE)
            for j in range(fit_on.shape[1])]


_NONE = _treat.Fitted("none")


def _apply_fitted(X: np.ndarray, fitted: list) -> np.ndarray:
    """``treat.apply`` vectorised over columns (same arithmetic as ``Fitted.apply``)."""
    X = np.asarray(X, float)
    kinds = [f.kind for f in fitted]
    if all(k == "none" for k in kinds):
        return X
    out = X.copy()
    logc = np.array([k == "log" for k in kinds])
    if logc.any():
        shift = np.array([f.shift for f, k in zip(fitted, kinds) if k == "log"])
        with np.errstate(all="ignore"):
            out[:, logc] = np.log(np.maximum(X[:, logc] + shift[None, :], 1e-300))
    winc = np.array([k == "winsor" for k in kinds])
    if winc.any():
        lo = np.array([f.lo for f, k in zip(fitted, kinds) if k == "winsor"])
        hi = np.array([f.hi for f, k in zip(fitted, kinds) if k == "winsor"])
        out[:, winc] = np.clip(X[:, winc], lo[None, :], hi[None, :])
    return out


def _ruler_of(data: Dataset, spec: Spec, baseline: Result):
    """The baseline's fitted treatment, imputation means and goalposts (as build() fitted them)."""
    leaves = list(spec.framework.leaves)
    X = data.matrix(baseline.year, leaves).to_numpy(float)
    mu = None
    if spec.missing == "mean":
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mu = np.nanmean(X, axis=0)
    X_in = impute_mean(X) if spec.missing == "mean" else X
    if spec.goalposts == "pooled":
        allyears = np.vstack([data.matrix(y, leaves).to_numpy(float) for y in data.years])
        fit_on = impute_mean(allyears) if spec.missing == "mean" else allyears
    else:
        fit_on = X_in
    fitted = _treat.fit(fit_on, spec.treat, spec.skew, spec.kurt, spec.winmax)
    gp = baseline.goalposts.reindex(leaves)
    return fitted, mu, gp["lo"].to_numpy(float), gp["hi"].to_numpy(float)


def _fixed_after(raw: pd.DataFrame, spec: Spec, baseline: Result, ruler, name: str = "scenario") -> Result:
    """build() of an edited year (``raw``: regions × leaves) with the baseline's frozen ruler.

    The raw values are imputed (baseline means) and treated (baseline fit) here, then scored by
    build() with ``treat="none"`` and the baseline goalposts; the returned Result shows the
    edited raw values, the frozen treatment and ``spec`` with the baseline goalposts.
    """
    fitted, mu, lo, hi = ruler
    leaves = list(spec.framework.leaves)
    raw = raw[leaves]
    X = raw.to_numpy(float)
    X_in = np.where(np.isnan(X), mu[None, :], X) if mu is not None else X
    T = pd.DataFrame(_apply_fitted(X_in, fitted), index=raw.index, columns=leaves)
    ds = _one_year(name, T, baseline.year)
    gp = pd.DataFrame({"lo": lo, "hi": hi}, index=pd.Index(leaves, name="indicator"))
    inner = build(ds, replace(spec, treat="none", goalposts=gp, year=baseline.year))
    notes = inner.notes
    if any(f.kind != "none" for f in fitted) or mu is not None:
        notes += (("Fixed mode: the baseline's outlier treatment"
                   + (" and mean-imputation values" if mu is not None else "") + " kept (frozen ruler).",
                   "fixed 模式：沿用基准的离群值处理" + ("和均值插补值" if mu is not None else "") + "（标尺固定）。"),)
    return replace(inner, spec=replace(spec, goalposts=gp, year=baseline.year), raw=raw,
                   treatment=dict(baseline.treatment), notes=notes)


# ============================================================================================
# what-if
# ============================================================================================
def _ranks(values) -> np.ndarray:
    return rank_desc(np.asarray(values, float)).astype(int)


def _passed(before: np.ndarray, after: np.ndarray, regions: list) -> tuple[list, list]:
    """For each region: the regions it moved ahead of (strictly below before, strictly above
    after), and the regions that moved ahead of it."""
    passed = (before[:, None] < before[None, :]) & (after[:, None] > after[None, :])
    p = [[regions[j] for j in np.flatnonzero(passed[i])] for i in range(len(regions))]
    pb = [[regions[i] for i in np.flatnonzero(passed[:, j])] for j in range(len(regions))]
    return p, pb


@dataclass(frozen=True)
class WhatIf:
    """The result of :func:`whatif`.

    Attributes
    ----------
    mode : {"renormalise", "fixed"}
    edits : tuple of Edit (resolved ids)
    year : int
    baseline, after : Result
        The baseline run and the run on the edited data (``after.spec`` is the scenario spec).
    table : DataFrame
        One row per region (data order): ``region, score_before, score_after, rank_before,
        rank_after, tier_before, tier_after`` (required columns, in this order), then
        ``edited`` (bool), ``passed`` (regions it moved ahead of, ``;``-separated),
        ``passed_by`` (regions that moved ahead of it) and ``mode``.
    thresholds : Series tier -> unedited bar (the bar holder's baseline composite)
    notes : tuple of (en, zh)
        The mode statement first, then anything worth knowing (scores beyond the baseline
        goalposts, constant indicators in fixed mode, changed treatment).
    holders : Series tier -> region
        Each tier's bar holder (:func:`tier_bar_holders`: its lowest unedited member).
    bars_after : Series tier -> the bar holder's composite after the edit (the current bar)
    """

    mode: str
    edits: tuple
    year: int
    baseline: Result
    after: Result
    table: pd.DataFrame
    thresholds: pd.Series
    notes: tuple
    holders: pd.Series | None = None
    bars_after: pd.Series | None = None

    def displaced(self, region: str) -> tuple:
        """Regions that ``region`` moved ahead of."""
        row = self.table.loc[self.table["region"] == region, "passed"]
        return tuple(x for x in (row.iloc[0].split(";") if len(row) and row.iloc[0] else ()) if x)

    def mode_statement(self, lang: str = "en") -> str:
        """One sentence stating the normalisation mode in force."""
        return _MODE_TEXT[self.mode][1 if lang == "zh" else 0]


def _whatif_notes(mode, baseline: Result, after: Result, edits: tuple) -> list:
    notes = [_MODE_TEXT[mode]]
    cells = sorted({(e.region, e.indicator) for e in edits}, key=lambda c: (c[0], c[1]))
    if mode == "fixed":
        beyond = []
        for reg, ind in cells:
            z = after.normalised.at[reg, ind]
            if np.isfinite(z) and (z > 100 + 1e-9 or z < -1e-9):
                beyond.append(f"{reg}/{ind} = {z:.4g}")
        if beyond:
            notes.append((f"Scores beyond the baseline goalposts (allowed in fixed mode): {', '.join(beyond)}.",
                          f"超出基准最小值/最大值范围的得分（fixed 模式允许）：{'、'.join(beyond)}。"))
        gp = baseline.goalposts
        const = sorted({ind for _, ind in cells if not (gp.at[ind, "hi"] > gp.at[ind, "lo"])})
        if const:
            notes.append((f"{', '.join(const)} had no spread in the baseline: everyone scores 50 with fixed goalposts, "
                          f"so editing it changes nothing.",
                          f"{'、'.join(const)} 在基准中各地区取值相同：fixed 模式下统一记 50 分，编辑不起作用。"))
    if baseline.treatment != after.treatment:
        notes.append(("The outlier treatment was re-fitted on the edited data and changed: "
                      f"{baseline.treatment or 'none'} -> {after.treatment or 'none'}.",
                      "离群值处理按编辑后的数据重新拟合，结果有变化："
                      f"{baseline.treatment or '无'} -> {after.treatment or '无'}。"))
    for en, zh in after.notes:
        if (en, zh) not in baseline.notes:
            notes.append((en, zh))
    return notes


def whatif(data: Dataset, spec: Spec, edits, mode: str = "renormalise", *, tiers=None,
           baseline: Result | None = None) -> WhatIf:
    """Apply ``edits`` and recompute: before/after score, rank and tier for every region.

    Parameters
    ----------
    data : Dataset
    spec : Spec
        The scenario's full specification (weights, treatment, normalisation, aggregation...).
    edits : iterable of Edit (or dicts / ``REGION:INDICATOR=...`` strings)
        Applied in order to the scored year.
    mode : {"renormalise", "fixed"}
        See the module docstring; ``fixed`` needs minmax normalisation.
    tiers : None, Series or callable
        Baseline tiering (see :func:`baseline_tiers`); after the edit, tiers follow the fixed
        bars of this tiering, each held by a region (:func:`tiers_after`, :func:`tier_bar_holders`).
    baseline : Result, optional
        ``build(data, spec)`` if already computed.

    Returns
    -------
    WhatIf

    Raises
    ------
    EditError, DataError, FrameworkError, SpecError
    """
    check_choice("mode", mode, MODES)
    baseline = build(data, spec) if baseline is None else baseline
    fw = spec.framework
    resolved = resolve_edits(edits, data, fw)
    year = baseline.year
    try:
        if mode == "renormalise":
            if spec.goalposts == "pooled":  # every year enters the goalposts: edit the full data
                edited = apply_edits(data, resolved, year, fw)
            else:  # build() reads the scored year only: score a one-year data set (much faster)
                edited = _one_year(data.name, _edited_matrix(data, resolved, year, fw), year)
            after = build(edited, replace(spec, year=year))
        else:
            fixed_spec(spec, baseline)  # minmax only
            X = _edited_matrix(data, resolved, year, fw)[list(fw.leaves)]
            after = _fixed_after(X, spec, baseline, _ruler_of(data, spec, baseline), data.name)
    except SpecError as exc:
        if exc.parameter == "aggregation" and mode == "fixed":
            raise EditError("With fixed goalposts an edited value below the baseline minimum scores below 0, "
                            "which geometric aggregation cannot take. Use mode='renormalise' or arithmetic "
                            "aggregation, or keep the value within the baseline range.",
                            "fixed 模式下低于基准最小值的取值得分为负，几何平均聚合无法处理。请改用 "
                            "mode='renormalise' 或算术平均聚合，或使取值不低于基准最小值。", parameter="mode") from None
        raise
    regions = list(baseline.regions)
    before = baseline.composite
    aft = after.composite.reindex(regions)
    btier = baseline_tiers(baseline, tiers)
    edited_regions = {e.region for e in resolved}
    holders = tier_bar_holders(before, btier, edited_regions)
    th = tier_thresholds(before, btier, edited_regions)
    atier = tiers_after(before, aft, btier, holders=holders)
    p, pb = _passed(before.to_numpy(float), aft.to_numpy(float), regions)
    table = pd.DataFrame({
        "region": regions,
        "score_before": before.to_numpy(float),
        "score_after": aft.to_numpy(float),
        "rank_before": _ranks(before),
        "rank_after": _ranks(aft),
        "tier_before": btier.to_numpy(int),
        "tier_after": atier.to_numpy(int),
        "edited": [r in edited_regions for r in regions],
        "passed": [";".join(x) for x in p],
        "passed_by": [";".join(x) for x in pb],
        "mode": mode,
    })
    bars = pd.Series([aft[r] if isinstance(r, str) or pd.notna(r) else np.nan for r in holders],
                     index=holders.index, dtype=float, name="bar_after")
    return WhatIf(mode=mode, edits=resolved, year=baseline.year, baseline=baseline, after=after,
                  table=table, thresholds=th, notes=tuple(_whatif_notes(mode, baseline, after, resolved)),
                  holders=holders, bars_after=bars)


# ============================================================================================
# levers
# ============================================================================================
@dataclass(frozen=True)
class Levers:
    """The result of :func:`levers`.

    Attributes
    ----------
    region : str
    mode : str
    method : {"analytic", "finite-difference"}
    year : int
    table : DataFrame indexed by indicator, sorted by ``gain_per_pct`` descending
        Columns ``name_zh, name_en, direction, value, sd, gain_per_pct`` (composite points per
        1 % improvement: +1 % for higher-is-better, -1 % for lower-is-better),
        ``gain_per_sd`` (per 1 sd improvement), ``rank_after_pct``, ``rank_after_sd`` (rank after
        that single change) and ``note``.
    rank : int
        The region's baseline rank.
    notes : tuple of (en, zh)
    """

    region: str
    mode: str
    method: str
    year: int
    table: pd.DataFrame
    rank: int
    notes: tuple


def _region_index(kernel: CompositeKernel, region) -> int:
    return kernel.regions.index(region)


def _kernel(data: Dataset, spec: Spec, baseline: Result, mode: str) -> CompositeKernel:
    """The fast path for ``mode``: re-fitting (renormalise) or the frozen baseline ruler (fixed)."""
    if mode == "renormalise":
        return CompositeKernel(data, replace(spec, year=baseline.year))
    return CompositeKernel.fixed(data, spec, baseline)


def levers(data: Dataset, spec: Spec, region, *, mode: str = "renormalise", indicators=None,
           edits=()) -> Levers:
    """Gain in composite per 1 % and per 1 sd improvement of each indicator, ranked.

    Parameters
    ----------
    data : Dataset
    spec : Spec
    region : str
        Region id or name.
    mode : {"renormalise", "fixed"}
    indicators : iterable of str, optional
        Default: every indicator of the framework.
    edits : iterable of Edit, optional
        A scenario's edits, applied first.

    Returns
    -------
    Levers
        ``method="analytic"`` for arithmetic + fixed goalposts + no treatment
        (``effective weight × 100/(hi − lo) × x·1 %``), else finite differences.
    """
    check_choice("mode", mode, MODES)
    fw = spec.framework
    base_data = apply_edits(data, edits, spec.year, fw) if edits else data
    baseline = build(base_data, spec)
    reg = base_data.resolve_region(region)
    if mode == "fixed" and edits:
        # the what-if's ruler: the UNEDITED data's goalposts and treatment, the edited values on it
        unedited = build(data, spec)
        fixed_spec(spec, unedited)
        kern = CompositeKernel(base_data, replace(spec, year=unedited.year), _ruler=_ruler_of(data, spec, unedited))
    else:
        kern = _kernel(base_data, spec, baseline, mode)
    i = _region_index(kern, reg)
    inds = list(fw.leaves) if indicators is None else [_resolve_indicator(x, base_data, fw) for x in indicators]
    X0 = np.array(kern.X)
    s0 = kern.composite(X0)
    sd_all = np.nanstd(X0, axis=0, ddof=1)
    analytic = kern.linear
    gp = kern.goalposts
    rows, notes = [], []
    for ind in inds:
        j = kern.leaves.index(ind)
        d = kern.direction[j]
        x = X0[i, j]
        sd = sd_all[j]
        note = ""
        if not np.isfinite(x):
            rows.append((ind, d, x, sd, np.nan, np.nan, np.nan, np.nan, "missing value"))
            continue
        Xp = X0.copy()
        Xp[i, j] = x * (1 + d * 0.01)
        Xs = X0.copy()
        Xs[i, j] = x + d * (sd if np.isfinite(sd) else 0.0)
        sp, ss = kern.composite(Xp), kern.composite(Xs)
        if analytic:
            # improvement of x·1 % moves the score by 100·x·1 %/(hi − lo) whatever the direction
            span = gp[1][j] - gp[0][j]
            w = baseline.effective_weights.at[reg, ind]
            g_pct = w * 100.0 / span * x * 0.01 if span > 0 else 0.0
            g_sd = w * 100.0 / span * sd if span > 0 and np.isfinite(sd) else 0.0
        else:
            g_pct = sp[i] - s0[i]
            g_sd = ss[i] - s0[i]
        if x == 0:
            note = "value is 0: a percentage change cannot move it"
        elif x < 0:
            note = "negative value: +1 % makes it more negative"
        rows.append((ind, d, x, sd, g_pct, g_sd, int(_ranks(sp)[i]), int(_ranks(ss)[i]), note))
    table = pd.DataFrame(rows, columns=["indicator", "direction", "value", "sd", "gain_per_pct", "gain_per_sd",
                                        "rank_after_pct", "rank_after_sd", "note"]).set_index("indicator")
    table.insert(0, "name_en", [fw.name(k, "en") for k in table.index])
    table.insert(0, "name_zh", [fw.name(k, "zh") for k in table.index])
    table["direction"] = table["direction"].astype(int)
    table = table.sort_values("gain_per_pct", ascending=False, kind="stable", na_position="last")
    method = "analytic" if analytic else "finite-difference"
    notes.append(_MODE_TEXT[mode])
    notes.append(("Gains are exact: the composite is linear in each value (arithmetic, fixed goalposts)."
                  if analytic else
                  "Gains are finite differences: the actual change of the composite for a 1 % / 1 sd improvement.",
                  "增益为精确值：综合指数对各指标取值是线性的（算术平均、固定最小最大值）。" if analytic else
                  "增益为有限差分：指标改善 1% / 1 个标准差时综合指数的实际变化。"))
    zero = [k for k in table.index if table.at[k, "value"] == 0]
    if zero:
        notes.append((f"{', '.join(zero)}: value 0, a percentage change cannot move it (use an absolute edit).",
                      f"{'、'.join(zero)}：取值为 0，百分比变动无效（请用设定取值的编辑）。"))
    return Levers(region=reg, mode=mode, method=method, year=kern.year, table=table,
                  rank=int(_ranks(s0)[i]), notes=tuple(notes))


# ============================================================================================
# goal-seeking
# ============================================================================================
@dataclass(frozen=True)
class GoalSeek:
    """The result of :func:`goal_seek`.

    Attributes
    ----------
    reached : bool
        Whether the target is reached within the bounds.
    region, mode, strategy : str
    method : str
        ``"none-needed"`` (already there), ``"bisection"`` (uniform), ``"linprog"`` (exact LP),
        ``"slp-bisection"`` (monotone search, reaches the target, not proven cheapest),
        ``"bounds"`` (not reachable: every indicator at its bound) or ``"not-by-score"`` (a tier
        target the crossing rule cannot give: the region's unedited composite is already at or
        above the bar of every tier up to the target, yet it is in a worse tier; no change is
        proposed).
    target : str
        ``"rank 15"`` or ``"tier 2"``.
    target_score : float
        The score to beat at the solution: for a rank, the ``r``-th best other region's composite
        after the edit (must be exceeded strictly); for a tier, the threshold the crossing rule
        asks for (must be reached; usually the tier's lowest baseline composite).
    changes : Mapping indicator -> float
        Signed percentage change of each raw value (``+`` for higher-is-better, ``-`` for
        lower-is-better), directly usable as ``--set INDICATOR=+x%``. When the target is not
        reachable: the best attempt (every indicator at its bound).
    improvements : Mapping indicator -> float
        The same as improvements (>= 0).
    uniform_pct : float or None
        The uniform improvement (``strategy="uniform"``).
    cost : float or None
        ``Σ cost_j · improvement_j`` (``strategy="cheapest"``).
    score_before, score_after : float
    rank_before, rank_after : int
    tier_before, tier_after : int
    best_score, best_rank : float, int
        The best reachable within the bounds.
    excluded : Mapping indicator -> reason (English)
    year : int
    message_en, message_zh : str
    """

    reached: bool
    region: str
    mode: str
    strategy: str
    method: str
    target: str
    target_score: float
    changes: Mapping
    improvements: Mapping
    uniform_pct: float | None
    cost: float | None
    score_before: float
    score_after: float
    rank_before: int
    rank_after: int
    tier_before: int
    tier_after: int
    best_score: float
    best_rank: int
    excluded: Mapping
    year: int
    message_en: str
    message_zh: str

    @property
    def edits(self) -> tuple:
        """The changes as :class:`Edit` records (``pct``), e.g. to feed :func:`whatif`."""
        return tuple(Edit(self.region, k, "pct", float(v)) for k, v in self.changes.items() if v != 0)

    def to_dict(self) -> dict:
        """Plain JSON-ready values (the CLI's output)."""
        return {
            "reached": bool(self.reached), "changes": {k: float(v) for k, v in self.changes.items()},
            "score_after": float(self.score_after), "rank_after": int(self.rank_after),
            "mode": self.mode, "target_score": float(self.target_score), "method": self.method,
            "message_en": self.message_en, "message_zh": self.message_zh,
            "region": self.region, "target": self.target, "strategy": self.strategy, "year": self.year,
            "improvements": {k: float(v) for k, v in self.improvements.items()},
            "uniform_pct": None if self.uniform_pct is None else float(self.uniform_pct),
            "cost": None if self.cost is None else float(self.cost),
            "score_before": float(self.score_before), "rank_before": int(self.rank_before),
            "tier_before": int(self.tier_before), "tier_after": int(self.tier_after),
            "best_score": float(self.best_score), "best_rank": int(self.best_rank),
            "excluded": dict(self.excluded),
            "edits": [e.to_text(with_region=False) for e in self.edits],
        }


def _mapping(value, name: str, dataset: Dataset, fw: Framework) -> dict:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise EditError(f"'{name}' must be a mapping indicator -> number; got {value!r}.",
                        f"“{name}” 必须是 指标 -> 数值 的映射；收到 {value!r}。", parameter=name)
    out = {}
    for k, v in value.items():
        ind = _resolve_indicator(k, dataset, fw)
        try:
            f = float(v)
        except (TypeError, ValueError):
            f = float("nan")
        if not math.isfinite(f) or f < 0:
            raise EditError(f"'{name}' for {ind} must be a non-negative number; got {v!r}.",
                            f"“{name}” 中 {ind} 的值必须是非负数；收到 {v!r}。", parameter=name)
        out[ind] = f
    return out


def _search(fun, lo: float, hi: float, f_lo: float | None = None, f_hi: float | None = None,
            rel: float = 1e-10, max_iter: int = 200) -> float:
    """Smallest ``x`` in ``[lo, hi]`` with ``fun(x) >= 0``, for a non-decreasing ``fun`` with
    ``fun(lo) < 0 <= fun(hi)``.

    A bracketing search: Illinois (modified regula falsi) steps, with a plain bisection step
    every fourth iteration so that a jump in ``fun`` cannot stall it. The bracket
    ``[miss, reach]`` is kept throughout and the reaching end is returned once the bracket is
    narrower than ``rel`` (relative): the result reaches, and any value below it by more than
    that misses.
    """
    f_lo = fun(lo) if f_lo is None else f_lo
    f_hi = fun(hi) if f_hi is None else f_hi
    side = 0
    for it in range(max_iter):
        width = hi - lo
        if width <= rel * max(abs(hi), 1e-12):
            break
        x = 0.5 * (lo + hi)
        if it % 4 != 3 and np.isfinite(f_lo) and np.isfinite(f_hi) and f_hi > f_lo:
            xf = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
            # keep the trial strictly inside the bracket
            x = min(max(xf, lo + 1e-3 * rel * width), hi - 1e-3 * rel * width)
        fx = fun(x)
        if fx >= 0:
            hi, f_hi = x, fx
            if side == 1:
                f_lo *= 0.5
            side = 1
        else:
            lo, f_lo = x, fx
            if side == -1:
                f_hi *= 0.5
            side = -1
    return hi


def goal_seek(data: Dataset, spec: Spec, region, *, target_rank: int | None = None,
              target_tier: int | None = None, indicators=None, mode: str = "renormalise",
              strategy: str | None = None, costs: Mapping | None = None, max_pct: float = 100.0,
              bounds: Mapping | None = None, tiers=None, edits=()) -> GoalSeek:
    """The smallest improvement that lifts ``region`` to a rank or a tier.

    Parameters
    ----------
    data : Dataset
    spec : Spec
    region : str
        Region id or name.
    target_rank : int, optional
        Reach rank ``r`` (1 = best): strictly above the ``r``-th best other region after the
        edit. Exactly one of ``target_rank`` / ``target_tier``.
    target_tier : int, optional
        Reach tier ``t`` by the crossing rule of :func:`tiers_after`: at least the current
        composite of the bar holder of tier ``t`` (its lowest unedited member; the region itself
        counts as edited) after the change -- a moving target under re-normalisation.
    indicators : iterable of str, optional
        Indicators that may change (default: every indicator). Those with a zero, negative or
        missing value are left out and listed in ``excluded``.
    mode : {"renormalise", "fixed"}
    strategy : {"uniform", "cheapest"}, optional
        Default: ``"cheapest"`` when ``costs`` is given, else ``"uniform"``.
    costs : mapping indicator -> cost per percentage point, optional
        Without ``indicators``, the costed indicators are the ones that may change; with
        ``indicators``, those not in ``costs`` cost 1.
    max_pct : float
        Upper bound of every improvement, in percent (default 100). Lower-is-better indicators
        are also capped at 100 % (a value cannot fall below 0).
    bounds : mapping indicator -> max percent, optional
        Per-indicator bounds, overriding ``max_pct``.
    tiers : None, Series or callable
        Baseline tiering (see :func:`baseline_tiers`).
    edits : iterable of Edit, optional
        A scenario's edits, applied first (the start of the search). As in :func:`whatif`, the
        fixed mode keeps the unedited data's ruler, and tiers are the unedited tiering moved by
        the crossing rule (bar holders: the regions neither these edits nor the search edit).

    Returns
    -------
    GoalSeek

    Raises
    ------
    EditError
        No or both targets, a target out of range, bad bounds or costs, no usable indicator.
    """
    check_choice("mode", mode, MODES)
    if (target_rank is None) == (target_tier is None):
        raise EditError("Give exactly one target: target_rank (e.g. 15) or target_tier (e.g. 2).",
                        "请只给出一个目标：target_rank（如 15）或 target_tier（如 2）。", parameter="target")
    strategy = strategy or ("cheapest" if costs else "uniform")
    check_choice("strategy", strategy, STRATEGIES)
    try:
        max_pct = float(max_pct)
    except (TypeError, ValueError):
        max_pct = float("nan")
    if not math.isfinite(max_pct) or max_pct < 0:
        raise EditError(f"max_pct must be a non-negative number of percent; got {max_pct!r}.",
                        f"max_pct 必须是非负的百分数；收到 {max_pct!r}。", parameter="--max-pct")
    fw = spec.framework
    base_data = apply_edits(data, edits, spec.year, fw) if edits else data
    baseline = build(base_data, spec)
    reg = base_data.resolve_region(region)
    # the unedited data give the ruler (fixed mode: its goalposts, as whatif) and the tiers (the
    # what-if's: its tiering and bars, moved by the crossing rule); the edits give the start
    unedited = build(data, spec) if edits else baseline
    kern = _kernel(data, spec, unedited, mode)
    i = _region_index(kern, reg)
    n = len(kern.regions)
    X0 = base_data.matrix(kern.year, list(kern.leaves)).to_numpy(float) if edits else np.array(kern.X)
    S0 = kern.composite(X0)
    btier = baseline_tiers(unedited, tiers)
    before = unedited.composite.reindex(list(kern.regions))
    # bar holders (tiers_after): the scenario's, as the pages show them, and those once the search
    # edits the region (an edited region holds no bar: applying the answer makes it edited)
    scen_edited = {e.region for e in resolve_edits(edits, data, fw)} if edits else set()
    hold_s = tier_bar_holders(before, btier, scen_edited)
    hold_g = tier_bar_holders(before, btier, scen_edited | {reg})
    pos = {r: j for j, r in enumerate(before.index)}
    hj = [pos.get(r) if isinstance(r, str) or pd.notna(r) else None for r in hold_g]

    def tier_of(S, holders=hold_g):
        return int(tiers_after(before, pd.Series(S, index=before.index), btier, holders=holders).iloc[i])

    by_score = True  # False: no composite can move the region to the target tier (crossing rule)
    bar_holder = [None]  # index of the region whose score is the bar (tier targets)

    # ---- target -------------------------------------------------------------------------
    others = np.array([k for k in range(n) if k != i])
    if target_rank is not None:
        if isinstance(target_rank, bool) or int(target_rank) != target_rank or not 1 <= target_rank <= n:
            raise EditError(f"target_rank must be an integer from 1 to {n}; got {target_rank!r}.",
                            f"target_rank 必须是 1 到 {n} 之间的整数；收到 {target_rank!r}。", parameter="--target-rank")
        r = int(target_rank)
        target = f"rank {r}"

        def bar(S):  # score to beat strictly: the r-th best other region
            if r > len(others):
                return -np.inf
            o = np.sort(S[others])[::-1]
            return o[r - 1]

        def already(S):
            return S[i] > bar(S)
    else:
        k = len(hold_g)
        if isinstance(target_tier, bool) or int(target_tier) != target_tier or not 1 <= target_tier <= k:
            raise EditError(f"target_tier must be an integer from 1 to {k}; got {target_tier!r}.",
                            f"target_tier 必须是 1 到 {k} 之间的整数；收到 {target_tier!r}。", parameter="--target-tier")
        t = int(target_tier)
        target = f"tier {t}"
        s_u, b0 = float(before.iloc[i]), int(btier.iloc[i])
        bar0 = [float(before.iloc[j]) if j is not None else np.nan for j in hj]
        usable = [u for u in range(1, k + 1) if hj[u - 1] is not None and hj[u - 1] != i and np.isfinite(bar0[u - 1])]
        # what the crossing rule (tiers_after) asks for, against the holders' CURRENT scores: from
        # below, reach the holder of a tier <= t whose unedited bar the region was under (the
        # easiest of them); to stay (b0 <= t), keep at or above the holder of every tier >= t whose
        # unedited bar it was at or above (the hardest of them) -- or cross a better tier's bar
        ups = [u for u in usable if u <= t and u < b0 and s_u < bar0[u - 1]]
        stays = [u for u in usable if t <= u < k and s_u >= bar0[u - 1]] if b0 <= t else []
        by_score = b0 <= t or bool(ups)

        def bar_at(S):
            cand = []
            if ups:
                cand.append(min(((S[hj[u - 1]], hj[u - 1]) for u in ups), key=lambda x: x[0]))
            if b0 <= t:
                cand.append(max(((S[hj[u - 1]], hj[u - 1]) for u in stays), key=lambda x: x[0],
                                default=(-np.inf, None)))
            if not cand:  # not by score: report the target tier's holder
                j = hj[t - 1]
                return (S[j], j) if j is not None else (np.nan, None)
            return min(cand, key=lambda x: x[0])

        def bar(S):
            v, j = bar_at(S)
            bar_holder[0] = j
            return v

        def already(S):
            return tier_of(S, hold_s) <= t

    def G(S):  # the search's gap: >= 0 is reached; a margin so that build() agrees with the kernel
        b = bar(S)
        if not np.isfinite(b):
            return np.inf if b < 0 else -np.inf
        return S[i] - b - _MARGIN * max(1.0, abs(b))

    def ok(S):
        return G(S) >= 0

    # ---- indicators and bounds ------------------------------------------------------------
    cost_map = _mapping(costs, "costs", base_data, fw)
    if indicators is None:
        chosen = list(cost_map) if cost_map else list(fw.leaves)
    else:
        chosen = list(dict.fromkeys(_resolve_indicator(x, base_data, fw) for x in indicators))
    if not chosen:
        raise EditError("No indicator to change: give at least one in 'indicators'.",
                        "没有可调整的指标：请在 “indicators” 中至少给出一个。", parameter="--indicators")
    bound_map = _mapping(bounds, "bounds", base_data, fw)
    excluded, cols, ub, cst = {}, [], [], []
    gp = kern.goalposts
    for ind in chosen:
        j = kern.leaves.index(ind)
        x = X0[i, j]
        d = kern.direction[j]
        if not np.isfinite(x):
            excluded[ind] = "missing value: a percentage change needs a value"
        elif x == 0:
            excluded[ind] = ("value is 0: it cannot grow by a percentage (use an absolute edit)" if d > 0
                             else "value is 0: already the best possible, it cannot fall further")
        elif x < 0:
            excluded[ind] = "negative value: a percentage change is not an improvement"
        elif gp is not None and not (gp[1][j] > gp[0][j]):
            excluded[ind] = "no spread in the baseline: with fixed goalposts it scores 50 whatever its value"
        else:
            u = bound_map.get(ind, max_pct)
            if d < 0:
                u = min(u, 100.0)
            cols.append(j)
            ub.append(u)
            cst.append(cost_map.get(ind, 1.0))
    cols = np.array(cols, dtype=int)
    ub = np.array(ub, float)
    cst = np.array(cst, float)
    dirs = kern.direction[cols] if len(cols) else np.empty(0)
    x_i = X0[i, cols] if len(cols) else np.empty(0)

    def raw_at(p):
        X = X0.copy()
        X[i, cols] = x_i * (1.0 + dirs * np.asarray(p, float) / 100.0)
        return X

    def state(p):
        return kern.composite(raw_at(p))

    S_best = state(ub) if len(cols) else S0
    rank0, tier0 = int(_ranks(S0)[i]), tier_of(S0, hold_s)
    words = _gs_words(base_data, fw, reg, mode, spec)

    def finish(reached, method, p, uniform=None, cost=None):
        p = np.asarray(p, float)
        S1 = state(p) if len(cols) else S0
        tier1 = tier_of(S1, hold_g if np.any(p > 0) else hold_s)
        bar1 = bar(S1)
        hname = None if bar_holder[0] is None or target_rank is not None else kern.regions[bar_holder[0]]
        holder = None if hname is None else (base_data.region_name(hname, "en"), base_data.region_name(hname, "zh"))
        imp = {fw.leaves[c]: float(v) for c, v in zip(cols, p)}
        chg = {fw.leaves[c]: float(v * dd) for c, v, dd in zip(cols, p, dirs)}
        if method != "bounds":  # keep only the indicators that move
            imp = {k2: v for k2, v in imp.items() if v > 0}
            chg = {k2: v for k2, v in chg.items() if v != 0}
        msg_en, msg_zh = _gs_messages(reached, method, words, target, strategy, S0[i], S1[i], rank0,
                                      int(_ranks(S1)[i]), bar1, chg, excluded, max_pct,
                                      float(S_best[i]), int(_ranks(S_best)[i]), uniform, cost, tier0, holder)
        if not kern.frozen and spec.treat != "none" and len(cols):
            t0, t1 = kern.treatment(X0), kern.treatment(raw_at(p))
            if t0 != t1:
                changed = list(dict.fromkeys(k2 for k2, _ in sorted(set(t0.items()) ^ set(t1.items()))))
                ids_en = ", ".join(words["ind_en"](k2) for k2 in changed)
                ids_zh = "、".join(words["ind_zh"](k2) for k2 in changed)
                if reached:
                    msg_en += (f" Note: the re-fitted outlier treatment changes at this point ({ids_en}), so the "
                               f"composite can jump; the change found reaches the target but is only locally minimal.")
                    msg_zh += (f" 注意：在此处重新拟合的离群值处理发生变化（{ids_zh}），综合指数可能跳变；所得调整可达到目标，"
                               f"但只保证局部最小。")
                else:
                    msg_en += (f" Note: at the bounds the re-fitted outlier treatment differs from the baseline's "
                               f"({ids_en}); the composite is then not monotone in the changes and a smaller change "
                               f"might score differently (try fixed baseline goalposts).")
                    msg_zh += (f" 注意：在上限处重新拟合的离群值处理与基准不同（{ids_zh}）；此时综合指数对调整幅度不单调，"
                               f"较小的调整结果可能不同（可尝试固定基线上下限）。")
        return GoalSeek(
            reached=bool(reached), region=reg, mode=mode, strategy=strategy, method=method, target=target,
            target_score=float(bar1), changes=MappingProxyType(chg), improvements=MappingProxyType(imp),
            uniform_pct=None if uniform is None else float(uniform), cost=None if cost is None else float(cost),
            score_before=float(S0[i]), score_after=float(S1[i]), rank_before=rank0, rank_after=int(_ranks(S1)[i]),
            tier_before=tier0, tier_after=tier1, best_score=float(S_best[i]), best_rank=int(_ranks(S_best)[i]),
            excluded=MappingProxyType(dict(excluded)), year=kern.year, message_en=msg_en, message_zh=msg_zh)

    zero = np.zeros(len(cols))
    if already(S0):
        return finish(True, "none-needed", zero, 0.0 if strategy == "uniform" else None,
                      0.0 if strategy == "cheapest" else None)
    if not by_score:  # in a worse tier despite a composite above the target tier's bar
        return finish(False, "not-by-score", zero)
    if not len(cols):
        raise EditError("None of the chosen indicators can be improved by a percentage: "
                        + "; ".join(f"{k2}: {v}" for k2, v in excluded.items()) + ".",
                        "所选指标都无法按百分比改善：" + "；".join(excluded) + "（取值为 0、负数、缺失或无差异）。",
                        parameter="--indicators")
    if not ok(S_best):
        return finish(False, "bounds", ub, float(ub.max()) if strategy == "uniform" else None,
                      float(cst @ ub) if strategy == "cheapest" else None)

    if strategy == "uniform":
        u = _search(lambda s: G(state(np.minimum(s, ub))), 0.0, float(ub.max()), G(S0), G(S_best))
        return finish(True, "bisection", np.minimum(u, ub), u, None)

    # ---- cheapest ---------------------------------------------------------------------------
    if kern.linear:
        p = _lp_cheapest(kern, baseline, i, cols, x_i, ub, cst, S0, bar, G, state)
        return finish(True, "linprog", p, None, float(cst @ p))
    p = _slp_cheapest(ub, cst, G, state)
    return finish(True, "slp-bisection", p, None, float(cst @ p))


def _linprog(c, g, need, ub):
    """min c·p s.t. g·p >= need, 0 <= p <= ub (HiGHS)."""
    from scipy.optimize import linprog

    # a tiny penalty on Σp breaks ties between free (zero-cost) changes in favour of less change
    eps = 1e-9 * (1.0 + float(np.max(c)) if len(c) else 1.0)
    res = linprog(c + eps, A_ub=-np.asarray(g, float)[None, :], b_ub=[-need],
                  bounds=list(zip(np.zeros(len(ub)), ub)), method="highs")
    if res.status != 0:
        return None
    return np.clip(res.x, 0.0, ub)


def _reach_by_scaling(p, ub, G, state):
    """Nudge an LP solution up along its ray until the exact target test passes (solver slack)."""
    g0 = G(state(p))
    if g0 >= 0:
        return p
    for e in range(1, 40):
        q = np.minimum(p * (1.0 + 1e-10 * 4.0 ** e), ub)
        gq = G(state(q))
        if gq >= 0:
            lam = _search(lambda a: G(state(p + a * (q - p))), 0.0, 1.0, g0, gq)
            return p + lam * (q - p)
    return ub.copy()


def _lp_cheapest(kern, baseline, i, cols, x_i, ub, cst, S0, bar, G, state):
    """Exact LP when the composite is linear: s(p) = s0 + Σ g_j p_j and the bar does not move."""
    lo, hi = kern.goalposts
    reg = kern.regions[i]
    g = np.array([baseline.effective_weights.at[reg, kern.leaves[c]] * 100.0 / (hi[c] - lo[c]) * x * 0.01
                  for c, x in zip(cols, x_i)])
    b = bar(S0)
    need = b - S0[i] + 2 * _MARGIN * max(1.0, abs(b))
    p = _linprog(cst, g, need, ub)
    if p is None:
        return ub.copy()
    return _reach_by_scaling(p, ub, G, state)


def _slp_cheapest(ub, cst, G, state, max_iter: int = 12):
    """Monotone search for the cheapest combination when the composite is not linear.

    Sequential linear programs on finite-difference gains (only increases, so the gap is
    non-decreasing along each step), a bracketing search along the step that reaches the
    target, then a trim: each change, most expensive first, is lowered as far as the target
    still holds. Reaches the target; not proven to be the cheapest.
    """
    m = len(ub)
    p = np.zeros(m)
    for _ in range(max_iter):
        g0 = G(state(p))
        if g0 >= 0:
            break
        grad = np.zeros(m)
        for k in range(m):
            h = min(1.0, ub[k] - p[k])
            if h <= 0:
                continue
            e = p.copy()
            e[k] += h
            grad[k] = max(G(state(e)) - g0, 0.0) / h
        room = ub - p
        need = -g0 * (1.0 + 1e-9)
        q = _linprog(cst, grad, need, room) if grad @ room >= need else None
        step = room if q is None else q
        g1 = G(state(p + step))
        if g1 >= 0:
            lam = _search(lambda a: G(state(p + a * step)), 0.0, 1.0, g0, g1)
            p = np.minimum(p + lam * step, ub)
            break
        p = np.minimum(p + step, ub)
    if G(state(p)) < 0:
        p = ub.copy()
    # trim: lower each change (most expensive first) as far as the target still holds
    for k in np.argsort(-cst, kind="stable"):
        if p[k] <= 0:
            continue
        base = p.copy()

        def gap_at(v, k=k, base=base):
            r = base.copy()
            r[k] = v
            return G(state(r))

        g_zero = gap_at(0.0)
        if g_zero >= 0:
            p[k] = 0.0
            continue
        p[k] = _search(gap_at, 0.0, base[k], g_zero, None)
    return p


def _gs_words(data: Dataset, fw: Framework, reg: str, mode: str, spec: Spec) -> dict:
    """Names and labels of a goal-seek message in each language (no internal ids)."""
    def ind(lang):
        return lambda k: fw.name(k, lang) if k in fw.ids else str(k)

    minmax = spec.normalisation == "minmax"
    return {"reg_en": data.region_name(reg, "en"), "reg_zh": data.region_name(reg, "zh"),
            "ind_en": ind("en"), "ind_zh": ind("zh"),
            "mode_en": {"renormalise": "re-normalised min-max" if minmax else "re-normalised",
                        "fixed": "fixed baseline goalposts"}[mode],
            "mode_zh": {"renormalise": "重新标准化", "fixed": "固定基线上下限"}[mode]}


def _gs_messages(reached, method, w, target, strategy, s0, s1, rank0, rank1, bar_score, chg,
                 excluded, max_pct, best_score, best_rank, uniform, cost, tier0, holder=None):
    reg_en, reg_zh, mode_en, mode_zh = w["reg_en"], w["reg_zh"], w["mode_en"], w["mode_zh"]
    is_rank = target.startswith("rank")
    num = target.split()[1]
    tgt_zh = f"第 {num} 名" if is_rank else f"第 {num} 梯队"
    if is_rank:
        need_en, need_zh = f"more than {bar_score:.4g}", f"需超过 {bar_score:.4g}"
    elif holder:  # the bar is a region's score after the change (it moves under re-normalisation)
        need_en = f"at least {bar_score:.4g}, the score of {holder[0]} after the change"
        need_zh = f"需达到 {holder[1]} 变动后的得分 {bar_score:.4g}"
    else:
        need_en, need_zh = f"at least {bar_score:.4g}", f"需达到 {bar_score:.4g}"
    held_en = f", held by {holder[0]}" if holder else ""
    held_zh = f"，即{holder[1]}的得分" if holder else ""
    chg_en = ", ".join(f"{w['ind_en'](k)} {v:+.4g}%" for k, v in chg.items()) or "no change"
    chg_zh = "，".join(f"{w['ind_zh'](k)} {v:+.4g}%" for k, v in chg.items()) or "无需变动"
    how = {"uniform": ("uniform rise", "同比例提高"), "cheapest": ("cheapest combination", "成本最低组合")}[strategy]
    if method == "none-needed":
        at_en = f"at {target}" if is_rank else f"in tier {tier0}"
        at_zh = tgt_zh if is_rank else f"第 {tier0} 梯队"
        en = f"{reg_en} is already {at_en} (rank {rank0}, score {s0:.4g}); no change needed [{mode_en}]."
        zh = f"{reg_zh} 已处于{at_zh}（第 {rank0} 名，得分 {s0:.4g}），无需改变［{mode_zh}］。"
    elif method == "not-by-score":
        en = (f"{reg_en} is in tier {tier0} although its composite ({s0:.4g}) is at or above the lowest composite "
              f"in {target} ({bar_score:.4g}{held_en}): the tiers are not ordered by the composite alone (e.g. k-means on "
              f"composite and pillar scores places a region by its pillar profile), and a higher score alone does "
              f"not change that. To goal-seek by score, tier by the composite alone (k-means on the composite, "
              f"natural breaks or fixed sizes).")
        zh = (f"{reg_zh} 处于第 {tier0} 梯队，尽管其综合得分（{s0:.4g}）已不低于{tgt_zh}的最低综合得分（{bar_score:.4g}{held_zh}）："
              f"梯队并非仅按综合得分划分（如按综合得分与各分项得分做 k 均值聚类，地区按分项结构归组），"
              f"仅提高得分不能改变这一点。如需按得分求解，请仅按综合得分划分梯队（k 均值仅用综合得分、自然断点法或固定数量）。")
    elif reached:
        if uniform is not None:
            extra_en, extra_zh = f" ({uniform:.4g}% each)", f"（各 {uniform:.4g}%）"
        else:
            extra_en = f", cost {cost:.4g}" if cost is not None else ""
            extra_zh = f"，成本 {cost:.4g}" if cost is not None else ""
        en = (f"{reg_en} reaches {target}: score {s0:.4g} -> {s1:.4g} (needs {need_en}), rank {rank0} -> "
              f"{rank1}, with {chg_en}{extra_en} [{how[0]}, {mode_en}].")
        zh = (f"{reg_zh} 可达到{tgt_zh}：得分 {s0:.4g} -> {s1:.4g}（{need_zh}），排名 {rank0} -> {rank1}；"
              f"调整：{chg_zh}{extra_zh}［{how[1]}，{mode_zh}］。")
    else:
        en = (f"{reg_en} cannot reach {target} within the bounds (at most {max_pct:g}% per indicator): the best is "
              f"score {best_score:.4g}, rank {best_rank} (needs {need_en}) [{mode_en}].")
        zh = (f"{reg_zh} 在上限内（每项指标至多 {max_pct:g}%）无法达到{tgt_zh}：最好可达得分 {best_score:.4g}、第 {best_rank} 名"
              f"（{need_zh}）［{mode_zh}］。")
    if excluded:
        en += " Left out: " + "; ".join(f"{w['ind_en'](k)} ({v})" for k, v in excluded.items()) + "."
        zh += " 未纳入：" + "；".join(w["ind_zh"](k) for k in excluded) + "（取值为 0、负数、缺失或无差异，无法按百分比改善）。"
    return en, zh


# ============================================================================================
# projection
# ============================================================================================
def cagr(first, last, years: float):
    """Compound annual growth rate ``(last/first)^(1/years) - 1`` (a fraction).

    NaN where either value is missing or not positive, or ``years <= 0``.
    """
    first = np.asarray(first, float)
    last = np.asarray(last, float)
    with np.errstate(all="ignore"):
        g = np.power(last / first, 1.0 / years) - 1.0
    return np.where((first > 0) & (last > 0) & np.isfinite(g) & (years > 0), g, np.nan)


@dataclass(frozen=True)
class Projection:
    """The result of :func:`project`.

    Attributes
    ----------
    base_year, to_year : int
    period : (int, int)
        Years the growth rates were measured over.
    scoring : {"renormalise", "pooled"}
    rates : DataFrame regions × indicators
        Annual growth rates used (fractions; 0.05 = 5 %/year).
    values : DataFrame regions × indicators
        Projected raw values for ``to_year``.
    result : Result
        The projected year scored.
    table : DataFrame
        ``region, score_base, score_projected, rank_base, rank_projected, tier_base,
        tier_projected, scoring`` (tiers: fixed thresholds of the base year's tiering, or the
        projected year tiered afresh with ``retier=True``).
    notes : tuple of (en, zh)
    """

    base_year: int
    to_year: int
    period: tuple
    scoring: str
    rates: pd.DataFrame
    values: pd.DataFrame
    result: Result
    table: pd.DataFrame
    notes: tuple


def _rate_value(v, name):
    try:
        f = float(v)
    except (TypeError, ValueError):
        f = float("nan")
    if not math.isfinite(f) or f <= -100:
        raise EditError(f"A growth rate must be a number of percent per year above -100; got {v!r} for {name}.",
                        f"增长率必须是大于 -100 的年百分比；{name} 收到 {v!r}。", parameter="rates")
    return f / 100.0


def project(data: Dataset, spec: Spec, to_year: int, *, rates=None, period: tuple | None = None,
            scoring: str = "renormalise", tiers=None, retier: bool = False) -> Projection:
    """Grow every indicator to ``to_year`` and score it.

    Parameters
    ----------
    data : Dataset
    spec : Spec
        ``spec.year`` (default: latest) is the base year the projection starts from.
    to_year : int
        A year after the base year.
    rates : None, float or mapping indicator -> float
        Annual growth in **percent** per year. None: each region's own compound annual rate of
        each indicator over ``period``. A number: that rate for every indicator. A mapping: those
        indicators at the given rate, the others at their own compound rate.
    period : (int, int), optional
        Years the compound rate is measured over (default: first data year, base year).
        Where it is undefined (a missing, zero or negative value) the indicator is held flat
        (rate 0) and a note lists it.
    scoring : {"renormalise", "pooled"}
        ``renormalise`` (default): min-max across regions in the projected year.
        ``pooled``: goalposts pooled over the data years and the projected year (minmax only).
    tiers : None, Series or callable
        Tiering of the base year (see :func:`baseline_tiers`); projected tiers use its fixed
        thresholds (:func:`tiers_after`).
    retier : bool
        Instead, tier the projected year afresh with the same tiering (``tiers`` must then be
        None or a callable).

    Returns
    -------
    Projection
    """
    check_choice("scoring", scoring, SCORINGS)
    fw = spec.framework
    leaves = list(fw.leaves)
    base = build(data, spec)
    y0 = base.year
    try:
        to_year = int(to_year)
    except (TypeError, ValueError):
        to_year = None
    if to_year is None or to_year <= y0:
        raise EditError(f"to_year must be a year after the base year {y0}.",
                        f"to_year 必须晚于基准年 {y0}。", parameter="to_year")
    p0, p1 = period if period is not None else (data.years[0], y0)
    p0, p1 = int(p0), int(p1)
    if not p0 < p1 or p0 not in data.years or p1 not in data.years:
        raise EditError(f"period must be two data years, the first earlier ({p0}, {p1} given; data: "
                        f"{', '.join(map(str, data.years))}).",
                        f"period 必须是数据中的两个年份且前者较早（收到 {p0}、{p1}；数据年份：{'、'.join(map(str, data.years))}）。",
                        parameter="period")
    if scoring == "pooled" and spec.normalisation != "minmax":
        raise EditError("scoring='pooled' needs minmax normalisation.", "scoring='pooled' 需要 minmax 标准化。",
                        parameter="scoring")
    first = data.matrix(p0, leaves)
    last_period = data.matrix(p1, leaves)
    own = pd.DataFrame(cagr(first.to_numpy(), last_period.to_numpy(), p1 - p0), index=first.index, columns=leaves)
    notes = []
    undefined = own.isna() & base.raw.notna()
    rate = own.copy()
    if rates is not None:
        if isinstance(rates, Mapping):
            for k, v in rates.items():
                ind = _resolve_indicator(k, data, fw)
                rate[ind] = _rate_value(v, ind)
        else:
            rate.loc[:, :] = _rate_value(rates, "rates")
    undefined &= rate.isna()
    if undefined.to_numpy().any():
        cells = [f"{undefined.index[int(a)]}/{leaves[int(b)]}" for a, b in zip(*np.nonzero(undefined.to_numpy()))]
        notes.append((f"No compound growth rate over {p0}-{p1} (missing, zero or negative value) for "
                      f"{len(cells)} cell(s), held flat: {', '.join(cells[:10])}{' ...' if len(cells) > 10 else ''}.",
                      f"{p0}-{p1} 年无法计算复合增长率（取值缺失、为 0 或为负）的 {len(cells)} 项保持不变："
                      f"{'、'.join(cells[:10])}{' ...' if len(cells) > 10 else ''}。"))
    rate = rate.fillna(0.0)
    values = base.raw * (1.0 + rate) ** (to_year - y0)
    long = values.stack(future_stack=True).rename("value").reset_index()
    long.columns = ["region", "indicator", "value"]
    long = long.dropna(subset=["value"])
    long["year"] = to_year
    proj_data = data.replace_values(long[["region", "year", "indicator", "value"]])
    pspec = replace(spec, year=to_year, goalposts=None if scoring == "renormalise" else "pooled")
    res = build(proj_data, pspec)
    btier = baseline_tiers(base, tiers)
    th = tier_thresholds(base.composite, btier)
    comp = res.composite.reindex(list(base.regions))
    if retier:
        if isinstance(tiers, pd.Series):
            raise EditError("retier=True needs a tiering function (or None), not fixed tiers.",
                            "retier=True 需要梯队划分函数（或 None），不能是固定的梯队。", parameter="tiers")
        ptier = baseline_tiers(res, tiers).reindex(list(base.regions))
    else:
        ptier = tiers_after(base.composite, comp, btier, th)
    table = pd.DataFrame({
        "region": list(base.regions),
        "score_base": base.composite.to_numpy(float),
        "score_projected": comp.to_numpy(float),
        "rank_base": _ranks(base.composite),
        "rank_projected": _ranks(comp),
        "tier_base": btier.to_numpy(int),
        "tier_projected": ptier.to_numpy(int),
        "scoring": scoring,
    })
    notes.insert(0, ((f"scoring=renormalise: min-max across regions in {to_year}; scores are relative to that "
                      f"year's best and worst." if scoring == "renormalise" else
                      f"scoring=pooled: goalposts pooled over {', '.join(map(str, data.years))} and {to_year}; "
                      f"scores comparable across years.") +
                     (" Tiers: the projected year tiered afresh." if retier else
                      " Tiers: fixed thresholds of the base year's tiering."),
                     (f"评分=renormalise：在 {to_year} 年各地区间做 min-max；得分相对于当年最高和最低。"
                      if scoring == "renormalise" else
                      f"评分=pooled：最小最大值取 {'、'.join(map(str, data.years))} 与 {to_year} 年合并范围；跨年可比。") +
                     ("梯队：对预测年份重新划分。" if retier else "梯队：沿用基准年梯队的分界分数。")))
    return Projection(base_year=y0, to_year=to_year, period=(p0, p1), scoring=scoring, rates=rate, values=values,
                      result=res, table=table, notes=tuple(notes))
