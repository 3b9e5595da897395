"""Monte Carlo uncertainty: rank distributions and tier probabilities under random weights and methods."""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from ..errors import SpecError, check_choice, check_seed, warn
from ..limits import MAX_SAMPLE_CELLS, MAX_SAMPLES
from ..pipeline import Result
from ..spec import Spec
from ..tiering import DEFAULT_METHOD
from ._common import _CHOICES, DEFAULT_CHUNK, TIER_RULES, _check_int, _check_progress
from .engine import Engine, engine
from .evaluator import histogram_quantile, rank_bin_width, rank_rows

__all__ = ["MonteCarlo", "monte_carlo", "base_tiers", "check_samples"]


def check_samples(samples, n_regions: int, name: str = "samples", minimum: int = 1) -> int:
    """Replications of one run, bounded: at most :data:`~iiscore.limits.MAX_SAMPLES`, and replications ×
    regions at most :data:`~iiscore.limits.MAX_SAMPLE_CELLS` (a run must finish in reasonable time)."""
    n = _check_int(name, samples, minimum, MAX_SAMPLES)
    cap = max(minimum, MAX_SAMPLE_CELLS // max(1, n_regions))
    if n > cap:
        raise SpecError(f"The '{name}' parameter ({n:,}) is too large for {n_regions:,} regions: at most {cap:,} "
                        f"replications (replications × regions at most {MAX_SAMPLE_CELLS:,}).",
                        f"参数 “{name}”（{n:,}）对 {n_regions:,} 个地区过大：最多 {cap:,} 次重复"
                        f"（重复次数 × 地区数不超过 {MAX_SAMPLE_CELLS:,}）。", parameter=name)
    return n


def base_tiers(result: Result, k: int | None = None, seed: int = 0, method: str = DEFAULT_METHOD,
               **tier_kwargs) -> pd.Series:
    """The base tiering of a Monte Carlo run: the default tiering (:mod:`iiscore.tiering`).

    Parameters
    ----------
    result : Result
        The base build.
    k : int, optional
        Number of tiers (default: the report's four for ``sizes``; 4 for k-means and natural breaks).
    seed : int
        k-means ``random_state``.
    method : str
        A tiering method of :data:`iiscore.tiering.METHODS`; default the report's sizes down the
        composite ranking (6/11/10/4 for 31 regions, :func:`iiscore.tiering.report_sizes` otherwise).

    Returns
    -------
    pandas.Series
        Region -> tier (1 = top), named ``tier``; ``attrs["method"]`` says how it was cut.
    """
    from .. import tiering

    seed = check_seed(seed)
    fw = result.spec.framework
    # only k-means reads the pillar scores; the other methods cut the composite
    table = result.scores[[fw.root, *fw.pillars]] if method == "kmeans" else result.scores[[fw.root]]
    kw = dict(tier_kwargs)
    if method == "kmeans":
        kw["seed"] = seed
    s = tiering.tiers(table, method=method, k=k, **kw).tier.rename("tier").astype(int)
    s.attrs["method"] = method
    return s


@dataclass(frozen=True)
class MonteCarlo:
    """Result of :func:`monte_carlo`.

    Attributes
    ----------
    table : DataFrame
        Indexed by region (data order): ``base_rank``, ``median_rank``, ``p05_rank``,
        ``p95_rank``, ``mean_abs_shift``, then ``p_tier1..p_tierK`` (fixed thresholds of the
        base tiering) and ``p_retier1..p_retierK`` (re-clustered) when computed.
    rank_counts : DataFrame
        Region x rank (1..n_regions): number of replications with that rank.
    tier_counts, retier_counts : DataFrame or None
        Region x tier counts (fixed thresholds; re-clustered over ``recluster`` replications).
    base_tiers : Series or None
        The base tiering (region -> tier).
    thresholds : tuple of float
        Composite thresholds between tiers (``tier_rule="scores"``), cumulative tier sizes
        (``"ranks"``), or empty (``"centroids"``).
    tier_rule : str or None
        ``"scores"``, ``"ranks"`` or ``"centroids"`` as applied.
    samples : int
    settings : dict
        Everything needed to reproduce the run (seed, level, law, vary, options, ...).
    """

    table: pd.DataFrame
    rank_counts: pd.DataFrame
    tier_counts: pd.DataFrame | None
    retier_counts: pd.DataFrame | None
    base_tiers: pd.Series | None
    thresholds: tuple
    tier_rule: str | None
    samples: int
    settings: dict

    @property
    def mean_abs_shift(self) -> float:
        """Mean absolute rank shift over regions and replications."""
        return float(self.table["mean_abs_shift"].mean())


@dataclass(frozen=True, eq=False)
class FixedTiers:
    """The base tiering frozen into a rule that places any replication's regions in tiers."""

    series: pd.Series          # base tiers, region order of the data
    K: int
    rule: str                  # "scores" | "ranks" | "centroids"
    thresholds: tuple          # scores: composite cut values; ranks: cumulative tier sizes
    features: tuple = ()       # centroids: feature node ids (root first)
    center: np.ndarray = None  # centroids: feature offsets (base mean when standardised, else 0)
    scale: np.ndarray = None   # centroids: feature scales (base population sd, else 1)
    mu: np.ndarray = None      # centroids: (n_features, K) tier centroids in the scaled space
    retier: dict = field(default_factory=dict)  # default kwargs of tiering.tiers for re-tiering

    def assign(self, comp: np.ndarray, feats: Mapping | None = None) -> np.ndarray:
        """Tier index 0..K-1 of each region in each row of ``comp`` (scores / centroids rules)."""
        if self.rule == "scores":
            key = np.where(np.isnan(comp), -np.inf, comp)
            ti = np.zeros(key.shape, dtype=np.int64)
            for x in self.thresholds:
                ti += key < x
            return ti
        # ||z - mu_k||^2 = ||z||^2 + a_k + sum_f b_fk x_f with z_f = (x_f - center_f) / scale_f:
        # ||z||^2 is the same for every k, so the nearest centroid minimises a_k + sum_f b_fk x_f.
        xs = [comp if f == 0 else feats[fid] for f, fid in enumerate(self.features)]
        best = idx = None
        for k in range(self.K):
            mu = self.mu[:, k]
            if not np.all(np.isfinite(mu)):
                continue  # an empty base tier attracts nobody
            score = float(mu @ mu + 2.0 * np.sum(mu * self.center / self.scale))
            static = 0.0
            dynamic = None
            for f, x in enumerate(xs):
                term = (-2.0 * mu[f] / self.scale[f]) * x
                if x.ndim == 1:
                    static = static + term
                else:
                    dynamic = term if dynamic is None else dynamic + term
            sk = (score + static) if dynamic is None else dynamic + (score + static)
            sk = np.broadcast_to(sk, comp.shape)
            if best is None:
                best = sk.copy()
                idx = np.full(comp.shape, k, dtype=np.int64)
            else:
                better = sk < best
                idx[better] = k
                np.minimum(best, sk, out=best)
        return idx


def _tier_setup(tiers, base: Result, rule: str, vary: tuple) -> FixedTiers:
    """Freeze the ``tiers`` argument of :func:`monte_carlo` into a :class:`FixedTiers`."""
    fw = base.spec.framework
    root = fw.root
    retier = None
    features = None
    standardise = False
    if hasattr(tiers, "assignment") and hasattr(tiers, "method"):  # a tiering.TierResult
        s = tiers.tier
        params = dict(getattr(tiers, "params", {}) or {})
        K = int(params["k"]) if "k" in params else None
        retier = {"method": tiers.method}
        retier.update({k: v for k, v in params.items()
                       if k in ("k", "sizes", "features", "standardise", "seed", "n_init", "thresholds")})
        feats = params.get("features")
        if tiers.method == "kmeans" and feats and all(f in fw.ids for f in feats):
            features = tuple(feats)
            standardise = bool(params.get("standardise", False))
    elif isinstance(tiers, pd.Series):
        s = tiers
        K = None
        if tiers.attrs.get("method") in ("sizes", "jenks", "average", "kmeans"):
            retier = {"method": tiers.attrs["method"]}
    else:
        raise SpecError(
            "'tiers' must be None, a Series region -> tier (1 = top) or a tiering.TierResult "
            "(see base_tiers()).",
            "“tiers” 必须是 None、地区 -> 梯队（1 = 最高）的 Series，或 tiering.TierResult（见 base_tiers()）。",
            parameter="tiers")
    regions = list(base.regions)
    missing = [r for r in regions if r not in s.index]
    if missing:
        raise SpecError(f"'tiers' has no tier for region(s) {', '.join(map(str, missing[:5]))}.",
                        f"“tiers” 缺少地区 {'、'.join(map(str, missing[:5]))} 的梯队。", parameter="tiers")
    vals = pd.to_numeric(s.reindex(regions), errors="coerce").to_numpy(float)
    if not np.all(np.isfinite(vals)) or np.any(vals != np.round(vals)) or vals.min() < 1:
        raise SpecError("'tiers' must hold whole tier numbers 1, 2, ... (1 = top).",
                        "“tiers” 中的梯队编号必须是整数 1、2……（1 = 最高）。", parameter="tiers")
    t = pd.Series(vals.astype(int), index=pd.Index(regions, name="region"), name="tier")
    K = max(int(t.max()), K or 0)
    tv = t.to_numpy()
    R = len(regions)
    sizes = np.bincount(tv - 1, minlength=K)
    cum = np.cumsum(sizes)[:-1]
    comp = base.composite.to_numpy(float)
    key = np.where(np.isnan(comp), -np.inf, comp)
    sv = np.sort(key)[::-1]
    th = tuple(float(np.inf if c <= 0 else -np.inf if c >= R else (sv[c - 1] + sv[c]) / 2.0) for c in cum)
    by_scores = FixedTiers(t, K, "scores", th)
    contiguous = bool(np.all(by_scores.assign(comp) + 1 == tv))
    if rule == "auto":
        methods_vary = any(v in vary for v in _CHOICES)
        rule = "ranks" if methods_vary else ("scores" if contiguous else "centroids")
    retier = dict(retier or {"method": DEFAULT_METHOD})
    retier.setdefault("k", K)
    if rule == "scores":
        fixed = FixedTiers(t, K, "scores", th, retier=retier)
        implied = fixed.assign(comp) + 1
    elif rule == "ranks":
        fixed = FixedTiers(t, K, "ranks", tuple(int(c) for c in cum), retier=retier)
        base_rank = base.ranks[root].to_numpy()
        implied = 1 + (base_rank[:, None] > np.asarray(fixed.thresholds)[None, :]).sum(axis=1)
    else:
        features = features or (root, *fw.pillars)
        X = base.scores[list(features)].to_numpy(float)
        if standardise:
            center = X.mean(axis=0)
            sd = X.std(axis=0)
            scale = np.where(sd > 0, sd, 1.0)
        else:
            center, scale = np.zeros(len(features)), np.ones(len(features))
        Z = (X - center) / scale
        mu = np.full((len(features), K), np.inf)
        for k in range(K):
            if (tv == k + 1).any():
                mu[:, k] = Z[tv == k + 1].mean(axis=0)
        fixed = FixedTiers(t, K, "centroids", (), tuple(features), center, scale, mu, retier=retier)
        implied = fixed.assign(comp, {f: base.scores[f].to_numpy(float) for f in features}) + 1
    off = [regions[i] for i in np.flatnonzero(implied != tv)]
    if off:
        why = ("not a nearest-centroid partition of its features" if rule == "centroids"
               else "not contiguous in the composite ranking")
        why_zh = "不是其特征上的最近质心划分" if rule == "centroids" else "在综合指数排名上不连续"
        more = " ..." if len(off) > 6 else ""
        warn(f"The base tiering is {why}: the '{rule}' rule places {', '.join(map(str, off[:6]))}{more} "
             f"in another tier than the base tiering even without noise; their tier probabilities "
             f"are relative to the '{rule}' rule.",
             f"基准梯队{why_zh}：即使不加扰动，“{rule}” 规则也会把 {'、'.join(map(str, off[:6]))}"
             f"{' 等' if more else ''}放入与基准不同的梯队；其梯队概率以 “{rule}” 规则为准。")
    return fixed


def monte_carlo(data, spec: Spec, *, samples: int = 10000, seed: int = 0, level: str = "pillars",
                weight_noise: float | None = None, concentration: float | None = None,
                vary=("weights",), normalisations=None, aggregations=None, treatments=None,
                tiers=None, tier_rule: str = "auto", recluster: int = 0, tier_kwargs: Mapping | None = None,
                chunk_size: int = DEFAULT_CHUNK, progress: Callable[[float], None] | None = None
                ) -> MonteCarlo:
    """Uncertainty analysis: rank distributions under random weights and method choices.

    Parameters
    ----------
    data : Dataset
    spec : Spec
        The base index; its ranks are the ``base_rank`` of every region.
    samples : int
        Number of replications ``N``.
    seed : int
        Seed; the output depends only on ``seed`` and ``samples`` (not on ``chunk_size``).
    level : {"pillars", "indicators", "both"}
        Which local weights vary (see :func:`varying_parents`).
    weight_noise : float, optional
        Uniform multiplicative noise ``x`` in [0, 1): ``w_k = w0_k U_k``, ``U_k ~ U(1-x, 1+x)``,
        renormalised within each parent. Default 0.2 when ``concentration`` is not given.
    concentration : float, optional
        Dirichlet concentration ``α > 0``: ``w ~ Dirichlet(α w0)`` within each parent (mean ``w0``,
        ``Var w_k = w0_k (1 - w0_k)/(α + 1)``); ``inf`` = base weights. Exclusive with ``weight_noise``.
    vary : str or sequence of {"weights", "normalisation", "aggregation", "treat"}
        Uncertain assumptions; each replication draws each varied choice uniformly among its options.
    normalisations, aggregations, treatments : sequence of str, optional
        Options sampled when the choice varies. Defaults: ``("minmax", "rank")`` (both on the 0-100
        scale and valid with geometric aggregation and every treatment; add "frontier" or "zscore"
        explicitly, "zscore" never with "geometric"),
        ``("arithmetic", "geometric")``, ``("none", "log", "winsor")``.
    tiers : Series or tiering.TierResult, optional
        Base tiering (region -> tier, 1 = top), e.g. :func:`base_tiers` (the default tiering: the
        report's sizes). None = no tier columns.
    tier_rule : {"auto", "scores", "ranks", "centroids"}
        How the base tiering is frozen ("fixed thresholds") to place a replication's regions:

        * ``"scores"``: the base tier sizes ``n_1..n_K`` cut the base composite ranking at
          composite values midway between the last region of one tier and the first of the next,
          ``θ_t = (c_(n_1+..+n_t) + c_(n_1+..+n_t+1)) / 2``; a replication's tier is
          ``1 + #{t : C < θ_t}``;
        * ``"ranks"``: by rank (ranks ``1..n_1`` = tier 1, ...), scale-free;
        * ``"centroids"``: nearest base tier centroid (squared Euclidean) on the base tiering's
          features -- the composite and pillar scores, standardised with the base mean and sd
          when the k-means tiering was -- i.e. the base k-means partition with its centres
          frozen; in one dimension these are thresholds midway between centroids;
        * ``"auto"``: "ranks" when a method choice varies (normalisation, aggregation or
          treatment shift the level and spread of the scores, so fixed score thresholds or
          centroids would move every region), else "scores" when the base tiers are contiguous
          in the composite ranking, else "centroids".

        A warning names the regions whose base tier the chosen rule does not reproduce without
        noise.
    recluster : int
        Re-tier the first ``recluster`` replications with :func:`iiscore.tiering.tiers` on their
        composite and pillar scores (``p_retier*`` columns); k-means costs milliseconds per
        replication, so this is a sub-sample of the i.i.d. replications.
    tier_kwargs : mapping, optional
        Keyword arguments of ``tiering.tiers`` for re-tiering. Default: the method and parameters of
        a given TierResult, else ``{"method": "kmeans", "k": K}``; ``seed`` defaults to ``seed``.
    chunk_size : int
        Replications evaluated at once (memory ~ ``6 · 8 · chunk_size · n_regions`` bytes).
    progress : callable, optional
        Called with the fraction done (0-1] after each chunk.

    Returns
    -------
    MonteCarlo

    Notes
    -----
    Percentiles are ``numpy.quantile`` ("linear") of each region's ranks, computed from the rank
    histograms (:func:`histogram_quantile`); ``mean_abs_shift_i = Σ_r count_ir |r - base_i| / N``.
    """
    seed = check_seed(seed)
    chunk_size = _check_int("chunk_size", chunk_size, minimum=1)
    recluster = _check_int("recluster", recluster, 0, 10_000)
    progress = _check_progress(progress)
    check_choice("tier_rule", tier_rule, TIER_RULES)
    eng = engine(data, spec, level, vary, weight_noise, concentration, normalisations, aggregations, treatments)
    samples = check_samples(samples, eng.R)
    vary, law = eng.vary, eng.law
    base = eng.base
    R = eng.R
    root = spec.framework.root
    base_rank = base.ranks[root].to_numpy().astype(np.int64)

    fixed = None
    if tiers is not None:
        fixed = _tier_setup(tiers, base, tier_rule, vary)
    elif recluster:
        raise SpecError("'recluster' needs a base tiering: pass 'tiers' (e.g. base_tiers(result)).",
                        "“recluster” 需要基准梯队：请传入 “tiers”（如 base_tiers(result)）。",
                        parameter="recluster")

    bw = rank_bin_width(R)  # ranks per histogram bin: 1 (exact) up to RANK_BINS regions
    nb = -(-R // bw)
    hist = np.zeros(R * nb, dtype=np.int64)
    offs = (np.arange(R, dtype=np.int64) * nb)[None, :]
    # bounded memory whatever the size: a chunk holds at most ~2 million region-replications
    chunk_size = max(1, min(chunk_size, 2_000_000 // max(1, R)))
    K = fixed.K if fixed is not None else 0
    tcount = np.zeros(R * K, dtype=np.int64)
    toffs = (np.arange(R, dtype=np.int64) * K)[None, :]
    for start in range(0, samples, chunk_size):
        stop = min(samples, start + chunk_size)
        W, V = eng.draw(seed, start, stop)
        comp, ti = eng.evaluate(W, V, fixed)
        ranks = rank_rows(comp)
        hist += np.bincount(((ranks - 1) // bw + offs).ravel(), minlength=R * nb)
        if ti is not None:
            tcount += np.bincount((ti + toffs).ravel(), minlength=R * K)
        if progress is not None:
            progress(stop / samples)
    counts = hist.reshape(R, nb)
    # a bin's rank: the rank itself when bw = 1, the bin's middle rank otherwise
    rk = np.arange(1, nb + 1) if bw == 1 else np.arange(nb) * bw + (min(bw, R) + 1) / 2.0

    def q(p):
        b = histogram_quantile(counts, p)
        return b if bw == 1 else (b - 1) * bw + (bw + 1) / 2.0

    idx = pd.Index(base.regions, name="region")
    table = pd.DataFrame({
        "base_rank": base_rank,
        "median_rank": q(0.5),
        "p05_rank": q(0.05),
        "p95_rank": q(0.95),
        "mean_abs_shift": (counts * np.abs(rk[None, :] - base_rank[:, None])).sum(axis=1) / samples,
    }, index=idx)
    rank_counts = pd.DataFrame(counts, index=idx, columns=pd.Index(np.arange(1, nb + 1) if bw == 1 else
                                                                   np.arange(nb) * bw + 1, name="rank"))
    tier_counts = retier_counts = None
    if fixed is not None:
        if fixed.rule == "ranks":
            tier_of_rank = 1 + (rk[:, None] > np.asarray(fixed.thresholds, dtype=float)[None, :]).sum(axis=1)
            onehot = np.zeros((nb, K), dtype=np.int64)
            onehot[np.arange(nb), tier_of_rank - 1] = 1
            tc = counts @ onehot
        else:
            tc = tcount.reshape(R, K)
        tier_counts = pd.DataFrame(tc, index=idx, columns=pd.Index(range(1, K + 1), name="tier"))
        for t in range(K):
            table[f"p_tier{t + 1}"] = tc[:, t] / samples
        if recluster:
            n_rc = min(recluster, samples)
            kw = dict(fixed.retier)
            kw.update(tier_kwargs or {})
            kw.setdefault("seed", seed)
            rc = _recluster(eng, seed, n_rc, kw, K)
            retier_counts = pd.DataFrame(rc, index=idx,
                                         columns=pd.Index(range(1, rc.shape[1] + 1), name="tier"))
            for t in range(rc.shape[1]):
                table[f"p_retier{t + 1}"] = rc[:, t] / n_rc
    settings = {"seed": seed, "samples": samples, "level": level, "law": law[0], "law_parameter": law[1],
                "vary": vary, "options": {n: o for n, o in eng.choices}, "chunk_size": chunk_size,
                "base": spec.describe(), "tier_rule": fixed.rule if fixed else None,
                "recluster": recluster, "rank_bin": bw}
    return MonteCarlo(table=table, rank_counts=rank_counts, tier_counts=tier_counts,
                      retier_counts=retier_counts, base_tiers=fixed.series if fixed else None,
                      thresholds=fixed.thresholds if fixed else (),
                      tier_rule=fixed.rule if fixed else None, samples=samples, settings=settings)


def _recluster(eng: Engine, seed: int, n: int, kwargs: dict, K: int) -> np.ndarray:
    try:
        from .. import tiering
    except ImportError:
        raise SpecError("Re-clustered tiers need the iiscore.tiering module, which is not available.",
                        "重新聚类的梯队需要 iiscore.tiering 模块，当前不可用。", parameter="recluster") from None
    allowed = set(inspect.signature(tiering.tiers).parameters) - {"scores"}
    kwargs = {k: v for k, v in kwargs.items() if k in allowed}
    fw = eng.fw
    cols = [fw.root, *fw.pillars]
    W, V = eng.draw(seed, 0, n)
    tables = np.empty((n, eng.R, len(cols)))
    for v in np.unique(V):
        idx = np.flatnonzero(V == v)
        ns = eng.ev(int(v)).node_scores(W[idx], cols)
        for j, c in enumerate(cols):
            tables[idx, :, j] = ns[c]
    counts = np.zeros((eng.R, K), dtype=np.int64)
    index = pd.Index(eng.regions, name="region")
    for r in range(n):
        tr = tiering.tiers(pd.DataFrame(tables[r], index=index, columns=cols), **kwargs)
        t = tr.tier.reindex(eng.regions).to_numpy().astype(int)
        if t.max() > counts.shape[1]:
            counts = np.pad(counts, ((0, 0), (0, t.max() - counts.shape[1])))
        counts[np.arange(eng.R), t - 1] += 1
    return counts


