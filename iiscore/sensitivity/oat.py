"""One-at-a-time weight sweeps and the exact weights at which two regions swap places."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import SpecError
from ..framework import Framework
from ..pipeline import build
from ..spec import Spec
from ._common import _check_int, _check_region
from .evaluator import evaluator, rank_rows

__all__ = ["Sweep", "sweep", "swap_weights"]


def _sweep_target(fw: Framework, node: str) -> tuple[str, str, pd.Series]:
    node = node if node in fw.ids else fw.resolve(node)
    parent = fw.parent(node)
    if parent is None:
        raise SpecError(
            f"'{node}' is the root: it has no weight to vary. Give a pillar or an indicator "
            f"(e.g. {', '.join(fw.pillars[:2])}).",
            f"“{node}” 是根节点，没有可变的权重。请给出一级指标或二级指标（如 {'、'.join(fw.pillars[:2])}）。",
            parameter="node")
    w0 = fw.local_weights(parent)
    if len(w0) < 2:
        raise SpecError(f"'{node}' is the only child of '{parent}': its weight is always 1.",
                        f"“{node}” 是 “{parent}” 唯一的下级，其权重恒为 1。", parameter="node")
    if w0[node] >= 1.0:
        raise SpecError(
            f"The siblings of '{node}' all have weight 0, so 'the others keep their proportions' is "
            f"undefined. Give them positive weights first.",
            f"“{node}” 的同级指标权重都为 0，无法“保持其余权重比例”。请先给它们正的权重。",
            parameter="node")
    return node, parent, w0


def _oat_weights(w0: pd.Series, node: str, t: np.ndarray) -> np.ndarray:
    """Local weights along the sweep: ``w_node = t``, ``w_j = (1 - t) · w0_j / (1 - w0_node)``."""
    k = list(w0.index).index(node)
    rest = w0.to_numpy() / (1.0 - w0[node])
    W = (1.0 - t)[:, None] * rest[None, :]
    W[:, k] = t
    return W


@dataclass(frozen=True)
class Sweep:
    """One-at-a-time sweep of one node's local weight (see :func:`sweep`).

    Attributes
    ----------
    node, parent : str
    base_weight : float
        The node's base local weight within its parent.
    weights : ndarray
        The swept local weights ``t`` (0 to 1).
    composite : DataFrame
        Index ``weight`` (= ``t``), one column per region.
    ranks : DataFrame
        Same shape, ranks (1 = best, ties share the lowest rank).
    """

    node: str
    parent: str
    base_weight: float
    weights: np.ndarray
    composite: pd.DataFrame
    ranks: pd.DataFrame

    def crossings(self, region_a: str, region_b: str) -> tuple:
        """Approximate weights at which two regions' composites cross on the sweep grid.

        Linear interpolation inside each grid interval where the difference changes sign; use
        :func:`swap_weights` for the exact values.
        """
        d = (self.composite[region_a] - self.composite[region_b]).to_numpy()
        t = self.weights
        out = []
        for i in range(len(d) - 1):
            if np.isnan(d[i]) or np.isnan(d[i + 1]):
                continue
            if d[i] == 0 and (i == 0 or d[i - 1] * d[i + 1] < 0):
                out.append(float(t[i]))
            elif d[i] * d[i + 1] < 0:
                out.append(float(t[i] + (t[i + 1] - t[i]) * d[i] / (d[i] - d[i + 1])))
        return tuple(out)


def sweep(data, spec: Spec, node: str, *, points: int = 101, weights=None) -> Sweep:
    """Vary one pillar's (or indicator's) weight from 0 to 1; the siblings keep their proportions.

    Parameters
    ----------
    data : Dataset
    spec : Spec
    node : str
        Id or name of a non-root node (a pillar or an indicator).
    points : int
        Number of equally spaced weights in ``[0, 1]`` (ignored when ``weights`` is given).
    weights : array_like, optional
        Explicit local weights ``t`` to evaluate (each in [0, 1]).

    Returns
    -------
    Sweep
        For each ``t``: the node's local weight in its parent is ``t`` and each sibling ``j``
        gets ``(1 - t) · w0_j / (1 - w0_node)``; every region's composite and rank.

    Notes
    -----
    Computed exactly by the vectorised evaluator (one build, one matrix product). With missing
    values and ``missing="reweight"``, at ``t = 1`` a region lacking the node has no weight left
    in the parent, which is then left out one level up, exactly as ``build()`` does.
    """
    fw = spec.framework
    node, parent, w0 = _sweep_target(fw, node)
    if weights is None:
        points = _check_int("points", points, minimum=2)
        t = np.linspace(0.0, 1.0, points)
    else:
        t = np.atleast_1d(np.asarray(weights, float))
        if t.ndim != 1 or not np.all((t >= 0) & (t <= 1)):
            raise SpecError("Sweep weights must be numbers between 0 and 1.",
                            "扫描权重必须是 0 到 1 之间的数。", parameter="weights")
    res = build(data, spec)
    ev = evaluator(res, parents=(parent,))
    comp = ev.composite(_oat_weights(w0, node, t))
    idx = pd.Index(t, name="weight")
    cols = pd.Index(res.regions, name="region")
    return Sweep(node=node, parent=parent, base_weight=float(w0[node]), weights=t,
                 composite=pd.DataFrame(comp, index=idx, columns=cols),
                 ranks=pd.DataFrame(rank_rows(comp), index=idx, columns=cols))


def _stable_quadratic_roots(a: float, b: float, c: float) -> list[float]:
    scale = max(abs(a), abs(b), abs(c))
    if scale == 0:
        return []
    a, b, c = a / scale, b / scale, c / scale
    if abs(a) < 1e-13:
        return [] if abs(b) < 1e-13 else [-c / b]
    disc = b * b - 4 * a * c
    if disc < 0:
        if disc > -1e-13:
            return [-b / (2 * a)]
        return []
    sq = math.sqrt(disc)
    qq = -0.5 * (b + math.copysign(sq, b))
    roots = [qq / a]
    if qq != 0:
        roots.append(c / qq)
    return roots


def swap_weights(data, spec: Spec, node: str, region_a: str, region_b: str) -> tuple:
    """Exact local weights of ``node`` at which two regions' composites are equal (swap places).

    Parameters
    ----------
    data : Dataset
    spec : Spec
    node : str
        Id or name of the swept node (as in :func:`sweep`).
    region_a, region_b : str
        Region ids (or names the data can resolve).

    Returns
    -------
    tuple of float
        The weights ``t`` in [0, 1], ascending, at which the two composites are equal. Empty when
        they never cross -- or coincide for every ``t``.

    Notes
    -----
    Along the sweep the parent ``p`` of the node is, for region ``i``,
    ``S_p(t) = n_i(t) / d_i(t)`` with

    .. math::

        n_i(t) = (1-t)\\,U_i + t\\,m_{ik}\\,s_{ik}, \\qquad d_i(t) = (1-t)\\,V_i + t\\,m_{ik},

        U_i = \\sum_{j\\ne k} r_j m_{ij} s_{ij}, \\quad V_i = \\sum_{j\\ne k} r_j m_{ij},
        \\quad r_j = w_{0j}/(1-w_{0k}),

    (``s`` replaced by ``log1p(s)`` for geometric aggregation). Every ancestor is an affine
    function of ``S_p`` with the base weights, so the root is ``C_i(t) = α_i + β_i n_i/d_i`` (in
    log space for geometric aggregation, which keeps the order). ``C_a(t) = C_b(t)`` becomes the
    quadratic ``N_a(t) d_b(t) - N_b(t) d_a(t) = 0`` with ``N = α d + β n``; without missing values
    ``d ≡ 1`` and it is the linear equation ``C_a(t) = C_b(t)``.

    With missing values a region lacking the node has no weight left in the parent at ``t = 1``
    (and one lacking all the siblings at ``t = 0``): the parent is then left out one level up and
    the composite jumps. Such a jump is not a tie and is not reported.
    """
    fw = spec.framework
    node, parent, w0 = _sweep_target(fw, node)
    res = build(data, spec)
    regions = res.regions
    a = _check_region(regions, data, region_a, "region_a")
    b = _check_region(regions, data, region_b, "region_b")
    geometric = spec.aggregation == "geometric"

    def t_of(ids):  # transformed base scores, regions x ids
        S = res.scores[list(ids)].to_numpy(float)
        if geometric:
            with np.errstate(invalid="ignore"):
                S = np.log1p(S)
        return S

    kids = list(w0.index)
    k = kids.index(node)
    S = t_of(kids)
    m = ~np.isnan(S)
    Sz = np.where(m, S, 0.0)
    r = w0.to_numpy() / (1.0 - w0[node])
    others = np.arange(len(kids)) != k
    U = (Sz[:, others] * m[:, others]) @ r[others]
    V = m[:, others].astype(float) @ r[others]
    mk = m[:, k].astype(float)
    sk = Sz[:, k]
    # affine map of the parent's (transformed) score up to the root, with base weights/presence
    alpha = np.zeros(len(regions))
    beta = np.ones(len(regions))
    child = parent
    while fw.parent(child) is not None:
        q = fw.parent(child)
        qk = list(fw.children(q))
        T = t_of(qk)
        mq = ~np.isnan(T)
        wq = np.array([fw.node(c).weight for c in qk], float)[None, :] * mq
        tot = wq.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            Wq = np.where(tot[:, None] > 0, wq / np.where(tot > 0, tot, 1.0)[:, None], 0.0)
        j = qk.index(child)
        rest = np.arange(len(qk)) != j
        a_q = (Wq[:, rest] * np.where(mq[:, rest], T[:, rest], 0.0)).sum(axis=1)
        b_q = Wq[:, j]
        # S_q = a_q + b_q S_child and S_child = alpha + beta S_p  =>  S_q = a_q + b_q alpha + b_q beta S_p
        alpha = a_q + b_q * alpha
        beta = b_q * beta
        child = q

    def coeffs(i):
        """(N0, N1, D0, D1): C_i(t) = (N0 + N1 t) / (D0 + D1 t)."""
        if beta[i] == 0 or (V[i] == 0 and mk[i] == 0):
            return alpha[i], 0.0, 1.0, 0.0
        n0, n1 = U[i], mk[i] * sk[i] - U[i]
        d0, d1 = V[i], mk[i] - V[i]
        return alpha[i] * d0 + beta[i] * n0, alpha[i] * d1 + beta[i] * n1, d0, d1

    ia, ib = regions.index(a), regions.index(b)
    Na0, Na1, Da0, Da1 = coeffs(ia)
    Nb0, Nb1, Db0, Db1 = coeffs(ib)
    q2 = Na1 * Db1 - Nb1 * Da1
    q1 = Na0 * Db1 + Na1 * Db0 - Nb0 * Da1 - Nb1 * Da0
    q0 = Na0 * Db0 - Nb0 * Da0
    out = []
    for t in _stable_quadratic_roots(q2, q1, q0):
        if -1e-12 <= t <= 1 + 1e-12:
            t = min(max(t, 0.0), 1.0)
            if Da0 + Da1 * t > 1e-12 and Db0 + Db1 * t > 1e-12:
                out.append(float(t))
    return tuple(sorted(set(out)))


