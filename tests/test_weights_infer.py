"""Pillar weights inferred from the CAICT 2024 report's published national series.

Published figures (CAICT 2024 report, Fig. 1-11 and the text on 贡献率), as shipped in
``data/national_published.csv``: composite 100/139/179/235 (2020-2023); basic 100/152/234/311,
innovation 100/146/163/211, industry 100/127/164/216, application 100/142/162/182, environment
100/134/195/296; basic contributed 17.3 % of the composite's 2022→2023 increase.
"""
import argparse
import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.optimize import linprog

from iiscore.errors import DataError, IIScoreWarning, SpecError
from iiscore.cli import weights as _cli
from iiscore.resources import data_file
from iiscore.weights.infer import infer_weights, load_published, round_to_total

DEFAULT_PUBLISHED = data_file("national_published.csv")

ROOT = Path(__file__).resolve().parents[1]
PILLARS = ["basic", "innovation", "industry", "application", "environment"]
YEARS = [2020, 2021, 2022, 2023]
COMPOSITE = np.array([100, 139, 179, 235], dtype=float)
SERIES = np.array([[100, 100, 100, 100, 100],
                   [152, 146, 127, 142, 134],
                   [234, 163, 164, 162, 195],
                   [311, 211, 216, 182, 296]], dtype=float)  # years x pillars


@pytest.fixture(scope="module")
def with_contribution():
    return infer_weights()


@pytest.fixture(scope="module")
def without_contribution():
    return infer_weights(use_contribution=False)


def published_frame(composite=COMPOSITE, series=SERIES, contribution=17.3):
    rows = [("index", "iidei", "", y, v) for y, v in zip(YEARS, composite)]
    for k, p in enumerate(PILLARS):
        rows += [("index", p, "iidei", y, series[t, k]) for t, y in enumerate(YEARS)]
    if contribution is not None:
        rows.append(("contribution", "basic", "iidei", 2023, contribution))
    return pd.DataFrame(rows, columns=["kind", "node", "parent", "year", "value"])


def feasible_series_exists(w, h=0.5, contribution=(17.25, 17.35)):
    """Independent check of the rounding model for a FIXED weight vector: is there a true series
    S* within ±h of every published pillar value whose weighted mean is within ±h of every
    published composite value (and whose 2022→2023 basic contribution lies in the interval)?
    For fixed w every condition is linear in S*, so one LP decides it."""
    T, n = SERIES.shape
    rows, rhs = [], []
    for t in range(T):
        r = np.zeros(T * n)
        r[t * n:(t + 1) * n] = w
        rows += [r, -r]
        rhs += [COMPOSITE[t] + h, -(COMPOSITE[t] - h)]
    if contribution is not None:
        lo, hi = contribution[0] / 100, contribution[1] / 100
        d = np.zeros(T * n)
        d[3 * n:4 * n] += w
        d[2 * n:3 * n] -= w
        b = np.zeros(T * n)
        b[3 * n] += w[0]
        b[2 * n] -= w[0]
        rows += [b - hi * d, lo * d - b]
        rhs += [0.0, 0.0]
    bounds = [(v - h, v + h) for v in SERIES.ravel()]
    res = linprog(np.zeros(T * n), A_ub=np.array(rows), b_ub=rhs, bounds=bounds, method="highs")
    return res.status == 0


# ------------------------------------------------------------------------------------------------
# the point
# ------------------------------------------------------------------------------------------------
def test_point_with_contribution_is_the_exact_solution(with_contribution):
    """Five equations, five unknowns: w_basic = 0.173 * 56 / 77 = 0.1258182, and the rest from
    the composite 2021-2023 and sum(w) = 1."""
    r = with_contribution
    assert list(r.weights.index) == PILLARS
    assert_allclose(r.weights.to_numpy(), [0.12582, 0.14888, 0.20425, 0.29730, 0.22375], atol=5e-6)
    assert r.weights["basic"] == pytest.approx(0.173 * 56 / 77, rel=1e-12)
    assert r.used_contribution and r.determined
    assert r.free_directions.empty
    assert_allclose(r.residuals.to_numpy(), 0.0, atol=1e-9)
    assert "contribution basic 2023" in r.residuals.index
    assert "exactly determined" in r.method_note
    assert "identifier→basic" in r.method_note  # the 50.5 % is reported as ignored


def test_published_pillars_reproduce_the_published_composite(with_contribution):
    """With the inferred weights the published pillar series give the published composite
    139 / 179 / 235 within rounding (±0.5), and basic's contribution 17.3 % (±0.05)."""
    w = with_contribution.weights.to_numpy()
    fitted = SERIES @ w
    assert np.all(np.abs(fitted - COMPOSITE) <= 0.5)
    assert_allclose(np.round(fitted[1:]), [139, 179, 235])
    contribution = 100 * w[0] * (311 - 234) / (fitted[3] - fitted[2])
    assert abs(contribution - 17.3) <= 0.05


def test_framework_pillar_weights_are_the_inferred_point(with_contribution):
    """data/framework.csv's pillar weights (12.58, 14.89, 20.42, 29.73, 22.38) are the inferred
    point in percent to 2 decimals, rounded so that they total 100 (largest remainder: the
    exact 22.3749 becomes 22.38 because 12.58 + 14.89 + 20.42 + 29.73 + 22.37 = 99.99)."""
    fw = pd.read_csv(ROOT / "data" / "framework.csv")
    fw = fw[fw["parent"] == "iidei"].set_index("id")["weight"].loc[PILLARS]
    pct = 100 * with_contribution.weights
    # plain 2-decimal rounding matches four of five; the fifth differs by the one cent that
    # makes the level total 100
    assert_allclose(fw.to_numpy()[:4], pct.round(2).to_numpy()[:4], atol=1e-9)
    assert_allclose(fw.to_numpy(), pct.to_numpy(), atol=0.01)
    # exact: Hamilton (largest-remainder) rounding to 2 decimals with total 100
    assert_allclose(round_to_total(pct, 100, 2).to_numpy(), fw.to_numpy(), atol=1e-9)
    # and the framework weights themselves still reproduce the published composite
    w = fw.to_numpy() / fw.sum()
    assert np.all(np.abs(SERIES @ w - COMPOSITE) <= 0.5)


def test_without_contribution_is_underdetermined(without_contribution):
    r = without_contribution
    assert not r.used_contribution and not r.determined
    assert "UNDERDETERMINED" in r.method_note
    assert r.free_directions.shape == (1, 5)
    v = r.free_directions.to_numpy()[0]
    assert v.sum() == pytest.approx(0.0, abs=1e-9)  # keeps sum(w) = 1
    assert_allclose(SERIES @ v, 0.0, atol=1e-9)  # and every composite
    # the point is the minimum-norm exact fit: orthogonal to the free direction within the simplex
    w = r.weights.to_numpy()
    assert_allclose(SERIES @ w, COMPOSITE, atol=1e-9)
    assert abs(w @ v) < 1e-9
    assert np.all(w >= 0) and w.sum() == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------------
# the bounds
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("fixture", ["with_contribution", "without_contribution"])
def test_bounds_contain_the_point_and_are_attained(fixture, request):
    r = request.getfixturevalue(fixture)
    assert np.all(r.lower <= r.weights + 1e-12) and np.all(r.weights <= r.upper + 1e-12)
    assert np.all(r.lower >= 0) and np.all(r.upper <= 1)
    contribution = (17.25, 17.35) if r.used_contribution else None
    assert feasible_series_exists(r.weights.to_numpy(), contribution=contribution)
    for label, w in r.extremes.iterrows():
        pid, side = label.split()
        assert w[pid] == pytest.approx(getattr(r, side)[pid], abs=1e-7)
        assert w.sum() == pytest.approx(1.0)
        # every bound is attained by a weight vector that some true series explains
        assert feasible_series_exists(w.to_numpy(), contribution=contribution), label


def test_contribution_narrows_the_bounds(with_contribution, without_contribution):
    a, b = with_contribution, without_contribution
    assert np.all(a.lower >= b.lower - 1e-9) and np.all(a.upper <= b.upper + 1e-9)
    # basic: 0.1725 * 55 / 78 <= w_basic <= 0.1735 * 57 / 76 (extreme true changes of X and S)
    assert a.lower["basic"] == pytest.approx(0.1725 * 55 / 78, abs=1e-7)
    assert a.upper["basic"] == pytest.approx(0.1735 * 57 / 76, abs=1e-7)


def test_sampled_feasible_weights_lie_within_the_bounds(with_contribution, without_contribution):
    """Rejection sampling: random weight vectors that some true series explains never leave the
    reported bounds."""
    rng = np.random.default_rng(7)
    for r, contribution in ((with_contribution, (17.25, 17.35)), (without_contribution, None)):
        found = 0
        for _ in range(400):
            w = rng.dirichlet(200 * r.weights.to_numpy() + 0.5)
            if contribution is not None:
                w[0] = rng.uniform(0.121, 0.131)
                w[1:] *= (1 - w[0]) / w[1:].sum()
            if feasible_series_exists(w, contribution=contribution):
                found += 1
                assert np.all(w >= r.lower.to_numpy() - 1e-9) and np.all(w <= r.upper.to_numpy() + 1e-9)
        assert found > 5


def test_outside_the_bounds_is_infeasible(with_contribution):
    r = with_contribution
    for pid in ["basic", "environment"]:
        k = PILLARS.index(pid)
        w = r.extremes.loc[f"{pid} upper"].to_numpy().copy()
        w[k] += 0.002
        w /= w.sum()
        if w[k] > r.upper[pid] + 1e-6:
            assert not feasible_series_exists(w)


def test_method_note_describes_the_lp(with_contribution):
    note = with_contribution.method_note
    assert "linprog" in note and "y_kt = w_k S*_kt" in note and "±0.5" in note and "±0.05" in note


# ------------------------------------------------------------------------------------------------
# property test: weights on the simplex, never NaN
# ------------------------------------------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(-40, 40), min_size=15, max_size=15), st.lists(st.integers(-30, 30), min_size=3, max_size=3),
       st.booleans())
def test_inferred_weights_are_always_on_the_simplex(dseries, dcomp, contribution):
    series = SERIES.copy()
    series[1:] += np.array(dseries, dtype=float).reshape(3, 5)
    comp = COMPOSITE.copy()
    comp[1:] += np.array(dcomp, dtype=float)
    if abs(comp[3] - comp[2]) <= 1:
        comp[3] = comp[2] + 5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IIScoreWarning)
        r = infer_weights(published_frame(comp, series, 17.3 if contribution else None))
    w = r.weights.to_numpy()
    assert np.all(np.isfinite(w)) and np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0)
    assert np.all(np.isfinite(r.residuals))
    lo, hi = r.lower.to_numpy(), r.upper.to_numpy()
    if np.all(np.isfinite(lo)):
        assert np.all(lo <= hi + 1e-9)


def test_infeasible_figures_warn_and_give_nan_bounds_only():
    comp = np.array([100, 300, 400, 500.0])  # above every pillar: no weighted mean reaches it
    with pytest.warns(IIScoreWarning, match="No non-negative weights"):
        r = infer_weights(published_frame(comp, contribution=None))
    assert np.all(np.isnan(r.lower)) and np.all(np.isfinite(r.weights))
    assert r.weights.sum() == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------------
# helpers and validation
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("w", [[1, 1, 1], [0.12582, 0.14888, 0.20425, 0.29730, 0.22375], [2, 0, 1e-9]])
def test_round_to_total_sums_exactly(w):
    r = round_to_total(pd.Series(w), 100, 2)
    assert round(r.sum(), 9) == 100
    assert np.all(np.abs(r - 100 * np.array(w) / np.sum(w)) < 0.01 + 1e-12)


def test_default_published_file_is_packaged():
    assert DEFAULT_PUBLISHED == ROOT / "data" / "national_published.csv"  # the checkout's own data/
    df = load_published()
    assert set(df["kind"]) == {"index", "contribution"}


def test_load_published_errors(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load_published(tmp_path / "missing.csv")
    f = tmp_path / "p.csv"
    f.write_text("kind,node,parent,year,value\nindex,iidei,,2020,100\nindex,iidei,,2021,abc\n", encoding="utf-8")
    with pytest.raises(DataError, match="'abc' is not a number") as info:
        load_published(f)
    assert (info.value.row, info.value.column) == (3, "value")
    f.write_text("kind,node,year,value\nindex,iidei,2020,100\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"Missing column\(s\) \['parent'\]"):
        load_published(f)
    f.write_text("kind,node,parent,year,value\nscore,iidei,,2020,100\n", encoding="utf-8")
    with pytest.raises(DataError, match="Unknown kind 'score'") as info:
        load_published(f)
    assert info.value.row == 2
    f.write_text("kind,node,parent,year,value\nindex,iidei,,2020,100\nindex,iidei,,2020,101\n", encoding="utf-8")
    with pytest.raises(DataError, match="Duplicate figure"):
        load_published(f)


def test_infer_errors():
    with pytest.raises(DataError, match="No published index rows for the composite 'nope'"):
        infer_weights(parent="nope")
    df = published_frame()
    df = df[~((df["node"] == "industry") & (df["year"] == 2022))]
    with pytest.raises(DataError, match="'industry' has no published value for 2022"):
        infer_weights(df)
    with pytest.raises(SpecError, match="'index_halfwidth' parameter must be a positive number"):
        infer_weights(index_halfwidth=0)
    flat = published_frame(np.array([100, 139, 179, 179.5]))
    with pytest.raises(DataError, match="within the rounding"):
        infer_weights(flat)


# ------------------------------------------------------------------------------------------------
# CLI
# ------------------------------------------------------------------------------------------------
def _run(argv, capsys):
    p = argparse.ArgumentParser()
    _cli.register(p.add_subparsers(dest="command"))
    args = p.parse_args(argv)
    assert args.func(args) == 0
    return capsys.readouterr()


def test_cli_infer_default(capsys, with_contribution):
    out, err = _run(["weights", "infer"], capsys)
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["id", "weight", "lower", "upper"]
    assert list(table["id"]) == PILLARS
    assert_allclose(table["weight"].to_numpy(), with_contribution.weights.to_numpy())
    assert_allclose(table["lower"].to_numpy(), with_contribution.lower.to_numpy())
    assert "used_contribution=True determined=True" in err


def test_cli_infer_no_contribution_to_file(tmp_path, capsys, without_contribution):
    out_file = tmp_path / "w.csv"
    _, err = _run(["weights", "infer", "--no-contribution", "--out", str(out_file),
                   "--published", str(DEFAULT_PUBLISHED)], capsys)
    table = pd.read_csv(out_file)
    assert_allclose(table["weight"].to_numpy(), without_contribution.weights.to_numpy())
    assert "determined=False" in err and "UNDERDETERMINED" in err


def test_cli_infer_bad_published_file(tmp_path):
    p = argparse.ArgumentParser()
    _cli.register(p.add_subparsers(dest="command"))
    args = p.parse_args(["weights", "infer", "--published", str(tmp_path / "none.csv")])
    with pytest.raises(DataError, match="not found"):
        args.func(args)
