"""Goal-seeking: the smallest improvement that lifts a region to a rank or a tier -- and holds when applied.

A target is a rank ``r`` or a tier ``t``. Ranks: rank ``r`` is reached when the region's composite is
**strictly above** the composite of the ``r``-th best *other* region after the edit (a tie is not
enough; with ``rank(method="min")`` this guarantees a rank ``<= r``). Tiers: tier ``t`` is reached
when the crossing rule (:mod:`iiscore.simulate.crossing`) puts the region in tier ``t`` or better
against the tiering in force (its tiers and bar holders of the unedited data; the goal-seeking
region counts as edited): for a region below tier ``t`` its composite must reach the current
composite of the holder of a tier ``<= t`` whose unedited bar it was under -- a moving target under
re-normalisation, as a rank target's competitor. "Already there" uses the region's actual tier.
When the region is in a worse tier although its composite is already at or above every such bar
(k-means on composite and pillars), no score can move it there: the result says so
(``method="not-by-score"``).

Improvements are percentages in each indicator's good direction: ``+p %`` for higher-is-better,
``-p %`` for lower-is-better (at most 100 %). Indicators whose value is 0, negative or missing cannot
be improved by a percentage and are left out (and listed).

Strategies
----------
* ``"uniform"``: the smallest ``p`` applied to every chosen indicator (each capped at its bound), by
  a bracketing search on the monotone target test.
* ``"cheapest"``: the least total cost ``Σ cost_j · p_j``. When the composite is linear in the
  changes (arithmetic, fixed baseline goalposts, min-max, no outlier treatment) a linear programme
  (HiGHS), exact (``method="linprog"``). Otherwise a branch and bound over the box of changes
  (:func:`iiscore.simulate.optimise.cheapest_monotone`) that uses only the monotonicity of the
  target test -- the region's composite never falls when one of its indicators improves, the other
  regions' never rise -- and stops when the cost found is proven within ``0.1 %`` (or ``1e-6``) of
  the cheapest possible (``method="branch-and-bound"``, ``lower_bound`` the proven bound). When the
  re-fitted outlier treatment switches on or off between no change and the bounds, monotonicity may
  fail: the answer still reaches the target, the proof is not claimed (``proven=False``).

Answers that hold when applied
------------------------------
The search aims past the bar by a margin of ``1e-6 × max(1, |bar|)``. Every change is then rounded
to the two decimals shown, *up* in its good direction (``+28.810265 %`` becomes ``+28.82 %``); a
change composed with an edit the scenario already has on the same cell is composed exactly and
rounded the same way (``+8 %`` then ``+28.82 %`` is ``+39.2256 %``). The rounded edits -- exactly
what the app's apply button stores (:attr:`GoalSeek.applied_edits`) -- are checked with
:func:`iiscore.simulate.whatif`, the path every page uses; if the check fails the margin grows
tenfold and the search runs again (at most three times). So the target is reached as displayed and
as applied.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd

from ..data import Dataset
from ..errors import check_choice, check_number
from ..framework import Framework
from ..pipeline import Result, build
from ..spec import Spec
from . import messages
from .crossing import baseline_tiers, tier_bar_holders, tiers_after
from .edits import Edit, EditError, apply_edits, compose_pct, resolve_edits, resolve_indicator
from .levers import evaluator
from .optimise import bracket, cheapest_monotone, linprog_min
from .whatif import MODES, _ranks, whatif

__all__ = ["STRATEGIES", "GoalSeek", "goal_seek", "GoalSeeker", "MARGIN", "DECIMALS"]

#: Goal-seeking strategies.
STRATEGIES = ("uniform", "cheapest")
#: A budget of target tests for interactive use (the Simulator page; about 0.4 s over 19 indicators
#: here): the best combination found within it still reaches the target, checked as every answer is,
#: but is proven the cheapest only if the search finishes (the default budget, 60 000, can take most
#: of a minute).
INTERACTIVE_BUDGET = 500
#: The largest rise searched per indicator (percent): ×10,001, far past any policy target.
MAX_PCT = 1e6
#: The search aims past the bar by this relative margin (× max(1, |bar|)).
MARGIN = 1e-6
#: Decimals of a displayed (and applied) percentage change; rounding is always in the good direction.
DECIMALS = 2
#: Decimals of a composed percentage edit as the scenario stores it.
EDIT_DECIMALS = 4
#: The cheapest combination is proven within this relative tolerance (or 1e-6 absolute).
REL_TOL = 1e-3


@dataclass(frozen=True)
class GoalSeek:
    """The result of :func:`goal_seek`.

    Attributes
    ----------
    reached : bool
        Whether the target is reached within the bounds -- checked by applying
        :attr:`applied_edits` with :func:`iiscore.simulate.whatif`.
    region, mode, strategy : str
    method : str
        ``"none-needed"``, ``"bisection"`` (uniform), ``"linprog"`` (exact LP),
        ``"branch-and-bound"`` (cheapest, proven within ``tolerance`` unless ``proven`` is False),
        ``"bounds"`` (not reachable: every indicator at its bound) or ``"not-by-score"``.
    target : str
        ``"rank 15"`` or ``"tier 2"``.
    target_score : float
        The score to beat at the answer: for a rank, the ``r``-th best other region's composite after
        the change (to exceed strictly); for a tier, the bar the crossing rule asks for (to reach).
    changes : Mapping indicator -> float
        Signed percentage change of each raw value as displayed and applied (two decimals, rounded in
        the good direction), directly usable as ``--set INDICATOR=+x%``.
    improvements : Mapping indicator -> float
        The same as improvements (>= 0).
    applied_edits : tuple of Edit
        The scenario's edits after applying the answer (other edits kept; an answer on a cell the
        scenario already edits is composed with that edit): what the app's apply button stores.
    uniform_pct, cost : float or None
    lower_bound : float or None
        ``strategy="cheapest"``: no combination within the bounds costs less (proven when ``proven``).
    proven : bool
    score_before, score_after, rank_before, rank_after, tier_before, tier_after
        After = with :attr:`applied_edits` applied (as the pages show it).
    best_score, best_rank : float, int
        The best reachable within the bounds.
    excluded : Mapping indicator -> reason (English)
    suggestions : Mapping
        When not reached: ``nearer`` (a reachable nearer target, (en, zh)), ``cap`` (a per-indicator
        cap that would reach the target), ``levers`` (the region's strongest indicators not chosen).
    tiering : str
        The tiering the tier target is measured against (``"sizes"``, ``"kmeans"``, ... or ``"given"``).
    year : int
    message_en, message_zh : str
    """

    reached: bool
    region: str
    mode: str
    strategy: str
    method: str
    target: str
    target_score: float
    changes: Mapping
    improvements: Mapping
    uniform_pct: float | None
    cost: float | None
    score_before: float
    score_after: float
    rank_before: int
    rank_after: int
    tier_before: int
    tier_after: int
    best_score: float
    best_rank: int
    excluded: Mapping
    year: int
    message_en: str
    message_zh: str
    applied_edits: tuple = ()
    lower_bound: float | None = None
    proven: bool = True
    suggestions: Mapping = field(default_factory=lambda: MappingProxyType({}))
    tiering: str = "sizes"
    margin: float = MARGIN

    @property
    def edits(self) -> tuple:
        """The changes as :class:`Edit` records (``pct``), e.g. to feed :func:`whatif`."""
        return tuple(Edit(self.region, k, "pct", float(v)) for k, v in self.changes.items() if v != 0)

    def message(self, lang: str = "en") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def to_dict(self) -> dict:
        """Plain JSON-ready values (the CLI's output)."""
        return {
            "reached": bool(self.reached), "changes": {k: float(v) for k, v in self.changes.items()},
            "score_after": float(self.score_after), "rank_after": int(self.rank_after),
            "mode": self.mode, "target_score": float(self.target_score), "method": self.method,
            "message_en": self.message_en, "message_zh": self.message_zh,
            "region": self.region, "target": self.target, "strategy": self.strategy, "year": self.year,
            "tiering": self.tiering,
            "improvements": {k: float(v) for k, v in self.improvements.items()},
            "uniform_pct": None if self.uniform_pct is None else float(self.uniform_pct),
            "cost": None if self.cost is None else float(self.cost),
            "lower_bound": None if self.lower_bound is None else float(self.lower_bound),
            "proven": bool(self.proven), "margin": float(self.margin),
            "score_before": float(self.score_before), "rank_before": int(self.rank_before),
            "tier_before": _int_or_none(self.tier_before), "tier_after": _int_or_none(self.tier_after),
            "best_score": float(self.best_score), "best_rank": int(self.best_rank),
            "excluded": dict(self.excluded),
            "suggestions": {k: (list(v) if isinstance(v, (tuple, list)) else v) for k, v in self.suggestions.items()},
            "edits": [e.to_text(with_region=False) for e in self.edits],
            "applied_edits": [e.to_text() for e in self.applied_edits],
        }


def _int_or_none(v):
    return None if v is None or pd.isna(v) else int(v)


def _round_up(v: float, decimals: int) -> float:
    """``v`` rounded up to ``decimals`` (a float that is already there stays)."""
    f = 10.0 ** decimals
    return math.ceil(v * f - 1e-7) / f


def _round_signed(v: float, decimals: int, direction: float) -> float:
    """A signed change rounded away from zero in the good ``direction`` (up for +1, down for -1)."""
    return _round_up(v, decimals) if direction > 0 else -_round_up(-v, decimals)


def _mapping(value, name: str, dataset: Dataset, fw: Framework, maximum: float | None = None) -> dict:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise EditError(f"'{name}' must be a mapping indicator -> number; got {value!r}.",
                        f"“{name}” 必须是 指标 -> 数值 的映射；收到 {value!r}。", parameter=name)
    out = {}
    for k, v in value.items():
        ind = resolve_indicator(k, dataset, fw)
        out[ind] = check_number(f"{name}[{ind}]", v, 0.0, maximum)
    return out


class GoalSeeker:
    """One goal-seek, step by step: the data and ruler, the target, the indicators, the search, the
    answer. Build it, then :meth:`run` (or call :func:`goal_seek`)."""

    def __init__(self, data: Dataset, spec: Spec, region, *, target_rank=None, target_tier=None,
                 indicators=None, mode="renormalise", strategy=None, costs=None, max_pct=100.0,
                 bounds=None, tiers=None, edits=(), max_evals=None):
        check_choice("mode", mode, MODES)
        # the branch and bound's budget of target tests (None: the search's own, enough to prove)
        self.max_evals = None if max_evals is None else int(check_number("max_evals", max_evals, 1))
        if (target_rank is None) == (target_tier is None):
            raise EditError("Give exactly one target: target_rank (e.g. 15) or target_tier (e.g. 2).",
                            "请只给出一个目标：target_rank（如 15）或 target_tier（如 2）。", parameter="target")
        self.strategy = strategy or ("cheapest" if costs else "uniform")
        check_choice("strategy", self.strategy, STRATEGIES)
        # 1,000,000 % (×10,001) is far past any policy target; beyond it the searched values overflow
        self.max_pct = check_number("--max-pct", max_pct, 0.0, MAX_PCT)
        self.data, self.spec, self.mode, self.tiers_arg = data, spec, mode, tiers
        self.fw = spec.framework
        self.scenario_edits = resolve_edits(edits, data, self.fw) if edits else ()
        self._prepare(region)
        self._set_target(target_rank, target_tier)
        self._choose_indicators(indicators, costs, bounds)

    # -- data, ruler and tiers ------------------------------------------------------------------
    def _prepare(self, region) -> None:
        data, spec, fw = self.data, self.spec, self.fw
        self.base_data = apply_edits(data, self.scenario_edits, spec.year, fw) if self.scenario_edits else data
        # the unedited data give the ruler (fixed mode: its goalposts, as whatif) and the tiers (the
        # what-if's: its tiering and bars, moved by the crossing rule); the edits give the start
        self.unedited = build(data, spec)
        self.region = self.base_data.resolve_region(region)
        self.kern = evaluator(data, spec, self.unedited, self.mode)
        self.i = self.kern.regions.index(self.region)
        self.n = len(self.kern.regions)
        self.X0 = (self.base_data.matrix(self.kern.year, list(self.kern.leaves)).to_numpy(float)
                   if self.scenario_edits else np.array(self.kern.X))
        self.S0 = self.kern.composite(self.X0)
        self.btier = baseline_tiers(self.unedited, self.tiers_arg)
        self.tiering = _tiering_name(self.tiers_arg)
        self.before = self.unedited.composite.reindex(list(self.kern.regions))
        self.scen_edited = {e.region for e in self.scenario_edits}
        # bar holders: the scenario's (as the pages show them) and those once the search edits the
        # region (an edited region holds no bar: applying the answer makes it edited)
        self.hold_s = tier_bar_holders(self.before, self.btier, self.scen_edited)
        self.hold_g = tier_bar_holders(self.before, self.btier, self.scen_edited | {self.region})
        pos = {r: j for j, r in enumerate(self.before.index)}
        self.hj = [pos.get(r) if isinstance(r, str) or pd.notna(r) else None for r in self.hold_g]

    def tier_of(self, S, holders=None) -> int | None:
        t = tiers_after(self.before, pd.Series(S, index=self.before.index), self.btier,
                        holders=self.hold_g if holders is None else holders).iloc[self.i]
        return None if pd.isna(t) else int(t)

    # -- the target -------------------------------------------------------------------------------
    def _set_target(self, target_rank, target_tier) -> None:
        i, n = self.i, self.n
        self.others = np.array([k for k in range(n) if k != i])
        self.by_score = True
        self.bar_holder = None
        if not np.isfinite(self.S0[i]):
            raise EditError(f"{self.region} has no composite score (too little data), so it has no rank or tier to "
                            f"improve.", f"{self.region} 没有综合得分（数据不足），因此没有可提升的排名或梯队。",
                            parameter="region")
        if target_rank is not None:
            self.r = int(check_number("--target-rank", target_rank, 1, n))
            if self.r != target_rank:
                raise EditError(f"target_rank must be a whole number from 1 to {n}; got {target_rank!r}.",
                                f"target_rank 必须是 1 到 {n} 之间的整数；收到 {target_rank!r}。",
                                parameter="--target-rank")
            self.kind, self.target = "rank", f"rank {self.r}"
            return
        k = len(self.hold_g)
        t = target_tier
        if isinstance(t, bool) or k == 0 or not isinstance(t, (int, np.integer, float)) or int(t) != t \
                or not 1 <= t <= k:
            raise EditError(f"target_tier must be a whole number from 1 to {k}; got {target_tier!r}.",
                            f"target_tier 必须是 1 到 {k} 之间的整数；收到 {target_tier!r}。", parameter="--target-tier")
        self.t = int(t)
        self.kind, self.target = "tier", f"tier {self.t}"
        s_u, b0 = float(self.before.iloc[i]), int(self.btier.iloc[i])
        hj = self.hj
        bar0 = [float(self.before.iloc[j]) if j is not None else np.nan for j in hj]
        usable = [u for u in range(1, k + 1) if hj[u - 1] is not None and hj[u - 1] != i and np.isfinite(bar0[u - 1])]
        # what the crossing rule asks for, against the holders' CURRENT scores: from below, reach the
        # holder of a tier <= t whose unedited bar the region was under (the easiest of them); to stay
        # (b0 <= t), keep at or above the holder of every tier >= t whose unedited bar it was at or above
        self.ups = [u for u in usable if u <= self.t and u < b0 and s_u < bar0[u - 1]]
        self.stays = [u for u in usable if self.t <= u < k and s_u >= bar0[u - 1]] if b0 <= self.t else []
        self.b0 = b0
        self.by_score = b0 <= self.t or bool(self.ups)

    def bar_at(self, S):
        """(score to beat or reach, index of the region holding it) for composites ``S``."""
        if self.kind == "rank":
            if self.r > len(self.others):
                return -np.inf, None
            o = S[self.others]
            j = self.others[np.argsort(-o, kind="stable")[self.r - 1]]
            return float(S[j]), int(j)
        hj, cand = self.hj, []
        if self.ups:
            cand.append(min(((S[hj[u - 1]], hj[u - 1]) for u in self.ups), key=lambda x: x[0]))
        if self.b0 <= self.t:
            cand.append(max(((S[hj[u - 1]], hj[u - 1]) for u in self.stays), key=lambda x: x[0],
                            default=(-np.inf, None)))
        if not cand:  # not by score: report the target tier's holder
            j = hj[self.t - 1]
            return (float(S[j]), j) if j is not None else (np.nan, None)
        return min(cand, key=lambda x: x[0])

    def gap(self, S, margin=MARGIN) -> float:
        """>= 0 when composites ``S`` reach the target (with the search's margin past the bar)."""
        b, _ = self.bar_at(S)
        if not np.isfinite(b):
            return np.inf if b < 0 else -np.inf
        # a rank needs strictly more than the bar, a tier's bar is reached at equality: the margin
        # covers both, and the agreement of the fast path with build() (~1e-13)
        return S[self.i] - b - margin * max(1.0, abs(b))

    def already(self) -> bool:
        if self.kind == "rank":
            b, _ = self.bar_at(self.S0)
            return self.S0[self.i] > b
        t = self.tier_of(self.S0, self.hold_s)
        return t is not None and t <= self.t

    # -- indicators and bounds --------------------------------------------------------------------
    def _choose_indicators(self, indicators, costs, bounds) -> None:
        fw, i, kern = self.fw, self.i, self.kern
        cost_map = _mapping(costs, "costs", self.base_data, fw)
        if indicators is None:
            chosen = list(cost_map) if cost_map else list(fw.leaves)
        else:
            chosen = list(dict.fromkeys(resolve_indicator(x, self.base_data, fw) for x in indicators))
        if not chosen:
            raise EditError("No indicator to change: give at least one in 'indicators'.",
                            "没有可调整的指标：请在 “indicators” 中至少给出一个。", parameter="--indicators")
        bound_map = _mapping(bounds, "bounds", self.base_data, fw, MAX_PCT)
        excluded, cols, ub, cst = {}, [], [], []
        gp = kern.goalposts
        for ind in chosen:
            j = kern.leaves.index(ind)
            x = self.X0[i, j]
            d = kern.direction[j]
            if not np.isfinite(x):
                excluded[ind] = "missing value: a percentage change needs a value"
            elif x == 0:
                excluded[ind] = ("value is 0: it cannot grow by a percentage (use an absolute edit)" if d > 0
                                 else "value is 0: already the best possible, it cannot fall further")
            elif x < 0:
                excluded[ind] = "negative value: a percentage change is not an improvement"
            elif gp is not None and not (gp[1][j] > gp[0][j]):
                excluded[ind] = "no spread in the baseline: with fixed goalposts it scores 50 whatever its value"
            else:
                u = bound_map.get(ind, self.max_pct)
                if d < 0:
                    u = min(u, 100.0)
                cols.append(j)
                ub.append(u)
                cst.append(cost_map.get(ind, 1.0))
        self.chosen, self.excluded = chosen, excluded
        self.cols = np.array(cols, dtype=int)
        self.ub = np.array(ub, float)
        self.cst = np.array(cst, float)
        self.dirs = kern.direction[self.cols] if len(self.cols) else np.empty(0)
        self.x_i = self.X0[i, self.cols] if len(self.cols) else np.empty(0)

    def raw_at(self, p) -> np.ndarray:
        X = self.X0.copy()
        X[self.i, self.cols] = self.x_i * (1.0 + self.dirs * np.asarray(p, float) / 100.0)
        return X

    def state(self, p) -> np.ndarray:
        return self.kern.composite(self.raw_at(p)) if len(self.cols) else self.S0

    # -- searches ---------------------------------------------------------------------------------
    def uniform(self, margin=MARGIN) -> tuple[np.ndarray, float]:
        ub = self.ub
        u = bracket(lambda s: self.gap(self.state(np.minimum(s, ub)), margin), 0.0, float(ub.max()),
                    self.gap(self.S0, margin), self.gap(self.state(ub), margin))
        return np.minimum(u, ub), u

    def monotone(self) -> bool:
        """Whether the target test is monotone in the changes (proof of the cheapest answer holds):
        the ruler is frozen, or no re-fitted treatment switches between no change and the bounds."""
        if self.kern.frozen or self.spec.treat == "none" or not len(self.cols):
            return True
        t0 = self.kern.treatment(self.X0)
        t1 = self.kern.treatment(self.raw_at(self.ub))
        return t0 == t1 and all(self.kern.treatment(self.raw_at(np.where(np.arange(len(self.ub)) == j, self.ub, 0)))
                                == t0 for j in range(len(self.ub)))

    def cheapest(self, margin=MARGIN):
        """(changes, method, lower bound, proven)."""
        cst, ub = self.cst, self.ub
        if self.kern.linear:
            lo, hi = self.kern.goalposts
            reg = self.region
            g = np.array([self.unedited.effective_weights.at[reg, self.kern.leaves[c]] * 100.0 / (hi[c] - lo[c]) * x
                          * 0.01 for c, x in zip(self.cols, self.x_i)])
            b, _ = self.bar_at(self.S0)
            need = b - self.S0[self.i] + 2 * margin * max(1.0, abs(b))
            p = linprog_min(cst, g, need, ub)
            if p is not None and self.gap(self.state(p), margin) >= 0:
                cost = float(cst @ p)
                return p, "linprog", cost, True
        start = self._slp_start(margin)
        budget = {} if self.max_evals is None else {"max_evals": self.max_evals}
        res = cheapest_monotone(lambda p: self.gap(self.state(p), margin) >= 0, cst, ub, start=start,
                                rel_tol=REL_TOL, **budget)
        return res.p, "branch-and-bound", res.lower, bool(res.proven and self.monotone())

    def _slp_start(self, margin, max_iter: int = 12):
        """A reaching combination to start the branch and bound from: sequential linear programmes
        on finite-difference gains, then a trim of each change."""
        ub, cst = self.ub, self.cst
        m = len(ub)
        p = np.zeros(m)

        def G(q):
            return self.gap(self.state(q), margin)

        for _ in range(max_iter):
            g0 = G(p)
            if g0 >= 0:
                break
            grad = np.zeros(m)
            for k in range(m):
                h = min(1.0, ub[k] - p[k])
                if h <= 0:
                    continue
                e = p.copy()
                e[k] += h
                grad[k] = max(G(e) - g0, 0.0) / h
            room = ub - p
            need = -g0 * (1.0 + 1e-9)
            q = linprog_min(cst, grad, need, room) if grad @ room >= need else None
            step = room if q is None else q
            g1 = G(p + step)
            if g1 >= 0:
                lam = bracket(lambda a: G(p + a * step), 0.0, 1.0, g0, g1)
                p = np.minimum(p + lam * step, ub)
                break
            p = np.minimum(p + step, ub)
        if G(p) < 0:
            p = ub.copy()
        for k in np.argsort(-cst, kind="stable"):
            if p[k] <= 0:
                continue
            base = p.copy()

            def gap_at(v, k=k, base=base):
                r = base.copy()
                r[k] = v
                return G(r)

            g_zero = gap_at(0.0)
            if g_zero >= 0:
                p[k] = 0.0
                continue
            p[k] = bracket(gap_at, 0.0, base[k], g_zero, None)
        return p

    # -- the answer -------------------------------------------------------------------------------
    def _rounded(self, p, uniform=None):
        """Changes as displayed and applied: two decimals, rounded in the good direction, within bounds."""
        if uniform is not None:
            u = min(_round_up(uniform, DECIMALS), float(self.ub.max()))
            return np.minimum(u, self.ub), u
        q = np.array([min(_round_up(v, DECIMALS), u) if v > 0 else 0.0 for v, u in zip(p, self.ub)])
        return q, None

    def _polish(self, q, margin):
        """Drop or shave rounded changes that the target does not need (most expensive first): the
        search stops within its tolerance, so it may leave a sliver (+0.01 %) on an indicator."""
        q = q.copy()
        step = 10.0 ** -DECIMALS
        for k in np.argsort(-self.cst, kind="stable"):
            if q[k] <= 0:
                continue
            for trial in (0.0, max(0.0, q[k] - step)):
                r = q.copy()
                r[k] = trial
                if self.gap(self.state(r), margin) >= 0:
                    q = r
                    break
        return q

    def applied(self, p) -> tuple:
        """The scenario's edits once changes ``p`` are applied (composed where a cell is edited)."""
        cur = {(e.region, e.indicator): e for e in self.scenario_edits}
        for c, v, d in zip(self.cols, p, self.dirs):
            if v <= 0:
                continue
            ind = self.kern.leaves[c]
            signed = float(v * d)
            old = cur.get((self.region, ind))
            if old is None:
                cur[(self.region, ind)] = Edit(self.region, ind, "pct", signed)
            elif old.kind == "pct":
                cur[(self.region, ind)] = Edit(self.region, ind, "pct",
                                               _round_signed(compose_pct(float(old.amount), signed), EDIT_DECIMALS, d))
            else:  # an absolute value (or a match/percentile the scenario set): scale the value it gave
                x = self.X0[self.i, c]
                new = x * (1.0 + signed / 100.0)
                cur[(self.region, ind)] = Edit(self.region, ind, "abs", _round_signed(new, 6, d))
        return tuple(cur.values())

    def verify(self, edits) -> tuple[bool, pd.Series]:
        """Apply ``edits`` with :func:`whatif` (the pages' path): (target reached, the region's row)."""
        wi = whatif(self.data, self.spec, edits, self.mode, tiers=self.btier, baseline=self.unedited)
        row = wi.table.set_index("region").loc[self.region]
        if self.kind == "rank":
            ok = int(row["rank_after"]) <= self.r
        else:
            ok = pd.notna(row["tier_after"]) and int(row["tier_after"]) <= self.t
        return bool(ok), row

    def suggestions(self) -> dict:
        """What would work when the target is out of reach (computed only then)."""
        out: dict = {}
        S_best = self.state(self.ub)
        if self.kind == "rank":
            best = int(_ranks(S_best)[self.i])
            if best < int(_ranks(self.S0)[self.i]):
                out["nearer"] = (f"rank {best}", f"第 {best} 名")
        else:
            t_best = self.tier_of(S_best)
            if t_best is not None and t_best < int(self.btier.iloc[self.i]):
                out["nearer"] = (f"tier {t_best}", f"第 {t_best} 梯队")
        for cap in (200.0, 300.0, 500.0, 1000.0):
            if cap <= self.max_pct:
                continue
            ub = np.array([min(cap, 100.0) if d < 0 else cap for d in self.dirs])
            if len(ub) and self.gap(self.state(ub)) >= 0:
                out["cap"] = cap
                break
        try:
            from .levers import levers

            lv = levers(self.data, self.spec, self.region, mode=self.mode, edits=self.scenario_edits)
            best = [k for k in lv.table.index if k not in set(self.chosen) and lv.table.at[k, "gain_per_pct"] > 0][:3]
            if best:
                out["levers"] = tuple(best)
        except Exception:  # suggestions are a courtesy: a failure here must not hide the answer
            pass
        return out

    def run(self) -> GoalSeek:
        if self.already():
            return self._answer(True, "none-needed", np.zeros(len(self.cols)),
                                0.0 if self.strategy == "uniform" else None, 0.0 if self.strategy == "cheapest" else None)
        if not self.by_score:
            return self._answer(False, "not-by-score", np.zeros(len(self.cols)))
        if not len(self.cols):
            raise EditError("None of the chosen indicators can be improved by a percentage: "
                            + "; ".join(f"{k2}: {v}" for k2, v in self.excluded.items()) + ".",
                            "所选指标都无法按百分比改善：" + "；".join(self.excluded) + "（取值为 0、负数、缺失或无差异）。",
                            parameter="--indicators")
        if self.gap(self.state(self.ub)) < 0:
            return self._answer(False, "bounds", self.ub, float(self.ub.max()) if self.strategy == "uniform" else None,
                                float(self.cst @ self.ub) if self.strategy == "cheapest" else None,
                                suggestions=self.suggestions())
        margin = MARGIN
        for _ in range(3):
            if self.strategy == "uniform":
                p, u = self.uniform(margin)
                q, u = self._rounded(p, u)
                method, lower, proven = "bisection", None, True
            else:
                p, method, lower, proven = self.cheapest(margin)
                q, u = self._rounded(p)
                q = self._polish(q, margin)
            edits = self.applied(q)
            ok, row = self.verify(edits)
            if ok:
                return self._answer(True, method, q, u, None if u is not None else float(self.cst @ q), edits=edits,
                                    lower=lower, proven=proven, row=row, margin=margin)
            margin *= 10.0
        return self._answer(False, "bounds", self.ub, suggestions=self.suggestions())

    def _answer(self, reached, method, p, uniform=None, cost=None, *, edits=None, lower=None, proven=True,
                row=None, suggestions=None, margin=MARGIN) -> GoalSeek:
        p = np.asarray(p, float)
        S1 = self.state(p) if len(self.cols) else self.S0
        tier0 = self.tier_of(self.S0, self.hold_s)
        tier1 = self.tier_of(S1, self.hold_g if np.any(p > 0) else self.hold_s)
        rank1 = int(_ranks(S1)[self.i])
        s1 = float(S1[self.i])
        if row is not None:  # the verified numbers, as every page shows them
            s1, rank1 = float(row["score_after"]), int(row["rank_after"])
            tier1 = None if pd.isna(row["tier_after"]) else int(row["tier_after"])
        bar1, holder_j = self.bar_at(S1)
        hname = None if holder_j is None or self.kind == "rank" else self.kern.regions[holder_j]
        holder = None if hname is None else (self.base_data.region_name(hname, "en"),
                                             self.base_data.region_name(hname, "zh"))
        leaves = self.kern.leaves
        imp = {leaves[c]: float(v) for c, v in zip(self.cols, p)}
        chg = {leaves[c]: float(v * dd) for c, v, dd in zip(self.cols, p, self.dirs)}
        if method != "bounds":  # keep only the indicators that move
            imp = {k: v for k, v in imp.items() if v > 0}
            chg = {k: v for k, v in chg.items() if v != 0}
        S_best = self.state(self.ub) if len(self.cols) else self.S0
        w = messages.words(self.base_data, self.fw, self.region, self.mode)
        en, zh = messages.goal_messages(
            reached=reached, method=method, w=w, target=self.target, strategy=self.strategy, s0=float(self.S0[self.i]),
            s1=s1, rank0=int(_ranks(self.S0)[self.i]), rank1=rank1, bar_score=bar1, chg=chg, excluded=self.excluded,
            max_pct=self.max_pct, best_score=float(S_best[self.i]), best_rank=int(_ranks(S_best)[self.i]),
            uniform=uniform, cost=cost, tier0=tier0, holder=holder, lower=lower if not proven else None,
            suggestions=suggestions, tiering=self.tiering)
        en, zh = self._treatment_note(en, zh, reached, p, w)
        return GoalSeek(
            reached=bool(reached), region=self.region, mode=self.mode, strategy=self.strategy, method=method,
            target=self.target, target_score=float(bar1), changes=MappingProxyType(chg),
            improvements=MappingProxyType(imp), uniform_pct=None if uniform is None else float(uniform),
            cost=None if cost is None else float(cost), score_before=float(self.S0[self.i]), score_after=s1,
            rank_before=int(_ranks(self.S0)[self.i]), rank_after=rank1, tier_before=tier0, tier_after=tier1,
            best_score=float(S_best[self.i]), best_rank=int(_ranks(S_best)[self.i]),
            excluded=MappingProxyType(dict(self.excluded)), year=self.kern.year, message_en=en, message_zh=zh,
            applied_edits=tuple(edits or ()), lower_bound=None if lower is None else float(lower),
            proven=bool(proven), suggestions=MappingProxyType(dict(suggestions or {})), tiering=self.tiering,
            margin=float(margin))

    def _treatment_note(self, en, zh, reached, p, w):
        if self.kern.frozen or self.spec.treat == "none" or not len(self.cols):
            return en, zh
        t0, t1 = self.kern.treatment(self.X0), self.kern.treatment(self.raw_at(p))
        if t0 == t1:
            return en, zh
        changed = list(dict.fromkeys(k for k, _ in sorted(set(t0.items()) ^ set(t1.items()))))
        ids_en = ", ".join(w["ind_en"](k) for k in changed)
        ids_zh = "、".join(w["ind_zh"](k) for k in changed)
        if reached:
            en += (f" Note: at this point the re-fitted outlier treatment of {ids_en} changes, so the score can jump; "
                   f"the answer reaches the target, but a cheaper one cannot be ruled out.")
            zh += f" 注意：此时 {ids_zh} 的偏态处理重新拟合后发生变化，得分可能跳变；所得方案可达到目标，但不能排除更便宜的方案。"
        else:
            en += (f" Note: at the bounds the re-fitted outlier treatment of {ids_en} differs from the baseline's; "
                   f"try fixed baseline goalposts.")
            zh += f" 注意：在上限处 {ids_zh} 的偏态处理与基线不同；可尝试固定基线上下限。"
        return en, zh


def _tiering_name(tiers) -> str:
    """The tiering a tier target is measured against: "sizes" (the default), "kmeans", ... or "given"."""
    if tiers is None:
        return "sizes"
    name = tiers.attrs.get("method") if isinstance(tiers, pd.Series) else getattr(tiers, "method", None)
    return str(name) if name in ("sizes", "kmeans", "jenks", "average") else "given"


def goal_seek(data: Dataset, spec: Spec, region, *, target_rank: int | None = None,
              target_tier: int | None = None, indicators=None, mode: str = "renormalise",
              strategy: str | None = None, costs: Mapping | None = None, max_pct: float = 100.0,
              bounds: Mapping | None = None, tiers=None, edits=(), max_evals: int | None = None) -> GoalSeek:
    """The smallest improvement that lifts ``region`` to a rank or a tier (see the module notes).

    Parameters
    ----------
    data : Dataset
    spec : Spec
    region : str
        Region id or name.
    target_rank, target_tier : int
        Exactly one: reach rank ``r`` (strictly above the ``r``-th best other region after the edit)
        or tier ``t`` (the crossing rule against the tiering in force).
    indicators : iterable of str, optional
        Indicators that may change (default: every indicator, or the costed ones).
    mode : {"renormalise", "fixed"}
    strategy : {"uniform", "cheapest"}, optional
        Default: ``"cheapest"`` when ``costs`` is given, else ``"uniform"``.
    costs : mapping indicator -> cost per percentage point, optional
    max_pct : float
        Upper bound of every improvement, in percent (default 100; lower-is-better: at most 100).
    bounds : mapping indicator -> max percent, optional
    tiers : None, Series or callable
        The tiering in force (see :func:`iiscore.simulate.baseline_tiers`; default the report's sizes).
    edits : iterable of Edit, optional
        A scenario's edits, applied first (the start of the search).
    max_evals : int, optional
        ``strategy="cheapest"`` off the linear case: at most this many target tests in the branch and
        bound (default: its own budget, 60 000, enough to prove most answers). A smaller budget
        returns the best combination found so far -- it still reaches the target, checked as every
        answer is -- with ``proven=False`` unless the proof completed, and the bound reached in
        ``lower_bound``.

    Returns
    -------
    GoalSeek
    """
    return GoalSeeker(data, spec, region, target_rank=target_rank, target_tier=target_tier, indicators=indicators,
                      mode=mode, strategy=strategy, costs=costs, max_pct=max_pct, bounds=bounds, tiers=tiers,
                      edits=edits, max_evals=max_evals).run()
