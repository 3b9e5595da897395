"""Timings of iiscore.simulate: goal-seek for one region (both modes), what-if recompute, fast path.

Plain script: ``python benchmarks/bench_simulate.py [--repeats 15]``. Prints the median (and the
min) of ``--repeats`` runs of each case, after one warm-up run (imports, caches). Uses the
built-in CAICT data when ``data/indicators.csv`` is present, else synthetic data of the same
shape (31 regions × the 19 indicators of ``data/framework.csv`` × 2020-2023). Target: goal-seek
for one region under 100 ms in both modes.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from iiscore import Spec, build, load_data, load_framework  # noqa: E402
from iiscore.simulate import INTERACTIVE_BUDGET, goal_seek, levers, parse_edit, project, whatif  # noqa: E402
from iiscore.simulate.levers import evaluator  # noqa: E402 - the one fast path (iiscore.pipeline.Evaluator)



def data_and_spec(synthetic: bool = False):
    """(Dataset, Spec, region, label): the default data set if built (and not ``synthetic``),
    else synthetic 31×19."""
    if not synthetic and (ROOT / "data" / "indicators.csv").exists() and (ROOT / "data" / "regions.csv").exists():
        from iiscore import default_spec, load_default

        ds = load_default()
        spec = default_spec()
        region = "贵州" if "贵州" in ds.regions else ds.regions[len(ds.regions) * 2 // 3]
        return ds, spec, region, f"default data ({ds.name}, {spec.describe()})"
    fw = load_framework(ROOT / "data" / "framework.csv")
    rng = np.random.default_rng(0)
    base = rng.lognormal(3.0, 1.2, size=(31, len(fw.leaves)))
    growth = rng.normal(0.08, 0.05, size=base.shape)
    rows = [(f"R{i:02d}", y, leaf, float(base[i, j] * (1 + growth[i, j]) ** t))
            for t, y in enumerate(range(2020, 2024)) for i in range(31) for j, leaf in enumerate(fw.leaves)]
    ds = load_data(pd.DataFrame(rows, columns=["region", "year", "indicator", "value"]), fw)
    spec = Spec(framework=fw)
    return ds, spec, "R20", "synthetic 31 x 19 x 4 years (CAICT framework)"


def bench(fn, repeats):
    fn()  # warm-up
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return statistics.median(ts) * 1e3, min(ts) * 1e3


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--synthetic", action="store_true", help="use synthetic data even if the default data exist")
    args = ap.parse_args(argv)
    ds, spec, region, label = data_and_spec(args.synthetic)
    base = build(ds, spec)
    rank = int(base.ranks.at[region, spec.framework.root])
    target_rank = max(1, rank - 6)
    print(f"data: {label}")
    print(f"region: {region} (rank {rank}); target rank {target_rank} / tier 2; repeats={args.repeats}; "
          f"median (min) in ms")
    cases = [("build() (reference)", lambda: build(ds, spec))]
    for mode in ("renormalise", "fixed"):
        kern = evaluator(ds, spec, base, mode)
        X = np.array(kern.X)
        cases.append((f"fast path: one composite evaluation [{mode}]", lambda k=kern, X=X: k.composite(X)))
    edits = [parse_edit("network=+20%", region), parse_edit("identifier=+50%", region)]
    for mode in ("renormalise", "fixed"):
        cases.append((f"whatif (2 edits, full recompute + tiers) [{mode}]",
                      lambda m=mode: whatif(ds, spec, edits, mode=m, baseline=base)))
    for mode in ("renormalise", "fixed"):
        for tgt in (dict(target_rank=target_rank), dict(target_tier=2)):
            name = ", ".join(f"{k}={v}" for k, v in tgt.items())
            cases.append((f"goal_seek uniform  {name} [{mode}]",
                          lambda m=mode, t=tgt: goal_seek(ds, spec, region, mode=m, **t)))
            # the Simulator page's budget of target tests (iiscore.simulate.INTERACTIVE_BUDGET), and the
            # engine's own (60,000: enough to prove the answer; 3 runs, it may take most of a minute)
            cases.append((f"goal_seek cheapest {name}, app budget [{mode}]",
                          lambda m=mode, t=tgt: goal_seek(ds, spec, region, mode=m, strategy="cheapest",
                                                          max_evals=INTERACTIVE_BUDGET, **t)))
            cases.append((f"goal_seek cheapest {name}, proof budget [{mode}]",
                          lambda m=mode, t=tgt: goal_seek(ds, spec, region, mode=m, strategy="cheapest", **t), 3))
    for mode in ("renormalise", "fixed"):
        cases.append((f"levers (19 indicators) [{mode}]", lambda m=mode: levers(ds, spec, region, mode=m)))
    if len(ds.years) > 1:
        cases.append(("project to base year + 4 (renormalise)",
                      lambda: project(ds, spec, base.year + 4)))
    width = max(len(c[0]) for c in cases)
    for name, fn, *rep in cases:
        med, mn = bench(fn, rep[0] if rep else args.repeats)
        print(f"{name:<{width}}  {med:9.3f}  ({mn:.3f})")
    for mode in ("renormalise", "fixed"):
        g = goal_seek(ds, spec, region, target_rank=target_rank, mode=mode)
        print(f"[{mode}] {g.message_en}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
