"""Run an iterator in a background thread, a few items ahead of its consumer.

An import parses a chunk (Arrow, NumPy and pandas kernels, which mostly release the GIL) while the
previous chunk is written to the ledger (SQLite's C code, which releases it too); the two overlap.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["read_ahead"]

T = TypeVar("T")
_END = object()
_POLL_S = 0.1


def read_ahead(items: Iterable[T], depth: int = 1) -> Iterator[T]:
    """Yield ``items`` as a background thread produces them, at most ``depth`` ahead.

    An exception in the producer is raised to the consumer at the point it happened. When the consumer
    stops early (an error of its own, or it closes the generator) the producer stops at its next item.
    """
    handoff: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=depth)
    stopped = threading.Event()

    def offer(entry: tuple[object, BaseException | None]) -> bool:
        while not stopped.is_set():
            try:
                handoff.put(entry, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        source = iter(items)
        try:
            for item in source:
                if not offer((item, None)):
                    # The consumer stopped: close the source now (its files, its reader), not when collected.
                    close = getattr(source, "close", None)
                    if close is not None:
                        close()
                    return
        except BaseException as exc:  # handed to the consumer, which raises it
            offer((_END, exc))
            return
        offer((_END, None))

    producer = threading.Thread(target=produce, name="exitplan-read-ahead", daemon=True)
    producer.start()
    try:
        while True:
            item, error = handoff.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item  # type: ignore[misc]
    finally:
        stopped.set()
        producer.join()
