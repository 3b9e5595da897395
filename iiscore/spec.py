"""The frozen specification of an index: what ``build(data, spec)`` computes."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Mapping

import numpy as np
import pandas as pd

from .aggregate import AGGREGATIONS
from .errors import SpecError, check_choice, check_int, check_number
from .framework import Framework
from .normalise import NORMALISATIONS
from .treat import TREATMENTS

#: Missing-value policies.
MISSING = ("reweight", "mean")
#: Goalposts of min-max: the scored year's (the report's) or pooled over the data's years.
GOALPOSTS = ("year", "pooled")
#: What the outlier treatment is fitted on: the scored year, or every year of the data pooled.
TREAT_FITS = ("year", "pooled")
#: Default minimum share of a node's children with a value (COINr's data-availability threshold).
DEFAULT_COVERAGE = 0.5


@dataclass(frozen=True)
class Spec:
    """Everything that defines an index run.

    Parameters
    ----------
    framework : Framework
        Hierarchy and weights.
    year : int or None
        The data year scored; None = the latest year in the data.
    treat : {"none", "log", "winsor"}
        Outlier treatment of indicators with |skewness| > ``skew`` and kurtosis > ``kurt`` (see
        :mod:`iiscore.treat`: the log only where it reduces a right skew).
    treat_fit : {"year", "pooled"}
        What the treatment is fitted on: the scored year (default: the report scores one year on
        its own) or all years of the data pooled, so that a trajectory over years uses one
        transformation. Pooled goalposts always fit the treatment on the pooled years.
    normalisation : {"minmax", "zscore", "rank", "frontier"}
        Cross-sectional normalisation over regions. ``minmax`` is the report's.
    goalposts : None, "pooled" or mapping
        Only for ``minmax``: None = min and max of the scored year (the report); "pooled" =
        min and max over all years of the data (scores comparable across years); a mapping
        ``{indicator: (lo, hi)}`` = fixed goalposts (e.g. a baseline's, in a what-if).
    missing : {"reweight", "mean"}
        ``reweight`` leaves a missing indicator out and re-weights within its parent;
        ``mean`` imputes the indicator's mean over regions for that year.
    aggregation : {"arithmetic", "geometric"}
    coverage : float in [0, 1]
        Minimum share of a node's children with a value for the region to get a score for that
        node (default 0.5, "at least half"; 0 turns the rule off). Below it the node is missing for
        the region and ``Result.withheld`` says why.
    """

    framework: Framework
    year: int | None = None
    treat: str = "none"
    normalisation: str = "minmax"
    goalposts: object = None
    missing: str = "reweight"
    aggregation: str = "arithmetic"
    coverage: float = DEFAULT_COVERAGE
    treat_fit: str = "year"
    skew: float = 2.0
    kurt: float = 3.5
    winmax: int = 5
    label: str = field(default="", compare=False)

    def __post_init__(self):
        if not isinstance(self.framework, Framework):
            raise SpecError("Spec.framework must be a Framework (see load_framework).",
                            "Spec.framework 必须是 Framework（见 load_framework）。", parameter="framework")
        check_choice("treat", self.treat, TREATMENTS)
        check_choice("normalisation", self.normalisation, NORMALISATIONS)
        check_choice("missing", self.missing, MISSING)
        check_choice("aggregation", self.aggregation, AGGREGATIONS)
        check_choice("treat_fit", self.treat_fit, TREAT_FITS)
        object.__setattr__(self, "coverage", check_number("coverage", self.coverage, 0.0, 1.0))
        object.__setattr__(self, "skew", check_number("skew", self.skew))
        object.__setattr__(self, "kurt", check_number("kurt", self.kurt))
        object.__setattr__(self, "winmax", check_int("winmax", self.winmax, 1, 1000))
        gp = self.goalposts
        if isinstance(gp, str) and gp == "year":
            gp = None
        if isinstance(gp, pd.DataFrame):
            gp = tuple((str(i), float(r["lo"]), float(r["hi"])) for i, r in gp.iterrows())
        elif isinstance(gp, Mapping):
            gp = tuple((str(k), float(v[0]), float(v[1])) for k, v in gp.items())
        if isinstance(gp, tuple):
            bad = [k for k, lo, hi in gp if not (np.isfinite(lo) and np.isfinite(hi) and lo <= hi)]
            if bad:
                raise SpecError(f"Goalposts must be finite with lo <= hi; not so for {', '.join(bad[:5])}.",
                                f"上下限必须是有限数值且下限不大于上限；{'、'.join(bad[:5])} 不满足。",
                                parameter="goalposts")
        if gp is not None and gp != "pooled" and not isinstance(gp, tuple):
            raise SpecError(f"goalposts must be None, 'pooled' or a mapping indicator -> (lo, hi); got {gp!r}.",
                            f"goalposts 只能是 None、'pooled' 或 指标 -> (下限, 上限) 的映射；收到 {gp!r}。",
                            parameter="goalposts")
        if gp is not None and self.normalisation != "minmax":
            raise SpecError("Goalposts apply to minmax normalisation only.",
                            "标准化上下限（goalposts）只适用于 minmax 标准化。", parameter="goalposts")
        object.__setattr__(self, "goalposts", gp)
        if self.year is not None:
            object.__setattr__(self, "year", int(self.year))

    def replace(self, **changes) -> "Spec":
        return replace(self, **changes)

    @property
    def goalpost_map(self) -> dict | None:
        if isinstance(self.goalposts, tuple):
            return {k: (lo, hi) for k, lo, hi in self.goalposts}
        return None

    def describe(self) -> dict:
        """The settings as plain values (for logs, exports and the app)."""
        gp = self.goalposts if not isinstance(self.goalposts, tuple) else "fixed"
        return {"year": self.year, "treat": self.treat, "normalisation": self.normalisation,
                "goalposts": gp or "year", "missing": self.missing, "aggregation": self.aggregation,
                "coverage": self.coverage, "treat_fit": self.treat_fit}
