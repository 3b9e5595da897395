"""``python -m iiscore weights ahp|infer``: AHP priorities of a matrix file, and weights inferred from the
published national series.

``ahp`` writes CSV ``id,weight`` and prints ``lambda_max=``, ``CI=``, ``CR=`` (and a warning line
when CR > 0.10) on stderr. ``infer`` writes CSV ``id,weight,lower,upper`` and prints whether the
weights are determined and the method note on stderr.
"""
from __future__ import annotations

import sys

from . import common


def register(sub) -> None:
    p = sub.add_parser("weights", help="AHP weights from a judgement matrix; weights inferred from the published "
                                       "national series / 权重")
    wsub = p.add_subparsers(dest="weights_command", metavar="{ahp,infer}", parser_class=common.Parser)
    wsub.required = True
    a = wsub.add_parser("ahp", help="priority vector, lambda_max, CI and CR of a judgement matrix CSV")
    a.add_argument("--matrix", required=True,
                   help="CSV: first column and header = item labels; cells like 3, 1/3 or 0.333 "
                        "(blank cells take the reciprocal of their mirror)")
    a.add_argument("--method", choices=["eigen", "geometric"], default="eigen",
                   help="principal eigenvector (default) or row geometric mean")
    common.add_output(a)
    a.set_defaults(func=run_ahp)
    i = wsub.add_parser("infer", help="pillar weights reproducing the published national composite, with bounds "
                                      "allowed by rounding")
    i.add_argument("--published", help="published figures CSV (default: the built-in national_published.csv)")
    i.add_argument("--no-contribution", action="store_true",
                   help="ignore the published contribution (17.3 %%): the weights are then underdetermined")
    i.add_argument("--parent", default="iidei", help="composite whose children are weighted (default: iidei)")
    common.add_output(i)
    i.set_defaults(func=run_infer)


def run_ahp(args) -> int:
    import pandas as pd
    from pathlib import Path

    from ..data import _check_regular
    from ..weights.ahp import ahp_priorities, read_matrix_csv

    common.check_output(args.out)
    _check_regular(Path(args.matrix), args.matrix)
    with common.relay_warnings(args):
        matrix = read_matrix_csv(args.matrix)
        res = ahp_priorities(matrix, method=args.method, name=Path(args.matrix).name)
        out = pd.DataFrame({"id": list(res.weights.index), "weight": res.weights.to_numpy()})
        common.write_csv(out, args.out, raw=args.raw)
        print(f"lambda_max={res.lambda_max:.6f}", file=sys.stderr)
        print(f"CI={res.ci:.6f}", file=sys.stderr)
        print(f"CR={res.cr:.6f}", file=sys.stderr)
    return 0


def run_infer(args) -> int:
    from pathlib import Path

    from ..data import _check_regular
    from ..resources import data_file
    from ..weights.infer import infer_weights

    common.check_output(args.out)
    published = Path(args.published) if args.published else data_file("national_published.csv")
    if args.published:
        _check_regular(published, args.published)
    with common.relay_warnings(args):
        res = infer_weights(published, parent=args.parent, use_contribution=not args.no_contribution)
        common.write_csv(res.to_frame(), args.out, raw=args.raw)
        print(f"used_contribution={res.used_contribution} determined={res.determined}", file=sys.stderr)
        print("note: " + res.method_note, file=sys.stderr)
    return 0
