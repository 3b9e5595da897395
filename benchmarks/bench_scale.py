"""The county-level index and the largest allowed upload: every step, every command, every page.

    python benchmarks/bench_scale.py [--only county|largest] [--reruns 3] [--xlsx]

Two data sets, generated (seeded) by ``tests/_hostile.py``:

* **county**: 3,000 regions × 50 indicators (5 groups of 10) × 10 years, 1 % missing -- the
  county-level index the limits (``iiscore/limits.py``) are sized for; a 10 MB wide CSV.
* **largest**: the heaviest table a 20 MB upload (Streamlit's ``server.maxUploadSize``) can hold
  within the limits: 5,000 regions (the region limit) × 500 indicators (the indicator limit, 10
  groups of 50) × 1 year = 2.5 million values (half the value limit), a 17 MB wide CSV.

For each: loading (``load_data``; with ``--xlsx`` also the county workbook), ``build()``, every
CLI command in a fresh process (wall time and peak resident memory), and every page of the app
driven by AppTest with the data set served as the server's data (``IISCORE_DATA``, the same
loading as an upload): the first run of each page (computations and imports of a cold process
included for the first page) and the median of ``--reruns`` reruns. Each page's first run also
reports the bytes the cache pool holds afterwards. Times are wall-clock seconds on a shared
2-core machine: read them as upper bounds.
"""
from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
logging.getLogger("streamlit").setLevel(logging.ERROR)

from tests import _hostile as H  # noqa: E402

PAGES = [("Overview", "app.py"), ("Weights", "pages/1_Weights.py"), ("Simulator", "pages/2_Simulator.py"),
         ("Tiers", "pages/3_Tiers.py"), ("Data", "pages/4_Data.py"), ("Profile", "pages/5_Profile.py"),
         ("Audit", "pages/6_Audit.py")]


def datasets(tmp: Path, only: str | None):
    out = {}
    if only in (None, "county"):
        fw = H.county_framework()
        d = H.county_data()
        out["county"] = (fw, d, "3,000 regions × 50 indicators × 10 years")
    if only in (None, "largest"):
        fw = H.balanced_framework(10, 50)
        d = H.wide_data(H.leaves_of(fw), 5000, (2023,), seed=1)
        out["largest"] = (fw, d, "5,000 regions × 500 indicators × 1 year")
    files = {}
    for name, (fw, d, what) in out.items():
        f, p = tmp / f"{name}_fw.csv", tmp / f"{name}.csv"
        fw.to_csv(f, index=False)
        p.write_bytes(H.csv_bytes(d))
        files[name] = (p, f, what, H.leaves_of(fw), d)
    return files


def timed(fn, repeat=1):
    times = []
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times)


def engine(p: Path, f: Path, xlsx: Path | None):
    import iiscore
    from iiscore.datasets import load_regions

    fw = iiscore.load_framework(f)
    ds, t_load = timed(lambda: iiscore.load_data(p, fw, region_info=load_regions()))
    rows = [("load_data, wide CSV", t_load, f"{p.stat().st_size / 2**20:.1f} MB")]
    if xlsx is not None:
        _, t_x = timed(lambda: iiscore.load_data(xlsx, fw, region_info=load_regions()))
        rows.append(("load_data, XLSX (openpyxl-written)", t_x, f"{xlsx.stat().st_size / 2**20:.1f} MB"))
    spec = iiscore.Spec(framework=fw, year=ds.years[-1])
    _, t_build = timed(lambda: iiscore.build(ds, spec), repeat=3)
    rows.append(("build(), last year", t_build, "median of 3"))
    from iiscore import tiering

    res = iiscore.build(ds, spec)
    table = res.scores[[fw.root, *fw.pillars]]
    for method in ("sizes", "jenks", "kmeans"):
        _, tt = timed(lambda: tiering.tiers(table, method=method, seed=0))
        rows.append((f"tiers, {method}", tt, ""))
    _, ts = timed(lambda: tiering.silhouette_by_k(table, ks=range(2, 9), seed=0, n_init=10))
    rows.append(("silhouettes k = 2..8", ts, "sampled above 2,000 regions"))
    return rows


def cli(p: Path, f: Path, leaves, data):
    region = str(data["region"].iloc[0])
    common = ["--data", str(p), "--framework", str(f)]
    cmds = [
        ("score", ["score"]),
        ("tiers (sizes)", ["tiers"]),
        ("tiers --method kmeans", ["tiers", "--method", "kmeans"]),
        ("tiers --method jenks", ["tiers", "--method", "jenks"]),
        ("sensitivity (10,000 samples)", ["sensitivity"]),
        ("whatif, 2 edits", ["whatif", "--region", region, "--set", f"{leaves[0]}=+20%", "--set", f"{leaves[1]}=+10%"]),
        ("goalseek, target rank 10", ["goalseek", "--region", region, "--target-rank", "10",
                                      "--indicators", ",".join(leaves[:3])]),
        ("project to year + 2", ["project", "--to-year", str(int(data["year"].max()) + 2)]),
        ("audit", ["audit", "--out", "AUDIT_DIR"]),
        ("methods", ["methods"]),
        ("brief (PDF)", ["brief", "--region", region, "--out", "AUDIT_DIR/brief.pdf"]),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as out:
        for name, argv in cmds:
            argv = [a.replace("AUDIT_DIR", out) for a in argv]
            r = H.run_limited("", 3600, 100_000, argv=[sys.executable, "-m", "iiscore", *argv, *common])
            ok = "exit 0" if r.returncode == 0 else f"exit {r.returncode}: {r.stderr.strip()[-200:]}"
            rows.append((f"python -m iiscore {name}", r.seconds, f"peak RSS {r.max_rss_mb:.0f} MB; {ok}"))
    return rows


def pages(p: Path, f: Path, reruns: int):
    """Every page's first run and reruns, in a fresh process (a cold server)."""
    code = f"""
import os, statistics, time, logging
os.environ["IISCORE_DATA"], os.environ["IISCORE_FRAMEWORK"] = {str(p)!r}, {str(f)!r}
logging.getLogger("streamlit").setLevel(logging.ERROR)
from streamlit.testing.v1 import AppTest
from iiscore_app import cache
at = AppTest.from_file({str(ROOT / "app.py")!r}, default_timeout=1800)
rows = []
for name, page in {PAGES!r}:
    t = time.perf_counter()
    if page == "app.py":
        at.run()
    else:
        at.switch_page(page).run()
    first = time.perf_counter() - t
    assert not at.exception, [e.value for e in at.exception]
    errs = [e.value[:120] for e in at.error]
    again = []
    for _ in range({reruns}):
        t = time.perf_counter()
        at.run()
        again.append(time.perf_counter() - t)
    rss = int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) // 1024
    rows.append((name, first, statistics.median(again), cache.stats()["bytes"] / 2**20, rss, errs))
emit(rows)
"""
    r = H.run_limited(code, 7200, 100_000)
    if r.returncode != 0:
        return [("pages failed", 0, 0, 0, 0, [r.stderr[-500:]])]
    return r.result + [("(process peak RSS)", 0, 0, 0, r.max_rss_mb, [])]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=["county", "largest"])
    ap.add_argument("--reruns", type=int, default=3)
    ap.add_argument("--xlsx", action="store_true", help="also write and load the county data as a workbook")
    ap.add_argument("--skip-cli", action="store_true")
    ap.add_argument("--skip-pages", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name, (p, f, what, leaves, data) in datasets(tmp, args.only).items():
            print(f"### {name}: {what}\n")
            xlsx = None
            if args.xlsx and name == "county":
                import math

                import openpyxl

                wb = openpyxl.Workbook(write_only=True)
                ws = wb.create_sheet("data")
                ws.append(list(data.columns))
                for row in data.itertuples(index=False):
                    ws.append([None if isinstance(v, float) and math.isnan(v) else v for v in row])
                xlsx = tmp / "county.xlsx"
                wb.save(xlsx)
            print("| step | seconds | notes |\n| --- | ---: | --- |")
            for step, s, note in engine(p, f, xlsx):
                print(f"| {step} | {s:.2f} | {note} |", flush=True)
            if not args.skip_cli:
                for step, s, note in cli(p, f, leaves, data):
                    print(f"| {step} | {s:.2f} | {note} |", flush=True)
            if not args.skip_pages:
                print("\n| page | first run (s) | rerun, median (s) | cache pool after (MB) | process RSS (MB) | "
                      "errors shown |\n| --- | ---: | ---: | ---: | ---: | --- |")
                for page, first, again, pool, rss, errs in pages(p, f, args.reruns):
                    print(f"| {page} | {first:.2f} | {again:.2f} | {pool:.0f} | {rss:.0f} | {'; '.join(errs) or '-'} |",
                          flush=True)
            print()


if __name__ == "__main__":
    main()
