"""The user's own latency measurements of a model on a host, kept by the file (``source``) they came
from, so uploading a file again replaces its rows. What a valid measurement is belongs to
``analysis.latency_measurements``, which parses the files."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from db.schema import latency_measurements

__all__ = ["MEASUREMENT_COLUMNS", "delete_measurements", "list_measurements", "replace_measurements"]

# The columns a measurement is given by; ``id``, ``source`` and ``created_at`` are the ledger's.
MEASUREMENT_COLUMNS: tuple[str, ...] = ("host", "model", "ttft_s", "ttft_p95_s", "tokens_per_s", "n", "measured_on")


def replace_measurements(engine: Engine, frame: pd.DataFrame, source: str) -> int:
    """Store ``frame``'s measurements (columns :data:`MEASUREMENT_COLUMNS`; others are ignored) under
    ``source``, replacing the ones stored from it before, in one transaction. Returns how many were stored."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [
        {str(name): None if pd.isna(value) else value for name, value in record.items()}
        | {"source": source, "created_at": now}
        for record in frame.reindex(columns=list(MEASUREMENT_COLUMNS)).to_dict("records")
    ]
    with engine.begin() as conn:
        conn.execute(delete(latency_measurements).where(latency_measurements.c.source == source))
        if rows:
            conn.execute(insert(latency_measurements), rows)
    return len(rows)


def list_measurements(engine: Engine) -> pd.DataFrame:
    """Every stored measurement, oldest first: id, the measurement columns, source, created_at.

    ``n`` is Int64 (missing where not given); the times and speeds are float64.
    """
    with engine.connect() as conn:
        frame = pd.read_sql(select(latency_measurements).order_by(latency_measurements.c.id), conn)
    frame["n"] = frame["n"].astype("Int64")
    for name in ("ttft_s", "ttft_p95_s", "tokens_per_s"):
        frame[name] = frame[name].astype("float64")
    return frame


def delete_measurements(engine: Engine) -> int:
    """Delete every stored measurement; returns how many there were."""
    with engine.begin() as conn:
        return int(conn.execute(delete(latency_measurements)).rowcount)
