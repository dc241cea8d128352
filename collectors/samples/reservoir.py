"""A seeded reservoir sample: at most N prompts per group, each as likely to be kept as any other.

Each prompt gets a priority from a seeded hash of its content, and a group keeps the N smallest (a
"bottom-k" sample). That is a uniform sample without replacement, like Algorithm R, with three properties
the ledger needs: it streams in memory bounded by N per group; it is reproducible (the same seed keeps the
same prompts); and two samples merge into the sample of both by keeping the N smallest again, so prompts
kept from several files (``db.prompt_samples.keep_samples``) are still one uniform sample. The same prompt
has the same priority, so it is kept once however often it was sent.
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Generic, TypeVar

__all__ = ["Reservoir", "sample_key"]

T = TypeVar("T")


def sample_key(content: str, seed: int = 0) -> str:
    """The priority of ``content`` under ``seed``: 32 hex digits, uniform, compared as text.

    >>> sample_key("hello") == sample_key("hello"), sample_key("hello") == sample_key("hello", seed=1)
    (True, False)
    """
    return hashlib.sha256(f"{seed}\0{content}".encode()).hexdigest()[:32]


@dataclass
class Reservoir(Generic[T]):
    """At most ``limit`` items per group: those with the smallest keys offered so far.

    >>> r: Reservoir[str] = Reservoir(2)
    >>> for word in ["a", "b", "c", "d"]:
    ...     r.offer("g", sample_key(word), word)
    >>> sorted(item for _, _, item in r.items()) == sorted(sorted("abcd", key=sample_key)[:2])
    True
    """

    limit: int
    _heaps: dict[str, list[tuple[int, int, str, T]]] = field(default_factory=dict)
    _keys: dict[str, set[str]] = field(default_factory=dict)
    _order: Iterator[int] = field(default_factory=itertools.count)
    offered: int = 0

    def __post_init__(self) -> None:
        if self.limit < 1:
            raise ValueError("a reservoir keeps at least one item per group")

    def offer(self, group: str, key: str, item: T) -> None:
        """Offer ``item`` with priority ``key`` to ``group``; kept while its key is among the smallest."""
        self.offered += 1
        keys = self._keys.setdefault(group, set())
        if key in keys:
            return
        heap = self._heaps.setdefault(group, [])
        # heapq is a min-heap: the negated key puts the largest kept key on top, the one to drop first.
        entry = (-int(key, 16), next(self._order), key, item)
        if len(heap) < self.limit:
            heapq.heappush(heap, entry)
            keys.add(key)
        elif entry[0] > heap[0][0]:
            dropped = heapq.heapreplace(heap, entry)
            keys.discard(dropped[2])
            keys.add(key)

    def items(self) -> Iterator[tuple[str, str, T]]:
        """(group, key, item) of every kept item, each group's in key order."""
        for group, heap in self._heaps.items():
            for _, _, key, item in sorted(heap, key=lambda entry: entry[2]):
                yield group, key, item
