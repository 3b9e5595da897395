"""Outlier treatment (the JRC / COINr rule), one indicator at a time.

An indicator is *skewed* when its sample skewness exceeds ``skew`` (2.0) in absolute value **and** its
sample excess kurtosis exceeds ``kurt`` (3.5), both bias-adjusted as pandas computes them. What is done
to a skewed indicator depends on the side of the skew and on whether the treatment helps:

* ``none``: nothing (the engine's default, as in the report).
* ``log``: a **right**-skewed indicator (skewness > ``skew``) is replaced by ``ln(x)`` when all its
  values are positive, else by ``ln(x - min + 1)``, *provided this reduces the absolute skewness*;
  otherwise it is left alone. Positive data keep min-max invariant to the unit
  (``ln(a·x) = ln a + ln x``). A **left**-skewed indicator (skewness < ``-skew``) is left alone: a
  logarithm stretches the low end and would make a left skew worse (−4.92 → −5.39 was seen).
* ``winsor``: the most extreme value on the skewed side (either side) is set to the next one, repeated
  up to ``winmax`` (5) points until the rule no longer fires. If it still fires, a right-skewed
  indicator is log-transformed instead when the logarithm reduces its absolute skewness (as COINr
  does); otherwise it keeps ``winmax`` winsorised points and the report says it is still skewed.

Every decision is reported, per indicator, by :func:`report`: skewness and kurtosis before and after,
and what was done (``Fitted.action``). Each kernel returns a *fitted* transform so that the same
treatment can be applied to other years or to edited values (a frozen ruler, see
:mod:`iiscore.pipeline`).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Treatment methods (the registry the spec, the CLI and the app read).
TREATMENTS = ("none", "log", "winsor")

#: What :attr:`Fitted.action` can say, in English and Chinese (for reports and the app).
ACTIONS = {
    "none": ("not skewed", "未偏态"),
    "log": ("log", "取对数"),
    "winsor": ("winsorised", "缩尾"),
    "left": ("left-skewed: not treated (a log would make the skew worse)", "左偏：未处理（取对数会加重偏态）"),
    "no-gain": ("skewed: not treated (a log would not reduce the skew)", "偏态：未处理（取对数不能减轻偏态）"),
    "still": ("winsorised, still skewed", "已缩尾，仍偏态"),
    "off": ("skewed: not treated (treatment off)", "偏态：未处理（未启用处理）"),
}


def _scaled(X: np.ndarray) -> np.ndarray:
    """Columns divided by their largest absolute value: moments of values near 1e308 do not overflow
    (skewness and kurtosis are scale-free)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        s = np.nanmax(np.abs(X), axis=0)
    s = np.where(np.isfinite(s) & (s > 0), s, 1.0)
    return X / s


def skew_kurt(X):
    """Bias-adjusted sample skewness and excess kurtosis per column, ignoring NaN.

    Same estimator as ``pandas.Series.skew`` / ``kurt`` (G1, G2); NaN where n < 4 or the column
    is constant.
    """
    X = np.asarray(X, float)
    if X.ndim == 1:
        X = X[:, None]
    X = _scaled(X)
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
    """Columns the JRC rule calls skewed: ``|skewness| > skew`` and ``kurtosis > kurt``."""
    s, k = skew_kurt(X)
    return (np.abs(s) > skew) & (k > kurt)


@dataclass(frozen=True)
class Fitted:
    """A fitted treatment of one column: how to transform any year's values.

    ``kind`` is what is applied (``none``, ``log``, ``winsor``); ``action`` says why (a key of
    :data:`ACTIONS`: a skewed indicator may be left alone on purpose).
    """

    kind: str                 # "none" | "log" | "winsor"
    shift: float = 0.0        # log: ln(x + shift)
    lo: float = -np.inf       # winsor: clip bounds
    hi: float = np.inf
    points: int = 0           # winsor: number of points changed
    action: str = "none"

    def apply(self, x):
        return _apply_columns(np.asarray(x, float)[:, None], [self])[:, 0]

    def label(self) -> str:
        return {"log": "log", "winsor": f"winsor({self.points})"}.get(self.kind, "none")


_NONE = Fitted("none")


def _log_shift(lo: float) -> float:
    return 0.0 if lo > 0 else 1.0 - lo


def _log_helps(x: np.ndarray, s_before: float, shift: float) -> bool:
    with np.errstate(all="ignore"):
        s_after = skew_kurt(np.log(x + shift))[0][0]
    return bool(np.isfinite(s_after) and abs(s_after) < abs(s_before))


def _fit_winsor(col, skew, kurt, winmax) -> Fitted:
    x = col[~np.isnan(col)]
    s0 = skew_kurt(x)[0][0]
    upper = s0 > 0
    srt = np.sort(x)
    lo, hi = -np.inf, np.inf
    p = 0
    for p in range(1, min(winmax, len(x) - 2) + 1):
        if upper:
            hi = srt[-1 - p]
        else:
            lo = srt[p]
        if not flags(np.clip(x, lo, hi), skew, kurt)[0]:
            return Fitted("winsor", lo=lo, hi=hi, points=p, action="winsor")
    if upper:
        shift = _log_shift(float(srt[0]))
        if _log_helps(x, s0, shift):
            return Fitted("log", shift=shift, action="log")
    if p == 0:
        return Fitted("none", action="still")
    return Fitted("winsor", lo=lo, hi=hi, points=p, action="still")


def fit(X, method: str, skew=2.0, kurt=3.5, winmax=5) -> list[Fitted]:
    """Fit the treatment ``method`` to each column of ``X`` (see the module notes for the rule)."""
    X = np.asarray(X, float)
    if method == "none":
        return [_NONE] * X.shape[1]
    s, k = skew_kurt(X)
    flagged = (np.abs(s) > skew) & (k > kurt)
    if not flagged.any():
        return [_NONE] * X.shape[1]
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lows = np.nanmin(np.where(flagged[None, :], X, 0.0), axis=0)
    for j in range(X.shape[1]):
        if not flagged[j]:
            out.append(_NONE)
        elif method == "winsor":
            out.append(_fit_winsor(X[:, j], skew, kurt, winmax))
        elif s[j] < 0:
            out.append(Fitted("none", action="left"))
        else:
            col = X[:, j]
            shift = _log_shift(float(lows[j]))
            helps = _log_helps(col[~np.isnan(col)], s[j], shift)
            out.append(Fitted("log", shift=shift, action="log") if helps else Fitted("none", action="no-gain"))
    return out


def _apply_columns(X: np.ndarray, fitted) -> np.ndarray:
    kinds = [f.kind for f in fitted]
    if all(k == "none" for k in kinds):
        return X
    out = X.copy()
    logc = np.array([k == "log" for k in kinds])
    if logc.any():
        shift = np.array([f.shift for f in fitted if f.kind == "log"])
        v = X[:, logc] + shift[None, :]
        with np.errstate(all="ignore"):
            # no floor: a value at or below -shift has no logarithm (NaN), which the pipeline
            # refuses by name rather than scoring an artifact
            out[:, logc] = np.where(v > 0, np.log(np.where(v > 0, v, 1.0)), np.where(np.isnan(v), np.nan, -np.inf))
    winc = np.array([k == "winsor" for k in kinds])
    if winc.any():
        lo = np.array([f.lo for f in fitted if f.kind == "winsor"])
        hi = np.array([f.hi for f in fitted if f.kind == "winsor"])
        out[:, winc] = np.clip(X[:, winc], lo[None, :], hi[None, :])
    return out


def apply(X, fitted) -> np.ndarray:
    """Apply fitted treatments column by column (vectorised over columns of the same kind).

    A value with no logarithm on the fitted scale (``x + shift <= 0``, e.g. an edit to 0 under a
    frozen ``ln(x)``) becomes ``-inf``; :func:`iiscore.pipeline.build` refuses it by name.
    """
    return _apply_columns(np.asarray(X, float), list(fitted))


def report(X, fitted, indicators, skew=2.0, kurt=3.5, method: str = "none") -> pd.DataFrame:
    """Per indicator: skewness and kurtosis before and after, whether skewed, and what was done.

    Columns ``indicator, skew_before, kurt_before, skewed, action, treatment, skew_after,
    kurt_after`` (``action`` is a key of :data:`ACTIONS`; ``treatment`` the label applied).
    """
    X = np.asarray(X, float)
    s0, k0 = skew_kurt(X)
    T = apply(X, fitted)
    with np.errstate(all="ignore"):
        s1, k1 = skew_kurt(np.where(np.isfinite(T), T, np.nan))
    skewed = (np.abs(s0) > skew) & (k0 > kurt)
    actions = []
    for j, f in enumerate(fitted):
        a = f.action
        if method == "none" and skewed[j]:
            a = "off"
        actions.append(a)
    return pd.DataFrame({"indicator": list(indicators), "skew_before": s0, "kurt_before": k0,
                         "skewed": skewed, "action": actions, "treatment": [f.label() for f in fitted],
                         "skew_after": s1, "kurt_after": k1})
