"""Hostile links: the scenario decoder never raises, always returns a valid scenario and bilingual notices.

``tests/test_scenario.py`` checks fixed examples (three truncation points, one zip bomb, field
clamping) and ``tests/test_app_links.py`` opens seven bad links in Chinese. This module fuzzes the
decoder with hypothesis (random text, random bytes, random JSON payloads, every truncation and
character flip of a real token, oversized and other-version tokens) and opens, in AppTest, the
hostile links the fuzzing found (deep nesting, huge integers, non-ASCII version digits) plus
English notices for links whose valid part must survive.
"""
from __future__ import annotations

import base64
import json
import string
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import iiscore
from iiscore_app import presets as P
from iiscore_app import scenario as S
from iiscore.errors import IIScoreError

APP = str(Path(__file__).resolve().parent.parent / "app.py")
DS, FW = iiscore.load_default(), iiscore.load_default_framework()
CTX = S.make_context(DS, FW)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MAX_NOTICE = 2000  # a notice is shown on screen: a 60 KB value must not become a 60 KB message
B64 = string.ascii_letters + string.digits + "-_"


def pack(raw: bytes, version: str = "1") -> str:
    return version + "." + base64.urlsafe_b64encode(zlib.compress(raw)).rstrip(b"=").decode()


def token(payload) -> str:
    return pack(json.dumps(payload, ensure_ascii=False).encode())


def full_scenario() -> S.Scenario:
    return P.preset("west_infra", DS, FW).replace(
        lang="en", page="tiers", year=2022, weights={"innovation": 30, "network": 5}, treat="log",
        aggregation="geometric", whatif="fixed", region="贵州", tier_method="sizes", tier_sizes=(5, 10, 10, 6),
        tier_k=5, tier_standardise=True, tier_seed=7, map_colour="tier", mc_n=800, mc_spread=0.3, mc_seed=4,
        oat_node="basic", name="西部 test")


FULL = full_scenario()
FULL_TOKEN = S.encode(FULL, CTX)


def assert_valid(scn, notes):
    """What every decode must give: a valid, stable scenario and well-formed bilingual notices."""
    assert isinstance(scn, S.Scenario)
    assert isinstance(notes, list)
    for n in notes:
        assert isinstance(n, S.Notice) and n.en and n.zh
        assert len(n.en) <= MAX_NOTICE and len(n.zh) <= MAX_NOTICE, (len(n.en), n.en[:200])
    assert scn.dataset == CTX.dataset_id
    assert scn.lang in S.LANGS and scn.page in S.PAGES
    assert scn.year is None or scn.year in CTX.years  # None: the latest year (the app fills it in)
    assert scn.treat in S.TREATS and scn.normalisation in S.NORMALISATIONS and scn.goalposts in S.GOALPOSTS
    assert scn.missing in S.MISSINGS and scn.aggregation in S.AGGREGATIONS and scn.whatif in S.WHATIF_MODES
    assert scn.tier_method in S.TIER_METHODS and scn.tier_features in S.TIER_FEATURES
    assert S.K_RANGE[0] <= scn.tier_k <= S.K_RANGE[1] and 0 <= scn.tier_seed <= S.SEED_MAX
    assert S.MC_N_RANGE[0] <= scn.mc_n <= S.MC_N_RANGE[1] and 0 <= scn.mc_seed <= S.SEED_MAX
    assert S.MC_SPREAD_RANGE[0] <= scn.mc_spread <= S.MC_SPREAD_RANGE[1]
    assert sum(scn.tier_sizes) == len(CTX.regions) and min(scn.tier_sizes) >= 1
    assert scn.region is None or scn.region in CTX.regions
    assert scn.map_colour in ("tier", "iidei", *CTX.pillars) and scn.oat_node in CTX.node_ids
    assert isinstance(scn.name, str) and len(scn.name) <= S.MAX_NAME
    for node, w in scn.weights:
        assert node in CTX.node_ids and 0.0 <= w <= S.WEIGHT_MAX
    assert len(scn.edits) <= S.MAX_EDITS
    for e in scn.edits:
        assert e.region in CTX.regions and e.indicator in CTX.leaves and e.kind in S.EDIT_KINDS
        lo, hi = S.PCT_RANGE if e.kind == "pct" else (-S.ABS_MAX, S.ABS_MAX)
        assert lo <= e.amount <= hi
    # stable: the link the app writes back for it opens the same scenario, silently
    again, more = S.decode(S.encode(scn, CTX), CTX)
    assert again == scn and more == []


def decode(tok):
    scn, notes = S.decode(tok, CTX)
    assert_valid(scn, notes)
    return scn, notes


# -- container level: anything at all in ``s`` ----------------------------------------------------
@SETTINGS
@given(st.text(max_size=300))
@example("¹.abc")            # str.isdigit() is true for '¹', int() is not
@example("١.abc")
@example("9" * 5000 + ".x")   # int() refuses more than 4300 digits
@example("1." + "=" * 20)
@example(" 1." + FULL_TOKEN[2:] + " ")
def test_random_text(text):
    decode(text)


@SETTINGS
@given(st.binary(max_size=600), st.sampled_from(["1", "0", "2", "01", "10"]))
def test_random_bytes_base64(raw, version):
    scn, notes = decode(version + "." + base64.urlsafe_b64encode(raw).decode())
    assert scn == CTX.defaults and notes


@SETTINGS
@given(st.binary(max_size=600))
@example(b"[" * 50000)                      # nesting deeper than the JSON parser's recursion limit
@example(b"\xff\xfe")
@example(b'"just a string"')
@example(b"NaN")
def test_random_bytes_compressed(raw):
    scn, notes = decode(pack(raw))
    assert scn == CTX.defaults and notes


# -- payload level: well-formed JSON with wrong types, out-of-range values, unknown keys -------------
json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-10**500, 10**500),
                      st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                      st.sampled_from(["北京", "Guizhou", "network", "innovation", "p", "a", "pct", "en", "zh",
                                       "tiers", "kmeans", "sizes", "geometric", "zscore", "pooled", "tier", "1", "0",
                                       "true", "6,11,10,4", "-5", "1e400", ""]))
json_value = st.recursive(json_leaf, lambda kids: st.lists(kids, max_size=5) | st.dictionaries(st.text(max_size=12), kids,
                                                                                                max_size=5), max_leaves=20)
edit = st.one_of(st.tuples(st.sampled_from([*DS.regions[:6], "guizhou", "Beijing", "火星", ""]),
                           st.sampled_from([*FW.leaves[:5], "bogus", FW.root, "basic"]),
                           st.sampled_from(["p", "a", "pct", "abs", "x"]),
                           st.one_of(st.floats(-1e15, 1e15), st.integers(-10**400, 10**400), st.text(max_size=5))
                           ).map(list),
                 json_value)
field_value = {
    "w": st.one_of(st.dictionaries(st.sampled_from([*CTX.node_ids[:8], "nope", FW.root]),
                                   st.one_of(st.floats(-1e6, 1e6), json_leaf), max_size=6), json_value),
    "e": st.one_of(st.lists(edit, max_size=8), json_value),
    "tz": st.one_of(st.lists(st.integers(-3, 40), max_size=9), st.text(max_size=12), json_value),
    "y": st.one_of(st.integers(1900, 2100), json_value),
}
keys = st.sampled_from([*S._KEYS, *S._KEYS.values(), "v", "fw", "dh", "zz", "", "x" * 3000])
payload = st.dictionaries(keys, st.deferred(lambda: json_value), max_size=12).flatmap(
    lambda d: st.fixed_dictionaries({k: field_value.get(k, st.just(v)) for k, v in d.items()}))


@SETTINGS
@given(payload)
@example({"w": {"innovation": 10**400}})                       # float() overflows
@example({"sp": 10**400, "e": [["北京", "network", "p", 10**400]]})
@example({"tk": "9" * 4000})                                    # a 4000-character notice unless shortened
@example({"x" * 30000: 1})
@example({"v": 2, "tk": 3})
@example({"v": "1", "tk": 3})
@example({"v": [10**400, -10**400, 10**300]})                     # found by the fuzzer: a 2000-character notice
@example({"nm": "a" * 59 + " b"})                                # the name is cut at 60 then must still be stable
@example({"e": [["北京", "network", "p", 5]] * 500 + [["上海", "network", "p", 5]]})
def test_random_payloads(obj):
    scn, notes = decode(token(obj))
    if obj.get("v", 1) != 1:  # another format version inside the payload: nothing of it is used
        assert scn == CTX.defaults and notes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload)
def test_decoded_scenarios_compute(obj):
    """Whatever a link holds, the scenario it opens can be computed (or gives a bilingual IIScoreError)."""
    scn, _ = decode(token(obj))
    try:
        res = S.result_for(scn, DS, FW)
        S.tiers_for(res, scn)
    except IIScoreError as exc:
        assert exc.message("en") and exc.message("zh")


def test_random_query_params():
    """The other query parameters (``preset``, ``lang``, unknown ones) never raise either."""

    @SETTINGS
    @given(st.dictionaries(st.sampled_from(["s", "preset", "lang", "foo", "", "S", "x" * 500]),
                           st.one_of(st.text(max_size=40), st.sampled_from([*P.PRESETS, "en", "zh", FULL_TOKEN])),
                           max_size=4))
    def run(params):
        assert_valid(*S.from_query(params, CTX, DS, FW))

    run()


@SETTINGS
@given(st.one_of(st.text(max_size=200), payload.map(json.dumps),
                 payload.map(lambda p: json.dumps({"format": "iiscore-scenario", "version": 1, "scenario": p}))))
@example("[" * 50000)
def test_random_scenario_json_files(text):
    scn, notes = S.from_json(text, CTX)
    assert_valid(scn, notes)


# -- a real token, damaged ----------------------------------------------------------------------------
def test_every_truncation_of_a_real_token():
    assert decode(FULL_TOKEN) == (FULL, [])
    for cut in range(len(FULL_TOKEN)):
        scn, notes = decode(FULL_TOKEN[:cut])
        assert scn == CTX.defaults
        assert notes or cut == 0, cut


def test_every_character_flip_of_a_real_token():
    changed = 0
    for i in range(len(FULL_TOKEN)):
        for c in (B64[(B64.index(FULL_TOKEN[i]) + 1) % len(B64)] if FULL_TOKEN[i] in B64 else "A", "~", "%"):
            tok = FULL_TOKEN[:i] + c + FULL_TOKEN[i + 1:]
            scn, notes = decode(tok)
            # zlib's checksum catches every payload change; only unused low bits of the last
            # base64 character may be flipped silently, and then the scenario is unchanged
            assert scn == FULL or notes, (i, c)
            changed += scn != FULL
    assert changed > len(FULL_TOKEN)  # the damage was noticed, not ignored


@SETTINGS
@given(st.data())
def test_random_damage_of_a_real_token(data):
    tok = list(FULL_TOKEN)
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["flip", "drop", "insert"]))
        i = data.draw(st.integers(0, len(tok) - 1))
        ch = data.draw(st.sampled_from(B64 + ".=%+ /é"))
        if op == "flip":
            tok[i] = ch
        elif op == "drop" and len(tok) > 1:
            del tok[i]
        else:
            tok.insert(i, ch)
    scn, notes = decode("".join(tok))
    assert scn == FULL or notes


def test_oversized_tokens():
    for n in (S.MAX_TOKEN_CHARS - 2, S.MAX_TOKEN_CHARS - 1, S.MAX_TOKEN_CHARS, 50_000, 2_000_000):
        scn, notes = decode("1." + "A" * n)
        assert scn == CTX.defaults and notes
    # a legitimately long link: the cap on edits holds and says how many were dropped
    big = [[r, leaf, "p", 1.5] for r in DS.regions for leaf in FW.leaves]
    tok = token({"e": big, "l": "en"})
    assert len(tok) <= S.MAX_TOKEN_CHARS
    scn, notes = decode(tok)
    assert len(scn.edits) == S.MAX_EDITS and scn.lang == "en"
    assert any(f"{len(big) - S.MAX_EDITS} more" in n.en for n in notes)
    # a long valid payload stays readable; past the limit it is refused with a notice
    scn, notes = decode(token({"nm": "x" * 5000, "tk": 3}))
    assert scn.tier_k == 3 and len(scn.name) == S.MAX_NAME


@pytest.mark.parametrize("version", ["0", "2", "9", "99999999999", "00"])
def test_other_versions(version):
    body = FULL_TOKEN.split(".", 1)[1]
    scn, notes = decode(version + "." + body)
    assert scn == CTX.defaults and len(notes) == 1
    assert "version" in notes[0].en and "版" in notes[0].zh


def test_version_inside_payload():
    for v in (0, 2, "1", None, [1], 1.5):
        scn, notes = decode(token({"v": v, "tk": 3}))
        assert scn == CTX.defaults and notes, v
    assert decode(token({"v": 1, "tk": 3}))[0].tier_k == 3


# -- the app: hostile links open with defaults or the valid part, a notice, and no exception ----------
def open_link(query):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(query)
    at.run()
    return at


def _warnings(at):
    return " ".join(w.value for w in at.warning)


def _ranking_rows(at):
    for e in at.dataframe:
        if "排名变化" in e.value.columns or "Rank change" in e.value.columns:
            return len(e.value)
    return 0


HOSTILE = [
    # (query, words in the notice, expected fields of the opened scenario)
    ({"s": pack(b"[" * 50000)}, ["链接中的部分内容未被采用", "损坏"], {}),
    ({"s": pack(b"[" * 50000), "lang": "en"}, ["Parts of the link were not used", "damaged"], {"lang": "en"}),
    ({"s": "¹." + FULL_TOKEN[2:], "lang": "en"}, ["not in the expected format"], {"lang": "en"}),
    ({"s": "1." + "A" * 20000}, ["过长"], {}),
    ({"s": token({"l": "en", "tk": 3, "w": {"innovation": 10**400, "basic": 30}, "sp": 10**400,
                  "e": [["贵州", "network", "p", 10**400], ["贵州", "identifier", "p", 20]], "zz" * 2000: 1})},
     ["Parts of the link were not used", "innovation", "mc_spread", "unknown setting"],
     {"lang": "en", "tier_k": 3, "weights": (("basic", 30.0),),
      "edits": (S.Edit("贵州", "identifier", "pct", 20.0),)}),
    ({"s": token({"p": "weights", "tm": "jenks", "tk": "9" * 4000, "y": "2021"}), "lang": "en"},
     ["Parts of the link were not used", "tier_k"], {"lang": "en", "tier_k": 8, "tier_method": "jenks", "year": 2021}),
    ({"s": FULL_TOKEN[:40] + ("B" if FULL_TOKEN[40] != "B" else "C") + FULL_TOKEN[41:], "lang": "en"},
     ["damaged"], {"lang": "en"}),
]


@pytest.mark.parametrize("query,words,fields", HOSTILE, ids=["deep", "deep-en", "superscript-en", "long", "bigint-en",
                                                               "longint-en", "flip-en"])
def test_hostile_links_in_the_app(query, words, fields):
    at = open_link(query)
    assert not at.exception, at.exception
    text = _warnings(at)
    for w in words:
        assert w in text, (w, text[:500])
    assert len(text) < 3 * MAX_NOTICE
    expected = CTX.defaults.replace(**fields)
    got, notes = S.decode(at.query_params["s"], CTX)  # the URL was rewritten to the scenario shown
    assert notes == []
    assert got.replace(page="home") == expected.replace(page="home")
    if got.page == "home":
        assert _ranking_rows(at) == len(DS.regions)
    # the numbers are those of the valid part
    if "lang" in fields and got.page == "home":
        assert "Composite ranking" in " ".join(s.value for s in at.subheader)
