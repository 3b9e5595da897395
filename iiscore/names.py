"""Names as users write them: exact matching, never by prefix or substring, and suggestions.

A name matches an alias when both are equal after :func:`key`: Unicode NFKC (full-width letters and
digits become ASCII: ``ＢＥＩＪＩＮＧ`` is ``BEIJING``), surrounding spaces removed, inner runs of
spaces collapsed, case folded. Nothing else: ``HUN`` is not 湖南, ``北京市海淀区`` is not 北京 and ``R13``
is not ``R1``. When a name is unknown, :func:`suggest` offers the closest aliases (``difflib``), so
that the message can say "did you mean ...".
"""
from __future__ import annotations

import difflib
import re
import unicodedata

__all__ = ["key", "suggest", "did_you_mean"]

_SPACES = re.compile(r"\s+")


def key(text) -> str:
    """The form in which two spellings of one name compare equal (width and case insensitive)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(text)).strip()).casefold()


def suggest(name, aliases: dict, n: int = 3) -> list:
    """Up to ``n`` canonical names whose aliases are closest to ``name`` (best first, no repeats).

    ``aliases`` maps :func:`key` of each alias to its canonical name.
    """
    k = key(name)
    out = []
    for hit in difflib.get_close_matches(k, list(aliases), n=4 * n, cutoff=0.6):
        c = aliases[hit]
        if c not in out:
            out.append(c)
        if len(out) == n:
            break
    if not out and k:  # no close spelling: names that contain it, or that it contains, as hints only
        for a, c in aliases.items():
            if len(a) >= 2 and (k in a or a in k) and c not in out:
                out.append(c)
            if len(out) == n:
                break
    return out


def did_you_mean(name, aliases: dict, examples=()) -> tuple[str, str]:
    """(English, Chinese) hint for an unknown name: the closest names, or a few examples."""
    s = suggest(name, aliases)
    if s:
        return (f" Did you mean {', '.join(map(str, s))}?", f"是否指 {'、'.join(map(str, s))}？")
    ex = list(examples)[:3]
    if ex:
        return (f" Known names include {', '.join(map(str, ex))}.", f"已知名称如 {'、'.join(map(str, ex))}。")
    return ("", "")
