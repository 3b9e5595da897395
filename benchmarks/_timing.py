"""The timing loop every benchmark uses: warm-up runs, then median and best of ``repeat`` runs."""
from __future__ import annotations

import statistics
import time


def timeit(fn, repeat: int, warmup: int = 1) -> tuple[float, float]:
    """Seconds: (median, best) of ``repeat`` calls of ``fn`` after ``warmup`` untimed calls
    (imports, thread pools and first-call caches are not what we measure)."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times)
