"""AppTest: in English, every page speaks English. Chinese may appear only where the source is
quoted (the Source column: Chinese statistical tables and the report's own words)."""
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from iiscore_app import navigation
from iiscore_app.i18n import UNITS, t, unit_label

APP = str(Path(__file__).resolve().parent.parent / "app.py")
ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")
TEXT_TYPES = {"markdown", "caption", "header", "subheader", "title", "text", "code", "alert", "info", "warning",
              "error", "success", "exception"}
PAGES = [p.script for p in navigation.PAGES]


def shown_strings(node, out):
    """(where, text) of every string the element tree shows: texts, labels, options, table
    headers and cells."""
    typ = getattr(node, "type", "")
    if typ in TEXT_TYPES and isinstance(getattr(node, "value", None), str):
        out.append((typ, node.value))
    for attr in ("label", "help", "placeholder"):
        v = getattr(node, attr, None)
        if isinstance(v, str):
            out.append((f"{typ}.{attr}", v))
    opts = getattr(node, "options", None)
    if isinstance(opts, (list, tuple)):
        out += [(f"{typ}.option", str(o)) for o in opts]
    if typ in ("dataframe", "arrow_data_frame") or "data_editor" in typ:
        try:
            df = node.value
        except Exception:  # noqa: BLE001 - not a table after all
            df = None
        if isinstance(df, pd.DataFrame):
            out += [(f"{typ}.column", str(c)) for c in df.columns]
            for c in df.columns:
                if c == t("col.source", "en"):
                    continue  # quoted sources stay in their language
                out += [(f"{typ}[{c}]", str(v)) for v in df[c].tolist() if isinstance(v, str)]
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for ch in children.values():
            shown_strings(ch, out)
    return out


@pytest.mark.parametrize("page", PAGES)
def test_english_pages_have_no_chinese_outside_quoted_sources(page):
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception
    strings = shown_strings(at._tree, [])
    assert len(strings) > 50  # the walk sees the page
    chinese = sorted({(where, s[:80]) for where, s in strings if CJK.search(s)})
    assert not chinese, chinese


def test_every_unit_of_the_default_data_has_an_english_label():
    units = set(pd.read_csv(ROOT / "data" / "indicators.csv", dtype=str)["unit"].dropna())
    units |= set(pd.read_csv(ROOT / "data" / "framework.csv", dtype=str)["unit"].dropna())
    assert units <= set(UNITS)
    for u in units:
        assert not CJK.search(unit_label(u, "en")), u
    assert unit_label("亿元", "en") == "100 million yuan" and unit_label("亿元", "zh") == "亿元"
    assert unit_label("index", "zh") == "指数"
    assert unit_label("kg of something", "en") == "kg of something"  # an upload's unit, as written
    assert unit_label(float("nan"), "en") == "" and unit_label(None, "zh") == ""
