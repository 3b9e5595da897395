"""Alternative methods: would the ranking hold under other defensible weightings and aggregations?

The same data (as the spec treats them: outlier treatment, missing-value policy) ranked ten ways.

Weightings, each used with the index's own normalisation and aggregation (the engine's
:func:`iiscore.build` with the framework's weights replaced; a pillar's weight is the sum of its
indicators' weights, so the global weight of indicator ``j`` is ``w_j``):

* ``report`` — the framework's (nominal) weights: the index itself.
* ``equal`` — every child of a node weighs the same, at every level (the hierarchy's equal
  weighting, as COINr's examples and the OECD/JRC Handbook use it).
* ``entropy`` (熵权法) — on min-max normalised indicators ``z ∈ [0, 1]``:
  ``p_ij = z_ij / Σ_i z_ij``, ``e_j = -Σ_i p_ij ln p_ij / ln n`` with ``0 · ln 0 = 0``,
  ``w_j ∝ 1 - e_j``. A constant indicator has ``e_j = 1`` and weight 0.
* ``critic`` — Diakoulaki, Mavrotas & Papayannakis (1995): min-max normalised ``z``, standard
  deviation ``σ_j`` with ``n - 1``, Pearson correlations ``r_jk``,
  ``C_j = σ_j Σ_k (1 - r_jk)``, ``w_j ∝ C_j``. A constant indicator has ``σ_j = 0`` and weight 0
  (its undefined correlations are left out of the other indicators' sums).
* ``pca`` — the rule: the first principal component of the correlation matrix of ``z`` (regions
  with a missing value dropped, constant indicators left out with weight 0); ``w_j = a_j1²``,
  the squared entries of its unit eigenvector, i.e. each indicator's share of the component's
  variance (the OECD/JRC Handbook's "squared loadings scaled to unity sum" for one retained
  component). Non-negative, sign-free, sums to 1; it favours the indicators that move together.

Aggregations:

* ``geometric`` — the report's weights with the engine's geometric mean
  ``Π (c_k + 1)^(w_k) - 1`` at every level.
* ``topsis`` — Hwang & Yoon (1981) on min-max normalised ``z`` with the report's global weights:
  ``v_ij = w_j z_ij``, ideal ``A⁺_j = max_i v_ij``, anti-ideal ``A⁻_j = min_i v_ij``, Euclidean
  distances ``D⁺_i``, ``D⁻_i``, closeness ``D⁻ / (D⁺ + D⁻)`` in [0, 1].
* ``mpi`` — the Mazziotta-Pareto index with the negative penalty (De Muro, Mazziotta & Pareto
  2011): ``s_ij = 100 ± 10 (x_ij - M_j) / S_j`` (``S_j`` the population standard deviation over
  regions, ``-`` for a lower-is-better indicator), per region the mean ``M_i``, population
  standard deviation ``S_i`` and ``cv_i = S_i / M_i`` of its ``s_ij``, ``MPI_i = M_i - S_i cv_i``.
  Unweighted, as in the papers; on its own scale, where 100 is the average region.
* ``bod`` — Benefit of the Doubt (Cherchye et al. 2007): for each region the most favourable
  weights, ``max_w w·z_i`` subject to ``w·z_k ≤ 1`` for every region ``k`` and ``w ≥ 0``
  (``z`` min-max normalised on [0, 1]; one linear programme per region, HiGHS). Scores in
  (0, 1]; 1 = no other region beats it under its own best weights.
* ``bod_restricted`` — the same with each pillar's share of the weights,
  ``Σ_{j∈p} w_j / Σ_j w_j``, kept within ``[lo · W_p, min(1, hi · W_p)]`` around its nominal
  weight ``W_p`` (default ``lo, hi = 0.5, 1.5``; or explicit bounds per pillar). The shares are
  of the weights, not of the region's score, so a region that scores 0 on a whole pillar is not
  forced to 0 overall.

Direction: every ``z`` is min-max normalised with the indicator's direction
(``(max - x)/(max - min)`` for lower-is-better), so "better" is higher everywhere before entropy,
CRITIC, PCA, TOPSIS and BoD see it. Missing values: the weightings follow the spec's policy
(``reweight`` leaves a missing indicator out, its siblings share its weight); entropy, CRITIC and
the MPI use the values present (per indicator; per region); PCA drops incomplete regions; TOPSIS
leaves a missing indicator out of both distances of that region; BoD counts it as 0 (it adds
nothing to the region's weighted sum). Nothing here is random.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from . import limits
from .audit import pairwise_corr, rank_min
from .errors import DataError, IIScoreError, SpecError, check_choice
from .pipeline import Result, build
from .spec import Spec

__all__ = ["METHODS", "WEIGHTINGS", "Methods", "compare_methods", "methods_table", "weights_table",
           "minmax01", "entropy_weights", "critic_weights", "pca_weights", "topsis", "mpi",
           "bod", "pillar_share_bounds", "weights_framework"]

METHODS = ("report", "equal", "entropy", "critic", "pca", "geometric", "topsis", "mpi", "bod",
           "bod_restricted")
WEIGHTINGS = ("report", "equal", "entropy", "critic", "pca")
DEFAULT_BOD_BOUNDS = (0.5, 1.5)
DEFAULT_ROBUST_RANGE = 3


# --------------------------------------------------------------------------------------------
# kernels (numpy in, numpy out)
# --------------------------------------------------------------------------------------------
def minmax01(X, direction=None):
    """Min-max on [0, 1] over regions with the indicator's direction.

    ``(x - min)/(max - min)``, or ``(max - x)/(max - min)`` where ``direction`` is -1. A constant
    column gives 0.5 (as the engine's 50 on 0-100); missing stays NaN; an all-missing column is
    NaN.
    """
    X = np.asarray(X, float)
    d = np.ones(X.shape[1]) if direction is None else np.asarray(direction, float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
    span = hi - lo
    const = ~(span > 0)
    with np.errstate(all="ignore"):
        Z = np.where(d[None, :] > 0, X - lo, hi - X) / np.where(const, 1.0, span)
    return np.where(const[None, :] & ~np.isnan(X), 0.5, Z)


def _normalised_weights(d, what):
    tot = np.nansum(d)
    if not tot > 0:
        raise DataError(f"{what} weights are undefined: every indicator is constant (no information).",
                        f"{what}权重无定义：所有指标都是常数（不含信息）。", parameter="data")
    return np.where(np.isnan(d), 0.0, d) / tot


def entropy_weights(Z):
    """Entropy weights (熵权法) of the columns of a non-negative matrix ``Z``.

    ``p_ij = z_ij / Σ_i z_ij``, ``e_j = -Σ_i p_ij ln p_ij / ln n_j`` (``0 · ln 0 = 0``; ``n_j`` =
    regions with a value), ``d_j = 1 - e_j``, ``w_j = d_j / Σ_k d_k``. A column that is constant
    (or all 0) has ``e_j = 1`` and weight 0.

    Returns
    -------
    (w, e) : ndarray, ndarray

    Raises
    ------
    DataError
        Negative values (entropy needs shares), or every column constant.
    """
    Z = np.asarray(Z, float)
    if np.nanmin(Z, initial=0.0) < 0:
        raise DataError("Entropy weights need non-negative values (shares p = z / Σz); normalise first.",
                        "熵权法要求数据非负（比重 p = z / Σz）；请先标准化。", parameter="data")
    present = ~np.isnan(Z)
    n = present.sum(axis=0)
    s = np.nansum(Z, axis=0)
    with np.errstate(all="ignore"):
        P = np.where(present, Z, 0.0) / np.where(s > 0, s, 1.0)
        plogp = np.where(P > 0, P * np.log(np.where(P > 0, P, 1.0)), 0.0)
        e = np.where((s > 0) & (n > 1), -plogp.sum(axis=0) / np.log(np.maximum(n, 2)), 1.0)
    e = np.clip(e, 0.0, 1.0)
    return _normalised_weights(1.0 - e, "Entropy"), e


def critic_weights(Z):
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995) of the columns of ``Z``.

    ``C_j = σ_j Σ_k (1 - r_jk)``, ``σ_j`` the standard deviation with ``n - 1``, ``r_jk`` Pearson
    on pairwise-complete rows; ``w_j = C_j / Σ_k C_k``. Pass min-max normalised values (the method's
    definition). A constant column has ``σ_j = 0`` and weight 0, and its (undefined) correlations
    are left out of the other columns' sums.

    Returns
    -------
    (w, C) : ndarray, ndarray
    """
    Z = np.asarray(Z, float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sd = np.nanstd(Z, axis=0, ddof=1)
    sd = np.where(np.isfinite(sd), sd, 0.0)
    R, _ = pairwise_corr(Z, "pearson", min_pairs=2)
    conflict = np.nansum(1.0 - R, axis=1)
    C = sd * conflict
    return _normalised_weights(C, "CRITIC"), C


def pca_weights(Z):
    """PCA weights: the squared entries of the first principal component's unit eigenvector.

    PCA of the correlation matrix of the columns of ``Z`` over the rows with no missing value;
    constant columns and columns with no value at all are left out (weight 0). ``w_j = a_j1²`` (sums to 1, sign-free).

    Returns
    -------
    (w, share) : ndarray, float
        The weights and the PC1 share of variance ``λ_1 / Σ λ``.

    Raises
    ------
    DataError
        Fewer than 3 complete rows, or fewer than 2 varying columns.
    """
    Z = np.asarray(Z, float)
    use = ~np.isnan(Z).all(axis=0)  # an indicator with no value at all gets weight 0
    rows = ~np.isnan(Z[:, use]).any(axis=1)
    D = np.where(use[None, :], Z, 0.0)[rows]
    if D.shape[0] < 3:
        raise DataError(f"PCA weights need at least 3 regions with every indicator present; "
                        f"{D.shape[0]} have.",
                        f"主成分权重至少需要 3 个所有指标都有数据的地区；现有 {D.shape[0]} 个。",
                        parameter="data")
    sd = D.std(axis=0, ddof=1)
    vary = use & (sd > 1e-12 * np.maximum(np.abs(D).max(axis=0), 1e-300))
    if vary.sum() < 2:
        raise DataError("PCA weights need at least 2 indicators that vary across regions.",
                        "主成分权重至少需要 2 个在地区间有差异的指标。", parameter="data")
    Zs = (D[:, vary] - D[:, vary].mean(axis=0)) / sd[vary]
    R = (Zs.T @ Zs) / (D.shape[0] - 1)
    lam, vec = np.linalg.eigh(R)
    w = np.zeros(Z.shape[1])
    w[vary] = vec[:, -1] ** 2
    return w / w.sum(), float(lam[-1] / lam.sum())


def topsis(Z, w):
    """TOPSIS closeness ``D⁻ / (D⁺ + D⁻)`` of each row of ``Z`` (already normalised, higher better).

    ``v_ij = w_j z_ij`` with ``w`` normalised to sum 1; ``A⁺_j = max_i v_ij``, ``A⁻_j = min_i v_ij``;
    ``D⁺_i = sqrt(Σ_j (v_ij - A⁺_j)²)``, ``D⁻_i = sqrt(Σ_j (v_ij - A⁻_j)²)``. A missing value is left
    out of both sums of its row; a row with every value missing, or a matrix where every row
    coincides (``D⁺ + D⁻ = 0``), gives NaN. The normalisation is the caller's: min-max here,
    vector normalisation in Hwang & Yoon's examples.
    """
    Z = np.asarray(Z, float)
    w = np.asarray(w, float)
    w = w / w.sum()
    V = Z * w[None, :]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        best, worst = np.nanmax(V, axis=0), np.nanmin(V, axis=0)
    present = ~np.isnan(V)
    dp = np.sqrt(np.where(present, (V - best) ** 2, 0.0).sum(axis=1))
    dm = np.sqrt(np.where(present, (V - worst) ** 2, 0.0).sum(axis=1))
    with np.errstate(all="ignore"):
        c = dm / (dp + dm)
    return np.where(present.any(axis=1) & (dp + dm > 0), c, np.nan)


def mpi(X, direction=None):
    """Mazziotta-Pareto index with the negative penalty, ``M_i - S_i · cv_i``.

    ``s_ij = 100 + 10 · d_j (x_ij - M_j) / S_j`` with the population standard deviation ``S_j``
    (ddof = 0) over the regions present; a constant column gives 100. Per region, over the
    indicators present: mean ``M_i``, population standard deviation ``S_i``, ``cv_i = S_i / M_i``.
    A region with no value is NaN.

    Returns
    -------
    (mpi, s) : ndarray (n,), ndarray (n, m) of the standardised values
    """
    X = np.asarray(X, float)
    d = np.ones(X.shape[1]) if direction is None else np.asarray(direction, float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mu = np.nanmean(X, axis=0)
        sd = np.nanstd(X, axis=0, ddof=0)
        ok = sd > 1e-12 * np.maximum(np.abs(mu), 1e-300)
        s = 100.0 + 10.0 * d[None, :] * (X - mu) / np.where(ok, sd, 1.0)
        s = np.where(ok[None, :], s, np.where(np.isnan(X), np.nan, 100.0))
        M = np.nanmean(s, axis=1)
        S = np.nanstd(s, axis=1, ddof=0)
        cv = S / M
    return M - S * cv, s


def pillar_share_bounds(nominal: Mapping[str, float], bounds=DEFAULT_BOD_BOUNDS) -> dict:
    """Bounds ``{pillar: (L, U)}`` on the pillars' shares of the weights for restricted BoD.

    Parameters
    ----------
    nominal : mapping pillar -> nominal weight share (sums to 1)
    bounds : (lo, hi) or mapping pillar -> (L, U)
        ``(lo, hi)`` multiplies the nominal share: ``L = lo · W_p``, ``U = min(1, hi · W_p)``, with
        ``0 <= lo <= 1 <= hi`` (default 0.5, 1.5). A mapping gives the shares directly, every pillar
        once, ``0 <= L <= U <= 1``.

    Raises
    ------
    SpecError
        Bounds out of range or that no weights can satisfy (``Σ L > 1`` or ``Σ U < 1``).
    """
    pillars = list(nominal)
    if isinstance(bounds, Mapping):
        unknown = [k for k in bounds if k not in nominal]
        lacking = [p for p in pillars if p not in bounds]
        if unknown or lacking:
            raise SpecError(
                f"BoD share bounds must name every pillar once ({', '.join(pillars)}); "
                f"unknown: {', '.join(map(str, unknown)) or '-'}, missing: {', '.join(lacking) or '-'}.",
                f"BoD 份额界限须为每个一级维度各给一次（{'、'.join(pillars)}）；未知：{'、'.join(map(str, unknown)) or '无'}，"
                f"缺少：{'、'.join(lacking) or '无'}。", parameter="bod_bounds")
        out = {}
        for p in pillars:
            try:
                L, U = (float(v) for v in bounds[p])
            except (TypeError, ValueError):
                raise SpecError(f"BoD share bounds for '{p}' must be a pair (lower, upper); got {bounds[p]!r}.",
                                f"“{p}”的 BoD 份额界限必须是（下限, 上限）；收到 {bounds[p]!r}。",
                                parameter="bod_bounds") from None
            if not (0 <= L <= U <= 1):
                raise SpecError(f"BoD share bounds for '{p}' must satisfy 0 <= lower <= upper <= 1; got ({L}, {U}).",
                                f"“{p}”的 BoD 份额界限须满足 0 ≤ 下限 ≤ 上限 ≤ 1；收到 ({L}, {U})。",
                                parameter="bod_bounds")
            out[p] = (L, U)
    else:
        try:
            lo, hi = (float(v) for v in bounds)
        except (TypeError, ValueError):
            raise SpecError(f"bod_bounds must be (lo, hi) multipliers of the nominal weights, e.g. (0.5, 1.5); "
                            f"got {bounds!r}.",
                            f"bod_bounds 须为名义权重的（下, 上）倍数，如 (0.5, 1.5)；收到 {bounds!r}。",
                            parameter="bod_bounds") from None
        if not (np.isfinite(lo) and np.isfinite(hi) and 0 <= lo <= 1 <= hi):
            raise SpecError(f"bod_bounds (lo, hi) must satisfy 0 <= lo <= 1 <= hi (so the nominal weights are "
                            f"allowed); got ({lo}, {hi}).",
                            f"bod_bounds（下, 上）须满足 0 ≤ 下 ≤ 1 ≤ 上（使名义权重可行）；收到 ({lo}, {hi})。",
                            parameter="bod_bounds")
        out = {p: (lo * float(nominal[p]), min(1.0, hi * float(nominal[p]))) for p in pillars}
    if sum(L for L, _ in out.values()) > 1 + 1e-12 or sum(U for _, U in out.values()) < 1 - 1e-12:
        raise SpecError("No weights satisfy these BoD share bounds: the lower bounds add up to more than 1 "
                        "or the upper bounds to less than 1.",
                        "没有权重能满足这些 BoD 份额界限：下限之和大于 1 或上限之和小于 1。", parameter="bod_bounds")
    return out


def bod(Z, groups=None, share_bounds=None):
    """Benefit-of-the-Doubt scores: one linear programme per region (``scipy.optimize.linprog``, HiGHS).

    ``BoD_i = max_w Σ_j w_j z_ij`` subject to ``Σ_j w_j z_kj ≤ 1`` for every region ``k`` and
    ``w ≥ 0``. With ``groups`` (a group label per column) and ``share_bounds`` ``{group: (L, U)}``
    also ``L · Σ_j w_j ≤ Σ_{j∈g} w_j ≤ U · Σ_j w_j`` for each group (linear, always feasible when
    ``Σ L ≤ 1 ≤ Σ U``). A missing value counts as 0.

    Returns
    -------
    (scores, W) : ndarray (n,), ndarray (n, m)
        Scores in [0, 1] and each region's most favourable weights.
    """
    n_regions = int(np.asarray(Z).shape[0])
    if n_regions > limits.MAX_BOD_REGIONS:
        raise DataError(
            f"Benefit of the Doubt solves one linear programme per region: above {limits.MAX_BOD_REGIONS:,} "
            f"regions ({n_regions:,} here) it is left out to keep the work bounded; the other methods are kept.",
            f"BoD 有利权重法需要为每个地区求解一个线性规划：超过 {limits.MAX_BOD_REGIONS:,} 个地区（此处 "
            f"{n_regions:,} 个）时不计算，以限制计算量；其他方法照常。", parameter="methods")
    from scipy.optimize import linprog

    Z = np.nan_to_num(np.asarray(Z, float), nan=0.0)
    n, m = Z.shape
    A, b = [Z], [np.ones(n)]
    if share_bounds:
        g = np.asarray(groups)
        rows = []
        for label, (L, U) in share_bounds.items():
            ind = (g == label).astype(float)
            rows.append(ind - U)      # Σ_g w - U Σ w <= 0
            rows.append(L - ind)      # L Σ w - Σ_g w <= 0
        A.append(np.array(rows))
        b.append(np.zeros(len(rows)))
    A_ub, b_ub = np.vstack(A), np.concatenate(b)
    extra_A, extra_b = (np.vstack(A[1:]), np.concatenate(b[1:])) if len(A) > 1 else (np.empty((0, m)), np.empty(0))
    # the best region of every indicator bounds every weight: the first constraint set of each LP
    seed_rows = np.unique(np.argmax(Z, axis=0))
    scores, W = np.full(n, np.nan), np.full((n, m), np.nan)
    for i in range(n):
        if not (Z[i] > 0).any():
            scores[i], W[i] = 0.0, 0.0
            continue
        if n <= BOD_FULL:
            sol = linprog(-Z[i], A_ub=A_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        else:
            sol = _bod_generated(Z, Z[i], seed_rows, extra_A, extra_b, linprog)
        if sol.status == 0:
            scores[i], W[i] = -sol.fun, sol.x
    return np.clip(scores, 0.0, 1.0), W


#: Up to this many regions each BoD programme holds every region's constraint; above it the
#: constraints are generated: solve with a few regions' rows, add the rows the answer violates,
#: repeat (the same optimum; 3,000 regions took minutes with all 3,000 rows in each of 3,000 LPs).
BOD_FULL = 200


def _bod_generated(Z, z, rows, extra_A, extra_b, linprog, tol: float = 1e-9, batch: int = 64):
    """One BoD programme by constraint generation (exact: it stops when no region's row is violated)."""
    active = set(int(r) for r in rows)
    while True:
        idx = np.fromiter(active, dtype=int)
        A = np.vstack([Z[idx], extra_A])
        bvec = np.concatenate([np.ones(idx.size), extra_b])
        sol = linprog(-z, A_ub=A, b_ub=bvec, bounds=(0, None), method="highs")
        if sol.status != 0:
            return sol
        excess = Z @ sol.x - 1.0
        bad = np.flatnonzero(excess > tol)
        bad = bad[~np.isin(bad, idx)]
        if bad.size == 0:
            return sol
        active.update(int(r) for r in bad[np.argsort(-excess[bad])[:batch]])


# --------------------------------------------------------------------------------------------
# weights -> framework
# --------------------------------------------------------------------------------------------
def weights_framework(fw, leaf_weights: Mapping[str, float]):
    """The framework with global leaf weights ``w`` (any positive scale): each leaf's raw weight is
    ``w_j`` and each aggregate's is the sum over its leaves, so ``global_weights() = w / Σ w``.

    An aggregate whose leaves all weigh 0 gets weight 0 in its parent; its own children then get
    weight 1 each (they cannot all be 0, and they no longer matter).
    """
    w = {leaf: float(leaf_weights[leaf]) for leaf in fw.leaves}
    raw = {}
    for node in fw.ids:
        if node == fw.root:
            continue
        raw[node] = sum(w[leaf] for leaf in fw.leaves_under(node))
    for parent in fw.aggregates:
        kids = fw.children(parent)
        if all(raw[k] <= 0 for k in kids):
            for k in kids:
                raw[k] = 1.0
    return fw.with_weights(raw)


def _equal_framework(fw):
    return fw.with_weights({i: 1.0 for i in fw.ids if i != fw.root})


# --------------------------------------------------------------------------------------------
# the comparison
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Methods:
    """Ranks of the same regions under each method. Treat the frames as read-only.

    Attributes
    ----------
    result : Result
        The index itself (``report``).
    methods : tuple of method names (those requested, in :data:`METHODS` order)
    scores, ranks : DataFrame regions × methods
        Scores on each method's own scale (0-100 for the weightings and ``geometric``; [0, 1] for
        ``topsis``, ``bod``, ``bod_restricted``; ``mpi`` around 100); ranks 1 = best, ties share
        the lowest rank; NaN where a method could not be computed (see ``notes``).
    weights : DataFrame leaves × weighting methods
        Global indicator weights (sum 1) of ``report, equal, entropy, critic, pca`` (those requested).
    summary : DataFrame indexed by region
        ``median_rank, best_rank, worst_rank, rank_range, robust``: ``rank_range = worst - best``;
        ``robust`` when the range is at most ``robust_range``.
    spearman, kendall : DataFrame methods × methods
        Rank correlations between the methods' scores (Kendall's tau-b).
    bod_share_bounds : dict pillar -> (L, U) used by ``bod_restricted``
    robust_range : int
    notes : tuple of (en, zh)
    """

    result: Result
    methods: tuple
    scores: pd.DataFrame
    ranks: pd.DataFrame
    weights: pd.DataFrame
    summary: pd.DataFrame
    spearman: pd.DataFrame
    kendall: pd.DataFrame
    bod_share_bounds: dict
    robust_range: int
    notes: tuple = field(default=())

    @property
    def robust_regions(self) -> tuple:
        """Regions whose rank moves by at most ``robust_range`` places across the methods."""
        return tuple(self.summary.index[self.summary["robust"]])

    @property
    def method_dependent_regions(self) -> tuple:
        """Regions whose rank depends on the method (range above ``robust_range``), widest first."""
        s = self.summary[~self.summary["robust"]].sort_values("rank_range", ascending=False, kind="stable")
        return tuple(s.index)

    def table(self) -> pd.DataFrame:
        return methods_table(self)

    def weights_long(self) -> pd.DataFrame:
        return weights_table(self)


def _check_robust_range(v) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
        raise SpecError(f"robust_range must be a whole number of ranks >= 0 (e.g. 3); got {v!r}.",
                        f"robust_range 必须是不小于 0 的整数名次（如 3）；收到 {v!r}。", parameter="robust_range")
    return int(v)


def compare_methods(data, spec: Spec, *, methods=METHODS, bod_bounds=DEFAULT_BOD_BOUNDS,
                    robust_range: int = DEFAULT_ROBUST_RANGE, result: Result | None = None) -> Methods:
    """Rank the regions of ``build(data, spec)`` under each method of :data:`METHODS`.

    Parameters
    ----------
    data : Dataset
    spec : Spec
        The index: its treatment and missing-value policy apply to every method; its
        normalisation and aggregation to the weightings.
    methods : sequence of str, default all of :data:`METHODS`
    bod_bounds : (lo, hi) or mapping pillar -> (L, U), default (0.5, 1.5)
        Pillar share bounds of ``bod_restricted`` (see :func:`pillar_share_bounds`); pillars are
        the root's children.
    robust_range : int, default 3
        A region is robust when its best and worst rank over the methods differ by at most this.
    result : Result, optional
        ``build(data, spec)`` if already computed.

    Returns
    -------
    Methods

    Raises
    ------
    DataError
        Fewer than 3 regions.
    SpecError
        An unknown method, invalid bounds or robust_range.
    """
    if isinstance(methods, str):
        methods = [m.strip() for m in methods.split(",") if m.strip()]
    methods = list(methods)
    for m in methods:
        check_choice("methods", m, METHODS)
    if not methods:
        raise SpecError("Choose at least one method.", "请至少选择一种方法。", parameter="methods")
    methods = [m for m in METHODS if m in methods]
    robust_range = _check_robust_range(robust_range)
    res = build(data, spec) if result is None else result
    if len(res.regions) < 3:
        raise DataError(
            f"Comparing methods needs at least 3 regions; the data for {res.year} have {len(res.regions)}.",
            f"方法比较至少需要 3 个地区；{res.year} 年的数据只有 {len(res.regions)} 个。", parameter="data")
    spec = res.spec
    fw = spec.framework
    leaves = list(fw.leaves)
    regions = res.composite.index
    d = fw.direction_array
    Z = minmax01(res.treated[leaves].to_numpy(float), d)
    gw = fw.global_weights()[leaves].to_numpy(float)
    pillars = list(fw.children(fw.root))
    nominal_p = {p: float(fw.global_weights()[list(fw.leaves_under(p))].sum()) for p in pillars}
    share_bounds = pillar_share_bounds(nominal_p, bod_bounds)  # validate even if bod_restricted unused
    notes: list[tuple[str, str]] = []
    scores, weights = {}, {}

    def weighted(name, w):
        weights[name] = w
        alt = build(data, spec.replace(framework=weights_framework(fw, dict(zip(leaves, w)))))
        return alt.composite.reindex(regions).to_numpy(float)

    for m in methods:
        try:
            if m == "report":
                weights[m] = gw
                scores[m] = res.composite.to_numpy(float)
            elif m == "equal":
                eq = _equal_framework(fw)
                weights[m] = eq.global_weights()[leaves].to_numpy(float)
                scores[m] = build(data, spec.replace(framework=eq)).composite.reindex(regions).to_numpy(float)
            elif m == "entropy":
                scores[m] = weighted(m, entropy_weights(Z)[0])
            elif m == "critic":
                scores[m] = weighted(m, critic_weights(Z)[0])
            elif m == "pca":
                scores[m] = weighted(m, pca_weights(Z)[0])
            elif m == "geometric":
                alt = build(data, spec.replace(aggregation="geometric"))
                scores[m] = alt.composite.reindex(regions).to_numpy(float)
            elif m == "topsis":
                scores[m] = topsis(Z, gw)
            elif m == "mpi":
                scores[m] = mpi(res.treated[leaves].to_numpy(float), d)[0]
            elif m == "bod":
                scores[m] = bod(Z)[0]
            elif m == "bod_restricted":
                groups = [fw.ancestor_at(leaf, 1) for leaf in leaves]
                scores[m] = bod(Z, groups, share_bounds)[0]
        except IIScoreError as exc:  # one method failing must not hide the others
            scores[m] = np.full(len(regions), np.nan)
            notes.append((f"{m}: {exc.message('en')}", f"{m}：{exc.message('zh')}"))
    score_df = pd.DataFrame({m: scores[m] for m in methods}, index=regions)
    rank_df = pd.DataFrame({m: rank_min(score_df[m].to_numpy(float)) for m in methods}, index=regions)
    w_df = pd.DataFrame({m: weights[m] for m in WEIGHTINGS if m in weights},
                        index=pd.Index(leaves, name="indicator"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        summary = pd.DataFrame({
            "median_rank": rank_df.median(axis=1), "best_rank": rank_df.min(axis=1),
            "worst_rank": rank_df.max(axis=1)}, index=regions)
    summary["rank_range"] = summary["worst_rank"] - summary["best_rank"]
    summary["robust"] = summary["rank_range"] <= robust_range
    valid = [m for m in methods if score_df[m].notna().sum() >= 3 and score_df[m].nunique() > 1]
    sp = pd.DataFrame(np.nan, index=methods, columns=methods)
    kd = sp.copy()
    if valid:
        sp.loc[valid, valid] = score_df[valid].corr(method="spearman").to_numpy()
        kd.loc[valid, valid] = score_df[valid].corr(method="kendall").to_numpy()
    return Methods(result=res, methods=tuple(methods), scores=score_df, ranks=rank_df, weights=w_df,
                   summary=summary, spearman=sp, kendall=kd, bod_share_bounds=share_bounds,
                   robust_range=robust_range, notes=tuple(notes))


def methods_table(mt: Methods) -> pd.DataFrame:
    """The CLI's table: ``region``, then ``<method>_score, <method>_rank`` per method, then
    ``median_rank, best_rank, worst_rank, rank_range, robust``; regions in data order."""
    cols = {"region": list(mt.scores.index)}
    for m in mt.methods:
        cols[f"{m}_score"] = mt.scores[m].to_numpy()
        cols[f"{m}_rank"] = mt.ranks[m].astype("Int64").to_numpy()
    out = pd.DataFrame(cols)
    for c in ("median_rank", "best_rank", "worst_rank", "rank_range", "robust"):
        out[c] = mt.summary[c].to_numpy()
    return out


def weights_table(mt: Methods) -> pd.DataFrame:
    """``method, indicator, weight`` rows: the global indicator weights of every weighting method
    (``report`` = the nominal global weights)."""
    w = mt.weights
    rows = [(m, ind, float(w.loc[ind, m])) for m in w.columns for ind in w.index]
    return pd.DataFrame(rows, columns=["method", "indicator", "weight"])


def method_correlations(mt: Methods) -> pd.DataFrame:
    """``a, b, spearman, kendall``: each pair of methods once."""
    ms = list(mt.methods)
    rows = [(a, b, mt.spearman.loc[a, b], mt.kendall.loc[a, b])
            for i, a in enumerate(ms) for b in ms[i + 1:]]
    return pd.DataFrame(rows, columns=["a", "b", "spearman", "kendall"])
