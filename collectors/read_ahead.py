"""Run an iterator in a background thread, a few items ahead of its consumer.

An import parses a chunk (Arrow, NumPy and pandas kernels, which mostly release the GIL) while the
previous chunk is written to the ledger (SQLite's C code, which releases it too); the two overlap.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Generic, TypeVar

__all__ = ["ReadAhead", "read_ahead"]

T = TypeVar("T")
_END = object()
_POLL_S = 0.1


class ReadAhead(Iterator[T], Generic[T]):
    """``items`` produced by a background thread, at most ``depth`` ahead of their consumer.

    The thread starts at once, so the first items are under way before anyone asks for them. An exception
    in the producer is raised to the consumer at the point it happened. :meth:`close` (or leaving a
    ``with`` block) stops the producer at its next item and closes its source.
    """

    def __init__(self, items: Iterable[T], depth: int = 1) -> None:
        self._handoff: queue.Queue[tuple[object, BaseException | None]] = queue.Queue(maxsize=depth)
        self._stopped = threading.Event()
        self._done = False
        # The thread holds the queue and the flag, not this object: an iterator dropped unclosed is collected,
        # and stops the thread as it goes.
        self._producer = threading.Thread(
            target=_produce, args=(items, self._handoff, self._stopped), name="exitplan-read-ahead", daemon=True
        )
        self._producer.start()

    def __next__(self) -> T:
        if self._done:
            raise StopIteration
        item, error = self._handoff.get()
        if item is _END:
            self.close()
            if error is not None:
                raise error
            raise StopIteration
        return item  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the producer (if it still runs) and wait for it."""
        self._done = True
        self._stopped.set()
        self._producer.join()

    def __enter__(self) -> ReadAhead[T]:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def __del__(self) -> None:
        # A consumer that drops the iterator without closing it must not leave the thread waiting forever.
        self._stopped.set()


def _produce(
    items: Iterable[object], handoff: queue.Queue[tuple[object, BaseException | None]], stopped: threading.Event
) -> None:
    def offer(entry: tuple[object, BaseException | None]) -> bool:
        while not stopped.is_set():
            try:
                handoff.put(entry, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

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


def read_ahead(items: Iterable[T], depth: int = 1) -> ReadAhead[T]:
    """Yield ``items`` as a background thread produces them, at most ``depth`` ahead (see :class:`ReadAhead`)."""
    return ReadAhead(items, depth)
