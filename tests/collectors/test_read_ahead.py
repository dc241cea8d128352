"""Chunks parsed in a background thread ahead of the writes: same items, same errors, nothing left running."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from collectors.read_ahead import read_ahead


def test_items_come_in_order() -> None:
    assert list(read_ahead(range(100), depth=3)) == list(range(100))


def test_an_error_in_the_producer_reaches_the_consumer_after_the_items_before_it() -> None:
    def failing() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("row 3 is damaged")

    seen = []
    with pytest.raises(ValueError, match="row 3"):
        for item in read_ahead(failing()):
            seen.append(item)
    assert seen == [1, 2]


def test_a_consumer_that_stops_early_stops_the_producer() -> None:
    produced = []
    finished = threading.Event()

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                produced.append(n)
                yield n
                n += 1
        finally:
            finished.set()

    items = read_ahead(endless(), depth=1)
    assert next(items) == 0
    items.close()  # what an exception in the consumer's loop does
    assert not any(t.name == "exitplan-read-ahead" and t.is_alive() for t in threading.enumerate())
    assert finished.is_set() and len(produced) <= 3
