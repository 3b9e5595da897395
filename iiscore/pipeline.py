"""``build(data, spec)``: one call, every stage, an immutable result.

The stages, in order (each a module named after the step):

1. missing values (``spec.missing``): left out and re-weighted, or imputed with the indicator mean;
2. outlier treatment (:mod:`iiscore.treat`), fitted on the scored year or on every year pooled;
3. normalisation (:mod:`iiscore.normalise`): min-max over regions with the year's, pooled or given
   goalposts, or z-scores, ranks, distance to the frontier;
4. aggregation up the hierarchy (:class:`iiscore.aggregate.RollUp`), with the coverage rule;
5. ranks.

The *ruler* (:class:`Ruler`) is what steps 1-3 fit on the data: the imputation values, the fitted
treatment and the min-max goalposts. ``build()`` returns it (``Result.ruler``) and accepts one
(``build(data, spec, ruler=...)``): scoring edited values with the baseline's ruler is the
fixed-goalpost what-if, the ordinary build and not a special path. :class:`Evaluator` runs the same
stages on bare arrays for searches that evaluate thousands of variants of one year.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import treat as _treat
from .aggregate import RollUp
from .data import Dataset
from .errors import DataError, IIScoreError, SpecError
from .normalise import NORMALISERS, n_goalposts
from .spec import Spec

__all__ = ["Ruler", "Result", "build", "Evaluator", "rank_desc", "impute_mean"]


def rank_desc(values: np.ndarray) -> np.ndarray:
    """Rank 1 = highest; ties share the lowest rank (pandas method='min'); NaN ranks last.

    Works column-wise on a 2-D array: rank = 1 + number of values strictly greater.
    """
    v = np.asarray(values, float)
    if v.ndim == 1:
        return rank_desc(v[:, None])[:, 0]
    out = np.empty(v.shape, dtype=np.int64)
    for j in range(v.shape[1]):
        col = v[:, j]
        ok = ~np.isnan(col)
        srt = np.sort(col[ok])
        greater = srt.size - np.searchsorted(srt, col, side="right")
        out[:, j] = np.where(ok, greater + 1, srt.size + 1)
    return out


def _nanmean(X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(X, axis=0)


def _nanextremes(X):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(X, axis=0), np.nanmax(X, axis=0)


def impute_mean(X, means=None):
    """Replace NaN by the column mean (the ``missing='mean'`` policy); all-NaN columns stay NaN."""
    mu = _nanmean(X) if means is None else np.asarray(means, float)
    return np.where(np.isnan(X), mu[None, :], X)


# ============================================================================================
# the ruler
# ============================================================================================
@dataclass(frozen=True, eq=False)
class Ruler:
    """What the stages before aggregation fitted on the data (read-only arrays, leaf order).

    Attributes
    ----------
    leaves : tuple of leaf ids
    fitted : tuple of :class:`iiscore.treat.Fitted`, one per leaf
    means : ndarray or None
        Imputation values (``missing="mean"``), else None.
    lo, hi : ndarray
        Min-max goalposts on the treated scale (NaN for other normalisations).
    normalisation : str
    fitted_on : str
        ``"year"``, ``"pooled"`` or ``"given"`` (goalposts from the spec).
    """

    leaves: tuple
    fitted: tuple
    means: np.ndarray | None
    lo: np.ndarray
    hi: np.ndarray
    normalisation: str
    fitted_on: str = "year"

    @property
    def frozen_minmax(self) -> bool:
        return self.normalisation == "minmax"

    def columns(self, cols) -> "Ruler":
        """The ruler of the leaves at positions ``cols`` (each leaf's fit is its own)."""
        cols = np.asarray(cols, dtype=np.intp)
        return Ruler(tuple(self.leaves[k] for k in cols), tuple(self.fitted[k] for k in cols),
                     None if self.means is None else _frozen(self.means[cols]), _frozen(self.lo[cols]),
                     _frozen(self.hi[cols]), self.normalisation, self.fitted_on)

    @property
    def goalposts(self) -> pd.DataFrame:
        return pd.DataFrame({"lo": self.lo, "hi": self.hi}, index=pd.Index(list(self.leaves), name="indicator"))

    @property
    def treatment(self) -> dict:
        """Leaf -> label of the treated leaves (``{"platform": "log", ...}``)."""
        return {leaf: f.label() for leaf, f in zip(self.leaves, self.fitted) if f.kind != "none"}


def _frozen(a):
    if a is None:
        return None
    a = np.array(a, float)
    a.flags.writeable = False
    return a


def fit_ruler(X: np.ndarray, spec: Spec, others: np.ndarray | None = None, leaves=None) -> Ruler:
    """Fit the ruler of ``spec`` on the scored year's raw values ``X`` (regions × leaves).

    ``others`` are the other years' rows (stacked), needed when the goalposts or the treatment are
    pooled over the years. ``leaves``: the columns of ``X`` when they are not all the framework's
    leaves (every step is fitted column by column).
    """
    fw = spec.framework
    leaves = tuple(fw.leaves) if leaves is None else tuple(leaves)
    X = np.ascontiguousarray(X, dtype=float)  # one memory order, one summation order (see _stages)
    mean = spec.missing == "mean"
    means = _nanmean(X) if mean else None
    X_in = impute_mean(X, means) if mean else X
    pooled_gp = spec.goalposts == "pooled"
    pooled_fit = pooled_gp or spec.treat_fit == "pooled"
    if pooled_fit and others is not None and len(others):
        allyears = np.vstack([X, others])
        fit_on = impute_mean(allyears) if mean else allyears
    else:
        fit_on = X_in
    fitted = tuple(_treat.fit(fit_on, spec.treat, spec.skew, spec.kurt, spec.winmax))
    lo = hi = np.full(len(leaves), np.nan)
    how = "pooled" if pooled_fit else "year"
    if spec.normalisation == "minmax":
        if pooled_gp:
            lo, hi = _nanextremes(_finite(_treat.apply(fit_on, fitted)))
        elif isinstance(spec.goalposts, tuple):
            gm = spec.goalpost_map
            missing_gp = [leaf for leaf in leaves if leaf not in gm]
            if missing_gp:
                raise DataError(f"Goalposts are missing for {', '.join(missing_gp)}.",
                                f"缺少指标 {'、'.join(missing_gp)} 的上下限。", parameter="goalposts")
            lo = np.array([gm[leaf][0] for leaf in leaves])
            hi = np.array([gm[leaf][1] for leaf in leaves])
            how = "given"
        else:
            lo, hi = _nanextremes(_finite(_treat.apply(X_in, fitted)))
    return Ruler(leaves, fitted, _frozen(means), _frozen(lo), _frozen(hi), spec.normalisation, how)


def _finite(T):
    return np.where(np.isfinite(T), T, np.nan)


def _check_ruler(ruler: Ruler, spec: Spec) -> None:
    if tuple(spec.framework.leaves) != tuple(ruler.leaves):
        raise SpecError("The ruler was fitted for other indicators than the framework's.",
                        "标尺（ruler）拟合所用的指标与框架不一致。", parameter="ruler")
    if ruler.normalisation != spec.normalisation:
        raise SpecError(f"The ruler was fitted for {ruler.normalisation!r} normalisation, the spec uses "
                        f"{spec.normalisation!r}.",
                        f"标尺按 {ruler.normalisation!r} 标准化拟合，而设定为 {spec.normalisation!r}。",
                        parameter="ruler")


def _frontier_error(spec, leaves, cols, X_in) -> SpecError:
    fw = spec.framework
    en = ", ".join(f"{fw.name(leaves[j], 'en')} ({leaves[j]})" for j in cols)
    zh = "、".join(fw.name(leaves[j], "zh") for j in cols)
    # the log treatment turns values below 1 negative: name that cause, not the data
    by_treat = bool(np.nanmin(X_in[:, cols], initial=0.0) >= 0)
    return SpecError(
        f"Frontier normalisation (100·x/max) needs non-negative values; {en} "
        + (("becomes" if len(cols) == 1 else "become")
           + " negative after the log treatment of skewed indicators (logs of values below 1). "
           "Choose no treatment or winsorisation, or min-max or rank normalisation."
           if by_treat else ("has" if len(cols) == 1 else "have")
           + " negative values. Use min-max or rank normalisation."),
        f"前沿标准化（100·x/最大值）要求取值不小于 0；{zh}"
        + ("在对偏态指标取对数后出现负值（小于 1 的数取对数为负）。请把偏态处理改为“不处理”或“缩尾处理”，"
           "或改用极差标准化或排名标准化。" if by_treat else "含负值。请改用极差标准化或排名标准化。"),
        parameter="normalisation")


def _stages(X: np.ndarray, spec: Spec, ruler: Ruler, direction: np.ndarray, *, regions=None, check=True):
    """Steps 1-3 with a ruler: (values after the missing policy, treated, normalised).

    ``X`` is taken in row-major order whatever it came in: numpy sums a column of a row-major
    matrix row by row, of a column-major one pairwise, so the means and deviations of the same
    values would differ in the last bit between build() (a frame's column-major matrix), the
    fast path's copies and its column-wise evaluation (:meth:`Evaluator.normalised`)."""
    X = np.ascontiguousarray(X, dtype=float)
    X_in = impute_mean(X, ruler.means) if ruler.means is not None else X
    T = _treat.apply(X_in, ruler.fitted)
    if check:
        bad = np.isfinite(X_in) & ~np.isfinite(T)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            leaf = ruler.leaves[j]
            f = ruler.fitted[j]
            fw = spec.framework
            reg = regions[i] if regions is not None else f"row {i + 1}"
            raise DataError(
                f"{reg}'s {fw.name(leaf, 'en')} ({leaf}) = {X_in[i, j]:g} has no logarithm on the log scale fitted "
                f"for this indicator (ln(x + {f.shift:g}) needs x > {-f.shift:g}). With fixed baseline goalposts the "
                f"baseline's log treatment is kept: keep the value above {-f.shift:g}, or use re-normalisation.",
                f"{reg} 的 {fw.name(leaf, 'zh')}（{leaf}）= {X_in[i, j]:g}，在该指标拟合的对数尺度上没有对数"
                f"（ln(x + {f.shift:g}) 要求 x > {-f.shift:g}）。固定基线上下限时沿用基线的对数处理：请使取值大于 "
                f"{-f.shift:g}，或改用重新标准化。", parameter="value")
    if spec.normalisation == "minmax":
        Z = n_goalposts(T, direction, ruler.lo, ruler.hi)
    else:
        if spec.normalisation == "frontier" and np.nanmin(T, initial=0.0) < 0:
            cols = np.flatnonzero(np.nanmin(T, axis=0, initial=0.0) < 0)
            raise _frontier_error(spec, ruler.leaves, cols, X_in)
        Z = NORMALISERS[spec.normalisation](T, direction)
    if check:
        bad = np.isfinite(T) & ~np.isfinite(Z)
        if bad.any():
            j = int(np.argwhere(bad)[0][1])
            leaf = ruler.leaves[j]
            fw = spec.framework
            raise DataError(
                f"The values of {fw.name(leaf, 'en')} ({leaf}) are too large to normalise ({spec.normalisation}): the "
                f"arithmetic overflows. Express the indicator in a larger unit (e.g. billions instead of units).",
                f"指标 {fw.name(leaf, 'zh')}（{leaf}）的数值过大，{spec.normalisation} 标准化时溢出。"
                f"请换用更大的单位（如“亿”而非“个”）。", parameter="value")
    return X_in, T, Z


# ============================================================================================
# the result
# ============================================================================================
@dataclass(frozen=True)
class Result:
    """Every stage of one index run. Treat the frames as read-only.

    Attributes
    ----------
    spec, year, regions
    raw, treated, normalised : DataFrame regions × leaves
    treatment : dict leaf -> label ("log", "winsor(2)") of the treated leaves
    treatment_report : DataFrame per leaf: skewness and kurtosis before and after, what was done
    goalposts : DataFrame leaves × (lo, hi) used by minmax (NaN for other normalisations)
    scores : DataFrame regions × all node ids (leaves = normalised scores)
    composite : Series region -> root score
    ranks : DataFrame regions × non-leaf ids, 1 = best; ties share the lowest rank; NaN ranks last
    effective_weights : DataFrame regions × leaves (global weights after re-weighting)
    withheld : DataFrame region, node, share, required: scores not given for lack of data
    ruler : Ruler
    notes : tuple of (en, zh) messages about what the run did (constant, missing, treated, withheld)
    """

    spec: Spec
    year: int
    regions: tuple
    raw: pd.DataFrame
    treated: pd.DataFrame
    treatment: dict
    goalposts: pd.DataFrame
    normalised: pd.DataFrame
    scores: pd.DataFrame
    ranks: pd.DataFrame
    effective_weights: pd.DataFrame
    notes: tuple
    ruler: Ruler = field(default=None, repr=False)
    treatment_report: pd.DataFrame = field(default=None, repr=False)
    withheld: pd.DataFrame = field(default=None, repr=False)

    @property
    def composite(self) -> pd.Series:
        return self.scores[self.spec.framework.root]

    @property
    def framework(self):
        return self.spec.framework

    def table(self) -> pd.DataFrame:
        """The CLI's score table: region, each non-leaf node (root first), rank."""
        fw = self.spec.framework
        out = self.scores[list(fw.aggregates)].copy()
        out["rank"] = self.ranks[fw.root].astype(int)
        out.index.name = "region"
        return out.reset_index()


def _year_rows(data: Dataset, spec: Spec, year: int, leaves) -> np.ndarray | None:
    if spec.goalposts == "pooled" or spec.treat_fit == "pooled":
        others = [data.matrix(y, leaves).to_numpy(float) for y in data.years if y != year]
        return np.vstack(others) if others else np.empty((0, len(leaves)))
    return None


def _notes(spec, year, leaves, X, T, ruler, short, regions) -> list:
    """What the run did, in each language, naming indicators as the user reads them (the Chinese note
    uses the Chinese names, the English note the ids, which the CLI's users type)."""
    fw = spec.framework

    def zh(ids):
        return "、".join(fw.name(i, "zh") for i in ids)

    notes = []
    treatment = ruler.treatment
    if treatment:
        notes.append((f"Treated skewed indicators: {', '.join(f'{k} ({v})' for k, v in treatment.items())}.",
                      "已处理偏态指标：" + "、".join(f"{fw.name(k, 'zh')}（{_label_zh(v)}）" for k, v in treatment.items())
                      + "。"))
    left = [leaves[j] for j, f in enumerate(ruler.fitted) if f.action in ("left", "no-gain", "still")]
    if left:
        notes.append((f"Skewed but not (fully) treated: {', '.join(left)} (see the treatment report).",
                      f"偏态但未（完全）处理：{zh(left)}（见偏态处理报告）。"))
    allnan = np.all(np.isnan(X), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        const = ~allnan & (np.nanmax(T, axis=0) == np.nanmin(T, axis=0))
    if allnan.any():
        ids = [leaves[j] for j in np.flatnonzero(allnan)]
        notes.append((f"No values in {year} for {', '.join(ids)}: left out, weights shared by siblings.",
                      f"{year} 年 {zh(ids)} 无数据：不参与计算，其权重由同级指标分担。"))
    if const.any():
        ids = [leaves[j] for j in np.flatnonzero(const)]
        notes.append((f"Constant indicator(s) {', '.join(ids)}: every region scores the same (midpoint), "
                      f"so they do not change ranks.",
                      f"指标 {zh(ids)} 各地区取值相同：统一记中间分，不影响排名。"))
    nmiss = int(np.isnan(X).sum() - np.isnan(X)[:, allnan].sum())
    if nmiss:
        how = ("imputed with the indicator mean" if spec.missing == "mean"
               else "left out, weights shared by siblings")
        how_zh = "以指标均值插补" if spec.missing == "mean" else "不参与计算，其权重由同级指标分担"
        notes.append((f"{nmiss} missing value(s) in {year}: {how}.", f"{year} 年有 {nmiss} 个缺失值：{how_zh}。"))
    if short:
        cells = [(regions[i], node) for node, idx, _ in short for i in idx]
        shown = ", ".join(f"{r}/{fw.name(n, 'en')}" for r, n in cells[:8])
        shown_zh = "、".join(f"{r}/{fw.name(n, 'zh')}" for r, n in cells[:8])
        more = " ..." if len(cells) > 8 else ""
        pct = f"{spec.coverage:.0%}"
        notes.append((f"{len(cells)} score(s) withheld: fewer than {pct} of the parts have data "
                      f"({shown}{more}).",
                      f"{len(cells)} 项得分未计算：有数据的组成部分少于 {pct}（{shown_zh}{more}）。"))
    return notes


def _label_zh(label: str) -> str:
    """A treatment label in Chinese: "log" -> "取对数", "winsor(2)" -> "缩尾 2 个值"."""
    if label == "log":
        return "取对数"
    if label.startswith("winsor("):
        return f"缩尾 {label[7:-1]} 个值"
    return label


def build(data: Dataset, spec: Spec, ruler: Ruler | None = None) -> Result:
    """Compute the index for one year: treat → normalise → aggregate → rank.

    Parameters
    ----------
    data : Dataset
    spec : Spec
    ruler : Ruler, optional
        A ruler fitted before (``other_result.ruler``): its imputation values, treatment and
        goalposts are used instead of being fitted on ``data`` (minmax only). This is how a
        fixed-goalpost what-if scores edited values on the baseline's scale.

    Returns
    -------
    Result

    Raises
    ------
    DataError
        Indicators of the framework without data; a value with no logarithm on a frozen log scale;
        values so large that the normalisation overflows.
    SpecError
        Frontier normalisation of negative values; geometric aggregation of negative scores; a
        ruler that does not fit the spec.
    """
    fw = spec.framework
    leaves = list(fw.leaves)
    lacking = [leaf for leaf in leaves if leaf not in data.indicators]
    if lacking:
        raise DataError(f"The data have no values for indicator(s) {', '.join(lacking)} of the framework.",
                        f"数据中没有框架指标 {'、'.join(lacking)} 的值。", parameter="framework")
    year = spec.year if spec.year is not None else data.years[-1]
    raw_df = data.matrix(year, leaves)
    X = raw_df.to_numpy(dtype=float)
    d = fw.direction_array
    if ruler is None:
        ruler = fit_ruler(X, spec, _year_rows(data, spec, year, leaves))
    else:
        _check_ruler(ruler, spec)
    idx = raw_df.index
    regions = list(idx)
    X_in, T, Z = _stages(X, spec, ruler, d, regions=regions)
    rollup = RollUp(fw, spec.aggregation, spec.coverage)
    S, eff, short = rollup.run(Z, effective=True)
    notes = _notes(spec, year, leaves, X, T, ruler, short, regions)
    ids, aggs = list(fw.ids), list(fw.aggregates)
    score_df = pd.DataFrame(S[:, [rollup.slot[i] for i in ids]], index=idx, columns=ids)
    rank_df = pd.DataFrame(rank_desc(S[:, [rollup.slot[a] for a in aggs]]), index=idx, columns=aggs)
    leaf_cols = raw_df.columns
    withheld = pd.DataFrame(
        [(regions[i], node, float(sh), spec.coverage) for node, ii, shares in short for i, sh in zip(ii, shares)],
        columns=["region", "node", "share", "required"])
    # skewness of the scored year before and after (the fit itself may be on the pooled years)
    report = _treat.report(X_in, ruler.fitted, leaves, spec.skew, spec.kurt, spec.treat)
    return Result(
        spec=spec,
        year=int(year),
        regions=tuple(regions),
        raw=raw_df,
        treated=pd.DataFrame(T, index=idx, columns=leaf_cols),
        treatment=ruler.treatment,
        goalposts=ruler.goalposts,
        normalised=pd.DataFrame(Z, index=idx, columns=leaf_cols),
        scores=score_df,
        ranks=rank_df,
        effective_weights=pd.DataFrame(eff, index=idx, columns=leaf_cols),
        notes=tuple(notes),
        ruler=ruler,
        treatment_report=report,
        withheld=withheld,
    )


# ============================================================================================
# the fast path: the same stages on bare arrays
# ============================================================================================
class Evaluator:
    """Composite scores of every region for variants of one year's raw values, fast.

    ``Evaluator(data, spec)`` re-fits the ruler on each matrix it is given, as ``build()`` on the
    edited data would (the ``renormalise`` what-if); ``Evaluator(data, spec, ruler=base.ruler)``
    scores with that frozen ruler (the ``fixed`` what-if). Both run :func:`_stages` and
    :class:`~iiscore.aggregate.RollUp` -- the code of ``build()`` -- on numpy arrays, without frames,
    notes or ranks: tens to a few hundred microseconds per evaluation for 31 × 19.

    Attributes
    ----------
    X : ndarray (regions × leaves), read-only
        The scored year's raw values.
    regions, leaves : tuple
    year : int
    direction : ndarray of ±1 per leaf
    spec : Spec
    ruler : Ruler or None
        The frozen ruler, or None when it is re-fitted.
    """

    __slots__ = ("spec", "year", "regions", "leaves", "X", "direction", "ruler", "rollup", "_others", "_Z0", "_bits")

    def __init__(self, data: Dataset, spec: Spec, *, ruler: Ruler | None = None, year: int | None = None):
        fw = spec.framework
        leaves = list(fw.leaves)
        year = int(year if year is not None else (spec.year if spec.year is not None else data.years[-1]))
        raw = data.matrix(year, leaves)
        X = raw.to_numpy(float)
        X.setflags(write=False)
        if ruler is not None:
            _check_ruler(ruler, spec)
        self.spec = spec
        self.year = year
        self.regions = tuple(raw.index)
        self.leaves = tuple(leaves)
        self.X = X
        self.direction = np.asarray(fw.direction_array, float)
        self.ruler = ruler
        self.rollup = RollUp(fw, spec.aggregation, spec.coverage)
        self._others = None if ruler is not None else _year_rows(data, spec, year, leaves)
        self._Z0 = None  # the normalised scores of X, computed at the first column-wise evaluation
        self._bits = None

    @property
    def frozen(self) -> bool:
        return self.ruler is not None

    def ruler_for(self, X: np.ndarray) -> Ruler:
        """The ruler scoring ``X``: the frozen one, or one fitted on ``X`` as build() would."""
        return self.ruler if self.ruler is not None else fit_ruler(np.asarray(X, float), self.spec, self._others)

    def normalised(self, X: np.ndarray, *, check: bool = False) -> np.ndarray:
        """Normalised leaf scores (regions × leaves) for raw values ``X``, as build() computes them.

        Every step before aggregation is fitted and applied indicator by indicator, so when ``X``
        differs from :attr:`X` in a few columns (a what-if on one region, a goal-seek, the levers)
        only those columns are re-fitted and re-normalised; the others are :attr:`X`'s. Equal to
        ``build()`` on the edited data to the last bit (``tests/test_pipeline.py``); what it saves
        at 5,000 × 500 is in ``benchmarks/README.md`` (the Simulator and the Profile).
        """
        X = np.asarray(X, float)
        cols = None if check else self._changed_columns(X)
        if cols is None:
            return _stages(X, self.spec, self.ruler_for(X), self.direction, regions=self.regions, check=check)[2]
        Z = self._base().copy(order="K")
        if cols.size:
            # numpy sums each column of a row-major matrix row by row whatever the other columns
            # (_stages), but a lone column is contiguous and summed pairwise: a neighbour keeps two
            c = cols if cols.size > 1 else np.array([cols[0], (cols[0] + 1) % len(self.leaves)])
            Xc = np.ascontiguousarray(X[:, c])
            if self.ruler is not None:
                ruler = self.ruler.columns(c)
            else:
                others = None if self._others is None else np.ascontiguousarray(self._others[:, c])
                ruler = fit_ruler(Xc, self.spec, others, leaves=[self.leaves[k] for k in c])
            Zc = _stages(Xc, self.spec, ruler, self.direction[c], regions=self.regions, check=False)[2]
            Z[:, cols] = Zc[:, :cols.size]
        return Z

    def _base(self):
        """The normalised scores of :attr:`X` (read-only, computed once), or None when :attr:`X`
        cannot be scored on its own (e.g. frontier on a negative column that an edit may fix)."""
        if self._Z0 is None:
            try:
                Z0 = _stages(self.X, self.spec, self.ruler_for(self.X), self.direction, regions=self.regions,
                             check=False)[2]
            except IIScoreError:
                Z0 = False
            else:
                Z0.setflags(write=False)
            self._Z0 = Z0
        return None if self._Z0 is False else self._Z0

    def _changed_columns(self, X: np.ndarray):
        """Positions of the columns where ``X`` differs from :attr:`X` bit for bit, or None when the
        whole computation is as cheap (shape differs, half the columns or more changed, or the
        unedited values cannot be scored on their own)."""
        X0 = self.X
        n = len(self.leaves)
        if X.shape != X0.shape or n < 2 or X.dtype != X0.dtype or self._base() is None:
            return None
        # bit for bit (a NaN equals a NaN of the same bits; -0.0 differs from 0.0), both row-major
        # (the callers' copies are; comparing across memory orders costs 20 times more)
        if self._bits is None:
            self._bits = np.ascontiguousarray(X0).view(np.uint64)
        cols = np.flatnonzero((np.ascontiguousarray(X).view(np.uint64) != self._bits).any(axis=0))
        return cols if 2 * cols.size < n else None

    def treatment(self, X: np.ndarray) -> dict:
        """Leaf -> label of the treatment applied for raw values ``X``."""
        return self.ruler_for(np.asarray(X, float)).treatment

    def composite(self, X: np.ndarray) -> np.ndarray:
        """Composite of every region for raw values ``X`` (regions × leaves, the scored year)."""
        return self.rollup.composite(self.normalised(X))

    def node_scores(self, X: np.ndarray) -> np.ndarray:
        """Every node's score (regions × slots, :attr:`RollUp.slot`) for raw values ``X``."""
        return self.rollup.run(self.normalised(X))[0]

    @property
    def goalposts(self):
        """(lo, hi) arrays per leaf (treated scale) when the ruler is frozen and minmax, else None."""
        if self.ruler is None or self.ruler.normalisation != "minmax":
            return None
        return self.ruler.lo, self.ruler.hi

    @property
    def linear(self) -> bool:
        """True when each region's composite is exactly linear in its own raw values (arithmetic,
        min-max with a frozen ruler, no treatment, no imputation, no coverage effect)."""
        s, r = self.spec, self.ruler
        if r is None or s.aggregation != "arithmetic" or s.normalisation != "minmax":
            return False
        if any(f.kind != "none" for f in r.fitted):
            return False
        return not np.isnan(self.X).any()
