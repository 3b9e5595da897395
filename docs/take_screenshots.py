"""Screenshots of every page for docs/app.md (Playwright + Debian's Chromium).

    python docs/take_screenshots.py        # writes docs/screenshots/*.png
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests._server import start_server, stop_server  # noqa: E402 - the tests' server helper

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = [
    ("home", "/"),
    ("home_en", "/?lang=en"),
    ("weights", "/Weights?preset=innovation_focus"),
    ("simulator", "/Simulator?preset=west_infra"),
    ("tiers", "/Tiers?preset=west_infra"),
    ("data", "/Data"),
]


def coloured_pixels(png: bytes) -> int:
    """Saturated, non-white pixels: a drawn map has thousands, an empty canvas none."""
    import io

    import numpy as np
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    sat = np.max(img, axis=2) - np.min(img, axis=2)
    return int(((sat > 40) & ~((r > 240) & (g > 240) & (b > 240))).sum())


def wait_for_map(page, timeout_s: float = 60) -> None:
    """deck.gl draws in SwiftShader some seconds after the page settles: wait for coloured pixels."""
    deck = page.locator("[data-testid=stDeckGlJsonChart]").first
    deck.locator("canvas").first.wait_for(timeout=30000)
    t0 = time.time()
    while coloured_pixels(deck.screenshot()) < 5000:
        if time.time() - t0 > timeout_s:
            raise RuntimeError("the map did not draw")
        page.wait_for_timeout(1000)
    page.evaluate("() => window.scrollTo(0, 0)")  # deck.screenshot scrolled it into view
    page.wait_for_timeout(500)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    proc, base = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for name, path in SHOTS:
                ctx = browser.new_context(viewport={"width": 1500, "height": 1000})
                page = ctx.new_page()
                page.goto(base + path)
                page.wait_for_selector("[data-testid=stApp]")
                page.wait_for_function("() => location.search.startsWith('?s=')", timeout=30000)
                page.wait_for_selector("h1", timeout=30000)
                page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]') && "
                                       "!document.querySelector('[data-testid=stStatusWidget]')", timeout=30000)
                page.wait_for_timeout(4000)
                if page.locator("[data-testid=stDeckGlJsonChart]").count():
                    wait_for_map(page)
                page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
                ctx.close()
                print("wrote", OUT / f"{name}.png")
            browser.close()
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
