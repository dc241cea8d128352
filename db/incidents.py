"""Vendors' incident histories: one row per incident of a status page, kept by the page URL or file
(``source``) it came from, so importing that source again replaces its rows. What an incident *is* and how
a status page's JSON reads belong to ``collectors.status``; what the history says about risk belongs to
``analysis.risk.incidents``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from db.schema import incidents

__all__ = ["INCIDENT_COLUMNS", "delete_incidents", "list_incidents", "replace_incidents", "stored_sources"]

# The columns an incident is given by; ``id``, ``source`` and ``imported_at`` are the ledger's.
# ``components`` is a sequence of names; times are naive UTC (``resolved_at`` None while ongoing).
INCIDENT_COLUMNS: tuple[str, ...] = (
    "provider",
    "incident_id",
    "name",
    "impact",
    "status",
    "started_at",
    "resolved_at",
    "components",
)


def replace_incidents(engine: Engine, source: str, rows: Sequence[Mapping[str, object]]) -> int:
    """Store ``rows`` (keys :data:`INCIDENT_COLUMNS`; others are ignored) under ``source``, replacing the
    incidents stored from it before, in one transaction. Returns how many were stored."""
    now = datetime.now(UTC).replace(tzinfo=None)
    values = [
        {
            **{name: row.get(name) for name in INCIDENT_COLUMNS},
            "components": _components_text(row.get("components")),
            "source": source,
            "imported_at": now,
        }
        for row in rows
    ]
    with engine.begin() as conn:
        conn.execute(delete(incidents).where(incidents.c.source == source))
        if values:
            conn.execute(insert(incidents), values)
    return len(values)


def _components_text(value: object) -> str:
    if value is None:
        return "[]"
    if isinstance(value, str):
        # One name, not a sequence of its letters.
        return json.dumps([value])
    if not isinstance(value, Sequence):
        raise TypeError(f"components must be a sequence of names, not {type(value).__name__}")
    return json.dumps([str(name) for name in value])


def list_incidents(engine: Engine) -> pd.DataFrame:
    """Every stored incident, oldest first: id, provider, source, incident_id, name, impact, status,
    started_at, resolved_at (NaT while ongoing), components (a list of names per row), imported_at."""
    with engine.connect() as conn:
        frame = pd.read_sql(select(incidents).order_by(incidents.c.started_at, incidents.c.id), conn)
    for name in ("started_at", "resolved_at", "imported_at"):
        frame[name] = pd.to_datetime(frame[name])
    frame["components"] = [json.loads(text) for text in frame["components"]]
    return frame


def stored_sources(engine: Engine) -> list[str]:
    """The sources (status page URLs or files) incidents are stored from, sorted."""
    with engine.connect() as conn:
        return list(conn.execute(select(incidents.c.source).distinct().order_by(incidents.c.source)).scalars())


def delete_incidents(engine: Engine, source: str | None = None) -> int:
    """Delete the incidents from ``source``, or every incident when it is None; returns how many went."""
    statement = delete(incidents)
    if source is not None:
        statement = statement.where(incidents.c.source == source)
    with engine.begin() as conn:
        return int(conn.execute(statement).rowcount)
