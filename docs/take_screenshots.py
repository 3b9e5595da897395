"""Screenshots of every page, in both languages, at the three sizes the app is checked at
(Playwright + Debian's Chromium):

    python docs/take_screenshots.py [--pages home,tiers] [--sizes 1440,1280,390] [--langs zh,en]

writes ``docs/screenshots/<page>_<width>_<lang>.png`` (what the window shows, sidebar closed on the
phone) and the README's ``docs/screenshots/<page>.png`` (1440 wide, Chinese). Each page opens on a
shared link (``?s=...``) of a scenario that shows what the page is for: a preset with edits for the
simulator and the tiers, the region profile of 贵州. ``tiers_workshop`` is the projector view.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests._server import ARGS, CHROMIUM, start_server, stop_server  # noqa: E402 - the tests' server helpers

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
SIZES = {1440: (1440, 900), 1280: (1280, 720), 390: (390, 844)}


def scenarios(lang: str) -> dict:
    """Shot name -> (page key, scenario link, the element to scroll to or None)."""
    import iiscore
    from iiscore_app import presets as P
    from iiscore_app import scenario as S

    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    ctx = S.make_context(ds, fw)
    d = ctx.defaults

    def link(page, scn=None, **kw):
        return "?s=" + S.encode((scn or d).replace(page=page, lang=lang, **kw), ctx)

    west = P.preset("west_infra", ds, fw, d, d)
    return {
        "home": ("home", link("home"), None),
        "weights": ("weights", link("weights", P.preset("application_focus", ds, fw, d, d)), None),
        "simulator": ("simulator", link("simulator", west, region="四川"), None),
        "tiers": ("tiers", link("tiers", west), None),
        "tiers_workshop": ("tiers", link("tiers", west), "t.shift"),
        "data": ("data", link("data"), None),
        "profile": ("profile", link("profile", region="贵州"), None),
        "audit": ("audit", link("audit"), None),
    }


def wait_settled(page) -> None:
    page.wait_for_selector("[data-testid=stApp]")
    page.wait_for_selector("h1", timeout=60000)
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]') && "
                           "!document.querySelector('[data-testid=stStatusWidget]')", timeout=120000)
    page.wait_for_timeout(2500)
    deck = page.locator("[data-testid=stDeckGlJsonChart] canvas")
    if deck.count():
        t0 = time.time()
        while time.time() - t0 < 20 and not page.evaluate(
                "() => [...document.querySelectorAll('[data-testid=stDeckGlJsonChart] canvas')]"
                ".some(c => c.width > 0)"):
            page.wait_for_timeout(500)
        page.wait_for_timeout(2000)  # deck.gl draws a moment after its canvas appears


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", default="")
    ap.add_argument("--sizes", default="1440,1280,390")
    ap.add_argument("--langs", default="zh,en")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from iiscore_app.navigation import PATHS

    OUT.mkdir(parents=True, exist_ok=True)
    proc, base = start_server()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for lang in args.langs.split(","):
                shots = scenarios(lang)
                for name, (key, query, anchor) in shots.items():
                    if args.pages and name not in args.pages.split(","):
                        continue
                    for width in map(int, args.sizes.split(",")):
                        w, h = SIZES[width]
                        ctx = browser.new_context(viewport={"width": w, "height": h},
                                                  is_mobile=width < 500, has_touch=width < 500)
                        page = ctx.new_page()
                        page.goto(f"{base}/{PATHS[key]}{query}")
                        wait_settled(page)
                        if anchor:  # a heading, by its text: scrolled to the top of the window
                            from iiscore_app.i18n import t

                            page.get_by_text(t(anchor, lang), exact=True).first.evaluate(
                                "e => e.scrollIntoView({block: 'start'})")
                            page.wait_for_timeout(800)
                        out = OUT / f"{name}_{width}_{lang}.png"
                        page.screenshot(path=str(out), full_page=False)
                        if width == 1440 and lang == "zh" and name in ("home", "weights", "simulator", "tiers", "data"):
                            page.screenshot(path=str(OUT / f"{name}.png"), full_page=False)
                        if width == 1440 and lang == "en" and name == "home":
                            page.screenshot(path=str(OUT / "home_en.png"), full_page=False)
                        print("wrote", out, flush=True)
                        ctx.close()
            browser.close()
    finally:
        stop_server(proc)


if __name__ == "__main__":
    main()
