"""The scenario and its URL encoding: round trips, validation, clamping, bilingual notices."""
import base64
import json
import zlib

import pytest

import iiscore
from iiscore_app import presets as P
from iiscore_app import scenario as S


@pytest.fixture(scope="module")
def ctx():
    return S.make_context(iiscore.load_default(), iiscore.load_default_framework())


def token(payload: dict) -> str:
    raw = json.dumps(payload, ensure_ascii=False).encode()
    return "1." + base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()


def full_scenario():
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    return P.preset("west_infra", ds, fw).replace(
        lang="en", page="tiers", year=2022, weights={"innovation": 30, "network": 5}, treat="log",
        aggregation="geometric", whatif="fixed", region="贵州", tier_method="sizes", tier_sizes=(5, 10, 10, 6),
        tier_k=5, tier_standardise=True, tier_seed=7, map_colour="tier", mc_n=800, mc_spread=0.3, mc_seed=4,
        oat_node="basic", name="西部 test")


def test_round_trip_every_field(ctx):
    scn = full_scenario()
    tok = S.encode(scn, ctx)
    assert tok.startswith("1.") and len(tok) < 900
    back, notes = S.decode(tok, ctx)
    assert back == scn and notes == []


def test_encoding_is_canonical_and_url_safe(ctx):
    a = S.Scenario().replace(weights={"innovation": 2, "basic": 1})
    b = S.Scenario().replace(weights={"basic": 1, "innovation": 2})
    assert S.encode(a, ctx) == S.encode(b, ctx)
    assert set(S.encode(full_scenario(), ctx)) <= set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.")


def test_defaults_are_small(ctx):
    assert len(S.encode(ctx.defaults.replace(year=2023), ctx)) < 200


@pytest.mark.parametrize("bad", ["", None])
def test_empty_is_defaults(ctx, bad):
    assert S.decode(bad, ctx) == (ctx.defaults, [])


@pytest.mark.parametrize("bad,word", [
    ("garbage", "format"), ("1.", "damaged"), ("1.abc$%", "damaged"), ("2.eNqrVgpLLSrOzM9TslIqLU4tUqoFADi0BdU", "version 2"),
    ("1." + base64.urlsafe_b64encode(zlib.compress(b"[1,2]")).decode(), "not a set"),
    ("1." + "A" * 9000, "too long"),
])
def test_unreadable_links(ctx, bad, word):
    scn, notes = S.decode(bad, ctx)
    assert scn == ctx.defaults
    assert len(notes) == 1 and word in notes[0].en and notes[0].zh


def test_truncated_link(ctx):
    tok = S.encode(full_scenario(), ctx)
    for cut in (5, len(tok) // 2, len(tok) - 3):
        scn, notes = S.decode(tok[:cut], ctx)
        assert scn == ctx.defaults and notes


def test_zip_bomb_is_refused(ctx):
    bomb = "1." + base64.urlsafe_b64encode(zlib.compress(b"{" + b" " * 10_000_000 + b"}")).decode()
    scn, notes = S.decode(bomb, ctx)
    assert scn == ctx.defaults and notes


def test_field_validation_and_clamping(ctx):
    scn, notes = S.decode(token({"v": 1, "tk": 99, "tr": -4, "sn": 10**9, "sp": 5, "n": "magic", "y": 2050,
                                 "l": "de", "p": "nowhere", "w": {"innovation": 5000, "nope": 1, "basic": "x"},
                                 "e": [["贵州", "network", "p", 50], ["Guizhou", "identifier", "a", 7],
                                       ["nowhere", "network", "p", 1], ["贵州", "bogus", "p", 1], "junk"],
                                 "tz": [1, 2], "mc": "purple", "so": "zzz", "r": "Atlantis", "q": 1}), ctx)
    assert scn.tier_k == 8 and scn.tier_seed == 0 and scn.mc_n == 5000 and scn.mc_spread == 0.95
    assert scn.normalisation == ctx.defaults.normalisation and scn.year == 2023
    assert scn.lang == "zh" and scn.page == "home"
    assert scn.weight_map == {"innovation": 1000.0}
    assert scn.edits == (S.Edit("贵州", "identifier", "abs", 7.0), S.Edit("贵州", "network", "pct", 50.0))
    text_en = " ".join(n.en for n in notes)
    for word in ("tier_k", "tier_seed", "mc_n", "normalisation", "2050", "lang", "page", "nope", "nowhere",
                 "bogus", "tier_sizes", "map_colour", "oat_node", "Atlantis", "unknown setting", "q"):
        assert word in text_en, word
    assert all(n.zh and n.message("zh") == n.zh and n.message("en") == n.en for n in notes)


def test_combinations_are_repaired_with_notices(ctx):
    scn, notes = S.decode(token({"v": 1, "n": "zscore", "a": "geometric", "g": "pooled",
                                 "w": {p: 0 for p in ctx.pillars}}), ctx)
    assert scn.aggregation == "arithmetic" and scn.goalposts == "year" and scn.weights == ()
    assert len(notes) == 3


def test_other_dataset_and_fingerprints(ctx):
    scn, notes = S.decode(token({"v": 1, "d": "upload-1234", "e": [["贵州", "network", "p", 5]],
                                 "fw": "000000", "dh": "ffffff"}), ctx)
    assert scn.dataset == ctx.dataset_id and scn.edits == ()
    text = " ".join(n.en for n in notes)
    assert "cannot travel in a link" in text and "framework weights" in text


def test_json_round_trip_and_errors(ctx):
    scn = full_scenario()
    back, notes = S.from_json(S.to_json(scn, ctx), ctx)
    assert back == scn and notes == []
    back, notes = S.from_json(b"\xff\xfe", ctx)
    assert back == ctx.defaults and notes
    back, notes = S.from_json('{"scenario": {"tier_k": 3, "lang": "en", "oops": 1}}', ctx)
    assert back.tier_k == 3 and back.lang == "en" and any("oops" in n.en for n in notes)


def test_presets_and_query(ctx):
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    for name in P.PRESETS:
        scn = P.preset(name, ds, fw)
        assert S.decode(S.encode(scn, ctx), ctx)[0] == scn
        S.result_for(scn, ds, fw)  # every preset computes
    west = P.preset("west_infra", ds, fw)
    assert {e.region for e in west.edits} == set(P.western_regions(ds)) and len(P.western_regions(ds)) == 12
    assert P.preset("application_focus", ds, fw).weight_map["application"] == 2 * fw.node("application").weight
    scn, notes = S.from_query({"preset": "application_focus", "lang": "en"}, ctx, ds, fw)
    assert scn.lang == "en" and notes == []
    scn, notes = S.from_query({"preset": "nope", "x": "1"}, ctx, ds, fw)
    assert scn == ctx.defaults and len(notes) == 2


def test_result_for_matches_build(ctx):
    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    scn = ctx.defaults.replace(weights={"innovation": 30}, year=2021)
    res = S.result_for(scn, ds, fw)
    direct = iiscore.build(ds, iiscore.default_spec(year=2021, framework=fw.with_weights({"innovation": 30})))
    assert res.composite.equals(direct.composite)
    ranks, scores = S.rank_trajectory(scn, ds, fw)
    pooled = iiscore.build(ds, iiscore.default_spec(year=2021, goalposts="pooled",
                                                    framework=fw.with_weights({"innovation": 30})))
    assert ranks[2021].equals(pooled.ranks["iidei"])


def test_tiers_crossed_is_the_whatif_tiering():
    """With edits the scenario's tiers are the unedited tiering moved by the crossing rule (the
    simulator's what-if tiers), not a re-clustering; without a score change nothing moves."""
    from iiscore import simulate, tiering

    ds, fw = iiscore.load_default(), iiscore.load_default_framework()
    inds = ("network", "platform", "security", "data_mgmt", "identifier")
    scn = S.make_context(ds, fw).defaults.replace(
        year=ds.years[-1], edits=[S.Edit("北京", i, "pct", 100.0) for i in inds])
    un, cur = S.result_for(scn, ds, fw, edits=False), S.result_for(scn, ds, fw)
    tu = S.tiers_for(un, scn)
    tc = S.tiers_crossed(tu, un, cur)
    assert isinstance(tc, tiering.TierResult) and (tc.method, tc.k) == (tu.method, tu.k)
    assert S.edited_regions(scn, ds, fw) == {"北京"}
    want = simulate.tiers_after(un.composite, cur.composite, tu.tier, edited={"北京"}).reindex(tc.tier.index)
    assert (tc.tier.to_numpy() == want.to_numpy()).all()
    # 北京 becomes the maximum of five indicators: every other score falls a little, the bar holders'
    # (浙江, 上海, 天津) with them, so nobody moves (the old fixed-bar rule dropped those three a tier)
    assert (want == tu.tier).all()
    wi = S.whatif_for(scn, ds, fw, tiers=tu.tier).table.set_index("region")
    assert (wi["tier_after"].reindex(tc.tier.index).to_numpy() == tc.tier.to_numpy()).all()
    # a scenario that does move a region: 贵州 (tier 3, rank 21) doubled everywhere, as the what-if says
    scn2 = scn.replace(edits=[S.Edit("贵州", leaf, "pct", 100.0) for leaf in fw.leaves])
    cur2 = S.result_for(scn2, ds, fw)
    tc2 = S.tiers_crossed(tu, un, cur2)                   # edited regions inferred from the raw data
    wi2 = S.whatif_for(scn2, ds, fw, tiers=tu.tier).table.set_index("region")
    assert (wi2["tier_after"].reindex(tc2.tier.index).to_numpy() == tc2.tier.to_numpy()).all()
    assert tu.method == "sizes" and tu.tier["贵州"] == 3 and tc2.tier["贵州"] < 3
    assert list(tc.assignment.columns) == list(tu.assignment.columns)
    assert (tc.assignment["composite"] == cur.composite.reindex(tc.tier.index)).all()
    assert tc.centroids["n"].sum() == len(ds.regions)
    same = S.tiers_crossed(tu, un, un)
    assert same.assignment.equals(tu.assignment)
