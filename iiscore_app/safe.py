r"""Text from outside the app -- a link, an upload, the server's data file -- shown as plain text.

Streamlit renders Markdown in ``st.markdown``, ``st.caption``, ``st.info/warning/error/success``,
titles and subheaders, widget labels and radio options (images and links included: a link
parameter named ``![](http://host/t.png)`` made the visitor's browser fetch that image), and raw
HTML where ``unsafe_allow_html=True`` (legends, the projector view) or in deck.gl's tooltip. Every
piece of outside text that reaches one of those goes through this module first:

* :func:`plain` -- control and invisible format characters removed (no right-to-left overrides or
  zero-width tricks), runs of white space (new lines too: no new Markdown block) made one space,
  cut to ``limit`` characters with an ellipsis;
* :func:`md` -- :func:`plain`, then backslash escapes (CommonMark's, which Streamlit's renderer
  follows) for every character that can open an inline construct: ``[ ]`` (links, images,
  Streamlit's ``:red[...]``), ``< >`` (HTML, autolinks), ``* _ ~ ` $`` (emphasis -- but not an
  underscore inside a word --, strikethrough, code, formulas), ``&`` where it would start an
  entity, ``\`` itself, a list or heading marker at the start; and a zero-width space before
  ``://``, ``@`` and the dot of ``www.``: GFM's bare-URL and e-mail autolinks are found in the
  text after parsing, past any escape (Chromium showed ``http\://host/x`` as a link). The text is
  one line (no block structure), so nothing else can be syntax; file names, years and
  percentages read as written (``a.csv``, ``2020-2023``, ``+20%``);
* :func:`html` -- :func:`plain`, then HTML-escaped (``& < > " '``), for HTML contexts;
* :func:`t` -- :func:`iiscore_app.i18n.t` with every text value escaped by :func:`md` (the
  app's own template keeps its wording; numbers are formatted as usual).

Limits: a name (file, region, indicator, scenario) is cut to :data:`MAX_NAME` characters, a
message built around outside text (an engine error, a link notice) to :data:`MAX_TEXT`.
"""
from __future__ import annotations

import html as _html
import re
import unicodedata

from .i18n import t as _t

__all__ = ["MAX_NAME", "MAX_TEXT", "plain", "md", "html", "t", "unlink"]

#: A name from outside (file, region, indicator, scenario), shown at most this long.
MAX_NAME = 80
#: A message built around outside text (engine error, link notice), shown at most this long.
MAX_TEXT = 400

_SPACE = re.compile(r"\s+")
# what can open an inline construct on one line (see the module docstring)
_MD = re.compile(r"([\\`*_~\[\]<>$])|&(?=#?[0-9A-Za-z]+;)")
# GFM's bare-URL autolinks are found in the text after parsing (remark-gfm), so no escape stops them:
# a zero-width space before "://", "@" and the dot of "www." does (the text still reads the same)
_AUTOLINK = re.compile(r"(?=://)|(?=@)|(?<=www)(?=\.)", re.IGNORECASE)
#: Zero-width space: what :func:`md` puts into URL-like text (strip it to compare texts).
ZWSP = "\u200b"
_ORDERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def plain(text, limit: int = MAX_TEXT) -> str:
    """``text`` as one line of visible characters, at most ``limit`` long (ellipsis when cut)."""
    s = "" if text is None else str(text)
    if len(s) > 4 * limit + 64:  # cut before the per-character work on a 60 KB parameter
        s = s[: 4 * limit + 64]
    # Cc: control characters (new lines become spaces below); Cf: invisible format characters
    # (right-to-left overrides, zero-width joiners); Co/Cn: private use and unassigned
    s = "".join(" " if ch in "\t\n\r\x0b\x0c" else ch for ch in s
                if ch in "\t\n\r\x0b\x0c" or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cn", "Cs"))
    s = _SPACE.sub(" ", s).strip()
    if len(s) > limit:
        s = s[: max(1, limit - 1)].rstrip() + "…"
    return s


def md(text, limit: int = MAX_TEXT) -> str:
    """``text`` escaped for Streamlit's Markdown: shown exactly as written, nothing rendered."""
    src = plain(text, limit)

    def esc(m):
        i = m.start()
        # an underscore between two letters or digits cannot open emphasis (CommonMark's flanking
        # rules): tier_k and file_name.csv stay as written
        if m.group(0) == "_" and 0 < i < len(src) - 1 and src[i - 1].isalnum() and src[i + 1].isalnum():
            return "_"
        return "\\" + m.group(0)

    out = _AUTOLINK.sub(ZWSP, _MD.sub(esc, src))
    if out.startswith(("#", "+", "-", "=", "|")):  # a heading, a list item, a table row
        return "\\" + out
    return _ORDERED.sub(r"\1\\\2", out, count=1)  # "1. x" would start a numbered list


def html(text, limit: int = MAX_TEXT) -> str:
    """``text`` escaped for an HTML context (``unsafe_allow_html``, deck.gl tooltips)."""
    return _html.escape(plain(text, limit), quote=True)


def t(key: str, lang: str = "zh", *, limit: int = MAX_NAME, **fmt) -> str:
    """The app's string ``key`` with its text values escaped by :func:`md` (cut to ``limit``)."""
    return _t(key, lang, **{k: md(v, limit) if isinstance(v, str) else v for k, v in fmt.items()})


def unlink(text: str) -> str:
    """``text`` with a zero-width space where GFM would start a bare-URL autolink (``://``, ``@``,
    ``www.``): for text already escaped otherwise."""
    return _AUTOLINK.sub(ZWSP, text)
