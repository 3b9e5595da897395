"""The national index: one country over several years, base year = 100.

The report's method: each indicator as a ratio to its base-year value, ``X_ta = 100·Y_ta/Y_0a``,
then weighted means up the hierarchy, ``X_t = Σ_a X_ta q_a / Σ_a q_a``. The contribution of a
child k to its parent's change between two years (the report's 贡献率) is
``W_k·ΔS_k / ΔX`` with ``W_k`` the child's normalised weight within the parent.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .aggregate import roll_up
from .errors import DataError
from .normalise import n_baseyear



def national_index(values: pd.DataFrame, framework, base_year: int = 2020) -> pd.DataFrame:
    """Base-year index of every node for every year.

    Parameters
    ----------
    values : DataFrame years × leaf ids (raw national values)
    framework : Framework
    base_year : int

    Returns
    -------
    DataFrame years × all node ids; the base year is 100 everywhere.
    """
    leaves = list(framework.leaves)
    missing = [leaf for leaf in leaves if leaf not in values.columns]
    if missing:
        raise DataError(f"National series lacks indicator(s) {', '.join(missing)}.",
                        f"全国数据缺少指标 {'、'.join(missing)}。", parameter="values")
    if base_year not in values.index:
        raise DataError(f"The base year {base_year} is not in the national series.",
                        f"全国数据中没有基期 {base_year} 年。", parameter="base_year")
    V = values[leaves].to_numpy(float)
    base = values.loc[base_year, leaves].to_numpy(float)
    if np.any(~(base > 0)):
        bad = [leaves[j] for j in np.flatnonzero(~(base > 0))]
        raise DataError(f"Base-year values must be positive; not so for {', '.join(bad)}.",
                        f"基期值必须为正；{'、'.join(bad)} 不满足。", parameter="values")
    Z = n_baseyear(V, framework.directions().to_numpy(), base)
    scores, _ = roll_up(Z, framework, "arithmetic")
    return pd.DataFrame({i: scores[i] for i in framework.ids}, index=pd.Index(values.index, name="year"))


def composite_from_children(index: pd.DataFrame, framework, parent: str | None = None) -> pd.Series:
    """Recompute a parent's series as the weighted mean of its children's series."""
    parent = parent or framework.root
    w = framework.local_weights(parent)
    return pd.Series(index[list(w.index)].to_numpy(float) @ w.to_numpy(), index=index.index, name=parent)


def growth(index: pd.DataFrame) -> pd.DataFrame:
    """Year-on-year growth in percent (NaN for the first year)."""
    return index.pct_change(fill_method=None) * 100.0


def contributions(index: pd.DataFrame, framework, parent: str | None = None,
                  start=None, end=None) -> pd.Series:
    """Share (%) of each child in its parent's change from ``start`` to ``end``.

    ``100·W_k·(S_k,end − S_k,start) / (X_end − X_start)``, with ``X`` the parent's series as
    given in ``index`` (published, or recomputed). The shares sum to 100 when ``X`` is the
    weighted mean of the children.
    """
    parent = parent or framework.root
    years = list(index.index)
    start = years[-2] if start is None else start
    end = years[-1] if end is None else end
    w = framework.local_weights(parent)
    d_children = index.loc[end, list(w.index)] - index.loc[start, list(w.index)]
    d_parent = index.loc[end, parent] - index.loc[start, parent]
    if d_parent == 0:
        return pd.Series(np.nan, index=w.index)
    return 100.0 * w * d_children / d_parent


def load_published(path=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The report's published national series and contributions.

    Returns
    -------
    index : DataFrame years × node ids (composite and the five pillars)
    contributions : DataFrame with columns node, parent, year, value (percent)
    """
    from .resources import data_file

    path = Path(path) if path else data_file("national_published.csv")
    df = pd.read_csv(path)
    idx = df[df["kind"] == "index"].pivot(index="year", columns="node", values="value")
    order = [n for n in dict.fromkeys(df.loc[df["kind"] == "index", "node"])]
    idx = idx[order]
    idx.index.name = "year"
    contrib = df[df["kind"] == "contribution"][["node", "parent", "year", "value"]].reset_index(drop=True)
    return idx, contrib
