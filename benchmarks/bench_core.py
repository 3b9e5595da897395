"""Core engine benchmarks: one full build of the default data, and a large synthetic index.

Run: python benchmarks/bench_core.py   (or python benchmarks/run_all.py for every benchmark)
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from _timing import timeit
from iiscore import Spec, build, default_spec, load_data, load_default, load_framework


def synthetic(n_regions=3000, n_ind=200, branching=(5, 4), seed=0):
    """A 4-level index: root -> 5 pillars -> 20 sub-pillars -> 200 indicators (10 each)."""
    rows = [("root", "", 1, 1, "root", "root")]
    leaves = []
    k = 0
    for p in range(branching[0]):
        rows.append((f"p{p}", "root", 1 + p, 1, "", ""))
        for s in range(branching[1]):
            sid = f"p{p}s{s}"
            rows.append((sid, f"p{p}", 1 + s, 1, "", ""))
            for i in range(n_ind // (branching[0] * branching[1])):
                leaves.append(f"i{k}")
                rows.append((f"i{k}", sid, 1 + i % 3, 1 if k % 7 else -1, "", ""))
                k += 1
    fw = load_framework(pd.DataFrame(rows, columns=["id", "parent", "weight", "direction", "name_zh", "name_en"]))
    rng = np.random.default_rng(seed)
    vals = rng.lognormal(size=(n_regions, len(leaves)))
    vals[rng.random(vals.shape) < 0.01] = np.nan
    wide = pd.DataFrame(vals, columns=leaves)
    wide.insert(0, "year", 2023)
    wide.insert(0, "region", [f"R{i}" for i in range(n_regions)])
    return fw, load_data(wide, fw)


def main():
    rows = []
    ds, spec = load_default(), default_spec()
    med, best = timeit(lambda: build(ds, spec), repeat=200, warmup=3)
    rows.append(("build(), default data 31 regions × 19 indicators, 2 levels", med, best, "< 5 ms"))
    spec_log = spec.replace(treat="log")
    med, best = timeit(lambda: build(ds, spec_log), repeat=200, warmup=3)
    rows.append(("build(), default data, log treatment", med, best, "< 5 ms"))
    fw, big = synthetic()
    spec_big = Spec(framework=fw)
    levels = len(fw.levels) + 1
    med, best = timeit(lambda: build(big, spec_big), repeat=5, warmup=1)
    rows.append((f"build(), synthetic 3,000 regions × 200 indicators × {levels} levels, 1 % missing", med, best, "< 1 s"))
    med, best = timeit(lambda: build(big, spec_big.replace(aggregation="geometric", treat="winsor")), repeat=5, warmup=1)
    rows.append(("same, geometric aggregation + winsorisation", med, best, "< 1 s"))
    print("| benchmark | median | best | target |\n| --- | ---: | ---: | --- |")
    for name, m, b, target in rows:
        print(f"| {name} | {m * 1e3:.2f} ms | {b * 1e3:.2f} ms | {target} |")


if __name__ == "__main__":
    main()
