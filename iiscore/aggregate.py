"""Aggregation kernels and the level-by-level roll-up.

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
"""
from __future__ import annotations

import numpy as np

from .errors import SpecError


def _used_weights(C, w):
    present = ~np.isnan(C)
    W = np.where(present, np.asarray(w, float)[None, :], 0.0)
    tot = W.sum(axis=1, keepdims=True)
    with np.errstate(all="ignore"):
        W = np.where(tot > 0, W / np.where(tot > 0, tot, 1.0), 0.0)
    return W, tot[:, 0] > 0


def a_arithmetic(C, w):
    C = np.asarray(C, float)
    W, ok = _used_weights(C, w)
    s = np.einsum("ij,ij->i", W, np.nan_to_num(C))
    return np.where(ok, s, np.nan), W


def a_geometric(C, w):
    C = np.asarray(C, float)
    if np.nanmin(C, initial=0.0) < 0:
        raise SpecError(
            "Geometric aggregation needs non-negative scores; the normalised values include "
            "negatives (z-scores?). Use minmax, rank or frontier normalisation with it.",
            "几何平均聚合要求得分非负；当前标准化结果含负值（z 分数？）。请改用极差、排名或前沿距离标准化。",
            parameter="aggregation")
    W, ok = _used_weights(C, w)
    with np.errstate(all="ignore"):
        s = np.exp(np.einsum("ij,ij->i", W, np.log1p(np.nan_to_num(C)))) - 1.0
    return np.where(ok, s, np.nan), W


AGGREGATORS = {"arithmetic": a_arithmetic, "geometric": a_geometric}


def roll_up(leaf_scores, framework, aggregation="arithmetic"):
    """Aggregate leaf scores up the hierarchy, level by level.

    Parameters
    ----------
    leaf_scores : ndarray (n_regions, n_leaves) in ``framework.leaves`` order.
    framework : Framework
    aggregation : "arithmetic" or "geometric"

    Returns
    -------
    scores : dict node id -> ndarray (n_regions,) for every node (leaves included)
    eff : ndarray (n_regions, n_leaves) effective global weights of each leaf per region
        (product of the used local weights along its path; rows sum to 1 where defined).
    """
    agg = AGGREGATORS[aggregation]
    scores = {leaf: leaf_scores[:, j] for j, leaf in enumerate(framework.leaves)}
    local = {}  # node -> used weight of the node within its parent, per region
    for level in reversed(framework.levels):
        for node in level:
            kids = framework.children(node)
            C = np.column_stack([scores[k] for k in kids])
            w = framework.child_weights(node)
            s, W = agg(C, w)
            scores[node] = s
            for j, k in enumerate(kids):
                local[k] = W[:, j]
    n = leaf_scores.shape[0]
    eff = np.ones((n, len(framework.leaves)))
    for j, leaf in enumerate(framework.leaves):
        node = leaf
        while (parent := framework.parent(node)) is not None:
            eff[:, j] *= local[node]
            node = parent
    return scores, eff
