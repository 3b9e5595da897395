"""Weight sensitivity and uncertainty analysis: one-at-a-time sweeps, Monte Carlo, Sobol indices.

The JRC audits composite indices by regenerating them under many plausible assumptions
(weights, normalisation, aggregation, outlier treatment) and reporting how much the ranks move.
COINr does it with one full regeneration per replication. Here the expensive, assumption-specific
part is computed once per *variant* (one :func:`~iiscore.pipeline.build` per combination of
treatment x normalisation x aggregation), and the weights of ``N`` replications are applied to it
as matrix products; ranks come from one ``argsort`` per chunk; rank distributions are accumulated
as per-region histograms, so ``N = 1,000,000`` runs in bounded memory.

Weights
-------
Weights are *local*: the weights of a node's children, normalised to sum 1 within the parent
(the framework's raw weights are relative within a parent). ``level`` chooses which ones vary:

``"pillars"``
    the root's children (the five pillar weights ``W_g``), the default;
``"indicators"``
    the children of every other non-leaf node (for the CAICT framework the 19 indicator weights
    within their pillars; pillar weights stay at their base values);
``"both"``
    all of them.

Weight laws (per parent, over its children with a positive base weight ``w0``; a child with
base weight 0 keeps weight 0, a parent with one positive child keeps its weights):

* uniform noise ``x`` (``weight_noise``): ``w_k = w0_k · U_k``, ``U_k ~ Uniform(1 - x, 1 + x)``
  independently, then renormalised to sum 1 within the parent;
* Dirichlet (``concentration`` ``α``): ``w ~ Dirichlet(α · w0)``, centred on ``w0``
  (``E[w] = w0``, ``Var[w_k] = w0_k (1 - w0_k) / (α + 1)``); ``α = inf`` gives the base weights.

Exact fast path
---------------
For a variant, let ``s_j`` be the base scores of the nodes whose weights do not vary (from
``build()``, so they already include the ``reweight`` policy inside them), ``m_ij`` = 1 where
region ``i`` has a score for child ``j`` and 0 where it is missing. A node ``p`` whose children
weights vary is, for every replication ``r`` and region ``i``,

.. math::

    S_{rip} = \\frac{\\sum_j w_{rj}\\, m_{ij}\\, t(s_{ij})}{\\sum_j w_{rj}\\, m_{ij}},
    \\qquad t(s) = s \\ (\\text{arithmetic}), \\quad t(s) = \\log(1 + s) \\ (\\text{geometric}),

i.e. ``(Z·mask) @ Wᵀ / mask @ Wᵀ`` -- two matrix products for a block of replications -- and NaN
where the denominator is 0. Ancestors of ``p`` are rolled up the same way with their (fixed or
varying) weights. Geometric aggregation stays in log space all the way up (``log1p`` of a
geometric node is the weighted mean of its children's ``log1p``, by the documented +1 rule of
:mod:`iiscore.aggregate`) and the composite is ``expm1`` of the root's value. This is the same
arithmetic as ``build()`` (tested to 1e-9 against a plain loop over ``build()``).

Method choices
--------------
``vary`` may add the normalisation, the aggregation and the outlier treatment: each replication
picks each varied choice uniformly among its options (defaults: ``minmax, rank``;
``arithmetic, geometric``; ``none, log, winsor``). Every combination is built once, up front
(an impossible one, e.g. z-scores with geometric aggregation, is a :class:`SpecError` naming it),
and the replications of a chunk are grouped by combination.

Ranks: 1 = best; ties share the lowest rank (pandas ``method="min"``); a NaN composite ranks last,
as in ``build()``. Rank distributions are kept as ``n_regions x n_regions`` histograms; medians and
percentiles are read from them (:func:`histogram_quantile`), equal to ``numpy.quantile`` of the
stored ranks.

Outputs: :func:`sweep` / :func:`swap_weights` (one weight from 0 to 1, exact tie weights),
:func:`monte_carlo` (median rank, 5th-95th percentile, mean absolute rank shift, tier
probabilities), :func:`sobol` (first-order and total Sobol indices via SALib).

Randomness
----------
Replication ``r`` belongs to block ``b = r // BLOCK`` (``BLOCK = 1024``); block ``b`` draws its
weights and categorical choices from ``np.random.default_rng(np.random.SeedSequence(seed,
spawn_key=(b,)))`` (the ``b``-th spawned child of ``seed``). The output therefore depends on
``seed`` and ``samples`` only, never on ``chunk_size``.
"""
from __future__ import annotations

import inspect
import math
import warnings
from dataclasses import dataclass, field
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from .aggregate import AGGREGATORS
from .errors import IIScoreError, SpecError, check_choice, warn
from .framework import Framework
from .normalise import NORMALISERS
from .pipeline import Result, build
from .spec import Spec
from .treat import TREATMENTS

__all__ = [
    "LEVELS", "VARY", "TIER_RULES", "DEFAULT_NORMALISATIONS", "DEFAULT_NOISE", "DEFAULT_CHUNK",
    "BLOCK", "REPORT_SIZES",
    "varying_parents", "weight_slots", "WeightEvaluator", "evaluator", "rank_rows",
    "histogram_quantile", "Sweep", "sweep", "swap_weights", "base_tiers",
    "MonteCarlo", "monte_carlo", "SobolResult", "sobol",
]

#: Which weights vary: the root's children, everything below them, or all.
LEVELS = ("pillars", "indicators", "both")
#: Uncertain assumptions a Monte Carlo or Sobol run can vary.
VARY = ("weights", "normalisation", "aggregation", "treat")
#: How a replication's composite is turned into a tier with the base tiering's fixed thresholds.
TIER_RULES = ("auto", "scores", "ranks", "centroids")
#: Normalisations sampled when ``normalisation`` varies and none are given: both on 0-100 and valid
#: with geometric aggregation and every treatment ("frontier" of log-treated values can be negative).
DEFAULT_NORMALISATIONS = ("minmax", "rank")
#: Default uniform weight noise (±20 %) when neither ``weight_noise`` nor ``concentration`` is set.
DEFAULT_NOISE = 0.2
#: Default number of replications evaluated at once.
DEFAULT_CHUNK = 4096
#: Replications per random block (see the module notes on randomness).
BLOCK = 1024
#: The report's tier sizes (6 / 11 / 10 / 4 of 31 provinces), the fallback base tiering.
REPORT_SIZES = (6, 11, 10, 4)

_CHOICES = ("normalisation", "aggregation", "treat")  # categorical inputs, in this order
_ALLOWED = {"normalisation": tuple(NORMALISERS), "aggregation": tuple(AGGREGATORS),
            "treat": tuple(TREATMENTS)}
_DEFAULT_OPTIONS = {"normalisation": DEFAULT_NORMALISATIONS, "aggregation": tuple(AGGREGATORS),
                    "treat": tuple(TREATMENTS)}


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------
def _check_int(name: str, value, minimum: int = 0) -> int:
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not ok or int(value) < minimum:
        raise SpecError(
            f"The '{name}' parameter must be a whole number >= {minimum}. Got {value!r} instead.",
            f"参数 “{name}” 必须是不小于 {minimum} 的整数，收到的是 {value!r}。",
            parameter=name)
    return int(value)


def _check_progress(progress):
    if progress is not None and not callable(progress):
        raise SpecError(
            "The 'progress' parameter must be a function f(fraction_done) or None.",
            "参数 “progress” 必须是函数 f(完成比例) 或 None。", parameter="progress")
    return progress


def _weight_law(weight_noise, concentration) -> tuple[str, float]:
    """``("noise", x)``, ``("dirichlet", α)`` or ``("fixed", 0)`` from the two exclusive options."""
    if weight_noise is not None and concentration is not None:
        raise SpecError(
            "Give either 'weight_noise' (uniform ±x noise) or 'concentration' (Dirichlet), not both.",
            "“weight_noise”（均匀 ±x 扰动）与 “concentration”（狄利克雷分布）只能给出其中一个。",
            parameter="weight_noise")
    if concentration is not None:
        try:
            a = float(concentration)
        except (TypeError, ValueError):
            a = float("nan")
        if not a > 0:
            raise SpecError(
                f"The 'concentration' parameter must be a positive number (e.g. 50; larger = "
                f"closer to the base weights, inf = the base weights). Got {concentration!r} instead.",
                f"参数 “concentration” 必须是正数（如 50；越大越接近基准权重，inf 即基准权重），"
                f"收到的是 {concentration!r}。", parameter="concentration")
        return ("fixed", 0.0) if math.isinf(a) else ("dirichlet", a)
    x = DEFAULT_NOISE if weight_noise is None else weight_noise
    try:
        x = float(x)
    except (TypeError, ValueError):
        x = float("nan")
    if not 0.0 <= x < 1.0:
        raise SpecError(
            f"The 'weight_noise' parameter must be in [0, 1) (e.g. 0.2 for ±20 %). Got {weight_noise!r} instead.",
            f"参数 “weight_noise” 必须在 [0, 1) 之间（如 0.2 表示 ±20%），收到的是 {weight_noise!r}。",
            parameter="weight_noise")
    return ("fixed", 0.0) if x == 0.0 else ("noise", x)


def _check_vary(vary) -> tuple[str, ...]:
    if vary is None:
        return ("weights",)
    items = [v.strip() for v in vary.split(",")] if isinstance(vary, str) else list(vary)
    items = [v for v in items if v != ""]
    for v in items:
        check_choice("vary", v, VARY)
    return tuple(dict.fromkeys(items))


def _check_options(name: str, given) -> tuple[str, ...]:
    """Validated options of the categorical choice ``name`` (parameter ``name + "s"``)."""
    param = {"treat": "treatments"}.get(name, name + "s")
    if given is None:
        opts = _DEFAULT_OPTIONS[name]
    else:
        opts = [v.strip() for v in given.split(",")] if isinstance(given, str) else list(given)
    opts = tuple(dict.fromkeys(opts))
    if not opts:
        raise SpecError(
            f"The '{param}' parameter is empty; give at least one of {', '.join(_ALLOWED[name])}.",
            f"参数 “{param}” 为空；请至少给出 {'、'.join(_ALLOWED[name])} 中的一个。",
            parameter=param)
    for o in opts:
        check_choice(param, o, _ALLOWED[name])
    return opts


def _check_region(regions: Sequence, data, name: str, parameter: str) -> str:
    if name in regions:
        return name
    resolve = getattr(data, "resolve_region", None)
    if resolve is not None:
        try:
            rid = resolve(name)
        except IIScoreError:
            rid = None
        if rid in regions:
            return rid
    raise SpecError(
        f"Unknown region {name!r} for '{parameter}'. Use a region id of the data "
        f"(e.g. {', '.join(map(str, list(regions)[:3]))}).",
        f"参数 “{parameter}” 中的地区 {name!r} 不存在。请使用数据中的地区编号"
        f"（如 {'、'.join(map(str, list(regions)[:3]))}）。", parameter=parameter)


# --------------------------------------------------------------------------------------------
# the vectorised evaluator
# --------------------------------------------------------------------------------------------
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

    Build it with :func:`evaluator`. Pure: nothing is modified after construction.

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
    _plan: tuple = field(repr=False)       # bottom-up dynamic nodes, see evaluator()
    _geometric: bool = field(repr=False)

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
        n = W.shape[0]
        R = len(self.result.regions)
        dyn: dict = {}
        for node, kids, spos, SmT, MT, full, dpos, fixed in self._plan:
            if node in self._groups:
                a, b = self._groups[node]
                w = W[:, a:b]
                if len(spos):
                    ws = w[:, spos]
                    num = ws @ SmT
                    den = ws.sum(axis=1, keepdims=True) if full else ws @ MT
                else:
                    num = den = 0.0
            else:
                w = None
                if len(spos):
                    num = (fixed[spos] @ SmT)[None, :]
                    den = (fixed[spos] @ MT)[None, :]
                else:
                    num = den = 0.0
            for j in dpos:
                Sj = dyn[kids[j]]
                wj = w[:, j:j + 1] if w is not None else fixed[j]
                nan = np.isnan(Sj)
                if nan.any():
                    num = num + wj * np.where(nan, 0.0, Sj)
                    den = den + wj * ~nan
                else:
                    num = num + wj * Sj
                    den = den + wj
            with np.errstate(invalid="ignore", divide="ignore"):
                val = np.broadcast_to(num / den, (n, R))
            bad = np.asarray(den) <= 0
            if bad.any():
                val = np.where(np.broadcast_to(bad, (n, R)), np.nan, val)
            dyn[node] = val
        root = self.result.spec.framework.root
        if root in dyn:
            top = dyn[root]
            comp = np.expm1(top) if self._geometric else top
        else:
            comp = np.broadcast_to(self.result.scores[root].to_numpy(float), (n, R)).copy()
        out = {}
        for node in keep:
            if node in dyn:
                out[node] = np.expm1(dyn[node]) if self._geometric else dyn[node]
            elif static_1d:
                out[node] = self.result.scores[node].to_numpy(float)
            else:
                out[node] = np.broadcast_to(self.result.scores[node].to_numpy(float), (n, R))
        return comp, out

    def composite(self, W) -> np.ndarray:
        """Composite scores for each row of ``W``.

        Parameters
        ----------
        W : array_like, shape (n, n_slots) or (n_slots,)
            Local weights, one column per :attr:`slots` entry. Only the ratios within a parent
            matter (each parent divides by ``Σ_j w_j m_ij``), so rows need not be normalised.

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
        A base build; its node scores are reused for every part whose weights do not vary.
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
    geometric = result.spec.aggregation == "geometric"
    slots = tuple((p, c) for p in parents for c in fw.children(p))
    groups, base, pos = {}, [], 0
    for p in parents:
        k = len(fw.children(p))
        groups[p] = (pos, pos + k)
        base.extend(fw.local_weights(p).to_numpy())
        pos += k
    dynamic = set()
    for p in parents:
        node = p
        while node is not None:
            dynamic.add(node)
            node = fw.parent(node)
    plan = []
    for level_nodes in reversed(fw.levels):
        for node in level_nodes:
            if node not in dynamic:
                continue
            kids = fw.children(node)
            spos = np.array([j for j, k in enumerate(kids) if k not in dynamic], dtype=int)
            dpos = tuple(j for j, k in enumerate(kids) if k in dynamic)
            S = np.column_stack([result.scores[kids[j]].to_numpy(float) for j in spos]) if len(spos) \
                else np.zeros((len(result.regions), 0))
            if geometric:
                with np.errstate(invalid="ignore"):
                    S = np.log1p(S)
            M = (~np.isnan(S)).astype(float)
            SmT = np.ascontiguousarray(np.where(M > 0, S, 0.0).T)
            fixed = np.array([fw.node(k).weight for k in kids], float)
            # (node, children, static child positions, static scores·mask transposed, mask
            #  transposed, no static score missing, dynamic child positions, base raw weights)
            plan.append((node, kids, spos, SmT, np.ascontiguousarray(M.T), bool(M.all()), dpos, fixed))
    return WeightEvaluator(result=result, parents=parents, slots=slots, base=np.array(base, float),
                           _groups=groups, _plan=tuple(plan), _geometric=geometric)


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


# --------------------------------------------------------------------------------------------
# one-at-a-time sweeps
# --------------------------------------------------------------------------------------------
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


# --------------------------------------------------------------------------------------------
# base tiering
# --------------------------------------------------------------------------------------------
def _size_split(n: int, k: int) -> tuple[int, ...]:
    if n == sum(REPORT_SIZES) and k == len(REPORT_SIZES):
        return REPORT_SIZES
    base, extra = divmod(n, k)
    return tuple(base + (1 if i < extra else 0) for i in range(k))


def base_tiers(result: Result, k: int = 4, seed: int = 0) -> pd.Series:
    """The base tiering used by the CLI: k-means via :mod:`iiscore.tiering`, else fixed sizes.

    Parameters
    ----------
    result : Result
        The base build.
    k : int
        Number of tiers.
    seed : int
        k-means ``random_state``.

    Returns
    -------
    pandas.Series
        Region -> tier (1 = top), named ``tier``; ``attrs["method"]`` says how it was cut:
        ``"kmeans"`` (``iiscore.tiering.tiers(method="kmeans", k=k, seed=seed)`` on the composite
        and the pillar scores) when that module is importable, otherwise ``"sizes"``: the
        composite ranking cut into the report's 6/11/10/4 (31 regions, k = 4) or into ``k``
        near-equal groups (larger groups first).
    """
    k = _check_int("k", k, minimum=1)
    seed = _check_int("seed", seed)
    fw = result.spec.framework
    table = result.scores[[fw.root, *fw.pillars]]
    try:
        from . import tiering
    except ImportError:
        tiering = None
    if tiering is not None:
        s = tiering.tiers(table, method="kmeans", k=k, seed=seed).tier.rename("tier").astype(int)
        s.attrs["method"] = "kmeans"
        return s
    R = len(result.regions)
    if k > R:
        raise SpecError(f"The 'k' parameter ({k}) exceeds the number of regions ({R}). Lower k.",
                        f"参数 “k”（{k}）大于地区数（{R}）。请减小 k。", parameter="k")
    c = np.where(np.isnan(table[fw.root].to_numpy(float)), -np.inf, table[fw.root].to_numpy(float))
    order = np.argsort(-c, kind="stable")
    tier = np.empty(R, int)
    tier[order] = np.repeat(np.arange(1, k + 1), _size_split(R, k))
    s = pd.Series(tier, index=pd.Index(result.regions, name="region"), name="tier")
    s.attrs["method"] = "sizes"
    return s


# --------------------------------------------------------------------------------------------
# the Monte Carlo / Sobol engine (a per-call object: no module state)
# --------------------------------------------------------------------------------------------
class _Engine:
    """Variants (one build each, all built up front), weight law, random blocks, chunk evaluation."""

    def __init__(self, data, spec: Spec, level: str, vary: tuple, law: tuple, options: dict):
        if not isinstance(spec, Spec):
            raise SpecError("'spec' must be a Spec (see iiscore.Spec / default_spec()).",
                            "“spec” 必须是 Spec（见 iiscore.Spec / default_spec()）。", parameter="spec")
        self.data, self.spec = data, spec
        self.fw = spec.framework
        check_choice("level", level, LEVELS)
        self.level = level
        self.vary = vary
        self.law = law
        self.base = build(data, spec)
        self.regions = self.base.regions
        self.R = len(self.regions)
        parents = varying_parents(self.fw, level) if "weights" in vary else ()
        self.parents = parents
        self.slots = tuple((p, c) for p in parents for c in self.fw.children(p))
        self.base_w = np.concatenate([self.fw.local_weights(p).to_numpy() for p in parents]) \
            if parents else np.zeros(0)
        # groups with at least two positive weights are random; the others stay at base
        self.groups = []
        pos = 0
        for p in parents:
            k = len(self.fw.children(p))
            w = self.base_w[pos:pos + k]
            free = np.flatnonzero(w > 0)
            if len(free) >= 2 and law[0] != "fixed":
                self.groups.append((p, pos + free))
            pos += k
        # categorical choices
        self.choices = []
        for name in _CHOICES:
            if name in vary:
                self.choices.append((name, options[name]))
        values = {n: [getattr(spec, n)] for n in _CHOICES}
        values.update({n: list(o) for n, o in self.choices})
        if "zscore" in values["normalisation"] and "geometric" in values["aggregation"]:
            raise SpecError(
                "z-score normalisation cannot be combined with geometric aggregation (negative "
                "scores). Remove 'zscore' from the normalisations or 'geometric' from the aggregations.",
                "z 分数标准化不能与几何平均聚合组合（得分为负）。请从标准化方法中去掉 'zscore'，"
                "或从聚合方法中去掉 'geometric'。", parameter="normalisations")
        self.sizes = tuple(len(o) for _, o in self.choices)
        self.n_variants = int(np.prod(self.sizes)) if self.sizes else 1
        self._evs: dict = {}
        for v in range(self.n_variants if self.n_variants > 1 else 0):  # one build per variant
            try:
                self.ev(v)
            except IIScoreError as exc:
                vs = self.variant_spec(v)
                combo = ", ".join(f"{n}={getattr(vs, n)}" for n in _CHOICES)
                combo_zh = "，".join(f"{n}={getattr(vs, n)}" for n in _CHOICES)
                raise SpecError(
                    f"The sampled combination {combo} cannot be built: {exc.message('en')} "
                    f"Remove one of these options from the sampled choices.",
                    f"抽样组合 {combo_zh} 无法计算：{exc.message('zh')} 请从候选方法中去掉其中一项。",
                    parameter="vary") from None

    # -- variants ------------------------------------------------------------------------------
    def variant_spec(self, v: int) -> Spec:
        vals = {}
        for (name, opts), i in zip(self.choices, np.unravel_index(v, self.sizes) if self.sizes else ()):
            vals[name] = opts[int(i)]
        if not vals:
            return self.spec
        if vals.get("normalisation", self.spec.normalisation) != "minmax":
            vals["goalposts"] = None
        return self.spec.replace(**vals)

    def ev(self, v: int) -> WeightEvaluator:
        if v not in self._evs:
            vs = self.variant_spec(v)
            res = self.base if vs == self.spec else build(self.data, vs)
            self._evs[v] = evaluator(res, parents=self.parents)
        return self._evs[v]

    def composite(self, W, V) -> np.ndarray:
        return self.evaluate(W, V)[0]

    def evaluate(self, W, V, fixed: "_FixedTiers | None" = None):
        """Composite (n, R) and, for the scores/centroids tier rules, tier indices (n, R)."""
        want = fixed is not None and fixed.rule != "ranks"
        keep = fixed.features[1:] if want and fixed.rule == "centroids" else ()
        if V is None or self.n_variants == 1:
            comp, feats = self.ev(0)._roll(W, keep, static_1d=True)
            return comp, (fixed.assign(comp, feats) if want else None)
        comp = np.empty((W.shape[0], self.R))
        ti = np.empty((W.shape[0], self.R), dtype=np.int64) if want else None
        for v in np.unique(V):
            idx = np.flatnonzero(V == v)
            c, feats = self.ev(int(v))._roll(W[idx], keep, static_1d=True)
            comp[idx] = c
            if want:
                ti[idx] = fixed.assign(c, feats)
        return comp, ti

    # -- random draws ----------------------------------------------------------------------------
    def _block(self, seed: int, b: int):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(b,)))
        W = np.broadcast_to(self.base_w, (BLOCK, len(self.base_w))).copy()
        kind, par = self.law
        for _, idx in self.groups:
            w0 = self.base_w[idx]
            if kind == "noise":
                raw = w0[None, :] * rng.uniform(1.0 - par, 1.0 + par, size=(BLOCK, len(idx)))
                W[:, idx] = raw / raw.sum(axis=1, keepdims=True)
            else:
                W[:, idx] = rng.dirichlet(par * w0, size=BLOCK)
        codes = [rng.integers(size, size=BLOCK) for size in self.sizes]
        V = np.ravel_multi_index(codes, self.sizes).astype(np.int64) if codes \
            else np.zeros(BLOCK, dtype=np.int64)
        return W, V

    def draw(self, seed: int, start: int, stop: int):
        """Weights (stop-start, n_slots) and variant codes for replications [start, stop)."""
        b0, b1 = start // BLOCK, (stop - 1) // BLOCK + 1
        Ws, Vs = zip(*(self._block(seed, b) for b in range(b0, b1)))
        off = b0 * BLOCK
        W = np.concatenate(Ws)[start - off:stop - off]
        V = np.concatenate(Vs)[start - off:stop - off]
        return W, V

    # -- Sobol mapping ---------------------------------------------------------------------------
    def sobol_inputs(self) -> list[tuple[str, str]]:
        """(name, kind) of each uncertain input: weight slots of random groups, then choices."""
        names = []
        for _, idx in self.groups:
            for j in idx:
                names.append((f"weight:{self.slots[j][1]}", "weight"))
        names += [(name, "choice") for name, opts in self.choices if len(opts) > 1]
        return names

    def from_unit(self, X: np.ndarray):
        """Map a unit-cube sample to weights and variant codes (see :func:`sobol`)."""
        from scipy.special import gammaincinv

        n = X.shape[0]
        W = np.broadcast_to(self.base_w, (n, len(self.base_w))).copy()
        col = 0
        kind, par = self.law
        for _, idx in self.groups:
            w0 = self.base_w[idx]
            U = X[:, col:col + len(idx)]
            col += len(idx)
            if kind == "noise":
                raw = w0[None, :] * (1.0 - par + 2.0 * par * U)
            else:
                raw = gammaincinv(par * w0[None, :], U)
            tot = raw.sum(axis=1, keepdims=True)
            W[:, idx] = np.where(tot > 0, raw / np.where(tot > 0, tot, 1.0), w0[None, :])
        codes = []
        for name, opts in self.choices:
            if len(opts) > 1:
                codes.append(np.minimum(np.floor(X[:, col] * len(opts)).astype(np.int64), len(opts) - 1))
                col += 1
            else:
                codes.append(np.zeros(n, np.int64))
        V = np.ravel_multi_index(codes, self.sizes).astype(np.int64) if codes else np.zeros(n, np.int64)
        return W, V


# --------------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonteCarlo:
    """Result of :func:`monte_carlo`.

    Attributes
    ----------
    table : DataFrame
        Indexed by region (data order): ``base_rank``, ``median_rank``, ``p05_rank``,
        ``p95_rank``, ``mean_abs_shift``, then ``p_tier1..p_tierK`` (fixed thresholds of the
        base tiering) and ``p_retier1..p_retierK`` (re-clustered) when computed.
    rank_counts : DataFrame
        Region x rank (1..n_regions): number of replications with that rank.
    tier_counts, retier_counts : DataFrame or None
        Region x tier counts (fixed thresholds; re-clustered over ``recluster`` replications).
    base_tiers : Series or None
        The base tiering (region -> tier).
    thresholds : tuple of float
        Composite thresholds between tiers (``tier_rule="scores"``), cumulative tier sizes
        (``"ranks"``), or empty (``"centroids"``).
    tier_rule : str or None
        ``"scores"``, ``"ranks"`` or ``"centroids"`` as applied.
    samples : int
    settings : dict
        Everything needed to reproduce the run (seed, level, law, vary, options, ...).
    """

    table: pd.DataFrame
    rank_counts: pd.DataFrame
    tier_counts: pd.DataFrame | None
    retier_counts: pd.DataFrame | None
    base_tiers: pd.Series | None
    thresholds: tuple
    tier_rule: str | None
    samples: int
    settings: dict

    @property
    def mean_abs_shift(self) -> float:
        """Mean absolute rank shift over regions and replications."""
        return float(self.table["mean_abs_shift"].mean())


@dataclass(frozen=True, eq=False)
class _FixedTiers:
    """The base tiering frozen into a rule that places any replication's regions in tiers."""

    series: pd.Series          # base tiers, region order of the data
    K: int
    rule: str                  # "scores" | "ranks" | "centroids"
    thresholds: tuple          # scores: composite cut values; ranks: cumulative tier sizes
    features: tuple = ()       # centroids: feature node ids (root first)
    center: np.ndarray = None  # centroids: feature offsets (base mean when standardised, else 0)
    scale: np.ndarray = None   # centroids: feature scales (base population sd, else 1)
    mu: np.ndarray = None      # centroids: (n_features, K) tier centroids in the scaled space
    retier: dict = field(default_factory=dict)  # default kwargs of tiering.tiers for re-tiering

    def assign(self, comp: np.ndarray, feats: Mapping | None = None) -> np.ndarray:
        """Tier index 0..K-1 of each region in each row of ``comp`` (scores / centroids rules)."""
        if self.rule == "scores":
            key = np.where(np.isnan(comp), -np.inf, comp)
            ti = np.zeros(key.shape, dtype=np.int64)
            for x in self.thresholds:
                ti += key < x
            return ti
        # ||z - mu_k||^2 = ||z||^2 + a_k + sum_f b_fk x_f with z_f = (x_f - center_f) / scale_f:
        # ||z||^2 is the same for every k, so the nearest centroid minimises a_k + sum_f b_fk x_f.
        xs = [comp if f == 0 else feats[fid] for f, fid in enumerate(self.features)]
        best = idx = None
        for k in range(self.K):
            mu = self.mu[:, k]
            if not np.all(np.isfinite(mu)):
                continue  # an empty base tier attracts nobody
            score = float(mu @ mu + 2.0 * np.sum(mu * self.center / self.scale))
            static = 0.0
            dynamic = None
            for f, x in enumerate(xs):
                term = (-2.0 * mu[f] / self.scale[f]) * x
                if x.ndim == 1:
                    static = static + term
                else:
                    dynamic = term if dynamic is None else dynamic + term
            sk = (score + static) if dynamic is None else dynamic + (score + static)
            sk = np.broadcast_to(sk, comp.shape)
            if best is None:
                best = sk.copy()
                idx = np.full(comp.shape, k, dtype=np.int64)
            else:
                better = sk < best
                idx[better] = k
                np.minimum(best, sk, out=best)
        return idx


def _tier_setup(tiers, base: Result, rule: str, vary: tuple) -> _FixedTiers:
    """Freeze the ``tiers`` argument of :func:`monte_carlo` into a :class:`_FixedTiers`."""
    fw = base.spec.framework
    root = fw.root
    retier = None
    features = None
    standardise = False
    if hasattr(tiers, "assignment") and hasattr(tiers, "method"):  # a tiering.TierResult
        s = tiers.tier
        params = dict(getattr(tiers, "params", {}) or {})
        K = int(params["k"]) if "k" in params else None
        retier = {"method": tiers.method}
        retier.update({k: v for k, v in params.items()
                       if k in ("k", "sizes", "features", "standardise", "seed", "n_init", "thresholds")})
        feats = params.get("features")
        if tiers.method == "kmeans" and feats and all(f in fw.ids for f in feats):
            features = tuple(feats)
            standardise = bool(params.get("standardise", False))
    elif isinstance(tiers, pd.Series):
        s = tiers
        K = None
    else:
        raise SpecError(
            "'tiers' must be None, a Series region -> tier (1 = top) or a tiering.TierResult "
            "(see base_tiers()).",
            "“tiers” 必须是 None、地区 -> 梯队（1 = 最高）的 Series，或 tiering.TierResult（见 base_tiers()）。",
            parameter="tiers")
    regions = list(base.regions)
    missing = [r for r in regions if r not in s.index]
    if missing:
        raise SpecError(f"'tiers' has no tier for region(s) {', '.join(map(str, missing[:5]))}.",
                        f"“tiers” 缺少地区 {'、'.join(map(str, missing[:5]))} 的梯队。", parameter="tiers")
    vals = pd.to_numeric(s.reindex(regions), errors="coerce").to_numpy(float)
    if not np.all(np.isfinite(vals)) or np.any(vals != np.round(vals)) or vals.min() < 1:
        raise SpecError("'tiers' must hold whole tier numbers 1, 2, ... (1 = top).",
                        "“tiers” 中的梯队编号必须是整数 1、2……（1 = 最高）。", parameter="tiers")
    t = pd.Series(vals.astype(int), index=pd.Index(regions, name="region"), name="tier")
    K = max(int(t.max()), K or 0)
    tv = t.to_numpy()
    R = len(regions)
    sizes = np.bincount(tv - 1, minlength=K)
    cum = np.cumsum(sizes)[:-1]
    comp = base.composite.to_numpy(float)
    key = np.where(np.isnan(comp), -np.inf, comp)
    sv = np.sort(key)[::-1]
    th = tuple(float(np.inf if c <= 0 else -np.inf if c >= R else (sv[c - 1] + sv[c]) / 2.0) for c in cum)
    by_scores = _FixedTiers(t, K, "scores", th)
    contiguous = bool(np.all(by_scores.assign(comp) + 1 == tv))
    if rule == "auto":
        methods_vary = any(v in vary for v in _CHOICES)
        rule = "ranks" if methods_vary else ("scores" if contiguous else "centroids")
    retier = retier or {"method": "kmeans", "k": K}
    if rule == "scores":
        fixed = _FixedTiers(t, K, "scores", th, retier=retier)
        implied = fixed.assign(comp) + 1
    elif rule == "ranks":
        fixed = _FixedTiers(t, K, "ranks", tuple(int(c) for c in cum), retier=retier)
        base_rank = base.ranks[root].to_numpy()
        implied = 1 + (base_rank[:, None] > np.asarray(fixed.thresholds)[None, :]).sum(axis=1)
    else:
        features = features or (root, *fw.pillars)
        X = base.scores[list(features)].to_numpy(float)
        if standardise:
            center = X.mean(axis=0)
            sd = X.std(axis=0)
            scale = np.where(sd > 0, sd, 1.0)
        else:
            center, scale = np.zeros(len(features)), np.ones(len(features))
        Z = (X - center) / scale
        mu = np.full((len(features), K), np.inf)
        for k in range(K):
            if (tv == k + 1).any():
                mu[:, k] = Z[tv == k + 1].mean(axis=0)
        fixed = _FixedTiers(t, K, "centroids", (), tuple(features), center, scale, mu, retier=retier)
        implied = fixed.assign(comp, {f: base.scores[f].to_numpy(float) for f in features}) + 1
    off = [regions[i] for i in np.flatnonzero(implied != tv)]
    if off:
        why = ("not a nearest-centroid partition of its features" if rule == "centroids"
               else "not contiguous in the composite ranking")
        why_zh = "不是其特征上的最近质心划分" if rule == "centroids" else "在综合指数排名上不连续"
        more = " ..." if len(off) > 6 else ""
        warn(f"The base tiering is {why}: the '{rule}' rule places {', '.join(map(str, off[:6]))}{more} "
             f"in another tier than the base tiering even without noise; their tier probabilities "
             f"are relative to the '{rule}' rule.",
             f"基准梯队{why_zh}：即使不加扰动，“{rule}” 规则也会把 {'、'.join(map(str, off[:6]))}"
             f"{' 等' if more else ''}放入与基准不同的梯队；其梯队概率以 “{rule}” 规则为准。")
    return fixed


def _engine(data, spec, level, vary, weight_noise, concentration, normalisations, aggregations,
            treatments) -> "_Engine":
    """The sampling engine shared by :func:`monte_carlo` and :func:`sobol`, arguments checked."""
    options = {"normalisation": _check_options("normalisation", normalisations),
               "aggregation": _check_options("aggregation", aggregations),
               "treat": _check_options("treat", treatments)}
    return _Engine(data, spec, level, _check_vary(vary), _weight_law(weight_noise, concentration), options)


def monte_carlo(data, spec: Spec, *, samples: int = 10000, seed: int = 0, level: str = "pillars",
                weight_noise: float | None = None, concentration: float | None = None,
                vary=("weights",), normalisations=None, aggregations=None, treatments=None,
                tiers=None, tier_rule: str = "auto", recluster: int = 0, tier_kwargs: Mapping | None = None,
                chunk_size: int = DEFAULT_CHUNK, progress: Callable[[float], None] | None = None
                ) -> MonteCarlo:
    """Uncertainty analysis: rank distributions under random weights and method choices.

    Parameters
    ----------
    data : Dataset
    spec : Spec
        The base index; its ranks are the ``base_rank`` of every region.
    samples : int
        Number of replications ``N``.
    seed : int
        Seed; the output depends only on ``seed`` and ``samples`` (not on ``chunk_size``).
    level : {"pillars", "indicators", "both"}
        Which local weights vary (see :func:`varying_parents`).
    weight_noise : float, optional
        Uniform multiplicative noise ``x`` in [0, 1): ``w_k = w0_k U_k``, ``U_k ~ U(1-x, 1+x)``,
        renormalised within each parent. Default 0.2 when ``concentration`` is not given.
    concentration : float, optional
        Dirichlet concentration ``α > 0``: ``w ~ Dirichlet(α w0)`` within each parent (mean ``w0``,
        ``Var w_k = w0_k (1 - w0_k)/(α + 1)``); ``inf`` = base weights. Exclusive with ``weight_noise``.
    vary : str or sequence of {"weights", "normalisation", "aggregation", "treat"}
        Uncertain assumptions; each replication draws each varied choice uniformly among its options.
    normalisations, aggregations, treatments : sequence of str, optional
        Options sampled when the choice varies. Defaults: ``("minmax", "rank", "frontier")``
        (all on the 0-100 scale; add "zscore" explicitly, never with "geometric"),
        ``("arithmetic", "geometric")``, ``("none", "log", "winsor")``.
    tiers : Series or tiering.TierResult, optional
        Base tiering (region -> tier, 1 = top), e.g. :func:`base_tiers`. None = no tier columns.
    tier_rule : {"auto", "scores", "ranks", "centroids"}
        How the base tiering is frozen ("fixed thresholds") to place a replication's regions:

        * ``"scores"``: the base tier sizes ``n_1..n_K`` cut the base composite ranking at
          composite values midway between the last region of one tier and the first of the next,
          ``θ_t = (c_(n_1+..+n_t) + c_(n_1+..+n_t+1)) / 2``; a replication's tier is
          ``1 + #{t : C < θ_t}``;
        * ``"ranks"``: by rank (ranks ``1..n_1`` = tier 1, ...), scale-free;
        * ``"centroids"``: nearest base tier centroid (squared Euclidean) on the base tiering's
          features -- the composite and pillar scores, standardised with the base mean and sd
          when the k-means tiering was -- i.e. the base k-means partition with its centres
          frozen; in one dimension these are thresholds midway between centroids;
        * ``"auto"``: "ranks" when a method choice varies (normalisation, aggregation or
          treatment shift the level and spread of the scores, so fixed score thresholds or
          centroids would move every region), else "scores" when the base tiers are contiguous
          in the composite ranking, else "centroids".

        A warning names the regions whose base tier the chosen rule does not reproduce without
        noise.
    recluster : int
        Re-tier the first ``recluster`` replications with :func:`iiscore.tiering.tiers` on their
        composite and pillar scores (``p_retier*`` columns); k-means costs milliseconds per
        replication, so this is a sub-sample of the i.i.d. replications.
    tier_kwargs : mapping, optional
        Keyword arguments of ``tiering.tiers`` for re-tiering. Default: the method and parameters of
        a given TierResult, else ``{"method": "kmeans", "k": K}``; ``seed`` defaults to ``seed``.
    chunk_size : int
        Replications evaluated at once (memory ~ ``6 · 8 · chunk_size · n_regions`` bytes).
    progress : callable, optional
        Called with the fraction done (0-1] after each chunk.

    Returns
    -------
    MonteCarlo

    Notes
    -----
    Percentiles are ``numpy.quantile`` ("linear") of each region's ranks, computed from the rank
    histograms (:func:`histogram_quantile`); ``mean_abs_shift_i = Σ_r count_ir |r - base_i| / N``.
    """
    samples = _check_int("samples", samples, minimum=1)
    seed = _check_int("seed", seed)
    chunk_size = _check_int("chunk_size", chunk_size, minimum=1)
    recluster = _check_int("recluster", recluster)
    progress = _check_progress(progress)
    check_choice("tier_rule", tier_rule, TIER_RULES)
    eng = _engine(data, spec, level, vary, weight_noise, concentration, normalisations, aggregations, treatments)
    vary, law = eng.vary, eng.law
    base = eng.base
    R = eng.R
    root = spec.framework.root
    base_rank = base.ranks[root].to_numpy().astype(np.int64)

    fixed = None
    if tiers is not None:
        fixed = _tier_setup(tiers, base, tier_rule, vary)
    elif recluster:
        raise SpecError("'recluster' needs a base tiering: pass 'tiers' (e.g. base_tiers(result)).",
                        "“recluster” 需要基准梯队：请传入 “tiers”（如 base_tiers(result)）。",
                        parameter="recluster")

    hist = np.zeros(R * R, dtype=np.int64)
    offs = (np.arange(R, dtype=np.int64) * R)[None, :]
    K = fixed.K if fixed is not None else 0
    tcount = np.zeros(R * K, dtype=np.int64)
    toffs = (np.arange(R, dtype=np.int64) * K)[None, :]
    for start in range(0, samples, chunk_size):
        stop = min(samples, start + chunk_size)
        W, V = eng.draw(seed, start, stop)
        comp, ti = eng.evaluate(W, V, fixed)
        ranks = rank_rows(comp)
        hist += np.bincount((ranks - 1 + offs).ravel(), minlength=R * R)
        if ti is not None:
            tcount += np.bincount((ti + toffs).ravel(), minlength=R * K)
        if progress is not None:
            progress(stop / samples)
    counts = hist.reshape(R, R)
    rk = np.arange(1, R + 1)
    idx = pd.Index(base.regions, name="region")
    table = pd.DataFrame({
        "base_rank": base_rank,
        "median_rank": histogram_quantile(counts, 0.5),
        "p05_rank": histogram_quantile(counts, 0.05),
        "p95_rank": histogram_quantile(counts, 0.95),
        "mean_abs_shift": (counts * np.abs(rk[None, :] - base_rank[:, None])).sum(axis=1) / samples,
    }, index=idx)
    rank_counts = pd.DataFrame(counts, index=idx, columns=pd.Index(rk, name="rank"))
    tier_counts = retier_counts = None
    if fixed is not None:
        if fixed.rule == "ranks":
            tier_of_rank = 1 + (rk[:, None] > np.asarray(fixed.thresholds, dtype=np.int64)[None, :]).sum(axis=1)
            onehot = np.zeros((R, K), dtype=np.int64)
            onehot[np.arange(R), tier_of_rank - 1] = 1
            tc = counts @ onehot
        else:
            tc = tcount.reshape(R, K)
        tier_counts = pd.DataFrame(tc, index=idx, columns=pd.Index(range(1, K + 1), name="tier"))
        for t in range(K):
            table[f"p_tier{t + 1}"] = tc[:, t] / samples
        if recluster:
            n_rc = min(recluster, samples)
            kw = dict(fixed.retier)
            kw.update(tier_kwargs or {})
            kw.setdefault("seed", seed)
            rc = _recluster(eng, seed, n_rc, kw, K)
            retier_counts = pd.DataFrame(rc, index=idx,
                                         columns=pd.Index(range(1, rc.shape[1] + 1), name="tier"))
            for t in range(rc.shape[1]):
                table[f"p_retier{t + 1}"] = rc[:, t] / n_rc
    settings = {"seed": seed, "samples": samples, "level": level, "law": law[0], "law_parameter": law[1],
                "vary": vary, "options": {n: o for n, o in eng.choices}, "chunk_size": chunk_size,
                "base": spec.describe(), "tier_rule": fixed.rule if fixed else None,
                "recluster": recluster}
    return MonteCarlo(table=table, rank_counts=rank_counts, tier_counts=tier_counts,
                      retier_counts=retier_counts, base_tiers=fixed.series if fixed else None,
                      thresholds=fixed.thresholds if fixed else (),
                      tier_rule=fixed.rule if fixed else None, samples=samples, settings=settings)


def _recluster(eng: _Engine, seed: int, n: int, kwargs: dict, K: int) -> np.ndarray:
    try:
        from . import tiering
    except ImportError:
        raise SpecError("Re-clustered tiers need the iiscore.tiering module, which is not available.",
                        "重新聚类的梯队需要 iiscore.tiering 模块，当前不可用。", parameter="recluster") from None
    allowed = set(inspect.signature(tiering.tiers).parameters) - {"scores"}
    kwargs = {k: v for k, v in kwargs.items() if k in allowed}
    fw = eng.fw
    cols = [fw.root, *fw.pillars]
    W, V = eng.draw(seed, 0, n)
    tables = np.empty((n, eng.R, len(cols)))
    for v in np.unique(V):
        idx = np.flatnonzero(V == v)
        ns = eng.ev(int(v)).node_scores(W[idx], cols)
        for j, c in enumerate(cols):
            tables[idx, :, j] = ns[c]
    counts = np.zeros((eng.R, K), dtype=np.int64)
    index = pd.Index(eng.regions, name="region")
    for r in range(n):
        tr = tiering.tiers(pd.DataFrame(tables[r], index=index, columns=cols), **kwargs)
        t = tr.tier.reindex(eng.regions).to_numpy().astype(int)
        if t.max() > counts.shape[1]:
            counts = np.pad(counts, ((0, 0), (0, t.max() - counts.shape[1])))
        counts[np.arange(eng.R), t - 1] += 1
    return counts


# --------------------------------------------------------------------------------------------
# Sobol
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SobolResult:
    """Result of :func:`sobol`.

    Attributes
    ----------
    table : DataFrame
        Columns ``output, input, S1, S1_conf, ST, ST_conf``: one row per output (``mean_abs_shift``,
        ``rank:<region>``) and uncertain input (``weight:<id>``, ``normalisation``, ...; or the
        groups with ``group_weights``). ``*_conf`` are half-widths of the ``conf_level`` bootstrap
        confidence intervals.
    problem : dict
        The SALib problem (names, bounds, groups).
    samples : int
        Base samples ``N``; the model was evaluated ``N (D + 2)`` times.
    evaluations : int
    settings : dict
    """

    table: pd.DataFrame
    problem: dict
    samples: int
    evaluations: int
    settings: dict


def sobol(data, spec: Spec, *, samples: int = 4096, seed: int = 0, level: str = "pillars",
          weight_noise: float | None = None, concentration: float | None = None,
          vary=("weights",), normalisations=None, aggregations=None, treatments=None,
          regions: str | Sequence[str] | None = None, group_weights: bool = False,
          num_resamples: int = 100, conf_level: float = 0.95, chunk_size: int = DEFAULT_CHUNK,
          progress: Callable[[float], None] | None = None) -> SobolResult:
    """First-order and total Sobol indices of each uncertain input on rank outputs (SALib).

    Parameters
    ----------
    data, spec, level, weight_noise, concentration, vary, normalisations, aggregations, treatments
        As in :func:`monte_carlo`.
    samples : int
        Base sample size ``N`` of Saltelli's scheme (a power of 2 is best); the model is
        evaluated ``N (D + 2)`` times for ``D`` inputs (or groups).
    seed : int
        Seed of the scrambled Sobol' sequence and of the bootstrap.
    regions : str or sequence of str, optional
        Regions whose rank is an output, besides the mean absolute rank shift.
    group_weights : bool
        Treat all weights as one input ``"weights"`` (SALib groups) instead of one per weight.
    num_resamples, conf_level
        Bootstrap of the confidence intervals (SALib).
    chunk_size, progress
        As in :func:`monte_carlo`.

    Returns
    -------
    SobolResult

    Notes
    -----
    Inputs are independent ``u ∈ [0, 1)`` mapped explicitly:

    * a weight ``w_k`` of a parent whose weights vary (base ``w0_k > 0``): uniform noise
      ``w_k ∝ w0_k (1 - x + 2 x u_k)``; Dirichlet ``w_k ∝ F⁻¹_{Γ(α w0_k, 1)}(u_k)`` (normalised
      independent gammas are exactly ``Dirichlet(α w0)``); renormalised within the parent;
    * a categorical choice among ``m`` options: ``floor(u · m)`` picks option ``0..m-1`` in the
      order given.

    Outputs per evaluation: ``mean_abs_shift = Σ_i |rank_i - base_rank_i| / n_regions`` and the
    rank of each of ``regions``. An output that never changes gets S1 = ST = 0. Indices come from
    ``SALib.analyze.sobol.analyze(calc_second_order=False)`` (Saltelli 2010 / Jansen estimators);
    its bootstrap is seeded with ``np.random.default_rng(seed)`` (SALib treats ``seed=0`` as
    "unseeded", so the generator is passed, not the integer).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    samples = _check_int("samples", samples, minimum=2)
    seed = _check_int("seed", seed)
    chunk_size = _check_int("chunk_size", chunk_size, minimum=1)
    num_resamples = _check_int("num_resamples", num_resamples, minimum=2)
    progress = _check_progress(progress)
    try:
        conf_level = float(conf_level)
    except (TypeError, ValueError):
        conf_level = float("nan")
    if not 0 < conf_level < 1:
        raise SpecError(f"The 'conf_level' parameter must be between 0 and 1 (e.g. 0.95). Got {conf_level!r}.",
                        f"参数 “conf_level” 必须在 0 与 1 之间（如 0.95），收到的是 {conf_level!r}。",
                        parameter="conf_level")
    eng = _engine(data, spec, level, vary, weight_noise, concentration, normalisations, aggregations, treatments)
    vary, law = eng.vary, eng.law
    inputs = eng.sobol_inputs()
    if not inputs:
        raise SpecError(
            "Nothing varies: give 'vary' with weights (and a non-zero 'weight_noise' or a finite "
            "'concentration') and/or choices with at least two options.",
            "没有任何不确定输入：请在 “vary” 中包含权重（且 “weight_noise” 非零或 “concentration” 有限），"
            "或至少两个候选项的方法选择。", parameter="vary")
    names = [n for n, _ in inputs]
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    if group_weights:
        groups = ["weights" if kind == "weight" else n for n, kind in inputs]
        if len(set(groups)) < 2:
            raise SpecError(
                "With 'group_weights' there is a single input group (the weights): its indices are "
                "trivially 1. Vary a method choice too, or set group_weights=False.",
                "使用 “group_weights” 时只有一个输入组（权重），其指数恒为 1。请同时改变某个方法选择，"
                "或设 group_weights=False。", parameter="group_weights")
        problem["groups"] = groups
    if regions is None:
        regions = ()
    elif isinstance(regions, str):
        regions = (regions,)
    reg_ids = [_check_region(eng.regions, data, r, "regions") for r in regions]
    reg_pos = [eng.regions.index(r) for r in reg_ids]

    X = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    M = X.shape[0]
    base_rank = eng.base.ranks[spec.framework.root].to_numpy().astype(np.int64)
    Y = np.empty((M, 1 + len(reg_pos)))
    for start in range(0, M, chunk_size):
        stop = min(M, start + chunk_size)
        W, V = eng.from_unit(X[start:stop])
        ranks = rank_rows(eng.composite(W, V))
        Y[start:stop, 0] = np.abs(ranks - base_rank[None, :]).mean(axis=1)
        if reg_pos:
            Y[start:stop, 1:] = ranks[:, reg_pos]
        if progress is not None:
            progress(stop / M)
    out_names = ["mean_abs_shift"] + [f"rank:{r}" for r in reg_ids]
    in_names = list(dict.fromkeys(problem.get("groups", names)))
    rows = []
    for j, oname in enumerate(out_names):
        y = Y[:, j]
        if np.ptp(y) == 0:
            S = {"S1": np.zeros(len(in_names)), "S1_conf": np.zeros(len(in_names)),
                 "ST": np.zeros(len(in_names)), "ST_conf": np.zeros(len(in_names))}
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                S = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                          num_resamples=num_resamples, conf_level=conf_level,
                                          seed=np.random.default_rng(seed))
        for i, iname in enumerate(in_names):
            rows.append({"output": oname, "input": iname, "S1": float(S["S1"][i]),
                         "S1_conf": float(S["S1_conf"][i]), "ST": float(S["ST"][i]),
                         "ST_conf": float(S["ST_conf"][i])})
    settings = {"seed": seed, "level": level, "law": law[0], "law_parameter": law[1], "vary": vary,
                "options": {n: o for n, o in eng.choices}, "regions": tuple(reg_ids),
                "group_weights": bool(group_weights), "num_resamples": num_resamples,
                "conf_level": conf_level, "base": spec.describe()}
    return SobolResult(table=pd.DataFrame(rows), problem=problem, samples=samples, evaluations=M,
                       settings=settings)
