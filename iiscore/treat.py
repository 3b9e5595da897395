"""Outlier treatment (the JRC / COINr rule).

An indicator is *treated* when its sample skewness exceeds ``skew`` (2.0) in absolute value **and**
its sample excess kurtosis exceeds ``kurt`` (3.5), both bias-adjusted as pandas computes them.

* ``none``: nothing (the engine's default, as in the report).
* ``log``: ``ln(x)`` when all values are positive, else ``ln(x - min + 1)``. Positive data keep
  min-max invariant to the unit (``ln(a·x) = ln a + ln x``).
* ``winsor``: the most extreme value on the skewed side is set to the next one, repeated up to
  ``winmax`` (5) points until the rule no longer fires; if it still fires, the column is
  log-transformed instead (as COINr does), and the report says so.

Each kernel returns a *fitted* transform so that the same treatment can be applied to other
years (pooled goalposts need comparable years).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def skew_kurt(X):
    """Bias-adjusted sample skewness and excess kurtosis per column, ignoring NaN.

    Same estimator as ``pandas.Series.skew`` / ``kurt`` (G1, G2); NaN where n < 4 or the column
    is constant.
    """
    X = np.asarray(X, float)
    if X.ndim == 1:
        X = X[:, None]
    ok = ~np.isnan(X)
    n = ok.sum(axis=0).astype(float)
    with np.errstate(all="ignore"):
        mu = np.where(ok, X, 0.0).sum(axis=0) / n
        d = np.where(ok, X - mu, 0.0)
        d2 = d * d
        m2 = d2.sum(axis=0) / n
        m3 = (d2 * d).sum(axis=0) / n
        m4 = (d2 * d2).sum(axis=0) / n
        g1 = m3 / m2**1.5
        g2 = m4 / (m2 * m2) - 3.0
        G1 = g1 * np.sqrt(n * (n - 1)) / (n - 2)
        G2 = (n - 1) / ((n - 2) * (n - 3)) * ((n + 1) * g2 + 6)
    # a column that is constant up to rounding has no meaningful shape
    bad = (n < 4) | ~(m2 > 1e-24 * np.maximum(mu * mu, 1e-300))
    return np.where(bad, np.nan, G1), np.where(bad, np.nan, G2)


def flags(X, skew=2.0, kurt=3.5):
    """Columns the JRC rule would treat: ``|skewness| > skew`` and ``kurtosis > kurt``."""
    s, k = skew_kurt(X)
    return (np.abs(s) > skew) & (k > kurt)


@dataclass(frozen=True)
class Fitted:
    """A fitted treatment of one column: how to transform any year's values."""

    kind: str                 # "none" | "log" | "winsor"
    shift: float = 0.0        # log: ln(x + shift)
    lo: float = -np.inf       # winsor: clip bounds
    hi: float = np.inf
    points: int = 0           # winsor: number of points changed

    def apply(self, x):
        x = np.asarray(x, float)
        if self.kind == "log":
            with np.errstate(all="ignore"):
                return np.log(np.maximum(x + self.shift, 1e-300))
        if self.kind == "winsor":
            return np.clip(x, self.lo, self.hi)
        return x

    def label(self) -> str:
        return {"log": "log", "winsor": f"winsor({self.points})"}.get(self.kind, "none")


def _fit_log(col) -> Fitted:
    lo = np.nanmin(col)
    return Fitted("log", shift=0.0 if lo > 0 else 1.0 - lo)


def _fit_winsor(col, skew, kurt, winmax) -> Fitted:
    x = col[~np.isnan(col)].copy()
    s, _ = skew_kurt(x)
    upper = not (s[0] < 0)
    srt = np.sort(x)
    lo, hi = -np.inf, np.inf
    for p in range(1, min(winmax, len(x) - 2) + 1):
        if upper:
            hi = srt[-1 - p]
        else:
            lo = srt[p]
        y = np.clip(x, lo, hi)
        if not flags(y, skew, kurt)[0]:
            return Fitted("winsor", lo=lo, hi=hi, points=p)
    return _fit_log(col)


def fit(X, method: str, skew=2.0, kurt=3.5, winmax=5) -> list[Fitted]:
    """Fit the treatment ``method`` to each column of ``X`` (only flagged columns change)."""
    X = np.asarray(X, float)
    if method == "none":
        return [Fitted("none")] * X.shape[1]
    f = flags(X, skew, kurt)
    out = []
    for j in range(X.shape[1]):
        if not f[j]:
            out.append(Fitted("none"))
        elif method == "log":
            out.append(_fit_log(X[:, j]))
        else:
            out.append(_fit_winsor(X[:, j], skew, kurt, winmax))
    return out


def apply(X, fitted: list[Fitted]):
    X = np.asarray(X, float)
    if all(f.kind == "none" for f in fitted):
        return X
    return np.column_stack([f.apply(X[:, j]) for j, f in enumerate(fitted)])


TREATMENTS = ("none", "log", "winsor")
