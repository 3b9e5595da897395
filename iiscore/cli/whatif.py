"""``python -m iiscore whatif``: edit indicators of a region and recompute every region.

One CSV row per region (data order)::

    region,score_before,score_after,rank_before,rank_after,tier_before,tier_after,edited,passed,passed_by,mode

``passed`` / ``passed_by`` list the regions a region moved ahead of / that moved ahead of it
(``;``-separated); ``mode`` states the normalisation mode (``--mode both`` writes the renormalise rows,
then the fixed rows). Tiers: the tiering in force (``--tier-method``, default the report's sizes); after
an edit a region changes tier only when it passes (or falls below) a tier's bar, held by that tier's
lowest unedited member (see :mod:`iiscore.simulate.crossing`). The mode statement and notes are
printed on stderr, one line each.
"""
from __future__ import annotations

from . import common


def register(sub) -> None:
    from ..simulate import MODES

    w = sub.add_parser("whatif", help="what-if: edit indicators of a region and recompute / 情景模拟",
                       description="Apply edits and write before/after score, rank and tier per region (CSV).")
    common.add_data_options(w)
    w.add_argument("--region", help="region edited by --set without a REGION: prefix (id, Chinese or English name)")
    w.add_argument("--set", dest="sets", action="append", required=True, metavar="[REGION:]INDICATOR=CHANGE",
                   help="edit, repeatable, applied in order: =+20%% / =-5%% (percentage, at least -100%%), =50 "
                        "(value), =@江苏 (another region's value), =p90 (percentile)")
    w.add_argument("--mode", choices=(*MODES, "both"), default="renormalise",
                   help="renormalise (min/max recomputed, the report's formula; default), fixed (baseline "
                        "goalposts), or both")
    common.add_tier_options(w)
    common.add_output(w)
    w.set_defaults(func=run)


def run(args) -> int:
    import pandas as pd

    from ..simulate import MODES, parse_edit, whatif

    common.check_output(args.out)
    with common.relay_warnings(args):
        inp = common.load_inputs(args)
        edits = [parse_edit(s, args.region) for s in args.sets]
        modes = MODES if args.mode == "both" else (args.mode,)
        tables, notes = [], []
        for mode in modes:
            res = whatif(inp.data, inp.spec, edits, mode=mode, tiers=common.tier_function(args))
            tables.append(res.table)
            notes.extend(res.notes)
        common.write_csv(pd.concat(tables, ignore_index=True), args.out, raw=args.raw)
    common.say(inp.notes, args)
    common.say(notes, args, prefix="")
    return 0
