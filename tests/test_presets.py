"""Every workshop preset moves at least one region's tier under the default tiering (issue 15), as the
workshop view shows it: the preset's tiers (its own tiering; with edits the unedited tiering moved by
the crossing rule) against the data set's defaults (the report's sizes down the ranking). The moves are
computed here from ``iiscore`` directly and compared with the Tiers page."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore import tiering
from iiscore_app import presets as P
from iiscore_app import scenario as S

APP = str(Path(__file__).resolve().parent.parent / "app.py")
DS, FW = iiscore.load_default(), iiscore.load_default_framework()
CTX = S.make_context(DS, FW)


def tiers_of(scn):
    un = S.result_for(scn, DS, FW, edits=False)
    tu = S.tiers_for(un, scn)
    if not scn.edits:
        return tu.tier
    return S.tiers_crossed(tu, un, S.result_for(scn, DS, FW), edited=S.edited_regions(scn, DS, FW)).tier


def moves(name):
    base = tiers_of(CTX.defaults)
    scn = P.preset(name, DS, FW, CTX.defaults, CTX.defaults)
    t = tiers_of(scn)
    return {r: (int(base[r]), int(t[r])) for r in base.index if base[r] != t[r]}


def test_default_tiering_is_the_reports_sizes():
    assert CTX.defaults.tier_method == "sizes" and CTX.defaults.tier_sizes == (6, 11, 10, 4)
    assert list(tiers_of(CTX.defaults).value_counts().sort_index()) == [6, 11, 10, 4]


@pytest.mark.parametrize("name", P.PRESETS)
def test_every_preset_moves_a_tier(name):
    m = moves(name)
    assert m, f"preset {name} moves no region's tier"


def test_named_moves():
    """The moves the presets' docstrings promise (built-in data, 2023)."""
    assert moves("region_push") == {"贵州": (3, 2)}
    assert {"四川", "云南"} <= set(moves("west_infra"))
    assert set(moves("application_focus")) == {"天津", "辽宁"}
    assert len(moves("no_compensation")) == 4 and len(moves("report_plain")) == 2


@pytest.mark.parametrize("name", ["region_push", "regenerate"])
def test_the_workshop_view_shows_the_presets_moves(name):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/3_Tiers.py").run()
    at.button(key=f"wk.preset.{name}").click().run()
    assert not at.exception
    html = [m.value for m in at.markdown if "tier-shifts" in m.value][-1]
    cards = re.findall(r"<span style='font-weight:700'>([^<]+)</span> <span[^>]*>[▲▼]</span> (\d+) [^<]*→ "
                       r"<span style='font-weight:700'>(\d+) ", html)
    names = {DS.region_name(r, "zh"): r for r in DS.regions}
    assert {names[n]: (int(a), int(b)) for n, a, b in cards} == moves(name)
    # the heading names both sides and their tierings
    assert "数据集默认设置" in html and "6/11/10/4" in html
    assert tiering.DEFAULT_METHOD == "sizes"


@pytest.mark.parametrize("name", sorted(P.LEGACY))
def test_earlier_short_links_open_on_what_they_named(name):
    """``?preset=innovation_focus`` (and the other short links of the earlier version) open on the
    scenario they named then, with a notice saying so, instead of falling back to the defaults."""
    from iiscore_app import scenario as S

    ctx = S.make_context(DS, FW)
    scn, notices = S.from_query({"preset": name}, ctx, DS, FW)
    assert any(name in n.en and "earlier version" in n.en for n in notices)
    w = dict(scn.weights)
    if name == "innovation_focus":
        assert w == {"innovation": 2 * FW.node("innovation").weight}
    elif name == "equal_pillars":
        assert w == {p: 1.0 for p in FW.pillars}
    else:
        assert scn.tier_method == "sizes" and not w
    assert scn.compute_key() != ctx.defaults.compute_key() or name == "report_sizes"
