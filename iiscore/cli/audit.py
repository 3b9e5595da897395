"""``python -m iiscore audit``: the statistical audit of the index, as CSV files in a folder.

``audit [data options] --out DIR [--correlation pearson|spearman]`` writes ``correlations.csv``
(``a,b,r``), ``parents.csv`` (``node,parent,r``), ``reliability.csv``
(``node,alpha,pc1_share,n_children``), ``removal.csv``
(``node,mean_abs_rank_shift,max_abs_rank_shift``), ``importance.csv``
(``node,nominal_weight,r2,first_order``), ``flags.csv`` and ``index_correlations.csv`` into DIR
(see :mod:`iiscore.audit`).
"""
from __future__ import annotations

import sys

from . import common


def register(sub) -> None:
    from ..audit import CORRELATIONS

    a = sub.add_parser("audit", help="statistical audit: correlations, alpha, PCA, removal, importance, flags / 统计审计",
                       description="Audit the index as the options treat and normalise the data: correlations, "
                                   "Cronbach's alpha, first-principal-component share, the effect of removing each "
                                   "element, nominal vs effective importance, flags; CSV files into --out DIR.")
    common.add_data_options(a)
    a.add_argument("--out", required=True, metavar="DIR", help="folder for the CSV files (created)")
    a.add_argument("--correlation", choices=CORRELATIONS, default="pearson",
                   help="correlation for indicator pairs and parents (default pearson)")
    a.add_argument("--raw", action="store_true", help="write text cells as they are (no formula escaping)")
    a.set_defaults(func=run)


def _check_dir(path) -> None:
    import os
    from pathlib import Path

    from ..errors import DataError

    p = Path(path)
    if p.exists() and not p.is_dir():
        raise DataError(f"--out {path} exists and is not a folder.", f"--out {path} 已存在且不是文件夹。", parameter="--out")
    parent = p if p.exists() else (p.parent if str(p.parent) else Path("."))
    if not parent.exists():
        raise DataError(f"Cannot create {path}: the folder {parent} does not exist.",
                        f"无法创建 {path}：文件夹 {parent} 不存在。", parameter="--out")
    if not os.access(parent, os.W_OK):
        raise DataError(f"Cannot write into {parent}: permission denied.", f"无法写入 {parent}：没有写入权限。",
                        parameter="--out")


def run(args) -> int:
    from pathlib import Path

    from ..audit import audit, audit_tables

    _check_dir(args.out)
    with common.relay_warnings(args):
        inp = common.load_inputs(args)
        a = audit(inp.data, inp.spec, method=args.correlation)
        out = Path(args.out)
        out.mkdir(parents=False, exist_ok=True)
        for name, table in audit_tables(a).items():
            common.write_csv(table, str(out / f"{name}.csv"), raw=args.raw)
    common.say(inp.notes + a.result.notes + a.notes, args)
    zh = common.lang(args) == "zh"
    print(f"{len(a.flags)} 条提示；文件已写入 {args.out}" if zh else f"{len(a.flags)} flag(s); files written to {args.out}",
          file=sys.stderr)
    return 0
