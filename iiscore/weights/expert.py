"""Expert scoring (专家打分法): several experts share 100 points among the items of one level.

The CAICT report refines its AHP weights by expert scoring in which "the weights of each level
total 100" (各级指标体系权重总分 100). This module aggregates such scores (mean or trimmed
mean), reports the dispersion of every weight and the experts' agreement (Kendall's W), and
states how AHP and expert weights are combined.

References
----------
Kendall, M. G. & Babington Smith, B. (1939). The problem of m rankings. *Annals of
    Mathematical Statistics* 10(3), 275-287.
Kendall, M. G. & Gibbons, J. D. (1990). *Rank Correlation Methods*, 5th ed., ch. 6
    (coefficient of concordance with the correction for ties).
Siegel, S. & Castellan, N. J. (1988). *Nonparametric Statistics for the Behavioral Sciences*,
    2nd ed., section 9.4 (chi-square approximation ``m (n - 1) W``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from iiscore.errors import DataError, SpecError, check_choice
from iiscore.weights.ahp import HierarchyWeights, hierarchy_from_local

__all__ = [
    "ExpertResult",
    "CombinedWeights",
    "kendall_w",
    "trimmed_mean",
    "expert_weights",
    "expert_hierarchy",
    "combine_ahp_expert",
]


@dataclass(frozen=True)
class ExpertResult:
    """Aggregated expert scores for the children of one parent.

    Attributes
    ----------
    weights : pandas.Series
        item -> weight, non-negative, sums to 1 (aggregated scores divided by their sum).
    scores : pandas.Series
        item -> aggregated score (mean or trimmed mean) on the experts' 0-``total`` scale.
    dispersion : pandas.DataFrame
        One row per item: ``mean``, ``trimmed_mean`` (NaN unless ``aggregate="trimmed"``),
        ``std`` (sample, ddof = 1; NaN with one expert), ``cv`` (std / mean; NaN when the mean
        is 0), ``min``, ``max``, ``range``.
    kendall_w : float
        Kendall's coefficient of concordance in [0, 1] (NaN with fewer than 2 experts or 2 items,
        or when every expert gives every item the same score).
    chi2 : float
        ``m (n - 1) W``, approximately chi-square with ``n - 1`` degrees of freedom under
        "no agreement".
    p_value : float
        Upper-tail probability of ``chi2``.
    aggregate : str
        ``"mean"`` or ``"trimmed"``.
    trimmed_per_end : int
        Number of scores dropped at each end for every item (0 for the mean).
    n_experts : int
    raw : pandas.DataFrame
        The validated scores, experts x items (rescaled to ``total`` when ``rescale=True``).
    """

    weights: pd.Series
    scores: pd.Series
    dispersion: pd.DataFrame
    kendall_w: float
    chi2: float
    p_value: float
    aggregate: str
    trimmed_per_end: int
    n_experts: int
    raw: pd.DataFrame


@dataclass(frozen=True)
class CombinedWeights:
    """AHP weights refined by expert scoring, with the mix stated.

    Attributes
    ----------
    weights : pandas.Series
        Combined weights, non-negative, sum to 1.
    ahp, expert : pandas.Series
        The two inputs, normalised, in the same order.
    alpha : float
        Share of AHP in the mix.
    rule : str
        ``"linear"`` or ``"geometric"``.
    mix : str
        The rule in words and numbers (English).
    mix_zh : str
        The same in Chinese.
    """

    weights: pd.Series
    ahp: pd.Series
    expert: pd.Series
    alpha: float
    rule: str
    mix: str
    mix_zh: str


def kendall_w(scores) -> tuple[float, float, float]:
    r"""Kendall's coefficient of concordance W of m experts ranking n items.

    Each expert's scores are ranked (average ranks for ties). With ``R_i`` the rank sum of item
    ``i`` and ``S = sum_i (R_i - mean(R))^2``,

    .. math:: W = \frac{12 S}{m^2 (n^3 - n) - m \sum_j T_j}, \qquad
              T_j = \sum_{g} (t_g^3 - t_g)

    where ``t_g`` are the sizes of the groups of tied scores of expert ``j`` (Kendall &
    Gibbons 1990). ``chi2 = m (n - 1) W`` with ``n - 1`` degrees of freedom.

    Parameters
    ----------
    scores : array-like or pandas.DataFrame
        experts x items.

    Returns
    -------
    (W, chi2, p_value) : tuple of float
        NaN when fewer than 2 experts or 2 items, or when every expert ties all items.
    """
    x = np.asarray(scores, dtype=float)
    if x.ndim != 2:
        raise DataError("Kendall's W needs a table experts x items.",
                        "计算 Kendall W 需要“专家 × 指标”的二维表。", parameter="scores")
    m, n = x.shape
    if m < 2 or n < 2:
        return float("nan"), float("nan"), float("nan")
    ranks = np.apply_along_axis(stats.rankdata, 1, x)
    r = ranks.sum(axis=0)
    s = float(((r - r.mean()) ** 2).sum())
    ties = 0.0
    for row in x:
        _, counts = np.unique(row, return_counts=True)
        ties += float((counts ** 3 - counts).sum())
    denom = m ** 2 * (n ** 3 - n) - m * ties
    if denom <= 0:
        return float("nan"), float("nan"), float("nan")
    w = min(1.0, max(0.0, 12.0 * s / denom))
    chi2 = m * (n - 1) * w
    return w, chi2, float(stats.chi2.sf(chi2, n - 1))


def trimmed_mean(values, *, trim: float = 0.2, trim_count: int | None = None) -> np.ndarray:
    r"""Column-wise trimmed mean: drop the ``k`` lowest and ``k`` highest values, average the rest.

    ``k = floor(trim * m)`` for ``m`` values (as :func:`scipy.stats.trim_mean`), or
    ``k = trim_count`` ("drop one highest and one lowest score", 去掉一个最高分和一个最低分, is
    ``trim_count=1``).

    Parameters
    ----------
    values : array-like
        m x n (experts x items) or a 1-D vector.
    trim : float
        Proportion cut from each end, ``0 <= trim < 0.5``.
    trim_count : int, optional
        Number cut from each end; ``2 * trim_count < m``.

    Returns
    -------
    numpy.ndarray
        One mean per column (a 0-d array for a vector).
    """
    x = np.asarray(values, dtype=float)
    m = x.shape[0]
    k = _trim_k(m, trim, trim_count)
    xs = np.sort(x, axis=0)
    return xs[k:m - k].mean(axis=0)


def _trim_k(m: int, trim, trim_count) -> int:
    if trim_count is not None:
        if isinstance(trim_count, bool) or not isinstance(trim_count, (int, np.integer)) or trim_count < 0:
            raise SpecError(f"The 'trim_count' parameter must be a non-negative integer. Got {trim_count!r} instead.",
                            f"参数 “trim_count” 必须是非负整数，收到的是 {trim_count!r}。", parameter="trim_count")
        k = int(trim_count)
    else:
        if not (isinstance(trim, (int, float)) and not isinstance(trim, bool) and 0 <= trim < 0.5):
            raise SpecError(f"The 'trim' parameter must be a number in [0, 0.5). Got {trim!r} instead.",
                            f"参数 “trim” 必须是 [0, 0.5) 内的数，收到的是 {trim!r}。", parameter="trim")
        k = int(np.floor(trim * m + 1e-12))
    if 2 * k >= m:
        raise SpecError(
            f"Trimming {k} score(s) from each end leaves nothing of {m} expert(s). Use fewer "
            "(2 x trim_count < number of experts) or aggregate='mean'.",
            f"两端各去掉 {k} 个分数后，{m} 位专家的分数所剩无几。请减少去掉的个数（2 × trim_count < 专家数），"
            "或使用 aggregate='mean'。", parameter="trim_count" if trim_count is not None else "trim")
    return k


def _as_scores(scores, labels, experts, name) -> pd.DataFrame:
    if isinstance(scores, pd.DataFrame):
        frame = scores.copy()
        for given, axis, what in ((labels, 1, "labels"), (experts, 0, "experts")):
            if given is None:
                continue
            given = [str(g) for g in given]
            if len(given) != frame.shape[axis]:
                raise SpecError(
                    f"{len(given)} {what} given for {frame.shape[axis]} "
                    f"{'items' if axis else 'experts'} in the scores for '{name}'.",
                    f"“{name}” 的打分表有 {frame.shape[axis]} 个{'指标' if axis else '专家'}，"
                    f"却给了 {len(given)} 个 {what}。", parameter=what)
            if axis:
                frame.columns = given
            else:
                frame.index = given
    else:
        try:
            arr = np.asarray(scores, dtype=float)
        except (TypeError, ValueError):
            raise DataError(f"Expert scores for '{name}' must be numbers (experts x items).",
                            f"“{name}” 的专家打分必须是数值（专家 × 指标）。", parameter=name) from None
        if arr.ndim == 1:
            arr = arr[None, :]
        if arr.ndim != 2:
            raise DataError(f"Expert scores for '{name}' must be a table experts x items.",
                            f"“{name}” 的专家打分必须是“专家 × 指标”二维表。", parameter=name)
        cols = [str(c) for c in labels] if labels is not None else [str(j + 1) for j in range(arr.shape[1])]
        idx = [str(e) for e in experts] if experts is not None else [f"expert {i + 1}" for i in range(arr.shape[0])]
        if len(cols) != arr.shape[1] or len(idx) != arr.shape[0]:
            raise SpecError(
                f"Expert scores for '{name}' are {arr.shape[0]} x {arr.shape[1]}, but "
                f"{len(idx)} expert names and {len(cols)} item labels were given.",
                f"“{name}” 的专家打分为 {arr.shape[0]}×{arr.shape[1]}，但给了 {len(idx)} 个专家名、"
                f"{len(cols)} 个指标标签。", parameter="labels")
        frame = pd.DataFrame(arr, index=idx, columns=cols)
    frame.columns = [str(c) for c in frame.columns]
    frame.index = [str(i) for i in frame.index]
    if frame.shape[0] == 0 or frame.shape[1] == 0:
        raise DataError(f"Expert scores for '{name}' are empty. Give at least one expert and one item.",
                        f"“{name}” 的专家打分为空。至少需要一位专家和一个指标。", parameter=name)
    if len(set(frame.columns)) != frame.shape[1]:
        raise DataError(f"Expert scores for '{name}' have duplicate item labels {list(frame.columns)}.",
                        f"“{name}” 的专家打分中指标标签重复：{list(frame.columns)}。", parameter=name)
    for col in frame.columns:
        conv = pd.to_numeric(frame[col], errors="coerce")
        bad = conv.isna()
        if bad.any():
            who = frame.index[bad.to_numpy()][0]
            raise DataError(
                f"Expert scores for '{name}': expert '{who}', item '{col}' has no numeric score "
                f"({frame.loc[who, col]!r}). Every expert scores every item (0 if unimportant).",
                f"“{name}” 的专家打分：专家 “{who}” 对指标 “{col}” 没有数值分数（{frame.loc[who, col]!r}）。"
                "每位专家须为每个指标打分（不重要可打 0）。", parameter=name, row=None, column=col)
        frame[col] = conv.astype(float)
    arr = frame.to_numpy()
    if not np.all(np.isfinite(arr)):
        i, j = np.argwhere(~np.isfinite(arr))[0]
        raise DataError(
            f"Expert scores for '{name}': expert '{frame.index[i]}', item '{frame.columns[j]}' is "
            f"{arr[i, j]!r}; scores must be finite numbers.",
            f"“{name}” 的专家打分：专家 “{frame.index[i]}” 对指标 “{frame.columns[j]}” 的分数为 {arr[i, j]!r}，"
            "必须是有限数值。", parameter=name, column=frame.columns[j])
    if np.any(arr < 0):
        i, j = np.argwhere(arr < 0)[0]
        raise DataError(
            f"Expert scores for '{name}': expert '{frame.index[i]}', item '{frame.columns[j]}' = "
            f"{arr[i, j]:g} is negative. Scores share {100} points among the items; use 0 for "
            "an unimportant item.",
            f"“{name}” 的专家打分：专家 “{frame.index[i]}” 对指标 “{frame.columns[j]}” 的分数 {arr[i, j]:g} 为负。"
            "各指标分享 100 分，不重要的指标可打 0。", parameter=name, column=frame.columns[j])
    return frame


def expert_weights(scores, *, aggregate: str = "mean", trim: float = 0.2,
                   trim_count: int | None = None, total: float = 100.0, tol: float = 0.05,
                   rescale: bool = False, labels: Sequence[str] | None = None,
                   experts: Sequence[str] | None = None, name: str = "scores") -> ExpertResult:
    r"""Aggregate several experts' scores for the items of one level into weights.

    Parameters
    ----------
    scores : array-like or pandas.DataFrame
        experts x items; each expert's scores total ``total`` (100).
    aggregate : {"mean", "trimmed"}
        ``"mean"``: ``s_i = (1/m) sum_k x_ki``. ``"trimmed"``: drop the ``k`` lowest and ``k``
        highest scores of every item and average the rest (see :func:`trimmed_mean`).
    trim, trim_count
        Trimming proportion per end (default 0.2: one of five experts) or count per end.
    total : float
        The points each expert shares out (100).
    tol : float
        Allowed deviation of an expert's total from ``total`` (absolute, default 0.05).
    rescale : bool
        Rescale each expert's scores to ``total`` instead of rejecting other totals.
    labels, experts : sequence of str, optional
        Item labels and expert names for a plain array.
    name : str
        Name for messages (e.g. the parent id).

    Returns
    -------
    ExpertResult
        ``weights = s / sum(s)`` (a trimmed mean need not total 100, hence the normalisation);
        dispersion per item; Kendall's W over the experts' rankings.

    Raises
    ------
    DataError
        Non-numeric, non-finite or negative scores; an expert whose scores do not total
        ``total`` (named, with the total found); all aggregated scores 0.
    SpecError
        Unknown ``aggregate``; bad ``trim`` / ``trim_count`` / ``total`` / ``tol``.
    """
    check_choice("aggregate", aggregate, ("mean", "trimmed"))
    if not (isinstance(total, (int, float)) and np.isfinite(total) and total > 0):
        raise SpecError(f"The 'total' parameter must be a positive number. Got {total!r} instead.",
                        f"参数 “total” 必须是正数，收到的是 {total!r}。", parameter="total")
    if not (isinstance(tol, (int, float)) and np.isfinite(tol) and tol >= 0):
        raise SpecError(f"The 'tol' parameter must be a non-negative number. Got {tol!r} instead.",
                        f"参数 “tol” 必须是非负数，收到的是 {tol!r}。", parameter="tol")
    frame = _as_scores(scores, labels, experts, name)
    sums = frame.sum(axis=1)
    if rescale:
        zero = sums[sums <= 0]
        if len(zero):
            raise DataError(
                f"Expert scores for '{name}': expert '{zero.index[0]}' gave 0 to every item; cannot rescale.",
                f"“{name}” 的专家打分：专家 “{zero.index[0]}” 给所有指标都打 0 分，无法按比例换算。",
                parameter=name)
        frame = frame.div(sums, axis=0) * total
    else:
        off = sums[(sums - total).abs() > tol]
        if len(off):
            who = off.index[0]
            raise DataError(
                f"Expert scores for '{name}': expert '{who}' totals {off.iloc[0]:g}, not {total:g} "
                f"(tolerance {tol:g}). Each expert shares {total:g} points among the items; fix "
                "the scores, or pass rescale=True to rescale each expert to the total.",
                f"“{name}” 的专家打分：专家 “{who}” 的总分为 {off.iloc[0]:g}，不是 {total:g}（容差 {tol:g}）。"
                f"每位专家在各指标间分配 {total:g} 分；请修改打分，或设置 rescale=True 按比例换算。",
                parameter=name)
    x = frame.to_numpy()
    m = x.shape[0]
    mean = x.mean(axis=0)
    if aggregate == "trimmed":
        k = _trim_k(m, trim, trim_count)
        agg = np.sort(x, axis=0)[k:m - k].mean(axis=0)
        tm = agg
    else:
        k = 0
        agg = mean
        tm = np.full(x.shape[1], np.nan)
    weights = agg / agg.sum() if agg.sum() > 0 else np.full(agg.shape, np.nan)
    if not np.all(np.isfinite(weights)):
        raise DataError(f"Expert scores for '{name}': every aggregated score is 0 (or too small to "
                        "normalise); no weights can be formed.",
                        f"“{name}” 的专家打分：汇总后所有分数均为 0（或过小无法归一化），无法形成权重。",
                        parameter=name)
    std = x.std(axis=0, ddof=1) if m > 1 else np.full(x.shape[1], np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(mean > 0, std / np.where(mean > 0, mean, 1.0), np.nan)
    disp = pd.DataFrame({
        "mean": mean, "trimmed_mean": tm, "std": std, "cv": cv,
        "min": x.min(axis=0), "max": x.max(axis=0), "range": x.max(axis=0) - x.min(axis=0),
    }, index=pd.Index(frame.columns, name="id"))
    w, chi2, p = kendall_w(x)
    cols = pd.Index(frame.columns)
    return ExpertResult(
        weights=pd.Series(weights, index=cols, name="weight"),
        scores=pd.Series(agg, index=cols.copy(), name="score"),
        dispersion=disp, kendall_w=w, chi2=chi2, p_value=p, aggregate=aggregate,
        trimmed_per_end=k, n_experts=m, raw=frame,
    )


def expert_hierarchy(scores_by_parent: Mapping, **kwargs) -> HierarchyWeights:
    """Weights of a whole hierarchy from expert scores per level (one table per parent).

    Parameters
    ----------
    scores_by_parent : Mapping[str, pandas.DataFrame]
        parent id -> experts x children scores (columns = child ids).
    **kwargs
        Passed to :func:`expert_weights` (``aggregate``, ``trim``, ``rescale``, ...).

    Returns
    -------
    HierarchyWeights
        ``results[parent]`` is the :class:`ExpertResult`.
    """
    if not isinstance(scores_by_parent, Mapping) or not scores_by_parent:
        raise SpecError("Give a mapping parent id -> expert scores with at least one parent.",
                        "请以“父节点 -> 专家打分表”映射给出至少一个父节点。", parameter="scores_by_parent")
    results = {str(p): expert_weights(s, name=str(p), **kwargs) for p, s in scores_by_parent.items()}
    return hierarchy_from_local({p: r.weights for p, r in results.items()}, results)


def _as_weight_series(w, what: str) -> pd.Series:
    w = getattr(w, "weights", w)
    if isinstance(w, Mapping) and not isinstance(w, pd.Series):
        w = pd.Series(dict(w), dtype=float)
    if not isinstance(w, pd.Series):
        raise SpecError(f"The '{what}' weights must be a Series id -> weight (or a result with .weights).",
                        f"“{what}” 权重应为“编号 -> 权重”的 Series（或带 .weights 的结果）。", parameter=what)
    w = pd.Series(w.to_numpy(dtype=float), index=[str(i) for i in w.index])
    v = w.to_numpy()
    if not np.all(np.isfinite(v)) or np.any(v < 0) or v.sum() <= 0:
        raise SpecError(f"The '{what}' weights must be finite, non-negative and not all 0. Got {dict(w)}.",
                        f"“{what}” 权重必须有限、非负且不全为 0，收到的是 {dict(w)}。", parameter=what)
    return w / w.sum()


def combine_ahp_expert(ahp, expert, *, alpha: float = 0.5, rule: str = "linear",
                       name: str = "weights") -> CombinedWeights:
    r"""Combine AHP weights with expert-scoring weights ("AHP first, then expert scoring").

    ``rule="linear"``: :math:`w_i = \alpha\, a_i + (1 - \alpha)\, e_i`.
    ``rule="geometric"``: :math:`w_i \propto a_i^{\alpha} e_i^{1-\alpha}`, renormalised.
    ``alpha = 1`` keeps the AHP weights, ``alpha = 0`` the expert weights. The chosen mix is
    stated in ``mix`` / ``mix_zh`` so that it can be reported next to the weights.

    Parameters
    ----------
    ahp, expert : pandas.Series, Mapping or a result with ``.weights``
        Weights over the same ids (each normalised to sum 1 here).
    alpha : float
        Share of AHP, ``0 <= alpha <= 1``.
    rule : {"linear", "geometric"}
    name : str
        The parent id, for the statement and messages.

    Returns
    -------
    CombinedWeights
    """
    check_choice("rule", rule, ("linear", "geometric"))
    if isinstance(alpha, bool) or not (isinstance(alpha, (int, float)) and 0 <= alpha <= 1):
        raise SpecError(f"The 'alpha' parameter must be a number in [0, 1]. Got {alpha!r} instead.",
                        f"参数 “alpha” 必须是 [0, 1] 内的数，收到的是 {alpha!r}。", parameter="alpha")
    a = _as_weight_series(ahp, "ahp")
    e = _as_weight_series(expert, "expert")
    if set(a.index) != set(e.index):
        raise DataError(
            f"AHP and expert weights for '{name}' cover different items (AHP only: "
            f"{sorted(set(a.index) - set(e.index))}; expert only: {sorted(set(e.index) - set(a.index))}). "
            "Give both over the same children.",
            f"“{name}” 的 AHP 权重与专家打分权重覆盖的指标不同（仅 AHP：{sorted(set(a.index) - set(e.index))}；"
            f"仅专家：{sorted(set(e.index) - set(a.index))}）。两者应针对相同的子指标。", parameter="expert")
    e = e.loc[a.index]
    if rule == "linear":
        w = alpha * a.to_numpy() + (1 - alpha) * e.to_numpy()
        mix = (f"w = {alpha:g} x AHP + {1 - alpha:g} x expert scoring (linear mix), "
               f"within '{name}', sums to 1")
        mix_zh = f"w = {alpha:g} × 层次分析法 + {1 - alpha:g} × 专家打分（线性组合），“{name}” 内合计为 1"
    else:
        with np.errstate(divide="ignore"):
            w = np.exp(alpha * np.log(a.to_numpy()) + (1 - alpha) * np.log(e.to_numpy()))
        mix = (f"w ∝ AHP^{alpha:g} x expert^{1 - alpha:g} (geometric mix), renormalised to sum 1 "
               f"within '{name}'")
        mix_zh = f"w ∝ 层次分析法^{alpha:g} × 专家打分^{1 - alpha:g}（几何组合），“{name}” 内归一化为 1"
    if w.sum() <= 0:
        raise DataError(
            f"The geometric mix for '{name}' is 0 for every item (AHP and expert weights have no "
            "item that both weight above 0). Use rule='linear'.",
            f"“{name}” 的几何组合对所有指标均为 0（没有 AHP 与专家都赋予正权重的指标）。请使用 rule='linear'。",
            parameter="rule")
    return CombinedWeights(weights=pd.Series(w / w.sum(), index=a.index.copy(), name="weight"),
                           ahp=a, expert=e, alpha=float(alpha), rule=rule, mix=mix, mix_zh=mix_zh)
