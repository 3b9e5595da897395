"""Sensitivity benchmarks: Monte Carlo over weights, Sobol indices, a million chunked replications.

Run: python benchmarks/bench_sensitivity.py

Uses the built-in CAICT data (31 regions x 19 indicators) when ``data/indicators.csv`` is present,
else a synthetic 31 x 19 data set on the CAICT framework. Times are the median of a few runs
(best in brackets). The "plain loop" reference times 200 replications of
``build(data, spec with framework.with_weights(w))`` plus ranking and extrapolates linearly to
the replication count of the vectorised run.
"""
from __future__ import annotations

import resource
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd

from _timing import timeit
from iiscore import Spec, build, load_data, load_framework
from iiscore import sensitivity as S
from iiscore.framework import default_framework_path


def dataset():
    try:
        from iiscore import default_spec, load_default

        return load_default(), default_spec(), "built-in CAICT data"
    except Exception:  # the default data set is not there yet
        fw = load_framework(default_framework_path())
        rng = np.random.default_rng(0)
        f = rng.normal(size=31)
        vals = np.exp(f[:, None] + 0.6 * rng.normal(size=(31, len(fw.leaves))))
        wide = pd.DataFrame(vals, columns=list(fw.leaves))
        wide.insert(0, "year", 2023)
        wide.insert(0, "region", [f"R{i:02d}" for i in range(31)])
        return load_data(wide, fw), Spec(framework=fw), "synthetic 31 x 19 data, CAICT framework"


def loop_reference(ds, spec, n=200, seed=0):
    """Seconds per replication of the plain COINr-style loop: rebuild the index per weight vector."""
    fw = spec.framework
    pillars = fw.pillars
    w0 = fw.local_weights(fw.root).to_numpy()
    rng = np.random.default_rng(seed)
    W = w0[None, :] * rng.uniform(0.8, 1.2, size=(n, len(w0)))
    t = time.perf_counter()
    for w in W:
        res = build(ds, spec.replace(framework=fw.with_weights(dict(zip(pillars, w)))))
        res.composite.rank(method="min", ascending=False)
    return (time.perf_counter() - t) / n


def main():
    warnings.simplefilter("ignore")
    ds, spec, label = dataset()
    res = build(ds, spec)
    tiers = S.base_tiers(res)
    rows = []

    per_rep = loop_reference(ds, spec)
    n = 100_000
    med, best = timeit(lambda: S.monte_carlo(ds, spec, samples=n, tiers=tiers), repeat=5)
    rows.append((f"Monte Carlo, {n:,} pillar-weight replications (±20 % noise), ranks + "
                 f"tier probabilities ({S.monte_carlo(ds, spec, samples=10, tiers=tiers).tier_rule} rule)",
                 med, best, "< 1 s"))
    loop_total = per_rep * n
    rows.append((f"plain loop over build(), 200 replications timed ({per_rep * 1e3:.2f} ms each), "
                 f"extrapolated to {n:,}", loop_total, None, "reference"))
    rows.append(("speed-up of the vectorised run over the plain loop", loop_total / med, None, "ratio"))
    med, best = timeit(lambda: S.monte_carlo(ds, spec, samples=n, tiers=tiers, concentration=50), repeat=5)
    rows.append(("same, Dirichlet weights (concentration 50)", med, best, "< 1 s"))
    med, best = timeit(lambda: S.monte_carlo(ds, spec, samples=n, tiers=tiers, level="both"), repeat=3)
    rows.append(("same, pillar and indicator weights (level=both, 24 weights)", med, best, "-"))
    med, best = timeit(lambda: S.monte_carlo(ds, spec, samples=n, tiers=tiers, level="both",
                                             vary="weights,normalisation,aggregation,treat"), repeat=3)
    rows.append(("same + normalisation x aggregation x treatment (12 variants, one build each)",
                 med, best, "-"))

    for lvl, vary, d in (("pillars", "weights,normalisation,aggregation,treat", 8),
                         ("both", "weights,normalisation,aggregation,treat", 27)):
        N = 4096
        med, best = timeit(lambda: S.sobol(ds, spec, samples=N, level=lvl, vary=vary,
                                           regions=[res.regions[0]]), repeat=3)
        rows.append((f"Sobol S1/ST, N = {N:,} base samples, {d} inputs ({lvl} weights + 3 method "
                     f"choices), {N * (d + 2):,} evaluations, 2 outputs", med, best, "< 5 s"))

    big = 1_000_000
    t = time.perf_counter()
    mc = S.monte_carlo(ds, spec, samples=big, tiers=tiers, chunk_size=S.DEFAULT_CHUNK)
    el = time.perf_counter() - t
    assert int(mc.rank_counts.to_numpy().sum()) == big * len(res.regions)
    del mc
    tracemalloc.start()
    S.monte_carlo(ds, spec, samples=big, tiers=tiers, chunk_size=S.DEFAULT_CHUNK)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append((f"Monte Carlo, {big:,} replications in chunks of {S.DEFAULT_CHUNK:,}: peak traced "
                 f"allocation {peak / 2**20:.1f} MiB (tracemalloc, separate run); process max RSS "
                 f"{rss:.0f} MiB over the whole benchmark", el, None, "bounded memory"))

    print(f"Data: {label}; {len(res.regions)} regions x {len(res.spec.framework.leaves)} indicators; "
          f"spec {res.spec.describe()}\n")
    print("| benchmark | median | best | target |\n| --- | ---: | ---: | --- |")
    for name, m, b, target in rows:
        if target == "ratio":
            print(f"| {name} | {m:,.0f}x | | |")
        else:
            print(f"| {name} | {m:.3f} s | {'' if b is None else f'{b:.3f} s'} | {target} |")


if __name__ == "__main__":
    main()
