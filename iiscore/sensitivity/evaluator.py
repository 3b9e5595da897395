"""The vectorised evaluator: one build's composite as a function of its weights, and rank helpers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np

from ..aggregate import RollUp
from ..errors import SpecError, check_choice
from ..framework import Framework
from ..pipeline import Result
from ._common import LEVELS

__all__ = ["varying_parents", "weight_slots", "WeightEvaluator", "evaluator", "rank_rows", "histogram_quantile",
           "RANK_BINS", "rank_bin_width"]


def varying_parents(framework: Framework, level: str = "pillars") -> tuple[str, ...]:
    """Non-leaf nodes whose children's weights vary at ``level``.

    Parameters
    ----------
    framework : Framework
    level : {"pillars", "indicators", "both"}
        ``pillars`` = the root; ``indicators`` = every non-leaf node below the root;
        ``both`` = every non-leaf node.

    Returns
    -------
    tuple of str
        Root first, then each level in framework order.
    """
    check_choice("level", level, LEVELS)
    root = framework.root
    if level == "pillars":
        return (root,)
    below = tuple(a for a in framework.aggregates if a != root)
    return below if level == "indicators" else (root, *below)


def weight_slots(framework: Framework, level: str = "pillars") -> tuple[tuple[str, str], ...]:
    """The ``(parent, child)`` pairs whose local weights vary: the columns of a weight matrix ``W``."""
    return tuple((p, c) for p in varying_parents(framework, level) for c in framework.children(p))


@dataclass(frozen=True, eq=False)
class WeightEvaluator:
    """Composite scores of one built index for many weight vectors at once (exact, vectorised).

    Build it with :func:`evaluator`: the leaf scores of one build rolled up by the engine's
    roll-up (:meth:`iiscore.aggregate.RollUp.batch`) with the varying local weights as matrices.
    Pure: nothing is modified after construction.

    Attributes
    ----------
    result : Result
        The base build (one treatment / normalisation / aggregation variant).
    parents : tuple of str
        Nodes whose children's weights are inputs.
    slots : tuple of (str, str)
        ``(parent, child)`` for each column of the weight matrices passed to :meth:`composite`.
    base : ndarray, shape (n_slots,)
        The base local weights (normalised to 1 within each parent).
    """

    result: Result
    parents: tuple
    slots: tuple
    base: np.ndarray
    _groups: Mapping = field(repr=False)   # parent -> (start, stop) in slots
    _rollup: RollUp = field(repr=False)
    _Z: np.ndarray = field(repr=False)

    @property
    def regions(self) -> tuple:
        return self.result.regions

    def _roll(self, W, keep=(), static_1d=False) -> tuple[np.ndarray, dict]:
        W = np.asarray(W, float)
        if W.ndim == 1:
            W = W[None, :]
        if W.shape[1] != len(self.slots):
            raise SpecError(
                f"The weight matrix must have {len(self.slots)} columns (one per slot "
                f"{', '.join(c for _, c in self.slots)}); got {W.shape[1]}.",
                f"权重矩阵应有 {len(self.slots)} 列（每个权重位置一列：{'、'.join(c for _, c in self.slots)}），"
                f"收到 {W.shape[1]} 列。", parameter="weights")
        if not np.all(W >= 0):
            raise SpecError("Weights must be non-negative numbers (no NaN).",
                            "权重必须是非负数（不能为 NaN）。", parameter="weights")
        n, R = W.shape[0], len(self.result.regions)
        weights = {p: W[:, a:b] for p, (a, b) in self._groups.items()}
        out = self._rollup.batch(self._Z, weights, keep=tuple(keep))
        root = self.result.spec.framework.root
        comp = out[root]
        comp = np.broadcast_to(comp, (n, R)).copy() if comp.ndim == 1 else comp
        extra = {}
        for node in keep:
            v = out[node]
            extra[node] = v if (v.ndim == 2 or static_1d) else np.broadcast_to(v, (n, R))
        return comp, extra

    def composite(self, W) -> np.ndarray:
        """Composite scores for each row of ``W``.

        Parameters
        ----------
        W : array_like, shape (n, n_slots) or (n_slots,)
            Local weights, one column per :attr:`slots` entry. Only the ratios within a parent
            matter, so rows need not be normalised.

        Returns
        -------
        ndarray, shape (n, n_regions)
            Composite of each region (region order of :attr:`regions`) for each weight vector.
        """
        c = self._roll(W)[0]
        return c if c.flags.writeable else c.copy()

    def node_scores(self, W, nodes: Sequence[str]) -> dict:
        """Scores of the given nodes (e.g. the pillars) for each row of ``W``: id -> (n, n_regions)."""
        return {k: np.array(v) for k, v in self._roll(W, tuple(nodes))[1].items()}


def evaluator(result: Result, level: str = "pillars", *, parents: Sequence[str] | None = None
              ) -> WeightEvaluator:
    """Prepare the exact vectorised composite of ``result`` as a function of its weights.

    Parameters
    ----------
    result : Result
        A base build; its leaf scores are rolled up with the weights given to :meth:`composite`.
    level : {"pillars", "indicators", "both"}
        Which weights are inputs (see :func:`varying_parents`); ignored when ``parents`` is given.
    parents : sequence of str, optional
        Explicit non-leaf nodes whose children's weights are inputs.

    Returns
    -------
    WeightEvaluator
    """
    fw = result.spec.framework
    if parents is None:
        parents = varying_parents(fw, level)
    parents = tuple(fw.resolve(p) if p not in fw.ids else p for p in parents)
    for p in parents:
        if fw.is_leaf(p):
            raise SpecError(f"'{p}' is an indicator (a leaf): it has no children whose weights could vary.",
                            f"“{p}” 是末级指标，没有可以改变权重的下级。", parameter="parents")
    slots = tuple((p, c) for p in parents for c in fw.children(p))
    groups, base, pos = {}, [], 0
    for p in parents:
        k = len(fw.children(p))
        groups[p] = (pos, pos + k)
        base.extend(fw.local_weights(p).to_numpy())
        pos += k
    rollup = RollUp(fw, result.spec.aggregation, result.spec.coverage)
    Z = result.normalised[list(fw.leaves)].to_numpy(float)
    Z.setflags(write=False)
    return WeightEvaluator(result=result, parents=parents, slots=slots, base=np.array(base, float),
                           _groups=groups, _rollup=rollup, _Z=Z)


def rank_rows(scores) -> np.ndarray:
    """Rank every row of a score matrix: 1 = highest; ties share the lowest rank; NaN last.

    Parameters
    ----------
    scores : array_like, shape (n, n_regions)

    Returns
    -------
    ndarray of int64, shape (n, n_regions)
        ``rank_ri = 1 + #{j : s_rj > s_ri}`` (pandas ``rank(method="min", ascending=False,
        na_option="bottom")`` on each row), from one ``argsort`` over the region axis.
    """
    S = np.asarray(scores, float)
    if S.ndim == 1:
        S = S[None, :]
    key = np.where(np.isnan(S), -np.inf, S)
    order = np.argsort(key, axis=1)[:, ::-1]          # descending
    n, R = key.shape
    pos = np.arange(R, dtype=np.int64)
    if R > 1:
        sv = np.take_along_axis(key, order, axis=1)
        tie = sv[:, 1:] == sv[:, :-1]
    else:
        tie = np.zeros((n, 0), bool)
    if tie.any():
        start = np.where(np.concatenate([np.zeros((n, 1), bool), tie], axis=1), 0, pos[None, :])
        val = np.maximum.accumulate(start, axis=1) + 1
    else:
        val = np.broadcast_to(pos + 1, (n, R))
    ranks = np.empty((n, R), dtype=np.int64)
    np.put_along_axis(ranks, order, val, axis=1)
    return ranks


def histogram_quantile(counts, q) -> np.ndarray:
    """Quantiles of integer ranks from per-region rank histograms (no stored ranks needed).

    Parameters
    ----------
    counts : array_like, shape (n_regions, n_ranks)
        ``counts[i, r-1]`` = number of replications in which region ``i`` had rank ``r``.
    q : float
        Quantile in [0, 1].

    Returns
    -------
    ndarray, shape (n_regions,)
        The same value as ``numpy.quantile(ranks_i, q)`` (default "linear" method) on the
        ``N = Σ_r counts[i, r]`` stored ranks: with ``h = (N - 1) q``, the order statistics
        ``x_(⌊h⌋)`` and ``x_(⌊h⌋+1)`` are read off the cumulative counts
        (``x_(k)`` = smallest ``r`` with ``cum_r > k``) and interpolated linearly.
    """
    C = np.asarray(counts)
    N = C.sum(axis=1)
    cum = np.cumsum(C, axis=1)
    h = (N - 1) * float(q)
    lo = np.floor(h)
    frac = h - lo
    hi = np.minimum(lo + 1, N - 1)
    x_lo = 1 + (cum <= lo[:, None]).sum(axis=1)
    x_hi = 1 + (cum <= hi[:, None]).sum(axis=1)
    return x_lo + frac * (x_hi - x_lo)




#: Up to this many regions Monte Carlo keeps one histogram bin per rank (exact quantiles); above it
#: ranks are counted in bins of ``ceil(regions / RANK_BINS)`` ranks, so memory grows with the regions,
#: not with their square (20,000 regions needed 9.5 GB with one bin per rank).
RANK_BINS = 2000


def rank_bin_width(n_regions: int) -> int:
    """Ranks per histogram bin for ``n_regions`` (1 = exact)."""
    return 1 if n_regions <= RANK_BINS else -(-n_regions // RANK_BINS)
