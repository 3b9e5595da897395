"""Tiers in a what-if: the unedited tiering, and bars held by regions (the crossing rule).

The baseline is tiered once (by default :func:`default_tiers`: the report's 6/11/10/4 down the
composite ranking; any tiering can be injected, e.g. k-means from :mod:`iiscore.tiering`). Each
tier's *bar* is held by a region (:func:`tier_bar_holders`): its lowest-scoring member (unedited
composite) among the regions the scenario does not edit (its lowest member when all are edited).
The bar's unedited value is the holder's unedited composite (:func:`tier_thresholds`); its value in
the scenario is the holder's **current** composite. After an edit a region changes tier only when
it **crosses** a bar (:func:`tiers_after`): reaching the current bar of a better tier ``t`` whose
unedited bar it was below puts it in the best such tier; falling below the current bar of its own
tier (or of a worse one) whose unedited bar it was at or above moves it down past each bar crossed.
Otherwise it keeps its tier. A holder never crosses its own bar, and an unedited region moves only
when its order relative to a holder changed. For tierings contiguous in the composite (sizes,
natural breaks, average, k-means on the composite alone) this is "the baseline tier whose score
range it falls into"; for k-means on composite and pillars the crossing rule keeps an unchanged
score in its tier.

Regions without a composite (too little data, see ``Spec.coverage``) are not tiered: ``<NA>``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import warn
from ..pipeline import Result
from .edits import EditError

__all__ = ["default_tiers", "baseline_tiers", "tier_bar_holders", "tier_thresholds", "tiers_after"]


def default_tiers(scores) -> pd.Series:
    """The default baseline tiering: the report's sizes down the composite ranking.

    ``iiscore.tiering.tiers(scores, method="sizes").tier`` with :func:`iiscore.tiering.report_sizes`
    (6/11/10/4 for 31 regions; ties broken by region order, a warning when equal composites straddle
    a boundary). Regions without a composite (missing data) are not tiered (``<NA>``).

    Parameters
    ----------
    scores : DataFrame or Series
        Regions × [composite, pillars...] (the composite first), or the composite.

    Returns
    -------
    Series region -> tier (1 = top), dtype ``Int64``.
    """
    from ..tiering import tiers

    comp = scores.iloc[:, 0] if isinstance(scores, pd.DataFrame) else scores
    ok = np.isfinite(comp.to_numpy(float))
    vals = [pd.NA] * len(comp)
    if ok.any():
        got = tiers(comp[ok].to_frame(), method="sizes").tier.to_numpy()
        for pos, v in zip(np.flatnonzero(ok), got):
            vals[pos] = int(v)
    return _tier_series(vals, comp.index)


def baseline_tiers(result: Result, tiers=None) -> pd.Series:
    """Tier of each region in the baseline.

    Parameters
    ----------
    result : Result
    tiers : None, Series, TierResult or callable
        None = :func:`default_tiers`; a Series region -> tier; a ``tiering.TierResult``; or a function called with the
        score table ``result.scores[[root, *pillars]]`` returning a Series or a ``TierResult``
        (e.g. ``lambda s: iiscore.tiering.tiers(s, method="kmeans")``).

    Returns
    -------
    Series region -> int tier (1 = top), in ``result.regions`` order.
    """
    fw = result.spec.framework
    table = result.scores[[fw.root, *fw.children(fw.root)]]
    scored = np.isfinite(table[fw.root].to_numpy(float))
    if tiers is None:
        t = default_tiers(table)
    elif isinstance(tiers, pd.Series):
        t = tiers
    elif hasattr(tiers, "assignment") and hasattr(tiers, "method"):  # a tiering.TierResult
        t = tiers.tier
    elif callable(tiers):  # regions without a composite are not tiered
        t = tiers(table[scored])
        t = getattr(t, "tier", t)
    else:
        raise EditError("'tiers' must be None, a Series region -> tier or a function of the score table.",
                        "“tiers” 必须是 None、地区 -> 梯队 的 Series 或以得分表为参数的函数。", parameter="tiers")
    t = pd.Series(t).reindex(list(result.regions))
    unscored = pd.Series(~scored, index=list(result.regions))
    tv = pd.to_numeric(t, errors="coerce")
    vals = tv[~unscored].to_numpy(float)
    if np.isnan(vals).any() or not np.all(vals == np.round(vals)) or (vals < 1).any():
        missing = [r for r, v in tv[~unscored].items() if pd.isna(v)]
        raise EditError(f"The baseline tiers must give every region an integer tier >= 1"
                        f"{'; missing: ' + ', '.join(map(str, missing[:5])) if missing else ''}.",
                        f"基准梯队必须为每个地区给出不小于 1 的整数梯队"
                        f"{'；缺少：' + '、'.join(map(str, missing[:5])) if missing else ''}。", parameter="tiers")
    return _tier_series([pd.NA if unscored[r] else int(v) for r, v in tv.items()],
                        pd.Index(list(result.regions), name=t.index.name))


def _tier_series(values, index) -> pd.Series:
    """Tiers as plain ints, or nullable ``Int64`` when some region is not tiered (``<NA>``)."""
    if any(v is pd.NA for v in values):
        return pd.Series(pd.array(values, dtype="Int64"), index=index, name="tier")
    return pd.Series(np.asarray(values, dtype=np.int64), index=index, name="tier")


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
    k = int(tiers.max()) if tiers.notna().any() else 0
    out = {}
    for t in range(1, k + 1):
        members = composite[(tiers == t).fillna(False).to_numpy(bool) & np.isfinite(composite.to_numpy(float))]
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
    tv = pd.to_numeric(tiers.reindex(regions), errors="coerce").to_numpy(float)
    untiered = np.isnan(tv)
    b = np.where(untiered, 0, tv).astype(int)
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
    return _tier_series([pd.NA if u else int(v) for u, v in zip(untiered, out)],
                        pd.Index(regions, name=before.index.name))


def _moved_tiers(s0, s1, b, bar0, bar1, hold) -> np.ndarray:
    """The crossing rule on arrays: unedited/current composites, tiers, unedited/current bars."""
    k = len(bar0)
    ok = np.isfinite(bar0) & np.isfinite(bar1)
    out = b.copy()
    for i in range(len(s0)):
        if b[i] < 1 or not (np.isfinite(s0[i]) and np.isfinite(s1[i])):
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


