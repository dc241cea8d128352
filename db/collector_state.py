"""Where each API collector's last successful sync ended: the next sync starts there."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, select

from db.schema import collector_state

__all__ = ["save_synced_until", "synced_until"]


def synced_until(engine: Engine, collector: str) -> datetime | None:
    """The end (naive UTC) of ``collector``'s last successful sync, or None before its first."""
    with engine.connect() as conn:
        return conn.execute(
            select(collector_state.c.synced_until).where(collector_state.c.collector == collector)
        ).scalar_one_or_none()


def save_synced_until(conn: Connection, collector: str, moment: datetime) -> None:
    """Record, inside the sync's own transaction, that ``collector`` has everything before ``moment``."""
    now = datetime.now(UTC).replace(tzinfo=None)
    moment = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    updated = conn.execute(
        collector_state.update()
        .where(collector_state.c.collector == collector)
        .values(synced_until=moment, updated_at=now)
    )
    if not updated.rowcount:
        conn.execute(collector_state.insert().values(collector=collector, synced_until=moment, updated_at=now))
