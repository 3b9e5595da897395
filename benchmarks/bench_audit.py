"""Timings of iiscore.audit and iiscore.methods (issue 18). ``python benchmarks/bench_audit.py``.

Prints the median (and min) of repeated runs (``_timing.timeit``). Target: the whole audit and the
whole method comparison of the built-in data (31 regions, 19 indicators) well under 0.5 s each, so
that an app page can call them on every interaction; plus COINr's ASEM example (51 × 49, 4 levels,
63 gaps) for scale, and the CLI's cold start.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from _timing import timeit
from iiscore import Spec, build, default_spec, load_data, load_default, load_framework
from iiscore import audit as A
from iiscore import methods as M

ROOT = Path(__file__).resolve().parents[1]


def report(label, fn, repeat):
    med, best = timeit(fn, repeat)
    print(f"{label:<62s} median {med * 1e3:9.1f} ms   min {best * 1e3:9.1f} ms   (n={repeat})")


def main():
    ds, spec = load_default(), default_spec()
    res = build(ds, spec)
    fw = spec.framework
    print("iiscore.audit / iiscore.methods benchmarks")
    report("audit(), built-in data, Pearson (everything)", lambda: A.audit(ds, spec), 11)
    report("audit(), built-in data, Spearman", lambda: A.audit(ds, spec, method="spearman"), 11)
    report("audit(result=...) reusing the page's build", lambda: A.audit(ds, spec, result=res), 11)
    Z = res.normalised.to_numpy()
    report("  pairwise correlations 19 × 19", lambda: A.pairwise_corr(Z), 101)
    report("  24 removals (with_weights + build each)",
           lambda: [build(ds, spec.replace(framework=fw.with_weights({n: 0})))
                    for n in fw.ids if n != fw.root], 11)
    comp = res.composite.to_numpy()
    report("  24 correlation ratios (40 bandwidths each)",
           lambda: [A.correlation_ratio(res.scores[n].to_numpy(), comp) for n in fw.ids if n != fw.root], 11)
    report("compare_methods(), built-in data, all ten methods", lambda: M.compare_methods(ds, spec), 11)
    z = M.minmax01(res.treated.to_numpy(), fw.direction_array)
    report("  bod(): 31 linear programmes (HiGHS)", lambda: M.bod(z), 11)
    groups = [fw.ancestor_at(leaf, 1) for leaf in fw.leaves]
    bounds = M.pillar_share_bounds({p: float(fw.global_weights()[list(fw.leaves_under(p))].sum())
                                    for p in fw.pillars})
    report("  bod() restricted: 31 LPs with 10 share rows", lambda: M.bod(z, groups, bounds), 11)
    report("  entropy + CRITIC + PCA weights", lambda: (M.entropy_weights(z), M.critic_weights(z),
                                                         M.pca_weights(z)), 101)

    d = ROOT / "tests" / "fixtures" / "coinr"
    afw = load_framework(d / "asem_framework.csv")
    ads = load_data(d / "asem_data.csv", afw)
    aspec = Spec(framework=afw)
    report("audit(), COINr ASEM 51 × 49, 4 levels, 63 gaps", lambda: A.audit(ads, aspec), 5)
    report("compare_methods(), COINr ASEM", lambda: M.compare_methods(ads, aspec), 5)

    for cmd in (["audit", "--out", "/tmp/iiscore_bench_audit"], ["methods", "--out", "/tmp/iiscore_bench_m.csv"]):
        times = []
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "iiscore", *cmd], cwd=ROOT, check=True,
                           stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - t)
        print(f"{'CLI python -m iiscore ' + cmd[0] + ' (cold process)':<62s} median "
              f"{np.median(times) * 1e3:9.1f} ms   min {min(times) * 1e3:9.1f} ms   (n=3)")


if __name__ == "__main__":
    main()
