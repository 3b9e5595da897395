"""``python -m iiscore tiers``: place regions in tiers and write one CSV row per region.

Output columns: ``region,tier,tier_name_zh,tier_name_en,composite`` (tier 1 = top), sorted by tier,
then composite descending, ties by region order. The default is the tiering every other command and
the app use: the report's sizes (6/11/10/4 for 31 regions) down the composite ranking; k-means on the
composite and pillar scores, natural breaks and the EIS thresholds are one option away. Regions
without a composite are not tiered (listed on stderr). Deterministic for a given ``--seed``.
"""
from __future__ import annotations

import sys

from . import common

OUT_COLUMNS = ["region", "tier", "tier_name_zh", "tier_name_en", "composite"]


def register(sub) -> None:
    from ..tiering import DEFAULT_METHOD, FEATURES, METHODS

    p = sub.add_parser("tiers", help="place regions in tiers (the report's sizes by default) / 划分梯队",
                       description="Place regions in tiers (tier 1 = highest mean composite) and write "
                                   "region,tier,tier_name_zh,tier_name_en,composite as CSV.")
    common.add_data_options(p)
    p.add_argument("--method", choices=METHODS, default=DEFAULT_METHOD,
                   help="sizes (the report's 6/11/10/4 down the ranking, default), kmeans, jenks (natural breaks "
                        "on the composite), average (EIS: >125%%/100-125%%/70-100%%/<=70%% of the mean)")
    p.add_argument("--k", type=int, default=None, help="number of tiers (default 4; implied by --sizes / --thresholds)")
    p.add_argument("--sizes", default=None, help="tier sizes from the top for --method sizes, e.g. 6,11,10,4")
    p.add_argument("--thresholds", default=None,
                   help="for --method average: decreasing fractions of the mean, default 1.25,1.0,0.7")
    p.add_argument("--features", choices=FEATURES, default="composite+pillars",
                   help="k-means features: composite and pillar scores (default) or composite only")
    p.add_argument("--standardise", "--standardize", action="store_true", help="k-means on z-scores of the features")
    p.add_argument("--seed", type=int, default=0, help="k-means random_state (default 0)")
    p.add_argument("--n-init", dest="n_init", type=int, default=20, help="k-means restarts (default 20)")
    p.add_argument("--compare", default=None, metavar="report|PATH",
                   help="also compare with the report's tiers ('report') or a CSV with region,tier; the ARI and the "
                        "movers are printed to stderr")
    common.add_output(p)
    p.set_defaults(func=run)


def _reference(arg: str):
    import pandas as pd
    from pathlib import Path

    from ..data import _check_regular, read_table
    from ..errors import DataError
    from ..tiering import report_tiers

    if arg.strip().lower() == "report":
        return report_tiers()
    _check_regular(Path(arg), arg)
    ref = read_table(arg, name=arg)
    if not {"region", "tier"} <= set(ref.columns):
        raise DataError(f"The --compare file needs columns 'region' and 'tier'; it has {list(ref.columns)[:8]}.",
                        f"--compare 文件需要 “region” 和 “tier” 两列，现有列：{list(ref.columns)[:8]}。",
                        file=arg, parameter="--compare")
    t = pd.to_numeric(ref["tier"], errors="coerce")
    if t.isna().any():
        raise DataError("The --compare file's tier column must hold whole numbers.",
                        "--compare 文件的 tier 列必须是整数。", file=arg, parameter="--compare")
    return pd.Series(t.astype(int).to_numpy(), index=ref["region"].astype(str), name="reference")


def run(args) -> int:
    import numpy as np

    from ..pipeline import build
    from ..tiering import compare, tiers

    common.check_output(args.out)
    seed = common.seed(args.seed)
    with common.relay_warnings(args):
        inp = common.load_inputs(args)
        res = build(inp.data, inp.spec)
        fw = inp.spec.framework
        table = res.scores[[fw.root, *fw.children(fw.root)]]
        scored = np.isfinite(table[fw.root].to_numpy(float))
        kwargs = {}
        if args.thresholds:
            kwargs["thresholds"] = [common.number(t, "--thresholds", 0.0)
                                    for t in common.parse_list(args.thresholds, "--thresholds")]
        tr = tiers(table[scored], method=args.method, k=args.k, sizes=args.sizes, features=args.features,
                   standardise=bool(args.standardise), seed=seed, n_init=args.n_init, **kwargs)
    out = tr.sorted().copy()
    out.index.name = "region"
    out = out.reset_index()[OUT_COLUMNS]
    common.write_csv(out, args.out, raw=args.raw)
    common.say(inp.notes, args)
    if not scored.all():
        lack = [r for r, ok in zip(table.index, scored) if not ok]
        print("note: not tiered (no composite, too little data): " + ", ".join(map(str, lack)), file=sys.stderr)
    if args.compare:
        ref = _reference(args.compare)
        cmp = compare(ref, tr.tier.rename("tiers"))
        err = sys.stderr
        err.write(f"ARI = {cmp.ari:.4f}; same tier: {cmp.agreement:.1%}\n")
        err.write(cmp.confusion.to_string() + "\n")
        for row in cmp.movers.itertuples(index=False):
            err.write(f"{row.region}: {row[1]} -> {row[2]} ({row.direction})\n")
    return 0
