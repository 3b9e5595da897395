import numpy as np
import pytest

from iiscore import SpecError
from iiscore.aggregate import AGGREGATORS, a_arithmetic, a_geometric, roll_up


def test_arithmetic_reweights_missing_children():
    C = np.array([[10.0, 20.0], [np.nan, 20.0], [np.nan, np.nan]])
    s, W = a_arithmetic(C, [1, 3])
    np.testing.assert_allclose(s[:2], [17.5, 20.0])
    assert np.isnan(s[2])
    np.testing.assert_allclose(W[1], [0, 1])


def test_geometric_plus_one_rule_by_hand():
    s, _ = a_geometric(np.array([[0.0, 99.0], [0.0, 0.0]]), [1, 1])
    np.testing.assert_allclose(s, [np.sqrt(1 * 100) - 1, 0.0])


def test_geometric_rejects_negative_scores():
    with pytest.raises(SpecError, match="non-negative"):
        a_geometric(np.array([[-1.0, 2.0]]), [1, 1])


@pytest.mark.parametrize("name", sorted(AGGREGATORS))
def test_contract_every_aggregator(name):
    """Between min and max of the children; equal children give that value; weights of used children sum to 1."""
    rng = np.random.default_rng(3)
    C = rng.uniform(0, 100, size=(20, 4))
    C[2, 1] = np.nan
    w = rng.uniform(0.1, 2, 4)
    s, W = AGGREGATORS[name](C, w)
    assert np.all(s <= np.nanmax(C, axis=1) + 1e-9) and np.all(s >= np.nanmin(C, axis=1) - 1e-9)
    np.testing.assert_allclose(W.sum(axis=1), 1.0)
    same, _ = AGGREGATORS[name](np.full((1, 4), 42.0), w)
    np.testing.assert_allclose(same, [42.0])


def test_geometric_never_exceeds_arithmetic():
    rng = np.random.default_rng(5)
    C = rng.uniform(0, 100, size=(50, 5))
    w = rng.uniform(0.1, 1, 5)
    assert np.all(a_geometric(C, w)[0] <= a_arithmetic(C, w)[0] + 1e-9)


def test_roll_up_effective_weights(tiny_fw):
    Z = np.array([[0.0, np.nan, 50.0]])
    scores, eff = roll_up(Z, tiny_fw)
    np.testing.assert_allclose(eff, [[0.6, 0.0, 0.4]])  # a2 missing: a1 takes all of pillar A
    np.testing.assert_allclose(scores["idx"], [0.6 * 0 + 0.4 * 50])
