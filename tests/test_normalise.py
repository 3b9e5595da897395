import numpy as np
import pytest

from iiscore.normalise import NORMALISERS, n_baseyear, n_frontier, n_goalposts, n_minmax, n_rank, n_zscore

X = np.array([[0.0, 10.0], [5.0, 0.0], [10.0, 5.0], [np.nan, 2.5]])
D = np.array([1.0, -1.0])


def test_minmax_by_hand():
    Z = n_minmax(X, D)
    np.testing.assert_allclose(Z[:, 0], [0, 50, 100, np.nan])
    np.testing.assert_allclose(Z[:, 1], [0, 100, 50, 75])  # lower is better: (max-x)/(max-min)


def test_goalposts_are_not_clipped():
    Z = n_goalposts(np.array([[12.0], [-1.0]]), [1], [0.0], [10.0])
    np.testing.assert_allclose(Z[:, 0], [120, -10])


def test_zscore_by_hand():
    Z = n_zscore(np.array([[1.0], [2.0], [3.0]]), [-1])
    np.testing.assert_allclose(Z[:, 0], [1, 0, -1])  # sd (ddof=1) = 1; direction flips sign


def test_rank_percentile_with_ties():
    Z = n_rank(np.array([[1.0], [2.0], [2.0], [5.0], [np.nan]]), [1])
    np.testing.assert_allclose(Z[:, 0], [0, 50, 50, 100, np.nan])


def test_frontier_by_hand():
    Z = n_frontier(np.array([[2.0, 2.0], [4.0, 8.0]]), [1, -1])
    np.testing.assert_allclose(Z, [[50, 100], [100, 25]])


def test_baseyear_is_the_reports_national_formula():
    np.testing.assert_allclose(n_baseyear(np.array([[139.0, 50.0]]), [1, -1], [100.0, 100.0]), [[139, 200]])


@pytest.mark.parametrize("name", sorted(NORMALISERS))
def test_contract_every_normaliser(name):
    """Shape kept, NaN kept in place, constant column is finite, order preserved (direction-aware)."""
    f = NORMALISERS[name]
    rng = np.random.default_rng(1)
    A = rng.lognormal(size=(12, 4))
    A[3, 1] = np.nan
    A[:, 2] = 7.0
    Z = f(A, np.array([1, 1, 1, -1]))
    assert Z.shape == A.shape
    assert np.isnan(Z[3, 1]) and np.isfinite(np.delete(Z.ravel(), 3 * 4 + 1)).all()
    assert np.unique(Z[:, 2]).size == 1  # a constant indicator gives everybody the same score
    order = np.argsort(A[:, 0])
    assert np.all(np.diff(Z[order, 0]) >= -1e-12)
    order = np.argsort(A[:, 3])
    assert np.all(np.diff(Z[order, 3]) <= 1e-12)


def test_constant_minmax_policy_is_midpoint():
    np.testing.assert_allclose(n_minmax(np.array([[3.0], [3.0]]), [1])[:, 0], [50, 50])
