"""What-if: apply edits and recompute -- before/after score, rank and tier for every region.

Normalisation modes (stated in every output)
--------------------------------------------
``"renormalise"``
    Recompute the scenario's full specification on the edited data: min and max are recomputed,
    as the report's formula does. If the edited region becomes the new best (or worst) of an
    indicator, *every* region's score on it moves; a region already at the maximum gains
    nothing by growing further. The outlier treatment is re-fitted; when an edit switches an
    indicator's log on or off the composite can jump (a note says so).
``"fixed"``
    Score the edited data with the baseline's *ruler* (:class:`iiscore.pipeline.Ruler`: its
    goalposts, fitted treatment and imputation values): ``build(edited, spec,
    ruler=baseline.ruler)``, the ordinary build. Only the edited regions' scores move. Scores above
    100 (beyond the baseline best) or below 0 are allowed and reported in the notes; they are
    computed from the data on the baseline's scale. An indicator that was constant in the baseline
    scores 50 for everyone whatever its value, so edits to it have no effect. A value with no
    logarithm on the baseline's log scale (an edit to 0 of a log-treated indicator) is refused.

Tiers follow the crossing rule of :mod:`iiscore.simulate.crossing`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..errors import SpecError, check_choice
from ..pipeline import Result, build, rank_desc
from ..spec import Spec
from .crossing import baseline_tiers, tier_bar_holders, tier_thresholds, tiers_after
from .edits import EditError, apply_edits, edited_matrix, one_year, resolve_edits

__all__ = ["MODES", "WhatIf", "whatif", "fixed_spec", "mode_statement"]

#: Normalisation modes of a what-if.
MODES = ("renormalise", "fixed")
MODE_TEXT = {
    "renormalise": ("Re-normalised (the report's formula): min and max recomputed on the edited data; if an edited "
                    "region becomes the new best or worst, every region's score moves.",
                    "重新标准化（报告公式）：按编辑后的数据重新计算最小值和最大值；若被编辑地区成为新的最高或最低，"
                    "所有地区的得分都会变化。"),
    "fixed": ("Fixed baseline goalposts: the baseline's min and max (and outlier treatment) kept; only edited "
              "regions' scores move; scores above 100 (beyond the baseline best) are allowed.",
              "固定基线上下限：沿用基线的最小值和最大值（及偏态处理）；只有被编辑地区的得分变化；允许得分超过 100"
              "（超过基线最高值）。"),
}


def mode_statement(mode: str, lang: str = "en") -> str:
    """One sentence stating the normalisation mode in force."""
    return MODE_TEXT[mode][1 if lang == "zh" else 0]


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
        The baseline run and the run on the edited data (``after.spec`` is the scenario spec; in
        ``fixed`` mode ``after.ruler`` is the baseline's ruler).
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
        return MODE_TEXT[self.mode][1 if lang == "zh" else 0]


def _whatif_notes(mode, baseline: Result, after: Result, edits: tuple) -> list:
    notes = [MODE_TEXT[mode]]
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
            if spec.goalposts == "pooled" or spec.treat_fit == "pooled":  # other years enter the fit
                edited = apply_edits(data, resolved, year, fw)
            else:  # build() reads the scored year only: score a one-year data set (much faster)
                edited = one_year(data.name, edited_matrix(data, resolved, year, fw), year)
            after = build(edited, replace(spec, year=year))
        else:
            fixed_spec(spec, baseline)  # minmax only
            edited = one_year(data.name, edited_matrix(data, resolved, year, fw), year)
            after = build(edited, replace(spec, year=year), ruler=baseline.ruler)
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
        "tier_before": btier.to_numpy(),
        "tier_after": atier.to_numpy(),
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


