"""JSON values held in the cells of one column (gateway metadata, tags, usage details), parsed column-wise.

Per-request logs carry a JSON object in a cell of every row. Parsing them one by one in Python costs more
than everything else an import does, so a column is parsed once per distinct cell (logs repeat the same
metadata and tags many times), and the distinct cells in one pass by Arrow's JSON reader; fields are read
out for the distinct cells and spread to the rows. When Arrow cannot take the cells whole — one that is
not valid JSON, or a key whose type changes between cells — they are parsed one by one, which also says
which rows are bad.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.json as pajson

from collectors.formats.attribution import feature_named, joined_tags

__all__ = ["JsonColumn", "json_column"]


@dataclass
class JsonColumn:
    """The parsed cells of one column: ``values`` per distinct cell, ``codes`` saying which one each row
    holds (-1 for a missing cell), and ``reasons`` per row where a cell was not JSON."""

    index: pd.Index
    values: list[object]
    codes: np.ndarray
    reasons: pd.Series

    def _rows(self, per_value: Sequence[object]) -> pd.Series:
        holder = np.empty(len(per_value) + 1, dtype=object)  # filled one by one: lists must stay lists
        for i, value in enumerate(per_value):
            holder[i] = value
        holder[-1] = None  # code -1, a missing cell
        return pd.Series(holder[self.codes], index=self.index, dtype=object)

    def _each(self, func: Callable[[object], object]) -> pd.Series:
        return self._rows([func(value) for value in self.values])

    def get(self, *paths: Sequence[str]) -> pd.Series:
        """Per row, the first value found at one of ``paths`` (key sequences); missing where none has one.

        >>> json_column(pd.Series(['{"a": {"b": 2}}', '{"c": 3}', ""]), "x").get(("a", "b"), ("c",)).tolist()
        [2, 3, None]
        """

        def first(value: object) -> object:
            for path in paths:
                found = _dig(value, path)
                if found is not None and found != "":
                    return found
            return None

        return self._each(first)

    def feature(self, *paths: Sequence[str]) -> pd.Series:
        """The value of a feature key (``feature``, ``feature_tag``, … in any case) in the object at one of
        ``paths`` (``()`` for the cell's own object), the first path that has one winning."""

        def first(value: object) -> object:
            for path in paths:
                found = feature_named(_dig(value, path) if path else value)
                if found is not None:
                    return found
            return None

        return self._each(first)

    def objects(self) -> pd.Series:
        """Each row's whole parsed value (dicts, lists, scalars; missing for blank cells)."""
        return self._rows(self.values)

    def tags(self) -> pd.Series:
        """Cells holding a list of tags (or one tag), joined with "," in their order; missing otherwise."""
        return self._each(_joined)


def _dig(value: object, path: Sequence[str]) -> object:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _joined(tags: object) -> str | None:
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list):
        return None
    return joined_tags(str(tag).strip() for tag in tags if tag is not None)


def json_column(raw: pd.Series, name: str) -> JsonColumn:
    """Parse a column of JSON text (blank cells are missing; already-parsed values are kept).

    >>> json_column(pd.Series(['{"a": 1}', "", "{oops"]), "metadata").reasons.tolist()
    [None, None, 'metadata is not valid JSON']
    """
    cells = raw.astype(object)
    keys = cells if pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty") else cells.map(_key)
    codes, uniques = pd.factorize(keys, use_na_sentinel=True)
    distinct = (
        [cells.iloc[int(np.argmax(codes == i))] for i in range(len(uniques))] if keys is not cells else list(uniques)
    )
    parsed = _with_arrow(distinct)
    failed = np.zeros(len(distinct), dtype=bool)
    if parsed is None:
        parsed = []
        for i, cell in enumerate(distinct):
            value, bad = _parse(cell)
            parsed.append(value)
            failed[i] = bad
    present = codes >= 0
    bad_rows = present & failed[np.where(present, codes, 0)] if len(parsed) else np.zeros(len(codes), dtype=bool)
    reasons = pd.Series(np.where(bad_rows, f"{name} is not valid JSON", None), index=raw.index, dtype=object)
    return JsonColumn(raw.index, parsed, codes, reasons)


def _key(cell: object) -> object:
    # Parsed values (from a JSON document) are not hashable: factorize their text instead.
    return json.dumps(cell, sort_keys=True) if isinstance(cell, (dict, list)) else cell


def _parse(cell: object) -> tuple[object, bool]:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return None, False
    if not isinstance(cell, str):
        return cell, False
    text = cell.strip()
    if not text:
        return None, False
    try:
        return json.loads(text), False
    except ValueError:
        return None, True


def _with_arrow(cells: list[object]) -> list[object] | None:
    """The cells parsed by Arrow in one pass (each wrapped as ``{"v": cell}`` on a line of its own), as
    Python values; None when Arrow cannot take them all (then each is parsed alone)."""
    if not cells or not all(isinstance(cell, str) for cell in cells):
        return None
    texts = [" ".join(str(cell).split("\n")).replace("\r", " ").strip() or "null" for cell in cells]
    lines = "\n".join('{"v":' + text + "}" for text in texts).encode()
    try:
        table = pajson.read_json(io.BytesIO(lines))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != len(cells) or "v" not in table.column_names:
        return None
    # Arrow gives every object every key its column has; keep only the keys each cell really had.
    return [_without_absent(value) for value in table.column("v").to_pylist()]


def _without_absent(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_absent(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_absent(v) for v in value]
    return value
