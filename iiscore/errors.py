"""One exception family for everything a user can get wrong.

Every error carries an English and a Chinese message and, where it applies, the place
(file, row, column, parameter) so that the CLI and the app can say what went wrong, where,
and how to fix it, in the user's language.
"""
from __future__ import annotations

import warnings


class IIScoreError(ValueError):
    """Base class of every error iiscore raises on bad input.

    Parameters
    ----------
    en, zh : str
        The message in English and in Chinese. Say what, where, what was expected and how to fix.
    file, row, column, parameter : optional
        Where the problem is. ``row`` is 1-based as a spreadsheet shows it (the header is row 1).
    """

    def __init__(self, en: str, zh: str | None = None, *, file=None, row=None, column=None,
                 parameter=None):
        self.en = en
        self.zh = zh or en
        self.file = None if file is None else str(file)
        self.row = row
        self.column = column
        self.parameter = parameter
        super().__init__(self.message("en"))

    def _where(self, lang: str) -> str:
        parts = []
        if self.file:
            parts.append(("文件 " if lang == "zh" else "file ") + self.file)
        if self.row is not None:
            parts.append((f"第 {self.row} 行" if lang == "zh" else f"row {self.row}"))
        if self.column is not None:
            parts.append((f"列 “{self.column}”" if lang == "zh" else f"column '{self.column}'"))
        if self.parameter is not None:
            parts.append((f"参数 “{self.parameter}”" if lang == "zh" else f"parameter '{self.parameter}'"))
        if not parts:
            return ""
        return ("，".join(parts) + "：") if lang == "zh" else (", ".join(parts) + ": ")

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` ("en" or "zh"), prefixed by the place when known."""
        text = self.zh if lang == "zh" else self.en
        return self._where(lang) + text


class FrameworkError(IIScoreError):
    """The indicator hierarchy is malformed."""


class DataError(IIScoreError):
    """A data file or table cannot be used as it is."""


class SpecError(IIScoreError):
    """A method, option or parameter value is not allowed."""


class IIScoreWarning(UserWarning):
    """A result was computed but something deserves the user's attention."""

    def __init__(self, en: str, zh: str | None = None):
        self.en = en
        self.zh = zh or en
        super().__init__(en)


def warn(en: str, zh: str | None = None, stacklevel: int = 2) -> None:
    warnings.warn(IIScoreWarning(en, zh), stacklevel=stacklevel + 1)


def check_choice(name: str, value, allowed) -> None:
    """Raise a SpecError naming the parameter, the allowed values and what was received."""
    if value not in allowed:
        allowed_s = ", ".join(repr(a) for a in allowed)
        raise SpecError(
            f"The '{name}' parameter must be one of {{{allowed_s}}}. Got {value!r} instead.",
            f"参数 “{name}” 只能取 {{{allowed_s}}} 之一，收到的是 {value!r}。",
            parameter=name,
        )
