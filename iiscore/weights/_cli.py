"""``python -m iiscore weights ...``: AHP priorities from a matrix file, and inferred pillar weights.

::

    python -m iiscore weights ahp --matrix PATH [--out PATH] [--method eigen|geometric]
    python -m iiscore weights infer [--out PATH] [--no-contribution] [--published PATH]

``ahp`` writes CSV ``id,weight`` and prints ``lambda_max=``, ``CI=``, ``CR=`` (and a warning line
when CR > 0.10) on stderr. ``infer`` writes CSV ``id,weight,lower,upper`` and prints whether the
weights are determined and the method note on stderr. Errors are :class:`IIScoreError`; the
caller (``iiscore.cli``) prints them as one line and exits with status 2.
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd

from iiscore.errors import IIScoreError, IIScoreWarning

__all__ = ["register", "cmd_ahp", "cmd_infer", "DEFAULT_PUBLISHED_PATH"]

#: Default published-figures file, located relative to the package.
DEFAULT_PUBLISHED_PATH = Path(__file__).resolve().parents[2] / "data" / "national_published.csv"


def _lang(args) -> str:
    return "zh" if getattr(args, "lang", "en") == "zh" else "en"


def _write_csv(df: pd.DataFrame, out) -> None:
    if out:
        try:
            df.to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
        except OSError as exc:
            raise IIScoreError(f"Cannot write {out}: {exc.strerror}. Check the directory and permissions.",
                               f"无法写入 {out}：{exc.strerror}。请检查目录与权限。", parameter="--out") from None
    else:
        df.to_csv(sys.stdout, index=False, lineterminator="\n")


def _emit_warnings(caught, lang: str) -> None:
    for w in caught:
        msg = w.message
        if isinstance(msg, IIScoreWarning):
            text = msg.zh if lang == "zh" else msg.en
        else:
            text = str(msg)
        print("warning: " + text.replace("\n", " "), file=sys.stderr)


def cmd_ahp(args) -> int:
    """Run ``weights ahp``: read the matrix CSV, write ``id,weight``, report consistency."""
    from iiscore.weights.ahp import ahp_priorities, read_matrix_csv

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IIScoreWarning)
        matrix = read_matrix_csv(args.matrix)
        res = ahp_priorities(matrix, method=args.method, name=Path(args.matrix).name)
    out = pd.DataFrame({"id": list(res.weights.index), "weight": res.weights.to_numpy()})
    _write_csv(out, args.out)
    print(f"lambda_max={res.lambda_max:.6f}", file=sys.stderr)
    print(f"CI={res.ci:.6f}", file=sys.stderr)
    print(f"CR={res.cr:.6f}", file=sys.stderr)
    _emit_warnings(caught, _lang(args))
    return 0


def cmd_infer(args) -> int:
    """Run ``weights infer``: write ``id,weight,lower,upper`` for the children of ``--parent``."""
    from iiscore.weights.infer import infer_weights

    published = Path(args.published) if args.published else DEFAULT_PUBLISHED_PATH
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IIScoreWarning)
        res = infer_weights(published, parent=args.parent, use_contribution=not args.no_contribution)
    _write_csv(res.to_frame(), args.out)
    print(f"used_contribution={res.used_contribution} determined={res.determined}", file=sys.stderr)
    print("note: " + res.method_note, file=sys.stderr)
    _emit_warnings(caught, _lang(args))
    return 0


def register(subparsers) -> None:
    """Add the ``weights`` command (sub-commands ``ahp`` and ``infer``) to ``subparsers``."""
    p = subparsers.add_parser("weights", help="AHP weights from a judgement matrix; weights inferred "
                                              "from the published national series")
    sub = p.add_subparsers(dest="weights_command", metavar="{ahp,infer}")
    sub.required = True

    a = sub.add_parser("ahp", help="priority vector, lambda_max, CI and CR of a judgement matrix CSV")
    a.add_argument("--matrix", required=True,
                   help="CSV: first column and header = item labels; cells like 3, 1/3 or 0.333 "
                        "(blank cells take the reciprocal of their mirror)")
    a.add_argument("--method", choices=["eigen", "geometric"], default="eigen",
                   help="principal eigenvector (default) or row geometric mean")
    a.add_argument("--out", help="output CSV id,weight (default: stdout)")
    a.set_defaults(func=cmd_ahp)

    i = sub.add_parser("infer", help="pillar weights reproducing the published national composite, "
                                     "with bounds allowed by rounding")
    i.add_argument("--published", help=f"published figures CSV (default: {DEFAULT_PUBLISHED_PATH})")
    i.add_argument("--no-contribution", action="store_true",
                   help="ignore the published contribution (17.3 %%): the weights are then underdetermined")
    i.add_argument("--parent", default="iidei", help="composite whose children are weighted (default: iidei)")
    i.add_argument("--out", help="output CSV id,weight,lower,upper (default: stdout)")
    i.set_defaults(func=cmd_infer)
