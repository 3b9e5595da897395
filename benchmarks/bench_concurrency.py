"""Many users on one server: the sessions of tests/test_concurrency.py, with timings.

    python benchmarks/bench_concurrency.py [--sessions 20] [--uploads 4] [--webgl] [--per-session]

One ``streamlit run`` server on 127.0.0.1, one Debian Chromium (/usr/bin/chromium), N browser
contexts driven concurrently (Playwright async API). Round 1: every session opens its own shared
link (or uploads its own data file on the Data page) and waits for its own top-10 line; the upload
sessions and 2 link sessions then move to another page of the app and check again. Round 2: N new
sessions of the same users open their links once, on the overview. Prints a markdown table: wall
time per round, time from opening to the first correct top-10 per session (median / 90th
percentile / max), server CPU seconds and server RSS (``/proc/<pid>/status`` VmRSS) before, after
round 1 and after round 2. Every session is also checked (its numbers, its share link, no error
shown, nothing in the server log); the problems found are listed.
WebGL is off as in the test (``--webgl`` turns it on: deck.gl then draws 20 maps in SwiftShader).
Exits with status 1 without Chromium or Playwright.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import logging  # noqa: E402

logging.getLogger("streamlit").setLevel(logging.ERROR)

from tests import test_concurrency as C  # noqa: E402
from tests._server import browser_missing  # noqa: E402


def server_cpu_s(pid: int) -> float:
    f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))] if xs else float("nan")


async def bench(url: str, pid: int, specs, webgl: bool):
    from playwright.async_api import async_playwright

    fig = {"rss_before": C.rss_mb(pid), "cpu0": server_cpu_s(pid)}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=C.CHROMIUM, args=C.ARGS + ([] if webgl else C.NO_WEBGL))
        try:
            r1, w1 = await C.run_round(browser, url, specs)
            fig.update(rss_round1=C.rss_mb(pid), cpu1=server_cpu_s(pid), wall1=w1)
            r2, w2 = await C.run_round(browser, url, C.second_round(specs), move=False)
            fig.update(rss_round2=C.rss_mb(pid), cpu2=server_cpu_s(pid), wall2=w2)
        finally:
            await browser.close()
    return r1, r2, fig


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=C.N_SESSIONS)
    ap.add_argument("--uploads", type=int, default=C.N_UPLOADS)
    ap.add_argument("--webgl", action="store_true", help="let deck.gl draw the maps (slower)")
    ap.add_argument("--per-session", action="store_true", help="also print one row per session")
    args = ap.parse_args(argv)
    why = browser_missing()
    if why:
        print(why, file=sys.stderr)
        return 1
    specs = C.session_specs(args.sessions, args.uploads)
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_concurrency_server_{os.getpid()}.log"
    t0 = time.perf_counter()
    proc, url = C.start_server(log=log)
    t_start = time.perf_counter() - t0
    try:
        r1, r2, fig = asyncio.run(bench(url, proc.pid, specs, args.webgl))
    finally:
        C.stop_server(proc)
    problems = C.problems(r1) + C.problems(r2, move=False)

    def stats(outs, which):
        xs = [getattr(o, which) for o in outs if getattr(o, which) is not None]
        return f"{statistics.median(xs):.1f} / {pct(xs, 0.9):.1f} / {max(xs):.1f}" if xs else "-"

    n_up = sum(s.upload is not None for s in specs)
    print(f"{time.strftime('%Y-%m-%d')} · Python {platform.python_version()} · {os.cpu_count()} cores · "
          f"server start {t_start:.1f} s · WebGL {'on' if args.webgl else 'off'}\n")
    print("| round | sessions | wall (s) | first correct top-10 per session, s (median / p90 / max) "
          "| session total, s (median / p90 / max) | server CPU (s) | server RSS after (MB) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(f"| before | - | - | - | - | - | {fig['rss_before']:.0f} |")
    print(f"| 1: open link or upload, check (some: change page, check) | {len(r1)} ({n_up} uploads) | {fig['wall1']:.1f} | "
          f"{stats(r1, 't_first')} | {stats(r1, 't_total')} | {fig['cpu1'] - fig['cpu0']:.1f} | {fig['rss_round1']:.0f} |")
    print(f"| 2: same users, new sessions, open link, check | {len(r2)} ({n_up} uploads) | {fig['wall2']:.1f} | "
          f"{stats(r2, 't_first')} | {stats(r2, 't_total')} | {fig['cpu2'] - fig['cpu1']:.1f} | {fig['rss_round2']:.0f} |")
    print(f"\nRSS growth: round 1 {fig['rss_round1'] - fig['rss_before']:+.0f} MB, "
          f"round 2 {fig['rss_round2'] - fig['rss_round1']:+.0f} MB")
    if args.per_session:
        print("\n| session | round 1 first correct (s) | round 1 total (s) | round 2 first correct (s) |")
        print("| --- | --- | --- | --- |")
        for a, b in zip(r1, r2):
            f = lambda x: "-" if x is None else f"{x:.1f}"  # noqa: E731
            print(f"| {a.spec.name} | {f(a.t_first)} | {f(a.t_total)} | {f(b.t_first)} |")
    logged = C.server_errors(log)
    if logged:
        problems.append("the server logged:\n" + logged[-3000:])
    log.unlink(missing_ok=True)
    print("\nproblems: " + ("none" if not problems else "\n- " + "\n- ".join(problems)))
    return 0 if not problems else 2


if __name__ == "__main__":
    sys.exit(main())
