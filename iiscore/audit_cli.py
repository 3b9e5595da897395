"""``python -m iiscore audit`` and ``python -m iiscore methods``: thin wrappers over
:mod:`iiscore.audit` and :mod:`iiscore.methods`.

``audit [data options] --out DIR [--correlation pearson|spearman]`` writes ``correlations.csv``
(``a,b,r``), ``parents.csv`` (``node,parent,r``), ``reliability.csv``
(``node,alpha,pc1_share,n_children``), ``removal.csv``
(``node,mean_abs_rank_shift,max_abs_rank_shift``), ``importance.csv``
(``node,nominal_weight,r2,first_order``), ``flags.csv`` and ``index_correlations.csv`` into DIR.

``methods [data options] --out FILE [--weights-out FILE] [--correlations-out FILE]
[--methods LIST] [--bod-bounds LO,HI] [--robust-range N]`` writes ``region`` and
``<method>_score, <method>_rank`` per method (then the median, best and worst rank, the range and
``robust``); ``--weights-out`` writes ``method,indicator,weight``.
"""
from __future__ import annotations

import argparse
import sys

from .errors import SpecError

__all__ = ["register", "run_audit", "run_methods"]


def register(subparsers) -> None:
    """Add the ``audit`` and ``methods`` subcommands to ``subparsers``."""
    from .audit import CORRELATIONS
    from .cli import add_score_options  # lazy: cli imports this module
    from .methods import DEFAULT_ROBUST_RANGE, METHODS

    a = subparsers.add_parser(
        "audit",
        help="statistical audit: correlations, alpha, PCA, removal, importance, flags / 统计审计",
        description=("Audit the index as the options treat and normalise the data: correlations, "
                     "Cronbach's alpha, first-principal-component share, the effect of removing each "
                     "element, nominal vs effective importance, flags; CSV files into --out DIR. "
                     "指数统计审计：相关性、克朗巴哈 α、主成分、逐项移除、名义与实际重要性、提示，输出到目录。"))
    add_score_options(a)
    a.add_argument("--out", required=True, metavar="DIR", help="folder for the CSV files (created)")
    a.add_argument("--correlation", choices=CORRELATIONS, default="pearson",
                   help="correlation for indicator pairs and parents (default pearson)")
    a.set_defaults(func=run_audit)

    m = subparsers.add_parser(
        "methods",
        help="rank the regions under alternative weightings and aggregations / 多方法稳健性比较",
        description=("Rank the regions by the report's, equal, entropy, CRITIC and PCA weights, the "
                     "geometric mean, TOPSIS, the Mazziotta-Pareto index and Benefit of the Doubt; one "
                     "row per region. 用报告权重、等权、熵权、CRITIC、主成分权重、几何平均、TOPSIS、"
                     "MPI 与 BoD 对各地区排名。"))
    add_score_options(m)
    m.add_argument("--out", default=None, metavar="FILE", help="output CSV (default stdout)")
    m.add_argument("--weights-out", dest="weights_out", default=None, metavar="FILE",
                   help="also write method,indicator,weight for every weighting method")
    m.add_argument("--correlations-out", dest="correlations_out", default=None, metavar="FILE",
                   help="also write a,b,spearman,kendall for every pair of methods")
    m.add_argument("--methods", default=",".join(METHODS),
                   help=f"comma-separated subset of {','.join(METHODS)} (default all)")
    m.add_argument("--bod-bounds", dest="bod_bounds", default="0.5,1.5", metavar="LO,HI",
                   help="restricted BoD: each pillar's share of the weights within LO-HI times its "
                        "nominal weight (default 0.5,1.5)")
    m.add_argument("--robust-range", dest="robust_range", type=int, default=DEFAULT_ROBUST_RANGE,
                   help=f"robust = best and worst rank at most this far apart (default {DEFAULT_ROBUST_RANGE})")
    m.set_defaults(func=run_methods)


def run_audit(args) -> int:
    """Run ``audit``: build, audit, write the files; notes go to stderr."""
    from .audit import audit, write_audit
    from .cli import spec_and_data_from_args

    ds, spec = spec_and_data_from_args(args)
    a = audit(ds, spec, method=args.correlation)
    write_audit(a, args.out)
    zh = getattr(args, "lang", "en") == "zh"
    for en, zh_text in a.result.notes + a.notes:
        print("note: " + (zh_text if zh else en), file=sys.stderr)
    print(f"{len(a.flags)} 条提示；文件已写入 {args.out}" if zh else
          f"{len(a.flags)} flag(s); files written to {args.out}", file=sys.stderr)
    return 0


def _bounds(text: str):
    try:
        lo, hi = (float(v) for v in str(text).split(","))
    except ValueError:
        raise SpecError(f"--bod-bounds must be two numbers LO,HI such as 0.5,1.5; got {text!r}.",
                        f"--bod-bounds 须为两个数 LO,HI，如 0.5,1.5；收到 {text!r}。",
                        parameter="--bod-bounds") from None
    return lo, hi


def run_methods(args) -> int:
    """Run ``methods``: one row per region, optional weights and method-correlation files."""
    from .cli import spec_and_data_from_args, write_table
    from .methods import compare_methods, method_correlations, methods_table, weights_table

    ds, spec = spec_and_data_from_args(args)
    mt = compare_methods(ds, spec, methods=args.methods, bod_bounds=_bounds(args.bod_bounds),
                         robust_range=args.robust_range)
    write_table(methods_table(mt), args.out)
    if args.weights_out:
        write_table(weights_table(mt), args.weights_out)
    if args.correlations_out:
        write_table(method_correlations(mt), args.correlations_out)
    zh = getattr(args, "lang", "en") == "zh"
    for en, zh_text in mt.result.notes + mt.notes:
        print("note: " + (zh_text if zh else en), file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    argparse.ArgumentParser().print_help()
