"""JSON values held in the cells of one column (gateway metadata, tags, usage details), parsed column-wise.

Per-request logs carry a JSON object in a cell of every row. Parsing them one by one in Python costs more
than everything else an import does, so a column is parsed once per distinct cell (logs repeat the same
metadata and tags many times), the distinct cells in one pass by Arrow's JSON reader, and fields are read
out with Arrow compute and spread to the rows — no Python object per row. When Arrow cannot take the cells
whole — one that is not valid JSON, or a key whose type changes between cells — they are parsed one by one
in Python, which also says which rows are bad.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from collectors.formats.attribution import FEATURE_KEYS, MAX_FEATURE_CHARS, feature_named, joined_tags

__all__ = ["JsonColumn", "json_column"]


@dataclass
class JsonColumn:
    """The parsed cells of one column: one value per distinct cell — ``arrow`` (a struct array whose field
    ``v`` is the cell's value) or ``python`` (parsed one by one) — ``codes`` saying which one each row holds
    (-1 for a missing cell), and ``reasons`` per row where a cell was not JSON."""

    index: pd.Index
    codes: np.ndarray
    reasons: pd.Series
    arrow: pa.StructArray | None = None
    python: list[object] | None = None

    # --- spreading per-distinct results to the rows -------------------------------------------------
    def _rows_arrow(self, values: pa.Array) -> pd.Series:
        picked = values.take(pa.array(self.codes, mask=self.codes < 0))
        if pa.types.is_string(picked.type):
            # Text stays in Arrow: parsers and the text cleaner work on it without a Python object per row.
            return pd.Series(picked, index=self.index, dtype="str")
        series = pd.Series(picked.to_pandas(), index=self.index).astype(object)
        return series.where(series.notna(), None)

    def _rows_python(self, per_value: Sequence[object]) -> pd.Series:
        holder = np.empty(len(per_value) + 1, dtype=object)  # filled one by one: lists must stay lists
        for i, value in enumerate(per_value):
            holder[i] = value
        holder[-1] = None  # code -1, a missing cell
        return pd.Series(holder[self.codes], index=self.index, dtype=object)

    def _each(self, func: Callable[[object], object]) -> pd.Series:
        assert self.python is not None
        return self._rows_python([func(value) for value in self.python])

    # --- Arrow navigation ---------------------------------------------------------------------------
    def _field(self, path: Sequence[str]) -> pa.Array | None:
        assert self.arrow is not None
        values: pa.Array = self.arrow
        for key in ("v", *path):
            if not pa.types.is_struct(values.type) or values.type.get_field_index(key) < 0:
                return None
            values = pc.struct_field(values, key)
        return values

    @staticmethod
    def _as_text(values: pa.Array | None) -> pa.Array | None:
        if values is None or pa.types.is_struct(values.type) or pa.types.is_list(values.type):
            return None
        text = values if pa.types.is_string(values.type) else pc.cast(values, pa.string())
        # An empty string says nothing, like a missing key.
        return pc.if_else(pc.equal(pc.utf8_trim_whitespace(text), ""), pa.scalar(None, pa.string()), text)

    # --- what formats read --------------------------------------------------------------------------
    def get(self, *paths: Sequence[str]) -> pd.Series:
        """Per row, the first value found at one of ``paths`` (key sequences), as text where Arrow parsed
        the column (Arrow-backed ``str``); missing where none has one.

        >>> json_column(pd.Series(['{"a": {"b": 2}}', '{"c": 3}', ""]), "x").get(("a", "b"), ("c",)).tolist()
        ['2', '3', nan]
        """
        if self.arrow is not None:
            found = [t for t in (self._as_text(self._field(path)) for path in paths) if t is not None]
            if not found:
                return pd.Series(None, index=self.index, dtype=object)
            return self._rows_arrow(pc.coalesce(*found) if len(found) > 1 else found[0])

        def first(value: object) -> object:
            for path in paths:
                hit = _dig(value, path)
                if hit is not None and hit != "":
                    return hit
            return None

        return self._each(first)

    def has_object(self, path: Sequence[str]) -> pd.Series:
        """Per row, whether the cell holds a JSON object at ``path`` (a key sequence): a source that writes a
        block of detail only when it has any says by its absence that the detail is unknown.

        >>> json_column(pd.Series(['{"a": {"b": 2}}', '{"a": 3}', ""]), "x").has_object(("a",)).tolist()
        [True, False, False]
        """
        if self.arrow is not None:
            values = self._field(path)
            if values is None or not pa.types.is_struct(values.type):
                return pd.Series(False, index=self.index, dtype=bool)
            return self._rows_arrow(pc.is_valid(values)).fillna(False).astype(bool)
        return self._each(lambda value: isinstance(_dig(value, path), dict)).fillna(False).astype(bool)

    def feature(self, *paths: Sequence[str]) -> pd.Series:
        """The value of a feature key (``feature``, ``feature_tag``, … in any case) in the object at one of
        ``paths`` (``()`` for the cell's own object), the first path and key that has one winning."""
        if self.arrow is not None:
            found = []
            for path in paths:
                holder = self._field(path)
                if holder is None or not pa.types.is_struct(holder.type):
                    continue
                names = {
                    holder.type.field(i).name.lower(): holder.type.field(i).name for i in range(holder.type.num_fields)
                }
                for wanted in FEATURE_KEYS:
                    if wanted in names and (text := self._as_text(pc.struct_field(holder, names[wanted]))) is not None:
                        found.append(pc.utf8_trim_whitespace(text))
            if not found:
                return pd.Series(None, index=self.index, dtype=object)
            return self._rows_arrow(pc.coalesce(*found) if len(found) > 1 else found[0])

        def first(value: object) -> object:
            for path in paths:
                hit = feature_named(_dig(value, path) if path else value)
                if hit is not None:
                    return hit
            return None

        return self._each(first)

    def tags(self) -> pd.Series:
        """Cells holding a list of tags (or one tag), joined with "," in their order; missing otherwise."""
        if self.arrow is not None:
            values = self._field(())
            if values is not None and pa.types.is_list(values.type) and pa.types.is_string(values.type.value_type):
                joined = pc.binary_join(values, ",")
                joined = pc.if_else(pc.equal(joined, ""), pa.scalar(None, pa.string()), joined)
                rows = self._rows_arrow(joined)
                long = rows.str.len() > MAX_FEATURE_CHARS
                return rows.where(~long.fillna(False), rows.str.slice(0, MAX_FEATURE_CHARS - 1) + "…")
            if values is not None and pa.types.is_string(values.type):
                return self._rows_arrow(self._as_text(values))
            return self._rows_python([_joined(v) for v in self._python_values()])
        return self._each(_joined)

    def objects(self) -> pd.Series:
        """Each row's whole parsed value (dicts, lists, scalars; missing for blank cells)."""
        return self._rows_python(self._python_values())

    def _python_values(self) -> list[object]:
        if self.python is None:
            assert self.arrow is not None
            # Arrow gives every object every key its column has; keep only the keys each cell really had.
            self.python = [_without_absent(v) for v in pc.struct_field(self.arrow, "v").to_pylist()]
        return self.python


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


def _without_absent(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_absent(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_absent(v) for v in value]
    return value


def json_column(raw: pd.Series, name: str) -> JsonColumn:
    """Parse a column of JSON text (blank cells are missing; already-parsed values are kept).

    >>> json_column(pd.Series(['{"a": 1}', "", "{oops"]), "metadata").reasons.tolist()
    [None, None, 'metadata is not valid JSON']
    """
    cells = raw if raw.dtype != object else raw.map(_key, na_action="ignore")
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    # A parsed value's key is its JSON text, which parses back to it: the distinct keys are all we need.
    if raw.dtype != object and pd.api.types.is_string_dtype(raw.dtype):
        texts = pa.array(uniques.array)  # Arrow-backed text: no Python string per cell
    else:
        texts = pa.array([str(u) for u in uniques], pa.string())
    arrow = _with_arrow(texts)
    if arrow is not None:
        blank = pc.is_null(pc.struct_field(arrow, "v")).to_numpy(zero_copy_only=False)
        codes = np.where((codes >= 0) & ~blank[np.maximum(codes, 0)], codes, -1)
        return JsonColumn(raw.index, codes, pd.Series(None, index=raw.index, dtype=object), arrow=arrow)
    distinct = texts.to_pylist()
    parsed: list[object] = []
    failed = np.zeros(len(distinct), dtype=bool)
    for i, cell in enumerate(distinct):
        value, failed[i] = _parse(cell)
        parsed.append(value)
    present = codes >= 0
    bad_rows = present & failed[np.where(present, codes, 0)] if len(parsed) else np.zeros(len(codes), dtype=bool)
    reasons = pd.Series(np.where(bad_rows, f"{name} is not valid JSON", None), index=raw.index, dtype=object)
    return JsonColumn(raw.index, np.where(bad_rows, -1, codes), reasons, python=parsed)


def _key(cell: object) -> object:
    # Parsed values (from a JSON document) are not hashable: factorize their text instead.
    return json.dumps(cell) if isinstance(cell, (dict, list)) else cell


def _parse(cell: str) -> tuple[object, bool]:
    text = cell.strip()
    if not text:
        return None, False
    try:
        return json.loads(text), False
    except (ValueError, RecursionError):  # nested deeper than the parser recurses: not a value to read
        return None, True


def _with_arrow(cells: pa.Array) -> pa.StructArray | None:
    """The cells parsed by Arrow in one pass (each wrapped as ``{"v": cell}`` on a line of its own); None
    when Arrow cannot take them all (then each is parsed alone)."""
    if not len(cells):
        return None
    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks()
    texts = pc.utf8_trim_whitespace(cells.cast(pa.string()))
    # A line per cell: newlines between JSON tokens become spaces (a raw newline inside a string is not JSON).
    # Few cells have any, and looking for them costs a fraction of replacing them.
    if _has_line_breaks(texts):
        texts = pc.replace_substring_regex(texts, r"[\r\n]", " ")
    texts = pc.if_else(pc.equal(texts, ""), "null", texts)
    lines = pc.binary_join_element_wise('{"v":', texts, "}\n", "")
    # The lines' bytes lie end to end in the array's data buffer: read them as one document, no copy per cell.
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[lines.offset : lines.offset + len(lines) + 1]
    body = pa.py_buffer(memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]])
    try:
        table = pajson.read_json(pa.BufferReader(body))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if table.num_rows != len(cells) or "v" not in table.column_names:
        return None
    return pa.StructArray.from_arrays([table.column("v").combine_chunks()], ["v"])


def _has_line_breaks(texts: pa.StringArray) -> bool:
    """Whether any of ``texts`` holds a CR or LF (searched in the bytes of all cells at once)."""
    data = texts.buffers()[2]
    body = b"" if data is None else bytes(data)
    return b"\n" in body or b"\r" in body
