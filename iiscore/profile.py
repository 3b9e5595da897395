"""A region's profile: where it stands, why, against whom, and what it would take.

One call, :func:`profile`, gathers for one region of one scenario (data, spec, the scenario's edits,
the what-if mode and the tiering in force) every number a planner asks for, each computed by the
engine's own functions so that a profile always agrees with the pages and commands that show the
same thing:

* **headline** -- composite, rank, tier in force (the crossing rule of
  :mod:`iiscore.simulate.crossing` when the scenario edits values), the report's tier when given,
  the change since the first year on goalposts pooled over the years, and the share of the
  composite's weight resting on estimated values;
* **pillars and indicators** -- raw value with unit, provenance and source, normalised score, rank
  among the regions, the gap to the tier's average and to the median region, and strengths and
  weaknesses by a stated rule (:data:`RULE`);
* **trajectory** -- score and rank in every year of the data on pooled goalposts (comparable years);
* **peers** -- the nearest regions in indicator space and the regions just above and below in the
  ranking, with what separates them;
* **what it would take** -- the distance to every better tier's bar, the top levers
  (:func:`iiscore.simulate.levers`) and the goal-seek answer for the next tier, uniform and cheapest
  (:func:`iiscore.simulate.goal_seek`);
* **how robust** -- the rank interval under random pillar weights (Monte Carlo,
  :func:`iiscore.sensitivity.monte_carlo`) and the rank band across alternative methods
  (:func:`iiscore.methods.compare_methods`);
* **caveats** -- estimates, proxies and edited values the numbers rest on.

The region-independent work (the builds, the tiers, Monte Carlo, the methods) is done once by a
:class:`Profiler`; :meth:`Profiler.profile` then costs a few milliseconds plus the levers and
goal-seeks of that region. Any framework works: the report-specific parts (the report's tiers) are
left out unless given.

Strengths and weaknesses (:data:`RULE`)
---------------------------------------
As the European Innovation Scoreboard's country profiles do, a region is compared with *itself*:
an indicator is a **strength** when its normalised score is at least ``margin`` above the region's
own average normalised score (the unweighted mean over its indicators with data), a **weakness**
when it is at least ``margin`` below. ``margin`` is 10 points on the 0-100 scales (min-max, rank,
distance to frontier) and 0.5 on z-scores. Pillars are marked by the same rule against the mean
of the region's pillar scores.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from .data import Dataset
from .errors import SpecError, check_int, check_number, check_seed
from .pipeline import Result, build, rank_desc
from .spec import Spec

__all__ = ["Profile", "Profiler", "profile", "RULE", "DEFAULT_MARGIN", "strength_margin", "estimate_share",
           "CHEAPEST_BUDGET", "MC_SAMPLES", "MC_SPREAD"]

#: Strength margin (points) on the 0-100 scales; z-scores use :data:`ZSCORE_MARGIN`.
DEFAULT_MARGIN = 10.0
ZSCORE_MARGIN = 0.5
#: Target tests the cheapest goal-seek may spend in its branch and bound (see ``goal_seek(max_evals=)``).
CHEAPEST_BUDGET = 100
#: Monte Carlo defaults: the app's (``Scenario.mc_n``, ``Scenario.mc_spread``).
MC_SAMPLES = 500
MC_SPREAD = 0.5

#: The stated rule, with ``{margin}`` to fill in.
RULE = (
    "Strengths and weaknesses compare the region with itself (as the European Innovation Scoreboard's "
    "country profiles do): an indicator is a strength (▲) when its normalised score is at least {margin:g} "
    "above the region's own average normalised score ({mean:.1f}, the unweighted mean of its indicators), "
    "a weakness (▼) when at least {margin:g} below; pillars likewise against the mean of its pillar scores "
    "({pmean:.1f}).",
    "优势与短板以地区自身为参照（同欧洲创新记分牌国家画像的做法）：某指标标准化得分比该地区自身的平均标准化得分"
    "（{mean:.1f}，各指标的简单平均）高出至少 {margin:g} 为优势（▲），低至少 {margin:g} 为短板（▼）；"
    "分项同理，以其各分项得分的平均（{pmean:.1f}）为参照。",
)


def strength_margin(normalisation: str) -> float:
    """The default strength margin of a normalisation: 10 points on 0-100 scales, 0.5 on z-scores."""
    return ZSCORE_MARGIN if normalisation == "zscore" else DEFAULT_MARGIN


def estimate_share(result: Result, provenance: pd.DataFrame, kinds=("estimate",)) -> pd.Series:
    """Per region, the share (%) of the composite's weight resting on values of ``kinds``.

    ``100 · Σ_j w_ij · [prov_ij ∈ kinds]`` with ``w`` the effective global weights
    (``result.effective_weights``, after re-weighting of missing values; they sum to 1 per region).
    """
    w = result.effective_weights
    mask = provenance.reindex(index=w.index, columns=w.columns).isin(list(kinds))
    return (w.where(mask, 0.0).sum(axis=1) * 100.0).rename("estimate_share")


def _column_matrix(ds: Dataset, year: int, leaves, column: str, fill="") -> pd.DataFrame:
    """Regions × leaves of a text column of the long table (provenance, unit, source, method)."""
    long = ds.long
    long = long[long["year"] == int(year)]
    if column not in long.columns:
        return pd.DataFrame(fill, index=list(ds.regions), columns=list(leaves))
    m = long.pivot_table(index="region", columns="indicator", values=column, aggfunc="first")
    return m.reindex(index=list(ds.regions), columns=list(leaves)).fillna(fill)


def _pillar_of(fw) -> dict:
    """Leaf -> its pillar (the root's child above it)."""
    out = {}
    for p in fw.children(fw.root):
        for leaf in fw.leaves_under(p):
            out[leaf] = p
    return out


def _with_tier_series(tiers):
    """A TierResult becomes its tier Series; anything else is passed on (None, Series, callable)."""
    return tiers.tier if hasattr(tiers, "assignment") and hasattr(tiers, "tier") else tiers


# ============================================================================================
# the result
# ============================================================================================
@dataclass(frozen=True)
class Profile:
    """One region's profile (see the module notes). Treat the frames as read-only.

    Attributes
    ----------
    region, name_zh, name_en : str
    year, n_regions : int
    composite : float
    rank : int
        1 = best; ties share the lowest rank.
    tier : int or None
        The tier in force (None: the region has no composite).
    tier_name : (zh, en)
    k : int
        Number of tiers.
    report_tier : int or None
        The report's tier (only when ``report_tiers`` was given: the built-in data).
    report_tier_name : (zh, en) or None
    first_year : int or None
        The first year of the data, when it differs from :attr:`year`.
    change, rank_change : float or None, int or None
        Composite change and rank change (positive = up) from ``first_year`` to ``year`` on
        goalposts pooled over the years (:attr:`trajectory`).
    estimate_share, scenario_share : float
        Share (%) of the composite's weight resting on estimated values / values the scenario edits.
    pillars : DataFrame indexed by pillar id
        ``name_zh, name_en, weight`` (global weight, %), ``score, rank, tier_mean, median, best,
        gap_tier, gap_median, own_gap, mark`` (``"strength"``, ``"weakness"`` or ``""``).
    indicators : DataFrame indexed by leaf id (framework order)
        ``pillar, name_zh, name_en, direction, weight`` (effective global weight, %), ``raw, unit,
        provenance, source, method, normalised, rank, n_ranked, tier_mean, median, gap_tier,
        gap_median, own_gap, mark``.
    margin, own_mean, own_pillar_mean : float
        The strength rule's margin and the region's own averages (:data:`RULE`).
    leader : str
        The region the pillar chart compares with: the top-ranked region, or the runner-up for it.
    leader_rank : int
    trajectory : DataFrame indexed by year
        ``score, rank`` on pooled goalposts (min-max; other normalisations per year as they are).
    nearest : DataFrame
        ``region, distance, rank, composite, apart`` (tuple of (leaf, gap) with the largest
        |gap| = the peer's normalised score minus the region's).
    neighbours : DataFrame
        ``region, position`` ("above"/"below"), ``rank, composite, gap`` (peer minus region),
        ``pillars`` (tuple of (pillar, contribution to the gap)), ``indicators`` (likewise).
    bars : DataFrame indexed by tier (tiers 1 .. the region's)
        ``holder, bar`` (the holder's current composite), ``gap`` (bar minus the region's composite:
        > 0 points to gain, <= 0 the cushion above it).
    levers : DataFrame
        The top rows of :func:`iiscore.simulate.levers` (``gain_per_pct > 0``).
    target_tier : int or None
        The next tier up (None in the top tier or without a tier).
    goal_uniform, goal_cheapest : GoalSeek or None
    mc : dict or None
        ``p05, median, p95`` ranks, ``p_tier`` (probability of the tier in force, or None),
        ``samples, spread, seed``.
    methods : dict or None
        ``best, worst`` rank and ``ranks`` (method -> rank) across :func:`compare_methods`.
    caveats : tuple of (en, zh)
    notes : tuple of (en, zh)
        What the run did (from the builds and the what-if).
    settings : dict
        The settings the numbers were computed with (:meth:`Profiler.settings`).
    names : dict
        Region id -> (zh, en) display names of every region (peers, bar holders).
    index_name : (zh, en)
        The composite's name (the framework root's).
    """

    region: str
    name_zh: str
    name_en: str
    year: int
    n_regions: int
    composite: float
    rank: int
    tier: int | None
    tier_name: tuple
    k: int
    report_tier: int | None
    report_tier_name: tuple | None
    first_year: int | None
    change: float | None
    rank_change: int | None
    estimate_share: float
    scenario_share: float
    pillars: pd.DataFrame
    indicators: pd.DataFrame
    margin: float
    own_mean: float
    own_pillar_mean: float
    leader: str
    leader_rank: int
    trajectory: pd.DataFrame
    nearest: pd.DataFrame
    neighbours: pd.DataFrame
    bars: pd.DataFrame
    levers: pd.DataFrame
    target_tier: int | None
    goal_uniform: object = None
    goal_cheapest: object = None
    mc: Mapping | None = None
    methods: Mapping | None = None
    caveats: tuple = ()
    notes: tuple = ()
    settings: Mapping = field(default_factory=dict)
    names: Mapping = field(default_factory=dict)
    index_name: tuple = ("", "")

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh

    def region_label(self, region, lang: str = "zh") -> str:
        """Display name of any region of the data."""
        pair = self.names.get(region)
        return str(region) if pair is None else pair[1 if lang == "en" else 0]

    def with_names(self, text: str, lang: str = "zh") -> str:
        """``text`` (the engine's notes name indicators by id: ``platform (log)``) with the indicators'
        names in ``lang``."""
        import re

        ids = sorted(self.indicators.index, key=len, reverse=True)
        if not ids:
            return text
        col = "name_en" if lang == "en" else "name_zh"
        pat = re.compile(r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, ids)) + r")(?![A-Za-z0-9_])")
        text = pat.sub(lambda m: str(self.indicators.at[m.group(1), col]), text)
        if lang == "zh":  # the treatment labels of the engine's notes, in Chinese
            text = re.sub(r"（winsor\((\d+)\)）", r"（缩尾 \1）", text.replace("（log）", "（对数）"))
        return text

    def rule(self, lang: str = "zh") -> str:
        """The strength rule as stated on the page and in the brief."""
        text = RULE[1] if lang == "zh" else RULE[0]
        return text.format(margin=self.margin, mean=self.own_mean, pmean=self.own_pillar_mean)

    @property
    def strengths(self) -> tuple:
        return tuple(self.indicators.index[self.indicators["mark"] == "strength"])

    @property
    def weaknesses(self) -> tuple:
        return tuple(self.indicators.index[self.indicators["mark"] == "weakness"])


# ============================================================================================
# the region-independent part
# ============================================================================================
class Profiler:
    """Everything a profile needs that does not depend on the region, computed once.

    Parameters
    ----------
    data : Dataset
        The unedited data.
    spec : Spec
        The scenario's specification (weights, methods, year).
    edits : iterable of Edit, optional
        The scenario's edits (applied to the scored year).
    mode : {"renormalise", "fixed"}
        The what-if mode of the edits (:func:`iiscore.simulate.whatif`).
    tiers : None, Series, TierResult or callable
        The tiering in force on the *unedited* data (as :func:`iiscore.simulate.goal_seek` takes it):
        None = the report's sizes down the ranking. With edits, tiers follow the crossing rule.
    report_tiers : Series, optional
        Region -> the report's tier (pass :func:`iiscore.tiering.report_tiers` for the built-in data
        only; another data set has no report tier).
    report_year : int, optional
        The year the report's tiers describe (2023 for the CAICT report), stated with them.
    robust : bool
        Compute Monte Carlo and the methods' band (default True).
    mc_samples, mc_spread, seed : int, float, int
        Monte Carlo replications, weight noise (uniform ±spread on the pillar weights) and seed
        (defaults: the app's 500, 0.5, 0). Same seed, same numbers.
    """

    def __init__(self, data: Dataset, spec: Spec, *, edits=(), mode: str = "renormalise", tiers=None,
                 report_tiers: pd.Series | None = None, report_year: int | None = 2023, robust: bool = True,
                 mc_samples: int = MC_SAMPLES, mc_spread: float = MC_SPREAD, seed: int = 0):
        from . import tiering
        from .simulate import (apply_edits, baseline_tiers, resolve_edits, tier_bar_holders, tier_thresholds,
                               whatif)

        self.data = data
        year = spec.year if spec.year is not None else data.years[-1]
        self.spec = spec = spec.replace(year=int(year))
        self.fw = fw = spec.framework
        self.mode = mode
        self.edits = resolve_edits(edits, data, fw) if edits else ()
        self.seed = check_seed(seed)
        self.mc_samples = check_int("mc_samples", mc_samples, 1)
        self.mc_spread = check_number("mc_spread", mc_spread, 0.0, 0.99)
        self.unedited = build(data, spec)
        self._tier_result = tiers if hasattr(tiers, "assignment") else None
        self.tiering = _tiering_name(tiers)
        self.base_tiers = baseline_tiers(self.unedited, _with_tier_series(tiers))
        if self.edits:
            wi = whatif(data, spec, self.edits, mode, tiers=self.base_tiers, baseline=self.unedited)
            self.current = wi.after
            self.edited = apply_edits(data, self.edits, spec.year, fw)
            self.tier = wi.table.set_index("region")["tier_after"]
            self.holders, self.bars_after = wi.holders, wi.bars_after
            whatif_notes = tuple(wi.notes)
        else:
            self.current, self.edited, self.tier = self.unedited, data, self.base_tiers
            self.holders = tier_bar_holders(self.unedited.composite, self.base_tiers)
            self.bars_after = tier_thresholds(self.unedited.composite, self.base_tiers)
            whatif_notes = ()
        self.k = int(pd.to_numeric(self.base_tiers, errors="coerce").max())
        self.tier_names = tiering.tier_names(self.k)
        self.report_tiers = None if report_tiers is None else report_tiers.reindex(list(data.regions))
        self.report_year = report_year
        leaves = list(fw.leaves)
        self.prov = _column_matrix(self.edited, spec.year, leaves, "provenance", "missing")
        if "provenance" not in self.edited.long.columns:
            self.prov = self.prov.where(self.current.raw.reindex(columns=leaves).isna(), "unknown")
        self.units = _column_matrix(data, spec.year, leaves, "unit")
        self.sources = _column_matrix(data, spec.year, leaves, "source")
        self.methods_col = _column_matrix(data, spec.year, leaves, "method")
        self.names = {r: (data.region_name(r, "zh"), data.region_name(r, "en")) for r in data.regions}
        self.est_share = estimate_share(self.current, self.prov)
        self.scn_share = estimate_share(self.current, self.prov, kinds=("scenario",))
        self.trajectory_scores, self.trajectory_ranks = self._trajectory()
        self.mc = self.methods = None
        self.notes = tuple(dict.fromkeys(tuple(self.current.notes) + whatif_notes))
        if robust:
            self.mc, self.methods = self.robustness()

    # -- trajectory ------------------------------------------------------------------------------
    def _trajectory(self):
        """Composite and rank of every region in every year, on goalposts pooled over the years
        (the Overview's trajectories: scores comparable across years), on the edited data."""
        spec = self.spec
        if spec.normalisation == "minmax" and not isinstance(spec.goalposts, (tuple, dict)):
            spec = spec.replace(goalposts="pooled")
        scores, ranks = {}, {}
        root = self.fw.root
        for y in self.edited.years:
            r = build(self.edited, spec.replace(year=y))
            scores[y] = r.composite
            ranks[y] = r.ranks[root]
        return pd.DataFrame(scores), pd.DataFrame(ranks)

    # -- robustness ------------------------------------------------------------------------------
    def robustness(self) -> tuple:
        """(Monte Carlo, Methods) of the scenario: the region-independent robustness runs (done in
        ``__init__`` when ``robust``; an app may run them apart, then :meth:`robust_parts`)."""
        from .methods import compare_methods
        from .sensitivity import monte_carlo

        tiers = pd.to_numeric(self.tier, errors="coerce")
        # the tiering in force as given (a TierResult keeps k-means' features) when nothing is edited
        covered = bool(tiers.notna().all())  # a tiering places only the regions with a composite
        mc_tiers = self._tier_result if self._tier_result is not None and not self.edits and covered else \
            (tiers.astype(int) if covered else None)
        mc = methods = None
        if len(self.current.regions) >= 2:
            mc = monte_carlo(self.edited, self.spec, samples=self.mc_samples, seed=self.seed,
                             weight_noise=self.mc_spread, tiers=mc_tiers)
        if len(self.current.regions) >= 3:
            methods = compare_methods(self.edited, self.spec, result=self.current if not self.edits else None)
        return mc, methods

    # -- one region ------------------------------------------------------------------------------
    def profile(self, region, *, margin: float | None = None, n_peers: int = 3, n_neighbours: int = 1,
                n_levers: int = 5, goal: bool = True, cheapest_budget: int | None = CHEAPEST_BUDGET) -> Profile:
        """The profile of ``region`` (id or any of its names).

        Parameters
        ----------
        margin : float, optional
            Strength margin (default :func:`strength_margin` of the normalisation).
        n_peers, n_neighbours, n_levers : int
            Nearest regions shown (3), regions above and below (1 each), levers (5).
        goal : bool
            Run the goal-seeks for the next tier (uniform and cheapest; default True).
        cheapest_budget : int or None
            Target tests of the cheapest search's branch and bound (:data:`CHEAPEST_BUDGET`); None =
            the engine's own budget (proves the answer, may take a minute off the linear case).
        """
        res, fw, ds = self.current, self.fw, self.data
        region = ds.resolve_region(region)
        root = fw.root
        margin = strength_margin(self.spec.normalisation) if margin is None else \
            check_number("margin", margin, 0.0)
        n_peers = check_int("n_peers", n_peers, 0)
        n_neighbours = check_int("n_neighbours", n_neighbours, 0)
        n_levers = check_int("n_levers", n_levers, 0)
        comp = float(res.composite[region])
        if not np.isfinite(comp):
            raise SpecError(f"{ds.region_name(region, 'en')} has no composite score in {self.spec.year} (too little "
                            f"data), so it has no profile.",
                            f"{ds.region_name(region, 'zh')} 在 {self.spec.year} 年没有综合得分（数据不足），无法生成画像。",
                            parameter="region")
        rank = int(res.ranks.at[region, root])
        tv = self.tier.get(region)
        tier = None if tv is None or pd.isna(tv) else int(tv)
        tier_name = self.tier_names[tier - 1] if tier is not None else ("", "")
        members = [r for r in res.regions if pd.notna(self.tier.get(r)) and tier is not None
                   and int(self.tier[r]) == tier]
        pillars, own_p = self._pillars(region, members, margin)
        indicators, own = self._indicators(region, members, margin)
        leader = self._leader(region)
        traj = pd.DataFrame({"score": self.trajectory_scores.loc[region],
                             "rank": self.trajectory_ranks.loc[region]})
        traj.index.name = "year"
        y0, y1 = min(self.edited.years), self.spec.year
        first = change = rank_change = None
        if y1 != y0 and y0 in traj.index and y1 in traj.index:
            first = int(y0)
            change = float(traj.at[y1, "score"] - traj.at[y0, "score"])
            rank_change = int(traj.at[y0, "rank"] - traj.at[y1, "rank"])
        rep = rep_name = None
        if self.report_tiers is not None and pd.notna(self.report_tiers.get(region)):
            rep = int(self.report_tiers[region])
            from .tiering import tier_names

            rep_name = tier_names(int(self.report_tiers.max()))[rep - 1]
        target = tier - 1 if tier is not None and tier > 1 else None
        gu = gc = None
        if goal and target is not None:
            gu, gc = self.goals(region, target, cheapest_budget)
        return Profile(
            region=region, name_zh=ds.region_name(region, "zh"), name_en=ds.region_name(region, "en"),
            year=int(self.spec.year), n_regions=len(res.regions), composite=comp, rank=rank, tier=tier,
            tier_name=tuple(tier_name), k=self.k, report_tier=rep, report_tier_name=rep_name, first_year=first,
            change=change, rank_change=rank_change, estimate_share=float(self.est_share[region]),
            scenario_share=float(self.scn_share[region]), pillars=pillars, indicators=indicators, margin=float(margin),
            own_mean=own, own_pillar_mean=own_p, leader=leader, leader_rank=int(res.ranks.at[leader, root]),
            trajectory=traj,
            nearest=self._nearest(region, n_peers), neighbours=self._neighbours(region, n_neighbours),
            bars=self._bars(region, tier), levers=self._levers(region, n_levers), target_tier=target,
            goal_uniform=gu, goal_cheapest=gc, **self.robust_parts(region, tier, (self.mc, self.methods)),
            caveats=self._caveats(region, indicators), notes=self.notes, settings=self.settings(),
            names=self.names, index_name=(fw.name(root, "zh"), fw.name(root, "en")))

    # -- parts -------------------------------------------------------------------------------------
    def _pillars(self, region, members, margin):
        res, fw = self.current, self.fw
        pillars = list(fw.children(fw.root))
        S = res.scores[pillars]
        gw = fw.global_weights()
        own = S.loc[region]
        own_mean = float(np.nanmean(own.to_numpy(float))) if own.notna().any() else np.nan
        tier_mean = S.loc[members].mean() if members else pd.Series(np.nan, index=pillars)
        median = S.median()
        leader = self._leader(region)
        ranks = pd.DataFrame(rank_desc(S.to_numpy(float)), index=S.index, columns=pillars)
        out = pd.DataFrame({
            "name_zh": [fw.name(p, "zh") for p in pillars],
            "name_en": [fw.name(p, "en") for p in pillars],
            "weight": [float(gw[list(fw.leaves_under(p))].sum() * 100.0) for p in pillars],
            "score": own.to_numpy(float),
            "rank": [int(ranks.at[region, p]) if np.isfinite(own[p]) else np.nan for p in pillars],
            "tier_mean": tier_mean.to_numpy(float),
            "median": median.to_numpy(float),
            "best": S.loc[leader].to_numpy(float),
        }, index=pd.Index(pillars, name="pillar"))
        out["gap_tier"] = out["score"] - out["tier_mean"]
        out["gap_median"] = out["score"] - out["median"]
        out["own_gap"] = out["score"] - own_mean
        out["mark"] = _marks(out["own_gap"], margin)
        return out, own_mean

    def _indicators(self, region, members, margin):
        res, fw = self.current, self.fw
        leaves = list(fw.leaves)
        Z = res.normalised[leaves]
        z = Z.loc[region]
        own_mean = float(np.nanmean(z.to_numpy(float))) if z.notna().any() else np.nan
        ranks = pd.DataFrame(rank_desc(Z.to_numpy(float)), index=Z.index, columns=leaves)
        pillar = _pillar_of(fw)
        out = pd.DataFrame({
            "pillar": [pillar[j] for j in leaves],
            "name_zh": [fw.name(j, "zh") for j in leaves],
            "name_en": [fw.name(j, "en") for j in leaves],
            "direction": [int(fw.node(j).direction) for j in leaves],
            "weight": (res.effective_weights.loc[region, leaves] * 100.0).to_numpy(float),
            "raw": res.raw.loc[region, leaves].to_numpy(float),
            "unit": [self.units.at[region, j] for j in leaves],
            "provenance": [self.prov.at[region, j] for j in leaves],
            "source": [self.sources.at[region, j] for j in leaves],
            "method": [self.methods_col.at[region, j] for j in leaves],
            "normalised": z.to_numpy(float),
            "rank": [int(ranks.at[region, j]) if np.isfinite(z[j]) else np.nan for j in leaves],
            "n_ranked": Z.notna().sum().to_numpy(int),
            "tier_mean": (Z.loc[members].mean() if members else pd.Series(np.nan, index=leaves)).to_numpy(float),
            "median": Z.median().to_numpy(float),
        }, index=pd.Index(leaves, name="indicator"))
        out["gap_tier"] = out["normalised"] - out["tier_mean"]
        out["gap_median"] = out["normalised"] - out["median"]
        out["own_gap"] = out["normalised"] - own_mean
        out["mark"] = _marks(out["own_gap"], margin)
        return out, own_mean

    def _leader(self, region) -> str:
        """The best region other than ``region`` when it is itself the best (the chart's comparison)."""
        order = self.current.ranks[self.fw.root].sort_values(kind="stable").index
        return next((r for r in order if r != region), region)

    def _nearest(self, region, n) -> pd.DataFrame:
        """Nearest regions by Euclidean distance on the normalised indicator scores.

        ``d(a, b) = sqrt(Σ_j (z_aj - z_bj)²)`` over the indicators both have; when some are missing
        the sum is scaled by ``L / L_common`` (the distance a full profile of the same spread would
        have)."""
        res = self.current
        Z = res.normalised[list(self.fw.leaves)]
        z = Z.loc[region].to_numpy(float)
        rows = []
        L = Z.shape[1]
        for r in Z.index:
            if r == region:
                continue
            o = Z.loc[r].to_numpy(float)
            ok = np.isfinite(z) & np.isfinite(o)
            if not ok.any():
                continue
            d = float(np.sqrt(np.sum((o[ok] - z[ok]) ** 2) * L / ok.sum()))
            gaps = pd.Series(o - z, index=Z.columns)[ok]
            top = gaps.reindex(gaps.abs().sort_values(ascending=False, kind="stable").index)[:3]
            rows.append((r, d, int(res.ranks.at[r, self.fw.root]), float(res.composite[r]),
                         tuple((k, float(v)) for k, v in top.items())))
        out = pd.DataFrame(rows, columns=["region", "distance", "rank", "composite", "apart"])
        return out.sort_values(["distance", "rank"], kind="stable").head(n).reset_index(drop=True)

    def _contributions(self, a, b):
        """Per leaf, ``w_bj z_bj - w_aj z_aj`` (effective weights): each indicator's part of the
        composite gap ``b - a`` (exact under arithmetic means; weighted differences otherwise)."""
        res = self.current
        leaves = list(self.fw.leaves)
        W = res.effective_weights[leaves]
        Z = res.normalised[leaves].fillna(0.0)
        return W.loc[b] * Z.loc[b] - W.loc[a] * Z.loc[a]

    def _neighbours(self, region, n) -> pd.DataFrame:
        res, fw = self.current, self.fw
        order = list(res.composite.sort_values(ascending=False, kind="stable").index)
        order = [r for r in order if np.isfinite(res.composite[r])]
        i = order.index(region)
        pillar = _pillar_of(fw)
        rows = []
        for pos, peers in (("above", order[max(0, i - n):i]), ("below", order[i + 1:i + 1 + n])):
            for r in peers:
                c = self._contributions(region, r)
                by_p = c.groupby(pd.Series(pillar)).sum().reindex(list(fw.children(fw.root)))
                top_p = by_p.reindex(by_p.abs().sort_values(ascending=False, kind="stable").index)[:2]
                top_i = c.reindex(c.abs().sort_values(ascending=False, kind="stable").index)[:3]
                rows.append((r, pos, int(res.ranks.at[r, fw.root]), float(res.composite[r]),
                             float(res.composite[r] - res.composite[region]),
                             tuple((k, float(v)) for k, v in top_p.items()),
                             tuple((k, float(v)) for k, v in top_i.items())))
        return pd.DataFrame(rows, columns=["region", "position", "rank", "composite", "gap", "pillars", "indicators"])

    def _bars(self, region, tier) -> pd.DataFrame:
        """The bar of every tier from the first to the region's: held by a region, at its current score."""
        rows = []
        if tier is not None and self.holders is not None:
            comp = float(self.current.composite[region])
            for t in range(1, tier + 1):
                h = self.holders.get(t)
                if h is None or (not isinstance(h, str) and pd.isna(h)):
                    continue
                bar = float(self.bars_after.get(t, np.nan))
                rows.append((t, h, bar, bar - comp))
        return pd.DataFrame(rows, columns=["tier", "holder", "bar", "gap"]).set_index("tier")

    def _levers(self, region, n) -> pd.DataFrame:
        from .simulate import levers

        if n == 0:
            return pd.DataFrame()
        lv = levers(self.data, self.spec, region, mode=self.mode, edits=self.edits)
        tab = lv.table
        return tab[tab["gain_per_pct"] > 0].head(n)

    def goals(self, region, target: int, budget: int | None = CHEAPEST_BUDGET) -> tuple:
        """(uniform, cheapest) :class:`~iiscore.simulate.GoalSeek` answers for ``region`` to reach tier
        ``target`` (None where the goal-seek has no answer to give), as :meth:`profile` computes them."""
        from .errors import IIScoreError
        from .simulate import goal_seek

        out = []
        for strategy in ("uniform", "cheapest"):
            try:
                out.append(goal_seek(self.data, self.spec, region, target_tier=target, mode=self.mode,
                                     strategy=strategy, tiers=self.base_tiers, edits=self.edits,
                                     max_evals=budget if strategy == "cheapest" else None))
            except IIScoreError:  # e.g. no indicator can be improved by a percentage: no answer to show
                out.append(None)
        return tuple(out)

    def robust_parts(self, region, tier, robustness) -> dict:
        """``{"mc": ..., "methods": ...}`` of :class:`Profile` for ``region`` from a
        :meth:`robustness` result."""
        mc, methods = robustness
        return {"mc": self._mc(region, tier, mc), "methods": self._methods(region, methods)}

    def _mc(self, region, tier, mc):
        if mc is None:
            return None
        row = mc.table.loc[region]
        col = f"p_tier{tier}" if tier is not None else None
        return {"p05": float(row["p05_rank"]), "median": float(row["median_rank"]), "p95": float(row["p95_rank"]),
                "p_tier": float(row[col]) if col is not None and col in mc.table.columns else None,
                "samples": int(mc.samples), "spread": float(self.mc_spread), "seed": int(self.seed)}

    def _methods(self, region, m):
        if m is None:
            return None
        ranks = m.ranks.loc[region]
        ok = ranks.dropna()
        if ok.empty:
            return None
        return {"best": int(ok.min()), "worst": int(ok.max()), "ranks": {k: int(v) for k, v in ok.items()},
                "n": len(ok)}

    def _caveats(self, region, ind: pd.DataFrame) -> tuple:
        fw = self.fw
        out = []
        est = [j for j in ind.index if ind.at[j, "provenance"] == "estimate"]
        if est:
            out.append((f"{self.est_share[region]:.1f} % of the composite's weight rests on estimated values "
                        f"({', '.join(fw.name(j, 'en') for j in est)}): no public provincial series exists for them.",
                        f"综合得分中有 {self.est_share[region]:.1f}% 的权重来自估算值（{'、'.join(fw.name(j, 'zh') for j in est)}），"
                        f"这些指标没有公开的分省序列。"))
        anchored = [j for j in ind.index if str(ind.at[j, "method"]) == "tier_ordered_driver_index"]
        if anchored:
            out.append((f"{', '.join(fw.name(j, 'en') for j in anchored)} are estimates ordered by the report's "
                        f"published tiers: agreement with the report's tier is partly built into the data.",
                        f"{'、'.join(fw.name(j, 'zh') for j in anchored)} 为按报告公布的梯队顺序排列的估算值："
                        f"与报告梯队的一致在一定程度上是数据构造所致。"))
        proxies = [j for j in ind.index if ind.at[j, "provenance"] == "public"
                   and str(fw.node(j).extra.get("proxy") or "") not in ("", "estimate")]
        if proxies:
            out.append((f"{len(proxies)} indicators are public statistics used as proxies for the report's indicators "
                        f"(e.g. {fw.name(proxies[0], 'en')}: {fw.node(proxies[0]).extra.get('description_en', '')}); "
                        f"see the data documentation for how well each fits.",
                        f"{len(proxies)} 项指标以公开统计数据作为报告指标的代理（如{fw.name(proxies[0], 'zh')}："
                        f"{fw.node(proxies[0]).extra.get('description_zh', '')}），各代理的拟合程度见数据说明。"))
        edited = sorted({e.indicator for e in self.edits if e.region == region})
        if self.edits:
            names_en = ", ".join(fw.name(j, "en") for j in edited) or "none of this region's"
            names_zh = "、".join(fw.name(j, "zh") for j in edited) or "无本地区指标"
            out.append((f"The scenario edits {len(self.edits)} value(s) ({names_en} for this region; "
                        f"{self.scn_share[region]:.1f} % of its weight); what-if mode: {self.mode}.",
                        f"本情景修改了 {len(self.edits)} 个数值（本地区：{names_zh}；占其权重 {self.scn_share[region]:.1f}%）；"
                        f"模拟方式：{'重新标准化' if self.mode == 'renormalise' else '固定基线上下限'}。"))
        missing = [j for j in ind.index if not np.isfinite(ind.at[j, "raw"])]
        if missing:
            out.append((f"No value for {', '.join(fw.name(j, 'en') for j in missing)}: left out, its weight shared by "
                        f"its siblings.", f"{'、'.join(fw.name(j, 'zh') for j in missing)} 无数据：不参与计算，其权重由同级指标分担。"))
        if self.spec.normalisation in ("minmax", "rank", "frontier"):
            out.append(("Scores are relative: 0-100 between the worst and the best region of the year, so a score "
                        "can fall while the region's own values rise.",
                        "得分是相对的：按当年最差与最好地区折算为 0-100，因此地区自身数值上升时得分也可能下降。"))
        return tuple(out)

    def settings(self) -> dict:
        """The settings the profile was computed with (for the brief)."""
        s = self.spec
        fw = self.fw
        return {"year": int(s.year), "treat": s.treat, "normalisation": s.normalisation,
                "goalposts": "pooled" if s.goalposts == "pooled" else ("given" if s.goalposts else "year"),
                "missing": s.missing, "aggregation": s.aggregation, "coverage": float(s.coverage),
                "mode": self.mode, "edits": tuple(self.edits),
                "weights": {p: float(fw.global_weights()[list(fw.leaves_under(p))].sum() * 100.0)
                            for p in fw.children(fw.root)},
                "tiering": self.tiering, "k": self.k,
                "sizes": tuple(int((pd.to_numeric(self.base_tiers, errors="coerce") == t).sum())
                               for t in range(1, self.k + 1)),
                "report_year": self.report_year, "mc_samples": self.mc_samples, "mc_spread": self.mc_spread, "seed": self.seed}


def _tiering_name(tiers) -> str:
    """The tiering method in force: a TierResult's or a tier function's ``method``, a Series' ``attrs``."""
    if tiers is None:
        return "sizes"
    if isinstance(tiers, pd.Series):
        return str(tiers.attrs.get("method", "given"))
    return str(getattr(tiers, "method", "given"))


def _marks(own_gap: pd.Series, margin: float) -> list:
    return ["strength" if np.isfinite(g) and g >= margin else "weakness" if np.isfinite(g) and g <= -margin else ""
            for g in own_gap.to_numpy(float)]


def profile(data: Dataset, spec: Spec, region, *, edits=(), mode: str = "renormalise", tiers=None,
            report_tiers: pd.Series | None = None, robust: bool = True, mc_samples: int = MC_SAMPLES,
            mc_spread: float = MC_SPREAD, seed: int = 0, **kw) -> Profile:
    """The profile of ``region``: ``Profiler(data, spec, ...).profile(region, **kw)``.

    See :class:`Profiler` for the scenario's parameters and :meth:`Profiler.profile` for ``margin``,
    ``n_peers``, ``n_neighbours``, ``n_levers``, ``goal`` and ``cheapest_budget``.

    Examples
    --------
    >>> from iiscore import load_default, default_spec
    >>> from iiscore.tiering import report_tiers
    >>> p = profile(load_default(), default_spec(), "贵州", report_tiers=report_tiers())  # doctest: +SKIP
    >>> p.rank, p.tier, p.report_tier                                                      # doctest: +SKIP
    """
    return Profiler(data, spec, edits=edits, mode=mode, tiers=tiers, report_tiers=report_tiers, robust=robust,
                    mc_samples=mc_samples, mc_spread=mc_spread, seed=seed).profile(region, **kw)
