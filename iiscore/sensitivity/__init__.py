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
from ._common import (BLOCK, DEFAULT_CHUNK, DEFAULT_NOISE, DEFAULT_NORMALISATIONS, LEVELS, TIER_RULES,
                      VARY)
from .evaluator import (WeightEvaluator, evaluator, histogram_quantile, rank_bin_width, rank_rows,
                        varying_parents, weight_slots)
from .montecarlo import MonteCarlo, base_tiers, check_samples, monte_carlo
from .oat import Sweep, swap_weights, sweep
from .sobol import SobolResult, sobol
from ..tiering import REPORT_SIZES

__all__ = [
    "LEVELS", "VARY", "TIER_RULES", "DEFAULT_NORMALISATIONS", "DEFAULT_NOISE", "DEFAULT_CHUNK",
    "BLOCK", "REPORT_SIZES",
    "varying_parents", "weight_slots", "WeightEvaluator", "evaluator", "rank_rows",
    "histogram_quantile", "rank_bin_width", "Sweep", "sweep", "swap_weights", "base_tiers",
    "MonteCarlo", "monte_carlo", "check_samples", "SobolResult", "sobol",
]
