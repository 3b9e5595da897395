"""The font every brief is set in: WenQuanYi Micro Hei, shipped in ``iiscore/_fonts/`` (Apache-2.0).

One font for Chinese and Latin text, embedded (subset) in every PDF, so that a brief prints the same
on a machine without Chinese fonts. :func:`font_path` is also what the map's PNG export draws with.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import DataError

__all__ = ["FONT_NAME", "FONT_FAMILY", "font_path", "licence_path", "register", "has_glyphs"]

#: The name the PDF renderer registers the font under.
FONT_NAME = "IIScoreCJK"
#: The family name inside the font file (what Word and WPS look for).
FONT_FAMILY = "WenQuanYi Micro Hei"
FONT_FILE = "WenQuanYiMicroHei.ttf"
_LOCK = threading.Lock()


def _folder() -> Path:
    here = Path(__file__).resolve().parent.parent / "_fonts"
    if (here / FONT_FILE).is_file():
        return here
    return Path(str(resources.files("iiscore") / "_fonts"))


def font_path() -> Path:
    """Path of the shipped TrueType font (``iiscore/_fonts/WenQuanYiMicroHei.ttf``)."""
    return _folder() / FONT_FILE


def licence_path() -> Path:
    return _folder() / "LICENSE_Apache2.txt"


@lru_cache(maxsize=1)
def _cmap() -> frozenset:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(font_path()), lazy=True).getBestCmap())


def has_glyphs(text: str) -> set:
    """The characters of ``text`` the font cannot draw (empty when it draws them all)."""
    cmap = _cmap()
    return {c for c in str(text) if not c.isspace() and ord(c) not in cmap}


def register() -> str:
    """Register the font with reportlab once per process; returns its name (:data:`FONT_NAME`)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    with _LOCK:  # a Streamlit server renders briefs from several threads
        if FONT_NAME in pdfmetrics.getRegisteredFontNames():
            return FONT_NAME
        path = font_path()
        if not path.is_file():
            raise DataError(f"The brief's font {path} is missing: reinstall iiscore (the font ships in iiscore/_fonts/) "
                            f"or run python3 iiscore/_fonts/make_font.py.",
                            f"简报所需字体 {path} 不存在：请重新安装 iiscore（字体随 iiscore/_fonts/ 发布），"
                            f"或运行 python3 iiscore/_fonts/make_font.py。", file=path)
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path)))
        return FONT_NAME
