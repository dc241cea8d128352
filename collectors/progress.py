"""How far an import has got: rows read, rows a second, and a guess at the time left from the file's size.

An import hears only how many rows it has read; how many the file holds is guessed from its size and the
length of its first lines (a gzip file says its uncompressed size, modulo 4 GiB, in its last four bytes).
The guess is a guess: the fraction is held below 1 until the import says it is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from collectors.source import IngestError, Source

__all__ = ["ImportProgress", "estimated_rows"]

_SAMPLE = 1 << 20
_SETTLED_S = 1.0  # see ImportProgress


def estimated_rows(source: Source) -> int | None:
    """About how many rows (lines) ``source`` holds, or None when its size cannot be told."""
    try:
        head = source.head(_SAMPLE)
        size = source.content_size()
    except (IngestError, OSError):  # a damaged file says so when it is imported; a progress bar need not
        return None
    lines = head.count(b"\n")
    if not head or lines < 2:
        return None
    if size is None:
        return None
    if size <= len(head):
        return max(lines - 1, 1)
    return max(int(size * lines / len(head)) - 1, 1)


@dataclass
class ImportProgress:
    """Rows read so far, against the estimated total; ``clock`` is injectable for tests.

    The rate counts from the first report: an import is first heard of a chunk into the file, at a moment
    that says nothing of when its reading began. It is stated once a second has passed since: chunks read
    ahead arrive in a burst at first, and a rate over a few milliseconds of them is no rate.

    >>> ticks = iter([0.0, 10.0])
    >>> progress = ImportProgress(estimate=1_000, clock=lambda: next(ticks))
    >>> progress.update(50)
    >>> progress.update(300)
    >>> progress.rows_per_s, progress.seconds_left, progress.fraction
    (25.0, 28.0, 0.3)
    """

    estimate: int | None = None
    clock: Callable[[], float] = time.monotonic
    rows: int = 0
    rows_per_s: float = 0.0
    _first: tuple[int, float] | None = field(default=None, repr=False)

    def update(self, rows: int) -> None:
        now = self.clock()
        if self._first is None:
            self._first = (rows, now)
        self.rows = rows
        first_rows, first_time = self._first
        elapsed = now - first_time
        self.rows_per_s = (rows - first_rows) / elapsed if elapsed >= _SETTLED_S else 0.0

    @property
    def fraction(self) -> float | None:
        """Share of the file read, held below 1 (the estimate may be short); None without an estimate."""
        if not self.estimate:
            return None
        return min(self.rows / self.estimate, 0.99)

    @property
    def seconds_left(self) -> float | None:
        if not self.estimate or not self.rows_per_s:
            return None
        return max(self.estimate - self.rows, 0) / self.rows_per_s

    def words(self) -> str:
        """``1,234,567 rows read · 52,311 rows/s · about 40 s left``."""
        parts = [f"{self.rows:,} rows read"]
        if self.rows_per_s:
            parts.append(f"{self.rows_per_s:,.0f} rows/s")
        left = self.seconds_left
        if left is not None:
            parts.append(f"about {left:,.0f} s left")
        return " · ".join(parts)
