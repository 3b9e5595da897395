"""Timings of the region profile and its brief (issue 19).

Plain script: ``python benchmarks/bench_brief.py [--repeats 5]``. Prints the median and the best of
``--repeats`` runs after one warm-up run (imports, the font's registration, first-call caches).
Built-in CAICT data, default settings (log treatment, min-max, 2023), 500 Monte Carlo samples.

* the region-independent part (:class:`iiscore.profile.Profiler`: builds, tiers, pooled trajectory,
  Monte Carlo, the ten methods), done once per scenario and cached by the app;
* one region's profile (levers, the two goal-seeks for the next tier), cached per region;
* the brief from a profile: PDF (reportlab) and Word (python-docx), in Chinese and English;
* the command end to end (``python -m iiscore brief``, a fresh process: imports included);
* the profile page on the app's server side (AppTest): opening it, switching region, a cached rerun.

Targets: the page under a second per interaction once a scenario's profiler is cached; the brief
in a few seconds.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _timing import timeit  # noqa: E402

from iiscore import default_spec, load_default, tiering  # noqa: E402
from iiscore.brief import brief  # noqa: E402
from iiscore.profile import Profiler  # noqa: E402


def row(label, med, best, target=""):
    print(f"| {label} | {med * 1e3:,.0f} ms | {best * 1e3:,.0f} ms | {target} |", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-app", action="store_true", help="skip the AppTest timings")
    args = ap.parse_args(argv)
    n = args.repeats
    ds, spec = load_default(), default_spec()
    rep = tiering.report_tiers()
    print("| benchmark | median | best | target |\n| --- | ---: | ---: | --- |")
    row("Profiler (builds, tiers, trajectory, Monte Carlo 500, ten methods)",
        *timeit(lambda: Profiler(ds, spec, report_tiers=rep), n))
    prof = Profiler(ds, spec, report_tiers=rep)
    for region in ("贵州", "陕西", "广东"):
        row(f"profile of {region} (levers, uniform and cheapest goal-seek)", *timeit(lambda r=region: prof.profile(r), n))
    row("profile of 贵州 without the goal-seeks (what the page draws first)",
        *timeit(lambda: prof.profile("贵州", goal=False), n))
    row("the goal-seeks of 贵州 for tier 2 (uniform; cheapest, budget 100 target tests)",
        *timeit(lambda: prof.goals("贵州", 2), n))
    p_gz, p_sx = prof.profile("贵州"), prof.profile("陕西")
    row("brief PDF, 贵州, Chinese", *timeit(lambda: brief(p_gz, "zh", date="2026-12-01"), n), "a few seconds")
    row("brief PDF, 陕西, English", *timeit(lambda: brief(p_sx, "en", date="2026-12-01"), n), "a few seconds")
    row("brief Word (.docx), 贵州, Chinese (charts drawn by matplotlib)",
        *timeit(lambda: brief(p_gz, "zh", "docx", date="2026-12-01"), n), "a few seconds")
    row("Profiler + profile + PDF (a scenario's first brief)",
        *timeit(lambda: brief(Profiler(ds, spec, report_tiers=rep).profile("贵州"), "zh"), n), "a few seconds")
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "b.pdf"

        def cli():
            subprocess.run([sys.executable, "-m", "iiscore", "brief", "--region", "贵州", "--lang", "zh", "--out",
                            str(out)], cwd=ROOT, check=True, capture_output=True)

        row("`python -m iiscore brief --region 贵州 --lang zh --out b.pdf` (new process)", *timeit(cli, n),
            "a few seconds")
        print(f"\nPDF size: {out.stat().st_size / 1024:.0f} KB (the font embedded as a subset)")
    if not args.no_app:
        from streamlit.testing.v1 import AppTest

        def opened():
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
            at.run()
            return at

        timings = {"open": [], "switch": [], "rerun": []}
        for i in range(n):
            at = opened()
            t0 = time.perf_counter()
            at.switch_page("pages/5_Profile.py").run()
            timings["open"].append(time.perf_counter() - t0)
            region = ("云南", "甘肃", "河南", "湖南", "江西", "广西", "海南")[i % 7]
            t0 = time.perf_counter()
            at.selectbox(key="wk.region").set_value(region).run()
            timings["switch"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            at.run()
            timings["rerun"].append(time.perf_counter() - t0)
            assert not at.exception
        import statistics

        print()
        print("| profile page, server side (AppTest) | median | best | target |\n| --- | ---: | ---: | --- |")
        print(f"| open the page (the scenario's profiler cached after the first run) | "
              f"{statistics.median(timings['open']) * 1e3:,.0f} ms | {min(timings['open']) * 1e3:,.0f} ms | |")
        print(f"| switch to a region not yet profiled | {statistics.median(timings['switch']) * 1e3:,.0f} ms | "
              f"{min(timings['switch']) * 1e3:,.0f} ms | < 1 s |")
        print(f"| rerun, everything cached | {statistics.median(timings['rerun']) * 1e3:,.0f} ms | "
              f"{min(timings['rerun']) * 1e3:,.0f} ms | well under 1 s |")
        print("\n(the first 'open' of a process includes the scenario's Profiler; later ones only the page)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
