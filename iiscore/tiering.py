"""Tiers (梯队): group regions by their scores, compare tierings, measure their stability.

The CAICT report places the 31 provinces in four tiers (6 示范引领 / 11 快速崛起 /
10 后发追赶 / 4 孕育起步) without saying how the tiers were cut. This module offers four
explicit, switchable ways of cutting them:

``"kmeans"``
    k-means (scikit-learn, Lloyd) on a chosen feature set -- by default the composite and
    the five pillar scores, optionally standardised -- seeded and restarted ``n_init`` times.
``"jenks"``
    Exact one-dimensional natural breaks on the composite (Fisher 1958 / Jenks 1967): the
    partition into ``k`` contiguous classes with the smallest within-class sum of squares,
    found by an O(k n^2) dynamic programme (:func:`natural_breaks`).
``"sizes"``
    Fixed group sizes down the composite ranking (the report's 6/11/10/4 by default).
``"average"``
    Thresholds relative to the mean composite, as in the European Innovation Scoreboard:
    > 125 %, 100-125 %, 70-100 %, <= 70 % of the average.

Clusters are unordered, so every method orders its groups by mean composite: tier 1 is the
group with the highest mean composite. For ``k = 4`` tiers carry the report's names
(示范引领 Leading / 快速崛起 Rapidly rising / 后发追赶 Catching up / 孕育起步 Nascent);
otherwise "第 n 梯队" / "Tier n".

Everything works on plain pandas objects: a score table is a DataFrame indexed by region whose
columns are the composite (the first column unless ``composite=`` names it) and the pillar
scores, e.g. ``result.scores[[fw.root, *fw.children(fw.root)]]``.

Determinism: sorting is stable and ties are broken by region order (the order of the index);
k-means uses ``random_state=seed``; regions with equal composites always share a natural-breaks
class; every random step takes a ``seed``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

from iiscore.aggregate import RollUp
from iiscore.errors import DataError, SpecError, check_choice, check_int, warn

__all__ = [
    "METHODS",
    "FEATURES",
    "REPORT_SIZES",
    "REPORT_TIER_NAMES",
    "EIS_THRESHOLDS",
    "TierResult",
    "NaturalBreaks",
    "Comparison",
    "tiers",
    "tier_names",
    "report_tiers",
    "natural_breaks",
    "goodness_of_variance_fit",
    "compare",
    "tier_probabilities",
    "stability",
    "stability_under_weight_noise",
    "silhouette_by_k",
]

#: Tiering methods accepted by :func:`tiers`.
METHODS = ("kmeans", "jenks", "sizes", "average")
#: Named feature sets for k-means (a list of column names is also accepted).
FEATURES = ("composite+pillars", "composite")
#: Tier sizes of the report (Fig. 12, 2023): 6 / 11 / 10 / 4 out of 31 provinces.
REPORT_SIZES = (6, 11, 10, 4)
#: The default tiering everywhere (CLI, app, what-if, goal-seek, sensitivity, exports): the report's
#: sizes down the composite ranking (:func:`report_sizes`), the tiers planners know. k-means on the
#: composite and pillar scores is the "regenerate" alternative.
DEFAULT_METHOD = "sizes"
#: The report's four tier names, tier 1 first, as (Chinese, English).
REPORT_TIER_NAMES = (
    ("示范引领", "Leading"),
    ("快速崛起", "Rapidly rising"),
    ("后发追赶", "Catching up"),
    ("孕育起步", "Nascent"),
)
#: European Innovation Scoreboard thresholds, as fractions of the average composite.
EIS_THRESHOLDS = (1.25, 1.00, 0.70)

# The report's tiers (CAICT 2024, Fig. 12, year 2023); order inside a tier is not published.
# Source: ../shared/seed/published_facts.csv rows tier1..tier4.
_REPORT_TIERS = (
    ("江苏", "广东", "北京", "山东", "浙江", "上海"),
    ("四川", "湖北", "安徽", "重庆", "河北", "湖南", "福建", "辽宁", "江西", "河南", "天津"),
    ("山西", "贵州", "广西", "陕西", "甘肃", "内蒙古", "吉林", "宁夏", "黑龙江", "云南"),
    ("海南", "新疆", "青海", "西藏"),
)

_DEFAULT_K = 4
_DEFAULT_N_INIT = 20
#: Most k-means restarts one tiering may ask for.
MAX_N_INIT = 1000


# --------------------------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TierResult:
    """A tiering of regions.

    Attributes
    ----------
    assignment : pandas.DataFrame
        Indexed by region (input order) with columns ``tier`` (int, 1 = top),
        ``tier_name_zh``, ``tier_name_en`` and ``composite``.
    centroids : pandas.DataFrame
        Indexed by tier ``1..k``: the mean of every score column (original units, not
        standardised) over the regions of the tier, and ``n``, the tier size. An empty tier
        (possible with ``method="average"``) has ``n = 0`` and NaN means.
    method : str
        One of :data:`METHODS`.
    params : dict
        Everything needed to reproduce the result (``k``, ``composite``, ``features``,
        ``standardise``, ``seed``, ``n_init``, ``sizes``, ``thresholds``, ...) and
        method-specific diagnostics (``inertia`` for k-means, ``breaks``, ``gvf`` and ``ssd``
        for natural breaks).
    """

    assignment: pd.DataFrame
    centroids: pd.DataFrame
    method: str
    params: dict = field(default_factory=dict)

    @property
    def tier(self) -> pd.Series:
        """Series region -> tier number (1 = top)."""
        return self.assignment["tier"]

    @property
    def k(self) -> int:
        """Number of tiers requested."""
        return int(self.params["k"])

    def sorted(self) -> pd.DataFrame:
        """The assignment sorted by tier, then composite descending, ties by region order."""
        return _sort_assignment(self.assignment)


@dataclass(frozen=True)
class NaturalBreaks:
    """Result of :func:`natural_breaks`.

    Attributes
    ----------
    labels : numpy.ndarray
        Class of each input value, ``0`` = lowest class, in input order.
    breaks : tuple of float
        ``k + 1`` class limits: the minimum, then the upper limit (largest value) of each
        class from lowest to highest.
    ssd : float
        Within-class sum of squared deviations (the minimised objective).
    gvf : float
        Goodness of variance fit, ``1 - ssd / total sum of squares`` (1 when the total is 0).
    """

    labels: np.ndarray
    breaks: tuple
    ssd: float
    gvf: float


@dataclass(frozen=True)
class Comparison:
    """Result of :func:`compare`.

    Attributes
    ----------
    confusion : pandas.DataFrame
        Counts; rows are the tiers of ``a``, columns those of ``b``.
    ari : float
        Adjusted Rand index (1 = the same partition, about 0 = chance agreement).
    movers : pandas.DataFrame
        Columns ``region``, ``from`` (tier in ``a``), ``to`` (tier in ``b``), ``direction``
        (``"up"`` when ``to < from``, i.e. a better tier, ``"down"`` otherwise; ``"moved"`` for
        non-numeric tier labels) and ``steps`` (``from - to``); one row per region whose tier
        differs, in region order.
    agreement : float
        Share of regions with the same tier number in both.
    """

    confusion: pd.DataFrame
    ari: float
    movers: pd.DataFrame
    agreement: float


# --------------------------------------------------------------------------------------------
# names and the report's tiers
# --------------------------------------------------------------------------------------------
def report_sizes(n: int) -> tuple:
    """Tier sizes for ``n`` regions: the report's 6/11/10/4 for 31, the same shares otherwise.

    The one rule for other counts: the shares 6/31, 11/31, 10/31, 4/31 of ``n``, rounded by the
    largest-remainder method, with at least one region per tier (fewer tiers when ``n < 4``):
    20 regions give 4/7/6/3, 100 give 19/36/32/13.
    """
    n = int(n)
    if n == sum(REPORT_SIZES):
        return REPORT_SIZES
    k = min(len(REPORT_SIZES), n)
    if k <= 0:
        return ()
    share = np.array(REPORT_SIZES[:k], float)
    share = share / share.sum() * n
    base = np.maximum(np.floor(share).astype(int), 1)
    while base.sum() > n:
        base[np.argmax(base)] -= 1
    rem = share - np.floor(share)
    for j in np.argsort(-rem, kind="stable"):
        if base.sum() >= n:
            break
        base[j] += 1
    return tuple(int(b) for b in base)


def tier_names(k: int) -> tuple:
    """Names of tiers ``1..k`` as ``(zh, en)`` pairs.

    Parameters
    ----------
    k : int
        Number of tiers.

    Returns
    -------
    tuple of (str, str)
        The report's names for ``k = 4``; "第 n 梯队" / "Tier n" otherwise.
    """
    k = _check_int("k", k, minimum=1)
    if k == 4:
        return REPORT_TIER_NAMES
    return tuple((f"第 {i} 梯队", f"Tier {i}") for i in range(1, k + 1))


def report_tiers() -> pd.Series:
    """The report's tiers (CAICT 2024, Fig. 12, year 2023).

    Returns
    -------
    pandas.Series
        Region id (short Chinese name, as in the default data) -> tier (1 = 示范引领), 31
        regions, named ``"report"``. Order inside a tier is the report's listing order; the
        report does not publish a ranking within tiers.
    """
    regions, values = [], []
    for t, members in enumerate(_REPORT_TIERS, start=1):
        regions.extend(members)
        values.extend([t] * len(members))
    return pd.Series(values, index=pd.Index(regions, name="region"), name="report", dtype=int)


# --------------------------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------------------------
def _check_int(name, value, minimum=None, maximum=None) -> int:
    return check_int(name, value, minimum, maximum)


def _check_scores(scores, composite) -> tuple[pd.DataFrame, str]:
    """Validate the score table; return a float copy and the composite column name."""
    if isinstance(scores, pd.Series):
        scores = scores.to_frame(name=scores.name if scores.name is not None else "composite")
    if not isinstance(scores, pd.DataFrame):
        raise DataError(
            f"'scores' must be a pandas DataFrame (regions x [composite, pillars...]). "
            f"Got {type(scores).__name__}.",
            f"“scores” 必须是 pandas DataFrame（行为地区，列为综合指数及各分项指数），"
            f"收到的是 {type(scores).__name__}。",
            parameter="scores",
        )
    if scores.shape[0] == 0 or scores.shape[1] == 0:
        raise DataError(
            "'scores' is empty: it needs at least one region and one column.",
            "“scores” 为空：至少需要一个地区和一列得分。",
            parameter="scores",
        )
    if not scores.index.is_unique:
        dup = list(dict.fromkeys(scores.index[scores.index.duplicated()]))
        raise DataError(
            f"'scores' has duplicated regions: {dup}. Keep one row per region.",
            f"“scores” 中地区重复：{dup}。每个地区只能有一行。",
            parameter="scores",
        )
    if not scores.columns.is_unique:
        dup = list(dict.fromkeys(scores.columns[scores.columns.duplicated()]))
        raise DataError(
            f"'scores' has duplicated columns: {dup}.",
            f"“scores” 中列名重复：{dup}。",
            parameter="scores",
        )
    if composite is None:
        composite = scores.columns[0]
    elif composite not in scores.columns:
        raise SpecError(
            f"The 'composite' parameter names column {composite!r}, which is not in the score "
            f"table (columns: {list(scores.columns)}). Pass one of them, or None for the first.",
            f"参数 “composite” 指定的列 {composite!r} 不在得分表中（现有列：{list(scores.columns)}）。"
            f"请指定其中一列，或传入 None 使用第一列。",
            parameter="composite",
        )
    try:
        values = scores.astype(float)
    except (TypeError, ValueError):
        bad = [c for c in scores.columns
               if not pd.api.types.is_numeric_dtype(scores[c])]
        raise DataError(
            f"'scores' must be numeric; columns {bad} are not.",
            f"“scores” 必须为数值，以下列不是数值：{bad}。",
            parameter="scores",
        ) from None
    arr = values.to_numpy()
    if not np.isfinite(arr).all():
        i, j = np.argwhere(~np.isfinite(arr))[0]
        raise DataError(
            f"'scores' has a missing or infinite value for region {values.index[i]!r}, column "
            f"{values.columns[j]!r}. Tiers need a complete score table: fill or drop that region.",
            f"“scores” 中地区 {values.index[i]!r} 的列 {values.columns[j]!r} 缺失或为无穷大。"
            f"划分梯队需要完整的得分表：请补全或删除该地区。",
            column=values.columns[j],
            parameter="scores",
        )
    return values, composite


def _feature_columns(scores: pd.DataFrame, composite, features) -> list:
    if isinstance(features, str):
        check_choice("features", features, FEATURES)
        if features == "composite":
            return [composite]
        return [composite] + [c for c in scores.columns if c != composite]
    try:
        cols = list(features)
    except TypeError:
        cols = None
    if not cols or any(c not in scores.columns for c in cols):
        raise SpecError(
            f"The 'features' parameter must be one of {list(FEATURES)} or a non-empty list of "
            f"columns of the score table {list(scores.columns)}. Got {features!r}.",
            f"参数 “features” 只能是 {list(FEATURES)} 之一，或得分表中列名的非空列表"
            f"（现有列：{list(scores.columns)}）。收到的是 {features!r}。",
            parameter="features",
        )
    return list(dict.fromkeys(cols))


def _check_sizes(sizes, n: int) -> tuple:
    if isinstance(sizes, str):
        sizes = [s for s in sizes.replace("/", ",").split(",") if s.strip()]
    try:
        out = tuple(int(s) for s in sizes)
        ok = all(float(s) == int(s) for s in sizes) and len(out) > 0
    except (TypeError, ValueError):
        ok = False
    if not ok or any(s < 1 for s in out):
        raise SpecError(
            f"The 'sizes' parameter must be a list of positive whole numbers, one per tier "
            f"from the top, e.g. 6,11,10,4. Got {sizes!r}.",
            f"参数 “sizes” 必须是正整数列表，从第一梯队起每个梯队一个数，例如 6,11,10,4。"
            f"收到的是 {sizes!r}。",
            parameter="sizes",
        )
    if sum(out) != n:
        raise SpecError(
            f"The 'sizes' parameter {list(out)} sums to {sum(out)}, but there are {n} regions. "
            f"Tier sizes must add up to the number of regions; adjust them.",
            f"参数 “sizes” {list(out)} 之和为 {sum(out)}，但共有 {n} 个地区。"
            f"各梯队数量之和必须等于地区数，请调整。",
            parameter="sizes",
        )
    return out


def _scaled_sizes(n: int, k: int) -> tuple:
    """``k`` tier sizes for ``n`` regions when ``k`` is not the report's 4: near-equal groups, larger
    ones first (the report gives no shares for other numbers of tiers)."""
    k = _check_int("k", k, minimum=1, maximum=max(1, n))
    base, extra = divmod(n, k)
    return tuple(base + (1 if i < extra else 0) for i in range(k))


def _check_thresholds(thresholds) -> tuple:
    try:
        out = tuple(float(t) for t in thresholds)
    except (TypeError, ValueError):
        out = ()
    if (not out or not all(np.isfinite(out))
            or any(a <= b for a, b in zip(out, out[1:])) or out[-1] < 0):
        raise SpecError(
            f"The 'thresholds' parameter must be strictly decreasing non-negative fractions of "
            f"the average, e.g. (1.25, 1.0, 0.7). Got {thresholds!r}.",
            f"参数 “thresholds” 必须是严格递减的非负比例（相对平均值），例如 (1.25, 1.0, 0.7)。"
            f"收到的是 {thresholds!r}。",
            parameter="thresholds",
        )
    return out


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _standardise(x: np.ndarray) -> np.ndarray:
    """Column z-scores (population sd); a constant column becomes 0."""
    mu = x.mean(axis=0)
    sd = x.std(axis=0)
    sd = np.where(sd > 0, sd, 1.0)
    return (x - mu) / sd


def _order_groups(labels: np.ndarray, composite: np.ndarray) -> np.ndarray:
    """Map arbitrary group labels to tiers 1..g by mean composite, highest first.

    Ties in the mean are broken by the first region (input order) of each group.
    """
    uniq, first, inv = np.unique(labels, return_index=True, return_inverse=True)
    means = np.bincount(inv, weights=composite) / np.bincount(inv)
    order = np.lexsort((first, -means))  # primary: -mean, secondary: first appearance
    rank = np.empty(len(uniq), dtype=int)
    rank[order] = np.arange(1, len(uniq) + 1)
    return rank[inv]


def _descending_order(composite: np.ndarray) -> np.ndarray:
    """Positions sorted by composite descending; ties by input order (stable)."""
    return np.argsort(-composite, kind="stable")


def _sort_assignment(assignment: pd.DataFrame) -> pd.DataFrame:
    pos = np.arange(len(assignment))
    order = np.lexsort((pos, -assignment["composite"].to_numpy(), assignment["tier"].to_numpy()))
    return assignment.iloc[order]


def _build_result(values, composite_col, tier, k, method, params) -> TierResult:
    names = tier_names(k)
    tier = np.asarray(tier, dtype=int)
    assignment = pd.DataFrame(
        {
            "tier": tier,
            "tier_name_zh": [names[t - 1][0] for t in tier],
            "tier_name_en": [names[t - 1][1] for t in tier],
            "composite": values[composite_col].to_numpy(),
        },
        index=values.index.copy(),
    )
    if assignment.index.name is None:
        assignment.index.name = "region"
    grouped = values.groupby(tier, sort=True).mean()
    centroids = grouped.reindex(range(1, k + 1))
    centroids["n"] = pd.Series(tier).value_counts().reindex(range(1, k + 1), fill_value=0).to_numpy()
    centroids.index.name = "tier"
    return TierResult(assignment=assignment, centroids=centroids, method=method, params=params)


# --------------------------------------------------------------------------------------------
# natural breaks
# --------------------------------------------------------------------------------------------
def natural_breaks(values, k: int, weights=None) -> NaturalBreaks:
    """Exact one-dimensional natural breaks (Fisher-Jenks).

    Finds the partition of the sorted values into ``k`` contiguous classes that minimises the
    within-class sum of squared deviations, by dynamic programming over the distinct values:
    ``D[c, j] = min_i D[c-1, i-1] + SSD(i..j)`` with segment costs from prefix sums.
    Each class step is a vectorised minimum over the segment costs (``m`` distinct values),
    computed a block of columns at a time: O(k m^2) time and O(k m) memory (10,000 values
    need megabytes, not gigabytes).

    Equal values always share a class (the optimum is taken over partitions that do not split
    ties). Among equally good partitions the one with the lowest break positions is returned.

    Parameters
    ----------
    values : array-like of float
        The values to classify (finite).
    k : int
        Number of classes, ``1 <= k <= number of distinct values``.
    weights : array-like of float, optional
        Non-negative case weights (default 1 each); the objective is the weighted SSD.

    Returns
    -------
    NaturalBreaks
        ``labels`` (0 = lowest class), ``breaks``, ``ssd`` and ``gvf``.

    References
    ----------
    Fisher, W. D. (1958). On grouping for maximum homogeneity. JASA 53(284), 789-798.
    Jenks, G. F. (1967). The data model concept in statistical mapping. Int. Yearbook of
    Cartography 7, 186-190.
    """
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0 or not np.isfinite(x).all():
        raise DataError(
            "'values' for natural breaks must be a non-empty array of finite numbers.",
            "自然断点法的 “values” 必须是非空的有限数值数组。",
            parameter="values",
        )
    if weights is None:
        w_all = np.ones_like(x)
    else:
        w_all = np.asarray(weights, dtype=float).ravel()
        if w_all.shape != x.shape or not np.isfinite(w_all).all() or (w_all < 0).any() \
                or w_all.sum() <= 0:
            raise SpecError(
                "'weights' must be non-negative finite numbers, one per value, not all zero.",
                "“weights” 必须是非负有限数，与数值一一对应，且不能全为 0。",
                parameter="weights",
            )
    uniq, inv = np.unique(x, return_inverse=True)
    m = uniq.size
    k = _check_int("k", k, minimum=1)
    if k > m:
        raise SpecError(
            f"The 'k' parameter ({k}) exceeds the number of distinct values ({m}); equal values "
            f"share a class, so at most {m} classes are possible. Lower k.",
            f"参数 “k”（{k}）大于不同取值的个数（{m}）；相同取值归入同一类，最多只能分 {m} 类。"
            f"请减小 k。",
            parameter="k",
        )
    w = np.bincount(inv, weights=w_all, minlength=m)
    centre = np.average(x, weights=w_all)
    v = uniq - centre  # centring limits cancellation in the prefix-sum costs
    # prefix sums with a leading zero: S[j] = sum over distinct values 0..j-1
    W = np.concatenate([[0.0], np.cumsum(w)])
    S1 = np.concatenate([[0.0], np.cumsum(w * v)])
    S2 = np.concatenate([[0.0], np.cumsum(w * v * v)])
    # D[c][j]: best SSD of values 0..j in c+1 classes; B[c][j]: start index of the last class.
    # The segment costs SSD(i..j) come from the prefix sums, computed for a block of columns j at a
    # time: O(k m^2) time as before, but O(k m + m · block) memory instead of an m x m matrix.
    D = np.empty((k, m))
    B = np.zeros((k, m), dtype=int)
    block = max(1, min(m, 2_000_000 // max(m, 1)))
    i_idx = np.arange(m)[:, None]

    def cost_block(j0, j1):
        j_idx = np.arange(j0, j1)[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            sw = W[j_idx + 1] - W[i_idx]
            s1 = S1[j_idx + 1] - S1[i_idx]
            s2 = S2[j_idx + 1] - S2[i_idx]
            cost = s2 - np.where(sw > 0, s1 * s1 / sw, 0.0)
        return np.where(j_idx >= i_idx, np.maximum(cost, 0.0), np.inf)

    jj = np.arange(m)
    with np.errstate(divide="ignore", invalid="ignore"):  # one class: values 0..j, SSD(0..j)
        D[0] = np.maximum(S2[jj + 1] - np.where(W[jj + 1] > 0, S1[jj + 1] ** 2 / W[jj + 1], 0.0), 0.0)
    for c in range(1, k):
        # candidate last class starts at i (1..j): D[c-1, i-1] + cost[i, j]
        prev = np.concatenate([[np.inf], D[c - 1, :-1]])  # prev[i] = D[c-1, i-1]
        if m <= _JENKS_FULL_SCAN:
            for j0 in range(0, m, block):
                j1 = min(m, j0 + block)
                total = prev[:, None] + cost_block(j0, j1)  # rows: i, columns: j
                b = np.argmin(total, axis=0)  # first minimum -> lowest break position
                B[c, j0:j1] = b
                D[c, j0:j1] = total[b, np.arange(j1 - j0)]
        else:
            _monotone_rows(prev, W, S1, S2, D[c], B[c], m)

    # backtrack class starts
    starts = np.zeros(k, dtype=int)
    j = m - 1
    for c in range(k - 1, 0, -1):
        starts[c] = B[c, j]
        j = starts[c] - 1
    cls_of_unique = np.searchsorted(starts, np.arange(m), side="right") - 1
    labels = cls_of_unique[inv]
    ends = np.concatenate([starts[1:] - 1, [m - 1]])
    breaks = (float(uniq[0]),) + tuple(float(uniq[e]) for e in ends)
    ssd = _ssd(x, labels, w_all)
    return NaturalBreaks(labels=labels, breaks=breaks, ssd=ssd,
                         gvf=_gvf_from(x, w_all, ssd))


#: Up to this many distinct values natural breaks scan every split (exact, O(k m^2)); above it the
#: optimal split's monotonicity in j (SSD satisfies the quadrangle inequality) lets a
#: divide-and-conquer scan find the same optimum in O(k m log m).
_JENKS_FULL_SCAN = 1500


def _monotone_rows(prev, W, S1, S2, D_out, B_out, m) -> None:
    """One class step by divide and conquer: ``B[j]`` is non-decreasing in ``j``."""
    stack = [(0, m - 1, 0, m - 1)]
    while stack:
        jlo, jhi, ilo, ihi = stack.pop()
        if jlo > jhi:
            continue
        mid = (jlo + jhi) // 2
        i = np.arange(ilo, min(mid, ihi) + 1)
        sw = W[mid + 1] - W[i]
        s1 = S1[mid + 1] - S1[i]
        s2 = S2[mid + 1] - S2[i]
        with np.errstate(divide="ignore", invalid="ignore"):
            cost = np.maximum(s2 - np.where(sw > 0, s1 * s1 / sw, 0.0), 0.0)
        total = prev[i] + cost
        b = int(np.argmin(total))
        B_out[mid] = i[b]
        D_out[mid] = total[b]
        stack.append((jlo, mid - 1, ilo, i[b]))
        stack.append((mid + 1, jhi, i[b], ihi))


def _ssd(x, labels, w) -> float:
    total = 0.0
    for g in np.unique(labels):
        sel = labels == g
        mu = np.average(x[sel], weights=w[sel]) if w[sel].sum() > 0 else 0.0
        total += float(np.sum(w[sel] * (x[sel] - mu) ** 2))
    return total


def _gvf_from(x, w, ssd) -> float:
    sdam = float(np.sum(w * (x - np.average(x, weights=w)) ** 2))
    return 1.0 if sdam <= 0 else 1.0 - ssd / sdam


def goodness_of_variance_fit(values, labels) -> float:
    """Goodness of variance fit of a classification, ``GVF = 1 - SDCM / SDAM``.

    Parameters
    ----------
    values : array-like of float
        The classified values.
    labels : array-like
        Class of each value (any hashable labels).

    Returns
    -------
    float
        1 for a perfect fit (or constant values), lower is worse; 0 when all values are in one
        class.
    """
    x = np.asarray(values, dtype=float).ravel()
    lab = np.asarray(labels).ravel()
    if lab.shape != x.shape:
        raise SpecError(
            f"'labels' must have one entry per value ({x.size}); got {lab.size}.",
            f"“labels” 必须与数值一一对应（{x.size} 个），收到 {lab.size} 个。",
            parameter="labels",
        )
    w = np.ones_like(x)
    _, codes = np.unique(lab, return_inverse=True)
    return _gvf_from(x, w, _ssd(x, codes, w))


# --------------------------------------------------------------------------------------------
# tiers
# --------------------------------------------------------------------------------------------
def _single_thread():
    """Context limiting OpenMP (scikit-learn's k-means) to one thread.

    For a few dozen points the OpenMP threads cost far more than they save, and on a busy
    machine their spin-waiting turns a 10 ms fit into 100-300 ms. One thread also makes the
    floating-point reduction order, hence the result, independent of the number of cores.
    Entering the context inspects the loaded libraries (a few ms), so loops enter it once.
    """
    try:  # scikit-learn keeps one controller; building a new one costs 2-7 ms
        from sklearn.utils.parallel import _get_threadpool_controller

        controller = _get_threadpool_controller()
    except ImportError:  # pragma: no cover - older / newer scikit-learn
        try:
            from threadpoolctl import ThreadpoolController
        except ImportError:
            from contextlib import nullcontext

            return nullcontext()
        controller = ThreadpoolController()
    return controller.limit(limits=1, user_api="openmp")


def _kmeans_labels(x: np.ndarray, k: int, seed: int, n_init: int) -> tuple[np.ndarray, float]:
    """k-means labels and inertia; call inside :func:`_single_thread`."""
    from sklearn.cluster import KMeans

    km = KMeans(n_clusters=k, n_init=n_init, random_state=seed, algorithm="lloyd")
    labels = km.fit_predict(x)
    return labels, float(km.inertia_)


def tiers(scores: pd.DataFrame, method: str = DEFAULT_METHOD, k: int | None = None, sizes=None,
          features="composite+pillars", standardise: bool = False, seed: int = 0,
          composite=None, n_init: int = _DEFAULT_N_INIT,
          thresholds=EIS_THRESHOLDS) -> TierResult:
    """Place regions in tiers, tier 1 = highest mean composite.

    Parameters
    ----------
    scores : pandas.DataFrame
        Regions x score columns (e.g. ``[root, *pillars]``); the first column is the composite
        unless ``composite`` names another. Must be complete (no NaN). A Series is taken as a
        composite-only table.
    method : {"sizes", "kmeans", "jenks", "average"}
        Fixed group sizes down the composite ranking (the default: the report's sizes); k-means on
        ``features``; exact natural breaks on the composite; or thresholds relative to the average
        composite.
    k : int, optional
        Number of tiers. Default 4; for ``"sizes"`` the number of sizes; for ``"average"`` the
        number of thresholds + 1 (passing a different ``k`` is an error).
    sizes : sequence of int or str, optional
        Tier sizes from the top, for ``method="sizes"`` (e.g. ``(6, 11, 10, 4)`` or
        ``"6,11,10,4"``); must sum to the number of regions. Default: :func:`report_sizes` of the
        number of regions (the report's 6/11/10/4 for 31).
    features : {"composite+pillars", "composite"} or list of str
        k-means features: all columns (composite and pillars), the composite only, or named
        columns.
    standardise : bool
        k-means on column z-scores (population sd) instead of raw scores.
    seed : int
        ``random_state`` of k-means.
    composite : str, optional
        Name of the composite column (default: the first column).
    n_init : int
        k-means restarts (default 20); the best of them (lowest inertia) is kept.
    thresholds : sequence of float
        For ``method="average"`` (non-negative composites only): strictly decreasing fractions
        of the mean composite
        (default :data:`EIS_THRESHOLDS`, 1.25 / 1.00 / 0.70). A region is in tier ``t`` when
        its ratio to the mean is ``<= thresholds[t-2]`` and ``> thresholds[t-1]``: above 125 %
        is tier 1, exactly 100 % is tier 3. Tiers may be empty.

    Returns
    -------
    TierResult

    Notes
    -----
    Ties: k-means and natural-breaks groups are ordered by mean composite, equal means by their
    first region in input order; ``"sizes"`` ranks by composite with ties broken by input order
    (a warning is issued when equal composites straddle a tier boundary).
    """
    args = (scores, method, k, sizes, features, standardise, seed, composite, n_init, thresholds)
    if method == "kmeans":
        with _single_thread():
            return _tiers(*args)
    return _tiers(*args)


def _tiers(scores, method, k, sizes, features, standardise, seed, composite, n_init,
           thresholds) -> TierResult:
    """Body of :func:`tiers` (k-means callers enter :func:`_single_thread` first)."""
    check_choice("method", method, METHODS)
    values, comp = _check_scores(scores, composite)
    n = len(values)
    c = values[comp].to_numpy()
    seed = _check_int("seed", seed, minimum=0)
    params: dict = {"composite": comp}

    if method == "sizes":
        if sizes is None and k is not None and _check_int("k", k, minimum=1) != len(report_sizes(n)):
            sizes = _scaled_sizes(n, k)
        sz = _check_sizes(report_sizes(n) if sizes is None else sizes, n)
        if k is not None and _check_int("k", k, minimum=1) != len(sz):
            raise SpecError(
                f"The 'k' parameter ({k}) does not match the number of sizes ({len(sz)}). "
                f"Omit k or give {k} sizes.",
                f"参数 “k”（{k}）与 “sizes” 的个数（{len(sz)}）不一致。请省略 k 或给出 {k} 个数量。",
                parameter="k",
            )
        k = len(sz)
        order = _descending_order(c)
        tier = np.empty(n, dtype=int)
        tier[order] = np.repeat(np.arange(1, k + 1), sz)
        bounds = np.cumsum(sz)[:-1]
        for b in bounds:
            if c[order[b - 1]] == c[order[b]]:
                warn(
                    f"Regions {values.index[order[b - 1]]!r} and {values.index[order[b]]!r} have "
                    f"the same composite but fall in different tiers (ties broken by region "
                    f"order).",
                    f"地区 {values.index[order[b - 1]]!r} 与 {values.index[order[b]]!r} 综合指数"
                    f"相同却被分入不同梯队（并列时按地区顺序划分）。",
                )
        params.update(k=k, sizes=sz)
        return _build_result(values, comp, tier, k, method, params)

    if method == "average":
        th = _check_thresholds(thresholds)
        if k is not None and _check_int("k", k, minimum=1) != len(th) + 1:
            raise SpecError(
                f"The 'k' parameter ({k}) does not match the {len(th)} thresholds of the "
                f"average method ({len(th) + 1} tiers). Omit k or change 'thresholds'.",
                f"参数 “k”（{k}）与平均值法的 {len(th)} 个阈值（{len(th) + 1} 个梯队）不一致。"
                f"请省略 k 或修改 “thresholds”。",
                parameter="k",
            )
        k = len(th) + 1
        mean = float(c.mean())
        if not (mean > 0 and c.min() >= 0):
            raise DataError(
                f"The average method needs non-negative composite scores with a positive mean "
                f"(got min {c.min():.4g}, mean {mean:.4g}); a percentage of the average is "
                f"meaningless for scores centred on 0 (e.g. z-scores). Use min-max, rank or "
                f"frontier scores, or another tiering method.",
                f"平均值法要求综合指数非负且均值为正（当前最小值 {c.min():.4g}，均值 {mean:.4g}）；"
                f"对以 0 为中心的得分（如 z 分数），“占平均值的百分比”没有意义。"
                f"请使用 min-max、排名或前沿得分，或改用其他梯队划分方法。",
                parameter="method",
            )
        ratio = c / mean
        # number of thresholds the ratio does NOT exceed -> tier - 1
        tier = 1 + (ratio[:, None] <= np.asarray(th)[None, :]).sum(axis=1)
        params.update(k=k, thresholds=th, mean=mean)
        return _build_result(values, comp, tier, k, method, params)

    k = _DEFAULT_K if k is None else _check_int("k", k, minimum=1)
    if k > n:
        raise SpecError(
            f"The 'k' parameter ({k}) exceeds the number of regions ({n}). Lower k.",
            f"参数 “k”（{k}）大于地区数（{n}）。请减小 k。",
            parameter="k",
        )

    if method == "jenks":
        nb = natural_breaks(c, k)
        tier = _order_groups(nb.labels, c)
        params.update(k=k, breaks=nb.breaks, ssd=nb.ssd, gvf=nb.gvf)
        return _build_result(values, comp, tier, k, method, params)

    # k-means
    # each restart is a full k-means: a thousand is far past the point where the best one stops changing
    n_init = _check_int("n_init", n_init, minimum=1, maximum=MAX_N_INIT)
    cols = _feature_columns(values, comp, features)
    x = values[cols].to_numpy()
    if standardise:
        x = _standardise(x)
    distinct = len(np.unique(x, axis=0))
    if k > distinct:
        raise SpecError(
            f"The 'k' parameter ({k}) exceeds the number of distinct regions in feature space "
            f"({distinct}). Lower k.",
            f"参数 “k”（{k}）大于特征空间中互不相同的地区数（{distinct}）。请减小 k。",
            parameter="k",
        )
    labels, inertia = _kmeans_labels(x, k, seed, n_init)
    tier = _order_groups(labels, c)
    params.update(k=k, features=tuple(cols), standardise=bool(standardise), seed=seed,
                  n_init=n_init, inertia=inertia)
    return _build_result(values, comp, tier, k, method, params)


# --------------------------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------------------------
def _as_tier_series(x, name: str) -> pd.Series:
    if isinstance(x, TierResult):
        x = x.tier
    if not isinstance(x, pd.Series):
        raise DataError(
            f"'{name}' must be a pandas Series region -> tier or a TierResult. "
            f"Got {type(x).__name__}.",
            f"“{name}” 必须是 pandas Series（地区 -> 梯队）或 TierResult，收到的是 {type(x).__name__}。",
            parameter=name,
        )
    if not x.index.is_unique:
        raise DataError(
            f"'{name}' lists some regions more than once.",
            f"“{name}” 中有重复的地区。",
            parameter=name,
        )
    if x.isna().any():
        raise DataError(
            f"'{name}' has regions without a tier: {list(x.index[x.isna()])}.",
            f"“{name}” 中以下地区没有梯队：{list(x.index[x.isna()])}。",
            parameter=name,
        )
    return x


def compare(a, b) -> Comparison:
    """Compare two tierings of the same regions.

    Parameters
    ----------
    a, b : pandas.Series or TierResult
        Region -> tier number (1 = top). ``a`` is the reference ("from"), ``b`` the other
        ("to"), e.g. ``compare(report_tiers(), tiers(scores))``. Both must cover the same
        regions; the order of ``a`` is used.

    Returns
    -------
    Comparison
        Confusion table, adjusted Rand index, movers and agreement.
    """
    from sklearn.metrics import adjusted_rand_score

    sa = _as_tier_series(a, "a")
    sb = _as_tier_series(b, "b")
    only_a = [r for r in sa.index if r not in sb.index]
    only_b = [r for r in sb.index if r not in sa.index]
    if only_a or only_b:
        raise DataError(
            f"The two tierings cover different regions: only in a: {only_a}; only in b: "
            f"{only_b}. Compare tierings of the same regions (check the region names).",
            f"两个梯队划分的地区不一致：仅在 a 中：{only_a}；仅在 b 中：{only_b}。"
            f"请比较同一组地区（检查地区名称）。",
            parameter="b",
        )
    sb = sb.reindex(sa.index)
    ta = sa.to_numpy()
    tb = sb.to_numpy()
    rows = sorted(pd.unique(ta))
    cols = sorted(pd.unique(tb))
    confusion = (pd.crosstab(pd.Series(ta, name="a"), pd.Series(tb, name="b"))
                 .reindex(index=rows, columns=cols, fill_value=0))
    confusion.index.name = sa.name if isinstance(sa.name, str) else "a"
    confusion.columns.name = sb.name if isinstance(sb.name, str) else "b"
    if confusion.index.name == confusion.columns.name:
        confusion.index.name, confusion.columns.name = "a", "b"
    ari = float(adjusted_rand_score(ta, tb))
    moved = ta != tb
    movers = pd.DataFrame({
        "region": list(sa.index[moved]),
        "from": ta[moved],
        "to": tb[moved],
    })
    try:
        steps = (movers["from"].astype(float) - movers["to"].astype(float)).to_numpy()
    except (TypeError, ValueError):
        steps = np.full(len(movers), np.nan)
    movers["direction"] = np.where(np.isnan(steps), "moved", np.where(steps > 0, "up", "down"))
    movers["steps"] = steps.astype(int) if np.isfinite(steps).all() else steps
    return Comparison(confusion=confusion, ari=ari, movers=movers.reset_index(drop=True),
                      agreement=float(np.mean(~moved)) if len(ta) else 1.0)


# --------------------------------------------------------------------------------------------
# stability
# --------------------------------------------------------------------------------------------
def tier_probabilities(assignments, k: int, regions=None) -> pd.DataFrame:
    """Per-region probability of each tier over replications.

    Parameters
    ----------
    assignments : array-like of int, shape (n_rep, n_regions)
        Tier numbers ``1..k`` of each region in each replication.
    k : int
        Number of tiers.
    regions : sequence, optional
        Region ids for the index (default ``0..n_regions-1``).

    Returns
    -------
    pandas.DataFrame
        Index region, columns ``1..k`` (tier), rows summing to 1.
    """
    k = _check_int("k", k, minimum=1)
    a = np.asarray(assignments)
    if a.ndim != 2 or a.shape[0] == 0:
        raise SpecError(
            f"'assignments' must be a 2-D array (replications x regions) with at least one "
            f"replication; got shape {a.shape}.",
            f"“assignments” 必须是二维数组（重复次数 x 地区数），且至少有一次重复；"
            f"收到的形状为 {a.shape}。",
            parameter="assignments",
        )
    if not np.issubdtype(a.dtype, np.number) or not np.all(np.isfinite(a)) \
            or np.any(a != np.round(a)) or a.min() < 1 or a.max() > k:
        raise SpecError(
            f"'assignments' must hold whole tier numbers between 1 and k = {k}.",
            f"“assignments” 中的梯队编号必须是 1 到 k = {k} 之间的整数。",
            parameter="assignments",
        )
    a = a.astype(int)
    n_rep, n_reg = a.shape
    counts = np.zeros((n_reg, k))
    np.add.at(counts, (np.tile(np.arange(n_reg), n_rep), a.ravel() - 1), 1.0)
    if regions is None:
        index = pd.RangeIndex(n_reg, name="region")
    else:
        index = pd.Index(list(regions), name="region")
        if len(index) != n_reg:
            raise SpecError(
                f"'regions' has {len(index)} entries but 'assignments' has {n_reg} columns.",
                f"“regions” 有 {len(index)} 项，而 “assignments” 有 {n_reg} 列。",
                parameter="regions",
            )
    out = pd.DataFrame(counts / n_rep, index=index, columns=pd.Index(range(1, k + 1), name="tier"))
    return out


def stability(perturbed, n: int | None = None, seed: int = 0, **tier_kwargs) -> pd.DataFrame:
    """Tier probabilities over perturbed score tables.

    Parameters
    ----------
    perturbed : iterable of pandas.DataFrame, or callable
        Either the perturbed score tables themselves (same regions, same columns), or a
        function ``f(rng) -> DataFrame`` called ``n`` times with one
        ``numpy.random.Generator`` seeded by ``seed``.
    n : int, optional
        Number of replications; required when ``perturbed`` is callable.
    seed : int
        Seed of the generator passed to a callable.
    **tier_kwargs
        Passed to :func:`tiers` (``method``, ``k``, ``sizes``, ``features``, ``standardise``,
        ``composite``, ``n_init``, ``thresholds``; the same k-means ``seed`` is used in every
        replication unless ``tier_seed`` is given).

    Returns
    -------
    pandas.DataFrame
        Index region (order of the first table), columns tiers ``1..k``: the share of
        replications in which the region is in that tier. Tiers are identified by their rank
        of mean composite in each replication, so there is no label switching.
    """
    seed = _check_int("seed", seed, minimum=0)
    tier_seed = tier_kwargs.pop("tier_seed", 0)
    if callable(perturbed):
        if n is None:
            raise SpecError(
                "'n' (number of replications) is required when 'perturbed' is a function.",
                "当 “perturbed” 为函数时必须给出 “n”（重复次数）。",
                parameter="n",
            )
        n = _check_int("n", n, minimum=1)
        rng = np.random.default_rng(seed)
        tables: Iterable = (perturbed(rng) for _ in range(n))
    else:
        tables = perturbed
    kw = dict(method="kmeans", k=None, sizes=None, features="composite+pillars",
              standardise=False, composite=None, n_init=_DEFAULT_N_INIT,
              thresholds=EIS_THRESHOLDS)
    unknown = sorted(set(tier_kwargs) - set(kw))
    if unknown:
        raise SpecError(
            f"Unknown tiering option(s) {unknown}; allowed: {sorted(kw)} and 'tier_seed'.",
            f"未知的梯队划分选项 {unknown}；可用选项：{sorted(kw)} 及 “tier_seed”。",
            parameter=unknown[0],
        )
    kw.update(tier_kwargs)
    rows, regions, k = [], None, None
    with _single_thread():
        for table in tables:
            res = _tiers(table, kw["method"], kw["k"], kw["sizes"], kw["features"],
                         kw["standardise"], tier_seed, kw["composite"], kw["n_init"],
                         kw["thresholds"])
            if regions is None:
                regions, k = list(res.assignment.index), res.k
            rows.append(res.tier.reindex(regions).to_numpy())
    if not rows:
        raise SpecError(
            "No perturbed score tables were given.",
            "没有提供扰动后的得分表。",
            parameter="perturbed",
        )
    try:
        mat = np.vstack(rows).astype(float)
    except ValueError:
        mat = np.full((1, 1), np.nan)
    if np.isnan(mat).any():
        raise DataError(
            "The perturbed score tables do not all cover the same regions.",
            "扰动后的得分表所含地区不一致。",
            parameter="perturbed",
        )
    return tier_probabilities(mat.astype(int), k, regions=regions)


def stability_under_weight_noise(normalised_leaf_scores: pd.DataFrame, leaf_weights: pd.Series,
                                 pillar_of: pd.Series, noise: float = 0.2, n: int = 200,
                                 seed: int = 0, method: str = "kmeans", k: int | None = None,
                                 sizes=None, features="composite+pillars",
                                 standardise: bool = False, n_init: int = _DEFAULT_N_INIT,
                                 thresholds=EIS_THRESHOLDS,
                                 composite_name: str = "composite") -> pd.DataFrame:
    """Tier probabilities when leaf weights are perturbed.

    In each of ``n`` replications every leaf weight is multiplied by an independent
    ``Uniform(1 - noise, 1 + noise)`` factor and the weights are renormalised to sum 1. Pillar
    scores are the weighted arithmetic means of their leaves and the composite is the weighted
    mean of all leaves (equivalently of the pillars, each weighted by the sum of its leaves'
    weights). Missing leaf scores (NaN) are skipped as ``build(missing="reweight")`` skips them:
    a pillar is the mean of its observed leaves, and the composite the mean of the pillars that
    have one, each weighted by the sum of all its leaves' weights. Each replication is re-tiered
    with :func:`tiers`.

    Parameters
    ----------
    normalised_leaf_scores : pandas.DataFrame
        Regions x leaves, normalised scores (e.g. ``Result.normalised``).
    leaf_weights : pandas.Series
        Leaf -> global weight (e.g. ``Framework.global_weights()``); need not sum to 1.
    pillar_of : pandas.Series
        Leaf -> pillar id. Pillars appear in order of first appearance in ``pillar_of``
        restricted to the leaves.
    noise : float
        Relative half-width of the multiplicative noise, ``0 <= noise < 1``.
    n : int
        Number of replications.
    seed : int
        Seed of ``numpy.random.default_rng`` for the weights (and k-means ``random_state``).
    method, k, sizes, features, standardise, n_init, thresholds
        As in :func:`tiers`.
    composite_name : str
        Column name given to the composite in the re-computed score tables.

    Returns
    -------
    pandas.DataFrame
        Index region, columns tiers ``1..k``; rows sum to 1.
    """
    if not isinstance(normalised_leaf_scores, pd.DataFrame):
        raise DataError(
            "'normalised_leaf_scores' must be a DataFrame regions x leaves.",
            "“normalised_leaf_scores” 必须是 DataFrame（行为地区，列为末级指标）。",
            parameter="normalised_leaf_scores",
        )
    leaves = list(normalised_leaf_scores.columns)
    for name, s in (("leaf_weights", leaf_weights), ("pillar_of", pillar_of)):
        if not isinstance(s, pd.Series):
            raise DataError(
                f"'{name}' must be a pandas Series indexed by leaf id.",
                f"“{name}” 必须是以末级指标 id 为索引的 pandas Series。",
                parameter=name,
            )
        missing = [l for l in leaves if l not in s.index]
        if missing:
            raise DataError(
                f"'{name}' has no entry for leaves {missing}.",
                f"“{name}” 缺少以下末级指标：{missing}。",
                parameter=name,
            )
    w0 = leaf_weights.reindex(leaves).astype(float).to_numpy()
    if not np.isfinite(w0).all() or (w0 < 0).any() or w0.sum() <= 0:
        raise SpecError(
            "'leaf_weights' must be non-negative finite numbers, not all zero.",
            "“leaf_weights” 必须是非负有限数，且不能全为 0。",
            parameter="leaf_weights",
        )
    try:
        noise = float(noise)
    except (TypeError, ValueError):
        noise = float("nan")
    if not (0.0 <= noise < 1.0):
        raise SpecError(
            f"The 'noise' parameter must be in [0, 1) (e.g. 0.2 for +/-20 %). Got {noise!r}.",
            f"参数 “noise” 必须在 [0, 1) 之间（例如 0.2 表示 ±20%），收到的是 {noise!r}。",
            parameter="noise",
        )
    n = _check_int("n", n, minimum=1)
    seed = _check_int("seed", seed, minimum=0)
    pill = pillar_of.reindex(leaves)
    pillars = list(dict.fromkeys(pill.tolist()))
    raw = normalised_leaf_scores.astype(float).to_numpy()
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - noise, 1.0 + noise, size=(n, len(leaves)))
    w = w0[None, :] * factors
    w = w / w.sum(axis=1, keepdims=True)
    # the two-level index these leaf weights define, rolled up by the engine's one roll-up: each
    # pillar weighs the sum of all its leaves' weights (as build() with missing="reweight")
    fw, order = _two_level(leaves, list(pill), pillars, composite_name)
    cols = [leaves.index(leaf) for leaf in order]
    weights = {p: w[:, [j for j in cols if pill.iloc[j] == p]] for p in pillars}
    weights[composite_name] = np.column_stack([weights[p].sum(axis=1) for p in pillars])
    out = RollUp(fw, "arithmetic").batch(raw[:, cols], {f"p:{p}": weights[p] for p in pillars}
                                         | {fw.root: weights[composite_name]}, keep=[f"p:{p}" for p in pillars])
    batch = np.stack([np.broadcast_to(out[fw.root], (n, raw.shape[0]))]
                     + [np.broadcast_to(out[f"p:{p}"], (n, raw.shape[0])) for p in pillars], axis=2)
    if not np.isfinite(batch).all():
        r, i, g = np.argwhere(~np.isfinite(batch))[0]
        where = composite_name if g == 0 else pillars[g - 1]
        raise DataError(
            f"Region {normalised_leaf_scores.index[i]!r} has no observed (or no positively "
            f"weighted) leaf for {where!r}; its score cannot be computed.",
            f"地区 {normalised_leaf_scores.index[i]!r} 在 {where!r} 下没有可用（或权重为正）的"
            f"指标，无法计算得分。",
            parameter="normalised_leaf_scores",
        )
    columns = [composite_name] + pillars
    index = normalised_leaf_scores.index
    tables = [pd.DataFrame(batch[r], index=index, columns=columns) for r in range(n)]
    return stability(tables, method=method, k=k, sizes=sizes, features=features,
                     standardise=standardise, composite=composite_name, n_init=n_init,
                     thresholds=thresholds, tier_seed=seed)


def _two_level(leaves, pillar_of, pillars, root):
    """A root -> pillars -> leaves Framework for the leaves' pillar assignment (ids prefixed so that
    pillar ids never collide with leaf ids) and the leaf order it rolls up."""
    from iiscore.framework import Framework, Node

    nodes = [Node(str(root) if str(root) not in ("region", "rank") else "root", None, 1.0, 1, "", "")]
    rid = nodes[0].id
    order = []
    for p in pillars:
        kids = [leaf for leaf, q in zip(leaves, pillar_of) if q == p]
        # the weights below are placeholders: every node's weights come from the batch
        nodes.append(Node(f"p:{p}", rid, 1.0, 1, "", ""))
        for k in kids:
            nodes.append(Node(f"l:{k}", f"p:{p}", 1.0, 1, "", ""))
            order.append(k)
    return Framework(tuple(nodes)), order


# --------------------------------------------------------------------------------------------
# silhouette
# --------------------------------------------------------------------------------------------
#: Regions above which :func:`silhouette_by_k` samples (a silhouette costs regions² distances).
SILHOUETTE_SAMPLE = 2000


def silhouette_by_k(scores: pd.DataFrame, ks=range(2, 9), features="composite+pillars",
                    standardise: bool = False, seed: int = 0, composite=None,
                    n_init: int = _DEFAULT_N_INIT) -> pd.DataFrame:
    """Silhouette score of k-means tierings for several ``k``.

    A clear maximum suggests a natural number of groups; a flat profile says the regions form
    a continuum and any cut is a convention.

    Parameters
    ----------
    scores, features, standardise, seed, composite, n_init
        As in :func:`tiers` with ``method="kmeans"``.
    ks : iterable of int
        Values of ``k``, each ``2 <= k <= n_regions - 1`` (silhouette is undefined otherwise).

    Returns
    -------
    pandas.DataFrame
        Index ``k``; columns ``silhouette`` (mean silhouette on the clustering features,
        Euclidean) and ``inertia``. Above :data:`SILHOUETTE_SAMPLE` regions the silhouette is the
        mean over a random sample of that many regions (``random_state=seed``): its cost grows with
        the square of the regions (10,000 regions took 29 s for k = 2..8), the sample's does not.
    """
    from sklearn.metrics import silhouette_score

    values, comp = _check_scores(scores, composite)
    cols = _feature_columns(values, comp, features)
    x = values[cols].to_numpy()
    if standardise:
        x = _standardise(x)
    n = len(values)
    ks = [_check_int("ks", kk) for kk in ks]
    for kk in ks:
        if not 2 <= kk <= n - 1:
            raise SpecError(
                f"The 'ks' parameter contains k = {kk}; the silhouette needs 2 <= k <= "
                f"{n - 1} (number of regions - 1).",
                f"参数 “ks” 中含有 k = {kk}；轮廓系数要求 2 <= k <= {n - 1}（地区数 - 1）。",
                parameter="ks",
            )
    out = []
    with _single_thread():
        for kk in ks:
            res = _tiers(values, "kmeans", kk, None, cols, standardise, seed, comp, n_init,
                         EIS_THRESHOLDS)
            labels = res.tier.to_numpy()
            sample = SILHOUETTE_SAMPLE if n > SILHOUETTE_SAMPLE else None
            sil = (float(silhouette_score(x, labels, sample_size=sample, random_state=seed))
                   if len(np.unique(labels)) > 1 else float("nan"))
            out.append((kk, sil, res.params["inertia"]))
    return pd.DataFrame(out, columns=["k", "silhouette", "inertia"]).set_index("k")
