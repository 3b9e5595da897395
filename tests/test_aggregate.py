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


# -- one fast path, equal to build() (issue 14): random frameworks of depth 3-4, missing values,
#    both aggregations, the coverage rule; reference = a plain recursive roll-up written here -----------
from dataclasses import replace as _replace  # noqa: E402

import pandas as pd  # noqa: E402

from iiscore import Spec, build, load_data, load_framework  # noqa: E402
from iiscore.aggregate import RollUp  # noqa: E402
from iiscore.pipeline import Evaluator  # noqa: E402


def _random_framework(rng, depth):
    """A tree of the given depth (root = level 0), 2-4 children per node, random weights and directions."""
    rows = [{"id": "root", "parent": "", "weight": 1, "direction": 1, "name_zh": "总", "name_en": "root"}]
    frontier, k = ["root"], 0
    for level in range(1, depth + 1):
        nxt = []
        for parent in frontier:
            for _ in range(int(rng.integers(2, 5)) if level < depth else int(rng.integers(1, 4))):
                k += 1
                node = f"n{k}"
                rows.append({"id": node, "parent": parent, "weight": round(float(rng.uniform(0.2, 3)), 3),
                             "direction": int(rng.choice([1, 1, -1])), "name_zh": f"节点{k}", "name_en": node})
                nxt.append(node)
        frontier = nxt
    return load_framework(pd.DataFrame(rows))


def _reference_rollup(fw, Z, aggregation, coverage, weights=None):
    """Node -> scores, recursively, one region at a time (nothing shared with iiscore.aggregate)."""
    leaves = list(fw.leaves)
    weights = weights or {}
    out = {}

    def score(node, r):
        if node in leaves:
            return Z[r, leaves.index(node)]
        kids = fw.children(node)
        vals = [score(c, r) for c in kids]
        w = [weights.get(c, fw.node(c).weight) for c in kids]
        used = [(v, wi) for v, wi in zip(vals, w) if not np.isnan(v)]
        if not used or (coverage > 0 and len(used) < coverage * len(kids) - 1e-12):
            return np.nan
        tot = sum(wi for _, wi in used)
        if aggregation == "geometric":
            return float(np.exp(sum(wi / tot * np.log1p(v) for v, wi in used)) - 1)
        return float(sum(wi / tot * v for v, wi in used))

    for node in fw.ids:
        out[node] = np.array([score(node, r) for r in range(Z.shape[0])])
    return out


def _random_case(seed):
    rng = np.random.default_rng(seed)
    fw = _random_framework(rng, depth=int(rng.integers(3, 5)))
    n = int(rng.integers(6, 15))
    rows = [(f"R{r}", y, leaf, float(rng.lognormal(2, 1))) for r in range(n) for y in (2022, 2023)
            for leaf in fw.leaves]
    df = pd.DataFrame(rows, columns=["region", "year", "indicator", "value"])
    drop = rng.random(len(df)) < 0.12  # missing values, some regions losing whole branches
    df.loc[drop, "value"] = np.nan
    return rng, fw, load_data(df, fw)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
def test_rollup_run_composite_and_build_equal_a_plain_recursion(seed, aggregation):
    rng, fw, ds = _random_case(seed)
    coverage = [0.0, 0.5, 0.75][seed % 3]
    spec = Spec(framework=fw, aggregation=aggregation, coverage=coverage, year=2023)
    res = build(ds, spec)
    Z = res.normalised.to_numpy(float)
    ref = _reference_rollup(fw, Z, aggregation, coverage)
    ru = RollUp(fw, aggregation, coverage)
    S = ru.run(Z)[0]
    for node in fw.ids:
        np.testing.assert_allclose(res.scores[node].to_numpy(float), ref[node], rtol=1e-12, atol=1e-12,
                                   err_msg=node)
        np.testing.assert_array_equal(S[:, ru.slot[node]], res.scores[node].to_numpy(float))  # the same bits
    np.testing.assert_allclose(ru.composite(Z), ref[fw.root], rtol=1e-12, atol=1e-12)
    # the fast path of what-if and goal-seek (re-fitted and frozen rulers) gives build()'s composite
    X = res.raw.to_numpy(float)
    np.testing.assert_array_equal(Evaluator(ds, spec).composite(X), res.composite.to_numpy(float))
    np.testing.assert_array_equal(Evaluator(ds, spec, ruler=res.ruler).composite(X), res.composite.to_numpy(float))
    X2 = X.copy()
    X2[0] = X2[0] * np.where(fw.direction_array > 0, 1.7, 0.6)  # an edited region, improving
    edited = ds.replace_values(pd.DataFrame([(ds.regions[0], 2023, leaf, v) for leaf, v in zip(fw.leaves, X2[0])
                                             if not np.isnan(v)], columns=["region", "year", "indicator", "value"]))
    np.testing.assert_allclose(Evaluator(ds, spec).composite(X2), build(edited, spec).composite.to_numpy(float),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(Evaluator(ds, spec, ruler=res.ruler).composite(X2),
                               build(edited, spec, ruler=res.ruler).composite.to_numpy(float), rtol=1e-12, atol=1e-12)
    # coverage withholds exactly where the recursion says so, and says so in the result
    withheld_root = set(res.withheld.loc[res.withheld["node"] == fw.root, "region"]) if len(res.withheld) else set()
    assert withheld_root <= {ds.regions[i] for i in np.flatnonzero(np.isnan(ref[fw.root]))}


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("aggregation", ["arithmetic", "geometric"])
def test_rollup_batch_equals_a_build_per_weight_vector(seed, aggregation):
    """Monte Carlo's and the sweeps' path: many local weight vectors at once, each equal to build() with
    the framework re-weighted (Framework.with_weights) and to the plain recursion."""
    rng, fw, ds = _random_case(100 + seed)
    coverage = [0.0, 0.5][seed % 2]
    spec = Spec(framework=fw, aggregation=aggregation, coverage=coverage, year=2023)
    res = build(ds, spec)
    Z = res.normalised.to_numpy(float)
    nodes = [n for n in fw.aggregates][: 1 + seed % 3]  # the root, then deeper nodes too
    reps = 5
    W = {n: rng.uniform(0.1, 4, size=(reps, len(fw.children(n)))) for n in nodes}
    keep = [n for n in fw.aggregates if n != fw.root][:3]
    got = RollUp(fw, aggregation, coverage).batch(Z, W, keep=keep)
    for i in range(reps):
        new = {c: float(W[n][i, j]) for n in nodes for j, c in enumerate(fw.children(n))}
        ref = _reference_rollup(fw, Z, aggregation, coverage, new)
        one = build(ds, _replace(spec, framework=fw.with_weights(new)))
        for node in (fw.root, *keep):
            v = got[node] if got[node].ndim == 1 else got[node][i]
            np.testing.assert_allclose(v, ref[node], rtol=1e-12, atol=1e-12, err_msg=node)
            np.testing.assert_allclose(v, one.scores[node].to_numpy(float), rtol=1e-12, atol=1e-12, err_msg=node)
