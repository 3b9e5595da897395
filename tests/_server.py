"""What the browser tests share: a ``streamlit run app.py`` server on a free loopback port, and the
check that Debian's Chromium and Playwright are there (skip with the reason when they are not)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def browser_missing() -> str | None:
    """Why browser tests cannot run here, or None (never 'playwright install': Debian's Chromium)."""
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run browser tests"
    try:
        import playwright  # noqa: F401 - only whether it is installed
    except ImportError:
        return "playwright is not installed (pip install playwright; never 'playwright install')"
    return None


def skip_without_browser() -> None:
    import pytest

    why = browser_missing()
    if why:
        pytest.skip(why)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict | None = None, log: Path | None = None):
    """``streamlit run app.py`` on a free loopback port; returns (process, base URL).

    With ``log``, the server's output (tracebacks of script errors) goes to that file."""
    port = free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
    if log:
        out.close()  # the child holds its own descriptor
    url = f"http://127.0.0.1:{port}"
    wait_healthy(proc, url)
    return proc, url


def wait_healthy(proc, url: str, tries: int = 300) -> None:
    """Poll ``url + "/_stcore/health"`` until it answers ``ok`` (a base path goes into ``url``);
    stop ``proc`` and raise when it exits or never answers."""
    for _ in range(tries):
        if proc.poll() is not None:
            raise RuntimeError(f"the Streamlit server exited (status {proc.returncode})")
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=1).read() == b"ok":
                return
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("the Streamlit server did not start")


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


#: Chromium's flags for the browser tests: headless, and nothing that phones home.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _fixtures():
    """``server`` (one app server per test module) and ``browser`` (one Chromium per module):
    import both into a browser test module to use them."""
    import pytest

    @pytest.fixture(scope="module")
    def server():
        skip_without_browser()
        proc, url = start_server()
        try:
            yield url
        finally:
            stop_server(proc)

    @pytest.fixture(scope="module")
    def browser():
        skip_without_browser()
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield b
            b.close()

    return server, browser


server, browser = _fixtures()
