"""Shared fixtures: small frameworks and data sets built by hand."""
import logging

import pandas as pd
import pytest

from iiscore import load_data, load_framework


class _NoScriptRunContext(logging.Filter):
    def filter(self, record):
        return "missing ScriptRunContext" not in record.getMessage()


for _name in ("streamlit.runtime.scriptrunner_utils.script_run_context",
              "streamlit.runtime.scriptrunner.script_run_context"):
    logging.getLogger(_name).addFilter(_NoScriptRunContext())


TINY_FRAMEWORK = pd.DataFrame(
    [
        ("idx", "", 1, 1, "指数", "Index"),
        ("A", "idx", 60, 1, "甲", "Pillar A"),
        ("B", "idx", 40, 1, "乙", "Pillar B"),
        ("a1", "A", 1, 1, "甲一", "a one"),
        ("a2", "A", 3, -1, "甲二", "a two"),
        ("b1", "B", 1, 1, "乙一", "b one"),
    ],
    columns=["id", "parent", "weight", "direction", "name_zh", "name_en"],
)

# three regions, one year: chosen so that every min-max score is a simple fraction
TINY_DATA = pd.DataFrame(
    [
        ("r1", 2023, "a1", 0.0), ("r1", 2023, "a2", 10.0), ("r1", 2023, "b1", 5.0),
        ("r2", 2023, "a1", 5.0), ("r2", 2023, "a2", 0.0), ("r2", 2023, "b1", 10.0),
        ("r3", 2023, "a1", 10.0), ("r3", 2023, "a2", 5.0), ("r3", 2023, "b1", 0.0),
    ],
    columns=["region", "year", "indicator", "value"],
)


@pytest.fixture
def tiny_fw():
    return load_framework(TINY_FRAMEWORK)


@pytest.fixture
def tiny_ds(tiny_fw):
    return load_data(TINY_DATA, tiny_fw)
