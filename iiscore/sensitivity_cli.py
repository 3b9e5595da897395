"""``python -m iiscore sensitivity``: Monte Carlo uncertainty of ranks and tiers (and Sobol indices).

Output CSV, one row per region sorted by base rank (ties by region order)::

    region,base_rank,median_rank,p05_rank,p95_rank,mean_abs_shift,p_tier1,...,p_tierK

(plus ``p_retier1..K`` with ``--recluster N``). Ranks: 1 = best. ``p05``/``p95`` are the 5th and
95th percentiles of the region's rank over the replications; ``mean_abs_shift`` is the mean of
``|rank - base_rank|``.

Base tiering: k-means with ``k = --k`` (default 4) on the composite and pillar scores via
:mod:`iiscore.tiering` (``random_state = --seed``); if that module cannot be imported, the
composite ranking cut into the report's 6/11/10/4 (31 regions, k = 4) or into ``k`` near-equal
groups. Tier probabilities use that tiering frozen by ```--tier-rule`` (see
:func:`iiscore.sensitivity.monte_carlo`).

``--sobol-out PATH`` also writes first-order and total Sobol indices
(``output,input,S1,S1_conf,ST,ST_conf``) of every uncertain input on the mean absolute rank shift
and, with ``--sobol-region``, on that region's rank.
"""
from __future__ import annotations

import argparse
import sys
import warnings

from .errors import IIScoreWarning, SpecError
from .sensitivity import (DEFAULT_CHUNK, LEVELS, TIER_RULES, VARY, base_tiers, monte_carlo, sobol)

__all__ = ["register", "run"]

def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``sensitivity`` subcommand to ``subparsers``.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The CLI's subcommand collection.

    Returns
    -------
    argparse.ArgumentParser
        The ``sensitivity`` parser, with ``func=run``.
    """
    p = subparsers.add_parser(
        "sensitivity",
        help="Monte Carlo rank uncertainty and Sobol sensitivity / 权重敏感性与不确定性分析",
        description=(
            "Sample weights (and optionally normalisation, aggregation and outlier treatment) and "
            "report each region's base rank, median rank, 5th-95th percentile ranks, mean absolute "
            "rank shift and tier probabilities as CSV. "
            "对权重（及标准化、聚合、异常值处理方法）进行蒙特卡洛抽样，输出各地区排名的中位数、"
            "5%-95% 区间、平均排名变动和梯队概率。"
        ),
    )
    from .cli import add_score_options  # lazy: cli imports this module

    add_score_options(p)
    p.add_argument("--samples", type=int, default=10000, help="Monte Carlo replications (default 10000)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    law = p.add_mutually_exclusive_group()
    law.add_argument("--weight-noise", dest="weight_noise", type=float, default=None,
                     help="uniform multiplicative weight noise x: w·U(1-x, 1+x), renormalised "
                          "(default 0.2 unless --concentration)")
    law.add_argument("--concentration", type=float, default=None,
                     help="Dirichlet concentration: weights ~ Dirichlet(concentration · base weights)")
    p.add_argument("--vary", default="weights",
                   help=f"comma-separated uncertain assumptions among {','.join(VARY)} (default weights)")
    p.add_argument("--level", choices=LEVELS, default="pillars",
                   help="which weights vary: pillar weights (default), indicator weights within "
                        "their pillars, or both")
    p.add_argument("--normalisations", default=None,
                   help="normalisations sampled with --vary normalisation (default minmax,rank)")
    p.add_argument("--aggregations", default=None,
                   help="aggregations sampled with --vary aggregation (default arithmetic,geometric)")
    p.add_argument("--treatments", default=None,
                   help="outlier treatments sampled with --vary treat (default none,log,winsor)")
    p.add_argument("--k", type=int, default=4, help="number of tiers of the base tiering (default 4)")
    p.add_argument("--tier-rule", dest="tier_rule", choices=TIER_RULES, default="auto",
                   help="how the base tiering places a replication's regions (default auto)")
    p.add_argument("--recluster", type=int, default=0, metavar="N",
                   help="also re-tier the first N replications with k-means (p_retier columns)")
    p.add_argument("--chunk-size", dest="chunk_size", type=int, default=DEFAULT_CHUNK,
                   help=f"replications evaluated at once (default {DEFAULT_CHUNK})")
    p.add_argument("--sobol-out", dest="sobol_out", default=None, metavar="PATH",
                   help="also write Sobol indices (output,input,S1,S1_conf,ST,ST_conf) here")
    p.add_argument("--sobol-samples", dest="sobol_samples", type=int, default=1024,
                   help="Sobol base samples N, a power of 2 (default 1024; N·(D+2) evaluations)")
    p.add_argument("--sobol-region", dest="sobol_region", default=None,
                   help="comma-separated regions whose rank is also a Sobol output")
    p.add_argument("--out", default=None, metavar="PATH", help="output CSV (default: stdout)")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    """Run the ``sensitivity`` command from parsed arguments; returns the exit status.

    Warnings (:class:`~iiscore.errors.IIScoreWarning`) are printed as one line each on stderr,
    in the ``--lang`` language.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IIScoreWarning)
        status = _run(args)
    lang = getattr(args, "lang", "en")
    for w in caught:  # one line each, in the user's language, no source location
        msg = w.message
        if isinstance(msg, IIScoreWarning):
            print("warning: " + (msg.zh if lang == "zh" else msg.en), file=sys.stderr)
        else:
            warnings.warn_explicit(msg, w.category, w.filename, w.lineno)
    return status


def _run(args) -> int:
    from .cli import spec_and_data_from_args, write_table
    from .pipeline import build

    ds, spec = spec_and_data_from_args(args)
    common = dict(seed=args.seed, level=args.level, weight_noise=args.weight_noise,
                  concentration=args.concentration, vary=args.vary, normalisations=args.normalisations,
                  aggregations=args.aggregations, treatments=args.treatments, chunk_size=args.chunk_size)
    tiers = base_tiers(build(ds, spec), k=args.k, seed=args.seed)
    mc = monte_carlo(ds, spec, samples=args.samples, tiers=tiers, tier_rule=args.tier_rule,
                     recluster=args.recluster, **common)
    table = mc.table.sort_values("base_rank", kind="stable")  # ties keep region order
    write_table(table.reset_index(), args.out)
    if args.sobol_out:
        if args.sobol_out == args.out:
            raise SpecError("--sobol-out must differ from --out.", "--sobol-out 不能与 --out 相同。",
                            parameter="--sobol-out")
        regions = [r.strip() for r in args.sobol_region.split(",") if r.strip()] if args.sobol_region else None
        so = sobol(ds, spec, samples=args.sobol_samples, regions=regions, **common)
        write_table(so.table, args.sobol_out)
    return 0
