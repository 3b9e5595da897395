"""Aggregation kernels and the roll-up of leaf scores up the hierarchy (the one implementation).

Kernels take ``C`` (regions × children scores, NaN = missing) and ``w`` (children weights, any
positive scale) and return ``(scores, W)`` where ``W`` are the weights actually used per region,
normalised to sum to 1 over the non-missing children (the ``reweight`` policy: a missing child
is left out and its siblings share its weight). A region with every child missing gets NaN.

* ``arithmetic``: ``Σ w_k c_k / Σ w_k`` — the report's formula.
* ``geometric``: ``Π (c_k + 1)^(w_k/Σw) − 1``. The +1 shift is the documented rule for zeros:
  min-max gives the worst region exactly 0, and a plain geometric mean would then zero the
  whole parent. With the shift a 0 stays a 0 only when every child is 0, the result stays on
  the 0-100 scale, and it is never above the arithmetic mean. Negative scores (z-scores) are
  rejected: the geometric mean is undefined for them.

Coverage (COINr's data-availability threshold): a node gets a score for a region only when at least
``coverage`` (a share, 0-1) of its children have one; below it the node is NaN for that region and
the reason is reported (:attr:`RollUp.withheld`). ``coverage=0`` turns the rule off; the default of
:class:`iiscore.spec.Spec` is 0.5 ("at least half").

:class:`RollUp` compiles a framework once and evaluates it for one leaf-score matrix
(``build()``), for many weight vectors at once (Monte Carlo, weight sweeps, tier stability) and
for edited values (what-if, goal-seek): every caller goes through it.
"""
from __future__ import annotations

import numpy as np

from .errors import SpecError

#: Aggregation methods (the registry the spec, the CLI and the app read).
AGGREGATIONS = ("arithmetic", "geometric")


def _used_weights(C, w):
    present = ~np.isnan(C)
    W = np.where(present, np.asarray(w, float)[None, :], 0.0)
    tot = W.sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        W = np.where(tot > 0, W / np.where(tot > 0, tot, 1.0), 0.0)
    return W, tot[:, 0] > 0


def _geometric_error() -> SpecError:
    return SpecError(
        "Geometric aggregation needs non-negative scores; the normalised values include "
        "negatives (z-scores?). Use minmax, rank or frontier normalisation with it.",
        "几何平均聚合要求得分非负；当前标准化结果含负值（z 分数？）。请改用极差、排名或前沿距离标准化。",
        parameter="aggregation")


def a_arithmetic(C, w):
    C = np.asarray(C, float)
    W, ok = _used_weights(C, w)
    s = np.einsum("ij,ij->i", W, np.nan_to_num(C))
    return np.where(ok, s, np.nan), W


def a_geometric(C, w):
    C = np.asarray(C, float)
    if np.nanmin(C, initial=0.0) < 0:
        raise _geometric_error()
    W, ok = _used_weights(C, w)
    with np.errstate(all="ignore"):
        s = np.exp(np.einsum("ij,ij->i", W, np.log1p(np.nan_to_num(C)))) - 1.0
    return np.where(ok, s, np.nan), W


AGGREGATORS = {"arithmetic": a_arithmetic, "geometric": a_geometric}


class RollUp:
    """A framework compiled for aggregation: every node's score from the leaf scores.

    Parameters
    ----------
    framework : Framework
    aggregation : {"arithmetic", "geometric"}
    coverage : float in [0, 1]
        Minimum share of a node's children with a score (see the module notes).

    Notes
    -----
    Slots: the leaves first (``framework.leaves`` order), then the non-leaf nodes deepest level
    first. :meth:`run` keeps the arithmetic of :func:`a_arithmetic` / :func:`a_geometric` exactly
    (normalised used weights, then the weighted sum), so ``build()`` is reproduced to the last bit;
    :meth:`batch` evaluates many weight vectors with matrix products (the same value to ~1e-15).
    """

    __slots__ = ("framework", "aggregation", "coverage", "leaves", "nodes", "plan", "slot", "root_slot",
                 "_gw", "_paths")

    def __init__(self, framework, aggregation: str = "arithmetic", coverage: float = 0.0):
        self.framework = framework
        self.aggregation = aggregation
        self.coverage = float(coverage)
        self.leaves = tuple(framework.leaves)
        slot = {leaf: j for j, leaf in enumerate(self.leaves)}
        plan = []
        nodes = list(self.leaves)
        for level in reversed(framework.levels):
            for node in level:
                kids = framework.children(node)
                plan.append((len(nodes), node, np.array([slot[c] for c in kids], dtype=np.intp),
                             np.array([framework.node(c).weight for c in kids], float)))
                slot[node] = len(nodes)
                nodes.append(node)
        self.nodes = tuple(nodes)
        self.plan = tuple(plan)
        self.slot = slot
        self.root_slot = slot[framework.root]
        self._gw = framework.global_weights().reindex(list(self.leaves)).to_numpy(float)
        # each leaf's slots from itself up to the root's child: step k multiplies, for every leaf whose
        # path is that long, the local weight of its k-th slot (leaf first, as a per-leaf walk would)
        parent = {int(k): pos for pos, _node, kids, _w in plan for k in kids}
        walks = []
        for j in range(len(self.leaves)):
            walk, s = [], j
            while s in parent:
                walk.append(s)
                s = parent[s]
            walks.append(walk)
        self._paths = tuple(
            (np.array([j for j, w in enumerate(walks) if len(w) > k], dtype=np.intp),
             np.array([w[k] for w in walks if len(w) > k], dtype=np.intp))
            for k in range(max(map(len, walks), default=0)))

    # -- one leaf-score matrix: build() -----------------------------------------------------------
    def _enough(self, present: np.ndarray) -> np.ndarray:
        """Regions whose share of children with a score reaches the coverage threshold."""
        if self.coverage <= 0:
            return np.ones(present.shape[0], bool)
        k = present.shape[1]
        return present.sum(axis=1) >= self.coverage * k - 1e-12

    def run(self, Z: np.ndarray, *, effective: bool = False):
        """Every node's score for leaf scores ``Z`` (regions × leaves).

        Returns
        -------
        S : ndarray (regions, slots)
            Column ``slot[id]`` is node ``id``'s score (leaves = ``Z``).
        eff : ndarray (regions, leaves) or None
            With ``effective``: each leaf's effective global weight per region (the product of the
            used local weights along its path; rows sum to 1 where the composite is defined).
        short : list of (node, region index array, share array)
            Nodes withheld for lack of coverage (children present but below the threshold).
        """
        Z = np.asarray(Z, float)
        R = Z.shape[0]
        geometric = self.aggregation == "geometric"
        if geometric and np.nanmin(Z, initial=0.0) < 0:
            raise _geometric_error()
        S = np.empty((R, len(self.nodes)))
        S[:, :Z.shape[1]] = Z
        # slots x regions: the gathers below take whole rows (a column of a row-major array is strided)
        local = np.ones((len(self.nodes), R)) if effective else None
        short = []
        for pos, node, kids, w in self.plan:
            # C-ordered, as np.column_stack gives: einsum's summation order (hence the last bit of
            # every score) depends on the memory layout, and build() has always summed this way
            C = np.ascontiguousarray(S[:, kids])
            present = ~np.isnan(C)
            W = np.where(present, w[None, :], 0.0)
            tot = W.sum(axis=1, keepdims=True)
            with np.errstate(all="ignore"):
                W = np.where(tot > 0, W / np.where(tot > 0, tot, 1.0), 0.0)
            ok = tot[:, 0] > 0
            enough = self._enough(present)
            if not enough.all():
                lacking = ok & ~enough
                if lacking.any():
                    share = present.sum(axis=1) / present.shape[1]
                    short.append((node, np.flatnonzero(lacking), share[lacking]))
                ok = ok & enough
                W = np.where(ok[:, None], W, 0.0)
            if geometric:
                with np.errstate(all="ignore"):
                    s = np.exp(np.einsum("ij,ij->i", W, np.log1p(np.nan_to_num(C)))) - 1.0
            else:
                s = np.einsum("ij,ij->i", W, np.nan_to_num(C))
            S[:, pos] = np.where(ok, s, np.nan)
            if effective:
                local[kids] = W.T
        eff = None
        if effective:
            # the product of the local weights along each leaf's path, in the order leaf -> root,
            # one vectorised step per level; returned as the transpose (F-ordered), values unchanged
            eff = np.ones((len(self.leaves), R))
            for cols, src in self._paths:
                eff[cols] *= local[src]
            eff = eff.T
        return S, eff, short

    def composite(self, Z: np.ndarray) -> np.ndarray:
        """The root's score of every region (``run(Z)[0][:, root]``), with a shortcut: complete
        arithmetic data without a coverage rule give ``Z @ global weights`` (equal to ~1e-15)."""
        Z = np.asarray(Z, float)
        if self.aggregation == "arithmetic" and not np.isnan(Z).any():
            return Z @ self._gw
        return self.run(Z)[0][:, self.root_slot]

    # -- many weight vectors: Monte Carlo, sweeps, stability ---------------------------------------
    def batch(self, Z: np.ndarray, weights: dict, keep=()) -> dict:
        """Node scores for a batch of local weights.

        Parameters
        ----------
        Z : ndarray (regions, leaves)
            Leaf scores (NaN = missing), the same for every replication.
        weights : dict node id -> ndarray (n, k)
            Local weights (any positive scale) of the children of these nodes, one row per
            replication; other nodes keep the framework's weights.
        keep : iterable of node ids
            Nodes whose scores to return besides the root.

        Returns
        -------
        dict node id -> ndarray (regions,) when the node does not depend on the batch, else (n, regions).
        """
        Z = np.asarray(Z, float)
        geometric = self.aggregation == "geometric"
        if geometric and np.nanmin(Z, initial=0.0) < 0:
            raise _geometric_error()
        vals = {}  # slot -> transformed score: (R,) or (n, R)
        for j in range(Z.shape[1]):
            vals[j] = np.log1p(Z[:, j]) if geometric else Z[:, j]
        cov = self.coverage
        for pos, node, kids, w0 in self.plan:
            wb = weights.get(node)
            static = [int(k) for k in kids if vals[int(k)].ndim == 1]
            if wb is None and len(static) == len(kids):
                C = np.column_stack([vals[int(k)] for k in kids])
                present = ~np.isnan(C)
                W = np.where(present, w0[None, :], 0.0)
                tot = W.sum(axis=1)
                with np.errstate(all="ignore"):  # build()'s arithmetic: normalised weights, then the sum
                    W = np.where(tot[:, None] > 0, W / np.where(tot > 0, tot, 1.0)[:, None], 0.0)
                    v = np.einsum("ij,ij->i", W, np.nan_to_num(C))
                ok = tot > 0
                if cov > 0:
                    ok &= present.sum(axis=1) >= cov * len(kids) - 1e-12
                vals[pos] = np.where(ok, v, np.nan)
                continue
            n = None if wb is None else np.asarray(wb).shape[0]
            num = den = cnt = 0.0
            for j, k in enumerate(kids):
                c = vals[int(k)]
                m = ~np.isnan(c)
                cz = np.where(m, c, 0.0)
                wj = w0[j] if wb is None else np.asarray(wb, float)[:, j:j + 1]
                num = num + wj * cz
                den = den + wj * m
                cnt = cnt + m
            with np.errstate(invalid="ignore", divide="ignore"):
                v = num / den
            bad = np.asarray(den) <= 0
            if cov > 0:
                bad = bad | (np.asarray(cnt) < cov * len(kids) - 1e-12)
            v = np.where(bad, np.nan, v)
            if n is not None and v.ndim == 1:
                v = np.broadcast_to(v, (n, v.shape[0]))
            vals[pos] = v
        out = {}
        for node in (self.framework.root, *keep):
            v = vals[self.slot[node]]
            out[node] = np.expm1(v) if geometric else v
        return out


def roll_up(leaf_scores, framework, aggregation="arithmetic", coverage: float = 0.0):
    """Aggregate leaf scores up the hierarchy (:class:`RollUp` for one matrix).

    Returns
    -------
    scores : dict node id -> ndarray (n_regions,) for every node (leaves included)
    eff : ndarray (n_regions, n_leaves) effective global weights of each leaf per region
    """
    ru = RollUp(framework, aggregation, coverage)
    S, eff, _ = ru.run(np.asarray(leaf_scores, float), effective=True)
    return {node: S[:, j] for j, node in enumerate(ru.nodes)}, eff
