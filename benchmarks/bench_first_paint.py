"""First paint of the Overview in headless Chromium (issue 15): how long a visitor waits for the
ranking and for the map, and how many bytes the server sends before the map is drawn.

    python benchmarks/bench_first_paint.py [--root CHECKOUT] [--visits 5]

``--root`` measures another checkout (e.g. a worktree of an older commit, for the before/after
figures in benchmarks/README.md). A fresh ``streamlit run app.py`` is started; visit 1 is the first
visitor of a cold server (the engine's caches empty), visits 2.. are new visitors (a new browser
context each: nothing cached in the browser) of the warm server. Times are from navigation start:
``ranking`` = the ranking table is on screen, ``map`` = the map's canvas is on screen, ``idle`` =
the script finished (no running indicator). ``ws KB`` = WebSocket bytes received by then (the
page's content: tables, charts, the map's geometry), ``http KB`` = the static files.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests._server import CHROMIUM, browser_missing, free_port, stop_server, wait_healthy  # noqa: E402

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-renderer-backgrounding", "--disable-background-timer-throttling"]
RANKING = "[data-testid=stDataFrame]"
MAP = "[data-testid=stDeckGlJsonChart] canvas"


def start(root: Path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(root)})
    url = f"http://127.0.0.1:{port}"
    wait_healthy(proc, url)
    return proc, url


def visit(browser, url: str) -> dict:
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    page = ctx.new_page()
    ws_bytes, http_bytes = [0], [0]

    def on_ws(ws):
        ws.on("framereceived", lambda payload: ws_bytes.__setitem__(0, ws_bytes[0] + len(payload)))

    def on_response(resp):
        try:
            http_bytes[0] += int(resp.headers.get("content-length") or 0)
        except ValueError:
            pass

    page.on("websocket", on_ws)
    page.on("response", on_response)
    t0 = time.perf_counter()
    page.goto(url + "/", wait_until="commit")
    page.wait_for_selector(RANKING, timeout=180_000)
    t_rank, ws_rank = time.perf_counter() - t0, ws_bytes[0]
    page.wait_for_selector(MAP, timeout=180_000)
    t_map, ws_map = time.perf_counter() - t0, ws_bytes[0]
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=180_000)
    t_idle = time.perf_counter() - t0
    page.wait_for_timeout(300)
    out = {"ranking": t_rank, "map": t_map, "idle": t_idle, "ws_rank": ws_rank / 1024, "ws_map": ws_map / 1024,
           "ws_total": ws_bytes[0] / 1024, "http": http_bytes[0] / 1024}
    ctx.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=HERE.parent)
    ap.add_argument("--visits", type=int, default=5)
    args = ap.parse_args(argv)
    why = browser_missing()
    if why:
        print(f"skipped: {why}")
        return 0
    from playwright.sync_api import sync_playwright

    proc, url = start(args.root.resolve())
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            runs = [visit(b, url) for _ in range(max(2, args.visits))]
            b.close()
    finally:
        stop_server(proc)
    print(f"checkout: {args.root.resolve()}  (load average {os.getloadavg()[0]:.1f})\n")
    print("| visit | ranking s | map s | idle s | ws KB to ranking | ws KB to map | ws KB total | http KB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

    def row(name, r):
        print(f"| {name} | {r['ranking']:.2f} | {r['map']:.2f} | {r['idle']:.2f} | {r['ws_rank']:.0f} | "
              f"{r['ws_map']:.0f} | {r['ws_total']:.0f} | {r['http']:.0f} |")

    row("1 (cold server)", runs[0])
    warm = runs[1:]
    med = {k: statistics.median(r[k] for r in warm) for k in warm[0]}
    row(f"2-{len(runs)} (new visitor, median)", med)
    return 0


if __name__ == "__main__":
    sys.exit(main())
