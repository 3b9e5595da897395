"""Normalisation kernels: pure, vectorised, NaN-preserving.

Each kernel takes ``X`` (regions × indicators, float, NaN = missing) and ``direction``
(+1 higher-is-better, -1 lower-is-better, one per column) and returns an array of the same
shape. All but ``zscore`` put scores on a 0-100 scale, as the report's min-max does (0-1 × 100).

Constant indicators (max = min) are a documented policy, not a division by zero: every region
gets the midpoint 50 under ``minmax`` and goalposts with equal ends, and 0 under ``zscore``; the
pipeline reports the indicator in ``Result.notes``.
"""
from __future__ import annotations

import warnings

import numpy as np

CONSTANT_SCORE = 50.0


def _nan_extremes(X):
    """Column min and max ignoring NaN; an all-missing column gives NaN (no warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmin(X, axis=0), np.nanmax(X, axis=0)


def n_goalposts(X, direction, lo, hi):
    """Min-max with given goalposts: ``100·(x-lo)/(hi-lo)``, or ``100·(hi-x)/(hi-lo)`` for -1.

    Values outside the goalposts are not clipped: a score above 100 means "beyond the
    baseline best" (what-if with fixed goalposts states it). Columns whose span overflows (values
    near ±1.8e308) are computed on a scaled copy, so that no score is an artifact of overflow.
    """
    X = np.asarray(X, float)
    d = np.asarray(direction, float)
    lo = np.asarray(lo, float)
    hi = np.asarray(hi, float)
    with np.errstate(all="ignore"):
        span = hi - lo
        const = ~(span > 0)
        z = np.where(d > 0, X - lo, hi - X) / np.where(const, 1.0, span)
        big = ~np.isfinite(span) & np.isfinite(lo) & np.isfinite(hi)
        if big.any():  # rescale by the larger goalpost: (x/s - lo/s) / (hi/s - lo/s)
            sc = np.where(big, np.maximum(np.abs(lo), np.abs(hi)), 1.0)
            zs = np.where(d > 0, X / sc - lo / sc, hi / sc - X / sc) / (hi / sc - lo / sc)
            z = np.where(big[None, :], zs, z)
            const = const & ~big
    out = 100.0 * z
    return np.where(const[None, :] & ~np.isnan(X), CONSTANT_SCORE, out)


def n_minmax(X, direction):
    """The report's regional method: ``z = (x - min)/(max - min)`` × 100 over regions."""
    lo, hi = _nan_extremes(np.asarray(X, float))
    return n_goalposts(X, direction, lo, hi)


def n_zscore(X, direction):
    """``(x - mean)/sd`` (sample sd, ddof=1) times the direction; constant columns give 0."""
    X = np.asarray(X, float)
    with np.errstate(all="ignore"):
        mu = np.nanmean(X, axis=0)
        sd = np.nanstd(X, axis=0, ddof=1)
        z = (X - mu) / np.where(sd > 0, sd, 1.0)
        big = ~(np.isfinite(mu) & np.isfinite(sd)) & np.isfinite(X).any(axis=0)
        if big.any():  # moments of values near 1e308 overflow: standardise a scaled copy
            sc = np.nanmax(np.abs(X), axis=0)
            sc = np.where(big & (sc > 0), sc, 1.0)
            Xs = X / sc
            mus, sds = np.nanmean(Xs, axis=0), np.nanstd(Xs, axis=0, ddof=1)
            z = np.where(big[None, :], (Xs - mus) / np.where(sds > 0, sds, 1.0), z)
            sd = np.where(big, sds, sd)
    z = np.where((sd > 0)[None, :], z, np.where(np.isnan(X), np.nan, 0.0))
    return z * np.asarray(direction, float)[None, :]


def n_rank(X, direction):
    """Percentile rank 0-100: ``100·(r-1)/(n-1)`` with average ranks for ties; n = non-missing."""
    X = np.asarray(X, float) * np.asarray(direction, float)[None, :]
    out = np.full(X.shape, np.nan)
    for j in range(X.shape[1]):  # per column because n differs with missing values
        col = X[:, j]
        ok = ~np.isnan(col)
        n = ok.sum()
        if n == 0:
            continue
        if n == 1:
            out[ok, j] = CONSTANT_SCORE
            continue
        from scipy.stats import rankdata

        r = rankdata(col[ok], method="average")
        out[ok, j] = 100.0 * (r - 1) / (n - 1)
    return out


def n_frontier(X, direction):
    """Distance to the frontier: ``100·x/max`` (``100·min/x`` for lower-is-better).

    Meant for non-negative indicators; a zero maximum gives 0 for everyone.
    """
    X = np.asarray(X, float)
    d = np.asarray(direction, float)
    lo, hi = _nan_extremes(X)
    with np.errstate(all="ignore"):
        up = np.where(hi > 0, 100.0 * X / np.where(hi > 0, hi, 1.0), 0.0)
        down = np.where(X > 0, 100.0 * lo / X, 100.0)
        # 100·x overflows above ~1.8e306: divide first where it did
        up = np.where(np.isfinite(up) | ~np.isfinite(X), up, 100.0 * (X / np.where(hi > 0, hi, 1.0)))
        down = np.where(np.isfinite(down) | ~np.isfinite(X), down, 100.0 * (lo / np.where(X > 0, X, 1.0)))
    out = np.where(d[None, :] > 0, up, down)
    return np.where(np.isnan(X), np.nan, out)


def n_baseyear(X, direction, base):
    """The report's national method: ``100·x/x_base`` (``100·x_base/x`` for lower-is-better)."""
    X = np.asarray(X, float)
    base = np.asarray(base, float)
    d = np.asarray(direction, float)
    with np.errstate(all="ignore"):
        up = 100.0 * X / base
        down = 100.0 * base / X
    return np.where(d > 0, up, down)


#: Normalisation methods (the registry the spec, the CLI and the app read).
NORMALISATIONS = ("minmax", "zscore", "rank", "frontier")

NORMALISERS = {
    "minmax": n_minmax,
    "zscore": n_zscore,
    "rank": n_rank,
    "frontier": n_frontier,
}
"""Registry of cross-sectional normalisers (the ones `score --normalisation` accepts)."""
