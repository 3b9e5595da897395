"""The built-in CAICT data set (``data/``): indicators, regions, framework, default settings.

The files are read once per process: ``Dataset`` and ``Framework`` are immutable, so sharing them
between sessions of the app is safe.
"""
from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd

from ..data import Dataset, load_data
from ..framework import Framework, load_framework
from ..resources import data_file

DATASET_ID = "caict2024"


@lru_cache(maxsize=1)
def _regions() -> pd.DataFrame:
    return pd.read_csv(data_file("regions.csv"), dtype={"adcode": int}).set_index("region")


def load_regions() -> pd.DataFrame:
    """``data/regions.csv`` indexed by region id (the short Chinese name); a fresh copy each call."""
    return _regions().copy()


@lru_cache(maxsize=1)
def load_default_framework() -> Framework:
    return load_framework(data_file("framework.csv"))


@lru_cache(maxsize=1)
def load_default() -> Dataset:
    """The default data set: 31 regions × 19 indicators × 2020-2023 with provenance columns."""
    ds = load_data(data_file("indicators.csv"), load_default_framework(), region_info=load_regions(),
                   name="data/indicators.csv")
    object.__setattr__(ds, "name", DATASET_ID)
    return ds


@lru_cache(maxsize=1)
def _settings_text() -> str:
    return data_file("defaults.json").read_text(encoding="utf-8")


def default_settings() -> dict:
    """The data set's documented default scoring settings (``data/defaults.json``); a fresh dict."""
    return json.loads(_settings_text())


def default_spec(**overrides):
    """``Spec`` with the data set's defaults; keyword arguments override them."""
    from ..spec import Spec

    s = {k: v for k, v in default_settings().items()
         if k in ("treat", "normalisation", "missing", "aggregation", "year", "goalposts")}
    s.update({k: v for k, v in overrides.items() if v is not None})
    fw = s.pop("framework", None) or load_default_framework()
    return Spec(framework=fw, **s)
