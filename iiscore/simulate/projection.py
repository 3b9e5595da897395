"""Projection: grow every indicator at its compound annual rate (or given rates) and score a future year.

The projected year is scored with min-max renormalised across regions in that year
(``scoring="renormalise"``, default) or with goalposts pooled over the data years and the projected
year (``scoring="pooled"``). Tiers use the fixed thresholds of the base year's tiering (every region
changes in a projection, so bar holders do not apply), or the projected year is tiered afresh.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Mapping

import numpy as np
import pandas as pd

from ..data import Dataset
from ..limits import MAX_ABS_VALUE
from ..errors import check_choice
from ..pipeline import Result, build
from ..spec import Spec
from .crossing import baseline_tiers, tier_thresholds, tiers_after
from .edits import EditError, resolve_indicator
from .whatif import _ranks

__all__ = ["SCORINGS", "Projection", "cagr", "project"]

#: Scoring of a projected year.
SCORINGS = ("renormalise", "pooled")


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
                ind = resolve_indicator(k, data, fw)
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
    with np.errstate(over="ignore"):
        values = base.raw * (1.0 + rate) ** (to_year - y0)
    huge = values.notna() & ~(values.abs() <= MAX_ABS_VALUE)
    if huge.to_numpy().any():  # inf, or past where min-max ranges and squares overflow
        r, c = np.argwhere(huge.to_numpy())[0]
        reg, ind = values.index[int(r)], values.columns[int(c)]
        pct = float(rate.iat[int(r), int(c)]) * 100
        raise EditError(f"Growing {reg}'s {ind} by {pct:.4g} % a year to {to_year} gives {values.iat[int(r), int(c)]:.4g}, "
                        f"beyond the limit of ±{MAX_ABS_VALUE:g}. Use a lower rate or a nearer year.",
                        f"{reg} 的 {ind} 按每年 {pct:.4g}% 增长到 {to_year} 年将达 {values.iat[int(r), int(c)]:.4g}，"
                        f"超出 ±{MAX_ABS_VALUE:g} 的上限。请降低增长率或选择较近的年份。", parameter="rates")
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
        "tier_base": btier.to_numpy(),
        "tier_projected": ptier.to_numpy(),
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
