"""The searches behind goal-seeking, apart from what they search for.

* :func:`bracket` -- the smallest ``x`` with ``f(x) >= 0`` for a non-decreasing ``f`` (Illinois
  regula falsi with bisection safeguards).
* :func:`linprog_min` -- ``min c·p`` subject to ``g·p >= need``, ``0 <= p <= ub`` (HiGHS): the exact
  cheapest combination when the composite is linear in the changes.
* :func:`cheapest_monotone` -- ``min c·p`` over ``0 <= p <= ub`` subject to ``reach(p)`` when
  ``reach`` is *monotone* (raising any change never loses the target), by branch and bound over
  boxes. Monotonicity gives every bound: a box ``[a, b]`` holds a feasible point only if ``reach(b)``;
  every feasible point ``p`` of the box has ``p_j`` above the largest ``t`` with
  ``not reach(b with p_j = t)`` (found by bisection and kept on the infeasible side, so the bound
  is valid); ``c·a`` of the raised lower corner bounds the box's cost from below; and ``a`` itself
  is the box's cheapest point when ``reach(a)``. The search stops when the best combination found
  costs at most the tolerance more than the lowest bound of the boxes left: the answer is then
  *proven* optimal within that tolerance (Tuy's monotonic optimisation, box variant).
"""
from __future__ import annotations

import heapq

import numpy as np

__all__ = ["bracket", "linprog_min", "cheapest_monotone", "Cheapest"]


def bracket(fun, lo: float, hi: float, f_lo: float | None = None, f_hi: float | None = None,
            rel: float = 1e-10, max_iter: int = 200) -> float:
    """Smallest ``x`` in ``[lo, hi]`` with ``fun(x) >= 0``, for a non-decreasing ``fun`` with
    ``fun(lo) < 0 <= fun(hi)``.

    Illinois (modified regula falsi) steps, with a plain bisection step every fourth iteration so
    that a jump in ``fun`` cannot stall it. The bracket ``[miss, reach]`` is kept throughout and the
    reaching end is returned once the bracket is narrower than ``rel`` (relative): the result
    reaches, and any value below it by more than that misses.
    """
    f_lo = fun(lo) if f_lo is None else f_lo
    f_hi = fun(hi) if f_hi is None else f_hi
    side = 0
    for it in range(max_iter):
        width = hi - lo
        if width <= rel * max(abs(hi), 1e-12):
            break
        x = 0.5 * (lo + hi)
        if it % 4 != 3 and np.isfinite(f_lo) and np.isfinite(f_hi) and f_hi > f_lo:
            xf = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
            x = min(max(xf, lo + 1e-3 * rel * width), hi - 1e-3 * rel * width)
        fx = fun(x)
        if fx >= 0:
            hi, f_hi = x, fx
            if side == 1:
                f_lo *= 0.5
            side = 1
        else:
            lo, f_lo = x, fx
            if side == -1:
                f_hi *= 0.5
            side = -1
    return hi


def linprog_min(c, g, need, ub):
    """``min c·p`` s.t. ``g·p >= need``, ``0 <= p <= ub`` (HiGHS); None when infeasible."""
    from scipy.optimize import linprog

    c = np.asarray(c, float)
    # a tiny penalty on Σp breaks ties between free (zero-cost) changes in favour of less change
    eps = 1e-9 * (1.0 + float(np.max(c)) if len(c) else 1.0)
    res = linprog(c + eps, A_ub=-np.asarray(g, float)[None, :], b_ub=[-need],
                  bounds=list(zip(np.zeros(len(ub)), ub)), method="highs")
    if res.status != 0:
        return None
    return np.clip(res.x, 0.0, ub)


class Cheapest:
    """Result of :func:`cheapest_monotone`: the combination, its cost, the proven lower bound."""

    __slots__ = ("p", "cost", "lower", "proven", "evaluations", "boxes")

    def __init__(self, p, cost, lower, proven, evaluations, boxes):
        self.p, self.cost, self.lower, self.proven = p, cost, lower, proven
        self.evaluations, self.boxes = evaluations, boxes

    @property
    def gap(self) -> float:
        """Relative distance between the cost found and the proven lower bound."""
        return 0.0 if self.cost <= 0 else max(0.0, (self.cost - self.lower) / self.cost)


def cheapest_monotone(reach, cost, ub, *, start=None, rel_tol: float = 1e-3, abs_tol: float = 1e-6,
                      max_evals: int = 60_000) -> Cheapest:
    """Cheapest ``p`` in ``[0, ub]`` with ``reach(p)``, for a monotone ``reach`` (see the module notes).

    Parameters
    ----------
    reach : callable ndarray -> bool
        Whether changes ``p`` reach the target; must be non-decreasing in every coordinate.
        ``reach(ub)`` must hold.
    cost : ndarray of positive costs per unit of each change
    ub : ndarray of upper bounds
    start : ndarray, optional
        A reaching combination found by a heuristic (the first incumbent).
    rel_tol, abs_tol : float
        The answer is proven when its cost exceeds the lowest remaining bound by at most
        ``max(abs_tol, rel_tol · cost)``.
    max_evals : int
        Budget of ``reach`` evaluations; when it runs out the best combination so far is returned
        with ``proven=False`` and the bound reached.
    """
    cost = np.asarray(cost, float)
    ub = np.asarray(ub, float)
    m = len(ub)
    n_eval = 0

    def F(p):
        nonlocal n_eval
        n_eval += 1
        return bool(reach(p))

    best_p, best = ub.copy(), float(cost @ ub)
    if start is not None:
        start = np.clip(np.asarray(start, float), 0.0, ub)
        if float(cost @ start) < best and F(start):
            best_p, best = start, float(cost @ start)

    def tol(v):
        return max(abs_tol, rel_tol * v)

    counter = 0
    heap = [(0.0, counter, np.zeros(m), ub.copy())]
    boxes = 0
    # the lowest bound of the boxes given up because they cannot beat the incumbent by more than the
    # tolerance: the reported lower bound must count them (they may hold points a little cheaper)
    given_up = np.inf

    def give_up(v):
        nonlocal given_up
        given_up = min(given_up, v)

    while heap and n_eval < max_evals:
        lb, _, a, b = heapq.heappop(heap)
        if lb >= best - tol(best):
            give_up(lb)
            for h in heap:
                give_up(h[0])
            heap.clear()  # every box left is at least as expensive
            break
        boxes += 1
        # cut the upper corner: nothing above the incumbent's cost is worth searching
        with np.errstate(divide="ignore", invalid="ignore"):
            cut = np.where(cost > 0, a + (best - float(cost @ a)) / np.where(cost > 0, cost, 1.0), b)
        b = np.minimum(b, np.maximum(cut, a))
        if not F(b):
            continue
        # raise the lower corner: p_j must exceed the largest t with not reach(b with p_j = t)
        a = a.copy()
        for j in range(m):
            if b[j] - a[j] <= 1e-12 * max(1.0, ub[j]):
                continue
            q = b.copy()
            q[j] = a[j]
            if F(q):
                continue
            lo, hi = a[j], b[j]
            eps = max(1e-9 * max(1.0, ub[j]), 1e-3 * (b[j] - a[j]))
            while hi - lo > eps and n_eval < max_evals:
                q[j] = 0.5 * (lo + hi)
                if F(q):
                    hi = q[j]
                else:
                    lo = q[j]
            a[j] = lo
        lb = float(cost @ a)
        if lb >= best - tol(best):
            give_up(lb)
            continue
        if F(a):
            best_p, best = a.copy(), lb
            continue
        # a reaching point on the segment a -> b: a better incumbent sooner
        lam = bracket(lambda t: 1.0 if F(a + t * (b - a)) else -1.0, 0.0, 1.0, -1.0, 1.0, rel=1e-6, max_iter=40)
        cand = a + lam * (b - a)
        if float(cost @ cand) < best:
            best_p, best = cand, float(cost @ cand)
        # split the box where it spends most cost
        j = int(np.argmax(cost * (b - a)))
        mid = 0.5 * (a[j] + b[j])
        left_b, right_a = b.copy(), a.copy()
        left_b[j], right_a[j] = mid, mid
        for aa, bb in ((a, left_b), (right_a, b)):
            lbb = float(cost @ aa)
            if lbb < best - tol(best):
                counter += 1
                heapq.heappush(heap, (lbb, counter, aa, bb))
            else:
                give_up(lbb)
    lower = min([h[0] for h in heap], default=best)
    lower = min(lower, best, given_up)
    proven = (not heap) or lower >= best - tol(best)
    return Cheapest(best_p, best, lower, bool(proven), n_eval, boxes)
