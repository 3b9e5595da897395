"""Tests of iiscore.methods against the MCDM literature's worked examples, pymcdm, scikit-criteria,
scikit-learn, scipy's linprog (a second, dual formulation) and hand work."""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from iiscore import DataError, Spec, SpecError, build, default_spec, load_data, load_default, load_framework
from iiscore import methods as M
from iiscore.cli import main


def _fw(rows):
    return load_framework(pd.DataFrame(rows, columns=["id", "parent", "weight", "direction",
                                                      "name_zh", "name_en"]))


def _wide(fw, values):
    values = np.asarray(values, float)
    df = pd.DataFrame(values, columns=list(fw.leaves))
    df.insert(0, "year", 2023)
    df.insert(0, "region", [f"R{i:02d}" for i in range(len(values))])
    return load_data(df, fw)


# Elsayed, Dawood & Karthikeyan (2017), "Evaluating alternatives through the application of TOPSIS
# method with entropy weight", Int. J. Eng. Trends Technol. 46(2): 60-66 (12 alternatives x 5
# criteria; as reproduced in pymcdm's test suite).
ELSAYED = np.array([[7, 312, 1891, 6613, 163], [72, 88, 728, 941804, 1078], [10, 252, 2594, 3466, 117471],
                    [10, 145, 980, 2371, 86329], [65, 54, 350, 501, 29897], [29, 48, 380, 912, 34051],
                    [7, 476, 3300, 78470, 2212], [70, 87, 650, 733, 819000], [4, 86, 591, 3015, 103],
                    [12, 79, 579, 3240, 96098], [21, 45, 261, 1253, 453], [1, 72, 530, 4333, 0.1048]], float)
# Tuş & Adalı (2019), "The new combination with CRITIC and WASPAS methods for the time and
# attendance software selection problem", Opsearch 56(2): 528-538 (5 alternatives x 6 criteria).
TUS_ADALI = np.array([[5000, 3, 3, 4, 3, 2], [680, 5, 3, 2, 2, 1], [2000, 3, 2, 3, 4, 3],
                      [600, 4, 3, 1, 2, 2], [800, 2, 4, 3, 3, 4]], float)
# Opricovic & Tzeng (2004), "Compromise solution by MCDM methods: a comparative analysis of VIKOR
# and TOPSIS", EJOR 156(2): 445-455: cost criterion (1, 2, 5), benefit (3000, 3750, 4500).
OPRICOVIC = np.array([[1, 3000], [2, 3750], [5, 4500]], float)


# --------------------------------------------------------------------------------------------
# entropy, CRITIC, PCA weights
# --------------------------------------------------------------------------------------------
def test_entropy_weights_elsayed_2017():
    """Published entropy weights of Elsayed et al. (2017), 6 decimals: 0.104991, 0.069124,
    0.071373, 0.449937, 0.304575 (p = x / Σx on the raw, all-positive matrix); pymcdm agrees."""
    w, e = M.entropy_weights(ELSAYED)
    assert np.round(w, 6).tolist() == [0.104991, 0.069124, 0.071373, 0.449937, 0.304575]
    pymcdm = pytest.importorskip("pymcdm")
    assert_allclose(w, pymcdm.weights.entropy_weights(ELSAYED), atol=1e-12)
    assert ((e > 0) & (e < 1)).all()


def test_entropy_weights_with_zeros_match_scikit_criteria():
    """On min-max z (a 0 in every column), 0·ln 0 = 0: scikit-criteria's entropy_weights
    (scipy.stats.entropy, base n) gives the same weights. (pymcdm sets e = 0 for any column with
    a zero, so it differs here by design.) Hand case: columns (0, 1) and (1, 1): e = 0 and 1, so
    w = (1, 0)."""
    skc = pytest.importorskip("skcriteria.preprocessing.weighters")
    rng = np.random.default_rng(0)
    Z = M.minmax01(rng.lognormal(size=(31, 7)))
    assert_allclose(M.entropy_weights(Z)[0], skc.entropy_weights(Z), atol=1e-12)
    assert_allclose(M.entropy_weights(np.array([[0.0, 1.0], [1.0, 1.0]]))[0], [1.0, 0.0])
    with pytest.raises(DataError):
        M.entropy_weights(-Z)


def test_critic_weights_tus_adali_2019():
    """Published CRITIC weights of Tuş & Adalı (2019), 3 decimals: 0.157, 0.249, 0.168, 0.121,
    0.154, 0.151 (min-max normalised, σ with n - 1, Pearson); pymcdm and scikit-criteria agree."""
    Z = M.minmax01(TUS_ADALI)
    w, C = M.critic_weights(Z)
    assert np.round(w, 3).tolist() == [0.157, 0.249, 0.168, 0.121, 0.154, 0.151]
    pymcdm = pytest.importorskip("pymcdm")
    assert_allclose(w, pymcdm.weights.critic_weights(TUS_ADALI), atol=1e-12)
    skc = pytest.importorskip("skcriteria.preprocessing.weighters")
    # scikit-criteria uses σ with n (a common factor that cancels in the weights)
    assert_allclose(w, skc.critic_weights(TUS_ADALI, np.ones(6)), atol=1e-12)
    # C_j by hand for column 0: σ_0 Σ_k (1 - r_0k)
    R = np.corrcoef(Z.T)
    assert C[0] == pytest.approx(Z[:, 0].std(ddof=1) * (1 - R[0]).sum(), abs=1e-12)


def test_constant_indicator_gets_zero_weight():
    """Constant column: entropy e = 1 and CRITIC σ = 0, so weight 0 (the others share 1); PCA
    leaves it out. Every column constant: DataError in both languages."""
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(12, 4))
    X[:, 2] = 5.0
    Z = M.minmax01(X)
    assert (Z[:, 2] == 0.5).all()
    for fn in (M.entropy_weights, M.critic_weights, M.pca_weights):
        w = fn(Z)[0]
        assert w[2] == 0 and w.sum() == pytest.approx(1.0)
    with pytest.raises(DataError) as e:
        M.entropy_weights(np.full((5, 3), 0.5))
    assert "constant" in e.value.en and "常数" in e.value.zh


def test_pca_weights_equal_sklearn_and_hand_cases():
    """w_j = a_j1², the squared first component of scikit-learn's PCA on the standardised
    complete rows. By hand: two columns with r > 0 give (1/2, 1/2); two identical columns and an
    uncorrelated one give (1/2, 1/2, 0)."""
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(2)
    X = rng.normal(size=(40, 5)) @ rng.normal(size=(5, 5))
    X[3, 1] = np.nan
    rows = ~np.isnan(X).any(axis=1)
    D = X[rows]
    Zs = (D - D.mean(0)) / D.std(0, ddof=1)
    pca = PCA().fit(Zs)
    w, share = M.pca_weights(X)
    assert_allclose(w, pca.components_[0] ** 2, atol=1e-12)
    assert share == pytest.approx(pca.explained_variance_ratio_[0], abs=1e-12)
    two = np.column_stack([np.arange(6.0), np.arange(6.0) ** 1.5])
    assert_allclose(M.pca_weights(two)[0], [0.5, 0.5], atol=1e-12)
    three = np.array([[1, 1, 1], [2, 2, -1], [3, 3, -1], [4, 4, 1]], float)  # col 2 ⟂ cols 0, 1
    assert_allclose(M.pca_weights(three)[0], [0.5, 0.5, 0.0], atol=1e-12)


# --------------------------------------------------------------------------------------------
# TOPSIS, MPI, BoD
# --------------------------------------------------------------------------------------------
def test_topsis_opricovic_tzeng_2004():
    """Published closeness 0.500, 0.617, 0.500 (Opricovic & Tzeng 2004, weights 0.5/0.5, linear
    normalisation, criterion 1 a cost)."""
    c = M.topsis(M.minmax01(OPRICOVIC, [-1, 1]), [0.5, 0.5])
    assert np.round(c, 3).tolist() == [0.5, 0.617, 0.5]


def test_topsis_equals_pymcdm_and_scikit_criteria():
    """pymcdm's TOPSIS (min-max normalisation by default) on the raw matrix with types; and
    scikit-criteria's TOPSIS on the same min-max matrix (its normalisation is the caller's)."""
    pymcdm = pytest.importorskip("pymcdm")
    rng = np.random.default_rng(3)
    X = rng.lognormal(size=(31, 6))
    types = np.array([1, 1, -1, 1, -1, 1])
    w = rng.uniform(0.5, 2, 6)
    w = w / w.sum()
    mine = M.topsis(M.minmax01(X, types), w)
    assert_allclose(mine, pymcdm.methods.TOPSIS()(X, w, types), atol=1e-12)
    skc = pytest.importorskip("skcriteria")
    from skcriteria.agg.similarity import TOPSIS

    dm = skc.mkdm(M.minmax01(X, types), [max] * 6, weights=w)
    ref = TOPSIS().evaluate(dm).e_.similarity
    assert_allclose(mine, ref, atol=1e-12)


def test_topsis_missing_value_left_out():
    """A missing value drops out of both distances of its row (by hand: row 1 with only x2)."""
    Z = np.array([[1.0, 0.0], [np.nan, 1.0], [0.0, 0.5]])
    c = M.topsis(Z, [0.5, 0.5])
    # best = (0.5, 0.5), worst = (0, 0) on v; row 1: D+ = 0, D- = 0.5 -> 1
    assert c[1] == pytest.approx(1.0)
    assert c[0] == pytest.approx(0.5)  # D+ = 0.5, D- = 0.5


def test_mpi_hand_worked():
    """x1 = (0, 0, 2, 2), x2 = (0, 2, 0, 2): mean 1, population sd 1, so s = 100 ± 10:
    region 1 (90, 90) -> 90; regions 2, 3 (90, 110): M = 100, S = 10, cv = 0.1, MPI = 99 (the
    penalty of unbalance); region 4 (110, 110) -> 110. Reversing x2's direction swaps regions 1/2
    and 3/4 on x2: (90, 110), (90, 90), (110, 110), (110, 90) -> 99, 90, 110, 99."""
    X = np.array([[0, 0], [0, 2], [2, 0], [2, 2]], float)
    v, s = M.mpi(X)
    assert_allclose(v, [90, 99, 99, 110], atol=1e-12)
    assert_allclose(s[:, 0], [90, 90, 110, 110])
    assert_allclose(M.mpi(X, [1, -1])[0], [99, 90, 110, 99], atol=1e-12)


def test_mpi_equals_definition_with_scipy_zscore():
    """Standardise with scipy.stats.zscore (ddof = 0), then M - S·cv = M (1 - cv²) (the form of
    R's Compind::ci_mpi, with the population S_i of the papers)."""
    from scipy.stats import zscore

    rng = np.random.default_rng(4)
    X = rng.lognormal(size=(31, 8))
    d = np.array([1, 1, -1, 1, 1, -1, 1, 1])
    s = 100 + 10 * zscore(X, ddof=0) * d
    Mi, Si = s.mean(axis=1), s.std(axis=1, ddof=0)
    assert_allclose(M.mpi(X, d)[0], Mi * (1 - (Si / Mi) ** 2), atol=1e-10)
    # 100 is the average region: the mean of M_i is exactly 100
    assert M.mpi(X, d)[1].mean() == pytest.approx(100.0)


def _bod_brute(Z, i):
    """Vertex enumeration: the LP optimum is at a vertex of {w >= 0, Z w <= 1}; try every set of
    m active constraints among the region rows and the bounds w_j = 0."""
    n, m = Z.shape
    A = np.vstack([Z, -np.eye(m)])
    b = np.concatenate([np.ones(n), np.zeros(m)])
    best = 0.0
    for rows in itertools.combinations(range(n + m), m):
        sub = A[list(rows)]
        if abs(np.linalg.det(sub)) < 1e-12:
            continue
        w = np.linalg.solve(sub, b[list(rows)])
        if (A @ w <= b + 1e-9).all():
            best = max(best, float(Z[i] @ w))
    return best


def test_bod_equals_vertex_enumeration_and_dual():
    """Each region's BoD score equals (a) brute-force vertex enumeration of the primal and (b) the
    optimum of the dual (envelopment) LP min Σ λ_k s.t. Σ_k λ_k z_k >= z_i, λ >= 0, solved
    separately with scipy's linprog: LP duality, a different programme."""
    from scipy.optimize import linprog

    rng = np.random.default_rng(5)
    Z = M.minmax01(rng.lognormal(size=(8, 3)))
    scores, W = M.bod(Z)
    for i in range(len(Z)):
        assert scores[i] == pytest.approx(_bod_brute(Z, i), abs=1e-9)
        dual = linprog(np.ones(len(Z)), A_ub=-Z.T, b_ub=-Z[i], bounds=(0, None), method="highs")
        assert scores[i] == pytest.approx(dual.fun, abs=1e-9)
        assert (Z @ W[i] <= 1 + 1e-9).all() and (W[i] >= -1e-12).all()
    assert scores.max() == pytest.approx(1.0)


def test_bod_one_indicator_and_dominance():
    """One indicator: BoD_i = z_i / max z = z_i. A region best on some indicator scores 1; by hand,
    (0.4, 0.4) among (1, 0) and (0, 1) takes w = (1, 1) (both constraints bind: 1 <= 1) -> 0.8."""
    z = np.array([[0.0], [0.25], [1.0], [0.6]])
    assert_allclose(M.bod(z)[0], [0, 0.25, 1, 0.6], atol=1e-12)
    Z = np.array([[1.0, 0.0], [0.0, 1.0], [0.4, 0.4]])
    assert_allclose(M.bod(Z)[0], [1, 1, 0.8], atol=1e-12)


def test_restricted_bod_with_fixed_shares_is_the_weighted_mean_rescaled():
    """Two pillars with one indicator each, shares fixed at the nominal 0.7/0.3 (L = U): the only
    admissible weights are proportional to (0.7, 0.3), so BoD_i = (0.7 z_i1 + 0.3 z_i2) /
    max_k (0.7 z_k1 + 0.3 z_k2) (by hand)."""
    rng = np.random.default_rng(6)
    Z = rng.uniform(size=(10, 2))
    s, W = M.bod(Z, ["p", "q"], {"p": (0.7, 0.7), "q": (0.3, 0.3)})
    y = Z @ [0.7, 0.3]
    assert_allclose(s, y / y.max(), atol=1e-9)
    assert_allclose(W[:, 0] / W.sum(axis=1), 0.7, atol=1e-9)
    # looser bounds can only raise a region's score
    loose = M.bod(Z, ["p", "q"], {"p": (0.35, 1.0), "q": (0.15, 0.45)})[0]
    assert (loose >= s - 1e-9).all() and (loose <= M.bod(Z)[0] + 1e-9).all()


def test_pillar_share_bounds_checks():
    """Multipliers give lo·W and min(1, hi·W); impossible or malformed bounds are SpecErrors that
    name bod_bounds."""
    b = M.pillar_share_bounds({"a": 0.6, "b": 0.4}, (0.5, 2.0))
    assert b == {"a": (0.3, 1.0), "b": (0.2, 0.8)}
    for bad in ((1.2, 2.0), (0.5, 0.9), "x", {"a": (0.9, 1.0), "b": (0.3, 0.5)}, {"a": (0.1, 0.9)}):
        with pytest.raises(SpecError) as e:
            M.pillar_share_bounds({"a": 0.6, "b": 0.4}, bad)
        assert e.value.parameter == "bod_bounds" and e.value.zh != e.value.en


# --------------------------------------------------------------------------------------------
# the comparison on the built-in data
# --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def builtin():
    ds, spec = load_default(), default_spec()
    return ds, spec, M.compare_methods(ds, spec)


def test_weighting_methods_go_through_build(builtin):
    """report = build(); the entropy/CRITIC/PCA composites equal 100 Σ_j w_j z_j computed here
    from the normalised indicators and the weights file (no gaps, arithmetic: the hierarchy's
    roll-up is the global weighted mean); geometric = build(aggregation = "geometric")."""
    ds, spec, mt = builtin
    res = build(ds, spec)
    assert_allclose(mt.scores["report"], res.composite)
    Zn = res.normalised[list(spec.framework.leaves)]
    for m in ("equal", "entropy", "critic", "pca"):
        w = mt.weights[m]
        assert w.sum() == pytest.approx(1.0) and (w >= 0).all()
        assert_allclose(mt.scores[m], Zn.to_numpy() @ w.to_numpy(), atol=1e-9)
    assert_allclose(mt.weights["report"], spec.framework.global_weights()[list(spec.framework.leaves)])
    assert_allclose(mt.weights["equal"].groupby(
        [spec.framework.parent(i) for i in mt.weights.index]).sum(), 0.2)
    geo = build(ds, spec.replace(aggregation="geometric")).composite
    assert_allclose(mt.scores["geometric"], geo)
    z = M.minmax01(res.treated[list(spec.framework.leaves)].to_numpy(), spec.framework.direction_array)
    assert_allclose(mt.weights["entropy"], M.entropy_weights(z)[0])


def test_ranks_summary_and_correlations(builtin):
    """Ranks 1 = best with ties at the lowest rank; best/worst/median/range per region;
    Spearman and Kendall between methods equal scipy's on the scores."""
    from scipy.stats import kendalltau, spearmanr

    _, _, mt = builtin
    for m in mt.methods:
        assert_allclose(mt.ranks[m], mt.scores[m].rank(ascending=False, method="min"))
    s = mt.summary
    assert_allclose(s["best_rank"], mt.ranks.min(axis=1))
    assert_allclose(s["rank_range"], mt.ranks.max(axis=1) - mt.ranks.min(axis=1))
    assert (s["robust"] == (s["rank_range"] <= 3)).all()
    assert set(mt.robust_regions) | set(mt.method_dependent_regions) == set(s.index)
    assert mt.spearman.loc["report", "topsis"] == pytest.approx(
        spearmanr(mt.scores["report"], mt.scores["topsis"]).statistic, abs=1e-12)
    assert mt.kendall.loc["report", "bod"] == pytest.approx(
        kendalltau(mt.scores["report"], mt.scores["bod"]).statistic, abs=1e-12)
    assert (mt.scores["bod"] <= 1 + 1e-9).all() and mt.scores["bod"].max() == pytest.approx(1.0)


def test_contract_tables(builtin, tmp_path):
    """FILE: region then <method>_score, <method>_rank for the ten methods (then the summary);
    weights file: method,indicator,weight for the five weightings × 19 indicators."""
    _, spec, mt = builtin
    t = M.methods_table(mt)
    expect = ["region"] + [f"{m}_{k}" for m in M.METHODS for k in ("score", "rank")]
    assert list(t.columns[:len(expect)]) == expect
    assert len(t) == 31 and t["region"].tolist() == list(mt.scores.index)
    w = M.weights_table(mt)
    assert list(w.columns) == ["method", "indicator", "weight"]
    assert w.groupby("method")["weight"].sum().round(12).to_dict() == {m: 1.0 for m in M.WEIGHTINGS}
    assert len(w) == 5 * 19 and set(w["indicator"]) == set(spec.framework.leaves)


def test_errors_and_edge_cases(tiny_fw, tiny_ds):
    """Unknown method, bad robust_range, fewer than 3 regions: SpecError/DataError naming the
    parameter; a flat framework (root with leaves) runs every method, its 'pillars' being the
    indicators; a pillar whose one indicator is constant gets weight 0 under entropy."""
    ds, spec = load_default(), default_spec()
    with pytest.raises(SpecError) as e:
        M.compare_methods(ds, spec, methods=["report", "vikor"])
    assert e.value.parameter == "methods"
    with pytest.raises(SpecError):
        M.compare_methods(ds, spec, robust_range=-1)
    two = pd.DataFrame([("r1", 2023, "a1", 1.0), ("r1", 2023, "a2", 2.0), ("r1", 2023, "b1", 3.0),
                        ("r2", 2023, "a1", 2.0), ("r2", 2023, "a2", 1.0), ("r2", 2023, "b1", 0.0)],
                       columns=["region", "year", "indicator", "value"])
    with pytest.raises(DataError) as e:
        M.compare_methods(load_data(two, tiny_fw), Spec(framework=tiny_fw))
    assert "3 regions" in e.value.en and "3 个地区" in e.value.zh

    flat = _fw([("idx", "", 1, 1, "指数", "Index"), ("x", "idx", 2, 1, "x", "x"),
                ("y", "idx", 1, -1, "y", "y"), ("k", "idx", 1, 1, "k", "k")])
    rng = np.random.default_rng(7)
    v = rng.uniform(size=(9, 3))
    v[:, 2] = 4.0
    mt = M.compare_methods(_wide(flat, v), Spec(framework=flat))
    assert not mt.notes and mt.scores.notna().all().all()
    assert mt.weights.loc["k", "entropy"] == 0 and mt.weights.loc["k", "critic"] == 0
    assert set(mt.bod_share_bounds) == {"x", "y", "k"}

    nested = _fw([("idx", "", 1, 1, "指数", "Index"), ("P", "idx", 1, 1, "P", "P"),
                  ("Q", "idx", 1, 1, "Q", "Q"), ("p1", "P", 1, 1, "p1", "p1"),
                  ("p2", "P", 1, 1, "p2", "p2"), ("q1", "Q", 1, 1, "q1", "q1")])
    v = rng.uniform(size=(9, 3))
    v[:, 2] = 1.0  # Q's only indicator is constant: Q gets weight 0, its child weight 1
    fw2 = M.weights_framework(nested, {"p1": 0.25, "p2": 0.75, "q1": 0.0})
    assert_allclose(fw2.global_weights()[["p1", "p2", "q1"]], [0.25, 0.75, 0.0])
    mt2 = M.compare_methods(_wide(nested, v), Spec(framework=nested), methods="entropy,critic")
    assert mt2.methods == ("entropy", "critic") and mt2.scores.notna().all().all()


def test_cli_methods(tmp_path, capsys):
    """python -m iiscore methods --out FILE --weights-out FILE: exit 0 and the contract; a bad
    --bod-bounds: exit 2 with one line naming it."""
    out, wout, cout = tmp_path / "m.csv", tmp_path / "w.csv", tmp_path / "c.csv"
    assert main(["methods", "--out", str(out), "--weights-out", str(wout),
                 "--correlations-out", str(cout)]) == 0
    t = pd.read_csv(out)
    assert t.columns[0] == "region" and "bod_restricted_rank" in t.columns and len(t) == 31
    w = pd.read_csv(wout)
    assert set(w["method"]) == set(M.WEIGHTINGS)
    c = pd.read_csv(cout)
    assert list(c.columns) == ["a", "b", "spearman", "kendall"] and len(c) == 45
    capsys.readouterr()
    assert main(["methods", "--bod-bounds", "1.5"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--bod-bounds" in err[0]


def test_indicator_with_no_values_methods():
    """An all-missing indicator: weight 0 under entropy, CRITIC and PCA (PCA leaves it out before
    dropping incomplete regions), every method still ranks every region."""
    fw = _fw([("idx", "", 1, 1, "指数", "Index"), ("P", "idx", 1, 1, "P", "P"), ("Q", "idx", 1, 1, "Q", "Q"),
              ("p1", "P", 1, 1, "p1", "p1"), ("p2", "P", 1, 1, "p2", "p2"), ("q1", "Q", 1, 1, "q1", "q1"),
              ("q2", "Q", 1, -1, "q2", "q2")])
    v = np.random.default_rng(11).uniform(size=(10, 4))
    v[:, 1] = np.nan
    mt = M.compare_methods(_wide(fw, v), Spec(framework=fw))
    assert not mt.notes and mt.scores.notna().all().all()
    assert (mt.weights.loc["p2", ["entropy", "critic", "pca"]] == 0).all()
    assert_allclose(mt.weights.sum(), 1.0)


def test_documented_builtin_methods(builtin):
    """The numbers quoted in docs/audit.md (built-in data). If this fails, update the document."""
    _, _, mt = builtin
    assert mt.spearman.loc["report"].round(3).drop("report").tolist() == [
        0.995, 0.991, 0.996, 0.984, 0.982, 0.988, 0.995, 0.966, 0.972]
    assert mt.kendall.loc["report"].round(3).drop("report").tolist() == [
        0.961, 0.940, 0.970, 0.910, 0.914, 0.935, 0.961, 0.867, 0.890]
    shift = mt.ranks.sub(mt.ranks["report"], axis=0).abs()
    assert shift.max().drop("report").astype(int).tolist() == [3, 3, 2, 4, 4, 5, 3, 6, 6]
    assert set(mt.robust_regions) == {"广东", "江苏", "山东", "浙江", "四川", "湖北", "安徽", "辽宁", "天津",
                                      "云南", "广西", "贵州", "宁夏", "青海", "西藏"}
    assert set(mt.method_dependent_regions[:2]) == {"海南", "重庆"}  # 8 places each, the widest
    assert (mt.ranks.loc["广东"] == 1).all() and (mt.ranks.loc["西藏"] == 31).all()
    assert sorted(mt.scores.index[mt.scores["bod"] >= 1 - 1e-9]) == sorted(["北京", "上海", "江苏", "山东", "广东"])


def test_bod_is_left_out_above_its_region_limit(monkeypatch):
    """Bounded work: above limits.MAX_BOD_REGIONS regions BoD is refused with a message, and
    compare_methods keeps every other method, noting why BoD is missing (3,000 counties took 5
    minutes of linear programmes)."""
    from iiscore import limits

    monkeypatch.setattr(limits, "MAX_BOD_REGIONS", 10)
    mt = M.compare_methods(load_default(), default_spec(year=2023))
    assert mt.scores["bod"].isna().all() and mt.scores["bod_restricted"].isna().all()
    assert mt.scores["topsis"].notna().all() and mt.scores["report"].notna().all()
    assert any("above 10 regions (31 here)" in en for en, _ in mt.notes)
    with pytest.raises(DataError, match="31 here"):
        M.bod(np.ones((31, 3)))
