"""``python -m iiscore goalseek``: the smallest improvement that lifts a region to a rank or a tier.

Writes JSON: ``reached``, ``changes`` (indicator -> signed % change of the raw value, two decimals,
rounded so that the target is reached as displayed; usable as ``--set INDICATOR=+x%``),
``applied_edits``, ``score_after``, ``rank_after``, ``mode``, ``target_score``, ``method``,
``lower_bound`` and ``proven`` (cheapest), ``tiering``, ``message_en``, ``message_zh`` and more (see
:meth:`iiscore.simulate.GoalSeek.to_dict`). Tier targets are measured against the tiering in force
(``--tier-method``, default the report's sizes).
"""
from __future__ import annotations

import sys

from . import common


def register(sub) -> None:
    from ..simulate import MODES, STRATEGIES

    g = sub.add_parser("goalseek", help="smallest improvement to reach a rank or tier / 目标反推",
                       description="Find the smallest improvement that lifts a region to a rank or tier (JSON).")
    common.add_data_options(g)
    g.add_argument("--region", required=True, help="region (id, Chinese or English name)")
    tg = g.add_mutually_exclusive_group(required=True)
    tg.add_argument("--target-rank", dest="target_rank", type=int,
                    help="rank to reach (strictly above the current rank-r region)")
    tg.add_argument("--target-tier", dest="target_tier", type=int, help="tier to reach (in the tiering in force)")
    g.add_argument("--indicators", help="indicators that may change, comma-separated (default: all)")
    g.add_argument("--mode", choices=MODES, default="renormalise", help="renormalise (default) or fixed")
    g.add_argument("--strategy", choices=STRATEGIES, default=None,
                   help="uniform (same %% on every indicator) or cheapest (needs costs; default when --costs given)")
    g.add_argument("--costs", help="cost per percentage point, e.g. network=1.5,identifier=2; without --indicators "
                                   "these are the indicators that may change, with it unlisted ones cost 1")
    g.add_argument("--max-pct", dest="max_pct", type=float, default=100.0,
                   help="upper bound of each improvement in %% (default 100)")
    g.add_argument("--bounds", default=None, help="per-indicator upper bounds in %%, e.g. network=30,identifier=200")
    common.add_tier_options(g)
    common.add_output(g, "JSON")
    g.set_defaults(func=run)


def run(args) -> int:
    from ..simulate import goal_seek

    common.check_output(args.out)
    with common.relay_warnings(args):
        inp = common.load_inputs(args)
        tiers = common.tier_function(args)
        res = goal_seek(inp.data, inp.spec, args.region, target_rank=args.target_rank, target_tier=args.target_tier,
                        indicators=common.parse_list(args.indicators, "--indicators"), mode=args.mode,
                        strategy=args.strategy, costs=common.parse_pairs(args.costs, "--costs"),
                        max_pct=args.max_pct, bounds=common.parse_pairs(args.bounds, "--bounds"), tiers=tiers)
    d = res.to_dict()
    d["tiering"] = tiers.method
    common.write_json(d, args.out)
    common.say(inp.notes, args)
    print(res.message(common.lang(args)), file=sys.stderr)
    return 0
