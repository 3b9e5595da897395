"""End-to-end tests of the Weights and Simulator pages in Debian's Chromium (Playwright): what only a
browser shows -- a goal-seek answer applied by a click and the page's numbers afterwards, a slider's
share after keyboard moves, the AHP confirmation before an inconsistent matrix is used.

Expected numbers come from the engine called directly (``simulate.goal_seek``, ``ahp``) and from
the shares computed by hand. Skipped with the reason when /usr/bin/chromium or Playwright is missing.
"""
from __future__ import annotations

from urllib.parse import unquote

import numpy as np
import pytest

import iiscore
from iiscore import simulate, tiering
from iiscore.datasets import default_spec
from iiscore.weights import ahp
from iiscore_app import scenario as S
from iiscore_app.i18n import t
from tests._server import browser, server  # noqa: F401 - the module's app server and Chromium

DS, FW = iiscore.load_default(), iiscore.load_default_framework()
YEAR = DS.years[-1]
SPEC = default_spec(year=YEAR)
CTX = S.make_context(DS, FW)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = ctx.new_page()
    yield pg
    ctx.close()


def wait_app(page, text=None, timeout=60000):
    page.wait_for_selector("[data-testid=stApp]", timeout=timeout)
    if text:
        page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)
    page.wait_for_function("() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=timeout)


def settled(page, quiet_ms=2000, timeout_s=60):
    """Wait until the app has finished running and the link has not changed for ``quiet_ms`` (key
    presses queue several reruns; the last one decides what the page shows)."""
    import time

    t0, last, since = time.time(), None, time.time()
    while time.time() - t0 < timeout_s:
        wait_app(page)
        now = page.evaluate("() => location.search")
        if now != last:
            last, since = now, time.time()
        elif (time.time() - since) * 1000 >= quiet_ms:
            return
        page.wait_for_timeout(250)
    raise AssertionError("the page kept changing")


def scenario_of(page):
    scn, notes = S.decode(unquote(page.url).split("?s=", 1)[1], CTX)
    assert not notes
    return scn


def metrics(page) -> dict:
    """label -> value of every st.metric on the page."""
    out = {}
    for m in page.locator("[data-testid=stMetric]").all():
        label = m.locator("[data-testid=stMetricLabel]").inner_text().strip()
        out[label] = m.locator("[data-testid=stMetricValue]").inner_text().strip()
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_goal_seek_apply_shows_the_promised_rank_and_tier(page, server, lang):
    """Solve 贵州 → tier 2 with its default levers, click apply: the metrics then read the promised
    score, rank and tier, and the link carries exactly the answer's applied edits."""
    link = S.encode(CTX.defaults.replace(region="贵州", page="simulator", lang=lang), CTX)
    page.goto(f"{server}/Simulator?s={link}")
    wait_app(page, t("sim.goal", lang))
    lv = simulate.levers(DS, SPEC, "贵州").table
    inds = list(lv[(lv["gain_per_pct"] > 0) & ~lv["note"].isin(["missing", "zero", "negative"])].index[:3])
    gs = simulate.goal_seek(DS, SPEC, "贵州", target_tier=2, indicators=inds,
                            tiers=tiering.tiers(iiscore.build(DS, SPEC).composite).tier)
    assert gs.reached and gs.tier_after == 2
    before = page.evaluate("() => location.search")
    page.get_by_role("button", name=t("sim.goal.run", lang), exact=True).click()
    promise = t("sim.goal.promise", lang, s0=gs.score_before, s1=gs.score_after, r0=gs.rank_before, r1=gs.rank_after,
                t0=gs.tier_before, t1=gs.tier_after)
    page.get_by_text(promise).wait_for(timeout=60000)
    page.get_by_role("button", name=t("sim.goal.apply", lang), exact=True).click()
    page.wait_for_function(f"() => location.search !== {before!r}", timeout=60000)
    done = t("sim.goal.applied", lang, score=gs.score_after, rank=gs.rank_after, tier=gs.tier_after)
    page.get_by_text(done).wait_for(timeout=60000)
    wait_app(page)
    shown = metrics(page)
    assert shown[t("col.score", lang)] == f"{gs.score_after:.2f}"
    assert int(shown[t("col.rank", lang)]) == gs.rank_after
    assert int(shown[t("col.tier", lang)]) == gs.tier_after
    scn = scenario_of(page)
    assert set(scn.edits) == set(gs.applied_edits) and len(scn.edits) == len(gs.applied_edits)


def test_slider_share_follows_keyboard_moves(page, server):
    """Move 技术创新 by keyboard; its label then shows its share of the composite computed by hand
    from the weight the link records (weight ÷ the pillars' total)."""
    page.goto(server + "/Weights")
    wait_app(page, "五大分项权重")
    before = page.evaluate("() => location.search")
    slider = page.get_by_role("slider", name="技术创新")
    slider.first.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    page.wait_for_function(f"() => location.search !== {before!r}", timeout=30000)
    settled(page)
    w = scenario_of(page).weight_map["innovation"]
    assert w > 14.89
    total = sum(FW.node(p).weight for p in FW.pillars) - 14.89 + w
    want = t("w.share.pillar", "zh", share=w / total * 100)
    page.get_by_text(want).first.wait_for(timeout=30000)
    label = page.locator("[data-testid=stSlider]").filter(has_text="技术创新").first.inner_text()
    assert want in label


def test_inconsistent_ahp_matrix_needs_confirmation_in_the_browser(page, server):
    """Type 9 for 基础能力 vs 应用推广 (CR 0.148): the apply button stays disabled until the
    confirmation is ticked; then the weights used are that matrix's priorities × 100."""
    page.goto(server + "/Weights")
    wait_app(page, t("w.ahp", "zh"))
    grid = page.locator("[data-testid=stDataFrame]").nth(1)  # the ranking first, then the AHP editor
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + box["width"] - 30, box["y"] + 35 + 17)  # row 基础能力, column 发展环境
    page.keyboard.press("ArrowLeft")  # column 应用推广
    page.keyboard.press("Enter")
    cell_editor = page.locator("#portal input, #portal textarea").first
    cell_editor.wait_for(state="visible", timeout=30000)
    cell_editor.fill("9")
    page.keyboard.press("Enter")
    a = np.ones((5, 5))
    a[0, 3], a[3, 0] = 9, 1 / 9
    res = ahp.ahp_priorities(a, labels=list(FW.pillars), warn_inconsistent=False)
    assert res.cr == pytest.approx(0.148, abs=5e-4)
    page.get_by_text(t("w.ahp.bad", "zh", cr=res.cr)).first.wait_for(timeout=60000)
    wait_app(page)
    apply = page.get_by_role("button", name=t("w.ahp.apply", "zh"), exact=True)
    assert apply.is_disabled()
    plan = ahp.revision_plan(a, labels=list(FW.pillars))
    assert plan.reached and len(plan.steps) == 1
    page.get_by_text(t("w.ahp.plan.done", "zh", cr=plan.cr_after)).first.wait_for(timeout=30000)
    before = page.evaluate("() => location.search")
    page.get_by_text(t("w.ahp.confirm", "zh", cr=res.cr)).click()
    page.wait_for_function("(b) => !b.disabled", arg=apply.element_handle(), timeout=30000)
    apply.click()
    page.wait_for_function(f"() => location.search !== {before!r}", timeout=60000)
    page.get_by_text(t("w.ahp.applied.bad", "zh", group=FW.name("iidei", "zh"), cr=res.cr)).wait_for(timeout=60000)
    w = scenario_of(page).weight_map
    for p in FW.pillars:
        assert w[p] == pytest.approx(round(res.weights[p] * 100, 4), abs=1e-4)
