"""Tests of iiscore.profile: every number of a region's profile equals the engine's own result, an
independent recomputation (scipy, numpy, brute force) or a hand calculation."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.spatial.distance import cdist
from scipy.stats import rankdata

from iiscore import (DataError, IIScoreError, Spec, SpecError, build, default_spec, load_data, load_default,
                     load_default_framework, load_framework, tiering)
from iiscore import profile as PR
from iiscore import sensitivity, simulate
from iiscore.methods import compare_methods
from iiscore_app import scenario as S

COINR = Path(__file__).parent / "fixtures" / "coinr"
REGIONS = ["贵州", "陕西", "广东", "西藏", "北京"]


@pytest.fixture(scope="module")
def ds():
    return load_default()


@pytest.fixture(scope="module")
def fw():
    return load_default_framework()


@pytest.fixture(scope="module")
def prof(ds):
    """The default scenario's profiler (report sizes, the report's tiers, 500 Monte Carlo samples, seed 0)."""
    return PR.Profiler(ds, default_spec(), report_tiers=tiering.report_tiers())


@pytest.fixture(scope="module")
def profiles(prof):
    return {r: prof.profile(r) for r in REGIONS}


# --------------------------------------------------------------------------------------------
# headline
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("region", REGIONS)
def test_headline_equals_build_and_tiering(ds, profiles, region):
    """Composite and rank are build()'s; the tier is tiering.tiers(method='sizes') (the report's
    6/11/10/4 down the ranking) and its name; the report's tier is tiering.report_tiers()."""
    p = profiles[region]
    res = build(ds, default_spec())
    t = tiering.tiers(res.scores[["iidei", *res.spec.framework.pillars]], method="sizes")
    assert p.composite == res.composite[region]
    assert p.rank == int(res.ranks.at[region, "iidei"])
    assert p.tier == int(t.tier[region])
    assert p.tier_name == (t.assignment.at[region, "tier_name_zh"], t.assignment.at[region, "tier_name_en"])
    assert p.report_tier == int(tiering.report_tiers()[region])
    assert p.n_regions == 31 and p.k == 4 and p.year == 2023


def test_estimate_share_by_hand(profiles, ds):
    """The six estimated indicators carry, by hand from data/framework.csv, 4/5 of 基础能力 (12.58),
    33.33/100 of 应用推广 (29.73) and 1/4 of 发展环境 (22.38) of the 100 pillar points:
    10.064 + 9.909 + 5.595 = 25.568 %, for every region (none has a missing value); the app's
    own estimate_share agrees."""
    hand = 12.58 * 4 / 5 + 29.73 * 33.33 / 100 + 22.38 / 4
    for p in profiles.values():
        assert p.estimate_share == pytest.approx(hand, abs=1e-9)
        assert p.scenario_share == 0.0
    res = build(ds, default_spec())
    app = S.estimate_share(res, S.provenance_matrix(ds, 2023, res.spec.framework.leaves))
    assert app["贵州"] == pytest.approx(profiles["贵州"].estimate_share, abs=1e-12)


def test_change_since_first_year_is_the_pooled_trajectory(ds, fw, profiles):
    """The trajectory is the Overview's (iiscore_app.scenario.rank_trajectory: goalposts pooled over
    2020-2023), and the change is its last year minus its first."""
    ctx = S.make_context(ds, fw)
    ranks, scores = S.rank_trajectory(ctx.defaults, ds, fw)
    for r, p in profiles.items():
        assert_allclose(p.trajectory["score"].to_numpy(), scores.loc[r].to_numpy(), rtol=0, atol=1e-12)
        assert list(p.trajectory["rank"]) == list(ranks.loc[r])
        assert p.first_year == 2020
        assert p.change == pytest.approx(scores.at[r, 2023] - scores.at[r, 2020], abs=1e-12)
        assert p.rank_change == int(ranks.at[r, 2020] - ranks.at[r, 2023])


# --------------------------------------------------------------------------------------------
# pillars and indicators
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("region", ["贵州", "陕西"])
def test_indicator_rows_equal_the_engine_and_numpy(ds, profiles, region):
    """Raw and normalised values are build()'s; ranks are scipy's rankdata(-z, 'min'); the tier
    average is numpy's mean over the members of the region's tier; the median numpy's; the units,
    provenance and sources are the data file's."""
    p = profiles[region]
    res = build(ds, default_spec())
    ind = p.indicators
    leaves = list(res.spec.framework.leaves)
    assert list(ind.index) == leaves
    Z = res.normalised[leaves]
    assert_allclose(ind["raw"].to_numpy(float), res.raw.loc[region, leaves].to_numpy(float))
    assert_allclose(ind["normalised"].to_numpy(float), Z.loc[region].to_numpy(float))
    members = [r for r in res.regions if tiering.tiers(res.scores[["iidei"]], method="sizes").tier[r] == p.tier]
    for j in leaves:
        col = Z[j].to_numpy(float)
        assert ind.at[j, "rank"] == rankdata(-col, method="min")[res.regions.index(region)]
        assert ind.at[j, "tier_mean"] == pytest.approx(np.mean(Z.loc[members, j]), abs=1e-12)
        assert ind.at[j, "median"] == pytest.approx(np.median(col), abs=1e-12)
        assert ind.at[j, "gap_tier"] == pytest.approx(Z.at[region, j] - np.mean(Z.loc[members, j]), abs=1e-12)
    long = ds.long[(ds.long["region"] == region) & (ds.long["year"] == 2023)].set_index("indicator")
    for j in leaves:
        assert ind.at[j, "unit"] == long.at[j, "unit"]
        assert ind.at[j, "provenance"] == long.at[j, "provenance"]
        assert ind.at[j, "source"] == long.at[j, "source"]
    assert_allclose(ind["weight"].sum(), 100.0)


@pytest.mark.parametrize("region", REGIONS)
def test_strengths_and_weaknesses_follow_the_stated_rule(profiles, region):
    """Brute force of the rule: strength when z_j - mean(z) >= 10, weakness when <= -10 (min-max);
    pillars against the mean of the pillar scores; the rule's text states the margin and the mean."""
    p = profiles[region]
    z = p.indicators["normalised"].to_numpy(float)
    mean = float(np.mean(z))
    want = ["strength" if v - mean >= 10 else "weakness" if v - mean <= -10 else "" for v in z]
    assert list(p.indicators["mark"]) == want
    s = p.pillars["score"].to_numpy(float)
    want_p = ["strength" if v - s.mean() >= 10 else "weakness" if v - s.mean() <= -10 else "" for v in s]
    assert list(p.pillars["mark"]) == want_p
    assert p.margin == 10 and p.own_mean == pytest.approx(mean)
    assert f"{mean:.1f}" in p.rule("zh") and "10" in p.rule("en") and "European Innovation Scoreboard" in p.rule("en")


def test_zscore_margin_is_half_a_standard_deviation(ds):
    p = PR.profile(ds, default_spec(normalisation="zscore"), "贵州", robust=False, goal=False)
    assert p.margin == 0.5
    z = p.indicators["normalised"].to_numpy(float)
    assert list(p.indicators["mark"]) == ["strength" if v - z.mean() >= 0.5 else "weakness" if v - z.mean() <= -0.5
                                         else "" for v in z]


def test_pillar_rows_and_leader(ds, profiles):
    """Pillar scores and ranks are build()'s; 'best' is the top-ranked region's (广东), or the
    runner-up's for 广东 itself; weights are the framework's global pillar weights (%)."""
    res = build(ds, default_spec())
    for r, p in profiles.items():
        assert_allclose(p.pillars["score"].to_numpy(), res.scores.loc[r, list(p.pillars.index)].to_numpy())
        assert list(p.pillars["rank"]) == [int(res.ranks.at[r, k]) for k in p.pillars.index]
        assert p.leader == ("江苏" if r == "广东" else "广东")
        assert p.leader_rank == int(res.ranks.at[p.leader, "iidei"])
        assert_allclose(p.pillars["best"].to_numpy(), res.scores.loc[p.leader, list(p.pillars.index)].to_numpy())
    assert_allclose(profiles["贵州"].pillars["weight"].to_numpy(), [12.58, 14.89, 20.42, 29.73, 22.38], atol=1e-9)


# --------------------------------------------------------------------------------------------
# peers
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("region", ["贵州", "北京"])
def test_nearest_peers_are_scipy_euclidean(ds, prof, region):
    """Nearest regions by scipy.spatial.distance.cdist (Euclidean) on the 19 normalised scores."""
    p = prof.profile(region, goal=False, n_levers=0, n_peers=5)
    res = build(ds, default_spec())
    Z = res.normalised[list(res.spec.framework.leaves)]
    d = cdist(Z.loc[[region]].to_numpy(), Z.to_numpy())[0]
    order = [res.regions[i] for i in np.argsort(d, kind="stable") if res.regions[i] != region][:5]
    assert list(p.nearest["region"]) == order
    assert_allclose(p.nearest["distance"].to_numpy(), np.sort(d)[1:6], rtol=1e-12)
    first = p.nearest.iloc[0]
    gaps = Z.loc[first["region"]] - Z.loc[region]
    top = gaps.abs().sort_values(ascending=False).index[:3]
    assert [k for k, _ in first["apart"]] == list(top)


def test_neighbours_and_their_gap_decomposition(ds, profiles):
    """The regions just above and below in the ranking; under arithmetic means the indicator
    contributions w_bj z_bj - w_aj z_aj sum to the composite gap (checked over all leaves)."""
    res = build(ds, default_spec())
    order = list(res.composite.sort_values(ascending=False).index)
    p = profiles["贵州"]
    i = order.index("贵州")
    assert list(p.neighbours["region"]) == [order[i - 1], order[i + 1]]
    assert list(p.neighbours["position"]) == ["above", "below"]
    for _, row in p.neighbours.iterrows():
        assert row["gap"] == pytest.approx(res.composite[row["region"]] - res.composite["贵州"], abs=1e-12)
        W, Z = res.effective_weights, res.normalised
        c = W.loc[row["region"]] * Z.loc[row["region"]] - W.loc["贵州"] * Z.loc["贵州"]
        assert c.sum() == pytest.approx(row["gap"], abs=1e-9)
    assert list(profiles["广东"].neighbours["position"]) == ["below"]  # the top region has nobody above


# --------------------------------------------------------------------------------------------
# what it would take
# --------------------------------------------------------------------------------------------
def test_bars_are_held_by_regions(ds, profiles):
    """Each bar is the lowest composite of a tier (tier_thresholds without edits), held by that
    region; the gap is bar minus the region's composite."""
    res = build(ds, default_spec())
    base = simulate.baseline_tiers(res)
    th = simulate.tier_thresholds(res.composite, base)
    holders = simulate.tier_bar_holders(res.composite, base)
    p = profiles["贵州"]
    assert list(p.bars.index) == [1, 2, 3]
    for t, row in p.bars.iterrows():
        assert row["holder"] == holders[t] and row["bar"] == th[t]
        assert row["gap"] == pytest.approx(th[t] - res.composite["贵州"])
    assert p.bars.at[3, "gap"] <= 0 < p.bars.at[2, "gap"]


def test_levers_are_the_simulators(ds, profiles):
    lv = simulate.levers(ds, default_spec(), "贵州")
    want = lv.table[lv.table["gain_per_pct"] > 0].head(5)
    got = profiles["贵州"].levers
    assert list(got.index) == list(want.index)
    assert_allclose(got["gain_per_pct"].to_numpy(), want["gain_per_pct"].to_numpy())


def test_goal_seek_answers_hold_when_applied(ds, profiles):
    """The next tier's answers are goal_seek's (uniform; cheapest with the budget), and applying
    each answer's edits with whatif() puts the region in the target tier (the simulator's check)."""
    p = profiles["贵州"]
    assert p.target_tier == 2
    gu = simulate.goal_seek(ds, default_spec(), "贵州", target_tier=2, strategy="uniform")
    assert dict(p.goal_uniform.changes) == dict(gu.changes) and p.goal_uniform.uniform_pct == gu.uniform_pct
    gc = simulate.goal_seek(ds, default_spec(), "贵州", target_tier=2, strategy="cheapest",
                            max_evals=PR.CHEAPEST_BUDGET)
    assert dict(p.goal_cheapest.changes) == dict(gc.changes)
    for gs in (p.goal_uniform, p.goal_cheapest):
        assert gs.reached
        wi = simulate.whatif(ds, default_spec(), gs.applied_edits)
        assert int(wi.table.set_index("region").at["贵州", "tier_after"]) <= 2
    top = profiles["广东"]
    assert top.tier == 1 and top.target_tier is None and top.goal_uniform is None


def test_cheapest_budget_keeps_the_answer_valid(ds):
    """goal_seek(max_evals=1): the branch and bound barely starts, the answer still reaches the
    target (checked by applying it) and says it is not proven; without a budget on the linear
    case (fixed goalposts, no treatment) the answer is the exact linear programme's either way."""
    spec = default_spec()
    gs = simulate.goal_seek(ds, spec, "陕西", target_tier=1, strategy="cheapest", max_evals=1)
    assert gs.reached and not gs.proven
    wi = simulate.whatif(ds, spec, gs.applied_edits)
    assert int(wi.table.set_index("region").at["陕西", "tier_after"]) == 1
    lin = default_spec(treat="none")
    a = simulate.goal_seek(ds, lin, "陕西", target_tier=1, strategy="cheapest", mode="fixed", max_evals=1)
    b = simulate.goal_seek(ds, lin, "陕西", target_tier=1, strategy="cheapest", mode="fixed")
    assert a.method == b.method == "linprog" and dict(a.changes) == dict(b.changes) and a.proven
    with pytest.raises(IIScoreError, match="max_evals"):
        simulate.goal_seek(ds, spec, "陕西", target_tier=1, strategy="cheapest", max_evals=0)


# --------------------------------------------------------------------------------------------
# robustness
# --------------------------------------------------------------------------------------------
def test_monte_carlo_and_methods_band_are_the_engines(ds, profiles):
    """The rank interval is monte_carlo()'s p05/p95 with the same samples, spread and seed; the
    band is compare_methods()' best and worst rank over its ten methods."""
    res = build(ds, default_spec())
    tiers = simulate.baseline_tiers(res)
    mc = sensitivity.monte_carlo(ds, default_spec(), samples=500, seed=0, weight_noise=0.5, tiers=tiers)
    m = compare_methods(ds, default_spec())
    for r, p in profiles.items():
        assert p.mc["p05"] == mc.table.at[r, "p05_rank"] and p.mc["p95"] == mc.table.at[r, "p95_rank"]
        assert p.mc["median"] == mc.table.at[r, "median_rank"]
        assert p.mc["p_tier"] == mc.table.at[r, f"p_tier{p.tier}"]
        assert p.methods["best"] == m.ranks.loc[r].min() and p.methods["worst"] == m.ranks.loc[r].max()
        assert p.methods["n"] == 10 and p.methods["ranks"]["report"] == p.rank


def test_same_seed_same_numbers_other_seed_other_draws(ds):
    a = PR.profile(ds, default_spec(), "陕西", seed=7, mc_samples=200, goal=False)
    b = PR.profile(ds, default_spec(), "陕西", seed=7, mc_samples=200, goal=False)
    assert a.mc == b.mc
    mc = sensitivity.monte_carlo(ds, default_spec(), samples=200, seed=7, weight_noise=0.5,
                                 tiers=simulate.baseline_tiers(build(ds, default_spec())))
    assert a.mc["p05"] == mc.table.at["陕西", "p05_rank"] and a.mc["seed"] == 7 and a.mc["samples"] == 200


# --------------------------------------------------------------------------------------------
# scenarios: the app's numbers
# --------------------------------------------------------------------------------------------
SCENARIOS = {
    "edits-renormalise": dict(edits=[S.Edit("贵州", "network", "pct", 80.0), S.Edit("贵州", "adoption", "pct", 40.0),
                                     S.Edit("甘肃", "platform", "abs", 300.0)]),
    "weights-fixed": dict(weights={"application": 60.0, "basic": 5.0}, whatif="fixed", treat="none",
                          edits=[S.Edit("贵州", "application_level", "pct", 60.0)]),
    "kmeans-geometric": dict(tier_method="kmeans", aggregation="geometric", tier_seed=3),
    "pooled-2021": dict(year=2021, goalposts="pooled", tier_method="jenks"),
}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_profile_equals_the_apps_numbers_for_scenarios(ds, fw, name):
    """The profile of a scenario -- built as the app's state.profile builds it -- has the current
    result (iiscore_app.scenario.result_for: whatif in the scenario's mode) and the tiers every page
    shows (tiers_for, moved by tiers_crossed when the scenario edits), for several regions."""
    ctx = S.make_context(ds, fw)
    scn = ctx.defaults.replace(**SCENARIOS[name])
    cur = S.result_for(scn, ds, fw)
    unedited = S.result_for(scn, ds, fw, edits=False)
    tu = S.tiers_for(unedited, scn)
    tiers = S.tiers_crossed(tu, unedited, cur, edited=S.edited_regions(scn, ds, fw)) if scn.edits else tu
    prof = PR.Profiler(ds, unedited.spec, edits=S.sim_edits(scn), mode=scn.whatif, tiers=tu, mc_samples=100)
    prov = S.provenance_matrix(S.edited_dataset(scn, ds, scn.year, fw), scn.year, fw.leaves)
    share = S.estimate_share(cur, prov)
    scen = S.estimate_share(cur, prov, kinds=("scenario",))
    for r in ("贵州", "甘肃", "上海", "宁夏"):
        p = prof.profile(r, goal=False)
        assert p.composite == pytest.approx(cur.composite[r], abs=1e-12)
        assert p.rank == int(cur.ranks.at[r, cur.spec.framework.root])
        assert p.tier == int(tiers.tier[r])
        assert p.estimate_share == pytest.approx(share[r], abs=1e-12)
        assert p.scenario_share == pytest.approx(scen[r], abs=1e-12)
        assert_allclose(p.indicators["normalised"].to_numpy(float), cur.normalised.loc[r, list(fw.leaves)], atol=1e-12)
    if scn.edits:
        p = prof.profile("贵州", goal=False)
        assert (p.indicators["provenance"] == "scenario").sum() == sum(e.region == "贵州" for e in scn.edits)
        assert any("edits" in en for en, _ in p.caveats)


def test_goal_seek_of_an_edited_scenario_is_the_simulators(ds, fw):
    """With edits, the goal-seek starts from them (as the simulator's: tiers of the unedited data,
    edits=scenario's) and its applied_edits keep the scenario's other edits."""
    ctx = S.make_context(ds, fw)
    scn = ctx.defaults.replace(edits=[S.Edit("贵州", "network", "pct", 50.0), S.Edit("云南", "talent", "pct", 20.0)])
    unedited = S.result_for(scn, ds, fw, edits=False)
    tu = S.tiers_for(unedited, scn)
    p = PR.Profiler(ds, unedited.spec, edits=scn.edits, tiers=tu, robust=False).profile("贵州")
    gs = simulate.goal_seek(ds, unedited.spec, "贵州", target_tier=p.target_tier, strategy="uniform", tiers=tu.tier,
                            edits=scn.edits)
    assert dict(p.goal_uniform.changes) == dict(gs.changes)
    assert ("云南", "talent") in {(e.region, e.indicator) for e in p.goal_uniform.applied_edits}


# --------------------------------------------------------------------------------------------
# any framework
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def asem():
    fw = load_framework(COINR / "asem_framework.csv")
    return load_data(COINR / "asem_data.csv", fw), Spec(framework=fw)


@pytest.mark.parametrize("region", ["AUT", "CHN", "NZL"])
def test_a_framework_that_is_not_caicts_gets_a_profile(asem, region):
    """COINr's ASEM index (51 units, 49 indicators, 4 levels, lower-is-better indicators, missing
    values): the profile's composite and pillar scores are build()'s, its pillars are the root's
    children (Conn, Sust), every leaf is listed under its pillar, and the report-specific parts
    (the report's tier, its estimates) are left out."""
    ds, spec = asem
    p = PR.profile(ds, spec, region, mc_samples=100)
    res = build(ds, spec)
    assert p.composite == res.composite[region] and p.rank == int(res.ranks.at[region, "Index"])
    assert list(p.pillars.index) == ["Conn", "Sust"]
    assert_allclose(p.pillars["score"].to_numpy(), res.scores.loc[region, ["Conn", "Sust"]].to_numpy())
    assert len(p.indicators) == 49
    assert set(p.indicators["pillar"]) == {"Conn", "Sust"}
    assert p.report_tier is None and p.estimate_share == 0.0
    assert not any("report" in en for en, _ in p.caveats)
    assert p.n_regions == 51 and p.tier == int(simulate.baseline_tiers(res)[region])
    missing = p.indicators["raw"].isna()
    assert p.indicators.loc[missing, "rank"].isna().all()


def test_missing_indicators_left_out_of_the_distance(asem):
    """With missing values the distance uses the indicators both regions have, scaled by L/L_common."""
    ds, spec = asem
    p = PR.profile(ds, spec, "AUT", robust=False, goal=False, n_peers=50)
    res = build(ds, spec)
    Z = res.normalised
    for _, row in p.nearest.iterrows():
        a, b = Z.loc["AUT"].to_numpy(float), Z.loc[row["region"]].to_numpy(float)
        ok = np.isfinite(a) & np.isfinite(b)
        assert row["distance"] == pytest.approx(np.sqrt(np.sum((a[ok] - b[ok]) ** 2) * len(a) / ok.sum()))


# --------------------------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------------------------
def test_unknown_region_and_bad_parameters_are_named(ds, prof):
    with pytest.raises(DataError, match="Unknown region") as exc:
        prof.profile("Atlantis")
    assert exc.value.parameter == "region" and "未知地区" in exc.value.zh
    with pytest.raises(IIScoreError) as exc:
        prof.profile("贵州", margin=-1)
    assert exc.value.parameter == "margin"
    with pytest.raises(IIScoreError) as exc:
        PR.Profiler(ds, default_spec(), mc_samples=0)
    assert exc.value.parameter == "mc_samples"


def test_region_without_composite_has_no_profile(tiny_fw):
    """A region whose composite is withheld (coverage) gets a clear error, not a NaN profile."""
    data = pd.DataFrame([("r1", 2023, "a1", 0.0), ("r1", 2023, "a2", 10.0), ("r1", 2023, "b1", 5.0),
                         ("r2", 2023, "a1", 5.0), ("r2", 2023, "a2", 0.0), ("r2", 2023, "b1", 10.0),
                         ("r3", 2023, "a1", 10.0), ("r3", 2023, "a2", 5.0), ("r3", 2023, "b1", 0.0),
                         ("r4", 2023, "a1", 3.0)], columns=["region", "year", "indicator", "value"])
    ds = load_data(data, tiny_fw)
    spec = Spec(framework=tiny_fw, coverage=1.0)
    prof = PR.Profiler(ds, spec, robust=False)
    with pytest.raises(SpecError, match="no composite") as exc:
        prof.profile("r4")
    assert exc.value.parameter == "region"
    p = prof.profile("r1", goal=False)
    assert p.composite == pytest.approx(build(ds, spec).composite["r1"])
