"""The Monte Carlo / Sobol sampling engine: method variants (one build each), the weight law,
seeded random blocks, chunk evaluation. A per-call object: no module state."""
from __future__ import annotations

import numpy as np

from ..errors import IIScoreError, SpecError, check_choice
from ..pipeline import build
from ..spec import Spec
from ._common import (_CHOICES, BLOCK, LEVELS, _check_options, _check_vary, _weight_law)
from .evaluator import WeightEvaluator, evaluator, varying_parents

__all__ = ["Engine", "engine"]


class Engine:
    """Variants (one build each, all built up front), weight law, random blocks, chunk evaluation."""

    def __init__(self, data, spec: Spec, level: str, vary: tuple, law: tuple, options: dict):
        if not isinstance(spec, Spec):
            raise SpecError("'spec' must be a Spec (see iiscore.Spec / default_spec()).",
                            "“spec” 必须是 Spec（见 iiscore.Spec / default_spec()）。", parameter="spec")
        self.data, self.spec = data, spec
        self.fw = spec.framework
        check_choice("level", level, LEVELS)
        self.level = level
        self.vary = vary
        self.law = law
        self.base = build(data, spec)
        self.regions = self.base.regions
        self.R = len(self.regions)
        parents = varying_parents(self.fw, level) if "weights" in vary else ()
        self.parents = parents
        self.slots = tuple((p, c) for p in parents for c in self.fw.children(p))
        self.base_w = np.concatenate([self.fw.local_weights(p).to_numpy() for p in parents]) \
            if parents else np.zeros(0)
        # groups with at least two positive weights are random; the others stay at base
        self.groups = []
        pos = 0
        for p in parents:
            k = len(self.fw.children(p))
            w = self.base_w[pos:pos + k]
            free = np.flatnonzero(w > 0)
            if len(free) >= 2 and law[0] != "fixed":
                self.groups.append((p, pos + free))
            pos += k
        # categorical choices
        self.choices = []
        for name in _CHOICES:
            if name in vary:
                self.choices.append((name, options[name]))
        values = {n: [getattr(spec, n)] for n in _CHOICES}
        values.update({n: list(o) for n, o in self.choices})
        if "zscore" in values["normalisation"] and "geometric" in values["aggregation"]:
            raise SpecError(
                "z-score normalisation cannot be combined with geometric aggregation (negative "
                "scores). Remove 'zscore' from the normalisations or 'geometric' from the aggregations.",
                "z 分数标准化不能与几何平均聚合组合（得分为负）。请从标准化方法中去掉 'zscore'，"
                "或从聚合方法中去掉 'geometric'。", parameter="normalisations")
        self.sizes = tuple(len(o) for _, o in self.choices)
        self.n_variants = int(np.prod(self.sizes)) if self.sizes else 1
        self._evs: dict = {}
        for v in range(self.n_variants if self.n_variants > 1 else 0):  # one build per variant
            try:
                self.ev(v)
            except IIScoreError as exc:
                vs = self.variant_spec(v)
                combo = ", ".join(f"{n}={getattr(vs, n)}" for n in _CHOICES)
                combo_zh = "，".join(f"{n}={getattr(vs, n)}" for n in _CHOICES)
                raise SpecError(
                    f"The sampled combination {combo} cannot be built: {exc.message('en')} "
                    f"Remove one of these options from the sampled choices.",
                    f"抽样组合 {combo_zh} 无法计算：{exc.message('zh')} 请从候选方法中去掉其中一项。",
                    parameter="vary") from None

    # -- variants ------------------------------------------------------------------------------
    def variant_spec(self, v: int) -> Spec:
        vals = {}
        for (name, opts), i in zip(self.choices, np.unravel_index(v, self.sizes) if self.sizes else ()):
            vals[name] = opts[int(i)]
        if not vals:
            return self.spec
        if vals.get("normalisation", self.spec.normalisation) != "minmax":
            vals["goalposts"] = None
        return self.spec.replace(**vals)

    def ev(self, v: int) -> WeightEvaluator:
        if v not in self._evs:
            vs = self.variant_spec(v)
            res = self.base if vs == self.spec else build(self.data, vs)
            self._evs[v] = evaluator(res, parents=self.parents)
        return self._evs[v]

    def composite(self, W, V) -> np.ndarray:
        return self.evaluate(W, V)[0]

    def evaluate(self, W, V, fixed: "object | None" = None):
        """Composite (n, R) and, for the scores/centroids tier rules, tier indices (n, R)."""
        want = fixed is not None and fixed.rule != "ranks"
        keep = fixed.features[1:] if want and fixed.rule == "centroids" else ()
        if V is None or self.n_variants == 1:
            comp, feats = self.ev(0)._roll(W, keep, static_1d=True)
            return comp, (fixed.assign(comp, feats) if want else None)
        comp = np.empty((W.shape[0], self.R))
        ti = np.empty((W.shape[0], self.R), dtype=np.int64) if want else None
        for v in np.unique(V):
            idx = np.flatnonzero(V == v)
            c, feats = self.ev(int(v))._roll(W[idx], keep, static_1d=True)
            comp[idx] = c
            if want:
                ti[idx] = fixed.assign(c, feats)
        return comp, ti

    # -- random draws ----------------------------------------------------------------------------
    def _block(self, seed: int, b: int):
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(b,)))
        W = np.broadcast_to(self.base_w, (BLOCK, len(self.base_w))).copy()
        kind, par = self.law
        for _, idx in self.groups:
            w0 = self.base_w[idx]
            if kind == "noise":
                raw = w0[None, :] * rng.uniform(1.0 - par, 1.0 + par, size=(BLOCK, len(idx)))
                W[:, idx] = raw / raw.sum(axis=1, keepdims=True)
            else:
                W[:, idx] = rng.dirichlet(par * w0, size=BLOCK)
        codes = [rng.integers(size, size=BLOCK) for size in self.sizes]
        V = np.ravel_multi_index(codes, self.sizes).astype(np.int64) if codes \
            else np.zeros(BLOCK, dtype=np.int64)
        return W, V

    def draw(self, seed: int, start: int, stop: int):
        """Weights (stop-start, n_slots) and variant codes for replications [start, stop)."""
        b0, b1 = start // BLOCK, (stop - 1) // BLOCK + 1
        Ws, Vs = zip(*(self._block(seed, b) for b in range(b0, b1)))
        off = b0 * BLOCK
        W = np.concatenate(Ws)[start - off:stop - off]
        V = np.concatenate(Vs)[start - off:stop - off]
        return W, V

    # -- Sobol mapping ---------------------------------------------------------------------------
    def sobol_inputs(self) -> list[tuple[str, str]]:
        """(name, kind) of each uncertain input: weight slots of random groups, then choices."""
        names = []
        for _, idx in self.groups:
            for j in idx:
                names.append((f"weight:{self.slots[j][1]}", "weight"))
        names += [(name, "choice") for name, opts in self.choices if len(opts) > 1]
        return names

    def from_unit(self, X: np.ndarray):
        """Map a unit-cube sample to weights and variant codes (see :func:`sobol`)."""
        from scipy.special import gammaincinv

        n = X.shape[0]
        W = np.broadcast_to(self.base_w, (n, len(self.base_w))).copy()
        col = 0
        kind, par = self.law
        for _, idx in self.groups:
            w0 = self.base_w[idx]
            U = X[:, col:col + len(idx)]
            col += len(idx)
            if kind == "noise":
                raw = w0[None, :] * (1.0 - par + 2.0 * par * U)
            else:
                raw = gammaincinv(par * w0[None, :], U)
            tot = raw.sum(axis=1, keepdims=True)
            W[:, idx] = np.where(tot > 0, raw / np.where(tot > 0, tot, 1.0), w0[None, :])
        codes = []
        for name, opts in self.choices:
            if len(opts) > 1:
                codes.append(np.minimum(np.floor(X[:, col] * len(opts)).astype(np.int64), len(opts) - 1))
                col += 1
            else:
                codes.append(np.zeros(n, np.int64))
        V = np.ravel_multi_index(codes, self.sizes).astype(np.int64) if codes else np.zeros(n, np.int64)
        return W, V



def engine(data, spec, level, vary, weight_noise, concentration, normalisations, aggregations,
            treatments) -> "Engine":
    """The sampling engine shared by :func:`monte_carlo` and :func:`sobol`, arguments checked."""
    options = {"normalisation": _check_options("normalisation", normalisations),
               "aggregation": _check_options("aggregation", aggregations),
               "treat": _check_options("treat", treatments)}
    return Engine(data, spec, level, _check_vary(vary), _weight_law(weight_noise, concentration), options)


