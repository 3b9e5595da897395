"""``build(data, spec)``: one call, every stage, an immutable result."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import treat as _treat
from .aggregate import roll_up
from .data import Dataset
from .errors import DataError, SpecError
from .normalise import NORMALISERS, n_goalposts
from .spec import Spec


@dataclass(frozen=True)
class Result:
    """Every stage of one index run. Treat the frames as read-only.

    Attributes
    ----------
    spec, year, regions
    raw, treated, normalised : DataFrame regions × leaves
    treatment : dict leaf -> label ("log", "winsor(2)") of the treated leaves
    goalposts : DataFrame leaves × (lo, hi) used by minmax (NaN for other normalisations)
    scores : DataFrame regions × all node ids (leaves = normalised scores)
    composite : Series region -> root score
    ranks : DataFrame regions × non-leaf ids, 1 = best; ties share the lowest rank
    effective_weights : DataFrame regions × leaves (global weights after re-weighting)
    notes : tuple of (en, zh) messages about what the run did (constant, missing, treated)
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


def impute_mean(X):
    """Replace NaN by the column mean (the ``missing='mean'`` policy); all-NaN columns stay NaN."""
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mu = np.nanmean(X, axis=0)
    return np.where(np.isnan(X), mu[None, :], X)


def build(data: Dataset, spec: Spec) -> Result:
    """Compute the index for one year: treat → normalise → aggregate → rank.

    Parameters
    ----------
    data : Dataset
    spec : Spec

    Returns
    -------
    Result
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
    notes = []
    d = fw.direction_array

    if spec.missing == "mean":
        X_in = impute_mean(X)
    else:
        X_in = X

    pooled = spec.goalposts == "pooled"
    if pooled:
        allyears = np.vstack([data.matrix(y, leaves).to_numpy(float) for y in data.years])
        fit_on = impute_mean(allyears) if spec.missing == "mean" else allyears
    else:
        fit_on = X_in
    fitted = _treat.fit(fit_on, spec.treat, spec.skew, spec.kurt, spec.winmax)
    T = _treat.apply(X_in, fitted)
    treatment = {leaves[j]: f.label() for j, f in enumerate(fitted) if f.kind != "none"}
    if treatment:
        notes.append((f"Treated skewed indicators: {', '.join(f'{k} ({v})' for k, v in treatment.items())}.",
                      f"已处理偏态指标：{'、'.join(f'{k}（{v}）' for k, v in treatment.items())}。"))

    lo = hi = np.full(len(leaves), np.nan)
    if spec.normalisation == "minmax":
        if pooled:
            P = _treat.apply(fit_on, fitted)
            lo, hi = np.nanmin(P, axis=0), np.nanmax(P, axis=0)
        elif isinstance(spec.goalposts, tuple):
            gm = spec.goalpost_map
            missing_gp = [leaf for leaf in leaves if leaf not in gm]
            if missing_gp:
                raise DataError(f"Goalposts are missing for {', '.join(missing_gp)}.",
                                f"缺少指标 {'、'.join(missing_gp)} 的目标值。", parameter="goalposts")
            lo = np.array([gm[leaf][0] for leaf in leaves])
            hi = np.array([gm[leaf][1] for leaf in leaves])
        else:
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                lo, hi = np.nanmin(T, axis=0), np.nanmax(T, axis=0)
        Z = n_goalposts(T, d, lo, hi)
    else:
        if spec.normalisation == "frontier" and np.nanmin(T, initial=0.0) < 0:
            cols = np.flatnonzero(np.nanmin(T, axis=0, initial=0.0) < 0)
            fw = spec.framework
            en = ", ".join(f"{fw.name(leaves[j], 'en')} ({leaves[j]})" for j in cols)
            zh = "、".join(fw.name(leaves[j], "zh") for j in cols)
            # the log treatment turns values below 1 negative: name that cause, not the data
            by_treat = bool(np.nanmin(X_in[:, cols], initial=0.0) >= 0)
            raise SpecError(
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
        Z = NORMALISERS[spec.normalisation](T, d)

    allnan = np.all(np.isnan(X), axis=0)
    const = ~allnan & (np.nanmax(np.where(np.isnan(T), -np.inf, T), axis=0)
                       == np.nanmin(np.where(np.isnan(T), np.inf, T), axis=0))
    if allnan.any():
        ids = [leaves[j] for j in np.flatnonzero(allnan)]
        notes.append((f"No values in {year} for {', '.join(ids)}: left out, weights shared by siblings.",
                      f"{year} 年 {'、'.join(ids)} 无数据：不参与计算，其权重由同级指标分担。"))
    if const.any():
        ids = [leaves[j] for j in np.flatnonzero(const)]
        notes.append((f"Constant indicator(s) {', '.join(ids)}: every region scores the same (midpoint), "
                      f"so they do not change ranks.",
                      f"指标 {'、'.join(ids)} 各地区取值相同：统一记中间分，不影响排名。"))
    nmiss = int(np.isnan(X).sum() - np.isnan(X)[:, allnan].sum())
    if nmiss:
        how = ("imputed with the indicator mean" if spec.missing == "mean"
               else "left out, weights shared by siblings")
        how_zh = "以指标均值插补" if spec.missing == "mean" else "不参与计算，其权重由同级指标分担"
        notes.append((f"{nmiss} missing value(s) in {year}: {how}.", f"{year} 年有 {nmiss} 个缺失值：{how_zh}。"))

    scores, eff = roll_up(Z, fw, spec.aggregation)
    idx = raw_df.index
    regions = list(idx)
    ids, aggs = list(fw.ids), list(fw.aggregates)
    score_df = pd.DataFrame(np.column_stack([scores[i] for i in ids]), index=idx, columns=ids)
    rank_df = pd.DataFrame(rank_desc(np.column_stack([scores[i] for i in aggs])), index=idx, columns=aggs)
    leaf_cols = raw_df.columns
    return Result(
        spec=spec,
        year=int(year),
        regions=tuple(regions),
        raw=raw_df,
        treated=pd.DataFrame(T, index=idx, columns=leaf_cols),
        treatment=treatment,
        goalposts=pd.DataFrame({"lo": lo, "hi": hi}, index=leaf_cols.rename("indicator")),
        normalised=pd.DataFrame(Z, index=idx, columns=leaf_cols),
        scores=score_df,
        ranks=rank_df,
        effective_weights=pd.DataFrame(eff, index=idx, columns=leaf_cols),
        notes=tuple(notes),
    )
