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


# -- the Chinese UI: no English outside proper names, units and Streamlit's own widget texts -----------
#: Words an English-free Chinese page may still show: acronyms and names of methods, organisations,
#: file formats and data sources, the region and indicator names' own spellings, and units.
ALLOWED_LATIN = {
    # methods and statistics
    "ahp", "ari", "cr", "ci", "ri", "k", "z", "topsis", "critic", "mpi", "bod", "pca", "pc", "jenks", "sobol",
    "eis", "jrc", "coinr", "saaty", "kendall", "spearman", "pearson", "cronbach", "log", "sd", "min", "max",
    "mazziotta", "pareto", "monte", "carlo", "lp", "gvf", "oat", "r", "w", "x", "y", "p", "n", "t", "s", "e",
    # organisations, sources, formats
    "caict", "nbs", "miit", "most", "cnipa", "gdp", "r&d", "rd", "csv", "xlsx", "excel", "json", "png", "pdf",
    "docx", "word", "wps", "url", "utf", "gbk", "natural", "earth", "iidei", "id", "vs", "no", "tw", "hk", "mo",
    "innocom", "gov", "cn", "github", "techme", "huhuaping", "data", "stats", "www", "http", "https", "html",
    "eps", "streamlit", "nan",
    "english",  # the language switch itself
    "means",  # k-means, a method's name
    "a", "b", "c",  # the variables of the CR explanation (若 A 比 B 重要 3 倍)
    "λmax", "lambda", "v",  # V(·): variance in the first-order index formula
    # authors and methods cited on the audit page
    "nunnally", "diakoulaki", "hwang", "yoon", "de", "muro", "oecd", "cherchye", "paruolo", "saisana",
    "saltelli", "jrss", "benefit", "of", "the", "doubt",
}
LATIN = re.compile(r"[A-Za-z][A-Za-z&]*")
# columns whose cells are quoted or are ids a user types (sources, English names, framework ids)
QUOTED_COLUMNS = {t("col.source", "zh"), "name_en", "id", "_id"}


def english_words(s: str) -> list:
    s = re.sub(r"\]\([^)]*\)", "]", s)              # link targets of markdown links
    s = re.sub(r"https?://\S+|\?s=\S+|\?preset=\S+", " ", s)  # addresses
    s = re.sub(r"`[^`]*`", " ", s)                # code (formulas, file names) in method texts
    s = re.sub(r"\{[^}]*\}|<[^>]+>", " ", s)      # markup
    s = re.sub(r":(?:gray|grey|red|green|blue|orange|violet|rainbow|primary)(?:-background)?\[", "[", s)  # colours
    return [w for w in LATIN.findall(s) if w.casefold() not in ALLOWED_LATIN]


@pytest.mark.parametrize("page", PAGES)
def test_chinese_pages_have_no_english_outside_names_and_units(page):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    if page != "app.py":
        at.switch_page(page).run()
    assert not at.exception
    strings = shown_strings(at._tree, [])
    assert len(strings) > 50
    found = sorted({(where, s[:80], tuple(english_words(s))) for where, s in strings
                    if not where.startswith("code")  # the share link
                    and not any(where.endswith(f"[{c}]") for c in QUOTED_COLUMNS) and english_words(s)})
    assert not found, found
