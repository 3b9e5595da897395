"""``python -m iiscore project``: grow indicators to a future year and score it.

Writes ``region,score_base,score_projected,rank_base,rank_projected,tier_base,tier_projected,scoring``.
"""
from __future__ import annotations

from . import common


def register(sub) -> None:
    from ..simulate import SCORINGS

    pj = sub.add_parser("project", help="project indicators to a future year and score it / 趋势预测",
                        description="Grow indicators at their compound annual rates (or given rates) and score the "
                                    "projected year (CSV).")
    common.add_data_options(pj)
    pj.add_argument("--to-year", dest="to_year", type=int, required=True, help="year to project to")
    pj.add_argument("--rate", type=float, default=None, help="one growth rate for every indicator, %% per year")
    pj.add_argument("--rates", default=None, help="per-indicator rates, %% per year, e.g. network=5,identifier=20 "
                                                   "(others: their own compound rate)")
    pj.add_argument("--scoring", choices=SCORINGS, default="renormalise",
                    help="renormalise (min-max in the projected year, default) or pooled goalposts")
    pj.add_argument("--retier", action="store_true", help="tier the projected year afresh instead of using the "
                                                         "base year's thresholds")
    common.add_tier_options(pj)
    common.add_output(pj)
    pj.set_defaults(func=run)


def run(args) -> int:
    from ..errors import SpecError
    from ..simulate import project

    common.check_output(args.out)
    if args.rate is not None and args.rates is not None:
        raise SpecError("Give either --rate (one rate for all) or --rates (per indicator), not both.",
                        "--rate（统一增长率）与 --rates（分指标增长率）只能给出一个。", parameter="--rates")
    if not 1900 <= args.to_year <= 2200:
        raise SpecError(f"--to-year must be a year between 1900 and 2200; got {args.to_year}.",
                        f"--to-year 必须是 1900 到 2200 之间的年份；收到 {args.to_year}。", parameter="--to-year")
    with common.relay_warnings(args):
        inp = common.load_inputs(args)
        rates = args.rate if args.rate is not None else common.parse_pairs(args.rates, "--rates")
        res = project(inp.data, inp.spec, args.to_year, rates=rates, scoring=args.scoring,
                      tiers=common.tier_function(args), retier=args.retier)
        common.write_csv(res.table, args.out, raw=args.raw)
    common.say(inp.notes, args)
    common.say(res.notes, args, prefix="")
    return 0
