import numpy as np
import pandas as pd
import pytest

from iiscore import treat


def test_skew_kurt_match_pandas():
    rng = np.random.default_rng(0)
    A = rng.lognormal(sigma=1.5, size=(31, 3))
    A[4, 1] = np.nan
    s, k = treat.skew_kurt(A)
    df = pd.DataFrame(A)
    np.testing.assert_allclose(s, df.skew().to_numpy())
    np.testing.assert_allclose(k, df.kurt().to_numpy())


def test_rule_needs_both_skew_and_kurtosis():
    x = np.r_[np.ones(30), 100.0]  # one huge outlier: skew ≈ 5.6, kurtosis ≈ 31
    assert treat.flags(x[:, None])[0]
    assert not treat.flags(np.arange(31.0)[:, None])[0]


def test_log_positive_data_is_plain_log():
    x = np.r_[np.ones(30), 1000.0][:, None]
    f = treat.fit(x, "log")[0]
    assert f.kind == "log" and f.shift == 0
    np.testing.assert_allclose(f.apply(np.array([np.e])), [1.0])


def test_log_shifts_non_positive_data():
    """Data with zeros: ln(x - min + 1); a lognormal-like spread with one zero is right-skewed and the log
    reduces its skewness, so it is treated."""
    x = np.r_[0.0, np.random.default_rng(0).lognormal(0, 1.5, 60)][:, None]  # skew 2.57, kurtosis 7.39
    f = treat.fit(x, "log")[0]
    assert f.kind == "log" and f.shift == 1.0  # ln(x - min + 1)


def test_log_only_where_it_reduces_a_right_skew():
    """A spike on zeros (skew 5.6): ln(x + 1) leaves it a spike (same skewness), so it is not treated and
    the report says why; a left skew (-4.92 in the issue) is never logged."""
    spike = np.r_[np.zeros(30), 1000.0][:, None]
    f = treat.fit(spike, "log")[0]
    s0 = treat.skew_kurt(spike)[0][0]
    s1 = treat.skew_kurt(np.log(spike + 1.0))[0][0]
    assert s0 > 2 and abs(s1) >= abs(s0) - 1e-12 and (f.kind, f.action) == ("none", "no-gain")
    left = -np.random.default_rng(0).lognormal(0, 1.5, 60)[:, None]  # skew -2.55, kurtosis 7.27
    assert treat.skew_kurt(left)[0][0] < -2
    assert (treat.fit(left, "log")[0].kind, treat.fit(left, "log")[0].action) == ("none", "left")
    # winsorisation treats either side; a left skew never falls back to the log
    w = treat.fit(left, "winsor")[0]
    assert w.kind in ("winsor", "none") and w.action in ("winsor", "still")
    rep = treat.report(left, [treat.fit(left, "log")[0]], ["x"], method="log")
    assert rep.loc[0, "action"] == "left" and rep.loc[0, "skew_after"] == pytest.approx(rep.loc[0, "skew_before"])


def test_winsor_clips_the_outlier_by_hand():
    x = np.r_[np.arange(1.0, 31.0), 1000.0]
    f = treat.fit(x[:, None], "winsor")[0]
    assert f.kind == "winsor" and f.points == 1 and f.hi == 30.0
    assert not treat.flags(f.apply(x)[:, None])[0]


def test_winsor_falls_back_to_log_when_winmax_points_are_not_enough():
    x = 2.0 ** np.arange(31)  # needs 3 winsorised points to pass the rule
    assert treat.fit(x[:, None], "winsor", winmax=3)[0].points == 3
    assert treat.fit(x[:, None], "winsor", winmax=2)[0].kind == "log"


@pytest.mark.parametrize("method", treat.TREATMENTS)
def test_untreated_columns_are_unchanged(method):
    A = np.column_stack([np.arange(31.0), np.r_[np.ones(30), 500.0]])
    fitted = treat.fit(A, method)
    out = treat.apply(A, fitted)
    np.testing.assert_array_equal(out[:, 0], A[:, 0])
