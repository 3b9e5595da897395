"""``python -m iiscore methods``: the regions ranked by alternative weightings and aggregations.

``methods [data options] --out FILE [--weights-out FILE] [--correlations-out FILE] [--methods LIST]
[--bod-bounds LO,HI] [--robust-range N]`` writes ``region`` and ``<method>_score, <method>_rank`` per
method (then the median, best and worst rank, the range and ``robust``); ``--weights-out`` writes
``method,indicator,weight`` (see :mod:`iiscore.methods`).
"""
from __future__ import annotations

from . import common


def register(sub) -> None:
    from ..methods import DEFAULT_ROBUST_RANGE, METHODS

    m = sub.add_parser("methods", help="rank the regions under alternative weightings and aggregations / 多方法比较",
                       description="Rank the regions by the report's, equal, entropy, CRITIC and PCA weights, the "
                                   "geometric mean, TOPSIS, the Mazziotta-Pareto index and Benefit of the Doubt; one "
                                   "row per region.")
    common.add_data_options(m)
    common.add_output(m)
    m.add_argument("--weights-out", dest="weights_out", default=None, metavar="FILE",
                   help="also write method,indicator,weight for every weighting method")
    m.add_argument("--correlations-out", dest="correlations_out", default=None, metavar="FILE",
                   help="also write a,b,spearman,kendall for every pair of methods")
    m.add_argument("--methods", default=",".join(METHODS),
                   help=f"comma-separated subset of {','.join(METHODS)} (default all)")
    m.add_argument("--bod-bounds", dest="bod_bounds", default="0.5,1.5", metavar="LO,HI",
                   help="restricted BoD: each pillar's share of the weights within LO-HI times its nominal weight "
                        "(default 0.5,1.5)")
    m.add_argument("--robust-range", dest="robust_range", type=int, default=DEFAULT_ROBUST_RANGE,
                   help=f"robust = best and worst rank at most this far apart (default {DEFAULT_ROBUST_RANGE})")
    m.set_defaults(func=run)


def _bounds(text: str):
    from ..errors import SpecError

    try:
        lo, hi = (float(v) for v in str(text).split(","))
    except ValueError:
        raise SpecError(f"--bod-bounds must be two numbers LO,HI such as 0.5,1.5; got {text[:40]!r}.",
                        f"--bod-bounds 须为两个数 LO,HI，如 0.5,1.5；收到 {text[:40]!r}。",
                        parameter="--bod-bounds") from None
    return lo, hi


def run(args) -> int:
    from ..methods import compare_methods, method_correlations, methods_table, weights_table

    for opt, path in (("--out", args.out), ("--weights-out", args.weights_out),
                      ("--correlations-out", args.correlations_out)):
        common.check_output(path, opt)
    with common.relay_warnings(args):
        inp = common.load_inputs(args)
        mt = compare_methods(inp.data, inp.spec, methods=args.methods, bod_bounds=_bounds(args.bod_bounds),
                             robust_range=args.robust_range)
        common.write_csv(methods_table(mt), args.out, raw=args.raw)
        if args.weights_out:
            common.write_csv(weights_table(mt), args.weights_out, raw=args.raw, option="--weights-out")
        if args.correlations_out:
            common.write_csv(method_correlations(mt), args.correlations_out, raw=args.raw,
                             option="--correlations-out")
    common.say(inp.notes + mt.result.notes + mt.notes, args)
    return 0
