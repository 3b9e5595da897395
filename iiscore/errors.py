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


# --------------------------------------------------------------------------------------------
# shared argument checks (one wording for every module; scikit-learn style: name, allowed, got)
# --------------------------------------------------------------------------------------------
#: Seeds are NumPy/scikit-learn seeds: whole numbers from 0 to 2**32 - 1.
SEED_MAX = 2**32 - 1


def as_float(value) -> float:
    """``value`` as a float, or NaN when it is not a real number (bools and strings are not numbers)."""
    if isinstance(value, bool) or isinstance(value, str):
        return float("nan")
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        return float("nan")


def check_int(name: str, value, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an int, or a SpecError naming the parameter and the allowed range."""
    import numbers

    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if not ok and isinstance(value, float) and value.is_integer():
        ok, value = True, int(value)
    if ok:
        value = int(value)
        ok = (minimum is None or value >= minimum) and (maximum is None or value <= maximum)
    if not ok:
        if minimum is not None and maximum is not None:
            rng_en, rng_zh = f"from {minimum} to {maximum}", f"在 {minimum} 到 {maximum} 之间"
        elif minimum is not None:
            rng_en, rng_zh = f">= {minimum}", f"不小于 {minimum}"
        elif maximum is not None:
            rng_en, rng_zh = f"<= {maximum}", f"不大于 {maximum}"
        else:
            rng_en = rng_zh = ""
        raise SpecError(
            f"The '{name}' parameter must be a whole number{' ' + rng_en if rng_en else ''}. Got {value!r} instead.",
            f"参数 “{name}” 必须是{rng_zh}的整数，收到的是 {value!r}。",
            parameter=name)
    return value


def check_number(name: str, value, minimum: float | None = None, maximum: float | None = None, *,
                 low_open: bool = False, high_open: bool = False, finite: bool = True) -> float:
    """``value`` as a float in the stated range, or a SpecError naming the parameter.

    ``low_open`` / ``high_open`` exclude the bound itself; ``finite=False`` admits ``inf``.
    NaN, strings and bools are never numbers.
    """
    import math

    x = as_float(value)
    ok = not math.isnan(x) and (math.isfinite(x) or not finite)
    if ok and minimum is not None:
        ok = x > minimum if low_open else x >= minimum
    if ok and maximum is not None:
        ok = x < maximum if high_open else x <= maximum
    if not ok:
        lo = "" if minimum is None else (("> " if low_open else ">= ") + f"{minimum:g}")
        hi = "" if maximum is None else (("< " if high_open else "<= ") + f"{maximum:g}")
        rng = " and ".join(s for s in (lo, hi) if s)
        rng_zh = "且".join(s for s in (lo, hi) if s)
        kind = "a finite number" if finite else "a number"
        raise SpecError(
            f"The '{name}' parameter must be {kind}{' ' + rng if rng else ''}. Got {value!r} instead.",
            f"参数 “{name}” 必须是{'有限' if finite else ''}数值{'（' + rng_zh + '）' if rng_zh else ''}，收到的是 {value!r}。",
            parameter=name)
    return x


def check_seed(value, name: str = "seed") -> int:
    """A random seed: a whole number from 0 to 2**32 - 1 (what NumPy and scikit-learn accept)."""
    return check_int(name, value, 0, SEED_MAX)
