import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iiscore import Spec, SpecError, build, load_data
from iiscore.aggregate import AGGREGATORS
from iiscore.normalise import NORMALISERS
from iiscore import load_framework
from tests.conftest import TINY_DATA, TINY_FRAMEWORK


def test_tiny_index_by_hand(tiny_fw, tiny_ds):
    """Hand computation in tests/conftest.py terms.

    a1 (up): 0, 50, 100; a2 (down, values 10, 0, 5): 0, 100, 50; b1 (up, 5, 10, 0): 50, 100, 0.
    A = (1·a1 + 3·a2)/4 = 0, 87.5, 62.5; B = b1; idx = 0.6·A + 0.4·B = 20, 92.5, 37.5.
    """
    res = build(tiny_ds, Spec(framework=tiny_fw))
    np.testing.assert_allclose(res.scores["A"], [0, 87.5, 62.5])
    np.testing.assert_allclose(res.composite, [20, 92.5, 37.5])
    assert res.ranks["idx"].tolist() == [3, 1, 2]
    assert res.year == 2023 and res.regions == ("r1", "r2", "r3")


def test_geometric_by_hand(tiny_fw, tiny_ds):
    res = build(tiny_ds, Spec(framework=tiny_fw, aggregation="geometric"))
    A = np.array([1 ** .25 * 1 ** .75, 51 ** .25 * 101 ** .75, 101 ** .25 * 51 ** .75]) - 1
    B = np.array([50.0, 100.0, 0.0])
    np.testing.assert_allclose(res.scores["A"], A)
    np.testing.assert_allclose(res.composite, (A + 1) ** 0.6 * (B + 1) ** 0.4 - 1)


def test_hierarchical_equals_flat_with_global_weights(tiny_fw, tiny_ds):
    res = build(tiny_ds, Spec(framework=tiny_fw))
    np.testing.assert_allclose(res.normalised.to_numpy() @ tiny_fw.global_weights().to_numpy(), res.composite)


def test_ties_share_the_lowest_rank(tiny_fw):
    df = TINY_DATA.copy()
    df.loc[df.region == "r3", "value"] = df.loc[df.region == "r2", "value"].to_numpy()
    res = build(load_data(df, tiny_fw), Spec(framework=tiny_fw))
    assert res.ranks["idx"].tolist() == [3, 1, 1]


def test_missing_reweight_and_mean(tiny_fw):
    df = TINY_DATA.copy()
    df.loc[(df.region == "r1") & (df.indicator == "a2"), "value"] = np.nan
    ds = load_data(df, tiny_fw)
    rw = build(ds, Spec(framework=tiny_fw))
    # a2 over r2, r3: values 0, 5 -> 100, 0; r1 pillar A = a1 only = 0
    np.testing.assert_allclose(rw.scores["A"], [0, (50 + 300) / 4, 100 / 4])
    np.testing.assert_allclose(rw.effective_weights.loc["r1"], [0.6, 0, 0.4])
    mean = build(ds, Spec(framework=tiny_fw, missing="mean"))
    # imputed 2.5 -> a2 scores (5-2.5)/5 = 50 for r1
    np.testing.assert_allclose(mean.scores["A"].iloc[0], (0 + 3 * 50) / 4)
    assert any("missing" in en for en, _ in rw.notes)


def test_constant_and_all_missing_indicator_policy(tiny_fw):
    df = TINY_DATA.copy()
    df.loc[df.indicator == "b1", "value"] = 4.0
    res = build(load_data(df, tiny_fw), Spec(framework=tiny_fw))
    np.testing.assert_allclose(res.scores["B"], [50, 50, 50])
    df.loc[df.indicator == "b1", "value"] = np.nan
    res = build(load_data(df, tiny_fw), Spec(framework=tiny_fw))
    np.testing.assert_allclose(res.composite, res.scores["A"])  # B has no data: A carries the index
    assert any("No values" in en for en, _ in res.notes)


def test_pooled_goalposts_make_years_comparable(tiny_fw):
    df2 = TINY_DATA.assign(year=2022, value=TINY_DATA.value / 2)
    ds = load_data(pd.concat([df2, TINY_DATA]), tiny_fw)
    r22 = build(ds, Spec(framework=tiny_fw, year=2022, goalposts="pooled"))
    r23 = build(ds, Spec(framework=tiny_fw, year=2023, goalposts="pooled"))
    # a1 goalposts 0..10 over both years: r3 scores 50 in 2022 and 100 in 2023
    assert r22.normalised.loc["r3", "a1"] == 50 and r23.normalised.loc["r3", "a1"] == 100
    per_year = build(ds, Spec(framework=tiny_fw, year=2022))
    assert per_year.normalised.loc["r3", "a1"] == 100


def test_fixed_goalposts_allow_scores_above_100(tiny_fw, tiny_ds):
    base = build(tiny_ds, Spec(framework=tiny_fw))
    df = TINY_DATA.copy()
    df.loc[(df.region == "r3") & (df.indicator == "a1"), "value"] = 20.0
    res = build(load_data(df, tiny_fw), Spec(framework=tiny_fw, goalposts=base.goalposts))
    assert res.normalised.loc["r3", "a1"] == 200


def test_treatment_is_reported(tiny_fw):
    rows = []
    for i in range(31):
        rows += [(f"r{i}", 2023, "a1", 1.0 if i else 1000.0), (f"r{i}", 2023, "a2", float(i)), (f"r{i}", 2023, "b1", float(i))]
    ds = load_data(pd.DataFrame(rows, columns=["region", "year", "indicator", "value"]), tiny_fw)
    res = build(ds, Spec(framework=tiny_fw, treat="log"))
    assert res.treatment == {"a1": "log"}
    assert build(ds, Spec(framework=tiny_fw)).treatment == {}


def test_spec_is_frozen_and_validates(tiny_fw):
    spec = Spec(framework=tiny_fw)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.year = 2000
    with pytest.raises(SpecError, match="'normalisation' parameter must be one of"):
        Spec(framework=tiny_fw, normalisation="foo")
    with pytest.raises(SpecError, match="minmax"):
        Spec(framework=tiny_fw, normalisation="rank", goalposts="pooled")


@pytest.mark.parametrize("norm", sorted(NORMALISERS))
@pytest.mark.parametrize("agg", sorted(AGGREGATORS))
def test_contract_every_method_combination(tiny_fw, norm, agg):
    rng = np.random.default_rng(7)
    rows = [(f"r{i}", 2023, ind, float(rng.lognormal())) for i in range(15) for ind in tiny_fw.leaves]
    ds = load_data(pd.DataFrame(rows, columns=["region", "year", "indicator", "value"]), tiny_fw)
    spec = Spec(framework=tiny_fw, normalisation=norm, aggregation=agg)
    if norm == "zscore" and agg == "geometric":
        with pytest.raises(SpecError):
            build(ds, spec)
        return
    res = build(ds, spec)
    assert np.isfinite(res.scores.to_numpy()).all()
    assert sorted(res.ranks["idx"]) == list(range(1, 16))


def _grid_ds(fw, values):
    rows = [(f"r{i}", 2023, ind, float(v)) for i, row in enumerate(values) for ind, v in zip(fw.leaves, row)]
    return load_data(pd.DataFrame(rows, columns=["region", "year", "indicator", "value"]), fw)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.floats(0, 100, allow_subnormal=False), min_size=3, max_size=3), min_size=3, max_size=8),
       st.integers(0, 7), st.sampled_from([0, 2]), st.floats(0.01, 50))
def test_property_raising_an_indicator_never_lowers_the_score(values, who, col, delta):
    """Arithmetic aggregation with fixed goalposts: raising a higher-is-better indicator never lowers a score."""
    tiny_fw = load_framework(TINY_FRAMEWORK)
    who = who % len(values)
    ds = _grid_ds(tiny_fw, values)
    base = build(ds, Spec(framework=tiny_fw))
    up = [list(r) for r in values]
    up[who][col] += delta
    res = build(_grid_ds(tiny_fw, up), Spec(framework=tiny_fw, goalposts=base.goalposts))
    assert res.composite.iloc[who] >= base.composite.iloc[who] - 1e-9
    assert res.ranks["idx"].iloc[who] <= base.ranks["idx"].iloc[who]


# -- the fast path's column-wise evaluation ---------------------------------------------------------
def _edited(ds, year, cells):
    """``ds`` with ``cells`` [(region, indicator, value)] replaced: the data build() scores."""
    return ds.replace_values(pd.DataFrame([(r, year, i, v) for r, i, v in cells],
                                          columns=["region", "year", "indicator", "value"]))


COLUMN_SPECS = [dict(), dict(treat="log"), dict(treat="winsor"), dict(normalisation="zscore"),
                dict(normalisation="zscore", treat="none"), dict(normalisation="rank", treat="log"),
                dict(normalisation="frontier", treat="none"), dict(missing="mean", treat="log"),
                dict(goalposts="pooled", treat="log"), dict(treat_fit="pooled", treat="winsor"),
                dict(aggregation="geometric", coverage=0.6)]


@pytest.mark.parametrize("kw", COLUMN_SPECS, ids=[",".join(f"{k}={v}" for k, v in d.items()) or "default"
                                                  for d in COLUMN_SPECS])
@pytest.mark.parametrize("frozen", [False, True], ids=["refit", "frozen"])
def test_evaluator_column_wise_equals_build_bit_for_bit(kw, frozen):
    """Evaluator.normalised re-fits only the columns that changed; brute force: build() on the edited
    data (or with the frozen ruler, as the fixed what-if), every score equal to the last bit, for
    one cell, a lone column, several columns, a value made missing, a missing value filled, a
    whole region (more than half the columns: the whole computation), in both memory orders."""
    from iiscore import default_spec, load_default
    from iiscore.pipeline import Evaluator

    ds = load_default()
    spec = default_spec().replace(**kw)
    if frozen and spec.normalisation != "minmax":
        pytest.skip("a frozen ruler is min-max's")
    year = ds.years[-1]
    base = build(ds, spec.replace(year=year))
    kern = Evaluator(ds, spec.replace(year=year), ruler=base.ruler if frozen else None)
    regions, leaves = list(kern.regions), list(kern.leaves)
    X0 = np.array(kern.X)
    rng = np.random.default_rng(len(kw) * 7 + frozen)
    missing = np.argwhere(np.isnan(X0))
    cases = [[(3, 5, 1.7)], [(0, 2, 0.4), (9, 2, 2.5)], [(1, 1, 1.3), (4, 7, 0.6), (20, 15, 3.0), (30, 0, 1.1)],
             [(6, 10, np.nan)], [(12, 4, 1.05)], [(7, j, 1.2) for j in range(len(leaves))]]
    if len(missing):
        i, j = missing[0]
        cases.append([(int(i), int(j), -1.0)])  # -1: fill with the column's median
    for case in cases + [[(int(rng.integers(len(regions))), int(rng.integers(len(leaves))), float(rng.uniform(0.3, 3)))]
                         for _ in range(4)]:
        X = X0.copy()
        cells = []
        for i, j, f in case:
            v = np.nan if np.isnan(f) else (np.nanmedian(X0[:, j]) if f == -1.0 else X0[i, j] * f)
            if np.isnan(v) and np.isnan(X0[i, j]):
                continue
            X[i, j] = v
            cells.append((regions[i], leaves[j], v))
        ref = build(_edited(ds, year, cells), spec.replace(year=year), ruler=base.ruler if frozen else None)
        for order in ("C", "F"):
            got = kern.normalised(np.array(X, order=order))
            assert np.array_equal(got, ref.normalised.to_numpy(float), equal_nan=True), (case, order)
            comp = kern.rollup.run(got)[0][:, kern.rollup.root_slot]
            assert np.array_equal(comp, ref.composite.to_numpy(float), equal_nan=True), (case, order)
