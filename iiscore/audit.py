"""Statistical audit of a composite index: coherence, reliability, removal and importance.

What the JRC's audits of composite indices (Saisana & Saltelli; COINr's analysis tools) check
before a ranking is trusted, computed on the data **as the spec treats and normalises it**
(``Result.normalised`` and ``Result.scores``): every normalisation of the engine is
direction-adjusted, so a lower-is-better indicator enters already turned round and "better" is
higher everywhere.

* **Correlations** between every pair of indicators (Pearson by default, Spearman on request),
  pairwise complete (each pair uses the regions where both values exist), no masking of
  insignificant values (COINr's ``get_corr`` masks p > 0.05 unless ``pval = 0``); and of every
  node with its parent and with the index.
* **Reliability** of every aggregate: Cronbach's alpha of its children, with covariances on
  pairwise-complete data, ``alpha = k/(k-1) · (1 - Σ_i σ_ii / Σ_ij σ_ij)`` (COINr's
  ``get_cronbach``); the share of variance of the first principal component of the children's
  correlation matrix, rows with a missing child dropped, ``λ_1 / k`` (COINr's ``get_PCA``:
  ``prcomp(na.omit(x), scale = TRUE)``); the number of children.
* **Removal** of each element at every level: its weight set to 0 (its siblings share its weight,
  as the framework's relative weights do), the index regenerated (the roll-up of the run's
  normalised scores, which is what :func:`iiscore.build` with that weight gives), and
  the mean and largest absolute change of the index rank over regions (COINr's
  ``remove_elements``). A node that is the only child with positive weight of its parent cannot
  be weighted 0 alone; removing it removes its parent with it (the nearest ancestor that has a
  positive sibling is weighted 0 instead, named in ``removal["removed"]``). If no such ancestor
  exists (a chain up to the root) the shifts are NaN and a note says why.
* **Effective importance** of every non-root node (indicators and pillars, and intermediate
  levels of deeper frameworks): the squared Pearson correlation with the index, and the
  first-order sensitivity measure ``S = V[E(y|x)] / V(y)`` of the index ``y`` on the node's score
  ``x`` — Pearson's correlation ratio estimated by a smoother, as in Paruolo, Saisana & Saltelli
  (2013, JRSS A 176: 609-634) — against its nominal weight share.
* **Flags** with stated thresholds (:class:`Thresholds`): negative or weak correlations between
  indicators of the same parent, indicators weakly correlated with their parent, near-collinear
  pairs, aggregates with alpha below 0.7, elements whose effective importance is far from their
  nominal weight.

NaN policy: a correlation needs at least 3 regions with both values and non-zero variance on
them, else NaN (a constant indicator correlates with nothing); alpha and the PC1 share need at
least 2 children and 3 regions, else NaN with a note (a node with one child has neither); a
constant child leaves the PC1 share undefined (NaN, noted). Nothing here is random.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .aggregate import RollUp
from .errors import DataError, IIScoreError, SpecError, check_choice
from .pipeline import Result, build
from .spec import Spec

__all__ = ["CORRELATIONS", "Thresholds", "Audit", "audit", "audit_tables", "write_audit",
           "pairwise_corr", "cronbach_alpha", "pc1_share", "correlation_ratio", "local_linear", "loo_residuals",
           "removal_target", "rank_min"]

CORRELATIONS = ("pearson", "spearman")
MIN_PAIRS = 3          # fewer complete pairs: the correlation is NaN (2 points always give ±1)
MIN_SMOOTH = 5         # fewer points: the correlation ratio is NaN
#: Above this many points the correlation ratio is estimated on :data:`SMOOTH_SAMPLE` of them, evenly
#: spaced in the order of x (each smoother fit is n × n: 3,000 counties took 8 s per indicator,
#: 14 minutes for an audit)
MAX_SMOOTH = 1000
SMOOTH_SAMPLE = 500
_TINY = 1e-12

#: file name -> columns of the audit's CSV contract (``python -m iiscore audit --out DIR``)
CONTRACT = {
    "correlations": ["a", "b", "r"],
    "parents": ["node", "parent", "r"],
    "reliability": ["node", "alpha", "pc1_share", "n_children"],
    "removal": ["node", "mean_abs_rank_shift", "max_abs_rank_shift"],
    "importance": ["node", "nominal_weight", "r2", "first_order"],
    "flags": ["kind", "node", "other", "value", "threshold", "message_en", "message_zh"],
}


# --------------------------------------------------------------------------------------------
# thresholds
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Thresholds:
    """The thresholds of the audit's flags (all stated in the flag messages).

    Parameters
    ----------
    weak : float, default 0.3
        Two indicators of the same parent with ``0 <= r < weak`` are weakly correlated; ``r < 0``
        is flagged as negative. A node whose correlation with its parent is below ``weak`` is
        flagged too. 0.3 is the conventional bound of a "weak" correlation used in JRC audits.
    collinear : float, default 0.9
        Two indicators with ``|r| > collinear`` are near-collinear (they may count one thing
        twice); the JRC and COINr's examples use 0.9.
    alpha : float, default 0.7
        An aggregate whose children have Cronbach's alpha below this is flagged (Nunnally's 0.7).
    importance : float, default 2.0
        An element whose share of first-order importance among its level (indicators, or the
        aggregates of one depth) differs from its nominal weight share by more than this factor
        either way (ratio ``< 1/importance`` or ``> importance``) is flagged.
    """

    weak: float = 0.3
    collinear: float = 0.9
    alpha: float = 0.7
    importance: float = 2.0

    def __post_init__(self):
        checks = (("weak", self.weak, -1.0, 1.0), ("collinear", self.collinear, 0.0, 1.0),
                  ("alpha", self.alpha, -math.inf, 1.0))
        for name, v, lo, hi in checks:
            if not (isinstance(v, (int, float)) and np.isfinite(v) and lo <= v <= hi):
                raise SpecError(f"Threshold '{name}' must be a number in [{lo}, {hi}]; got {v!r}.",
                                f"阈值 “{name}” 必须是 [{lo}, {hi}] 之间的数；收到 {v!r}。",
                                parameter=name)
        if not (isinstance(self.importance, (int, float)) and np.isfinite(self.importance)
                and self.importance > 1):
            raise SpecError(f"Threshold 'importance' must be a factor above 1 (e.g. 2); got "
                            f"{self.importance!r}.",
                            f"阈值 “importance” 必须是大于 1 的倍数（如 2）；收到 {self.importance!r}。",
                            parameter="importance")


# --------------------------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------------------------
def _ranks_avg(x: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return rankdata(x, method="average")


def pairwise_corr(X, method: str = "pearson", min_pairs: int = MIN_PAIRS):
    """Correlation matrix of the columns of ``X`` on pairwise-complete rows.

    Parameters
    ----------
    X : array_like (n, p)
        NaN = missing.
    method : {"pearson", "spearman"}
        Spearman ranks each pair's complete rows (average ranks for ties) and correlates the
        ranks, as R's ``cor(..., use = "pairwise.complete.obs", method = "spearman")`` does.
    min_pairs : int, default 3

    Returns
    -------
    R : ndarray (p, p)
        ``r_jk = Σ (x_j - x̄_j)(x_k - x̄_k) / sqrt(Σ (x_j - x̄_j)² Σ (x_k - x̄_k)²)`` over the rows
        where both are present, means taken over those rows. NaN where fewer than ``min_pairs``
        rows or a zero variance on them; the diagonal is 1 where the column varies.
    N : ndarray (p, p) of int
        Number of complete pairs.
    """
    check_choice("method", method, CORRELATIONS)
    X = np.asarray(X, float)
    if X.ndim != 2:
        raise SpecError("pairwise_corr needs a 2-D table (regions × indicators).",
                        "pairwise_corr 需要二维表（地区 × 指标）。", parameter="X")
    M = ~np.isnan(X)
    N = M.T.astype(np.int64) @ M.astype(np.int64)
    p = X.shape[1]
    if method == "pearson" or M.all():
        if method == "spearman":
            X = np.column_stack([_ranks_avg(X[:, j]) for j in range(p)]) if p else X
        R = _pearson_pairwise(X, M)
    else:  # Spearman with gaps: ranks depend on the pair's rows
        R = np.full((p, p), np.nan)
        for j in range(p):
            for k in range(j, p):
                ok = M[:, j] & M[:, k]
                if ok.sum() < min_pairs:
                    continue
                a, b = _ranks_avg(X[ok, j]), _ranks_avg(X[ok, k])
                R[j, k] = R[k, j] = _pearson_pairwise(np.column_stack([a, b]),
                                                      np.ones((ok.sum(), 2), bool))[0, 1]
        for j in range(p):
            ok = M[:, j]
            R[j, j] = 1.0 if ok.sum() >= min_pairs and np.ptp(X[ok, j]) > 0 else np.nan
    R = np.where(N >= min_pairs, R, np.nan)
    return R, N


def _pearson_pairwise(X, M):
    """Pearson r on pairwise-complete rows, vectorised: sums over the rows where both exist."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mu = np.nanmean(np.where(M, X, np.nan), axis=0) if X.size else np.zeros(X.shape[1])
    Xc = np.where(M, X - np.nan_to_num(mu)[None, :], 0.0)  # centring first limits cancellation
    Mf = M.astype(float)
    n = Mf.T @ Mf
    sx = Xc.T @ Mf                 # sx[j, k] = Σ x_j over rows where k is present too
    sxx = (Xc * Xc).T @ Mf
    sxy = Xc.T @ Xc
    with np.errstate(all="ignore"):
        cov = sxy - sx * sx.T / n
        vj = sxx - sx * sx / n
        vk = vj.T
        scale = np.maximum(np.abs(sxx), np.abs(sxx.T))
        bad = (vj <= _TINY * np.maximum(scale, 1e-300)) | (vk <= _TINY * np.maximum(scale, 1e-300))
        bad |= (vj <= 0) | (vk <= 0)
        R = cov / np.sqrt(np.where(bad, 1.0, vj * vk))
    R = np.where(bad | (n < 2), np.nan, np.clip(R, -1.0, 1.0))
    d = np.arange(R.shape[0])
    R[d, d] = np.where(np.isnan(R[d, d]), np.nan, 1.0)
    return R


def _pairwise_cov(X):
    """Covariance matrix (ddof = 1) on pairwise-complete rows, as R's ``cov(use = "pairwise")``."""
    X = np.asarray(X, float)
    M = ~np.isnan(X)
    p = X.shape[1]
    C = np.full((p, p), np.nan)
    for j in range(p):
        for k in range(j, p):
            ok = M[:, j] & M[:, k]
            if ok.sum() < 2:
                continue
            a, b = X[ok, j], X[ok, k]
            C[j, k] = C[k, j] = float(((a - a.mean()) * (b - b.mean())).sum() / (ok.sum() - 1))
    return C


def cronbach_alpha(C):
    """Cronbach's alpha of the columns of ``C`` (regions × items), pairwise-complete covariances.

    ``alpha = k/(k-1) · (1 - Σ_i σ_ii / Σ_i Σ_j σ_ij)`` with ``σ`` the covariance matrix computed
    pair by pair on the rows where both items exist (ddof = 1) — the same number as COINr's
    ``k² · mean(off-diagonal σ) / Σ σ`` and pingouin's ``cronbach_alpha`` (``nan_policy =
    "pairwise"``).

    Returns
    -------
    (alpha, note) : (float, tuple[str, str] | None)
        NaN and a note (en, zh) when alpha is undefined: fewer than 2 items, fewer than 3 rows,
        a pair with fewer than 2 common rows, or zero total variance.
    """
    C = np.asarray(C, float)
    k = C.shape[1]
    if k < 2:
        return np.nan, ("one child only: alpha is undefined", "仅有一个下级：α 无定义")
    if (~np.isnan(C)).any(axis=1).sum() < 3:
        return np.nan, ("fewer than 3 regions with values: alpha is undefined",
                        "有数据的地区少于 3 个：α 无定义")
    S = _pairwise_cov(C)
    if np.isnan(S).any():
        return np.nan, ("some pair of children has fewer than 2 regions in common: alpha is undefined",
                        "有一对下级共同有数据的地区少于 2 个：α 无定义")
    total = S.sum()
    if not total > _TINY * max(np.abs(S).max(), 1e-300):
        return np.nan, ("the children do not vary together (total variance 0): alpha is undefined",
                        "下级合计方差为 0：α 无定义")
    return float(k / (k - 1) * (1.0 - np.trace(S) / total)), None


def pc1_share(C):
    """Share of variance of the first principal component of the columns of ``C``.

    PCA of the correlation matrix of the rows with no missing value (listwise, as COINr's
    ``get_PCA`` does with ``na.omit``): ``λ_1 / Σ λ = λ_1 / k``.

    Returns
    -------
    (share, n_complete, note) : (float, int, tuple[str, str] | None)
        NaN and a note for fewer than 2 columns, fewer than 3 complete rows or a constant column.
    """
    C = np.asarray(C, float)
    k = C.shape[1]
    rows = ~np.isnan(C).any(axis=1)
    n = int(rows.sum())
    if k < 2:
        return np.nan, n, ("one child only: the PC1 share is undefined", "仅有一个下级：第一主成分占比无定义")
    if n < 3:
        return np.nan, n, ("fewer than 3 regions with every child present: the PC1 share is undefined",
                           "所有下级都有数据的地区少于 3 个：第一主成分占比无定义")
    D = C[rows]
    sd = D.std(axis=0, ddof=1)
    if not (sd > _TINY * np.maximum(np.abs(D).max(axis=0), 1e-300)).all():
        return np.nan, n, ("a child is constant: the PC1 share is undefined",
                           "有下级取值恒定：第一主成分占比无定义")
    Zs = (D - D.mean(axis=0)) / sd
    R = (Zs.T @ Zs) / (n - 1)
    lam = np.linalg.eigvalsh(R)
    return float(lam[-1] / lam.sum()), n, None


def local_linear(x, y, h):
    """Local-linear Gaussian-kernel regression of ``y`` on ``x`` at the data points.

    ``m̂(x_i) = Σ_j l_ij y_j`` with ``l_ij = K_ij (S2_i - d_ij S1_i) / (S0_i S2_i - S1_i²)``,
    ``d_ij = x_j - x_i``, ``K_ij = exp(-d_ij² / (2h²))``, ``S_r,i = Σ_j K_ij d_ij^r`` (the
    weighted least-squares line through the neighbourhood of each point; Fan & Gijbels 1996).
    Where the local design is singular (all weight on tied x) the local constant
    (Nadaraya-Watson) value is used.

    Returns
    -------
    (fitted, leverage) : ndarray (n,), ndarray (n,)
        ``leverage = l_ii``, for the leave-one-out residual ``(y_i - m̂_i) / (1 - l_ii)``.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    d = x[None, :] - x[:, None]
    full = _with_self(_loo_sums(d, d * d, y, h), y)
    den, ok = _ll_design(*full[:3])
    with np.errstate(all="ignore"):
        return _ll_point(*full), np.where(ok, full[2] / np.where(ok, den, 1.0), 1.0 / full[0])


def _ll_design(s0, s1, s2):
    """``(S0·S2 - S1², regular)``: the local design's determinant and where it is not singular."""
    den = s0 * s2 - s1 * s1
    return den, den > 1e-10 * np.maximum(s0 * s2, 1e-300)


def _ll_point(s0, s1, s2, ky, kdy):
    """The local-linear value at each point from its kernel sums (``S_r = Σ K d^r``, ``ky = Σ K y``,
    ``kdy = Σ K d y``): ``(S2·ky - S1·kdy) / (S0·S2 - S1²)``, the local constant ``ky / S0`` where
    the local design is singular."""
    den, ok = _ll_design(s0, s1, s2)
    with np.errstate(all="ignore"):
        return np.where(ok, (s2 * ky - s1 * kdy) / np.where(ok, den, 1.0), ky / s0)


def _with_self(sums, y):
    """Kernel sums without each point -> with it (``K_ii = 1``, ``d_ii = 0``)."""
    s0, s1, s2, ky, kdy = sums
    return s0 + 1.0, s1, s2, ky + y, kdy


def _loo_sums(d, d2, y, h):
    """Kernel sums without the point itself (``K_ii = 0``): ``(S0, S1, S2, Ky, Kdy)`` per point."""
    K = np.exp(d2 * (-0.5 / (h * h)))
    np.fill_diagonal(K, 0.0)
    Kd = K * d
    return K.sum(axis=1), Kd.sum(axis=1), (Kd * d).sum(axis=1), K @ y, Kd @ y


def loo_residuals(x, y, h):
    """``y_i - m̂_(-i)(x_i)``: each point's residual from the :func:`local_linear` fit of the
    other points at bandwidth ``h`` (NaN where the others give no fit: all their kernel weights
    underflow to 0).

    Computed from the kernel sums without ``i``, not as ``(y_i - m̂_i) / (1 - l_ii)``: that
    identity is the same number where ``l_ii < 1``, but a point with no neighbour within the
    bandwidth has ``l_ii = 1`` to the last bit, or within 1e-15 of it, and the quotient is noise
    over noise (it decided the bandwidth of isolated regions' data before).
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    d = x[None, :] - x[:, None]
    with np.errstate(all="ignore"):
        return y - _ll_point(*_loo_sums(d, d * d, y, h))


def _loo_search(x, y, grid):
    """The bandwidth of ``grid`` with the least mean squared :func:`loo_residuals` and the fit
    (with every point) at it, or (nan, None). A point with no near neighbour is predicted from the
    distant others (a bandwidth where that is impossible has an undefined error and is not chosen).
    Against a known ``S`` (80 seeded samples of ``y = sin 2x + x/2 + e``) this and the quotient
    the audit used before are equally accurate (RMSE 0.089 and 0.085); this one does not rest on
    rounding. The ``n²`` pair sums are formed once per bandwidth, with no smoother matrix."""
    d = x[None, :] - x[:, None]
    d2 = d * d
    best, best_h, best_fit = np.inf, np.nan, None
    for h in grid:
        sums = _loo_sums(d, d2, y, h)
        with np.errstate(all="ignore"):
            cv = np.mean((y - _ll_point(*sums)) ** 2)
        if np.isfinite(cv) and cv < best - 1e-15 * abs(best if np.isfinite(best) else 0):
            best, best_h, best_fit = cv, float(h), _with_self(sums, y)
    if best_fit is None:
        return np.nan, None
    return best_h, _ll_point(*best_fit)


def correlation_ratio(x, y, bandwidths=None):
    """First-order sensitivity ``S = V[E(y|x)] / V(y)`` estimated by a local-linear smoother.

    Pearson's correlation ratio (Paruolo, Saisana & Saltelli 2013): ``E(y|x)`` is estimated by
    :func:`local_linear` with the Gaussian bandwidth that minimises the leave-one-out error
    ``mean((y_i - m̂_(-i)(x_i))²)`` (each point's fit from the others: :func:`loo_residuals`)
    over ``bandwidths`` (default: 40 values from 0.05 to
    3 standard deviations of x, geometric), then ``S = var(m̂) / var(y)``. A straight line is
    the limit of a wide bandwidth, so for a linear relation S ≈ r². Not clipped: on a few
    points S can slightly exceed r² (the smoother follows the data's curvature).

    NaN policy: rows where x or y is missing are dropped; fewer than 5 rows or a constant y give
    NaN; a constant x gives 0 (the index does not depend on it).

    Above :data:`MAX_SMOOTH` (1,000) points, the estimate uses :data:`SMOOTH_SAMPLE` (500) of them
    taken at evenly spaced ranks of x (a stratified sample over x's range, the same every time):
    cost O(500²) per bandwidth instead of O(n²).

    Returns
    -------
    (S, h) : (float, float)
        The estimate and the bandwidth chosen (NaN when not estimated).
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    if x.size < MIN_SMOOTH or not np.ptp(y) > 0:
        return np.nan, np.nan
    if x.size > MAX_SMOOTH:
        pick = np.argsort(x, kind="stable")[np.linspace(0, x.size - 1, SMOOTH_SAMPLE).round().astype(int)]
        x, y = x[pick], y[pick]
        if not np.ptp(y) > 0:
            return np.nan, np.nan
    sx = x.std()
    if not sx > _TINY * max(np.abs(x).max(), 1e-300):
        return 0.0, np.nan
    grid = (np.geomspace(0.05, 3.0, 40) * sx) if bandwidths is None else np.asarray(bandwidths, float)
    best_h, best_fit = _loo_search(x, y, grid)
    if best_fit is None:
        return np.nan, np.nan
    return float(np.var(best_fit) / np.var(y)), best_h


def rank_min(values) -> np.ndarray:
    """Rank 1 = highest, ties share the lowest rank, NaN stays NaN (R's
    ``rank(-x, ties.method = "min", na.last = "keep")``, as COINr ranks)."""
    v = np.asarray(values, float)
    out = np.full(v.shape, np.nan)
    ok = ~np.isnan(v)
    srt = np.sort(v[ok])
    out[ok] = srt.size - np.searchsorted(srt, v[ok], side="right") + 1
    return out


def removal_target(fw, node: str) -> str | None:
    """The node whose weight is set to 0 to remove ``node``.

    ``node`` itself if its parent keeps another child with positive weight; otherwise its
    parent is removed with it (and so on upwards). None when every ancestor up to the root is an
    only child: nothing can be removed and keep an index.
    """
    cur = node
    while True:
        parent = fw.parent(cur)
        if parent is None:
            return None
        others = [k for k in fw.children(parent) if k != cur and fw.node(k).weight > 0]
        if others:
            return cur
        cur = parent


# --------------------------------------------------------------------------------------------
# the audit
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Audit:
    """The audit of one index run. Treat the frames as read-only.

    Attributes
    ----------
    result : Result
        The baseline run audited (``build(data, spec)``).
    method : str
        Correlation used for ``correlations``, ``matrix`` and ``parents`` ("pearson"/"spearman").
    thresholds : Thresholds
    matrix : DataFrame leaves × leaves
        Correlation matrix of the normalised indicators, framework order (for a heatmap; the
        pillar of each leaf is ``result.framework.parent(leaf)``).
    correlations : DataFrame
        ``a, b, r, n, same_parent``: each pair of indicators once (a before b in framework order).
    parents : DataFrame
        ``node, parent, r, r_index, n``: every non-root node with its parent and with the index.
    reliability : DataFrame
        ``node, alpha, pc1_share, n_children, n_complete, note_en, note_zh`` per aggregate
        (a child with no value at all is left out of alpha and PCA, and named in the note).
    removal : DataFrame
        ``node, removed, depth, mean_abs_rank_shift, max_abs_rank_shift`` per non-root node.
    removal_ranks : DataFrame regions × non-root nodes
        The index rank of each region with that node removed (baseline in ``result.ranks``).
    importance : DataFrame
        ``node, group, nominal_weight, r2, first_order, bandwidth, nominal_share, r2_share,
        first_order_share, ratio``: ``nominal_weight`` is the node's share of the index (product
        of normalised weights along its path); the ``*_share`` columns are normalised within the
        node's group (all indicators; or the aggregates of one depth); ``ratio =
        first_order_share / nominal_share``.
    flags : DataFrame
        ``kind, node, other, value, threshold, message_en, message_zh`` (kinds:
        ``negative_within``, ``weak_within``, ``weak_parent``, ``collinear``, ``low_alpha``,
        ``importance``).
    notes : tuple of (en, zh)
    """

    result: Result
    method: str
    thresholds: Thresholds
    matrix: pd.DataFrame
    correlations: pd.DataFrame
    parents: pd.DataFrame
    reliability: pd.DataFrame
    removal: pd.DataFrame
    removal_ranks: pd.DataFrame
    importance: pd.DataFrame
    flags: pd.DataFrame
    notes: tuple = field(default=())

    @property
    def framework(self):
        return self.result.spec.framework

    def tables(self) -> dict[str, pd.DataFrame]:
        """The CSV contract: file stem -> DataFrame (see :func:`audit_tables`)."""
        return audit_tables(self)

    def flag_messages(self, lang: str = "zh") -> list[str]:
        """The flags in plain words in ``lang`` ("zh" or "en")."""
        check_choice("lang", lang, ("zh", "en"))
        return list(self.flags["message_zh" if lang == "zh" else "message_en"])


def _check_regions(res: Result, what: str) -> None:
    if len(res.regions) < 3:
        raise DataError(
            f"The {what} needs at least 3 regions; the data for {res.year} have {len(res.regions)}. "
            "Add regions (correlations, alpha and ranks are meaningless on fewer).",
            f"{'审计' if what == 'audit' else '方法比较'}至少需要 3 个地区；{res.year} 年的数据只有 "
            f"{len(res.regions)} 个。请补充地区（地区过少时相关系数、α 与排名都没有意义）。",
            parameter="data")


def _fmt(v) -> str:
    return "NaN" if v is None or not np.isfinite(v) else f"{v:.2f}"


def audit(data, spec: Spec, *, method: str = "pearson", thresholds: Thresholds | None = None,
          result: Result | None = None) -> Audit:
    """Audit the index ``build(data, spec)``: correlations, reliability, removal, importance, flags.

    Parameters
    ----------
    data : Dataset
    spec : Spec
        Treatment, normalisation, missing-value policy and aggregation as the index uses them.
    method : {"pearson", "spearman"}, default "pearson"
        Correlation for the indicator pairs and for each node with its parent and the index
        (``importance.r2`` is always the squared Pearson correlation).
    thresholds : Thresholds, optional
        Flag thresholds; default ``Thresholds()`` (weak 0.3, collinear 0.9, alpha 0.7, factor 2).
    result : Result, optional
        ``build(data, spec)`` if already computed (saves one build).

    Returns
    -------
    Audit

    Raises
    ------
    DataError
        Fewer than 3 regions, or the data lack an indicator of the framework.
    SpecError
        An unknown ``method`` or invalid thresholds.
    """
    check_choice("method", method, CORRELATIONS)
    th = Thresholds() if thresholds is None else thresholds
    if not isinstance(th, Thresholds):
        raise SpecError("thresholds must be an iiscore.audit.Thresholds.",
                        "thresholds 必须是 iiscore.audit.Thresholds。", parameter="thresholds")
    res = build(data, spec) if result is None else result
    _check_regions(res, "audit")
    fw = res.spec.framework
    root = fw.root
    leaves = list(fw.leaves)
    notes: list[tuple[str, str]] = []
    Z = res.normalised[leaves].to_numpy(float)
    S = res.scores

    # -- indicator pairs ----------------------------------------------------------------------
    R, N = pairwise_corr(Z, method)
    matrix = pd.DataFrame(R, index=pd.Index(leaves, name="a"), columns=pd.Index(leaves, name="b"))
    iu, ju = np.triu_indices(len(leaves), k=1)
    correlations = pd.DataFrame({
        "a": [leaves[i] for i in iu], "b": [leaves[j] for j in ju], "r": R[iu, ju],
        "n": N[iu, ju].astype(int),
        "same_parent": [fw.parent(leaves[i]) == fw.parent(leaves[j]) for i, j in zip(iu, ju)],
    })
    undefined = [leaves[j] for j in range(len(leaves)) if np.isnan(R[j, j])]
    if undefined:
        notes.append((f"No correlations for {', '.join(undefined)}: constant or fewer than {MIN_PAIRS} "
                      "values, so NaN.",
                      f"指标 {'、'.join(undefined)} 取值恒定或少于 {MIN_PAIRS} 个：相关系数记为 NaN。"))

    # -- each node with its parent and the index ----------------------------------------------
    nonroot = [i for i in fw.ids if i != root]
    prow = []
    comp = S[root].to_numpy(float)
    for node in nonroot:
        x = S[node].to_numpy(float)
        par = fw.parent(node)
        rp, n_p = pairwise_corr(np.column_stack([x, S[par].to_numpy(float)]), method)
        ri, _ = pairwise_corr(np.column_stack([x, comp]), method)
        prow.append({"node": node, "parent": par, "r": rp[0, 1], "r_index": ri[0, 1],
                     "n": int(n_p[0, 1])})
    parents = pd.DataFrame(prow, columns=["node", "parent", "r", "r_index", "n"])

    # -- reliability ---------------------------------------------------------------------------
    rrow = []
    for node in fw.aggregates:
        kids = list(fw.children(node))
        # a child with no value in the year (an all-missing indicator) is left out, as build() does
        empty = [k for k in kids if S[k].isna().all()]
        C = S[[k for k in kids if k not in empty]].to_numpy(float)
        a, note_a = cronbach_alpha(C)
        share, n_complete, note_p = pc1_share(C)
        parts = [n for n in (note_a, note_p) if n]
        if empty:
            parts.insert(0, (f"no values for {', '.join(empty)}: left out",
                             f"{'、'.join(empty)} 无数据：不参与计算"))
        rrow.append({"node": node, "alpha": a, "pc1_share": share, "n_children": len(kids),
                     "n_complete": n_complete,
                     "note_en": "; ".join(p[0] for p in parts), "note_zh": "；".join(p[1] for p in parts)})
        if parts:
            notes.append((f"{fw.name(node, 'en')} ({node}): " + "; ".join(p[0] for p in parts) + ".",
                          f"{fw.name(node, 'zh')}：" + "；".join(p[1] for p in parts) + "。"))
    reliability = pd.DataFrame(rrow, columns=["node", "alpha", "pc1_share", "n_children", "n_complete",
                                              "note_en", "note_zh"])

    # -- removal ------------------------------------------------------------------------------
    base_rank = rank_min(comp)
    root_slot = RollUp(fw, res.spec.aggregation, res.spec.coverage).root_slot
    mrow, ranks_after = [], {}
    for node in nonroot:
        target = removal_target(fw, node)
        if target is None:
            ranks_after[node] = np.full(len(comp), np.nan)
            mrow.append({"node": node, "removed": "", "depth": fw.depth(node),
                         "mean_abs_rank_shift": np.nan, "max_abs_rank_shift": np.nan})
            notes.append((f"Removing {fw.name(node, 'en')} ({node}) would leave no index (every level "
                          "above it has only this branch): shifts are NaN.",
                          f"移除“{fw.name(node, 'zh')}”后指数不复存在（其上各级只有这一支）：排名变动记为 NaN。"))
            continue
        try:
            # build() with the weight at 0 changes nothing before the roll-up (treatment and
            # normalisation are per indicator): the roll-up of the run's own normalised scores is
            # that build's composite to the last bit, without 500 re-fits at 500 indicators
            alt = RollUp(fw.with_weights({target: 0.0}), res.spec.aggregation, res.spec.coverage).run(Z)[0]
        except IIScoreError as exc:  # e.g. a region left with nothing: say so, keep auditing
            ranks_after[node] = np.full(len(comp), np.nan)
            mrow.append({"node": node, "removed": target, "depth": fw.depth(node),
                         "mean_abs_rank_shift": np.nan, "max_abs_rank_shift": np.nan})
            notes.append((f"Removing {node}: {exc.message('en')}", f"移除 {node}：{exc.message('zh')}"))
            continue
        r_alt = rank_min(alt[:, root_slot])
        ranks_after[node] = r_alt
        shift = np.abs(r_alt - base_rank)
        shift = shift[~np.isnan(shift)]
        mrow.append({"node": node, "removed": target, "depth": fw.depth(node),
                     "mean_abs_rank_shift": float(shift.mean()) if shift.size else np.nan,
                     "max_abs_rank_shift": float(shift.max()) if shift.size else np.nan})
        if target != node:
            notes.append((f"{fw.name(node, 'en')} ({node}) is the only weighted child of "
                          f"{fw.name(fw.parent(node), 'en')}: removing it removes {target}.",
                          f"“{fw.name(node, 'zh')}”是“{fw.name(fw.parent(node), 'zh')}”唯一有权重的下级："
                          f"移除它即移除“{fw.name(target, 'zh')}”。"))
    removal = pd.DataFrame(mrow, columns=["node", "removed", "depth", "mean_abs_rank_shift",
                                          "max_abs_rank_shift"])
    removal_ranks = pd.DataFrame(ranks_after, index=res.composite.index, columns=nonroot)

    # -- effective importance -----------------------------------------------------------------
    gw = fw.global_weights()
    irow = []
    for node in nonroot:
        nominal = float(gw[list(fw.leaves_under(node))].sum())
        x = S[node].to_numpy(float)
        rp, _ = pairwise_corr(np.column_stack([x, comp]), "pearson")
        s1, h = correlation_ratio(x, comp)
        irow.append({"node": node, "group": "indicators" if fw.is_leaf(node) else f"depth {fw.depth(node)}",
                     "nominal_weight": nominal, "r2": rp[0, 1] ** 2, "first_order": s1, "bandwidth": h})
    importance = pd.DataFrame(irow, columns=["node", "group", "nominal_weight", "r2", "first_order",
                                             "bandwidth"])
    for col, out in (("nominal_weight", "nominal_share"), ("r2", "r2_share"),
                     ("first_order", "first_order_share")):
        tot = importance.groupby("group")[col].transform(lambda s: s.sum(min_count=1))
        with np.errstate(all="ignore"):
            importance[out] = importance[col] / tot.where(tot > 0)
    with np.errstate(all="ignore"):
        importance["ratio"] = importance["first_order_share"] / importance["nominal_share"].where(
            importance["nominal_share"] > 0)

    flags = _flags(fw, th, correlations, parents, reliability, importance)
    return Audit(result=res, method=method, thresholds=th, matrix=matrix, correlations=correlations,
                 parents=parents, reliability=reliability, removal=removal, removal_ranks=removal_ranks,
                 importance=importance, flags=flags, notes=tuple(notes))


def _flags(fw, th: Thresholds, correlations, parents, reliability, importance) -> pd.DataFrame:
    rows = []

    def add(kind, node, other, value, threshold, en, zh):
        rows.append({"kind": kind, "node": node, "other": other, "value": value, "threshold": threshold,
                     "message_en": en, "message_zh": zh})

    def en(i):
        return f"'{fw.name(i, 'en')}'"

    def zh(i):
        return f"“{fw.name(i, 'zh')}”"

    for row in correlations.itertuples(index=False):
        r = row.r
        if not np.isfinite(r):
            continue
        par = fw.parent(row.a)
        if row.same_parent and r < 0:
            add("negative_within", row.a, row.b, r, 0.0,
                f"{en(row.a)} and {en(row.b)} (both in {en(par)}) move in opposite directions (r = {_fmt(r)} < 0): "
                f"regions strong on one tend to be weak on the other, so they partly cancel out in the pillar.",
                f"{zh(row.a)}与{zh(row.b)}（同属{zh(par)}）负相关（r = {_fmt(r)} < 0）：一项强的地区另一项往往弱，"
                f"二者在该维度内相互抵消。")
        elif row.same_parent and r < th.weak:
            add("weak_within", row.a, row.b, r, th.weak,
                f"{en(row.a)} and {en(row.b)} (both in {en(par)}) are only weakly related (r = {_fmt(r)} < "
                f"{th.weak:g}): they measure different things.",
                f"{zh(row.a)}与{zh(row.b)}（同属{zh(par)}）相关性弱（r = {_fmt(r)} < {th.weak:g}）：二者衡量的并非同一件事。")
        if abs(r) > th.collinear:
            where_en = f"both in {en(par)}" if row.same_parent else "in different pillars"
            where_zh = f"同属{zh(par)}" if row.same_parent else "分属不同维度"
            add("collinear", row.a, row.b, r, th.collinear,
                f"{en(row.a)} and {en(row.b)} ({where_en}) are almost the same measure (|r| = {_fmt(abs(r))} > "
                f"{th.collinear:g}): together they count one thing twice.",
                f"{zh(row.a)}与{zh(row.b)}（{where_zh}）几乎是同一度量（|r| = {_fmt(abs(r))} > {th.collinear:g}）："
                f"合在一起相当于重复计算同一件事。")
    for row in parents.itertuples(index=False):
        if fw.is_leaf(row.node) and np.isfinite(row.r) and row.r < th.weak:
            add("weak_parent", row.node, row.parent, row.r, th.weak,
                f"{en(row.node)} hardly moves with its pillar {en(row.parent)} (r = {_fmt(row.r)} < {th.weak:g}): "
                f"the pillar's score says little about it.",
                f"{zh(row.node)}与所属{zh(row.parent)}的得分关联很弱（r = {_fmt(row.r)} < {th.weak:g}）："
                f"该维度得分难以反映这一指标。")
    for row in reliability.itertuples(index=False):
        if np.isfinite(row.alpha) and row.alpha < th.alpha:
            add("low_alpha", row.node, "", row.alpha, th.alpha,
                f"The {row.n_children} parts of {en(row.node)} are not a consistent set (Cronbach's alpha = "
                f"{_fmt(row.alpha)} < {th.alpha:g}): adding them up mixes different things.",
                f"{zh(row.node)}的 {row.n_children} 个组成部分一致性不足（克朗巴哈 α = {_fmt(row.alpha)} < "
                f"{th.alpha:g}）：把它们加总混合了不同的内容。")
    f = th.importance
    for row in importance.itertuples(index=False):
        ratio = row.ratio
        if not np.isfinite(ratio) or (1 / f <= ratio <= f):
            continue
        more = ratio > f
        add("importance", row.node, row.group, ratio, f,
            f"{en(row.node)} drives the index {'far more' if more else 'far less'} than its weight says: "
            f"{row.first_order_share:.1%} of the explained variation at its level against a nominal weight "
            f"share of {row.nominal_share:.1%} ({ratio:.2f}×, outside 1/{f:g}-{f:g}×).",
            f"{zh(row.node)}对指数的实际影响{'远大于' if more else '远小于'}其权重：在同级中占可解释变动的 "
            f"{row.first_order_share:.1%}，而名义权重占比为 {row.nominal_share:.1%}（{ratio:.2f} 倍，超出 "
            f"1/{f:g}-{f:g} 倍）。")
    return pd.DataFrame(rows, columns=CONTRACT["flags"])


# --------------------------------------------------------------------------------------------
# tables and files
# --------------------------------------------------------------------------------------------
def audit_tables(a: Audit) -> dict[str, pd.DataFrame]:
    """The audit's files as DataFrames, in the CSV contract's columns (ids as in the framework).

    ``correlations`` (``a,b,r``: each pair of indicators once), ``parents`` (``node,parent,r`` for
    every non-root node), ``reliability`` (``node,alpha,pc1_share,n_children`` per aggregate),
    ``removal`` (``node,mean_abs_rank_shift,max_abs_rank_shift`` per non-root node), ``importance``
    (``node,nominal_weight,r2,first_order``), ``flags``
    (``kind,node,other,value,threshold,message_en,message_zh``); and ``index_correlations``
    (``node,r``: every non-root node with the index, the same correlation method).
    """
    out = {name: getattr(a, name)[cols].reset_index(drop=True) for name, cols in CONTRACT.items()}
    out["index_correlations"] = a.parents[["node", "r_index"]].rename(columns={"r_index": "r"})
    return out


def write_audit(a: Audit, out_dir) -> list[Path]:
    """Write :func:`audit_tables` as ``<name>.csv`` (UTF-8, full precision) into ``out_dir``.

    Returns the paths written. Raises IIScoreError naming ``--out`` when the folder cannot be
    created or written.
    """
    d = Path(out_dir)
    try:
        d.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, df in audit_tables(a).items():
            p = d / f"{name}.csv"
            df.to_csv(p, index=False, encoding="utf-8")
            paths.append(p)
    except OSError as exc:
        raise IIScoreError(f"Cannot write the audit into {d}: {exc.strerror}. Choose a writable folder.",
                           f"无法把审计结果写入 {d}：{exc.strerror}。请换一个可写的文件夹。",
                           parameter="--out") from None
    return paths
