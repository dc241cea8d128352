"""The user's own latency measurements of a model on a host: they replace the published reference.

A measurement is what replaying sample prompts against a host gives: the median time to first token, its
p95 where measured, and the decode speed (output tokens per second after the first). With a workload's own
answer length they give an end-to-end estimate the same way the published figures do
(:func:`analysis.latency.candidate_latency`), labelled as the user's. The published tables are years old
and cover few of today's models and hosts, so for a shortlist this is how latency becomes known.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pandas as pd
from sqlalchemy import Engine

from analysis.reference import LatencyRef, reference_key
from analysis.uploads import Row, positive_number, read_rows, whole_number
from db.errors import InvalidInput
from db.latency_measurements import MEASUREMENT_COLUMNS, delete_measurements, list_measurements, replace_measurements
from pricing.identity import provider_id

__all__ = [
    "MEASUREMENT_COLUMNS",
    "delete_measurements",
    "list_measurements",
    "measured_latency",
    "parse_measurements",
    "save_measurements",
]

_EXPECTED = "host, model, ttft_s, tokens_per_s, and optionally ttft_p95_s, n, date"
# Each column a file needs, by the names that give it.
_REQUIRED = {
    "host": ("host",),
    "model": ("model",),
    "ttft_s or ttft_ms": ("ttft_s", "ttft_ms"),
    "tokens_per_s": ("tokens_per_s",),
}
_HEADER_ALIASES = {
    "host": "host",
    "provider": "host",
    "model": "model",
    "ttft_s": "ttft_s",
    "ttft": "ttft_s",
    "ttft_p50_s": "ttft_s",
    "ttft_ms": "ttft_ms",
    "ttft_p50_ms": "ttft_ms",
    "ttft_p95_s": "ttft_p95_s",
    "ttft_p95_ms": "ttft_p95_ms",
    "tokens_per_s": "tokens_per_s",
    "output_tokens_per_s": "tokens_per_s",
    "tok/s": "tokens_per_s",
    "tps": "tokens_per_s",
    "n": "n",
    "requests": "n",
    "date": "measured_on",
    "measured_on": "measured_on",
}


def parse_measurements(content: bytes) -> pd.DataFrame:
    """Latency measurements from a CSV: ``host``, ``model``, ``ttft_s`` (median time to first token; or
    ``ttft_ms``), ``tokens_per_s`` (decode speed) and optionally ``ttft_p95_s`` (or ``ttft_p95_ms``), ``n``
    (requests measured) and ``date`` (YYYY-MM-DD). Headers are case-insensitive; other columns are ignored.
    A bad row raises :class:`~db.errors.InvalidInput` naming it.

    >>> parse_measurements(b"Host,Model,TTFT_ms,tokens_per_s\\ngroq,llama-3.3-70b,180,250\\n").to_dict("records")
    [{'host': 'groq', 'model': 'llama-3.3-70b', 'ttft_s': 0.18, 'ttft_p95_s': None, 'tokens_per_s': 250.0, \
'n': None, 'measured_on': None}]
    """
    names, rows = read_rows(content, _HEADER_ALIASES, _EXPECTED)
    for needed, given_by in _REQUIRED.items():
        if names.isdisjoint(given_by):
            raise InvalidInput(f"missing column '{needed}' (the header must name {_EXPECTED})")
    records = [_measurement_row(where, cells) for where, cells in rows]
    if not records:
        raise InvalidInput("the file has a header but no measurements")
    # object columns keep None for "not given" (a float or string dtype would turn it into NaN)
    return pd.DataFrame(
        {name: pd.Series([getattr(r, name) for r in records], dtype=object) for name in MEASUREMENT_COLUMNS}
    )


def _seconds(cells: Row, name: str, where: str) -> float | None:
    """A time given in seconds (``name``) or milliseconds (``name`` with _ms for _s)."""
    millis = name.removesuffix("_s") + "_ms"
    if cells.get(name):
        return positive_number(cells[name] or "", where, name)
    if cells.get(millis):
        return positive_number(cells[millis] or "", where, millis) / 1000
    return None


class _Measurement(NamedTuple):
    """One row of the file, checked; its fields are :data:`MEASUREMENT_COLUMNS`."""

    host: str
    model: str
    ttft_s: float
    ttft_p95_s: float | None
    tokens_per_s: float
    n: int | None
    measured_on: date | None


def _measurement_row(where: str, cells: Row) -> _Measurement:
    host, model = cells.get("host") or "", cells.get("model") or ""
    if not host or not model:
        raise InvalidInput(f"{where}: {'host' if not host else 'model'} is empty")
    ttft = _seconds(cells, "ttft_s", where)
    if ttft is None:
        raise InvalidInput(f"{where}: the median time to first token is empty")
    p95 = _seconds(cells, "ttft_p95_s", where)
    if p95 is not None and p95 < ttft:
        raise InvalidInput(f"{where}: the p95 time to first token ({p95:g} s) is below the median ({ttft:g} s)")
    raw_date = cells.get("measured_on") or ""
    try:
        measured_on = date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        raise InvalidInput(f"{where}: date '{raw_date}' is not a date (YYYY-MM-DD)") from None
    return _Measurement(
        host=provider_id(host),
        model=model,
        ttft_s=ttft,
        ttft_p95_s=p95,
        tokens_per_s=positive_number(cells.get("tokens_per_s") or "", where, "tokens_per_s"),
        n=whole_number(cells.get("n") or "", where, "n"),
        measured_on=measured_on,
    )


def save_measurements(engine: Engine, frame: pd.DataFrame, source: str) -> int:
    """Store measurements from :func:`parse_measurements` under ``source`` (e.g. the file name), replacing
    earlier ones from it; returns how many were stored. Reading and deleting them is ``db.latency_measurements``
    (re-exported here)."""
    return replace_measurements(engine, frame, source)


def measured_latency(measurements: pd.DataFrame | None, provider: str, model: str) -> LatencyRef | None:
    """The user's newest measurement of ``model`` on ``provider`` — the same name, else the same model
    family as the reference tables spell it — or None.

    >>> from datetime import datetime
    >>> frame = pd.DataFrame([{"host": "deepinfra", "model": "gpt-oss-120b", "ttft_s": 0.4, "ttft_p95_s": 0.9,
    ...                        "tokens_per_s": 120.0, "n": 200, "measured_on": date(2026, 11, 20),
    ...                        "source": "replay.csv", "created_at": datetime(2026, 11, 21)}])
    >>> ref = measured_latency(frame, "deepinfra", "openai/gpt-oss-120b")
    >>> ref.ttft_p50_s, ref.ttft_tail_s, ref.tail_percentile, ref.source, ref.date, ref.yours
    (0.4, 0.9, 95, 'your measurements', 'replay.csv, 2026-11-20, 200 requests', True)
    >>> measured_latency(frame, "groq", "openai/gpt-oss-120b") is None
    True
    """
    if measurements is None or measurements.empty:
        return None
    rows = measurements[measurements["host"] == provider_id(provider)]
    exact = rows[rows["model"] == model]
    if exact.empty:
        key = reference_key(model)[0]
        exact = rows[[reference_key(str(m))[0] == key for m in rows["model"]]]
    if exact.empty:
        return None
    row = exact.iloc[-1]  # rows come oldest first: the newest upload wins
    tail, n, on = row["ttft_p95_s"], row["n"], row["measured_on"]
    parts = (
        row.get("source") if isinstance(row.get("source"), str) else None,
        str(pd.Timestamp(on).date()) if on is not None and not pd.isna(on) else None,
        f"{int(n):,} requests" if n is not None and not pd.isna(n) else None,
    )
    when = ", ".join(part for part in parts if part)
    return LatencyRef(
        ttft_p50_s=float(row["ttft_s"]),
        ttft_tail_s=None if tail is None or pd.isna(tail) else float(tail),
        tokens_per_s=float(row["tokens_per_s"]),
        source="your measurements",
        date=when or "undated",
        host=str(row["host"]),
        model=str(row["model"]),
        tail_percentile=95,
        yours=True,
    )
