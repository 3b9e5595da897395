"""Every user-visible string of the app, by area: one module per area with a ``STRINGS`` dict
(key -> (zh, en)). All modules of this package are merged into one table; a key defined twice is an
error at import, so two areas can never silently override each other."""
from __future__ import annotations

import importlib
import pkgutil

STRINGS: dict[str, tuple[str, str]] = {}
for _m in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    for _k, _v in importlib.import_module(f"{__name__}.{_m}").STRINGS.items():
        if _k in STRINGS:
            raise KeyError(f"string {_k!r} is defined twice (iiscore_app/strings/{_m}.py)")
        if not (isinstance(_v, tuple) and len(_v) == 2):
            raise TypeError(f"string {_k!r} must be a (zh, en) pair")
        STRINGS[_k] = _v
