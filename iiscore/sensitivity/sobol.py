"""Sobol indices (SALib) of each uncertain input on rank outputs."""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from ..errors import SpecError, check_number, check_seed
from ..spec import Spec
from ._common import DEFAULT_CHUNK, _check_int, _check_progress, _check_region
from .engine import engine
from .evaluator import rank_rows
from .montecarlo import check_samples

__all__ = ["SobolResult", "sobol"]


@dataclass(frozen=True)
class SobolResult:
    """Result of :func:`sobol`.

    Attributes
    ----------
    table : DataFrame
        Columns ``output, input, S1, S1_conf, ST, ST_conf``: one row per output (``mean_abs_shift``,
        ``rank:<region>``) and uncertain input (``weight:<id>``, ``normalisation``, ...; or the
        groups with ``group_weights``). ``*_conf`` are half-widths of the ``conf_level`` bootstrap
        confidence intervals.
    problem : dict
        The SALib problem (names, bounds, groups).
    samples : int
        Base samples ``N``; the model was evaluated ``N (D + 2)`` times.
    evaluations : int
    settings : dict
    """

    table: pd.DataFrame
    problem: dict
    samples: int
    evaluations: int
    settings: dict


def sobol(data, spec: Spec, *, samples: int = 4096, seed: int = 0, level: str = "pillars",
          weight_noise: float | None = None, concentration: float | None = None,
          vary=("weights",), normalisations=None, aggregations=None, treatments=None,
          regions: str | Sequence[str] | None = None, group_weights: bool = False,
          num_resamples: int = 100, conf_level: float = 0.95, chunk_size: int = DEFAULT_CHUNK,
          progress: Callable[[float], None] | None = None) -> SobolResult:
    """First-order and total Sobol indices of each uncertain input on rank outputs (SALib).

    Parameters
    ----------
    data, spec, level, weight_noise, concentration, vary, normalisations, aggregations, treatments
        As in :func:`monte_carlo`.
    samples : int
        Base sample size ``N`` of Saltelli's scheme (a power of 2 is best); the model is
        evaluated ``N (D + 2)`` times for ``D`` inputs (or groups).
    seed : int
        Seed of the scrambled Sobol' sequence and of the bootstrap.
    regions : str or sequence of str, optional
        Regions whose rank is an output, besides the mean absolute rank shift.
    group_weights : bool
        Treat all weights as one input ``"weights"`` (SALib groups) instead of one per weight.
    num_resamples, conf_level
        Bootstrap of the confidence intervals (SALib).
    chunk_size, progress
        As in :func:`monte_carlo`.

    Returns
    -------
    SobolResult

    Notes
    -----
    Inputs are independent ``u ∈ [0, 1)`` mapped explicitly:

    * a weight ``w_k`` of a parent whose weights vary (base ``w0_k > 0``): uniform noise
      ``w_k ∝ w0_k (1 - x + 2 x u_k)``; Dirichlet ``w_k ∝ F⁻¹_{Γ(α w0_k, 1)}(u_k)`` (normalised
      independent gammas are exactly ``Dirichlet(α w0)``); renormalised within the parent;
    * a categorical choice among ``m`` options: ``floor(u · m)`` picks option ``0..m-1`` in the
      order given.

    Outputs per evaluation: ``mean_abs_shift = Σ_i |rank_i - base_rank_i| / n_regions`` and the
    rank of each of ``regions``. An output that never changes gets S1 = ST = 0. Indices come from
    ``SALib.analyze.sobol.analyze(calc_second_order=False)`` (Saltelli 2010 / Jansen estimators);
    its bootstrap is seeded with ``np.random.default_rng(seed)`` (SALib treats ``seed=0`` as
    "unseeded", so the generator is passed, not the integer).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    seed = check_seed(seed)
    chunk_size = _check_int("chunk_size", chunk_size, minimum=1)
    num_resamples = _check_int("num_resamples", num_resamples, minimum=2)
    progress = _check_progress(progress)
    conf_level = check_number("conf_level", conf_level, 0.0, 1.0, low_open=True, high_open=True)
    eng = engine(data, spec, level, vary, weight_noise, concentration, normalisations, aggregations, treatments)
    vary, law = eng.vary, eng.law
    inputs = eng.sobol_inputs()
    if not inputs:
        raise SpecError(
            "Nothing varies: give 'vary' with weights (and a non-zero 'weight_noise' or a finite "
            "'concentration') and/or choices with at least two options.",
            "没有任何不确定输入：请在 “vary” 中包含权重（且 “weight_noise” 非零或 “concentration” 有限），"
            "或至少两个候选项的方法选择。", parameter="vary")
    names = [n for n, _ in inputs]
    samples = check_samples(samples, eng.R * (len(names) + 2), minimum=2)
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    if group_weights:
        groups = ["weights" if kind == "weight" else n for n, kind in inputs]
        if len(set(groups)) < 2:
            raise SpecError(
                "With 'group_weights' there is a single input group (the weights): its indices are "
                "trivially 1. Vary a method choice too, or set group_weights=False.",
                "使用 “group_weights” 时只有一个输入组（权重），其指数恒为 1。请同时改变某个方法选择，"
                "或设 group_weights=False。", parameter="group_weights")
        problem["groups"] = groups
    if regions is None:
        regions = ()
    elif isinstance(regions, str):
        regions = (regions,)
    reg_ids = [_check_region(eng.regions, data, r, "regions") for r in regions]
    reg_pos = [eng.regions.index(r) for r in reg_ids]

    X = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    M = X.shape[0]
    base_rank = eng.base.ranks[spec.framework.root].to_numpy().astype(np.int64)
    Y = np.empty((M, 1 + len(reg_pos)))
    for start in range(0, M, chunk_size):
        stop = min(M, start + chunk_size)
        W, V = eng.from_unit(X[start:stop])
        ranks = rank_rows(eng.composite(W, V))
        Y[start:stop, 0] = np.abs(ranks - base_rank[None, :]).mean(axis=1)
        if reg_pos:
            Y[start:stop, 1:] = ranks[:, reg_pos]
        if progress is not None:
            progress(stop / M)
    out_names = ["mean_abs_shift"] + [f"rank:{r}" for r in reg_ids]
    in_names = list(dict.fromkeys(problem.get("groups", names)))
    rows = []
    for j, oname in enumerate(out_names):
        y = Y[:, j]
        if np.ptp(y) == 0:
            S = {"S1": np.zeros(len(in_names)), "S1_conf": np.zeros(len(in_names)),
                 "ST": np.zeros(len(in_names)), "ST_conf": np.zeros(len(in_names))}
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                S = sobol_analyze.analyze(problem, y, calc_second_order=False,
                                          num_resamples=num_resamples, conf_level=conf_level,
                                          seed=np.random.default_rng(seed))
        for i, iname in enumerate(in_names):
            rows.append({"output": oname, "input": iname, "S1": float(S["S1"][i]),
                         "S1_conf": float(S["S1_conf"][i]), "ST": float(S["ST"][i]),
                         "ST_conf": float(S["ST_conf"][i])})
    settings = {"seed": seed, "level": level, "law": law[0], "law_parameter": law[1], "vary": vary,
                "options": {n: o for n, o in eng.choices}, "regions": tuple(reg_ids),
                "group_weights": bool(group_weights), "num_resamples": num_resamples,
                "conf_level": conf_level, "base": spec.describe()}
    return SobolResult(table=pd.DataFrame(rows), problem=problem, samples=samples, evaluations=M,
                       settings=settings)
