"""Tests of iiscore.sensitivity: sweeps, exact swap weights, Monte Carlo, Sobol, CLI."""
from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from iiscore import SpecError, Spec, build, load_data, load_framework
from iiscore import sensitivity as S
from iiscore.sensitivity.engine import Engine
from iiscore.framework import default_framework_path


# --------------------------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------------------------
def _fw_frame(rows):
    return pd.DataFrame(rows, columns=["id", "parent", "weight", "direction", "name_zh", "name_en"])


def _long(values: dict, year=2023):
    """{region: {indicator: value}} -> long DataFrame."""
    return pd.DataFrame([(r, year, i, v) for r, d in values.items() for i, v in d.items()],
                        columns=["region", "year", "indicator", "value"])


def synthetic(n_regions=31, missing=0.0, seed=3):
    """CAICT framework, regions driven by one latent development factor plus noise."""
    fw = load_framework(default_framework_path())
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n_regions)
    vals = np.exp(f[:, None] + 0.6 * rng.normal(size=(n_regions, len(fw.leaves))))
    if missing:
        vals[rng.random(vals.shape) < missing] = np.nan
    wide = pd.DataFrame(vals, columns=list(fw.leaves))
    wide.insert(0, "year", 2023)
    wide.insert(0, "region", [f"R{i:02d}" for i in range(n_regions)])
    return fw, load_data(wide, fw)


@pytest.fixture(scope="module")
def caict():
    fw, ds = synthetic()
    return ds, Spec(framework=fw)


@pytest.fixture(scope="module")
def caict_missing():
    fw, ds = synthetic(missing=0.08, seed=5)
    return ds, Spec(framework=fw)


# Hand-computed rank reversal: two pillars with one indicator each, three regions.
# min-max: x1 -> a 100, b 60, c 0; x2 -> a 20, b 100, c 0. With P1's weight t:
# a = 100 t + 20 (1 - t) = 20 + 80 t, b = 60 t + 100 (1 - t) = 100 - 40 t: equal at t = 2/3.
HAND_FW = _fw_frame([("idx", "", 1, 1, "指数", "Index"),
                     ("P1", "idx", 1, 1, "一", "P1"), ("P2", "idx", 1, 1, "二", "P2"),
                     ("x1", "P1", 1, 1, "x1", "x1"), ("x2", "P2", 1, 1, "x2", "x2")])
HAND_DATA = _long({"a": {"x1": 10.0, "x2": 2.0}, "b": {"x1": 6.0, "x2": 10.0}, "c": {"x1": 0.0, "x2": 0.0}})


@pytest.fixture
def hand():
    fw = load_framework(HAND_FW)
    return load_data(HAND_DATA, fw), Spec(framework=fw)


def _loop_composite(ds, spec, slots, W):
    """The slow reference: one build() per weight vector."""
    out = []
    for w in W:
        fw = spec.framework.with_weights({child: float(x) for (_, child), x in zip(slots, w)})
        out.append(build(ds, spec.replace(framework=fw)).composite.to_numpy())
    return np.array(out)


# --------------------------------------------------------------------------------------------
# ranks and histograms
# --------------------------------------------------------------------------------------------
def test_rank_rows_matches_pandas_min_ranks_with_ties_and_nan():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 5, size=(200, 9)).astype(float)
    X[rng.random(X.shape) < 0.1] = np.nan
    got = S.rank_rows(X)
    ref = pd.DataFrame(X).rank(axis=1, method="min", ascending=False, na_option="bottom").to_numpy()
    assert_array_equal(got, ref)


@pytest.mark.parametrize("q", [0.0, 0.05, 0.3, 0.5, 0.95, 1.0])
def test_histogram_quantile_equals_numpy_quantile(q):
    rng = np.random.default_rng(1)
    ranks = rng.integers(1, 8, size=(1001, 7))
    counts = np.stack([np.bincount(ranks[:, i] - 1, minlength=7) for i in range(7)])
    assert_allclose(S.histogram_quantile(counts, q), np.quantile(ranks, q, axis=0))


# --------------------------------------------------------------------------------------------
# one-at-a-time sweeps and exact swaps
# --------------------------------------------------------------------------------------------
def test_hand_computed_rank_reversal(hand):
    ds, spec = hand
    assert_allclose(S.swap_weights(ds, spec, "P1", "a", "b"), [2 / 3], atol=1e-12)
    sw = S.sweep(ds, spec, "P1", points=7)
    t = sw.weights
    assert_allclose(sw.composite["a"], 20 + 80 * t, atol=1e-12)
    assert_allclose(sw.composite["b"], 100 - 40 * t, atol=1e-12)
    assert_allclose(sw.crossings("a", "b"), [2 / 3], atol=1e-12)
    assert sw.ranks["b"].iloc[3] == 1 and sw.ranks["a"].iloc[5] == 1  # t = 1/2 and t = 5/6
    at = S.sweep(ds, spec, "P1", weights=[2 / 3])
    assert at.composite.iloc[0]["a"] == pytest.approx(at.composite.iloc[0]["b"], abs=1e-12)
    # symmetric; "c" (0 everywhere) never meets "a" (a = 20 + 80 t > 0)
    assert_allclose(S.swap_weights(ds, spec, "P2", "b", "a"), [1 / 3], atol=1e-12)
    assert S.swap_weights(ds, spec, "P1", "a", "c") == ()


def test_two_regions_two_pillars_swap_at_one_half():
    fw = load_framework(HAND_FW)
    ds = load_data(_long({"a": {"x1": 3.0, "x2": 1.0}, "b": {"x1": 1.0, "x2": 3.0}}), fw)
    # min-max: a = (100, 0), b = (0, 100): a = 100 t, b = 100 (1 - t) -> t = 1/2
    assert_allclose(S.swap_weights(ds, Spec(framework=fw), "P1", "a", "b"), [0.5], atol=1e-12)


@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
@pytest.mark.parametrize("node", ["application", "platform", "talent"])
def test_swap_weights_agree_with_the_sweep_with_missing_values(caict_missing, aggregation, node):
    ds, spec = caict_missing
    spec = spec.replace(aggregation=aggregation)
    sw = S.sweep(ds, spec, node, points=2001)
    regions = list(build(ds, spec).composite.sort_values().index)
    found = 0
    for a, b in [(regions[i], regions[i + d]) for d in (1, 2, 3) for i in range(31 - d)]:
        roots = S.swap_weights(ds, spec, node, a, b)
        # every exact root is a tie...
        if roots:
            at = S.sweep(ds, spec, node, weights=list(roots)).composite
            assert_allclose(at[a], at[b], rtol=0, atol=1e-9)
        # ...and every sign change of the sweep brackets one exact root (except the jump in the
        # last grid interval: at t = 1 a region lacking the node loses the whole parent)
        for c in [c for c in sw.crossings(a, b) if c < sw.weights[-2]]:
            assert min(abs(np.array(roots) - c)) < 1e-3 if roots else False
            found += 1
    assert found > 0


def test_sweep_equals_build_loop(caict_missing):
    ds, spec = caict_missing
    t = np.array([0.0, 0.13, 0.5, 0.97, 1.0])
    sw = S.sweep(ds, spec, "basic", weights=t)
    fw = spec.framework
    w0 = fw.local_weights("iidei")
    for i, ti in enumerate(t):
        raw = {k: (ti if k == "basic" else (1 - ti) * w0[k] / (1 - w0["basic"])) for k in w0.index}
        ref = build(ds, spec.replace(framework=fw.with_weights(raw))).composite
        assert_allclose(sw.composite.iloc[i].to_numpy(), ref.to_numpy(), atol=1e-9)


def test_sweep_rejects_the_root_and_unknown_regions(caict):
    ds, spec = caict
    with pytest.raises(SpecError, match="root") as e:
        S.sweep(ds, spec, "iidei")
    assert "根节点" in e.value.zh
    with pytest.raises(SpecError, match="region_b"):
        S.swap_weights(ds, spec, "basic", "R00", "Atlantis")


# --------------------------------------------------------------------------------------------
# the fast path is build()
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("level", ["pillars", "indicators", "both"])
@pytest.mark.parametrize("aggregation,missing", [("arithmetic", "reweight"), ("geometric", "reweight"),
                                                 ("arithmetic", "mean")])
def test_evaluator_equals_loop_over_build(caict_missing, level, aggregation, missing):
    ds, spec = caict_missing
    spec = spec.replace(aggregation=aggregation, missing=missing)
    res = build(ds, spec)
    ev = S.evaluator(res, level)
    rng = np.random.default_rng(7)
    W = ev.base[None, :] * rng.uniform(0.2, 1.8, size=(6, len(ev.base)))
    W[0, 0] = 0.0  # a zero weight is allowed
    assert_allclose(ev.composite(W), _loop_composite(ds, spec, ev.slots, W), rtol=0, atol=1e-9)
    assert_allclose(ev.composite(ev.base)[0], res.composite.to_numpy(), atol=1e-9)


def test_three_level_framework_fast_path_and_swaps():
    """root -> 2 pillars -> sub-pillars -> leaves, with missing values and a zero base weight."""
    rows = [("idx", "", 1, 1, "", ""), ("A", "idx", 2, 1, "", ""), ("B", "idx", 1, 1, "", ""),
            ("A1", "A", 1, 1, "", ""), ("A2", "A", 3, 1, "", ""), ("B1", "B", 1, 1, "", "")]
    leaves = {"A1": ["x1", "x2"], "A2": ["x3", "x4", "x5"], "B1": ["x6", "x7"]}
    for parent, kids in leaves.items():
        rows += [(k, parent, 1 + i, -1 if k == "x4" else 1, "", "") for i, k in enumerate(kids)]
    rows[-1] = ("x7", "B1", 0, 1, "", "")
    fw = load_framework(_fw_frame(rows), strict_weights=False)
    rng = np.random.default_rng(4)
    vals = rng.lognormal(size=(15, 7))
    vals[rng.random(vals.shape) < 0.12] = np.nan
    names = [f"x{j}" for j in range(1, 8)]
    ds = load_data(_long({f"R{i}": dict(zip(names, map(float, vals[i]))) for i in range(15)}), fw)
    for aggregation in ("arithmetic", "geometric"):
        spec = Spec(framework=fw, aggregation=aggregation)
        ev = S.evaluator(build(ds, spec), "both")
        W = ev.base[None, :] * rng.uniform(0.1, 2.0, size=(5, len(ev.base)))
        assert_allclose(ev.composite(W), _loop_composite(ds, spec, ev.slots, W), atol=1e-9)
        sw = S.sweep(ds, spec, "x3", points=1001)
        found = 0
        for a, b in [(f"R{i}", f"R{j}") for i in range(15) for j in range(i + 1, 15)]:
            roots = S.swap_weights(ds, spec, "x3", a, b)
            if roots:
                at = S.sweep(ds, spec, "x3", weights=list(roots)).composite
                assert_allclose(at[a], at[b], atol=1e-9)
            for c in [c for c in sw.crossings(a, b) if sw.weights[1] < c < sw.weights[-2]]:
                assert roots and min(abs(np.array(roots) - c)) < 1e-3
                found += 1
        assert found > 0


def test_engine_variants_equal_loop_over_build(caict_missing):
    """Weights, normalisation, aggregation and treatment drawn together, one build per variant."""
    ds, spec = caict_missing
    options = {"normalisation": ("minmax", "rank"), "aggregation": ("arithmetic", "geometric"),
               "treat": ("none", "log", "winsor")}
    eng = Engine(ds, spec, "both", ("weights", "normalisation", "aggregation", "treat"),
                    ("noise", 0.3), options)
    W, V = eng.draw(11, 100, 112)
    comp = eng.composite(W, V)
    assert len(set(V.tolist())) > 3
    for r in range(len(W)):
        vs = eng.variant_spec(int(V[r]))
        ref = _loop_composite(ds, vs, eng.slots, W[r:r + 1])[0]
        assert_allclose(comp[r], ref, rtol=0, atol=1e-9)


# --------------------------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("law", [{"weight_noise": 0.0}, {"concentration": np.inf}])
def test_zero_noise_gives_base_ranks_and_zero_width_intervals(caict, law):
    ds, spec = caict
    res = build(ds, spec)
    tiers = S.base_tiers(res)
    mc = S.monte_carlo(ds, spec, samples=500, level="both", tiers=tiers, **law)
    t = mc.table
    for col in ("median_rank", "p05_rank", "p95_rank"):
        assert_array_equal(t[col].to_numpy(), t["base_rank"].to_numpy())
    assert (t["mean_abs_shift"] == 0).all()
    assert_array_equal(t["base_rank"].to_numpy(), res.ranks["iidei"].to_numpy())
    p = t[[f"p_tier{k}" for k in range(1, 5)]].to_numpy()
    assert_array_equal(p[np.arange(31), tiers.to_numpy() - 1], 1.0)


def test_same_seed_same_output_and_chunking_does_not_matter(caict_missing):
    ds, spec = caict_missing
    tiers = S.base_tiers(build(ds, spec))
    kw = dict(samples=3000, seed=42, level="both", concentration=40, tiers=tiers,
              vary="weights,aggregation,treat")
    a = S.monte_carlo(ds, spec, chunk_size=100000, **kw)
    b = S.monte_carlo(ds, spec, chunk_size=777, **kw)
    c = S.monte_carlo(ds, spec, chunk_size=1, **{**kw, "samples": 300})
    d = S.monte_carlo(ds, spec, chunk_size=4096, **{**kw, "samples": 300})
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.rank_counts, b.rank_counts)
    pd.testing.assert_frame_equal(c.table, d.table)
    e = S.monte_carlo(ds, spec, chunk_size=777, **{**kw, "seed": 43})
    assert not e.table.equals(a.table)
    assert a.table["mean_abs_shift"].sum() > 0


def test_monte_carlo_statistics_equal_stored_ranks(caict):
    """Histogram percentiles and shifts equal numpy on the stored ranks of the same draws."""
    ds, spec = caict
    mc = S.monte_carlo(ds, spec, samples=2500, seed=5, weight_noise=0.5)
    eng = Engine(ds, spec, "pillars", ("weights",), ("noise", 0.5), {})
    W, V = eng.draw(5, 0, 2500)
    ranks = S.rank_rows(eng.composite(W, V))
    base = build(ds, spec).ranks["iidei"].to_numpy()
    assert_allclose(mc.table["median_rank"], np.median(ranks, axis=0))
    assert_allclose(mc.table["p05_rank"], np.quantile(ranks, 0.05, axis=0))
    assert_allclose(mc.table["p95_rank"], np.quantile(ranks, 0.95, axis=0))
    assert_allclose(mc.table["mean_abs_shift"], np.abs(ranks - base).mean(axis=0))


def test_weight_laws_are_centred_on_the_base_weights(caict):
    ds, spec = caict
    base = spec.framework.local_weights("iidei").to_numpy()
    for law in (("noise", 0.3), ("dirichlet", 30.0)):
        eng = Engine(ds, spec, "pillars", ("weights",), law, {})
        W, _ = eng.draw(0, 0, 20000)
        assert_allclose(W.sum(axis=1), 1.0)
        assert_allclose(W.mean(axis=0), base, atol=0.01)
        U = np.random.default_rng(0).random((20000, 5))
        Wu, _ = eng.from_unit(U)
        assert_allclose(Wu.mean(axis=0), base, atol=0.01)
    # Dirichlet variance w0 (1 - w0) / (alpha + 1)
    assert_allclose(W.var(axis=0), base * (1 - base) / 31, rtol=0.1)


def test_tier_rules_reproduce_their_base_tiering_without_noise(caict):
    ds, spec = caict
    res = build(ds, spec)
    from iiscore import tiering

    sizes = tiering.tiers(res.scores[["iidei", *spec.framework.pillars]], method="sizes")
    km = tiering.tiers(res.scores[["iidei", *spec.framework.pillars]], method="kmeans", k=4, seed=0)
    cols = [f"p_tier{k}" for k in range(1, 5)]
    for tiers, rule in ((sizes, "scores"), (sizes, "ranks"), (km, "centroids"), (km.tier, "centroids")):
        mc = S.monte_carlo(ds, spec, samples=50, weight_noise=0, tiers=tiers, tier_rule=rule)
        assert mc.tier_rule == rule
        p = mc.table[cols].to_numpy()
        assert_array_equal(p[np.arange(31), tiers.tier.to_numpy() - 1 if hasattr(tiers, "tier")
                             else tiers.to_numpy() - 1], 1.0)
    assert S.monte_carlo(ds, spec, samples=10, tiers=sizes).tier_rule == "scores"
    assert S.monte_carlo(ds, spec, samples=10, tiers=sizes, vary="weights,treat").tier_rule == "ranks"


def test_tier_probabilities_sum_to_one_and_recluster(caict):
    ds, spec = caict
    res = build(ds, spec)
    tiers = S.base_tiers(res)
    mc = S.monte_carlo(ds, spec, samples=2000, weight_noise=0.4, tiers=tiers, recluster=20)
    p = mc.table[[f"p_tier{k}" for k in range(1, 5)]].sum(axis=1)
    q = mc.table[[f"p_retier{k}" for k in range(1, 5)]].sum(axis=1)
    assert_allclose(p, 1.0)
    assert_allclose(q, 1.0)
    # without noise the re-clustered tiers are the base tiers
    mc0 = S.monte_carlo(ds, spec, samples=5, weight_noise=0, tiers=tiers, recluster=5)
    r = mc0.table[[f"p_retier{k}" for k in range(1, 5)]].to_numpy()
    assert_array_equal(r[np.arange(31), tiers.to_numpy() - 1], 1.0)


def test_progress_is_reported_per_chunk(caict):
    ds, spec = caict
    seen = []
    S.monte_carlo(ds, spec, samples=1000, chunk_size=300, progress=seen.append)
    assert seen == pytest.approx([0.3, 0.6, 0.9, 1.0])


@pytest.mark.parametrize("kwargs,param", [
    ({"level": "regions"}, "level"),
    ({"vary": "weights,colour"}, "vary"),
    ({"weight_noise": 0.2, "concentration": 10}, "weight_noise"),
    ({"weight_noise": 1.5}, "weight_noise"),
    ({"concentration": -1}, "concentration"),
    ({"samples": 0}, "samples"),
    ({"chunk_size": 2.5}, "chunk_size"),
    ({"tier_rule": "nearest"}, "tier_rule"),
    ({"progress": "yes"}, "progress"),
    ({"vary": "normalisation", "normalisations": ("minmax", "zscore"), "aggregations": ("geometric",),
      "tiers": None}, "normalisations"),
    ({"vary": "normalisation", "normalisations": ("minmax", "softmax")}, "normalisations"),
    ({"recluster": 3}, "recluster"),
])
def test_bad_arguments_raise_spec_errors_in_both_languages(caict, kwargs, param):
    ds, spec = caict
    if param == "normalisations" and "aggregations" in kwargs:
        spec = spec.replace(aggregation="geometric")
        kwargs = {k: v for k, v in kwargs.items() if k != "aggregations"}
    with pytest.raises(SpecError) as e:
        S.monte_carlo(ds, spec, samples=kwargs.pop("samples", 10), **kwargs)
    assert e.value.parameter == param
    assert e.value.zh != e.value.en


# --------------------------------------------------------------------------------------------
# Sobol
# --------------------------------------------------------------------------------------------
def test_sobol_known_answer_irrelevant_inputs_get_zero():
    """A constant indicator's weight and a choice between two normalisations that give identical
    scores (min-max and distance-to-frontier coincide when every minimum is 0) cannot move ranks:
    ST = 0 and S1 ≈ 0, while the two informative weights share the variance."""
    fw = load_framework(_fw_frame([("idx", "", 1, 1, "指数", "Index"),
                                   ("a", "idx", 2, 1, "a", "a"), ("b", "idx", 1, 1, "b", "b"),
                                   ("c", "idx", 1, 1, "c", "c")]))
    rng = np.random.default_rng(2)
    vals = {f"R{i}": {"a": float(rng.random() if i else 0.0), "b": float(rng.random() if i != 1 else 0.0),
                      "c": 7.0} for i in range(12)}
    ds = load_data(_long(vals), fw)
    spec = Spec(framework=fw)
    so = S.sobol(ds, spec, samples=512, seed=1, weight_noise=0.6, vary="weights,normalisation",
                 normalisations=("minmax", "frontier"), regions="R5")
    t = so.table.set_index(["output", "input"])
    for out in ("mean_abs_shift", "rank:R5"):
        for inp in ("weight:c", "normalisation"):
            assert t.loc[(out, inp), "ST"] == pytest.approx(0.0, abs=1e-12)
            assert abs(t.loc[(out, inp), "S1"]) < 0.05
    assert t.loc[("mean_abs_shift", "weight:a"), "ST"] > 0.2
    assert t.loc[("mean_abs_shift", "weight:b"), "ST"] > 0.2
    assert so.evaluations == 512 * (4 + 2)


def test_sobol_is_reproducible_and_groups_weights(caict):
    ds, spec = caict
    kw = dict(samples=256, seed=3, vary="weights,aggregation", regions=["R01", "R02"])
    a = S.sobol(ds, spec, **kw)
    b = S.sobol(ds, spec, chunk_size=100, **kw)
    pd.testing.assert_frame_equal(a.table, b.table)
    assert list(a.table.columns) == ["output", "input", "S1", "S1_conf", "ST", "ST_conf"]
    assert set(a.table["output"]) == {"mean_abs_shift", "rank:R01", "rank:R02"}
    g = S.sobol(ds, spec, group_weights=True, **kw)
    assert list(g.table["input"].unique()) == ["weights", "aggregation"]
    with pytest.raises(SpecError, match="Nothing varies"):
        S.sobol(ds, spec, samples=64, weight_noise=0)


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------
def test_cli_sensitivity_writes_the_documented_columns(tmp_path, caict, capsys):
    from iiscore.cli import main

    ds, spec = caict
    data = tmp_path / "data.csv"
    ds.long[["region", "year", "indicator", "value"]].to_csv(data, index=False)
    out, sob = tmp_path / "mc.csv", tmp_path / "sobol.csv"
    args = ["sensitivity", "--data", str(data), "--framework", str(default_framework_path()),
            "--samples", "2000", "--seed", "1", "--concentration", "50", "--out", str(out),
            "--sobol-out", str(sob), "--sobol-samples", "128", "--sobol-region", "R03"]
    assert main(args) == 0
    t = pd.read_csv(out)
    assert list(t.columns) == ["region", "base_rank", "median_rank", "p05_rank", "p95_rank",
                               "mean_abs_shift", "p_tier1", "p_tier2", "p_tier3", "p_tier4"]
    assert len(t) == 31 and t["base_rank"].is_monotonic_increasing
    s = pd.read_csv(sob)
    assert list(s.columns) == ["output", "input", "S1", "S1_conf", "ST", "ST_conf"]
    assert main(args) == 0
    pd.testing.assert_frame_equal(pd.read_csv(out), t)  # seeded
    assert main(["sensitivity", "--data", str(data), "--framework", str(default_framework_path()),
                 "--weight-noise", "0.1", "--concentration", "5"]) == 2
    assert "not allowed" in capsys.readouterr().err
