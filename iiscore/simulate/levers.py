"""Levers: the gain in composite per 1 % and per 1 standard deviation improvement of each indicator.

Analytic for arithmetic + fixed goalposts + no treatment (``effective weight × 100/(hi − lo) ×
x·1 %``, and ``× sd`` per sd); finite differences (the actual change of the composite for that
edit, on the fast path of :class:`iiscore.pipeline.Evaluator`) otherwise. A lever can be negative
under re-normalisation: raising an indicator of which the region is the best lowers everybody's
score on it, the region's own included when it was already at 100 (``note="renormalised"``).

``note`` codes: ``missing`` (no value), ``zero`` (a percentage cannot move 0), ``negative`` (a
percentage moves a negative value the wrong way), ``renormalised`` (a negative gain, see above).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..data import Dataset
from ..errors import check_choice
from ..pipeline import Evaluator, Result, build
from ..spec import Spec
from .edits import apply_edits, resolve_indicator
from .whatif import MODE_TEXT, MODES, _ranks, fixed_spec

__all__ = ["Levers", "levers", "evaluator", "NOTES"]

#: What a lever's ``note`` code means, in English and Chinese.
NOTES = {
    "missing": ("missing value", "缺失值"),
    "zero": ("value is 0: a percentage change cannot move it", "取值为 0：百分比变动无效"),
    "negative": ("negative value: +1 % makes it more negative", "取值为负：+1% 会使其更小"),
    "renormalised": ("negative gain: re-normalisation recomputes this indicator's min and max, and the change moves "
                     "them so that the region's own score on it falls", "增益为负：重新标准化会重新计算该指标的最小值和"
                                                                       "最大值，这一变动使该地区在该指标上的得分下降"),
    "treatment": ("negative gain: the change switches this indicator's outlier treatment (its log) on or off in the "
                  "re-fitted scale, which lowers the region's own score", "增益为负：这一变动使该指标的偏态处理（取对数）"
                                                                         "在重新拟合时开启或关闭，从而降低该地区自身得分"),
}


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


def evaluator(data: Dataset, spec: Spec, baseline: Result, mode: str) -> Evaluator:
    """The fast path for ``mode``: re-fitting (renormalise) or the baseline's ruler (fixed)."""
    if mode == "renormalise":
        return Evaluator(data, replace(spec, year=baseline.year))
    fixed_spec(spec, baseline)  # minmax only
    return Evaluator(data, replace(spec, year=baseline.year), ruler=baseline.ruler)


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
    # fixed mode: the what-if's ruler, the UNEDITED data's goalposts and treatment, the edited values on it
    ruler_from = build(data, spec) if (mode == "fixed" and edits) else baseline
    kern = evaluator(base_data, spec, ruler_from, mode)
    i = kern.regions.index(reg)
    inds = list(fw.leaves) if indicators is None else [resolve_indicator(x, base_data, fw) for x in indicators]
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
            rows.append((ind, d, x, sd, np.nan, np.nan, np.nan, np.nan, "missing"))
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
            note = "zero"
        elif x < 0:
            note = "negative"
        elif g_pct < 0 or g_sd < 0:
            # only this column changed, so a fall of the region's own composite comes from this
            # indicator's re-fitted scale: its log switched on/off, or its goalposts moved
            t0 = kern.treatment(X0).get(ind)
            flipped = t0 != kern.treatment(Xp).get(ind) or t0 != kern.treatment(Xs).get(ind)
            note = "treatment" if flipped else "renormalised"
        rows.append((ind, d, x, sd, g_pct, g_sd, int(_ranks(sp)[i]), int(_ranks(ss)[i]), note))
    table = pd.DataFrame(rows, columns=["indicator", "direction", "value", "sd", "gain_per_pct", "gain_per_sd",
                                        "rank_after_pct", "rank_after_sd", "note"]).set_index("indicator")
    table.insert(0, "name_en", [fw.name(k, "en") for k in table.index])
    table.insert(0, "name_zh", [fw.name(k, "zh") for k in table.index])
    table["direction"] = table["direction"].astype(int)
    table = table.sort_values("gain_per_pct", ascending=False, kind="stable", na_position="last")
    method = "analytic" if analytic else "finite-difference"
    notes.append(MODE_TEXT[mode])
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


