"""exitplan's own CSV: one row per usage bucket or request, in canonical measures.

Required columns: ``date`` or ``timestamp`` (ISO 8601, UTC unless an offset is given), ``provider``,
``model``, ``input_tokens`` (all input, cached included), ``output_tokens``. Optional: ``project``,
``api_key``, ``user``, ``feature``, ``requests`` (default 1 per row), ``cached_input_tokens`` (alias
``cache_read_tokens``), ``cache_write_tokens``, ``cache_write_1h_tokens``, ``reasoning_tokens``,
``service_tier``, ``batch``, ``latency_ms`` (the mean over the row's requests), ``cost_usd``.

A token column the file does not have is not in this source: its measure is unknown, not 0. A blank cell
in a column the file has is 0, as a spreadsheet leaves a cell blank for none.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from collectors.csvfile import csv_batches
from collectors.format import Format, Peek
from collectors.normalise import (
    Parsed,
    first_reason,
    parse_bools,
    parse_counts,
    parse_money,
    parse_numbers,
    parse_timestamps,
    text,
)
from collectors.records import Batch, make_records
from collectors.source import Source
from pricing.identity import provider_id

__all__ = ["FORMAT"]

_TIME = ("timestamp", "date")
_REQUIRED = ("provider", "model", "input_tokens", "output_tokens")
_ALIASES = {"cache_read_tokens": "cached_input_tokens"}


def _sniff(peek: Peek) -> bool:
    return peek.has_columns(*_REQUIRED) and bool(set(_TIME) & set(peek.csv_header))


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    for candidate in (name, *(alias for alias, target in _ALIASES.items() if target == name)):
        if candidate in frame.columns:
            return frame[candidate]
    return pd.Series("", index=frame.index, dtype=object)


def _has(frame: pd.DataFrame, name: str) -> bool:
    return any(c in frame.columns for c in (name, *(alias for alias, target in _ALIASES.items() if target == name)))


def _part(frame: pd.DataFrame, name: str) -> Parsed:
    """An optional token column: blank cells are 0, and the whole measure is unknown when the file lacks it."""
    return parse_counts(_column(frame, name), name, default=0 if _has(frame, name) else None)


def to_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical records from a frame of canonical-CSV text cells."""
    time_column = "timestamp" if "timestamp" in frame.columns else "date"
    timestamp = parse_timestamps(frame[time_column], time_column)
    counts = {
        "input_tokens": parse_counts(frame["input_tokens"], "input_tokens", required=True),
        "output_tokens": parse_counts(frame["output_tokens"], "output_tokens", required=True),
        "requests": parse_counts(_column(frame, "requests"), "requests", default=1),
        "cache_read_tokens": _part(frame, "cached_input_tokens"),
        "cache_write_tokens": _part(frame, "cache_write_tokens"),
        "cache_write_1h_tokens": _part(frame, "cache_write_1h_tokens"),
        "reasoning_tokens": _part(frame, "reasoning_tokens"),
    }
    batch = parse_bools(_column(frame, "batch"), "batch")
    latency = parse_numbers(_column(frame, "latency_ms"), "latency_ms")
    cost = parse_money(_column(frame, "cost_usd"), "cost_usd")
    providers = text(frame["provider"]).map(provider_id, na_action="ignore")
    return make_records(
        frame.index,
        timestamp=timestamp.values,
        provider=providers,
        model=frame["model"],
        project=_column(frame, "project"),
        api_key=_column(frame, "api_key"),
        user=_column(frame, "user"),
        feature=_column(frame, "feature"),
        service_tier=_column(frame, "service_tier"),
        batch=batch.values,
        latency_ms=latency.values,
        reported_cost_usd=cost.values,
        **{name: parsed.values for name, parsed in counts.items()},
        reason=first_reason(
            timestamp.reasons,
            *(parsed.reasons for parsed in counts.values()),
            batch.reasons,
            latency.reasons,
            cost.reasons,
        ),
    )


def _read(source: Source) -> Iterator[Batch]:
    yield from csv_batches(source, to_records, required=(_TIME, *((name,) for name in _REQUIRED)))


FORMAT = Format("exitplan_csv", "exitplan canonical CSV", _sniff, _read)
