"""End-to-end tests in Debian's Chromium (Playwright): what only a browser can show.

One Streamlit server and one browser for the whole module. Skipped with a clear reason when
/usr/bin/chromium or Playwright is missing (CI installs both).
"""
from __future__ import annotations

import io
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests._server import browser, server  # noqa: F401 - the module's app server and Chromium

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.browser


@pytest.fixture
def page_and_requests(browser, server):
    """A fresh page; every request it makes (page, frames, workers) is recorded."""
    ctx = browser.new_context(viewport={"width": 1500, "height": 1100})
    seen = []
    ctx.on("request", lambda r: seen.append(r.url))

    def record(route):
        seen.append(route.request.url)
        route.continue_()

    ctx.route("**/*", record)
    page = ctx.new_page()
    page.on("request", lambda r: seen.append(r.url))
    yield page, seen
    ctx.close()


def wait_app(page, text=None, timeout=30000):
    page.wait_for_selector("[data-testid=stApp]", timeout=timeout)
    if text:
        page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)
    # wait until the script finished (no running indicator)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=timeout)


def top_rows(page, n=6):
    """The first rows of the ranking (region names), read from the grid's accessible cells."""
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.wait_for()
    return grid.inner_text()


def coloured_pixels(png: bytes) -> int:
    import numpy as np
    from PIL import Image

    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    sat = np.max(img, axis=2) - np.min(img, axis=2)
    return int(((sat > 40) & ~((r > 240) & (g > 240) & (b > 240))).sum())


def test_map_draws(page_and_requests, server):
    page, _ = page_and_requests
    page.goto(server + "/")
    wait_app(page, "综合排名")
    deck = page.locator("[data-testid=stDeckGlJsonChart]").first
    deck.wait_for(timeout=30000)
    deck.scroll_into_view_if_needed()
    page.wait_for_timeout(2500)
    n = coloured_pixels(deck.screenshot())
    assert n > 5000, f"only {n} coloured pixels in the map"


def _canvas_text(page):
    return page.locator("[data-testid=stDataFrame]").first.evaluate(
        "el => Array.from(el.querySelectorAll('[role=gridcell]')).slice(0, 60).map(c => c.innerText).join('|')")


def test_slider_changes_ranking(page_and_requests, server):
    page, _ = page_and_requests
    page.goto(server + "/Weights")
    wait_app(page, "五大分项权重")
    before = page.evaluate("() => location.search")
    top_before = page.locator("#iis-top").inner_text()
    assert "▲" not in top_before and "▼" not in top_before
    slider = page.get_by_role("slider", name="技术创新")
    slider.first.focus()
    for _ in range(30):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => location.search !== {before!r}", timeout=20000)
    wait_app(page)
    after = page.evaluate("() => location.search")
    assert after != before
    # the live ranking now shows rank moves against the baseline
    page.wait_for_function("() => /[▲▼]/.test(document.querySelector('#iis-top').innerText)", timeout=20000)
    assert page.locator("#iis-top").inner_text() != top_before


def test_shared_link_same_numbers(browser, server):
    ctx1 = browser.new_context(viewport={"width": 1500, "height": 1100})
    p1 = ctx1.new_page()
    p1.goto(server + "/?preset=application_focus&lang=en")
    wait_app(p1, "Composite ranking")
    p1.wait_for_function("() => location.search.startsWith('?s=')", timeout=20000)
    link = p1.locator("[data-testid=stCode] code").first.text_content().strip()
    assert "?s=1." in link and link.startswith(server)
    top1 = p1.locator("#iis-top").inner_text()
    ctx1.close()
    ctx2 = browser.new_context(viewport={"width": 1500, "height": 1100})
    p2 = ctx2.new_page()
    p2.goto(link)
    wait_app(p2, "Composite ranking")
    top2 = p2.locator("#iis-top").inner_text()
    link2 = p2.locator("[data-testid=stCode] code").first.text_content().strip()
    ctx2.close()
    assert link2 == link
    assert top1 == top2 and "▲" in top1


def _search(page) -> str:
    return page.evaluate("() => location.search")


def _wait_search(page, want: str) -> None:
    page.wait_for_function("(s) => location.search === s", arg=want, timeout=20000)
    wait_app(page)


def _sidebar_button(page, label: str):
    return page.locator("[data-testid=stSidebar]").get_by_role("button", name=label, exact=True).first


def test_undo_redo_and_back(page_and_requests, server):
    """A weight moved with the keyboard, undone, redone (sidebar buttons), then the browser's Back:
    each step shows the numbers and the link of the scenario it returns to."""
    from iiscore_app.i18n import t

    page, _ = page_and_requests
    page.goto(server + "/Weights")
    wait_app(page, "五大分项权重")
    page.wait_for_function("() => location.search.startsWith('?s=')", timeout=20000)
    s0, top0 = _search(page), page.locator("#iis-top").inner_text()
    slider = page.get_by_role("slider", name="技术创新")
    slider.first.focus()
    page.keyboard.press("End")  # one change (the slider's maximum): one undo step
    page.wait_for_function(f"() => location.search !== {s0!r}", timeout=20000)
    page.wait_for_function("() => /[▲▼]/.test(document.querySelector('#iis-top').innerText)", timeout=20000)
    wait_app(page)
    s1, top1 = _search(page), page.locator("#iis-top").inner_text()
    assert s1 != s0 and top1 != top0

    _sidebar_button(page, t("side.undo", "zh")).click()
    _wait_search(page, s0)
    page.wait_for_function("(t) => document.querySelector('#iis-top').innerText === t", arg=top0, timeout=20000)
    assert _sidebar_button(page, t("side.undo", "zh")).is_disabled()

    _sidebar_button(page, t("side.redo", "zh")).click()
    _wait_search(page, s1)
    page.wait_for_function("(t) => document.querySelector('#iis-top').innerText === t", arg=top1, timeout=20000)
    assert _sidebar_button(page, t("side.redo", "zh")).is_disabled()

    # the browser's Back: the URL of the step before, and its numbers
    page.go_back()
    _wait_search(page, s0)
    page.wait_for_function("(t) => document.querySelector('#iis-top').innerText === t", arg=top0, timeout=20000)
    # and Forward: the step after it again
    page.go_forward()
    _wait_search(page, s1)
    page.wait_for_function("(t) => document.querySelector('#iis-top').innerText === t", arg=top1, timeout=20000)


def test_saved_scenario_link_in_a_fresh_context(browser, server):
    """A scenario saved under a name travels in the share link: opened in a fresh browser context
    (no session, no storage), the saved scenario is listed, and loading it shows its numbers."""
    from iiscore_app.i18n import t

    ctx1 = browser.new_context(viewport={"width": 1500, "height": 1100})
    p1 = ctx1.new_page()
    p1.goto(server + "/Weights")
    wait_app(p1, "五大分项权重")
    p1.wait_for_function("() => location.search.startsWith('?s=')", timeout=20000)
    s0, top0 = _search(p1), p1.locator("#iis-top").inner_text()
    slider = p1.get_by_role("slider", name="技术创新")
    slider.first.focus()
    p1.keyboard.press("End")
    p1.wait_for_function("() => /[▲▼]/.test(document.querySelector('#iis-top').innerText)", timeout=20000)
    wait_app(p1)
    top_saved = p1.locator("#iis-top").inner_text()
    # save it under a name (the scenario tools' expander), then go back to the defaults
    side = p1.locator("[data-testid=stSidebar]")
    side.get_by_text(t("side.scenario", "zh"), exact=True).first.click()
    box = side.get_by_label(t("side.save.name", "zh"))
    box.fill("创新加码")
    box.press("Enter")
    wait_app(p1)
    _sidebar_button(p1, t("side.save.button", "zh")).click()
    p1.get_by_text(t("side.saved", "zh", name="创新加码")).first.wait_for(timeout=20000)
    wait_app(p1)
    s_saved = _search(p1)
    side.get_by_text(t("side.presets", "zh"), exact=True).first.click()
    _sidebar_button(p1, t("side.reset", "zh")).click()
    p1.wait_for_function(f"() => location.search !== {s_saved!r}", timeout=20000)
    p1.wait_for_function("(t) => document.querySelector('#iis-top').innerText === t", arg=top0, timeout=20000)
    wait_app(p1)
    link = p1.locator("[data-testid=stSidebar] [data-testid=stCode] code").first.text_content().strip()
    ctx1.close()
    assert link.startswith(server) and "?s=1." in link

    ctx2 = browser.new_context(viewport={"width": 1500, "height": 1100})
    p2 = ctx2.new_page()
    p2.goto(link)
    wait_app(p2, "五大分项权重")
    assert p2.locator("#iis-top").inner_text() == top0  # the link's own scenario: the defaults
    side = p2.locator("[data-testid=stSidebar]")
    side.get_by_text(t("side.scenario", "zh"), exact=True).first.click()
    picked = side.locator("[data-testid=stSelectbox]").filter(has_text=t("side.named", "zh")).first
    picked.wait_for(timeout=20000)
    assert "创新加码" in (picked.text_content() or "") + picked.locator("input").first.input_value()
    _sidebar_button(p2, t("side.load", "zh")).click()
    p2.wait_for_function("(t) => document.querySelector('#iis-top').innerText === t", arg=top_saved, timeout=20000)
    ctx2.close()


def test_english_switch(page_and_requests, server):
    page, _ = page_and_requests
    page.goto(server + "/")
    wait_app(page, "综合排名")
    page.get_by_text("English", exact=True).first.click()
    page.get_by_text("Composite ranking").first.wait_for(timeout=20000)
    assert page.get_by_text("Composite ranking").count() >= 1
    page.wait_for_function("() => location.search.startsWith('?s=')", timeout=20000)


def test_no_outside_requests(page_and_requests, server):
    page, seen = page_and_requests
    for path in ("/", "/Weights", "/Simulator", "/Tiers", "/Data"):
        page.goto(server + path)
        wait_app(page)
        if path in ("/", "/Tiers"):  # the maps: wait until deck.gl has drawn
            page.locator("[data-testid=stDeckGlJsonChart] canvas").first.wait_for(timeout=30000)
            page.wait_for_timeout(4000)
        page.wait_for_timeout(1500)
    assert any(urlparse(u).path.startswith("/_stcore") or "/static/" in u for u in seen)
    hosts = {urlparse(u).hostname for u in seen if not u.startswith(("data:", "blob:"))}
    assert hosts <= {"127.0.0.1", "localhost"}, f"requests to other hosts: {hosts - {'127.0.0.1', 'localhost'}}"


def _active_in_grid(page) -> bool:
    return page.evaluate("() => !!document.activeElement && "
                         "!!document.activeElement.closest('[data-testid=stDataFrame]')")


def test_simulator_edits_by_keyboard_keep_focus(page_and_requests, server):
    """Type a change, press Enter, type the next one: the editor keeps the focus across the rerun
    (it used to be redrawn after every edit, so the second edit went nowhere), and the edited row
    is labelled as a scenario value at once."""
    from urllib.parse import unquote

    import iiscore
    from iiscore_app import scenario as S

    page, _ = page_and_requests
    page.goto(server + "/Simulator")
    wait_app(page, "编辑")
    grid = page.locator("[data-testid=stDataFrame]").first
    box = grid.bounding_box()
    # the last column is the editable 变化 %; the header row and each row are 35 px high
    page.mouse.click(box["x"] + box["width"] - 40, box["y"] + 35 + 17)
    page.wait_for_function("() => !!document.activeElement && "
                           "!!document.activeElement.closest('[data-testid=stDataFrame]')", timeout=30000)
    cell_editor = page.locator("#portal input, #portal textarea").first  # the grid's overlay editor
    for value in ("50", "20"):  # 网络建设, then (Enter moved the selection down) 平台培育
        page.keyboard.press("Enter")  # open the cell editor
        cell_editor.wait_for(state="visible", timeout=30000)
        cell_editor.fill(value)  # focuses the overlay's input and replaces its text
        before = page.evaluate("() => location.search")
        page.keyboard.press("Enter")  # commit: the page reruns and the link records the edit
        page.wait_for_function(f"() => location.search !== {before!r}", timeout=60000)
        wait_app(page, timeout=60000)
        cell_editor.wait_for(state="hidden", timeout=30000)
        page.wait_for_timeout(500)
        assert _active_in_grid(page), f"the editor lost the focus after typing {value}"
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    scn, notes = S.decode(unquote(page.url).split("?s=", 1)[1], S.make_context(ds, fw))
    assert not notes
    assert scn.edits == (S.Edit(ds.regions[0], "network", "pct", 50.0), S.Edit(ds.regions[0], "platform", "pct", 20.0))
    # the grid redraws after the rerun that recorded the edit: wait for both rows to be marked
    page.wait_for_function("() => (document.querySelector('[data-testid=stDataFrame] table') || {innerText: ''})"
                           ".innerText.split('情景修改').length - 1 >= 2", timeout=30000)
    cells = grid.locator("table").inner_text()
    assert cells.count("情景修改") == 2
