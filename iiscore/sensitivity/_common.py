"""What every sensitivity method shares: the option vocabulary and the argument checks."""
from __future__ import annotations

import math
from typing import Sequence

from ..aggregate import AGGREGATIONS
from ..errors import IIScoreError, SpecError, check_choice, check_int, check_seed
from ..normalise import NORMALISATIONS
from ..treat import TREATMENTS

__all__ = ["LEVELS", "VARY", "TIER_RULES", "DEFAULT_NORMALISATIONS", "DEFAULT_NOISE", "DEFAULT_CHUNK", "BLOCK"]

#: Which weights vary: the root's children, everything below them, or all.
LEVELS = ("pillars", "indicators", "both")
#: Uncertain assumptions a Monte Carlo or Sobol run can vary.
VARY = ("weights", "normalisation", "aggregation", "treat")
#: How a replication's composite is turned into a tier with the base tiering's fixed thresholds.
TIER_RULES = ("auto", "scores", "ranks", "centroids")
#: Normalisations sampled when ``normalisation`` varies and none are given: both on 0-100 and valid
#: with geometric aggregation and every treatment ("frontier" of log-treated values can be negative).
DEFAULT_NORMALISATIONS = ("minmax", "rank")
#: Default uniform weight noise (±20 %) when neither ``weight_noise`` nor ``concentration`` is set.
DEFAULT_NOISE = 0.2
#: Default number of replications evaluated at once.
DEFAULT_CHUNK = 4096
#: Replications per random block (see the module notes on randomness).
BLOCK = 1024

_CHOICES = ("normalisation", "aggregation", "treat")  # categorical inputs, in this order
_ALLOWED = {"normalisation": NORMALISATIONS, "aggregation": AGGREGATIONS,
            "treat": TREATMENTS}
_DEFAULT_OPTIONS = {"normalisation": DEFAULT_NORMALISATIONS, "aggregation": AGGREGATIONS,
                    "treat": TREATMENTS}




def _check_int(name: str, value, minimum: int = 0, maximum: int | None = None) -> int:
    return check_int(name, value, minimum, maximum)


def _check_progress(progress):
    if progress is not None and not callable(progress):
        raise SpecError(
            "The 'progress' parameter must be a function f(fraction_done) or None.",
            "参数 “progress” 必须是函数 f(完成比例) 或 None。", parameter="progress")
    return progress


def _weight_law(weight_noise, concentration) -> tuple[str, float]:
    """``("noise", x)``, ``("dirichlet", α)`` or ``("fixed", 0)`` from the two exclusive options."""
    if weight_noise is not None and concentration is not None:
        raise SpecError(
            "Give either 'weight_noise' (uniform ±x noise) or 'concentration' (Dirichlet), not both.",
            "“weight_noise”（均匀 ±x 扰动）与 “concentration”（狄利克雷分布）只能给出其中一个。",
            parameter="weight_noise")
    if concentration is not None:
        try:
            a = float(concentration)
        except (TypeError, ValueError):
            a = float("nan")
        if not a > 0:
            raise SpecError(
                f"The 'concentration' parameter must be a positive number (e.g. 50; larger = "
                f"closer to the base weights, inf = the base weights). Got {concentration!r} instead.",
                f"参数 “concentration” 必须是正数（如 50；越大越接近基准权重，inf 即基准权重），"
                f"收到的是 {concentration!r}。", parameter="concentration")
        return ("fixed", 0.0) if math.isinf(a) else ("dirichlet", a)
    x = DEFAULT_NOISE if weight_noise is None else weight_noise
    try:
        x = float(x)
    except (TypeError, ValueError):
        x = float("nan")
    if not 0.0 <= x < 1.0:
        raise SpecError(
            f"The 'weight_noise' parameter must be in [0, 1) (e.g. 0.2 for ±20 %). Got {weight_noise!r} instead.",
            f"参数 “weight_noise” 必须在 [0, 1) 之间（如 0.2 表示 ±20%），收到的是 {weight_noise!r}。",
            parameter="weight_noise")
    return ("fixed", 0.0) if x == 0.0 else ("noise", x)


def _check_vary(vary) -> tuple[str, ...]:
    if vary is None:
        return ("weights",)
    items = [v.strip() for v in vary.split(",")] if isinstance(vary, str) else list(vary)
    items = [v for v in items if v != ""]
    for v in items:
        check_choice("vary", v, VARY)
    return tuple(dict.fromkeys(items))


def _check_options(name: str, given) -> tuple[str, ...]:
    """Validated options of the categorical choice ``name`` (parameter ``name + "s"``)."""
    param = {"treat": "treatments"}.get(name, name + "s")
    if given is None:
        opts = _DEFAULT_OPTIONS[name]
    else:
        opts = [v.strip() for v in given.split(",")] if isinstance(given, str) else list(given)
    opts = tuple(dict.fromkeys(opts))
    if not opts:
        raise SpecError(
            f"The '{param}' parameter is empty; give at least one of {', '.join(_ALLOWED[name])}.",
            f"参数 “{param}” 为空；请至少给出 {'、'.join(_ALLOWED[name])} 中的一个。",
            parameter=param)
    for o in opts:
        check_choice(param, o, _ALLOWED[name])
    return opts


def _check_region(regions: Sequence, data, name: str, parameter: str) -> str:
    if name in regions:
        return name
    resolve = getattr(data, "resolve_region", None)
    if resolve is not None:
        try:
            rid = resolve(name)
        except IIScoreError:
            rid = None
        if rid in regions:
            return rid
    raise SpecError(
        f"Unknown region {name!r} for '{parameter}'. Use a region id of the data "
        f"(e.g. {', '.join(map(str, list(regions)[:3]))}).",
        f"参数 “{parameter}” 中的地区 {name!r} 不存在。请使用数据中的地区编号"
        f"（如 {'、'.join(map(str, list(regions)[:3]))}）。", parameter=parameter)


