"""Tests of iiscore.tiering (issue 5) on synthetic data; the CLI with a monkeypatched data source.

The report's tiers (6/11/10/4) are from CAICT, 工业互联网发展成效指数报告 2024, Fig. 12
(../shared/seed/published_facts.csv rows tier1..tier4).
"""
from __future__ import annotations

import io
import itertools
import sys
import types

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

from iiscore.errors import DataError, IIScoreError, SpecError
from iiscore.tiering import (
    EIS_THRESHOLDS,
    REPORT_SIZES,
    REPORT_TIER_NAMES,
    TierResult,
    compare,
    goodness_of_variance_fit,
    natural_breaks,
    report_tiers,
    silhouette_by_k,
    stability,
    stability_under_weight_noise,
    tier_names,
    tier_probabilities,
    tiers,
)

PILLARS = ["basic", "innovation", "industry", "application", "environment"]
CENTRES = (85.0, 60.0, 35.0, 10.0)


def grouped_scores(sizes=REPORT_SIZES, spread=2.0, seed=0, shuffle=True):
    """31 regions (the report's, if sizes match) in well separated groups.

    Pillars are the group centre plus noise; the composite is the mean of the pillars.
    Returns (scores, true group 1..4 with 1 = highest).
    """
    rng = np.random.default_rng(seed)
    n = sum(sizes)
    regions = list(report_tiers().index) if n == 31 else [f"R{i:02d}" for i in range(n)]
    truth = np.repeat(np.arange(1, len(sizes) + 1), sizes)
    centres = np.array(CENTRES[: len(sizes)])
    pillars = centres[truth - 1][:, None] + rng.normal(0, spread, size=(n, len(PILLARS)))
    df = pd.DataFrame(pillars, index=pd.Index(regions, name="region"), columns=PILLARS)
    df.insert(0, "iidei", df.mean(axis=1))
    truth = pd.Series(truth, index=df.index)
    if shuffle:
        perm = rng.permutation(n)
        df, truth = df.iloc[perm], truth.iloc[perm]
    return df, truth


def random_scores(n=31, seed=1):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(rng.uniform(0, 100, size=(n, 5)), columns=PILLARS,
                      index=pd.Index([f"R{i:02d}" for i in range(n)], name="region"))
    df.insert(0, "iidei", df.mean(axis=1))
    return df


# --------------------------------------------------------------------------------------------
# k-means
# --------------------------------------------------------------------------------------------
def test_kmeans_recovers_obvious_groups_and_orders_them():
    scores, truth = grouped_scores()
    res = tiers(scores, method="kmeans")
    assert isinstance(res, TierResult)
    assert res.method == "kmeans"
    assert list(res.assignment.columns) == ["tier", "tier_name_zh", "tier_name_en", "composite"]
    assert list(res.assignment.index) == list(scores.index)
    # same partition AND same numbering: tier 1 = the highest group
    pd.testing.assert_series_equal(res.tier, truth, check_names=False)
    # the report's tiers are recovered exactly (regions were generated from them)
    assert compare(report_tiers(), res).ari == 1.0
    assert list(res.centroids["n"]) == list(REPORT_SIZES)


def test_ordering_highest_composite_cluster_first():
    scores = random_scores(seed=3)
    for method in ("kmeans", "jenks"):
        res = tiers(scores, method=method, k=5)
        means = res.assignment.groupby("tier")["composite"].mean()
        assert list(means.index) == [1, 2, 3, 4, 5]
        assert means.is_monotonic_decreasing
        assert res.tier[scores["iidei"].idxmax()] == 1
        assert np.allclose(res.centroids["iidei"], means)


def test_kmeans_same_seed_same_tiers_and_robust_to_seed():
    scores = random_scores(seed=7)
    a = tiers(scores, method="kmeans", seed=11)
    b = tiers(scores, method="kmeans", seed=11)
    pd.testing.assert_frame_equal(a.assignment, b.assignment)
    pd.testing.assert_frame_equal(a.centroids, b.centroids)
    # with 20 restarts the result does not depend on the seed for clear groups
    grouped, truth = grouped_scores(spread=4.0, seed=5)
    results = [tiers(grouped, seed=s).tier for s in range(10)]
    for r in results:
        pd.testing.assert_series_equal(r, truth, check_names=False)


@pytest.mark.parametrize("features,standardise", [
    ("composite+pillars", False), ("composite+pillars", True), ("composite", False),
    (["iidei", "basic", "innovation"], True),
])
def test_kmeans_agrees_with_direct_sklearn_call(features, standardise):
    scores = random_scores(seed=2)
    res = tiers(scores, method="kmeans", k=4, features=features, standardise=standardise, seed=0, n_init=20)
    cols = {"composite+pillars": list(scores.columns), "composite": ["iidei"]}.get(
        features if isinstance(features, str) else "", features)
    x = scores[cols].to_numpy()
    if standardise:
        x = (x - x.mean(axis=0)) / x.std(axis=0)
    labels = KMeans(n_clusters=4, n_init=20, random_state=0).fit_predict(x)
    assert adjusted_rand_score(labels, res.tier) == 1.0
    assert res.params["features"] == tuple(cols)


def test_kmeans_k_too_large_and_bad_features():
    scores = random_scores(n=5)
    with pytest.raises(SpecError) as e:
        tiers(scores, method="kmeans", k=6)
    assert e.value.parameter == "k"
    same = pd.DataFrame({"c": [1.0, 1.0, 1.0, 2.0]}, index=list("abcd"))
    with pytest.raises(SpecError):
        tiers(same, method="kmeans", k=3)
    with pytest.raises(SpecError) as e:
        tiers(scores, method="kmeans", features="pillars")
    assert e.value.parameter == "features"
    with pytest.raises(SpecError) as e:
        tiers(scores, method="kmeans", features=["nope"])
    assert e.value.parameter == "features"


# --------------------------------------------------------------------------------------------
# natural breaks
# --------------------------------------------------------------------------------------------
def brute_force(x, k):
    """Best contiguous partition of sorted x into k classes over all breakpoints."""
    order = np.argsort(x, kind="stable")
    xs = x[order]
    n = len(x)
    best = (np.inf, None)
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = (0, *cuts, n)
        ssd = sum(((xs[a:b] - xs[a:b].mean()) ** 2).sum() for a, b in zip(bounds, bounds[1:]))
        if ssd < best[0] - 1e-12:
            best = (ssd, bounds)
    lab_sorted = np.repeat(np.arange(k), np.diff(best[1]))
    labels = np.empty(n, dtype=int)
    labels[order] = lab_sorted
    return best[0], labels


@pytest.mark.parametrize("seed", range(30))
def test_jenks_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 13))
    k = int(rng.integers(1, min(4, n) + 1))
    x = rng.gamma(2.0, 10.0, size=n)
    nb = natural_breaks(x, k)
    ssd, labels = brute_force(x, k)
    assert nb.ssd == pytest.approx(ssd, rel=1e-9, abs=1e-9)
    assert adjusted_rand_score(labels, nb.labels) == 1.0 or k == 1
    np.testing.assert_array_equal(nb.labels, labels)
    # goodness of variance fit: 1 - SDCM / SDAM
    sdam = ((x - x.mean()) ** 2).sum()
    assert nb.gvf == pytest.approx(1 - ssd / sdam)
    assert goodness_of_variance_fit(x, nb.labels) == pytest.approx(nb.gvf)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=1, max_size=11),
       st.integers(1, 4))
def test_jenks_never_worse_than_brute_force(values, k):
    x = np.array(values)
    k = min(k, len(np.unique(x)))
    nb = natural_breaks(x, k)
    ssd, _ = brute_force(x, k)
    # brute force may split ties; ours may not, so compare only when there are no ties
    if len(np.unique(x)) == len(x):
        assert nb.ssd <= ssd + 1e-7 * max(1.0, ssd)
    assert sorted(set(nb.labels)) == list(range(k))
    # classes are contiguous: the max of class c is below the min of class c + 1
    for c in range(k - 1):
        assert x[nb.labels == c].max() < x[nb.labels == c + 1].min()


def test_jenks_hand_example_and_ties():
    x = np.array([1, 2, 3, 10, 11, 12, 20, 21, 22], dtype=float)
    nb = natural_breaks(x, 3)
    assert list(nb.labels) == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert nb.breaks == (1.0, 3.0, 12.0, 22.0)
    assert nb.ssd == pytest.approx(6.0)
    # equal values never split
    y = np.array([5.0, 5.0, 5.0, 1.0, 9.0])
    nb = natural_breaks(y, 3)
    assert len(set(nb.labels[:3])) == 1
    with pytest.raises(SpecError) as e:
        natural_breaks(y, 4)  # only 3 distinct values
    assert e.value.parameter == "k"


def test_jenks_tiers_on_composite():
    scores, truth = grouped_scores()
    res = tiers(scores, method="jenks")
    pd.testing.assert_series_equal(res.tier, truth, check_names=False)
    assert res.params["gvf"] > 0.95
    assert len(res.params["breaks"]) == 5


# --------------------------------------------------------------------------------------------
# fixed sizes
# --------------------------------------------------------------------------------------------
def test_sizes_default_report_sizes_follow_composite_ranking():
    scores = random_scores(seed=4)
    res = tiers(scores, method="sizes")
    assert list(res.centroids["n"]) == [6, 11, 10, 4]
    top6 = scores["iidei"].sort_values(ascending=False).index[:6]
    assert set(res.tier[res.tier == 1].index) == set(top6)
    # monotone: every tier-1 composite >= every tier-2 composite, etc.
    a = res.assignment
    for t in (1, 2, 3):
        assert a.loc[a.tier == t, "composite"].min() >= a.loc[a.tier == t + 1, "composite"].max()
    assert tuple(res.assignment.loc[res.tier == 1, "tier_name_en"].unique()) == ("Leading",)


def test_sizes_ties_broken_by_region_order():
    scores = pd.DataFrame({"c": [5.0, 7.0, 7.0, 1.0]}, index=["a", "b", "c", "d"])
    with pytest.warns(UserWarning):
        res = tiers(scores, method="sizes", sizes=[1, 3])
    assert res.tier.to_dict() == {"a": 2, "b": 1, "c": 2, "d": 2}
    res = tiers(scores, method="sizes", sizes="2,2")
    assert res.tier.to_dict() == {"a": 2, "b": 1, "c": 1, "d": 2}


@pytest.mark.parametrize("sizes", [(6, 11, 10), (6, 11, 10, 5), (6, 0, 21, 4), (6.5, 10.5, 10, 4),
                                   "6,x,10", ()])
def test_sizes_bad_sizes_give_bilingual_error(sizes):
    scores = random_scores(seed=4)
    with pytest.raises(SpecError) as e:
        tiers(scores, method="sizes", sizes=sizes)
    err = e.value
    assert isinstance(err, IIScoreError)
    assert err.parameter == "sizes"
    assert "sizes" in err.message("en") and "sizes" in err.message("zh")
    assert "梯队" in err.zh
    if sizes == (6, 11, 10):
        assert "27" in err.en and "31" in err.en and "31" in err.zh


def test_sizes_k_mismatch():
    with pytest.raises(SpecError) as e:
        tiers(random_scores(), method="sizes", sizes=(6, 11, 10, 4), k=3)
    assert e.value.parameter == "k"


# --------------------------------------------------------------------------------------------
# relative to the average (European Innovation Scoreboard)
# --------------------------------------------------------------------------------------------
def test_average_thresholds_by_hand():
    # mean = 100, so ratios are 1.50, 1.25, 1.20, 1.00, 0.80, 0.70, 0.50, 1.05
    comp = [150.0, 125.0, 120.0, 100.0, 80.0, 70.0, 50.0, 105.0]
    assert np.mean(comp) == 100.0
    scores = pd.DataFrame({"iidei": comp}, index=list("abcdefgh"))
    res = tiers(scores, method="average")
    # >125 % -> 1; (100, 125] -> 2; (70, 100] -> 3; <= 70 % -> 4
    assert res.tier.to_dict() == {"a": 1, "b": 2, "c": 2, "d": 3, "e": 3, "f": 4, "g": 4, "h": 2}
    assert res.params["thresholds"] == EIS_THRESHOLDS
    assert res.params["mean"] == pytest.approx(100.0)
    assert list(res.centroids["n"]) == [1, 3, 2, 2]
    assert res.assignment.loc["a", "tier_name_zh"] == "示范引领"


def test_average_empty_tier_and_errors():
    scores = pd.DataFrame({"c": [100.0, 100.0, 100.0]}, index=list("abc"))
    res = tiers(scores, method="average")
    assert set(res.tier) == {3}
    assert res.centroids.loc[1, "n"] == 0 and np.isnan(res.centroids.loc[1, "c"])
    with pytest.raises(DataError):
        tiers(pd.DataFrame({"c": [-1.0, 0.5, 0.5]}), method="average")
    with pytest.raises(DataError):  # z-scores: mean ~ 0 but slightly positive
        tiers(pd.DataFrame({"c": [-1.0, 0.4, 0.6 + 1e-12]}), method="average")
    with pytest.raises(SpecError) as e:
        tiers(scores, method="average", thresholds=(0.7, 1.0))
    assert e.value.parameter == "thresholds"
    res = tiers(scores, method="average", thresholds=(1.5, 0.5))
    assert res.k == 3 and tier_names(3)[2] == ("第 3 梯队", "Tier 3")


# --------------------------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------------------------
def test_compare_hand_example():
    a = pd.Series([1, 1, 2, 2, 3, 3], index=list("abcdef"))
    # same regions in another order
    b = pd.Series({"a": 1, "b": 2, "c": 2, "d": 3, "e": 3, "f": 4}).loc[list("fedcba")]
    cmp = compare(a, b)
    expected = pd.DataFrame([[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]],
                            index=[1, 2, 3], columns=[1, 2, 3, 4])
    np.testing.assert_array_equal(cmp.confusion.to_numpy(), expected.to_numpy())
    assert list(cmp.confusion.index) == [1, 2, 3] and list(cmp.confusion.columns) == [1, 2, 3, 4]
    assert cmp.ari == pytest.approx(adjusted_rand_score([1, 1, 2, 2, 3, 3], [1, 2, 2, 3, 3, 4]))
    assert cmp.agreement == pytest.approx(3 / 6)
    assert cmp.movers.to_dict("records") == [
        {"region": "b", "from": 1, "to": 2, "direction": "down", "steps": -1},
        {"region": "d", "from": 2, "to": 3, "direction": "down", "steps": -1},
        {"region": "f", "from": 3, "to": 4, "direction": "down", "steps": -1},
    ]
    back = compare(b, a)
    assert set(back.movers["direction"]) == {"up"}
    assert back.ari == pytest.approx(cmp.ari)


def test_compare_with_report_and_region_mismatch():
    rep = report_tiers()
    assert len(rep) == 31 and list(rep.value_counts().sort_index()) == list(REPORT_SIZES)
    other = rep.copy()
    other["海南"] = 3
    other["北京"] = 2
    cmp = compare(rep, other)
    assert cmp.movers.set_index("region")[["from", "to", "direction"]].to_dict("index") == {
        "北京": {"from": 1, "to": 2, "direction": "down"},
        "海南": {"from": 4, "to": 3, "direction": "up"},
    }
    with pytest.raises(DataError) as e:
        compare(rep, rep.drop("西藏"))
    assert "西藏" in e.value.en and "西藏" in e.value.zh


# --------------------------------------------------------------------------------------------
# stability
# --------------------------------------------------------------------------------------------
def test_tier_probabilities_by_hand():
    assign = np.array([[1, 2, 3], [1, 3, 3], [2, 2, 3], [1, 2, 4]])
    p = tier_probabilities(assign, 4, regions=["x", "y", "z"])
    expected = np.array([[0.75, 0.25, 0, 0], [0, 0.75, 0.25, 0], [0, 0, 0.75, 0.25]])
    np.testing.assert_allclose(p.to_numpy(), expected)
    assert list(p.columns) == [1, 2, 3, 4] and list(p.index) == ["x", "y", "z"]
    with pytest.raises(SpecError):
        tier_probabilities(np.array([[0, 1]]), 2)
    with pytest.raises(SpecError):
        tier_probabilities(np.array([1, 2]), 2)


def leaf_problem(seed=0):
    scores, truth = grouped_scores(seed=seed, spread=6.0)
    rng = np.random.default_rng(seed)
    leaves, pillar_of, cols = [], {}, {}
    for p in PILLARS:
        for j in range(3):
            leaf = f"{p}_{j}"
            leaves.append(leaf)
            pillar_of[leaf] = p
            cols[leaf] = scores[p] + rng.normal(0, 3, size=len(scores))
    norm = pd.DataFrame(cols)
    weights = pd.Series(rng.uniform(0.5, 2.0, size=len(leaves)), index=leaves)
    return norm, weights, pd.Series(pillar_of), truth


def test_weight_noise_zero_noise_gives_baseline_tiers():
    norm, w, pillar_of, _ = leaf_problem()
    wn = w / w.sum()
    pill = pd.DataFrame({p: (norm[l] * wn[l]).sum(axis=1) / wn[l].sum()
                         for p, l in pillar_of.groupby(pillar_of).groups.items()})[PILLARS]
    comp = (norm * wn).sum(axis=1)
    # composite = weighted mean of pillars, each weighted by the sum of its leaves' weights
    pw = wn.groupby(pillar_of).sum()[PILLARS]
    np.testing.assert_allclose(comp, (pill * pw).sum(axis=1))
    base = tiers(pd.concat([comp.rename("composite"), pill], axis=1), method="kmeans")
    p = stability_under_weight_noise(norm, w, pillar_of, noise=0.0, n=5, seed=3)
    np.testing.assert_array_equal(p.idxmax(axis=1), base.tier)
    assert set(np.unique(p.to_numpy())) <= {0.0, 1.0}


def test_weight_noise_probabilities_and_determinism():
    norm, w, pillar_of, truth = leaf_problem(seed=1)
    p1 = stability_under_weight_noise(norm, w, pillar_of, noise=0.3, n=40, seed=9)
    p2 = stability_under_weight_noise(norm, w, pillar_of, noise=0.3, n=40, seed=9)
    pd.testing.assert_frame_equal(p1, p2)
    np.testing.assert_allclose(p1.sum(axis=1), 1.0)
    assert list(p1.index) == list(norm.index) and list(p1.columns) == [1, 2, 3, 4]
    # clear groups stay put
    assert (p1.idxmax(axis=1) == truth).all()
    # other methods, and missing values are re-weighted
    norm2 = norm.copy()
    norm2.iloc[0, 0] = np.nan
    p3 = stability_under_weight_noise(norm2, w, pillar_of, noise=0.2, n=10, seed=1, method="sizes")
    np.testing.assert_allclose(p3.sum(axis=1), 1.0)
    with pytest.raises(SpecError) as e:
        stability_under_weight_noise(norm, w, pillar_of, noise=1.5)
    assert e.value.parameter == "noise"
    with pytest.raises(DataError):
        stability_under_weight_noise(norm, w.iloc[1:], pillar_of)


def test_weight_noise_scores_match_build_with_missing_values():
    """With missing leaves, the re-computed scores are build(missing="reweight")'s: pillars over
    their observed leaves, the composite over pillars weighted by their full weight (a pooled mean
    over all observed leaves would give the pillar with a gap less say). The scores come from the
    engine's one roll-up (RollUp.batch) with every node's weights given, tested here against build()."""
    from iiscore import Spec, build, load_default, load_default_framework
    from iiscore.aggregate import RollUp
    from iiscore.data import Dataset

    ds, fw = load_default(), load_default_framework()
    m = ds.matrix(2023)
    long = ds.long.copy()
    gaps = [("北京", fw.leaves[0]), ("北京", fw.leaves[1]), ("海南", fw.leaves[-1]), ("西藏", fw.leaves[7])]
    for r, leaf in gaps:
        long.loc[(long.region == r) & (long.year == 2023) & (long.indicator == leaf), "value"] = np.nan
    res = build(Dataset(long, ds.region_info), Spec(framework=fw, year=2023, missing="reweight"))
    assert res.normalised.isna().sum().sum() == len(gaps) and m.notna().all().all()
    pillar_of = pd.Series({leaf: fw.parent(leaf) for leaf in fw.leaves})
    x = res.normalised[list(fw.leaves)].to_numpy(float)
    w = fw.global_weights().reindex(fw.leaves).to_numpy(float)
    weights = {p: w[None, [j for j, leaf in enumerate(fw.leaves) if pillar_of[leaf] == p]] for p in fw.pillars}
    weights[fw.root] = np.array([[weights[p].sum() for p in fw.pillars]])
    got = RollUp(fw, "arithmetic").batch(x, weights, keep=fw.pillars)
    np.testing.assert_allclose(got[fw.root][0], res.composite.to_numpy(), rtol=0, atol=1e-9)
    for p in fw.pillars:
        np.testing.assert_allclose(got[p][0], res.scores[p].to_numpy(), rtol=0, atol=1e-9)
    # and the tiers at zero noise are the tiers of build()'s scores
    p = stability_under_weight_noise(res.normalised, fw.global_weights(), pillar_of, noise=0.0, n=2,
                                     method="sizes")
    sized = tiers(res.scores[[fw.root, *fw.pillars]], method="sizes")
    np.testing.assert_array_equal(p.idxmax(axis=1).to_numpy(), sized.tier.to_numpy())


def test_stability_with_callable_and_tables():
    scores, _ = grouped_scores(seed=2)

    def jitter(rng):
        return scores + rng.normal(0, 1.0, size=scores.shape)

    p = stability(jitter, n=15, seed=4, method="jenks")
    q = stability(jitter, n=15, seed=4, method="jenks")
    pd.testing.assert_frame_equal(p, q)
    assert (p.max(axis=1) == 1.0).all()
    p2 = stability([scores, scores], method="kmeans")
    assert (p2.max(axis=1) == 1.0).all()
    with pytest.raises(SpecError):
        stability(jitter)


# --------------------------------------------------------------------------------------------
# silhouette
# --------------------------------------------------------------------------------------------
def test_silhouette_by_k_peaks_at_true_number_of_groups():
    scores, _ = grouped_scores(spread=3.0)
    sil = silhouette_by_k(scores)
    assert list(sil.index) == list(range(2, 9))
    assert sil["silhouette"].idxmax() == 4
    labels = tiers(scores, method="kmeans", k=3).tier
    assert sil.loc[3, "silhouette"] == pytest.approx(silhouette_score(scores.to_numpy(), labels))
    with pytest.raises(SpecError):
        silhouette_by_k(scores, ks=[1, 2])


# --------------------------------------------------------------------------------------------
# input checks, names
# --------------------------------------------------------------------------------------------
def test_names_and_input_errors():
    assert tier_names(4) == REPORT_TIER_NAMES
    assert tier_names(2) == (("第 1 梯队", "Tier 1"), ("第 2 梯队", "Tier 2"))
    scores = random_scores(n=8)
    res = tiers(scores, method="kmeans", k=3)
    assert set(res.assignment["tier_name_en"]) == {"Tier 1", "Tier 2", "Tier 3"}
    bad = scores.copy()
    bad.iloc[2, 3] = np.nan
    with pytest.raises(DataError) as e:
        tiers(bad)
    assert "R02" in e.value.en and "R02" in e.value.zh
    with pytest.raises(SpecError) as e:
        tiers(scores, method="hclust")
    assert e.value.parameter == "method"
    with pytest.raises(SpecError) as e:
        tiers(scores, composite="total")
    assert e.value.parameter == "composite"
    with pytest.raises(SpecError):
        tiers(scores, k=0)
    with pytest.raises(SpecError):
        tiers(scores, k=2.5)
    with pytest.raises(DataError):
        tiers(scores.values)
    # composite named explicitly, not first
    res = tiers(scores[PILLARS + ["iidei"]], composite="iidei", method="sizes", sizes=[2, 6])
    assert res.params["composite"] == "iidei"
    assert res.tier[scores["iidei"].idxmax()] == 1


def test_sorted_order():
    scores = random_scores(seed=8)
    out = tiers(scores, method="kmeans").sorted()
    assert list(out["tier"]) == sorted(out["tier"])
    for _, g in out.groupby("tier"):
        assert g["composite"].is_monotonic_decreasing


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------
def _cli_tiers(argv, capsys):
    from iiscore.cli import main

    code = main(["tiers", *argv])
    cap = capsys.readouterr()
    return code, cap


def _builtin_table():
    from iiscore import build, default_spec, load_default

    res = build(load_default(), default_spec())
    fw = res.spec.framework
    return res.scores[[fw.root, *fw.pillars]]


def test_cli_default_is_the_reports_sizes(capsys, tmp_path):
    """``tiers`` without options: the report's 6/11/10/4 down the composite ranking, the same as
    ``tiers(table)`` computed directly; --out writes the same text; --compare prints the ARI."""
    code, cap = _cli_tiers([], capsys)
    assert code == 0
    out = pd.read_csv(io.StringIO(cap.out))
    assert list(out.columns) == ["region", "tier", "tier_name_zh", "tier_name_en", "composite"]
    assert list(out["tier"].value_counts().sort_index()) == [6, 11, 10, 4]
    direct = tiers(_builtin_table(), method="sizes").tier
    assert out.set_index("region")["tier"].to_dict() == direct.to_dict()
    for _, g in out.groupby("tier"):
        assert g["composite"].is_monotonic_decreasing
    path = tmp_path / "t.csv"
    code, cap = _cli_tiers(["--out", str(path), "--compare", "report"], capsys)
    assert code == 0 and path.read_text(encoding="utf-8") == out.to_csv(index=False, lineterminator="\n")
    assert "ARI = " in cap.err


def test_cli_other_methods_and_bad_sizes(capsys):
    code, cap = _cli_tiers(["--method", "kmeans", "--seed", "3"], capsys)
    km = tiers(_builtin_table(), method="kmeans", seed=3).tier
    assert code == 0 and pd.read_csv(io.StringIO(cap.out)).set_index("region")["tier"].to_dict() == km.to_dict()
    code, cap = _cli_tiers(["--method", "average", "--thresholds", "1.2,0.9,0.5"], capsys)
    assert code == 0
    code, cap = _cli_tiers(["--method", "sizes", "--sizes", "6,11,10"], capsys)
    assert code == 2 and "sizes" in cap.err and cap.err.count("\n") == 1


def test_default_data_end_to_end():
    """The built-in data through the core (skipped while the core is incomplete)."""
    from iiscore import build, default_spec, load_default

    spec = default_spec()
    res = build(load_default(), spec)
    fw = spec.framework
    scores = res.scores[[fw.root, *fw.children(fw.root)]]
    for method in ("kmeans", "jenks", "sizes"):
        t = tiers(scores, method=method)
        assert t.tier[scores[fw.root].idxmax()] == 1
        cmp = compare(report_tiers(), t)
        assert -1.0 <= cmp.ari <= 1.0
    sized = tiers(scores, method="sizes")
    assert compare(report_tiers(), sized).confusion.to_numpy().sum() == 31

    def pillar(leaf):
        while fw.parent(fw.parent(leaf)) is not None:
            leaf = fw.parent(leaf)
        return leaf

    pillar_of = pd.Series({leaf: pillar(leaf) for leaf in fw.leaves})
    p = stability_under_weight_noise(res.normalised, fw.global_weights(), pillar_of,
                                     noise=0.0, n=2, method="sizes")
    # zero noise reproduces the pipeline's tiers when the roll-up is arithmetic
    if getattr(spec, "aggregation", "arithmetic") == "arithmetic" and \
            res.normalised.notna().all().all():
        np.testing.assert_array_equal(p.idxmax(axis=1).to_numpy(), sized.tier.to_numpy())


def test_default_data_kmeans_figures_stated_in_data_readme():
    """data/README.md, "Tiers: what k-means finds": sizes 4/2/12/13 and ARI 0.669 against the report."""
    from iiscore import build, default_spec, load_default

    res = build(load_default(), default_spec())
    fw = res.framework
    t = tiers(res.scores[[fw.root, *fw.pillars]], method="kmeans", seed=0)
    assert t.assignment["tier"].value_counts().sort_index().tolist() == [4, 2, 12, 13]
    assert set(t.tier[t.tier == 1].index) == {"广东", "江苏", "山东", "浙江"}
    assert round(compare(report_tiers(), t).ari, 3) == 0.669
