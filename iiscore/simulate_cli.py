"""``python -m iiscore whatif | goalseek | project``: scenario simulation from the command line.

``whatif`` writes one CSV row per region (data order)::

    region,score_before,score_after,rank_before,rank_after,tier_before,tier_after,edited,passed,passed_by,mode

The first seven columns are the required ones, in that order; ``passed`` / ``passed_by`` list
the regions a region moved ahead of / that moved ahead of it (``;``-separated); ``mode`` (last)
states the normalisation mode (``--mode both`` writes the renormalise rows, then the fixed
rows). The mode statement and notes are also printed on stderr, one line each.

``goalseek`` writes JSON: ``reached``, ``changes`` (indicator -> signed % change of the raw
value, usable as ``--set INDICATOR=+x%``), ``score_after``, ``rank_after``, ``mode``,
``target_score``, ``method``, ``message_en``, ``message_zh`` and more (see
:meth:`iiscore.simulate.GoalSeek.to_dict`).

``project`` writes ``region,score_base,score_projected,rank_base,rank_projected,tier_base,
tier_projected,scoring``.

Tiers: the baseline is tiered with ``--tier-method`` (default ``sizes``: the report's
6/11/10/4 down the ranking); after an edit, a region changes tier only when it passes (or falls below) a tier's bar,
held by that tier's lowest unedited member, whose score is read after the edit (see
:mod:`iiscore.simulate`).
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata

from .errors import IIScoreError
from .simulate import MODES, SCORINGS, STRATEGIES, EditError, goal_seek, parse_edit, project, report_sizes, whatif

__all__ = ["register", "run_whatif", "run_goalseek", "run_project", "parse_pairs", "parse_list", "tier_function"]

TIER_METHODS = ("sizes", "kmeans", "jenks", "average")


def parse_list(text: str | None, option: str) -> list | None:
    """``a,b,c`` -> ``["a", "b", "c"]`` (full-width commas accepted); None stays None."""
    if text is None:
        return None
    items = [x.strip() for x in unicodedata.normalize("NFKC", str(text)).split(",") if x.strip()]
    if not items:
        raise EditError(f"{option} is empty; give a comma-separated list.", f"{option} 为空；请给出以逗号分隔的列表。",
                        parameter=option)
    return items


def parse_pairs(text: str | None, option: str) -> dict | None:
    """``id=1.5,id2=3`` -> ``{"id": 1.5, "id2": 3.0}``; None stays None."""
    items = parse_list(text, option)
    if items is None:
        return None
    out = {}
    for it in items:
        key, sep, val = it.partition("=")
        try:
            if not sep or not key.strip():
                raise ValueError
            out[key.strip()] = float(val)
        except ValueError:
            raise EditError(f"Cannot read '{it}' in {option}; write INDICATOR=NUMBER, comma-separated "
                            f"(e.g. network=1.5,identifier=2).",
                            f"无法识别 {option} 中的“{it}”；请写成 指标=数值，以逗号分隔（如 network=1.5,identifier=2）。",
                            parameter=option) from None
    return out


def tier_function(args):
    """The baseline tiering chosen by ``--tier-method`` / ``--tier-sizes`` / ``--k`` / ``--seed``."""
    from .tiering import tiers

    method = getattr(args, "tier_method", "sizes") or "sizes"
    k = getattr(args, "tier_k", None)
    sizes = getattr(args, "tier_sizes", None)
    seed = getattr(args, "tier_seed", 0)

    def fn(table):
        if method == "sizes":
            return tiers(table, method="sizes", sizes=sizes or report_sizes(len(table))).tier
        kw = {"k": k} if k is not None else {}
        if method == "kmeans":
            kw["seed"] = seed
        return tiers(table, method=method, **kw).tier

    return fn


def _tier_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tier-method", dest="tier_method", choices=TIER_METHODS, default="sizes",
                   help="baseline tiering: sizes (report's 6/11/10/4 down the ranking, default), kmeans, jenks, "
                        "average; after an edit a region changes tier only when it passes a tier's bar (held by the "
                        "tier's lowest unedited member)")
    p.add_argument("--tier-sizes", dest="tier_sizes", default=None, help="tier sizes for --tier-method sizes, "
                                                                          "e.g. 6,11,10,4")
    p.add_argument("--tier-k", dest="tier_k", type=int, default=None, help="number of tiers (kmeans, jenks)")
    p.add_argument("--tier-seed", dest="tier_seed", type=int, default=0, help="k-means seed (default 0)")


def register(subparsers) -> None:
    """Add the ``whatif``, ``goalseek`` and ``project`` sub-commands.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
    """
    from .cli import add_score_options  # lazy: cli imports this module

    w = subparsers.add_parser("whatif", help="what-if: edit indicators of a region and recompute / 情景模拟",
                              description="Apply edits and write before/after score, rank and tier per region (CSV).")
    add_score_options(w)
    w.add_argument("--region", help="region edited by --set without a REGION: prefix (id, Chinese or English name)")
    w.add_argument("--set", dest="sets", action="append", required=True, metavar="[REGION:]INDICATOR=CHANGE",
                   help="edit, repeatable, applied in order: =+20%% / =-5%% (percentage), =50 (value), "
                        "=@江苏 (another region's value), =p90 (percentile)")
    w.add_argument("--mode", choices=(*MODES, "both"), default="renormalise",
                   help="renormalise (min/max recomputed, the report's formula; default), fixed (baseline "
                        "goalposts), or both")
    _tier_options(w)
    w.add_argument("--out", help="output CSV (default: stdout)")
    w.set_defaults(func=run_whatif)

    g = subparsers.add_parser("goalseek", help="smallest improvement to reach a rank or tier / 目标反推",
                              description="Find the smallest improvement that lifts a region to a rank or tier (JSON).")
    add_score_options(g)
    g.add_argument("--region", required=True, help="region (id, Chinese or English name)")
    tg = g.add_mutually_exclusive_group(required=True)
    tg.add_argument("--target-rank", dest="target_rank", type=int, help="rank to reach (strictly above the "
                                                                         "current rank-r region)")
    tg.add_argument("--target-tier", dest="target_tier", type=int, help="tier to reach (at least its lowest "
                                                                         "baseline score)")
    g.add_argument("--indicators", help="indicators that may change, comma-separated (default: all)")
    g.add_argument("--mode", choices=MODES, default="renormalise", help="renormalise (default) or fixed")
    g.add_argument("--strategy", choices=STRATEGIES, default=None,
                   help="uniform (same %% on every indicator) or cheapest (needs costs; default when --costs given)")
    g.add_argument("--costs", help="cost per percentage point, e.g. network=1.5,identifier=2; without "
                                   "--indicators these are the indicators that may change, with it unlisted "
                                   "ones cost 1")
    g.add_argument("--max-pct", dest="max_pct", type=float, default=100.0,
                   help="upper bound of each improvement in %% (default 100)")
    g.add_argument("--bounds", default=None, help="per-indicator upper bounds in %%, e.g. network=30,identifier=200 "
                                                  "(others: --max-pct)")
    _tier_options(g)
    g.add_argument("--out", help="output JSON (default: stdout)")
    g.set_defaults(func=run_goalseek)

    pj = subparsers.add_parser("project", help="project indicators to a future year and score it / 趋势预测",
                               description="Grow indicators at their compound annual rates (or given rates) and "
                                           "score the projected year (CSV).")
    add_score_options(pj)
    pj.add_argument("--to-year", dest="to_year", type=int, required=True, help="year to project to")
    pj.add_argument("--rate", type=float, default=None, help="one growth rate for every indicator, %% per year")
    pj.add_argument("--rates", default=None, help="per-indicator rates, %% per year, e.g. network=5,identifier=20 "
                                                   "(others: their own compound rate)")
    pj.add_argument("--scoring", choices=SCORINGS, default="renormalise",
                    help="renormalise (min-max in the projected year, default) or pooled goalposts")
    pj.add_argument("--retier", action="store_true", help="tier the projected year afresh instead of using the "
                                                         "base year's thresholds")
    _tier_options(pj)
    pj.add_argument("--out", help="output CSV (default: stdout)")
    pj.set_defaults(func=run_project)


def _lang(args) -> str:
    return "zh" if getattr(args, "lang", "en") == "zh" else "en"


def _say(notes, lang) -> None:
    for en, zh in notes:
        print(zh if lang == "zh" else en, file=sys.stderr)


def run_whatif(args) -> int:
    """Run ``whatif``; return the exit status."""
    import pandas as pd

    from .cli import spec_and_data_from_args, write_table

    data, spec = spec_and_data_from_args(args)
    edits = [parse_edit(s, args.region) for s in args.sets]
    modes = MODES if args.mode == "both" else (args.mode,)
    lang = _lang(args)
    tables = []
    for mode in modes:
        res = whatif(data, spec, edits, mode=mode, tiers=tier_function(args))
        tables.append(res.table)
        _say(res.notes, lang)
    write_table(pd.concat(tables, ignore_index=True), args.out)
    return 0


def run_goalseek(args) -> int:
    """Run ``goalseek``; return the exit status."""
    from .cli import spec_and_data_from_args

    data, spec = spec_and_data_from_args(args)
    res = goal_seek(data, spec, args.region, target_rank=args.target_rank, target_tier=args.target_tier,
                    indicators=parse_list(args.indicators, "--indicators"), mode=args.mode,
                    strategy=args.strategy, costs=parse_pairs(args.costs, "--costs"), max_pct=args.max_pct,
                    bounds=parse_pairs(args.bounds, "--bounds"), tiers=tier_function(args))
    text = json.dumps(res.to_dict(), ensure_ascii=False, indent=2)
    if args.out:
        try:
            with open(args.out, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        except OSError as exc:
            raise IIScoreError(f"Cannot write {args.out}: {exc.strerror}.", f"无法写入 {args.out}：{exc.strerror}。",
                               parameter="--out") from None
    else:
        sys.stdout.write(text + "\n")
    print(res.message_zh if _lang(args) == "zh" else res.message_en, file=sys.stderr)
    return 0


def run_project(args) -> int:
    """Run ``project``; return the exit status."""
    from .cli import spec_and_data_from_args, write_table

    data, spec = spec_and_data_from_args(args)
    if args.rate is not None and args.rates is not None:
        raise EditError("Give either --rate (one rate for all) or --rates (per indicator), not both.",
                        "--rate（统一增长率）与 --rates（分指标增长率）只能给出一个。", parameter="--rates")
    rates = args.rate if args.rate is not None else parse_pairs(args.rates, "--rates")
    res = project(data, spec, args.to_year, rates=rates, scoring=args.scoring,
                  tiers=tier_function(args), retier=args.retier)
    _say(res.notes, _lang(args))
    write_table(res.table, args.out)
    return 0
