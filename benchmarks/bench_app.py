"""Server-side rerun time of every page with the default data, driven by AppTest.

    python benchmarks/bench_app.py [--repeat 15]

For each page: the first (cold) run, then ``repeat`` reruns; prints the median and max of the
reruns. AppTest compiles the page script afresh on every run (a real server keeps compiled
scripts), so the script cache is kept here as the server does; ``--no-script-cache`` measures
AppTest's own way. Target: a rerun under 300 ms.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
logging.getLogger("streamlit").setLevel(logging.ERROR)

PAGES = [("home", None), ("weights", "pages/1_Weights.py"), ("simulator", "pages/2_Simulator.py"),
         ("tiers", "pages/3_Tiers.py"), ("data", "pages/4_Data.py"), ("audit", "pages/6_Audit.py")]


def keep_script_cache():
    from streamlit.runtime.scriptrunner import script_cache

    shared: dict = {}
    orig = script_cache.ScriptCache.get_bytecode

    def get_bytecode(self, script_path):
        if script_path not in shared:
            shared[script_path] = orig(self, script_path)
        return shared[script_path]

    script_cache.ScriptCache.get_bytecode = get_bytecode


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--no-script-cache", action="store_true")
    args = ap.parse_args()
    if not args.no_script_cache:
        keep_script_cache()
    from streamlit.testing.v1 import AppTest

    print(f"{'page':<10} {'cold ms':>8} {'median ms':>10} {'max ms':>8}")
    worst = 0.0
    for name, path in PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        t0 = time.perf_counter()
        at.run()
        if path:
            at.switch_page(path).run()
        cold = (time.perf_counter() - t0) * 1000
        assert not at.exception, at.exception
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - t0) * 1000)
        assert not at.exception
        med = statistics.median(times)
        worst = max(worst, med)
        print(f"{name:<10} {cold:8.0f} {med:10.1f} {max(times):8.1f}")
    print(f"worst median rerun: {worst:.1f} ms ({'OK' if worst < 300 else 'over'} the 300 ms target)")


if __name__ == "__main__":
    main()
