"""AHP: priorities, consistency, revision suggestion, experts, hierarchies, the ``weights ahp`` CLI.

Literature fixtures are named after their source and cite it in the docstring.
"""
import argparse
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from iiscore.errors import DataError, IIScoreError, IIScoreWarning, SpecError
from iiscore.cli import weights as _cli
from iiscore.weights.ahp import (
    RANDOM_INDEX,
    SAATY_SCALE,
    aggregate_judgements,
    ahp_group,
    ahp_hierarchy,
    ahp_priorities,
    as_judgement_matrix,
    format_judgement,
    hierarchy_from_local,
    on_scale,
    parse_judgement,
    random_index,
    read_matrix_csv,
    reciprocal_matrix,
    revision_plan,
    suggest_revision,
)

# Saaty (1990), "How to make a decision: the analytic hierarchy process", EJOR 48:9-26, the house
# example: comparison of the eight criteria for buying a house (Table 2 of the paper).
HOUSE_LABELS = ["size", "transport", "neighborhood", "age", "yard", "modern", "condition", "financing"]
HOUSE = [
    [1, 5, 3, 7, 6, 6, "1/3", "1/4"],
    ["1/5", 1, "1/3", 5, 3, 3, "1/5", "1/7"],
    ["1/3", 3, 1, 6, 3, 4, 6, "1/5"],
    ["1/7", "1/5", "1/6", 1, "1/3", "1/4", "1/7", "1/8"],
    ["1/6", "1/3", "1/3", 3, 1, "1/2", "1/5", "1/6"],
    ["1/6", "1/3", "1/4", 4, 2, 1, "1/5", "1/6"],
    [3, 5, "1/6", 7, 5, 5, 1, "1/2"],
    [4, 7, 5, 8, 6, 6, 2, 1],
]

# Saaty (1977), "A scaling method for priorities in hierarchical structures", J. Math. Psych.
# 15:234-281: relative brightness of four chairs at different distances from a light source.
LIGHT = [[1, 5, 6, 7], [1 / 5, 1, 4, 6], [1 / 6, 1 / 4, 1, 4], [1 / 7, 1 / 6, 1 / 4, 1]]


def consistent_matrix(v):
    v = np.asarray(v, dtype=float)
    return v[:, None] / v[None, :]


def cr_of(m):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IIScoreWarning)
        return ahp_priorities(m).cr


def cr_direct(a):
    """CR straight from numpy's eigenvalues (no suggestion search): (lambda_max - n)/(n - 1)/RI."""
    a = np.asarray(a, dtype=float)
    n = len(a)
    return (np.max(np.linalg.eigvals(a).real) - n) / (n - 1) / RANDOM_INDEX["saaty1980"][n]


def power_iteration(a, iters=2000):
    v = np.ones(len(a)) / len(a)
    for _ in range(iters):
        v = a @ v
        v /= v.sum()
    return v


# ------------------------------------------------------------------------------------------------
# literature
# ------------------------------------------------------------------------------------------------
def test_saaty1990_house_example_priorities_and_consistency():
    """Saaty (1990) EJOR 48:9-26, house example: priorities .173 .054 .188 .018 .031 .036 .167
    .333, lambda_max = 9.669, CI = 0.238, CR = 0.169 (RI(8) = 1.41)."""
    frame = pd.DataFrame(HOUSE, index=HOUSE_LABELS, columns=HOUSE_LABELS)
    with pytest.warns(IIScoreWarning, match="CR = 0.169"):
        res = ahp_priorities(frame, name="house")
    assert_allclose(res.weights.to_numpy(),
                    [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333], atol=5e-4)
    assert list(res.weights.index) == HOUSE_LABELS
    assert_allclose(res.lambda_max, 9.669, atol=5e-4)
    assert_allclose(res.ci, 0.238, atol=5e-4)
    assert_allclose(res.cr, 0.169, atol=5e-4)
    assert res.ri == 1.41
    assert not res.consistent
    assert res.suggestion is not None


def test_saaty1977_light_example_lambda_max_and_independent_eigenvector():
    """Saaty (1977) J. Math. Psych. 15:234-281, four chairs and a light: lambda_max = 4.39.

    The priority vector is not compared with quoted figures (we are not certain of their
    rounding); it is verified independently: power iteration (A^k 1 normalised) and
    ``numpy.linalg.eig`` agree with the result to 1e-10, and A w = lambda_max w.
    """
    res = ahp_priorities(LIGHT)
    assert_allclose(res.lambda_max, 4.39, atol=5e-3)
    a = np.array(LIGHT)
    assert_allclose(res.weights.to_numpy(), power_iteration(a), atol=1e-10)
    assert_allclose(a @ res.weights.to_numpy(), res.lambda_max * res.weights.to_numpy(), atol=1e-10)
    ev, vec = np.linalg.eig(a)
    k = np.argmax(ev.real)
    v = np.abs(vec[:, k].real)
    assert_allclose(res.weights.to_numpy(), v / v.sum(), atol=1e-10)
    assert_allclose(res.cr, (res.lambda_max - 4) / 3 / 0.90, rtol=1e-12)


@pytest.mark.parametrize("n, ri", [(1, 0.0), (2, 0.0), (3, 0.58), (4, 0.90), (5, 1.12), (6, 1.24),
                                   (7, 1.32), (8, 1.41), (9, 1.45), (10, 1.49), (11, 1.51),
                                   (12, 1.48), (13, 1.56), (14, 1.57), (15, 1.59)])
def test_saaty1980_random_index_table(n, ri):
    """Saaty (1980) *The Analytic Hierarchy Process*, random index RI(n) for n = 1..15."""
    assert random_index(n) == ri
    assert RANDOM_INDEX["saaty1980"][n] == ri


def test_geometric_mean_method_by_hand():
    """Row geometric means of [[1,3,5],[1/3,1,2],[1/5,1/2,1]]:
    15^(1/3) = 2.466212, (2/3)^(1/3) = 0.873580, (1/10)^(1/3) = 0.464159; sum 3.803951."""
    m = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
    res = ahp_priorities(m, method="geometric")
    g = np.array([2.466212, 0.873580, 0.464159])
    assert_allclose(res.weights.to_numpy(), g / 3.803951, atol=1e-6)
    assert_allclose(res.weights.to_numpy(), [0.648329, 0.229651, 0.122020], atol=1e-6)
    # lambda_max is the matrix's Perron root whichever method gives the weights
    assert_allclose(res.lambda_max, ahp_priorities(m).lambda_max)


# ------------------------------------------------------------------------------------------------
# consistency
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("v", [[1, 2], [3, 1, 2], [1, 2, 4, 8], [5, 1, 3, 2, 7], [9, 1, 1, 3, 1, 2, 4]])
@pytest.mark.parametrize("method", ["eigen", "geometric"])
def test_consistent_matrix_has_cr_zero_and_exact_weights(v, method):
    res = ahp_priorities(consistent_matrix(v), method=method)
    assert res.cr == pytest.approx(0.0, abs=1e-12)
    assert res.ci == pytest.approx(0.0, abs=1e-12)
    assert res.lambda_max == pytest.approx(len(v), abs=1e-9)
    assert_allclose(res.weights.to_numpy(), np.array(v) / np.sum(v), atol=1e-12)
    assert res.consistent and res.suggestion is None


def test_cr_rises_with_the_perturbation():
    base = consistent_matrix([4, 3, 2, 1])
    crs = []
    for k in [1.0, 1.5, 2.0, 3.0, 5.0]:
        m = base.copy()
        m[0, 3] *= k
        m[3, 0] = 1 / m[0, 3]
        crs.append(cr_of(m))
    assert crs[0] == pytest.approx(0.0, abs=1e-12)
    assert all(b > a for a, b in zip(crs, crs[1:]))


def test_two_by_two_and_one_by_one_are_always_consistent():
    res = ahp_priorities([[1, 7], [1 / 7, 1]])
    assert res.cr == 0 and res.lambda_max == 2
    assert_allclose(res.weights.to_numpy(), [7 / 8, 1 / 8])
    one = ahp_priorities([[1]], labels=["only"])
    assert one.weights.to_dict() == {"only": 1.0}


# ------------------------------------------------------------------------------------------------
# parsing and validation
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [("3", 3.0), ("1/3", 1 / 3), (" 1 / 9 ", 1 / 9), ("0.333", 0.333),
                                         (5, 5.0), ("2.5/5", 0.5)])
def test_parse_judgement(text, value):
    assert parse_judgement(text) == pytest.approx(value)


def test_fraction_strings_and_rounded_reciprocals_are_accepted():
    exact = ahp_priorities(LIGHT)
    strings = [["1", "5", "6", "7"], ["1/5", "1", "4", "6"], ["1/6", "1/4", "1", "4"], ["1/7", "1/6", "1/4", "1"]]
    rounded = [[1, 5, 6, 7], [0.2, 1, 4, 6], [0.167, 0.25, 1, 4], [0.143, 0.167, 0.25, 1]]
    for m in (strings, rounded):
        res = ahp_priorities(m)
        assert_allclose(res.weights.to_numpy(), exact.weights.to_numpy(), atol=1e-12)
        assert_allclose(res.matrix.to_numpy() * res.matrix.to_numpy().T, 1.0)


@pytest.mark.parametrize("matrix, match", [
    ([[1, 2, 3], [0.5, 1, 2]], r"must be square .*shape 2x3"),
    ([1, 2, 3], r"must be square"),
    ([[1, -3], [-1 / 3, 1]], r"\(row '1', column '2'\) = -3 is not positive"),
    ([[1, 0], [0, 1]], r"is not positive"),
    ([[1, 3], [3, 1]], r"cells \(row '1', column '2'\) = 3 and \(row '2', column '1'\) = 3 are not reciprocal: "
                       r"a\[2, 1\] must be 1/a\[1, 2\] = 1/3"),
    ([[2, 3], [1 / 3, 1]], r"diagonal cell \(row '1', column '1'\) = 2"),
    ([[1, float("nan")], [1, 1]], r"not a finite number"),
    ([[1, float("inf")], [0, 1]], r"not a finite number"),
    ([[1, "three"], ["1/3", 1]], r"'three' is not a number"),
    ([[1, "1/0"], [1, 1]], r"is not a number"),
    ([[1, 2], [0.5]], r"not a rectangular table|must be square"),
    ([], r"must be square|is empty"),
])
def test_invalid_matrices_raise_precise_errors(matrix, match):
    with pytest.raises(DataError, match=match) as info:
        ahp_priorities(matrix)
    assert info.value.zh != info.value.en  # a Chinese message too
    assert info.value.parameter == "matrix"


def test_more_than_fifteen_items_is_rejected():
    with pytest.raises(DataError, match=r"compares 16 items; AHP matrices are limited to n <= 15"):
        ahp_priorities(consistent_matrix(np.arange(1, 17)))
    ahp_priorities(consistent_matrix(np.arange(1, 16)))  # 15 is fine


def test_dataframe_labels_must_match():
    m = pd.DataFrame(consistent_matrix([1, 2, 3]), index=["a", "b", "c"], columns=["a", "b", "x"])
    with pytest.raises(DataError, match=r"row labels and the column labels differ"):
        ahp_priorities(m)
    # same labels in another order: columns are aligned to the rows
    m = pd.DataFrame(consistent_matrix([1, 2, 3]), index=["a", "b", "c"], columns=["a", "b", "c"])
    shuffled = m[["c", "a", "b"]]
    assert_allclose(ahp_priorities(shuffled).weights.to_numpy(), [1 / 6, 2 / 6, 3 / 6])


def test_bad_options_raise_spec_errors():
    with pytest.raises(SpecError, match=r"'method' parameter must be one of"):
        ahp_priorities(LIGHT, method="power")
    with pytest.raises(SpecError, match=r"'ri' parameter must be one of"):
        ahp_priorities(LIGHT, ri="nope")
    with pytest.raises(SpecError, match=r"'threshold' parameter must be a positive number"):
        ahp_priorities(LIGHT, threshold=0)
    with pytest.raises(SpecError, match=r"no positive RI for n = 4"):
        ahp_priorities(LIGHT, ri={3: 0.5})
    res = ahp_priorities(LIGHT, ri={4: 0.89})  # a custom table
    assert res.ri == 0.89


def test_off_scale_judgement_warns_but_is_used():
    with pytest.warns(IIScoreWarning, match=r"outside Saaty's scale"):
        res = ahp_priorities([[1, 12], [1 / 12, 1]])
    assert_allclose(res.weights.to_numpy(), [12 / 13, 1 / 13])


# ------------------------------------------------------------------------------------------------
# revision suggestion
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("v, i, j, factor", [
    ([4, 3, 2, 1], 0, 3, 4.0),
    ([4, 3, 2, 1], 1, 2, 1 / 5),
    ([1, 2, 3, 4, 5], 0, 4, 6.0),
    ([5, 1, 3, 2, 7, 4], 2, 5, 0.1),
    ([2, 9, 1, 4, 3, 6, 1], 3, 6, 8.0),
])
def test_suggestion_names_the_single_perturbed_judgement(v, i, j, factor):
    m = consistent_matrix(v)
    m[i, j] *= factor
    m[j, i] = 1 / m[i, j]
    labels = [f"c{k}" for k in range(len(v))]
    s = suggest_revision(m, labels=labels)
    assert (s.row, s.column) == (labels[i], labels[j])
    assert s.current == pytest.approx(m[i, j])
    assert s.value == pytest.approx(v[i] / v[j], rel=1e-5)  # the consistent value
    assert s.cr_after == pytest.approx(0.0, abs=1e-8)


def test_applying_the_suggestion_lowers_cr_house_example():
    frame = pd.DataFrame(HOUSE, index=HOUSE_LABELS, columns=HOUSE_LABELS)
    with pytest.warns(IIScoreWarning) as rec:
        res = ahp_priorities(frame, name="house")
    s = res.suggestion
    msg = str(rec[0].message)
    assert f"a[{s.row}, {s.column}]" in msg and "lowers CR to" in msg
    assert "最能降低 CR 的判断" in rec[0].message.zh
    revised = res.matrix.copy()
    revised.loc[s.row, s.column] = s.value
    revised.loc[s.column, s.row] = 1 / s.value
    assert cr_of(revised) == pytest.approx(s.cr_after)
    assert s.cr_after < res.cr
    revised.loc[s.row, s.column] = s.scale_value
    revised.loc[s.column, s.row] = 1 / s.scale_value
    assert cr_of(revised) == pytest.approx(s.cr_after_scale)
    assert s.scale_value in SAATY_SCALE
    # no other single judgement does better
    a = res.matrix.to_numpy()
    for i in range(8):
        for j in range(i + 1, 8):
            for x in SAATY_SCALE:
                b = a.copy()
                b[i, j], b[j, i] = x, 1 / x
                assert cr_direct(b) >= s.cr_after - 1e-9


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(3, 7).flatmap(lambda n: st.lists(st.sampled_from(SAATY_SCALE),
                                                    min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2)))
def test_applying_the_suggestion_never_raises_cr(upper):
    n = int(round((1 + math.sqrt(1 + 8 * len(upper))) / 2))
    m = np.ones((n, n))
    it = iter(upper)
    for i in range(n):
        for j in range(i + 1, n):
            m[i, j] = next(it)
            m[j, i] = 1 / m[i, j]
    s = suggest_revision(m)
    cr = cr_of(m)
    if s is None:
        assert cr == pytest.approx(0.0, abs=1e-12)
        return
    b = m.copy()
    i, j = int(s.row) - 1, int(s.column) - 1
    b[i, j], b[j, i] = s.value, 1 / s.value
    assert cr_of(b) <= cr + 1e-12
    assert cr_of(b) == pytest.approx(s.cr_after, abs=1e-12)


# ------------------------------------------------------------------------------------------------
# property tests: weights are non-negative, sum to 1, never NaN
# ------------------------------------------------------------------------------------------------
@st.composite
def reciprocal_matrices(draw):
    n = draw(st.integers(1, 9))
    k = n * (n - 1) // 2
    use_scale = draw(st.booleans())
    if use_scale:
        upper = draw(st.lists(st.sampled_from(SAATY_SCALE), min_size=k, max_size=k))
    else:
        upper = draw(st.lists(st.floats(1 / 9, 9, allow_nan=False), min_size=k, max_size=k))
    m = np.ones((n, n))
    it = iter(upper)
    for i in range(n):
        for j in range(i + 1, n):
            m[i, j] = next(it)
            m[j, i] = 1 / m[i, j]
    return m


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reciprocal_matrices(), st.sampled_from(["eigen", "geometric"]))
def test_random_reciprocal_matrices_give_simplex_weights(m, method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IIScoreWarning)
        res = ahp_priorities(m, method=method)
    w = res.weights.to_numpy()
    assert np.all(np.isfinite(w)) and np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0, abs=1e-12)
    assert res.cr >= 0 and np.isfinite(res.cr) and res.lambda_max >= len(m) - 1e-9
    assert res.consistent == (res.cr <= 0.10)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 5).flatmap(lambda r: st.integers(1, 5).flatmap(lambda c: st.lists(
    st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=32),
                       st.sampled_from([0.0, -1.0, 1.0, 3.0, 1 / 3, "1/3", "x", ""])),
             min_size=c, max_size=c), min_size=r, max_size=r))))
def test_invalid_matrices_never_give_nan_weights(rows):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", IIScoreWarning)
            res = ahp_priorities(rows)
    except IIScoreError:
        return
    w = res.weights.to_numpy()
    assert np.all(np.isfinite(w)) and np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0)


# ------------------------------------------------------------------------------------------------
# several experts
# ------------------------------------------------------------------------------------------------
def test_aggregate_judgements_is_the_elementwise_geometric_mean():
    e1 = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
    e2 = [[1, 1 / 3, 1], [3, 1, 2], [1, 1 / 2, 1]]
    agg = aggregate_judgements([e1, e2]).to_numpy()
    # by hand: sqrt(3 * 1/3) = 1, sqrt(5 * 1) = 2.236068, sqrt(2 * 2) = 2
    assert_allclose(agg, [[1, 1, 2.236068], [1, 1, 2], [1 / 2.236068, 0.5, 1]], atol=1e-6)
    weighted = aggregate_judgements([e1, e2], expert_weights=[3, 1]).to_numpy()
    assert_allclose(weighted[0, 1], 3 ** 0.75 * (1 / 3) ** 0.25)
    assert_allclose(weighted * weighted.T, 1.0)


@pytest.mark.parametrize("aggregate", ["judgements", "priorities"])
def test_identical_experts_reproduce_the_single_result(aggregate):
    res = ahp_group([LIGHT, LIGHT, LIGHT], aggregate=aggregate)
    assert_allclose(res.weights.to_numpy(), ahp_priorities(LIGHT).weights.to_numpy(), atol=1e-12)
    assert len(res.individual) == 3
    assert (res.combined is not None) == (aggregate == "judgements")


@pytest.mark.parametrize("priority_mean", ["arithmetic", "geometric"])
def test_aggregate_individual_priorities(priority_mean):
    e1 = consistent_matrix([6, 3, 1])  # priorities 0.6 0.3 0.1
    e2 = consistent_matrix([2, 2, 6])  # priorities 0.2 0.2 0.6
    res = ahp_group({"zhang": e1, "li": e2}, aggregate="priorities", priority_mean=priority_mean)
    if priority_mean == "arithmetic":
        expected = [0.4, 0.25, 0.35]
    else:
        g = np.sqrt(np.array([0.6 * 0.2, 0.3 * 0.2, 0.1 * 0.6]))
        expected = g / g.sum()
    assert_allclose(res.weights.to_numpy(), expected, atol=1e-12)
    assert list(res.expert_weights.index) == ["zhang", "li"]


def test_group_errors_name_the_expert():
    a = pd.DataFrame(consistent_matrix([1, 2]), index=["x", "y"], columns=["x", "y"])
    b = pd.DataFrame(consistent_matrix([1, 2]), index=["x", "z"], columns=["x", "z"])
    with pytest.raises(DataError, match=r"Expert 'li' compares \['x', 'z'\]"):
        ahp_group({"zhang": a, "li": b})
    with pytest.raises(SpecError, match="expert_weights"):
        ahp_group([a, a], expert_weights=[1, -1])
    with pytest.raises(SpecError, match="'aggregate' parameter"):
        ahp_group([a, a], aggregate="mean")


def test_inconsistent_expert_is_named_in_the_warning():
    house = pd.DataFrame(HOUSE, index=HOUSE_LABELS, columns=HOUSE_LABELS)
    good = pd.DataFrame(consistent_matrix(np.arange(1, 9)), index=HOUSE_LABELS, columns=HOUSE_LABELS)
    with pytest.warns(IIScoreWarning, match=r"'house / wang'"):
        ahp_group({"chen": good, "wang": house}, aggregate="priorities", name="house")


# ------------------------------------------------------------------------------------------------
# hierarchy
# ------------------------------------------------------------------------------------------------
def _labelled(v, labels):
    return pd.DataFrame(consistent_matrix(v), index=labels, columns=labels)


def test_hierarchy_global_weights_are_products_of_local_weights():
    mats = {
        "root": _labelled([3, 1], ["A", "B"]),
        "A": _labelled([1, 1, 2], ["a1", "a2", "a3"]),
        "B": _labelled([1, 3], ["b1", "b2"]),
    }
    h = ahp_hierarchy(mats)
    assert h.root == "root"
    expected = {"a1": 0.75 * 0.25, "a2": 0.75 * 0.25, "a3": 0.75 * 0.5, "b1": 0.25 * 0.25, "b2": 0.25 * 0.75}
    assert list(h.global_weights.index) == list(expected)
    assert_allclose(h.global_weights.to_numpy(), list(expected.values()))
    assert h.global_weights.sum() == pytest.approx(1.0)
    assert h.node_weights["A"] == pytest.approx(0.75)
    raw = h.raw_weights()
    assert raw["A"] + raw["B"] == pytest.approx(100)
    assert raw["a1"] + raw["a2"] + raw["a3"] == pytest.approx(100)
    assert set(h.results) == {"root", "A", "B"}


def test_hierarchy_with_several_experts_per_parent():
    mats = {"root": [_labelled([3, 1], ["A", "B"]), _labelled([1, 1], ["A", "B"])],
            "A": _labelled([1, 1], ["a1", "a2"])}
    h = ahp_hierarchy(mats, aggregate="judgements")
    # geometric mean of 3 and 1 = sqrt(3): weights sqrt3/(1+sqrt3)
    assert h.local["root"]["A"] == pytest.approx(math.sqrt(3) / (1 + math.sqrt(3)))


def test_hierarchy_structure_errors():
    with pytest.raises(SpecError, match=r"listed under two parents"):
        hierarchy_from_local({"r": pd.Series({"A": 1, "B": 1}), "A": pd.Series({"B": 1})})
    with pytest.raises(SpecError, match=r"do not form one tree"):
        hierarchy_from_local({"r": pd.Series({"A": 1}), "s": pd.Series({"B": 1})})
    with pytest.raises(SpecError, match=r"not all 0"):
        hierarchy_from_local({"r": pd.Series({"A": 0.0, "B": 0.0})})


def test_hierarchy_checks_against_the_framework(tiny_fw):
    """Parents without a matrix keep the framework's local weights."""
    h = ahp_hierarchy({"idx": _labelled([1, 3], ["A", "B"])}, framework=tiny_fw)
    assert_allclose(h.local["idx"].to_numpy(), [0.25, 0.75])
    assert_allclose(h.local["A"].to_numpy(), tiny_fw.local_weights("A").to_numpy())
    assert h.global_weights.sum() == pytest.approx(1.0)
    assert set(h.global_weights.index) == set(tiny_fw.leaves)
    with pytest.raises(DataError, match=r"framework's children of 'idx' are \['A', 'B'\]"):
        ahp_hierarchy({"idx": _labelled([1, 3], ["A", "C"])}, framework=tiny_fw)


# ------------------------------------------------------------------------------------------------
# matrix files and the CLI command
# ------------------------------------------------------------------------------------------------
def _parser():
    p = argparse.ArgumentParser()
    _cli.register(p.add_subparsers(dest="command"))
    return p


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_read_matrix_csv_fractions_and_blank_lower_triangle(tmp_path):
    f = _write(tmp_path / "m.csv", ",a,b,c\na,1,3,5\nb,,1,1/2\nc,,,\n")
    m = read_matrix_csv(f)
    assert_allclose(m.to_numpy(), [[1, 3, 5], [1 / 3, 1, 0.5], [0.2, 2, 1]])


@pytest.mark.parametrize("text, match, row, column", [
    (",a,b\na,1,x\nb,1,1\n", r"'x' is not a number", 2, "b"),
    (",a,b\na,1,2\nc,1/2,1\n", r"Labels mismatch", None, None),
    (",a,b,c\na,1,2,3\nb,1/2,1,4\n", r"Labels mismatch", None, None),
    (",a,b\na,1,2\nb,2,1\n", r"not reciprocal", 3, "a"),
    (",a,b\na,1,\nb,,1\n", r"both blank", 2, "b"),
])
def test_read_matrix_csv_errors_name_file_row_column(tmp_path, text, match, row, column):
    f = _write(tmp_path / "bad.csv", text)
    with pytest.raises(DataError, match=match) as info:
        read_matrix_csv(f)
    assert info.value.file == str(f)
    assert info.value.row == row
    assert info.value.column == column
    assert "bad.csv" in info.value.message("en") and "bad.csv" in info.value.message("zh")


def test_cli_ahp_writes_weights_and_consistency(tmp_path, capsys):
    labels = HOUSE_LABELS
    lines = [","+",".join(labels)] + [lab + "," + ",".join(str(x) for x in row) for lab, row in zip(labels, HOUSE)]
    f = _write(tmp_path / "house.csv", "\n".join(lines) + "\n")
    args = _parser().parse_args(["weights", "ahp", "--matrix", str(f)])
    assert args.func(args) == 0
    out, err = capsys.readouterr()
    table = pd.read_csv(pd.io.common.StringIO(out))
    assert list(table.columns) == ["id", "weight"]
    assert list(table["id"]) == labels
    assert table["weight"].sum() == pytest.approx(1.0)
    assert "lambda_max=9.6688" in err and "CI=0.2384" in err and "CR=0.1690" in err
    assert "warning: " in err and "lowers CR to" in err


def test_cli_ahp_out_file_and_geometric(tmp_path, capsys):
    f = _write(tmp_path / "m.csv", ",x,y,z\nx,1,2,4\ny,1/2,1,2\nz,0.25,0.5,1\n")
    out = tmp_path / "w.csv"
    args = _parser().parse_args(["weights", "ahp", "--matrix", str(f), "--out", str(out), "--method", "geometric"])
    assert args.func(args) == 0
    _, err = capsys.readouterr()
    table = pd.read_csv(out)
    assert_allclose(table["weight"].to_numpy(), [4 / 7, 2 / 7, 1 / 7])
    assert "CR=0.000000" in err and "warning" not in err


def test_cli_ahp_missing_file_raises(tmp_path):
    args = _parser().parse_args(["weights", "ahp", "--matrix", str(tmp_path / "nope.csv")])
    with pytest.raises(DataError, match="not found") as info:
        args.func(args)
    assert info.value.file.endswith("nope.csv")


def test_as_judgement_matrix_returns_exact_reciprocals():
    m = as_judgement_matrix([[1, 0.33], [3, 1]], labels=["p", "q"])
    assert m.loc["p", "q"] == 1 / 3 and m.loc["q", "p"] == 3


def test_three_by_three_suggestion_prefers_a_value_on_saatys_scale():
    """For n = 3 any single judgement can restore consistency; the suggestion keeps to 1/9..9
    (a[a, b] would need 27 here)."""
    s = suggest_revision([[1, 3, 9], [1 / 3, 1, 1 / 3], [1 / 9, 3, 1]], labels=["a", "b", "c"])
    assert 1 / 9 - 1e-9 <= s.value <= 9 + 1e-9
    assert (s.row, s.column) != ("a", "b")
    assert s.cr_after == pytest.approx(0.0, abs=1e-8)


def test_hierarchy_accepts_plain_nested_lists_as_one_matrix():
    h = ahp_hierarchy({"root": [[1, 3], [1 / 3, 1]]})
    assert_allclose(h.global_weights.to_numpy(), [0.75, 0.25])
    g = ahp_hierarchy({"root": [[[1, 3], [1 / 3, 1]], [[1, 1], [1, 1]]]})  # two experts
    assert g.local["root"].iloc[0] == pytest.approx(math.sqrt(3) / (1 + math.sqrt(3)))


# ------------------------------------------------------------------------------------------------
# the editor's matrix: upper triangle -> full reciprocal matrix, Saaty's scale enforced
# ------------------------------------------------------------------------------------------------
def test_reciprocal_matrix_from_the_upper_triangle_reproduces_saaty1990_house():
    """Saaty (1990) EJOR 48:9-26, Table 2: the published full matrix is reciprocal, so its upper
    triangle alone (lower triangle blanked) must give back exactly the published table."""
    upper = pd.DataFrame(HOUSE, index=HOUSE_LABELS, columns=HOUSE_LABELS).astype(object)
    for i in range(8):
        for j in range(i + 1):
            upper.iat[i, j] = "" if i != j else "junk on the diagonal is ignored"
    full = reciprocal_matrix(upper, name="house")
    published = as_judgement_matrix(pd.DataFrame(HOUSE, index=HOUSE_LABELS, columns=HOUSE_LABELS))
    assert_allclose(full.to_numpy(), published.to_numpy(), rtol=1e-12)
    assert list(full.index) == HOUSE_LABELS and list(full.columns) == HOUSE_LABELS
    a = full.to_numpy()
    assert_allclose(a * a.T, np.ones((8, 8)), rtol=1e-15)  # exactly reciprocal


def test_reciprocal_matrix_blanks_are_equal_importance_and_labels_override():
    """By hand: a blank upper cell is 1 (equal importance); the lower triangle is never read."""
    m = reciprocal_matrix([["", "3", None], ["7", "", float("nan")], ["9", "9", ""]], labels=["A", "B", "C"])
    assert_allclose(m.to_numpy(), [[1, 3, 1], [1 / 3, 1, 1], [1, 1, 1]])
    assert list(m.index) == ["A", "B", "C"]


def test_reciprocal_matrix_names_every_bad_pair_in_both_languages():
    cells = [["", "abc", "0", "10"], ["", "", "1/0", "-3"], ["", "", "", "1/3"], ["", "", "", ""]]
    with pytest.raises(DataError) as info:
        reciprocal_matrix(cells, labels=["基础能力", "技术创新", "产业发展", "应用推广"], name="工业互联网发展成效指数")
    err = info.value
    assert err.parameter == "工业互联网发展成效指数"
    for text in ("“基础能力”对“技术创新”：“abc”不是数字", "“基础能力”对“产业发展”：0 超出 Saaty 标度",
                 "“基础能力”对“应用推广”：10 超出 Saaty 标度", "“技术创新”对“产业发展”：“1/0”不是数字",
                 "“技术创新”对“应用推广”：-3 超出 Saaty 标度"):
        assert text in err.zh
    assert "'基础能力' vs '技术创新': 'abc' is not a number" in err.en
    assert "outside Saaty's scale (1/9 to 9)" in err.en and "1/3" not in err.en.split("such as")[0]
    assert "float" not in err.en and "division" not in err.en


def test_reciprocal_matrix_warn_mode_uses_off_scale_values():
    with pytest.warns(IIScoreWarning, match="outside Saaty's scale"):
        m = reciprocal_matrix([["", "12"], ["", ""]], off_scale="warn")
    assert m.iat[0, 1] == 12 and m.iat[1, 0] == 1 / 12
    with pytest.raises(DataError, match="outside Saaty's scale"):
        reciprocal_matrix([["", "-2"], ["", ""]], off_scale="warn")  # never positive: refused anyway
    with pytest.raises(SpecError, match="off_scale"):
        reciprocal_matrix([["", "2"], ["", ""]], off_scale="ignore")


def test_as_judgement_matrix_can_refuse_off_scale_judgements_naming_the_pair():
    with pytest.raises(DataError) as info:
        ahp_priorities([[1, 12, 1], [1 / 12, 1, 1 / 20], [1, 20, 1]], labels=["p", "q", "r"], off_scale="error")
    assert "'p' vs 'q' = 12" in info.value.en and "'r' vs 'q' = 20" not in info.value.en
    assert "'q' vs 'r' = 1/20" in info.value.en and "“p”对“q” = 12" in info.value.zh
    with pytest.warns(IIScoreWarning):  # the default still uses them
        ahp_priorities([[1, 12], [1 / 12, 1]])


@pytest.mark.parametrize("v,ok", [(9, True), (1 / 9, True), (0.11, True), (9.05, True), (9.5, False),
                                  (1 / 9.5, False), (0, False), (-1, False), (float("inf"), False)])
def test_on_scale_ends_allow_rounded_reciprocals(v, ok):
    """Saaty's scale is [1/9, 9]; 0.11 is how 1/9 is usually rounded (2 % slack at both ends)."""
    assert on_scale(v) is ok


def test_format_judgement():
    assert [format_judgement(x) for x in (3, 1 / 3, 1, 2.5, 1 / 2.5)] == ["3", "1/3", "1", "2.5", "1/2.5"]


# ------------------------------------------------------------------------------------------------
# revision plan: repeated on-scale revisions until CR <= 0.1
# ------------------------------------------------------------------------------------------------
# Five pillars judged inconsistently (CR 0.3896, as in the issue): the single best revision on the
# scale (3 -> 1/5) still leaves CR = 0.120.
ISSUE = [["1", "1/3", "7", "3", "1/2"], ["3", "1", "3", "1/3", "2"], ["1/7", "1/3", "1", "1/9", "1/7"],
         ["1/3", "3", "9", "1", "7"], ["2", "1/2", "7", "1/7", "1"]]


def _brute_first_step(a, threshold=0.10):
    """The documented rule, by plain loops and numpy's eigenvalues: among single changes of one
    judgement to another value of Saaty's scale, those reaching the threshold are ranked by
    |ln change|, then CR; if none reaches it, by CR, then |ln change|; then matrix order."""
    n = len(a)
    cands = []
    order = 0
    for i in range(n):
        for j in range(i + 1, n):
            for v in SAATY_SCALE:
                order += 1
                if abs(math.log(v) - math.log(a[i, j])) < 1e-12:
                    continue
                b = a.copy()
                b[i, j], b[j, i] = v, 1 / v
                cands.append((cr_direct(b), abs(math.log(v / a[i, j])), order, i, j, v))
    ok = [c for c in cands if c[0] <= threshold]

    def key(c):  # ties within float noise are ties (ln 6 - ln 4 = ln(1/4) - ln(1/6))
        return round(c[1], 9), round(c[0], 10)

    if ok:
        return min(ok, key=lambda c: (*key(c), c[2]))
    return min(cands, key=lambda c: (key(c)[1], key(c)[0], c[2]))


def _apply(a, steps, labels):
    b = a.copy()
    for s in steps:
        i, j = labels.index(s.row), labels.index(s.column)
        b[i, j], b[j, i] = s.value, 1 / s.value
    return b


def test_revision_plan_goes_on_until_cr_is_acceptable_issue_matrix():
    """The issue: the suggested fix left CR at 0.120. The plan's first step is that same fix, and a
    second one brings CR under 0.1; each step's CR is checked with numpy's eigenvalues."""
    labels = ["basic", "innovation", "industry", "application", "environment"]
    m = reciprocal_matrix(ISSUE, labels=labels)
    a = m.to_numpy()
    assert cr_direct(a) == pytest.approx(0.3896, abs=1e-4)
    single = suggest_revision(m)
    assert (single.row, single.column, single.scale_value) == ("basic", "application", 0.2)
    assert single.cr_after_scale == pytest.approx(0.120, abs=5e-4)  # one revision is not enough
    plan = revision_plan(m)
    assert plan.reached and plan.cr_after <= 0.1 and len(plan.steps) == 2
    s1, s2 = plan.steps
    assert (s1.row, s1.column, s1.current, s1.value) == ("basic", "application", 3.0, 0.2)
    assert (s2.row, s2.column, s2.current, s2.value) == ("basic", "industry", 7.0, 5.0)
    for k, s in enumerate(plan.steps):
        assert s.cr_after == pytest.approx(cr_direct(_apply(a, plan.steps[: k + 1], labels)), rel=1e-9)
    assert plan.cr_after == pytest.approx(cr_direct(_apply(a, plan.steps, labels)), rel=1e-9)
    assert_allclose(plan.matrix.to_numpy(), _apply(a, plan.steps, labels))
    assert plan.cr_before == pytest.approx(cr_direct(a)) and plan.steps[0].cr_before == plan.cr_before


def test_revision_plan_first_step_matches_brute_force():
    """20 seeded random 4x4 and 5x5 matrices on Saaty's scale: the plan's first step is the
    brute-force choice of :func:`_brute_first_step`."""
    rng = np.random.default_rng(11)
    checked = 0
    while checked < 20:
        n = int(rng.integers(4, 6))
        a = np.ones((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                v = float(rng.choice(SAATY_SCALE))
                a[i, j], a[j, i] = v, 1 / v
        if cr_direct(a) <= 0.1:
            continue
        labels = [f"x{k}" for k in range(n)]
        plan = revision_plan(a, labels=labels)
        cr, _, _, i, j, v = _brute_first_step(a)
        s = plan.steps[0]
        assert (s.row, s.column) == (labels[i], labels[j]) and s.value == pytest.approx(v)
        assert s.cr_after == pytest.approx(cr, rel=1e-9)
        checked += 1


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(3, 7), st.integers(0, 2**32 - 1))
def test_revision_plan_ends_acceptable_or_stuck_and_lowers_cr_every_step(n, seed):
    """Property: CR falls strictly at every step; every new value is on the scale; the plan ends
    at CR <= 0.1, or where no single on-scale change lowers CR (checked by brute force)."""
    rng = np.random.default_rng(seed)
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            v = float(rng.choice(SAATY_SCALE))
            a[i, j], a[j, i] = v, 1 / v
    labels = [str(k) for k in range(n)]
    plan = revision_plan(a, labels=labels)
    crs = [plan.cr_before] + [s.cr_after for s in plan.steps]
    assert all(b < c for b, c in zip(crs[1:], crs[:-1]))
    assert all(s.value in SAATY_SCALE for s in plan.steps)
    assert plan.reached == (plan.cr_after <= 0.1)
    if not plan.reached and len(plan.steps) < n * (n - 1) // 2:
        b = plan.matrix.to_numpy()
        assert _brute_first_step(b)[0] >= cr_direct(b) - 1e-12
    if cr_direct(a) <= 0.1:
        assert plan.steps == ()


def test_revision_plan_on_saaty1990_house_and_trivial_cases():
    """Saaty (1990) house example (CR 0.169): the plan reaches CR <= 0.1 with values on the scale;
    consistent and 2x2 matrices need no step; bad options are named."""
    plan = revision_plan(pd.DataFrame(HOUSE, index=HOUSE_LABELS, columns=HOUSE_LABELS))
    assert plan.cr_before == pytest.approx(0.169, abs=5e-4) and plan.reached and 1 <= len(plan.steps) <= 3
    assert cr_direct(plan.matrix.to_numpy()) == pytest.approx(plan.cr_after, rel=1e-9)
    assert revision_plan(consistent_matrix([1, 2, 4])).steps == ()
    assert revision_plan([[1, 9], [1 / 9, 1]]).steps == ()
    with pytest.raises(SpecError, match="threshold"):
        revision_plan(LIGHT, threshold=0)
    with pytest.raises(SpecError, match="max_steps"):
        revision_plan(LIGHT, max_steps=-1)
    assert revision_plan(HOUSE, max_steps=0).steps == ()


def test_perron_roots_by_iteration_match_numpy_for_large_matrices():
    """Matrices above 8 items get their Perron roots by batched power iteration (Collatz-Wielandt
    bounds); numpy's eigenvalues are the reference."""
    from iiscore.weights.ahp import _perron_roots

    rng = np.random.default_rng(5)
    stack = []
    for n in (9, 12, 15):
        for _ in range(4):
            a = np.ones((n, n))
            for i in range(n):
                for j in range(i + 1, n):
                    v = float(rng.choice(SAATY_SCALE))
                    a[i, j], a[j, i] = v, 1 / v
            stack.append(a)
        got = _perron_roots(np.stack(stack[-4:]))
        assert_allclose(got, np.linalg.eigvals(np.stack(stack[-4:])).real.max(axis=-1), rtol=1e-11)


def test_revision_plan_first_step_matches_brute_force_10x10():
    """The iteration path (n > 8) chooses as the brute force does (numpy's eigenvalues)."""
    rng = np.random.default_rng(3)
    a = np.ones((10, 10))
    for i in range(10):
        for j in range(i + 1, 10):
            v = float(rng.choice([1, 2, 3, 1 / 2, 1 / 3, 5, 1 / 5]))
            a[i, j], a[j, i] = v, 1 / v
    assert cr_direct(a) > 0.1
    labels = [f"x{k}" for k in range(10)]
    s = revision_plan(a, labels=labels, max_steps=1).steps[0]
    cr, _, _, i, j, v = _brute_first_step(a)
    assert (s.row, s.column) == (labels[i], labels[j]) and s.value == pytest.approx(v)
    assert s.cr_after == pytest.approx(cr, rel=1e-9)
