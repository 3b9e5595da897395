"""``python -m iiscore sensitivity``: Monte Carlo uncertainty of ranks and tiers (and Sobol indices).

Output CSV, one row per region sorted by base rank (ties by region order)::

    region,base_rank,median_rank,p05_rank,p95_rank,mean_abs_shift,p_tier1,...,p_tierK

(plus ``p_retier1..K`` with ``--recluster N``). Ranks: 1 = best. ``p05``/``p95`` are the 5th and 95th
percentiles of the region's rank over the replications; ``mean_abs_shift`` is the mean of
``|rank - base_rank|``. The base tiering is the tiering in force (``--tier-method``, default the
report's sizes), frozen by ``--tier-rule`` (see :func:`iiscore.sensitivity.monte_carlo`).

``--sobol-out PATH`` also writes first-order and total Sobol indices
(``output,input,S1,S1_conf,ST,ST_conf``) of every uncertain input on the mean absolute rank shift
and, with ``--sobol-region``, on that region's rank.
"""
from __future__ import annotations

from . import common


def register(sub) -> None:
    from ..sensitivity import DEFAULT_CHUNK, LEVELS, TIER_RULES, VARY

    p = sub.add_parser("sensitivity", help="Monte Carlo rank uncertainty and Sobol sensitivity / 敏感性与不确定性",
                       description="Sample weights (and optionally normalisation, aggregation and outlier treatment) "
                                   "and report each region's base rank, median rank, 5th-95th percentile ranks, mean "
                                   "absolute rank shift and tier probabilities as CSV.")
    common.add_data_options(p)
    p.add_argument("--samples", type=int, default=10000, help="Monte Carlo replications (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    law = p.add_mutually_exclusive_group()
    law.add_argument("--weight-noise", dest="weight_noise", type=float, default=None,
                     help="uniform multiplicative weight noise x: w·U(1-x, 1+x), renormalised (default 0.2)")
    law.add_argument("--concentration", type=float, default=None,
                     help="Dirichlet concentration: weights ~ Dirichlet(concentration · base weights)")
    p.add_argument("--vary", default="weights", help=f"comma-separated uncertain assumptions among {','.join(VARY)}")
    p.add_argument("--level", choices=LEVELS, default="pillars",
                   help="which weights vary: pillar weights (default), indicator weights, or both")
    p.add_argument("--normalisations", default=None, help="normalisations sampled with --vary normalisation")
    p.add_argument("--aggregations", default=None, help="aggregations sampled with --vary aggregation")
    p.add_argument("--treatments", default=None, help="outlier treatments sampled with --vary treat")
    p.add_argument("--k", type=int, default=None, help="number of tiers of the base tiering (as --tier-k)")
    common.add_tier_options(p)
    p.add_argument("--tier-rule", dest="tier_rule", choices=TIER_RULES, default="auto",
                   help="how the base tiering places a replication's regions (default auto)")
    p.add_argument("--recluster", type=int, default=0, metavar="N",
                   help="also re-tier the first N replications (p_retier columns)")
    p.add_argument("--chunk-size", dest="chunk_size", type=int, default=DEFAULT_CHUNK,
                   help=f"replications evaluated at once (default {DEFAULT_CHUNK}; results do not depend on it)")
    p.add_argument("--sobol-out", dest="sobol_out", default=None, metavar="PATH",
                   help="also write Sobol indices (output,input,S1,S1_conf,ST,ST_conf) here")
    p.add_argument("--sobol-samples", dest="sobol_samples", type=int, default=1024,
                   help="Sobol base samples N, a power of 2 (default 1024; N·(D+2) evaluations)")
    p.add_argument("--sobol-region", dest="sobol_region", default=None,
                   help="comma-separated regions whose rank is also a Sobol output")
    common.add_output(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..errors import SpecError
    from ..pipeline import build
    from ..sensitivity import base_tiers, monte_carlo, sobol

    common.check_output(args.out)
    if args.sobol_out:
        if args.sobol_out == args.out:
            raise SpecError("--sobol-out must differ from --out.", "--sobol-out 不能与 --out 相同。",
                            parameter="--sobol-out")
        common.check_output(args.sobol_out, "--sobol-out")
    seed = common.seed(args.seed)
    with common.relay_warnings(args):
        inp = common.load_inputs(args)
        ds, spec = inp.data, inp.spec
        shared = dict(seed=seed, level=args.level, weight_noise=args.weight_noise, concentration=args.concentration,
                      vary=args.vary, normalisations=args.normalisations, aggregations=args.aggregations,
                      treatments=args.treatments, chunk_size=args.chunk_size)
        k = args.tier_k if args.tier_k is not None else args.k
        extra = {"sizes": args.tier_sizes} if args.tier_method == "sizes" and args.tier_sizes else {}
        if args.tier_method == "kmeans":
            extra.update(features=args.tier_features, standardise=args.tier_standardise)
        tiers = base_tiers(build(ds, spec), k=k, seed=common.seed(args.tier_seed, "--tier-seed"),
                           method=args.tier_method, **extra)
        mc = monte_carlo(ds, spec, samples=args.samples, tiers=tiers, tier_rule=args.tier_rule,
                         recluster=args.recluster, **shared)
        table = mc.table.sort_values("base_rank", kind="stable")  # ties keep region order
        common.write_csv(table.reset_index(), args.out, raw=args.raw)
        if args.sobol_out:
            regions = common.parse_list(args.sobol_region, "--sobol-region") if args.sobol_region else None
            so = sobol(ds, spec, samples=args.sobol_samples, regions=regions, **shared)
            common.write_csv(so.table, args.sobol_out, raw=args.raw, option="--sobol-out")
    common.say(inp.notes, args)
    return 0
