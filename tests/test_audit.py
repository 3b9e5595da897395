"""Tests of iiscore.audit against COINr, pingouin, scikit-learn, pandas, statsmodels and hand work."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from iiscore import (DataError, Spec, SpecError, build, default_spec, load_data, load_default,
                     load_framework)
from iiscore import audit as A
from iiscore.cli import main

COINR = Path(__file__).parent / "fixtures" / "coinr"


def _fw(rows):
    return load_framework(pd.DataFrame(rows, columns=["id", "parent", "weight", "direction",
                                                      "name_zh", "name_en"]))


def _wide(fw, values, regions=None):
    values = np.asarray(values, float)
    df = pd.DataFrame(values, columns=list(fw.leaves))
    df.insert(0, "year", 2023)
    df.insert(0, "region", regions or [f"R{i:03d}" for i in range(len(values))])
    return load_data(df, fw)


# --------------------------------------------------------------------------------------------
# COINr's ASEM example (reference numbers written by tests/fixtures/coinr/make_reference.R)
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def asem():
    fw = load_framework(COINR / "asem_framework.csv")
    ds = load_data(COINR / "asem_data.csv", fw)
    spec = Spec(framework=fw)  # no treatment, min-max 0-100, reweight, arithmetic: COINr's pipeline
    return ds, spec, A.audit(ds, spec), A.audit(ds, spec, method="spearman")


def test_asem_index_matches_coinr(asem):
    """Sanity of the shared input: iiscore's build() gives COINr 1.1.14's Aggregated data set
    (Normalise n_minmax 0-100 with directions, Aggregate a_amean skipping NA) on ASEM, 63 gaps."""
    ds, spec, a, _ = asem
    ref = pd.read_csv(COINR / "ref_scores.csv").set_index("region")
    mine = a.result.scores.loc[ref.index, ref.columns]
    assert int(ref.isna().sum().sum()) == 63
    assert_allclose(mine.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-9)


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_asem_correlations_match_coinr(asem, method):
    """Every pair of the 49 normalised ASEM indicators equals COINr's
    get_corr(dset = "Normalised", Levels = 1, pval = 0, cortype = method) (pairwise complete)."""
    a = asem[2] if method == "pearson" else asem[3]
    ref = pd.read_csv(COINR / f"ref_correlations_{method}.csv")
    mine = np.array([a.matrix.loc[r.a, r.b] for r in ref.itertuples()])
    assert len(ref) == 49 * 49
    assert_allclose(mine, ref["r"].to_numpy(), rtol=0, atol=1e-12)
    # the long table holds each pair once, a before b in framework order
    assert len(a.correlations) == 49 * 48 // 2
    one = a.correlations.iloc[0]
    assert (one.a, one.b) == (a.framework.leaves[0], a.framework.leaves[1])


def test_asem_parents_match_coinr(asem):
    """Each indicator with its pillar, pillar with its sub-index and sub-index with the index:
    COINr's get_corr(dset = "Aggregated", Levels = c(l, l+1), withparent = TRUE, pval = 0)."""
    a = asem[2]
    ref = pd.read_csv(COINR / "ref_parents.csv").set_index("node")
    mine = a.parents.set_index("node").loc[ref.index]
    assert len(ref) == len(a.parents) == len(a.framework.ids) - 1
    assert (mine["parent"] == ref["parent"]).all()
    assert_allclose(mine["r"], ref["r"], rtol=0, atol=1e-12)
    # a sub-index's parent is the index, so both correlations agree there
    sub = a.parents.set_index("node").loc[["Conn", "Sust"]]
    assert_allclose(sub["r"], sub["r_index"], atol=1e-15)


def test_asem_alpha_and_pca_match_coinr(asem):
    """Cronbach's alpha (COINr get_cronbach, cov use = "pairwise.complete.obs") and the PC1 share
    (COINr get_PCA: prcomp(na.omit(children), scale = TRUE), sdev[1]²/Σ sdev²) of all 11
    aggregates of ASEM, with the number of complete rows PCA used."""
    a = asem[2]
    ref = pd.read_csv(COINR / "ref_reliability.csv").set_index("node")
    mine = a.reliability.set_index("node").loc[ref.index]
    assert_allclose(mine["alpha"], ref["alpha"], rtol=0, atol=1e-12)
    assert_allclose(mine["pc1_share"], ref["pc1_share"], rtol=0, atol=1e-12)
    assert (mine["n_children"] == ref["n_children"]).all()
    assert (mine["n_complete"] == ref["n_complete"]).all()
    assert ref.loc["SusEcFin", "alpha"] < 0  # negative alpha kept as COINr gives it


def test_asem_removal_matches_coinr(asem):
    """Removing each of the 49 indicators, 8 pillars and 2 sub-indices (weight 0, regenerate):
    mean and largest absolute index-rank change equal COINr's remove_elements(Level = 1..3,
    dset = "Aggregated", iCode = "Index") MeanAbsDiff and max of RankAbsDiffs."""
    a = asem[2]
    ref = pd.read_csv(COINR / "ref_removal.csv").set_index("node")
    mine = a.removal.set_index("node").loc[ref.index]
    assert len(ref) == 49 + 8 + 2
    assert_allclose(mine["mean_abs_rank_shift"], ref["mean_abs_rank_shift"], rtol=0, atol=1e-12)
    assert_allclose(mine["max_abs_rank_shift"], ref["max_abs_rank_shift"], rtol=0, atol=0)
    assert (mine["removed"] == mine.index).all()


def test_asem_removal_ranks_are_the_regenerated_index(asem):
    """removal_ranks[node] is the rank of build() with that node's weight 0 (brute force, one node)."""
    ds, spec, a, _ = asem
    fw = spec.framework
    alt = build(ds, spec.replace(framework=fw.with_weights({"Physical": 0})))
    expect = alt.composite.rank(ascending=False, method="min")
    assert_allclose(a.removal_ranks["Physical"], expect.loc[a.removal_ranks.index])


@pytest.mark.parametrize("variant", ["gaps_coverage", "geometric", "log_treatment", "mean_imputation"])
def test_every_removal_equals_a_full_rebuild(asem, variant):
    """The audit regenerates the index with the roll-up of the run's normalised scores; brute force:
    build() with each node's weight at 0, for every one of the 59 nodes, with missing values and a
    coverage rule, geometric aggregation, log treatment and mean imputation. Ranks equal exactly."""
    ds, spec, _, _ = asem
    fw = spec.framework
    if variant in ("gaps_coverage", "mean_imputation"):
        X = ds.matrix(ds.years[-1], list(fw.leaves))
        values = X.to_numpy(float, copy=True)
        values[np.random.default_rng(7).random(values.shape) < 0.12] = np.nan
        ds = _wide(fw, values, list(X.index))
    spec = {"gaps_coverage": spec.replace(coverage=0.75),
            "geometric": spec.replace(aggregation="geometric"),
            "log_treatment": spec.replace(treat="log"),
            "mean_imputation": spec.replace(missing="mean")}[variant]
    a = A.audit(ds, spec)
    for node in a.removal["node"]:
        target = A.removal_target(fw, node)
        alt = build(ds, spec.replace(framework=fw.with_weights({target: 0.0})))
        expect = A.rank_min(alt.composite.reindex(a.removal_ranks.index).to_numpy(float))
        np.testing.assert_array_equal(a.removal_ranks[node].to_numpy(float), expect, err_msg=node)


# --------------------------------------------------------------------------------------------
# kernels against independent implementations and hand work
# --------------------------------------------------------------------------------------------
def _random_with_gaps(seed=0, n=40, p=6, frac=0.15):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) @ rng.normal(size=(p, p))
    X[rng.random(X.shape) < frac] = np.nan
    return X


def test_pairwise_pearson_equals_pandas():
    """Pearson on pairwise-complete rows equals pandas DataFrame.corr (min_periods = 3)."""
    X = _random_with_gaps()
    R, N = A.pairwise_corr(X)
    ref = pd.DataFrame(X).corr(min_periods=3).to_numpy()
    assert_allclose(R, ref, atol=1e-12)
    assert_allclose(N, (~np.isnan(X)).T.astype(int) @ (~np.isnan(X)).astype(int))


def test_pairwise_spearman_equals_scipy_per_pair():
    """Spearman with gaps ranks each pair's complete rows: scipy.stats.spearmanr on those rows."""
    from scipy.stats import spearmanr

    X = _random_with_gaps(seed=1)
    X[:5, 2] = 1.0  # ties
    R, _ = A.pairwise_corr(X, "spearman")
    for j in range(X.shape[1]):
        for k in range(j + 1, X.shape[1]):
            ok = ~np.isnan(X[:, j]) & ~np.isnan(X[:, k])
            assert R[j, k] == pytest.approx(spearmanr(X[ok, j], X[ok, k]).statistic, abs=1e-12)


def test_constant_column_correlations_are_nan():
    """A constant column has no correlation (zero variance): NaN, also on its diagonal."""
    X = np.column_stack([np.arange(6.0), np.full(6, 3.0), np.arange(6.0) ** 2])
    R, _ = A.pairwise_corr(X)
    assert np.isnan(R[1]).all() and np.isnan(R[:, 1]).all()
    assert R[0, 0] == 1.0 and R[0, 2] == pytest.approx(np.corrcoef(X[:, 0], X[:, 2])[0, 1])


def test_cronbach_alpha_hand_worked():
    """x = (1,2,3,4), y = (2,1,4,3): var x = var y = 5/3, cov = 1, total = 16/3;
    alpha = 2 (1 - (10/3)/(16/3)) = 0.75 (by hand). Identical items give 1."""
    C = np.array([[1, 2], [2, 1], [3, 4], [4, 3]], float)
    assert A.cronbach_alpha(C)[0] == pytest.approx(0.75, abs=1e-15)
    same = np.column_stack([np.arange(5.0)] * 3)
    assert A.cronbach_alpha(same)[0] == pytest.approx(1.0, abs=1e-15)


def test_cronbach_alpha_equals_pingouin_with_gaps():
    """pingouin.cronbach_alpha(nan_policy = "pairwise") (pairwise covariances) on data with gaps."""
    pg = pytest.importorskip("pingouin")
    X = _random_with_gaps(seed=2, p=5)
    ref = pg.cronbach_alpha(pd.DataFrame(X), nan_policy="pairwise")[0]
    assert A.cronbach_alpha(X)[0] == pytest.approx(ref, abs=1e-12)


def test_alpha_and_pca_undefined_cases():
    """One child: alpha and PC1 share undefined (NaN with a note); a constant child leaves the
    PC1 share undefined; fewer than 3 complete rows too."""
    one = np.arange(6.0)[:, None]
    a, note = A.cronbach_alpha(one)
    assert np.isnan(a) and "one child" in note[0] and "一个下级" in note[1]
    s, n, note = A.pc1_share(one)
    assert np.isnan(s) and note
    const = np.column_stack([np.arange(6.0), np.full(6, 2.0)])
    assert np.isnan(A.pc1_share(const)[0]) and "constant" in A.pc1_share(const)[2][0]
    gaps = np.array([[1, np.nan], [2, 3], [np.nan, 1], [4, 4]], float)
    assert np.isnan(A.pc1_share(gaps)[0]) and A.pc1_share(gaps)[1] == 2


def test_pc1_share_equals_sklearn():
    """scikit-learn's PCA explained_variance_ratio_[0] on the standardised complete rows."""
    from sklearn.decomposition import PCA

    X = _random_with_gaps(seed=3, p=5)
    rows = ~np.isnan(X).any(axis=1)
    D = X[rows]
    Zs = (D - D.mean(0)) / D.std(0, ddof=1)
    share, n, _ = A.pc1_share(X)
    assert n == rows.sum()
    assert share == pytest.approx(PCA().fit(Zs).explained_variance_ratio_[0], abs=1e-12)


def test_local_linear_equals_statsmodels():
    """The smoother is statsmodels' KernelReg(reg_type = "ll", Gaussian kernel) at a fixed bandwidth."""
    kr = pytest.importorskip("statsmodels.nonparametric.kernel_regression")
    rng = np.random.default_rng(4)
    x = rng.uniform(-2, 2, 60)
    y = np.sin(2 * x) + 0.3 * rng.normal(size=60)
    fit, lev = A.local_linear(x, y, 0.4)
    ref = kr.KernelReg(y, x, "c", reg_type="ll", bw=[0.4]).fit(x)[0]
    assert_allclose(fit, ref, atol=1e-10)
    assert ((lev > 0) & (lev < 1)).all()


def _refit_without(x, y, i, h):
    """Brute force: the weighted least-squares line through every point but ``i`` (Gaussian
    weights around x_i), evaluated at x_i -- numpy's lstsq on the n - 1 points; the weighted mean
    where the weighted design is singular (relative determinant of its normal equations below
    1e-10, local_linear's rule)."""
    keep = np.arange(len(x)) != i
    dx = x[keep] - x[i]
    k = np.exp(-0.5 * (dx / h) ** 2)
    s0, s1, s2 = k.sum(), (k * dx).sum(), (k * dx * dx).sum()
    if not s0 * s2 - s1 * s1 > 1e-10 * max(s0 * s2, 1e-300):
        return (k * y[keep]).sum() / s0
    w = np.sqrt(k)
    A_ = np.column_stack([np.ones(keep.sum()), dx]) * w[:, None]
    return np.linalg.lstsq(A_, y[keep] * w, rcond=None)[0][0]


def test_leave_one_out_residuals_are_refits_without_the_point():
    """loo_residuals equal a refit of the other 39 points for each point (brute force, lstsq), and
    equal the hat-matrix identity (y - m̂) / (1 - l_ii) of the statsmodels-checked smoother
    wherever l_ii is clear of 1 (Fan & Gijbels 1996, sec. 4.2)."""
    rng = np.random.default_rng(11)
    x = rng.uniform(-2, 2, 40)
    y = np.sin(2 * x) + 0.3 * rng.normal(size=40)
    for h in (0.15, 0.4, 1.5):
        got = A.loo_residuals(x, y, h)
        brute = np.array([y[i] - _refit_without(x, y, i, h) for i in range(40)])
        assert_allclose(got, brute, rtol=0, atol=1e-9)
        fit, lev = A.local_linear(x, y, h)
        assert lev.max() < 1 - 1e-3
        assert_allclose(got, (y - fit) / (1 - lev), rtol=0, atol=1e-9)


def test_bandwidth_choice_does_not_rest_on_rounding():
    """A region far from the others (x = 6 against a standard normal sample): at small bandwidths
    its leverage is 1 to the last bit, where (y - m̂) / (1 - l) is rounding over rounding. The
    chosen bandwidth is the argmin of the brute-force leave-one-out error over the bandwidths at
    which the refit is defined; S is var(m̂) / var(y) of local_linear at that bandwidth."""
    rng = np.random.default_rng(3)
    x = np.append(rng.normal(size=60), 6.0)
    y = np.sin(2 * x) + 0.5 * x + 0.4 * rng.normal(size=61)
    grid = np.geomspace(0.05, 3.0, 40) * x.std()
    fit_lev = [A.local_linear(x, y, h)[1] for h in grid]
    assert any(np.abs(1 - lv).min() < 1e-15 for lv in fit_lev)  # the case: leverage 1 to the bit
    cv = []
    for h in grid:
        if np.exp(-0.5 * ((x[:-1] - 6.0) / h) ** 2).max() == 0:  # the far point's neighbours all weigh 0
            cv.append(np.inf)
            continue
        cv.append(np.mean([(y[i] - _refit_without(x, y, i, h)) ** 2 for i in range(61)]))
    s, h = A.correlation_ratio(x, y)
    assert h == pytest.approx(grid[int(np.argmin(cv))], rel=1e-12)
    fit, _ = A.local_linear(x, y, h)
    assert s == pytest.approx(np.var(fit) / np.var(y), abs=1e-10)


def test_correlation_ratio_analytic_cases():
    """Analytic first-order indices (Saltelli et al. 2008, Primer, ch. 1):
    y = 3 x1 + 2 x2 + x3, x ~ U(0, 1) independent: S_j = a_j² / Σ a² = 9/14, 4/14, 1/14;
    y = x1² + x2/2, x ~ U(-1, 1): S_1 = Var(x1²)/Var(y) = (4/45)/(4/45 + 1/12) = 0.5161 while
    corr(x1, y) = 0 (the smoother sees what the correlation cannot)."""
    rng = np.random.default_rng(5)
    X = rng.uniform(0, 1, size=(600, 3))
    y = X @ np.array([3.0, 2.0, 1.0])
    got = [A.correlation_ratio(X[:, j], y)[0] for j in range(3)]
    assert_allclose(got, [9 / 14, 4 / 14, 1 / 14], atol=0.04)
    U = rng.uniform(-1, 1, size=(600, 2))
    y2 = U[:, 0] ** 2 + U[:, 1] / 2
    s1 = A.correlation_ratio(U[:, 0], y2)[0]
    assert s1 == pytest.approx((4 / 45) / (4 / 45 + 1 / 12), abs=0.05)
    assert np.corrcoef(U[:, 0], y2)[0, 1] ** 2 < 0.02
    # NaN policy: constant x -> 0, too few points or constant y -> NaN
    assert A.correlation_ratio(np.ones(10), np.arange(10.0))[0] == 0.0
    assert np.isnan(A.correlation_ratio(np.arange(4.0), np.arange(4.0))[0])
    assert np.isnan(A.correlation_ratio(np.arange(10.0), np.ones(10))[0])


def test_rank_min_is_r_rank():
    """R's rank(-x, ties.method = "min", na.last = "keep"), as COINr ranks: worked by hand."""
    assert_allclose(A.rank_min([3, 1, 3, np.nan, 2]), [1, 4, 1, np.nan, 3])


# --------------------------------------------------------------------------------------------
# structure: one-child nodes, flat frameworks, importance on a linear index
# --------------------------------------------------------------------------------------------
def test_removing_an_only_child_removes_its_parent():
    """P2 has one indicator x3: removing x3 means removing P2 (stated in the note); the shifts are
    those of build() with P2's weight 0. A chain with one child at every level gives NaN."""
    fw = _fw([("idx", "", 1, 1, "指数", "Index"), ("P1", "idx", 1, 1, "一", "P1"),
              ("P2", "idx", 1, 1, "二", "P2"), ("x1", "P1", 1, 1, "x1", "x1"),
              ("x2", "P1", 1, 1, "x2", "x2"), ("x3", "P2", 1, 1, "x3", "x3")])
    rng = np.random.default_rng(6)
    ds = _wide(fw, rng.uniform(size=(12, 3)))
    spec = Spec(framework=fw)
    assert A.removal_target(fw, "x3") == "P2" and A.removal_target(fw, "x1") == "x1"
    a = A.audit(ds, spec)
    row = a.removal.set_index("node").loc["x3"]
    assert row["removed"] == "P2"
    base = build(ds, spec).composite.rank(ascending=False, method="min")
    alt = build(ds, spec.replace(framework=fw.with_weights({"P2": 0}))).composite.rank(
        ascending=False, method="min")
    assert row["mean_abs_rank_shift"] == pytest.approx((alt - base).abs().mean())
    assert any("removes P2" in en for en, _ in a.notes)
    p2 = a.reliability.set_index("node").loc["P2"]
    assert np.isnan(p2["alpha"]) and np.isnan(p2["pc1_share"]) and p2["n_children"] == 1
    assert "one child" in p2["note_en"]

    chain = _fw([("idx", "", 1, 1, "指数", "Index"), ("A", "idx", 1, 1, "甲", "A"),
                 ("a1", "A", 1, 1, "a1", "a1"), ("a2", "A", 1, 1, "a2", "a2")])
    assert A.removal_target(chain, "A") is None
    ac = A.audit(_wide(chain, rng.uniform(size=(8, 2))), Spec(framework=chain))
    assert np.isnan(ac.removal.set_index("node").loc["A", "mean_abs_rank_shift"])
    assert any("no index" in en for en, _ in ac.notes)


def test_flat_framework_and_linear_importance():
    """Root with three leaves only (weights 3:2:1), 400 regions, independent U(0,1) indicators:
    the index is linear, so r² and the first-order index both approach w_j² / Σ w² = 9/14, 4/14,
    1/14 (analytic), and the nominal weights are 1/2, 1/3, 1/6."""
    fw = _fw([("idx", "", 1, 1, "指数", "Index"), ("a", "idx", 3, 1, "a", "a"),
              ("b", "idx", 2, 1, "b", "b"), ("c", "idx", 1, 1, "c", "c")])
    rng = np.random.default_rng(7)
    a = A.audit(_wide(fw, rng.uniform(size=(400, 3))), Spec(framework=fw))
    imp = a.importance.set_index("node")
    assert_allclose(imp["nominal_weight"], [1 / 2, 1 / 3, 1 / 6])
    assert_allclose(imp["r2"], [9 / 14, 4 / 14, 1 / 14], atol=0.04)
    assert_allclose(imp["first_order"], [9 / 14, 4 / 14, 1 / 14], atol=0.04)
    assert list(a.reliability["node"]) == ["idx"] and a.reliability["n_children"].iloc[0] == 3
    assert len(a.removal) == 3 and len(a.parents) == 3


def test_constant_and_missing_indicators():
    """A constant indicator: NaN correlations (noted), PC1 share of its pillar undefined; missing
    values: pairwise counts in the correlation table."""
    fw = _fw([("idx", "", 1, 1, "指数", "Index"), ("P", "idx", 1, 1, "一", "P"),
              ("Q", "idx", 1, 1, "二", "Q"), ("a", "P", 1, 1, "a", "a"), ("k", "P", 1, 1, "k", "k"),
              ("b", "Q", 1, -1, "b", "b"), ("c", "Q", 1, 1, "c", "c")])
    rng = np.random.default_rng(8)
    v = rng.uniform(size=(10, 4))
    v[:, 1] = 7.0
    v[2, 0] = np.nan
    a = A.audit(_wide(fw, v), Spec(framework=fw))
    c = a.correlations.set_index(["a", "b"])
    assert np.isnan(c.loc[("a", "k"), "r"]) and c.loc[("a", "b"), "n"] == 9
    assert any("k" in en and "constant" in en for en, _ in a.notes)
    assert np.isnan(a.reliability.set_index("node").loc["P", "pc1_share"])
    # direction: b is lower-is-better, so its normalised values correlate with -raw b
    raw = pd.DataFrame(v, columns=list(fw.leaves))
    assert c.loc[("b", "c"), "r"] == pytest.approx(-raw["b"].corr(raw["c"]), abs=1e-12)


def test_flags_with_stated_thresholds():
    """Hand-built: a2 = -a1 + noise in pillar A (negative, alpha < 0.7), b2 = b1 + tiny noise in
    pillar B (collinear > 0.9). Each flag names both ids, its value and its threshold, in both
    languages."""
    fw = _fw([("idx", "", 1, 1, "指数", "Index"), ("A", "idx", 1, 1, "甲", "Pillar A"),
              ("B", "idx", 1, 1, "乙", "Pillar B"), ("a1", "A", 1, 1, "甲一", "a one"),
              ("a2", "A", 1, 1, "甲二", "a two"), ("b1", "B", 1, 1, "乙一", "b one"),
              ("b2", "B", 1, 1, "乙二", "b two")])
    rng = np.random.default_rng(9)
    a1, b1 = rng.uniform(size=20), rng.uniform(size=20)
    v = np.column_stack([a1, 1 - a1 + 0.2 * rng.uniform(size=20), b1, b1 + 0.01 * rng.uniform(size=20)])
    au = A.audit(_wide(fw, v), Spec(framework=fw))
    f = au.flags
    neg = f[f.kind == "negative_within"].iloc[0]
    assert (neg.node, neg.other) == ("a1", "a2") and neg.value < 0 and neg.threshold == 0
    assert "'a one'" in neg.message_en and "“甲一”" in neg.message_zh
    col = f[f.kind == "collinear"].set_index(["node", "other"])
    # |r| > 0.9 either way is near-collinear: b1/b2 (r > 0) and a1/a2 (r < 0)
    assert set(col.index) == {("a1", "a2"), ("b1", "b2")}
    assert col.loc[("b1", "b2"), "value"] > 0.9 and "0.9" in col.loc[("b1", "b2"), "message_en"]
    low = f[f.kind == "low_alpha"]
    assert "A" in set(low.node) and "B" not in set(low.node)
    assert (low.value < 0.7).all() and (low.threshold == 0.7).all()
    # thresholds are parameters: a stricter collinearity bound removes the flag
    strict = A.audit(_wide(fw, v), Spec(framework=fw), thresholds=A.Thresholds(collinear=1.0))
    assert "collinear" not in set(strict.flags.kind)
    assert au.flag_messages("zh")[0] == f.message_zh.iloc[0]


# --------------------------------------------------------------------------------------------
# errors, contract, CLI, built-in data
# --------------------------------------------------------------------------------------------
def test_bad_input_messages(tiny_fw):
    """Fewer than 3 regions, unknown correlation, bad thresholds: IIScoreError in both languages
    naming the parameter."""
    two = pd.DataFrame([("r1", 2023, "a1", 1.0), ("r1", 2023, "a2", 2.0), ("r1", 2023, "b1", 3.0),
                        ("r2", 2023, "a1", 2.0), ("r2", 2023, "a2", 1.0), ("r2", 2023, "b1", 0.0)],
                       columns=["region", "year", "indicator", "value"])
    with pytest.raises(DataError) as e:
        A.audit(load_data(two, tiny_fw), Spec(framework=tiny_fw))
    assert e.value.parameter == "data" and "at least 3 regions" in e.value.en and "至少需要 3 个地区" in e.value.zh
    with pytest.raises(SpecError) as e:
        A.audit(load_default(), default_spec(), method="kendall")
    assert e.value.parameter == "method"
    for bad in (dict(weak=2), dict(alpha="x"), dict(importance=1.0)):
        with pytest.raises(SpecError):
            A.Thresholds(**bad)


@pytest.fixture(scope="module")
def builtin():
    return A.audit(load_default(), default_spec())


def test_tables_contract(builtin, tmp_path):
    """The files of `audit --out DIR`: exact columns, each indicator pair once, every non-root
    node in parents/removal, every aggregate in reliability; ids as in the framework."""
    fw = builtin.framework
    t = A.audit_tables(builtin)
    for name, cols in A.CONTRACT.items():
        assert list(t[name].columns) == cols
    assert len(t["correlations"]) == 19 * 18 // 2
    assert not t["correlations"][["a", "b"]].apply(frozenset, axis=1).duplicated().any()
    assert set(t["parents"]["node"]) == set(fw.ids) - {fw.root} == set(t["removal"]["node"])
    assert list(t["reliability"]["node"]) == list(fw.aggregates)
    assert list(t["importance"]["node"]) == [i for i in fw.ids if i != fw.root]
    paths = A.write_audit(builtin, tmp_path / "out")
    assert {p.name for p in paths} == {f"{n}.csv" for n in t}
    back = pd.read_csv(tmp_path / "out" / "reliability.csv")
    assert_allclose(back["alpha"], t["reliability"]["alpha"], rtol=1e-15)


def test_builtin_pillar_alpha_by_hand(builtin):
    """Application's alpha recomputed from its three normalised indicators with numpy's covariance
    (no gaps in the built-in data): k/(k-1)(1 - trace/sum)."""
    res = builtin.result
    S = np.cov(res.normalised[["benchmark", "adoption", "application_level"]].to_numpy().T, ddof=1)
    alpha = 1.5 * (1 - np.trace(S) / S.sum())
    assert builtin.reliability.set_index("node").loc["application", "alpha"] == pytest.approx(alpha, abs=1e-12)
    assert alpha < 0.7 and "application" in set(builtin.flags.query("kind == 'low_alpha'").node)


def test_cli_audit_writes_files(tmp_path, capsys):
    """python -m iiscore audit --out DIR: exit 0, the contract files; bad option: exit 2, one line."""
    out = tmp_path / "aud"
    assert main(["audit", "--out", str(out), "--correlation", "spearman"]) == 0
    assert {p.name for p in out.iterdir()} >= {"correlations.csv", "parents.csv", "reliability.csv",
                                               "removal.csv", "importance.csv", "flags.csv"}
    df = pd.read_csv(out / "correlations.csv")
    assert list(df.columns) == ["a", "b", "r"] and len(df) == 171
    capsys.readouterr()
    assert main(["audit", "--out", str(out), "--correlation", "kendall"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:")


def test_indicator_with_no_values():
    """An indicator with no value in the year: build() leaves it out; the audit gives it NaN
    correlations, leaves it out of its pillar's alpha and PCA (named in the note) and still
    audits the rest. Alpha of the remaining single child is undefined, by definition."""
    fw = _fw([("idx", "", 1, 1, "指数", "Index"), ("P", "idx", 1, 1, "一", "P"),
              ("Q", "idx", 1, 1, "二", "Q"), ("p1", "P", 1, 1, "p1", "p1"), ("p2", "P", 1, 1, "p2", "p2"),
              ("p3", "P", 1, 1, "p3", "p3"), ("q1", "Q", 1, 1, "q1", "q1"), ("q2", "Q", 1, -1, "q2", "q2")])
    rng = np.random.default_rng(10)
    v = rng.uniform(size=(10, 5))
    v[:, 1] = np.nan
    a = A.audit(_wide(fw, v), Spec(framework=fw))
    p = a.reliability.set_index("node").loc["P"]
    assert "no values for p2" in p["note_en"] and "p2 无数据" in p["note_zh"]
    expect = A.cronbach_alpha(a.result.scores[["p1", "p3"]].to_numpy())[0]
    assert p["alpha"] == pytest.approx(expect) and p["n_children"] == 3
    assert a.correlations.query("a == 'p2' or b == 'p2'")["r"].isna().all()


def test_documented_builtin_audit(builtin):
    """The numbers quoted in docs/audit.md (built-in data, default spec). If this fails the data or
    the method changed: update docs/audit.md with the new measurements."""
    rel = builtin.reliability.set_index("node")
    assert rel["alpha"].round(3).to_dict() == {"iidei": 0.962, "basic": 0.960, "innovation": 0.930,
                                               "industry": 0.953, "application": 0.208, "environment": 0.927}
    assert rel["pc1_share"].round(3).to_dict() == {"iidei": 0.879, "basic": 0.869, "innovation": 0.883,
                                                   "industry": 0.878, "application": 0.459, "environment": 0.829}
    c = builtin.correlations
    assert (c.r.abs() > 0.9).sum() == 31 and ((c.r.abs() > 0.9) & c.same_parent).sum() == 4
    imp = builtin.importance.set_index("node")
    assert round(imp.loc["application", "first_order_share"], 3) == 0.158
    assert imp.loc[["adoption", "application_level"], "ratio"].round(2).tolist() == [0.17, 0.05]
    rem = builtin.removal.set_index("node")
    assert rem["max_abs_rank_shift"].max() == 4 and (rem.loc[list(builtin.framework.leaves),
                                                             "max_abs_rank_shift"] <= 1).sum() == 13
    assert builtin.flags["kind"].value_counts().to_dict() == {
        "collinear": 31, "importance": 6, "weak_within": 1, "negative_within": 1, "low_alpha": 1}
