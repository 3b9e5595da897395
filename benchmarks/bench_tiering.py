"""Timings of iiscore.tiering (issue 5). Plain Python: ``python benchmarks/bench_tiering.py``.

Prints the median (and min) of repeated runs measured with ``time.perf_counter``. Uses synthetic
scores for 31 regions (composite + 5 pillars), so it does not depend on the data set.
Target: k-means tiering of 31 regions under 50 ms.
"""
from __future__ import annotations


import numpy as np
import pandas as pd

from _timing import timeit
from iiscore.tiering import natural_breaks, silhouette_by_k, stability_under_weight_noise, tiers


def report(label, fn, repeat):
    med, best = timeit(fn, repeat)
    print(f"{label:<58s} median {med * 1e3:9.2f} ms   min {best * 1e3:9.2f} ms   (n={repeat})")


def main():
    rng = np.random.default_rng(0)
    pillars = ["basic", "innovation", "industry", "application", "environment"]
    scores = pd.DataFrame(rng.uniform(0, 100, size=(31, 5)), columns=pillars,
                          index=[f"R{i:02d}" for i in range(31)])
    scores.insert(0, "iidei", scores.mean(axis=1))

    print("iiscore.tiering benchmarks (31 regions unless stated)")
    report("tiers kmeans k=4 composite+pillars n_init=20", lambda: tiers(scores), 51)
    report("tiers kmeans k=4 standardised n_init=20",
           lambda: tiers(scores, standardise=True), 51)
    report("tiers kmeans k=4 composite only n_init=20",
           lambda: tiers(scores, features="composite"), 51)
    report("tiers jenks k=4", lambda: tiers(scores, method="jenks"), 201)
    report("tiers sizes 6/11/10/4", lambda: tiers(scores, method="sizes"), 201)
    report("tiers average (EIS)", lambda: tiers(scores, method="average"), 201)
    for n in (31, 300, 1000, 3000):
        x = rng.normal(size=n)
        report(f"natural_breaks n={n} k=4", lambda x=x: natural_breaks(x, 4), 21 if n < 3000 else 5)
    report("silhouette_by_k k=2..8", lambda: silhouette_by_k(scores), 11)

    leaves = [f"{p}_{j}" for p in pillars for j in range(4)]
    norm = pd.DataFrame(rng.uniform(0, 100, size=(31, len(leaves))), columns=leaves,
                        index=scores.index)
    w = pd.Series(1.0, index=leaves)
    pillar_of = pd.Series([l.split("_")[0] for l in leaves], index=leaves)
    report("stability_under_weight_noise n=200 kmeans",
           lambda: stability_under_weight_noise(norm, w, pillar_of, n=200), 3)
    report("stability_under_weight_noise n=200 jenks",
           lambda: stability_under_weight_noise(norm, w, pillar_of, n=200, method="jenks"), 5)


if __name__ == "__main__":
    main()
