"""iiscore: regional composite indices, starting with the CAICT Industrial Internet index.

>>> from iiscore import load_default, default_spec, build
>>> res = build(load_default(), default_spec())
>>> res.composite.sort_values(ascending=False).head(6)      # doctest: +SKIP
"""
from .data import Dataset, load_data, parse_number
from .datasets import default_spec, load_default, load_default_framework
from .errors import DataError, FrameworkError, IIScoreError, IIScoreWarning, SpecError
from .framework import Framework, load_framework
from .pipeline import Result, build
from .spec import Spec

__version__ = "0.1.0"

__all__ = ["Dataset", "load_data", "parse_number", "load_default", "load_default_framework",
           "default_spec", "IIScoreError", "DataError", "FrameworkError", "SpecError",
           "IIScoreWarning", "Framework", "load_framework", "Result", "build", "Spec"]
