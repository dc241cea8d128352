"""What a source format is to the pipeline: a name, a way to recognise it, a way to read it."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property

from collectors.records import Batch
from collectors.source import Source

__all__ = ["Format", "Peek", "sniff_delimiter"]

_DELIMITERS = (",", ";", "\t", "|")
_LINE_END = re.compile(r"\r\n|\r|\n")


def sniff_delimiter(line: str) -> str:
    """The delimiter of a CSV header line: whichever candidate splits it most (comma on a tie).

    >>> sniff_delimiter("date;model;input_tokens")
    ';'
    """
    counts = {d: len(_fields(line, d)) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: (counts[d], d == ","))


def _fields(line: str, delimiter: str) -> list[str]:
    """``line`` split as CSV. A field longer than the csv module takes (128 KB: a wide header split at the
    wrong delimiter, or no CSV at all) leaves the line one field: no header anyone would map."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return [line]


@dataclass(frozen=True)
class Peek:
    """The start of a source, decoded, with the views formats recognise themselves by."""

    text: str

    @cached_property
    def first_line(self) -> str:
        # A line ends at LF, CRLF or a lone CR (classic Mac OS, and some spreadsheet exports).
        return _LINE_END.split(self.text.lstrip("\ufeff"), maxsplit=1)[0]

    @cached_property
    def delimiter(self) -> str:
        return sniff_delimiter(self.first_line)

    @cached_property
    def csv_header(self) -> tuple[str, ...]:
        """The first line read as CSV column names, lower-cased and stripped (empty for JSON)."""
        if self.text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
            return ()
        names = _fields(self.first_line, self.delimiter)
        return tuple(name.strip().lower() for name in names)

    def has_columns(self, *names: str) -> bool:
        return set(names) <= set(self.csv_header)

    @cached_property
    def first_json_line(self) -> object:
        """The first line parsed as JSON (a JSON-lines record), or None."""
        try:
            return json.loads(self.first_line)
        except (ValueError, RecursionError):  # nested deeper than the parser recurses: no record
            return None

    @cached_property
    def is_json_document(self) -> bool:
        """A JSON document (an API response), as opposed to JSON lines. A response saved on one line
        (``curl > page.json``) counts as a document too: its single line is the whole of it."""
        if not self.text.lstrip("\ufeff \t\r\n").startswith(("{", "[")):
            return False
        return self.first_json_line is None or not _LINE_END.search(self.text.strip())


@dataclass(frozen=True)
class Format:
    """One source format. ``sniff`` recognises it from a :class:`Peek`; ``read`` streams its batches."""

    name: str
    title: str
    sniff: Callable[[Peek], bool]
    read: Callable[[Source], Iterator[Batch]]
