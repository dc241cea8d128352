"""Small CSV files the user uploads to correct the reference data (evaluation results, latency
measurements): a header whose names may be spelled several ways, then rows checked one by one, each error
naming its row as a spreadsheet shows it (the header is row 1)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping

from db.errors import InvalidInput

__all__ = ["Row", "positive_number", "read_rows", "whole_number"]

Row = dict[str | None, str]


def read_rows(content: bytes, aliases: Mapping[str, str], expected: str) -> tuple[set[str], list[tuple[str, Row]]]:
    """The canonical column names the header has, and (``"row N"``, cells by canonical name) for each
    non-blank row; columns not in ``aliases`` are read as None and ignored. ``expected`` describes the header
    in the message for an empty file.

    >>> names, rows = read_rows(b"Model,Score,Notes\\n gpt-4o ,1,x\\n\\n", {"model": "model", "score": "score"}, "")
    >>> sorted(names), rows
    (['model', 'score'], [('row 2', {'model': 'gpt-4o', 'score': '1', None: 'x'})])
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text; save it as CSV (UTF-8)") from None
    lines = list(csv.reader(io.StringIO(text)))
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise InvalidInput(f"the file is empty; expected a header: {expected}")
    names = [aliases.get(cell.strip().lower()) for cell in lines[0]]
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            raise InvalidInput(f"row {number}: {len(cells)} values for {len(names)} columns")
        rows.append((f"row {number}", dict(zip(names, (cell.strip() for cell in cells), strict=False))))
    return {name for name in names if name is not None}, rows


def positive_number(raw: str, where: str, name: str, *, zero: bool = False) -> float:
    """``raw`` as a finite number above 0 (or at least 0 with ``zero``); a trailing % is allowed."""
    try:
        value = float(raw.rstrip("%"))
    except ValueError:
        raise InvalidInput(f"{where}: {name} '{raw}' is not a number") from None
    if not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        raise InvalidInput(f"{where}: {name} '{raw}' must be a number {'of 0 or more' if zero else 'above 0'}")
    return value


def whole_number(raw: str, where: str, name: str) -> int | None:
    """``raw`` as a positive whole number, or None when the cell is empty."""
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not (math.isfinite(value) and value.is_integer() and value >= 1):
        raise InvalidInput(f"{where}: {name} '{raw}' is not a positive whole number")
    return int(value)
