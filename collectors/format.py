"""What a source format is to the pipeline: a name, a way to recognise it, a way to read it."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from collectors.records import Batch
from collectors.source import Source

__all__ = ["Format", "Peek", "sniff_delimiter"]

_DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(line: str) -> str:
    """The delimiter of a CSV header line: whichever candidate splits it most (comma on a tie).

    >>> sniff_delimiter("date;model;input_tokens")
    ';'
    """
    counts = {d: len(next(csv.reader([line], delimiter=d))) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: (counts[d], d == ","))


@dataclass(frozen=True)
class Peek:
    """The start of a source, decoded, with the views formats recognise themselves by."""

    text: str

    @cached_property
    def first_line(self) -> str:
        return self.text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")

    @cached_property
    def delimiter(self) -> str:
        return sniff_delimiter(self.first_line)

    @cached_property
    def csv_header(self) -> tuple[str, ...]:
        """The first line read as CSV column names, lower-cased and stripped (empty for JSON)."""
        if self.text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
            return ()
        names = next(csv.reader([self.first_line], delimiter=self.delimiter), [])
        return tuple(name.strip().lower() for name in names)

    def has_columns(self, *names: str) -> bool:
        return set(names) <= set(self.csv_header)

    @cached_property
    def first_json_line(self) -> object:
        """The first line parsed as JSON (a JSON-lines record), or None."""
        try:
            return json.loads(self.first_line)
        except ValueError:
            return None

    @cached_property
    def is_json_document(self) -> bool:
        """A JSON document (an API response), as opposed to JSON lines. A response saved on one line
        (``curl > page.json``) counts as a document too: its single line is the whole of it."""
        if not self.text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
            return False
        return self.first_json_line is None or not self.text.strip().count("\n")


@dataclass(frozen=True)
class Format:
    """One source format. ``sniff`` recognises it from a :class:`Peek`; ``read`` streams its batches."""

    name: str
    title: str
    sniff: Callable[[Peek], bool]
    read: Callable[[Source], Iterator[Batch]]
