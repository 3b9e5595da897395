"""``python -m iiscore score``: every region's score of every aggregate and its rank.

One row per region (data order): ``region``, the score of every non-leaf node (root first, then each
level in framework order) at full float precision, then ``rank`` (1 = highest; ties share the lowest
rank; a region without a composite ranks last). What the run did (names mapped, treatment, missing
values, withheld scores) is printed on stderr as ``note:`` lines.
"""
from __future__ import annotations

from . import common


def register(sub) -> None:
    p = sub.add_parser("score", help="score every region (one row per region) / 计算得分")
    common.add_data_options(p)
    common.add_output(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..pipeline import build

    common.check_output(args.out)
    with common.relay_warnings(args):
        inp = common.load_inputs(args)
        res = build(inp.data, inp.spec)
    common.write_csv(res.table(), args.out, raw=args.raw)
    common.say(inp.notes + res.notes, args)
    return 0
