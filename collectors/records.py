"""Usage records: what every importer produces — one row per source row, in canonical measures.

A format module turns its source rows into a records frame (:func:`make_records`) and says, per row, what
becomes of it. One rule holds for every format:

- a row that is not usage by the source's own definition (a SPAN observation, a failed request that used
  nothing, a storage line of a cloud bill, an empty bucket) is *skipped*: the ``skipped`` column names its
  kind, and the import counts it per kind, apart from rejections;
- a row that should have been usage and cannot be read is *rejected*: the ``reason`` column says why.

A skipped row is never also rejected: what is not usage needs no reading. The pipeline validates, rolls up
and stores the rest; no format writes to the ledger itself.

A measure the source does not report is missing (null), never 0: a cost report has no tokens, a dashboard
export no reasoning split, most sources no 1-hour cache split. Only a part of a measure known to be 0 is
known to be 0 too (no input, so no cache reads).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from collectors.normalise import text
from db.imports import Rejection
from db.measures import COUNT_MEASURES, TOKEN_MEASURES

__all__ = ["COUNT_COLUMNS", "PARTS", "RECORD_COLUMNS", "TEXT_COLUMNS", "Batch", "make_records"]

TEXT_COLUMNS: tuple[str, ...] = (
    "provider",
    "host",
    "model",
    "project",
    "api_key",
    "user",
    "feature",
    "service_tier",
)
COUNT_COLUMNS: tuple[str, ...] = COUNT_MEASURES

# Column → dtype of a records frame.
RECORD_COLUMNS: dict[str, str] = {
    "timestamp": "datetime64[us, UTC]",
    **dict.fromkeys(TEXT_COLUMNS, "object"),
    "batch": "boolean",
    **dict.fromkeys(COUNT_COLUMNS, "Int64"),
    # What the source said the row cost, in USD (kept for reconciliation, never used as a price).
    "reported_cost_usd": "float64",
    # Mean latency of the row's requests, and mean time to first token, where the source measures them.
    "latency_ms": "float64",
    "ttft_ms": "float64",
    # A prompt-size band the source states itself (Anthropic's context_window); else derived from
    # input tokens per request.
    "prompt_band": "Int64",
    # What kind of not-usage the row is ("SPAN observation"), for rows skipped; null for the rest.
    "skipped": "object",
    "reason": "object",
}

# Each token measure that is a part of another: a whole known to be 0 has parts that are 0.
PARTS: dict[str, str] = {
    "cache_read_tokens": "input_tokens",
    "cache_write_tokens": "input_tokens",
    "cache_write_1h_tokens": "cache_write_tokens",
    "reasoning_tokens": "output_tokens",
}


def make_records(index: pd.Index | int, **columns: object) -> pd.DataFrame:
    """A records frame over ``index`` with the given columns; the others take their defaults.

    Every column defaults to missing: a token measure the format does not give is unknown, not 0. A part of
    a measure that is 0 is 0 (see :data:`PARTS`). Text columns are stripped and blank text becomes missing.

    >>> frame = make_records(2, provider="openai", model="gpt-4o", input_tokens=[10, 0])
    >>> frame["output_tokens"].tolist(), frame["cache_read_tokens"].tolist()
    ([<NA>, <NA>], [<NA>, 0])
    """
    if isinstance(index, int):
        index = pd.RangeIndex(index)
    data: dict[str, pd.Series] = {}
    for name, dtype in RECORD_COLUMNS.items():
        value = columns.pop(name, None)
        series = value if isinstance(value, pd.Series) else pd.Series(value, index=index)
        if name in TEXT_COLUMNS:
            series = text(series)
        data[name] = series if series.dtype == dtype else series.astype(dtype)
    if columns:
        raise TypeError(f"not record columns: {sorted(columns)}")
    data["reason"] = data["reason"].where(data["reason"].notna(), None)
    data["skipped"] = data["skipped"].where(data["skipped"].notna(), None)
    # Whole before part, so that a part of a part (1-hour writes of no input) is filled in turn.
    for part in TOKEN_MEASURES:
        whole = PARTS.get(part)
        if whole is not None:
            zero = (data[whole] == 0).to_numpy(dtype=bool, na_value=False) & data[part].isna().to_numpy()
            if zero.any():
                data[part] = data[part].mask(zero, 0)
    # One frame from all columns at once: adding them one by one costs more than making them.
    return pd.DataFrame(data, index=index)


@dataclass
class Batch:
    """A chunk of one source: its records, and what a rejected row looked like in the file.

    ``source`` holds the rows as read (one column per field, or a single ``raw`` column with the
    row's text); ``locations`` says where each row was (default: ``row N`` counted from
    ``first_row``). ``rejected`` carries rows the reader itself could not split into fields, and
    ``skipped`` (kind → rows) rows it left out as not usage before making records of them (an idle time
    grain of a metrics export); ``rows_read`` counts both.
    """

    records: pd.DataFrame
    source: pd.DataFrame
    rows_read: int
    first_row: int = 1
    locations: pd.Series | None = None
    rejected: list[Rejection] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def rejections(self, mask: pd.Series) -> Iterable[Rejection]:
        """The rejected rows (``mask`` true) as :class:`Rejection` records."""
        if not mask.any():
            return
        picked = self.source[mask.to_numpy()]
        if "raw" in picked.columns and len(picked.columns) == 1:
            raws = picked["raw"].astype(str)
        else:
            # Whole rows as Python lists: cheaper than indexing each Arrow-backed cell.
            raws = pd.Series([_as_csv_line(row) for row in picked.astype(object).to_numpy().tolist()])
        if self.locations is not None:
            where = self.locations[mask.to_numpy()]
        else:
            positions = pd.Series(range(len(mask)), index=mask.index)[mask.to_numpy()]
            where = "row " + (positions + self.first_row).astype(str)
        reasons = self.records.loc[mask.to_numpy(), "reason"]
        for location, raw, reason in zip(where, raws, reasons, strict=True):
            yield Rejection(str(location), str(raw), str(reason))


def _as_csv_line(values: list[object]) -> str:
    return ",".join(_quoted("" if v is None else str(v)) for v in values)


_NEEDS_QUOTES = re.compile(r'[,"\n\r]').search


def _quoted(value: str) -> str:
    if _NEEDS_QUOTES(value):
        return '"' + value.replace('"', '""') + '"'
    return value
