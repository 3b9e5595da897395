"""Server-side time of the Weights and Simulator pages' interactions, driven by AppTest, and of the
AHP revision plan.

    python benchmarks/bench_simpages.py [--repeat 7]

Unlike ``bench_app.py`` (reruns of an unchanged page, all cached), every interaction here changes
what is computed: a new weight (a new ranking, slope chart and one-at-a-time sweep), a weight with
the level kept at 100, an inconsistent AHP matrix typed in (CR and the revision plan), a new
percentage edit in the simulator (what-if, levers), a goal-seek solved and applied. AppTest polls
the script every 15 ms or so, so its times are slightly above the server's. Target: under 1 s.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
logging.getLogger("streamlit").setLevel(logging.ERROR)

from bench_app import keep_script_cache  # noqa: E402 - same folder

ISSUE = [["1", "1/3", "7", "3", "1/2"], ["3", "1", "3", "1/3", "2"], ["1/7", "1/3", "1", "1/9", "1/7"],
         ["1/3", "3", "9", "1", "7"], ["2", "1/2", "7", "1/7", "1"]]


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def page(path):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def weights_cases(repeat: int) -> dict:
    import iiscore

    fw = iiscore.load_default_framework()
    names = [fw.name(k, "zh") for k in fw.pillars]
    out = {}
    at = page("pages/1_Weights.py")
    out["weights: a new pillar weight"] = [timed(lambda v=v: at.slider(key="wk.w.innovation").set_value(v).run())
                                           for v in np.linspace(20, 40, repeat)]
    at.toggle(key="wk.w_keep100").set_value(True).run()
    out["weights: a new weight, level kept at 100"] = [
        timed(lambda v=v: at.slider(key="wk.w.basic").set_value(v).run()) for v in np.linspace(10, 30, repeat)]
    times = []
    for k in range(repeat):
        ekey = [x for x in at.session_state if str(x).startswith("wk.ahp_editor.iidei")][0]
        upper = [r[:] for r in ISSUE]
        upper[0][4] = ["1/2", "1/3", "1", "2", "3", "1/4", "4"][k % 7]
        rows = {i: {names[j]: upper[i][j] for j in range(i + 1, 5)} for i in range(4)}
        at.session_state[ekey] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
        times.append(timed(at.run))
        assert not at.exception
    out["weights: an inconsistent AHP matrix typed (CR + revision plan)"] = times
    return out


def simulator_cases(repeat: int) -> dict:
    import iiscore

    fw = iiscore.load_default_framework()
    rows = {leaf: i for i, leaf in enumerate(fw.leaves)}
    out = {}
    at = page("pages/2_Simulator.py")
    at.selectbox(key="wk.region").set_value("贵州").run()
    times = []
    for k in range(repeat):
        ekey = [x for x in at.session_state if str(x).startswith("wk.sim_editor.")][0]
        at.session_state[ekey] = {"edited_rows": {rows["network"]: {"变化 %": 10.0 + 7 * k}}, "added_rows": [],
                                  "deleted_rows": []}
        times.append(timed(at.run))
        assert not at.exception
    out["simulator: a new percentage edit"] = times
    at.button(key="wk.sim_clear").click().run()
    solve, apply = [], []
    for k in range(repeat):
        at.number_input(key="wk.goal_max").set_value(100.0 + 10 * k).run()
        solve.append(timed(lambda: at.button(key="wk.goal_run").click().run()))
        if k == repeat - 1:
            apply.append(timed(lambda: at.button(key="wk.goal_apply").click().run()))
        assert not at.exception
    out["simulator: goal-seek solved (tier 2, 3 levers)"] = solve
    out["simulator: goal-seek applied"] = apply
    return out


def plan_cases(repeat: int) -> dict:
    from iiscore.weights import ahp

    rng = np.random.default_rng(0)
    out = {}
    for n in (5, 9, 15):
        times = []
        for _ in range(repeat):
            a = np.ones((n, n))
            for i in range(n):
                for j in range(i + 1, n):
                    v = float(rng.choice(ahp.SAATY_SCALE))
                    a[i, j], a[j, i] = v, 1 / v
            times.append(timed(lambda a=a: ahp.revision_plan(a)))
        out[f"ahp.revision_plan, random {n}x{n} on the scale"] = times
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    keep_script_cache()
    results = {**weights_cases(args.repeat), **simulator_cases(args.repeat), **plan_cases(args.repeat)}
    print(f"{'interaction':<64} {'median ms':>10} {'max ms':>8}")
    for name, times in results.items():
        print(f"{name:<64} {statistics.median(times):10.0f} {max(times):8.0f}")


if __name__ == "__main__":
    main()
