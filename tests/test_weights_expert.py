"""Expert scoring: mean / trimmed mean, dispersion, Kendall's W, and the AHP + expert mix."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from iiscore.errors import DataError, SpecError
from iiscore.weights.expert import (
    combine_ahp_expert,
    expert_hierarchy,
    expert_weights,
    kendall_w,
    trimmed_mean,
)

# three experts share 100 points among four items; rank 1 = lowest score
NO_TIES = pd.DataFrame([[10, 20, 30, 40], [20, 10, 30, 40], [10, 30, 20, 40]],
                       index=["zhang", "li", "wang"], columns=["a", "b", "c", "d"])


# ------------------------------------------------------------------------------------------------
# Kendall's W
# ------------------------------------------------------------------------------------------------
def test_kendall_w_by_hand_without_ties():
    """Ranks (1 = lowest): zhang 1 2 3 4, li 2 1 3 4, wang 1 3 2 4.
    Rank sums R = 4, 6, 8, 12; mean 7.5; S = 12.25 + 2.25 + 0.25 + 20.25 = 35.
    W = 12 S / (m^2 (n^3 - n)) = 420 / (9 * 60) = 7/9."""
    w, chi2, p = kendall_w(NO_TIES)
    assert w == pytest.approx(7 / 9)
    assert chi2 == pytest.approx(3 * 3 * 7 / 9)  # m (n - 1) W = 7
    assert p == pytest.approx(stats.chi2.sf(7.0, 3))


def test_kendall_w_by_hand_with_ties():
    """wang gives b and c 25 each: ranks 1 2.5 2.5 4, one tie group of 2, T = 2^3 - 2 = 6.
    R = 4, 5.5, 8.5, 12; S = 12.25 + 4 + 1 + 20.25 = 37.5.
    W = 12 * 37.5 / (9 * 60 - 3 * 6) = 450 / 522."""
    scores = NO_TIES.copy()
    scores.loc["wang"] = [10, 25, 25, 40]
    w, _, _ = kendall_w(scores)
    assert w == pytest.approx(450 / 522)


def test_kendall_w_extremes():
    same = np.tile([10, 20, 30, 40], (5, 1))
    assert kendall_w(same)[0] == pytest.approx(1.0)
    # two experts with opposite rankings: R constant -> W = 0
    assert kendall_w([[10, 20, 30, 40], [40, 30, 20, 10]])[0] == pytest.approx(0.0)
    assert np.isnan(kendall_w([[10, 90]])[0])  # one expert
    assert np.isnan(kendall_w([[25, 25, 25, 25], [25, 25, 25, 25]])[0])  # all tied


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6).flatmap(lambda m: st.integers(2, 6).flatmap(
    lambda n: st.lists(st.lists(st.integers(0, 5), min_size=n, max_size=n), min_size=m, max_size=m))))
def test_kendall_w_matches_friedman_statistic(rows):
    """Independent check: Friedman's chi-square (with the tie correction, as scipy computes it)
    equals m (n - 1) W."""
    x = np.array(rows, dtype=float)
    w, chi2, _ = kendall_w(x)
    if np.isnan(w):
        return
    with np.errstate(all="ignore"):
        try:
            fr = stats.friedmanchisquare(*x.T) if x.shape[1] >= 3 else None
        except (ValueError, ZeroDivisionError):
            fr = None
    if fr is not None and np.isfinite(fr.statistic):
        assert chi2 == pytest.approx(fr.statistic, rel=1e-9, abs=1e-9)
    assert 0.0 <= w <= 1.0


# ------------------------------------------------------------------------------------------------
# trimmed mean
# ------------------------------------------------------------------------------------------------
def test_trimmed_mean_by_hand():
    """[10, 20, 30, 40, 100], trim 0.2 of 5 -> drop 10 and 100 -> mean(20, 30, 40) = 30."""
    x = np.array([[10], [20], [30], [40], [100]])
    assert trimmed_mean(x, trim=0.2)[0] == pytest.approx(30.0)
    assert trimmed_mean(x, trim_count=1)[0] == pytest.approx(30.0)
    assert trimmed_mean(x, trim=0.0)[0] == pytest.approx(40.0)
    assert trimmed_mean(x, trim_count=2)[0] == pytest.approx(30.0)  # only the median left
    assert_allclose(trimmed_mean(x, trim=0.2), stats.trim_mean(x, 0.2, axis=0))


@pytest.mark.parametrize("kwargs, match", [
    ({"trim": 0.5}, r"'trim' parameter must be a number in \[0, 0.5\)"),
    ({"trim": -0.1}, r"'trim'"),
    ({"trim_count": 3}, r"leaves nothing of 5 expert"),
    ({"trim_count": 1.5}, r"'trim_count' parameter must be a non-negative integer"),
])
def test_trimmed_mean_bad_options(kwargs, match):
    with pytest.raises(SpecError, match=match):
        trimmed_mean(np.ones((5, 2)), **kwargs)


# ------------------------------------------------------------------------------------------------
# expert weights
# ------------------------------------------------------------------------------------------------
def test_mean_scores_and_dispersion_by_hand():
    res = expert_weights(NO_TIES)
    # means: a (10+20+10)/3, b 20, c 80/3, d 40 -> total 100
    assert_allclose(res.scores.to_numpy(), [40 / 3, 20, 80 / 3, 40])
    assert_allclose(res.weights.to_numpy(), [40 / 300, 0.2, 80 / 300, 0.4])
    d = res.dispersion
    assert d.loc["b", "std"] == pytest.approx(10.0)  # 20, 10, 30: sample sd 10
    assert d.loc["b", "cv"] == pytest.approx(0.5)
    assert d.loc["d", "std"] == 0.0 and d.loc["d", "range"] == 0.0
    assert d.loc["a", "min"] == 10 and d.loc["a", "max"] == 20
    assert res.kendall_w == pytest.approx(7 / 9)
    assert res.n_experts == 3 and res.trimmed_per_end == 0


def test_trimmed_aggregate_is_normalised():
    """Five experts; trimming one score at each end of every item.
    a: 10 20 20 20 60 -> 20; b: 90 80 80 70 40 -> 76.67 (80, 80, 70); c: 0 0 0 10 0 -> 0."""
    s = pd.DataFrame([[10, 90, 0], [20, 80, 0], [20, 80, 0], [20, 70, 10], [60, 40, 0]],
                     columns=["a", "b", "c"])
    res = expert_weights(s, aggregate="trimmed", trim_count=1)
    assert_allclose(res.scores.to_numpy(), [20, 230 / 3, 0])
    assert_allclose(res.weights.to_numpy(), np.array([20, 230 / 3, 0]) / (20 + 230 / 3))
    assert res.weights.sum() == pytest.approx(1.0)
    assert res.trimmed_per_end == 1
    assert res.dispersion.loc["a", "trimmed_mean"] == pytest.approx(20)


def test_totals_must_be_100_unless_rescaled():
    s = NO_TIES.copy()
    s.loc["li"] = [20, 10, 30, 30]  # totals 90
    with pytest.raises(DataError, match=r"expert 'li' totals 90, not 100") as info:
        expert_weights(s, name="basic")
    assert "专家 “li” 的总分为 90" in info.value.zh
    res = expert_weights(s, rescale=True)
    assert_allclose(res.raw.sum(axis=1).to_numpy(), 100.0)
    assert res.weights.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("scores, match", [
    ([[110, -10]], r"is negative"),
    ([[50, float("nan")]], r"no numeric score|finite"),
    ([[50, "x"]], r"must be numbers|no numeric score"),
    ([[0, 0]], r"totals 0, not 100"),
])
def test_bad_scores_raise(scores, match):
    with pytest.raises(DataError, match=match):
        expert_weights(scores)


def test_bad_aggregate_option():
    with pytest.raises(SpecError, match=r"'aggregate' parameter must be one of"):
        expert_weights(NO_TIES, aggregate="median")


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 7).flatmap(lambda m: st.integers(1, 6).flatmap(
    lambda n: st.lists(st.lists(st.floats(0, 100, allow_nan=False), min_size=n, max_size=n),
                       min_size=m, max_size=m))), st.sampled_from(["mean", "trimmed"]))
def test_expert_weights_are_on_the_simplex(rows, aggregate):
    try:
        res = expert_weights(rows, rescale=True, aggregate=aggregate, trim=0.2)
    except DataError:
        return  # an expert gave 0 to everything, or every aggregated score is 0
    w = res.weights.to_numpy()
    assert np.all(np.isfinite(w)) and np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0)


def test_expert_hierarchy():
    h = expert_hierarchy({
        "iidei": pd.DataFrame([[60, 40], [40, 60]], columns=["A", "B"]),
        "A": pd.DataFrame([[30, 70], [10, 90]], columns=["a1", "a2"]),
    })
    assert_allclose(h.global_weights[["a1", "a2", "B"]].to_numpy(), [0.5 * 0.2, 0.5 * 0.8, 0.5])
    assert h.results["A"].kendall_w == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------------
# AHP first, then expert scoring
# ------------------------------------------------------------------------------------------------
def test_linear_mix_by_hand():
    ahp = pd.Series({"a": 0.5, "b": 0.3, "c": 0.2})
    exp = pd.Series({"c": 0.4, "a": 0.4, "b": 0.2})  # another order on purpose
    res = combine_ahp_expert(ahp, exp, alpha=0.6, name="basic")
    assert_allclose(res.weights.to_numpy(), [0.6 * 0.5 + 0.4 * 0.4, 0.6 * 0.3 + 0.4 * 0.2, 0.6 * 0.2 + 0.4 * 0.4])
    assert list(res.weights.index) == ["a", "b", "c"]
    assert res.mix == "w = 0.6 x AHP + 0.4 x expert scoring (linear mix), within 'basic', sums to 1"
    assert "0.6 × 层次分析法 + 0.4 × 专家打分" in res.mix_zh


def test_geometric_mix_by_hand_and_endpoints():
    ahp = pd.Series({"a": 0.5, "b": 0.5})
    exp = pd.Series({"a": 0.8, "b": 0.2})
    res = combine_ahp_expert(ahp, exp, alpha=0.5, rule="geometric")
    g = np.sqrt([0.4, 0.1])
    assert_allclose(res.weights.to_numpy(), g / g.sum())  # 2/3, 1/3
    assert_allclose(combine_ahp_expert(ahp, exp, alpha=1).weights.to_numpy(), [0.5, 0.5])
    assert_allclose(combine_ahp_expert(ahp, exp, alpha=0).weights.to_numpy(), [0.8, 0.2])


def test_mix_accepts_results_and_rejects_mismatch():
    exp = expert_weights(NO_TIES)
    res = combine_ahp_expert(exp.weights, exp, alpha=0.3)
    assert_allclose(res.weights.to_numpy(), exp.weights.to_numpy())
    with pytest.raises(DataError, match=r"cover different items \(AHP only: \['e'\]"):
        combine_ahp_expert(pd.Series({"a": 1, "e": 1}), pd.Series({"a": 1, "b": 1}))
    with pytest.raises(SpecError, match=r"'alpha' parameter must be a number in \[0, 1\]"):
        combine_ahp_expert(exp, exp, alpha=1.5)
    with pytest.raises(DataError, match=r"geometric mix .* is 0 for every item"):
        combine_ahp_expert(pd.Series({"a": 1, "b": 0}), pd.Series({"a": 0, "b": 1}), rule="geometric")
