"""``python -m iiscore tiers``: place regions in tiers and write one CSV row per region.

Output columns: ``region,tier,tier_name_zh,tier_name_en,composite`` (tier 1 = top), sorted by
tier, then composite descending, ties by region order. Deterministic for a given ``--seed``.

The score table is built with the same data and method options as ``score`` (provided by
``iiscore.cli.add_score_options`` / ``spec_and_data_from_args``); the tiering features are the
composite and the root's children (the five pillars).
"""
from __future__ import annotations

import argparse
import sys

import pandas as pd

from iiscore.errors import DataError
from iiscore.tiering import FEATURES, METHODS, compare, report_tiers, tiers

__all__ = ["register", "run", "feature_table"]

OUT_COLUMNS = ["region", "tier", "tier_name_zh", "tier_name_en", "composite"]


def _add(parser: argparse.ArgumentParser, *flags, **kwargs) -> None:
    """Add an option unless the shared score options already define it."""
    try:
        parser.add_argument(*flags, **kwargs)
    except argparse.ArgumentError:
        pass


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``tiers`` subcommand to ``subparsers`` (from ``ArgumentParser.add_subparsers``).

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The CLI's subcommand collection.

    Returns
    -------
    argparse.ArgumentParser
        The ``tiers`` parser, with ``func=run``.
    """
    p = subparsers.add_parser(
        "tiers",
        help="place regions in tiers (k-means, natural breaks, fixed sizes, vs. average) / 划分梯队",
        description=(
            "Place regions in tiers (tier 1 = highest mean composite) and write "
            "region,tier,tier_name_zh,tier_name_en,composite as CSV. "
            "划分梯队（第 1 梯队 = 综合指数均值最高），输出 CSV。"
        ),
    )
    from iiscore.cli import add_score_options  # lazy: cli imports this module

    add_score_options(p)
    _add(p, "--method", choices=METHODS, default="kmeans",
         help="kmeans (default), jenks (natural breaks on the composite), sizes (fixed group "
              "sizes), average (EIS: >125%%/100-125%%/70-100%%/<=70%% of the mean)")
    _add(p, "--k", type=int, default=None,
         help="number of tiers (default 4; implied by --sizes / --thresholds)")
    _add(p, "--sizes", default=None,
         help="tier sizes from the top for --method sizes, e.g. 6,11,10,4 (the report's, default)")
    _add(p, "--thresholds", default=None,
         help="for --method average: decreasing fractions of the mean, default 1.25,1.0,0.7")
    _add(p, "--features", choices=FEATURES, default="composite+pillars",
         help="k-means features: composite and pillar scores (default) or composite only")
    _add(p, "--standardise", "--standardize", action="store_true",
         help="k-means on z-scores of the features")
    _add(p, "--seed", type=int, default=0, help="k-means random_state (default 0)")
    _add(p, "--n-init", dest="n_init", type=int, default=20,
         help="k-means restarts (default 20)")
    _add(p, "--compare", default=None, metavar="report|PATH",
         help="also compare with the report's tiers ('report') or a CSV with region,tier; "
              "the ARI and the movers are printed to stderr")
    _add(p, "--out", default=None, metavar="PATH", help="write the CSV here (default stdout)")
    p.set_defaults(func=run)
    return p


def feature_table(args) -> pd.DataFrame:
    """Build the score table (composite + pillars) from the shared score options."""
    from iiscore.cli import spec_and_data_from_args
    from iiscore.pipeline import build

    ds, spec = spec_and_data_from_args(args)
    res = build(ds, spec)
    fw = spec.framework
    return res.scores[[fw.root, *fw.children(fw.root)]]


def _reference(arg: str) -> pd.Series:
    if arg.strip().lower() == "report":
        return report_tiers()
    try:
        ref = pd.read_csv(arg, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataError(
            f"Cannot read the --compare file: {exc}.",
            f"无法读取 --compare 文件：{exc}。",
            file=arg, parameter="compare",
        ) from None
    if not {"region", "tier"} <= set(ref.columns):
        raise DataError(
            f"The --compare file needs columns 'region' and 'tier'; it has {list(ref.columns)}.",
            f"--compare 文件需要 “region” 和 “tier” 两列，现有列：{list(ref.columns)}。",
            file=arg, parameter="compare",
        )
    return pd.Series(ref["tier"].to_numpy(), index=ref["region"].astype(str), name="reference")


def run(args) -> int:
    """Run the ``tiers`` subcommand; return the exit status (0)."""
    table = feature_table(args)
    thresholds = getattr(args, "thresholds", None)
    kwargs = {}
    if thresholds:
        kwargs["thresholds"] = [t for t in str(thresholds).split(",") if t.strip()]
    res = tiers(
        table,
        method=args.method,
        k=args.k,
        sizes=args.sizes,
        features=args.features,
        standardise=bool(args.standardise),
        seed=args.seed,
        n_init=getattr(args, "n_init", 20),
        **kwargs,
    )
    out = res.sorted().copy()
    out.index.name = "region"
    out = out.reset_index()[OUT_COLUMNS]
    from iiscore.cli import write_table  # lazy: cli imports this module

    write_table(out, args.out)

    if getattr(args, "compare", None):
        ref = _reference(args.compare)
        cmp = compare(ref, res.tier.rename("tiers"))
        err = sys.stderr
        err.write(f"ARI = {cmp.ari:.4f}; same tier: {cmp.agreement:.1%}\n")
        err.write(cmp.confusion.to_string() + "\n")
        for row in cmp.movers.itertuples(index=False):
            err.write(f"{row.region}: {row[1]} -> {row[2]} ({row.direction})\n")
    return 0
