"""A brief a planner can hand on: a region's profile as a 2-4 page A4 PDF, or a Word document.

>>> from iiscore import load_default, default_spec
>>> from iiscore.profile import profile
>>> from iiscore.tiering import report_tiers
>>> from iiscore.brief import brief
>>> p = profile(load_default(), default_spec(), "贵州", report_tiers=report_tiers())   # doctest: +SKIP
>>> pdf = brief(p, "zh")                                                                 # doctest: +SKIP

* :mod:`~iiscore.brief.content` -- what the brief says (one document model for both formats);
* :mod:`~iiscore.brief.pdf` -- the PDF (reportlab; the shipped font embedded; vector charts);
* :mod:`~iiscore.brief.docx` -- the Word document (python-docx; charts as pictures);
* :mod:`~iiscore.brief.charts`, :mod:`~iiscore.brief.fonts`, :mod:`~iiscore.brief.text`.

Every number comes from the :class:`~iiscore.profile.Profile` (the engine's own results); nothing
is computed here but the wording. Offline: no file or service outside the package is read.
"""
from __future__ import annotations

import importlib.util

from ..errors import check_choice
from .content import Document, document

__all__ = ["FORMATS", "brief", "document", "Document", "MIME", "file_name"]

#: Output formats.
FORMATS = ("pdf", "docx")
MIME = {"pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def brief(profile, lang: str = "zh", fmt: str = "pdf", *, source: str | None = None, link: str | None = None,
          date: str | None = None) -> bytes:
    """The brief of ``profile`` as ``fmt`` bytes.

    Parameters
    ----------
    profile : iiscore.profile.Profile
    lang : {"zh", "en"}
    fmt : {"pdf", "docx"}
    source : str, optional
        The data source statement (default: the built-in data's, or a generic one for other data).
    link : str, optional
        The scenario's share link, printed in the brief.
    date : str, optional
        Issue date, ``YYYY-MM-DD`` (default today).
    """
    check_choice("lang", lang, ("zh", "en"))
    check_choice("fmt", fmt, FORMATS)
    needs = {"pdf": ("reportlab", "reportlab"), "docx": ("docx", "python-docx")}[fmt]
    if importlib.util.find_spec(needs[0]) is None:
        from ..errors import SpecError

        raise SpecError(f"The {fmt.upper()} brief needs the {needs[1]} package: pip install {needs[1]} "
                        f"(it is in requirements.txt).",
                        f"生成 {fmt.upper()} 简报需要 {needs[1]} 包：pip install {needs[1]}（已列入 requirements.txt）。",
                        parameter="fmt") from None
    doc = document(profile, lang, source=source, link=link, date=date)
    if fmt == "pdf":
        from .pdf import render
    else:
        from .docx import render
    return render(doc)


def file_name(name_en: str, year: int, lang: str, fmt: str) -> str:
    """``brief_<region>_<year>_<lang>.<fmt>`` with the region's English name made ASCII-safe."""
    import re

    name = re.sub(r"[^A-Za-z0-9_-]+", "_", str(name_en)).strip("_") or "region"
    return f"brief_{name}_{int(year)}_{lang}.{fmt}"
