"""Dated snapshots of price registries, so price history accumulates with every refresh."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select

from db.schema import price_snapshots

__all__ = ["SnapshotInfo", "add_snapshot", "list_snapshots", "snapshot_body"]


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    source: str
    fetched_at: datetime
    sha256: str


def add_snapshot(engine: Engine, source: str, body: bytes, fetched_at: datetime | None = None) -> SnapshotInfo:
    """Store one fetched registry body. A body identical to the source's latest is not stored again."""
    digest = hashlib.sha256(body).hexdigest()
    moment = (fetched_at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    latest = next(iter(list_snapshots(engine, source)[-1:]), None)
    if latest is not None and latest.sha256 == digest:
        return latest
    with engine.begin() as conn:
        result = conn.execute(
            insert(price_snapshots).values(
                source=source, fetched_at=moment, sha256=digest, body=gzip.compress(body, mtime=0)
            )
        )
        key = result.inserted_primary_key
    assert key is not None
    return SnapshotInfo(int(key[0]), source, moment, digest)


def list_snapshots(engine: Engine, source: str | None = None) -> list[SnapshotInfo]:
    """Snapshots oldest first, of one source or all."""
    query = select(
        price_snapshots.c.id, price_snapshots.c.source, price_snapshots.c.fetched_at, price_snapshots.c.sha256
    )
    if source is not None:
        query = query.where(price_snapshots.c.source == source)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(price_snapshots.c.fetched_at, price_snapshots.c.id)).all()
    return [SnapshotInfo(*row) for row in rows]


def snapshot_body(engine: Engine, snapshot_id: int) -> bytes:
    with engine.connect() as conn:
        body = conn.execute(select(price_snapshots.c.body).where(price_snapshots.c.id == snapshot_id)).scalar_one()
    return gzip.decompress(body)
