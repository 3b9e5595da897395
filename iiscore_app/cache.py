"""Caches bounded in bytes as well as entries, shared by every session of one server process.

Streamlit's ``st.cache_resource`` and ``st.cache_data`` bound the number of entries (and their
age), not their size: with 10,000 uploaded regions each slider move added about 19 MB, kept until
256 newer results pushed it out. The app's computations (``iiscore_app.state``) use
:func:`cache_bytes` instead:

* one least-recently-used pool for the whole process, at most :data:`MAX_BYTES` bytes
  (``IISCORE_CACHE_MB``, default 512 MB) over all cached functions, and at most ``max_entries``
  entries per function;
* an entry's size is estimated by :func:`sizeof` when it is stored (arrays, frames, containers,
  objects' attributes, shared parts counted once); ``copy=True`` functions hand every caller a
  deep copy, as ``st.cache_data`` does (without pickling), the others the one shared object, as
  ``st.cache_resource`` does;
* a value larger than a quarter of the pool is returned but not kept (a huge upload recomputes
  rather than pushing everyone else's results out);
* entries are keyed on the function's arguments whose names do not start with ``_`` (the same
  rule as Streamlit's); one of them names the data set (a content hash), and :func:`purge` drops
  every entry of a data set -- ``iiscore_app.state`` calls it when the last session holding an
  upload ends (:func:`cache_live`);
* concurrent callers of one key wait for the first one's result instead of computing it again.

Nothing here imports Streamlit.
"""
from __future__ import annotations

import functools
import inspect
import os
import copy as _copy
import sys
import threading
from collections import OrderedDict

import numpy as np
import pandas as pd

__all__ = ["MAX_BYTES", "MAX_LIVE_BYTES", "Busy", "cache_bytes", "cache_live", "purge", "stats", "sizeof", "clear"]


def _budget() -> int:
    try:
        mb = float(os.environ.get("IISCORE_CACHE_MB", "") or 512)
    except ValueError:
        mb = 512
    return int(max(16.0, mb) * 2**20)


#: Bytes the pool may hold (``IISCORE_CACHE_MB``, at least 16 MB; default 512 MB).
MAX_BYTES = _budget()

_lock = threading.RLock()
_entries: "OrderedDict[tuple, tuple]" = OrderedDict()   # (name, key) -> (value, nbytes, copy)
_count: dict = {}                                        # name -> entries held
_limits: dict = {}                                       # name -> max_entries
_total = [0]
_computing: dict = {}                                    # (name, key) -> threading.Event
_hits = {"hit": 0, "miss": 0, "evicted": 0, "too_big": 0}


def sizeof(obj, _seen: set | None = None, _depth: int = 0) -> int:
    """Bytes held by ``obj``, estimated: NumPy buffers, pandas blocks (object cells at ~60 bytes
    each), containers and their items, objects' ``__dict__`` / ``__slots__``; each object once."""
    seen = set() if _seen is None else _seen
    if id(obj) in seen or _depth > 8:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        n = obj.nbytes if obj.base is None or id(obj.base) not in seen else 0
        if obj.dtype == object:
            n += 60 * obj.size
        return n + 112
    if isinstance(obj, (pd.DataFrame, pd.Series)):
        mem = obj.memory_usage(index=True, deep=False)
        n = int(mem.sum() if hasattr(mem, "sum") else mem)
        cols = [obj] if isinstance(obj, pd.Series) else [obj[c] for c in obj.columns[obj.dtypes == object]]
        n += sum(60 * len(c) for c in cols if c.dtype == object)
        return n + 500
    if isinstance(obj, pd.Index):
        return int(obj.memory_usage(deep=False)) + (60 * len(obj) if obj.dtype == object else 0) + 200
    if isinstance(obj, (str, bytes, bytearray, int, float, bool, complex)) or obj is None:
        return sys.getsizeof(obj)
    n = sys.getsizeof(obj)
    if isinstance(obj, dict):
        return n + sum(sizeof(k, seen, _depth + 1) + sizeof(v, seen, _depth + 1) for k, v in obj.items())
    if isinstance(obj, (list, tuple, set, frozenset)):
        return n + sum(sizeof(v, seen, _depth + 1) for v in obj)
    if inspect.isroutine(obj) or inspect.isclass(obj) or inspect.ismodule(obj):
        return 0
    d = getattr(obj, "__dict__", None)
    if isinstance(d, dict):
        n += sizeof(d, seen, _depth + 1)
    for cls in type(obj).__mro__:
        for slot in getattr(cls, "__slots__", ()) or ():
            if isinstance(slot, str) and hasattr(obj, slot):
                n += sizeof(getattr(obj, slot), seen, _depth + 1)
    return n


def _evict_locked(name: str | None = None) -> None:
    """Drop the least recently used entry (of ``name``, or of any function)."""
    for k in _entries:
        if name is None or k[0] == name:
            _, nbytes, _ = _entries.pop(k)
            _total[0] -= nbytes
            _count[k[0]] -= 1
            _hits["evicted"] += 1
            return


def _store(name: str, key: tuple, value, copy: bool) -> None:
    # a copied entry is stored as its own deep copy (the caller may change the value it got)
    payload = _copy.deepcopy(value) if copy else value
    nbytes = sizeof(payload) + 200
    if nbytes > MAX_BYTES // 4:
        with _lock:
            _hits["too_big"] += 1
        return
    with _lock:
        old = _entries.pop((name, key), None)
        if old is not None:
            _total[0] -= old[1]
            _count[name] -= 1
        _entries[(name, key)] = (payload, nbytes, copy)
        _count[name] = _count.get(name, 0) + 1
        _total[0] += nbytes
        while _count[name] > _limits[name]:
            _evict_locked(name)
        while _total[0] > MAX_BYTES and _entries:
            _evict_locked()


def _lookup(name: str, key: tuple):
    with _lock:
        hit = _entries.get((name, key))
        if hit is None:
            return False, None
        _entries.move_to_end((name, key))
        _hits["hit"] += 1
    payload, _, copy = hit
    return True, (_copy.deepcopy(payload) if copy else payload)


def cache_bytes(*, max_entries: int, copy: bool = False):
    """Decorate a function: results kept in the shared pool, at most ``max_entries`` of them.

    ``copy=True``: every caller gets a deep copy (of a deep copy stored when computed). Arguments whose names start with ``_`` are not part of the key. Exceptions are not
    cached."""
    def deco(fn):
        name = f"{fn.__module__}.{fn.__qualname__}"
        with _lock:
            _limits[name] = int(max_entries)
        params = list(inspect.signature(fn).parameters)
        keyed = [i for i, p in enumerate(params) if not p.startswith("_")]

        @functools.wraps(fn)
        def wrapper(*args, **kw):
            bound = list(args) + [kw[p] for p in params[len(args):] if p in kw]
            key = tuple(bound[i] for i in keyed if i < len(bound))
            while True:
                found, value = _lookup(name, key)
                if found:
                    return value
                with _lock:
                    ev = _computing.get((name, key))
                    mine = ev is None
                    if mine:
                        ev = _computing[(name, key)] = threading.Event()
                        _hits["miss"] += 1
                if not mine:  # another session computes this very result: wait for it
                    ev.wait(600)
                    found, value = _lookup(name, key)
                    if found:
                        return value
                    continue  # it failed, or was not kept: compute it here
                try:
                    value = fn(*args, **kw)
                    _store(name, key, value, copy)
                    return value
                finally:
                    with _lock:
                        _computing.pop((name, key), None)
                    ev.set()

        wrapper.cache_name = name
        wrapper.max_entries = int(max_entries)
        return wrapper
    return deco


def purge(data_key: str) -> int:
    """Drop every entry keyed on ``data_key`` (a data set's cache identity: the ``bkey`` argument)."""
    with _lock:
        doomed = [k for k in _entries if data_key in k[1]]
        for k in doomed:
            _, nbytes, _ = _entries.pop(k)
            _total[0] -= nbytes
            _count[k[0]] -= 1
        return len(doomed)


def clear() -> None:
    """Drop everything (tests)."""
    with _lock:
        _entries.clear()
        _count.clear()
        _total[0] = 0


def stats() -> dict:
    """Bytes and entries held, per function and in total, and hit/miss/eviction counts."""
    with _lock:
        per = {}
        for (name, _), (_, nbytes, _) in _entries.items():
            e = per.setdefault(name, {"entries": 0, "bytes": 0})
            e["entries"] += 1
            e["bytes"] += nbytes
        return {"bytes": _total[0], "entries": len(_entries), "max_bytes": MAX_BYTES, "functions": per, **_hits}


# -- live objects (uploads) -------------------------------------------------------------------------
def _uploads_budget() -> int:
    try:
        mb = float(os.environ.get("IISCORE_UPLOADS_MB", "") or 2048)
    except ValueError:
        mb = 2048
    return int(max(64.0, mb) * 2**20)


#: Bytes all live uploads together may hold (``IISCORE_UPLOADS_MB``, default 2048 MB).
MAX_LIVE_BYTES = _uploads_budget()


class Busy(Exception):
    """The live objects already hold :data:`MAX_LIVE_BYTES`: a new one is refused (``held``, ``need`` bytes)."""

    def __init__(self, held: int, need: int):
        super().__init__(held, need)
        self.held, self.need = held, need


def cache_live(*, max_entries: int, release=None):
    """Decorate a loader whose values live as long as somebody holds them (sessions do).

    Values are kept by weak reference, keyed on the arguments that do not start with ``_``: two
    sessions uploading the same file share one object, and when the last holder lets go it is
    freed and ``release(value)`` runs (the app purges the upload's cached results). At most
    ``max_entries`` are registered, and together at most :data:`MAX_LIVE_BYTES` (estimated by
    :func:`sizeof` when loaded): a new value past that raises :class:`Busy` and is dropped."""
    import weakref

    def deco(fn):
        live: "weakref.WeakValueDictionary" = weakref.WeakValueDictionary()
        sizes: dict = {}
        params = list(inspect.signature(fn).parameters)
        keyed = [i for i, p in enumerate(params) if not p.startswith("_")]
        lock = threading.Lock()

        def _gone(key, ref_id, value_key):
            with lock:
                sizes.pop(ref_id, None)
            if release is not None:
                release(value_key)

        @functools.wraps(fn)
        def wrapper(*args, **kw):
            bound = list(args) + [kw[p] for p in params[len(args):] if p in kw]
            key = tuple(bound[i] for i in keyed if i < len(bound))
            with lock:
                value = live.get(key)
            if value is not None:
                return value
            value = fn(*args, **kw)
            need = sizeof(value)
            with lock:
                other = live.get(key)
                if other is not None:  # loaded meanwhile by another session: share that one
                    return other
                held = sum(sizes.values())
                if held + need > MAX_LIVE_BYTES:
                    raise Busy(held, need)
                if len(live) < max_entries:  # past that, still counted and released, but not shared
                    live[key] = value
                sizes[id(value)] = need
            weakref.finalize(value, _gone, key, id(value), getattr(value, "key", key))
            return value

        wrapper.live = live
        wrapper.max_entries = int(max_entries)
        wrapper.held_bytes = lambda: sum(sizes.values())
        return wrapper
    return deco
