"""Timing work inside the benchmark's own process: the best of a few runs, since the machine is shared and
the fastest run is the one least disturbed by others."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["best_of"]


def best_of(job: Callable[[], object], repeats: int) -> float:
    """The shortest of ``repeats`` timed runs of ``job``, in seconds (warm it up first where it needs it)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)
