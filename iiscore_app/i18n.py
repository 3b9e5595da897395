"""Every user-visible string of the app, in Chinese (default) and English.

``t(key, lang, **fmt)`` returns the string in ``lang`` formatted with ``fmt``; an unknown key
returns the key itself (tests check that every key used exists in both languages).
"""
from __future__ import annotations

LANGS = ("zh", "en")

from .strings import STRINGS  # noqa: E402 - every area's strings, merged


def t(key: str, lang: str = "zh", **fmt) -> str:
    """The string ``key`` in ``lang`` ("zh" or "en"), formatted with ``fmt``."""
    pair = STRINGS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**fmt) if fmt else text


def opt(group: str, value, lang: str = "zh") -> str:
    """Label of an option value (``opt.<group>.<value>``), the value itself when unknown."""
    key = f"opt.{group}.{value}"
    return t(key, lang) if key in STRINGS else str(value)


# Units as the data files write them (Chinese, as the statistical sources do) -> (zh, en) labels.
UNITS = {
    "万户": ("万户", "10k subscribers"),
    "亿元": ("亿元", "100 million yuan"),
    "件": ("件", "items"),
    "个": ("个", "count"),
    "家": ("家", "enterprises"),
    "人年": ("人年", "person-years"),
    "台/百人": ("台/百人", "computers per 100 employees"),
    "%": ("%", "%"),
    "index": ("指数", "index"),
    "指数": ("指数", "index"),
    "个（估算）": ("个（估算）", "count (estimate)"),
    "指数（估算）": ("指数（估算）", "index (estimate)"),
    "二级节点数（估算）": ("二级节点数（估算）", "secondary nodes (estimate)"),
}


def unit_label(unit, lang: str = "zh") -> str:
    """A unit in ``lang``; a unit we do not know (an upload's) is shown as written."""
    if unit is None or (isinstance(unit, float) and unit != unit):
        return ""
    pair = UNITS.get(str(unit).strip())
    if pair is None:
        return str(unit)
    return pair[1] if lang == "en" else pair[0]


def provenance_label(kind, lang: str = "zh") -> str:
    key = f"prov.{kind}" if kind != "scenario" else "prov.scenario_value"
    return t(key, lang) if key in STRINGS else str(kind)
