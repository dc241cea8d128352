"""Imports: the record of each file or API pull in the ledger, its rejected and skipped rows, and undoing it.

Every row an import reads ends one of three ways: *accepted* (usage, in the ledger), *rejected* (it should
have been usage and could not be read; kept with its reason) or *skipped* (not usage by the source's own
definition, counted per kind). So read = accepted + rejected + skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update

from db.schema import imports, prompt_samples, rejected_rows, skipped_rows, usage
from db.strings import without_nul

__all__ = [
    "ImportRecord",
    "Rejection",
    "add_rejected",
    "delete_import",
    "find_by_sha256",
    "finish_import",
    "get_import",
    "list_imports",
    "rejected_rows_of",
    "skipped_kinds",
    "start_import",
]

# A kind of skipped row is cut to this length (the column's size): a kind names what the rows were.
MAX_KIND_CHARS = 200

# Raw text of a rejected row is kept up to this length: enough to see what was wrong, bounded so a
# corrupt multi-megabyte "row" cannot bloat the ledger.
MAX_RAW_CHARS = 4000


@dataclass(frozen=True)
class Rejection:
    """A row the import could not accept: where it was, what it said, and why it was refused."""

    location: str
    raw: str
    reason: str


@dataclass(frozen=True)
class ImportRecord:
    id: int
    source_name: str
    format: str
    sha256: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    period_start: datetime | None
    period_end: datetime | None
    created_at: datetime
    collector: str | None = None
    rows_skipped: int = 0
    # Skipped rows per kind, most first (filled by get_import, empty elsewhere).
    skipped: Mapping[str, int] = field(default_factory=dict)


def find_by_sha256(conn: Connection, sha256: str) -> int | None:
    """The id of an earlier import of identical content, if any."""
    return conn.execute(select(imports.c.id).where(imports.c.sha256 == sha256)).scalar_one_or_none()


def start_import(conn: Connection, *, source_name: str, format: str, sha256: str, collector: str | None = None) -> int:
    """Open an import record inside the caller's transaction; counts are filled by :func:`finish_import`."""
    result = conn.execute(
        insert(imports).values(
            source_name=without_nul(source_name[:500]),
            format=format,
            sha256=sha256,
            rows_read=0,
            rows_accepted=0,
            rows_rejected=0,
            rows_skipped=0,
            created_at=datetime.now(UTC).replace(tzinfo=None),
            collector=collector,
        )
    )
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def add_rejected(conn: Connection, import_id: int, rows: Iterable[Rejection]) -> int:
    """Store rejected rows with their reasons; returns how many were stored."""
    values = [
        {
            "import_id": import_id,
            "location": without_nul(r.location[:200]),
            "raw": without_nul(r.raw[:MAX_RAW_CHARS]),
            "reason": without_nul(r.reason[:500]),
        }
        for r in rows
    ]
    if values:
        conn.execute(insert(rejected_rows), values)
    return len(values)


def finish_import(
    conn: Connection,
    import_id: int,
    *,
    rows_read: int,
    rows_accepted: int,
    rows_rejected: int,
    period_start: datetime | None,
    period_end: datetime | None,
    skipped: Mapping[str, int] | None = None,
) -> None:
    """Close an import record: its counts, the period it covers and its skipped rows per kind (``rows_skipped``
    is their sum)."""
    kinds: dict[str, int] = {}
    for kind, rows in (skipped or {}).items():
        if rows:
            name = without_nul(kind[:MAX_KIND_CHARS])
            kinds[name] = kinds.get(name, 0) + int(rows)
    conn.execute(
        update(imports)
        .where(imports.c.id == import_id)
        .values(
            rows_read=rows_read,
            rows_accepted=rows_accepted,
            rows_rejected=rows_rejected,
            rows_skipped=sum(kinds.values()),
            period_start=period_start,
            period_end=period_end,
        )
    )
    if kinds:
        conn.execute(insert(skipped_rows), [{"import_id": import_id, "kind": k, "rows": n} for k, n in kinds.items()])


def _record(row: Row[Any], skipped: Mapping[str, int] | None = None) -> ImportRecord:
    return ImportRecord(**row._mapping, skipped=skipped or {})


def _kinds_of(conn: Connection, import_id: int) -> dict[str, int]:
    query = (
        select(skipped_rows.c.kind, skipped_rows.c.rows)
        .where(skipped_rows.c.import_id == import_id)
        .order_by(skipped_rows.c.rows.desc(), skipped_rows.c.kind)
    )
    return {kind: int(rows) for kind, rows in conn.execute(query)}


def get_import(db: Engine | Connection, import_id: int) -> ImportRecord | None:
    """One import's record with its skipped rows per kind, read through an engine or inside an open
    transaction."""
    query = select(imports).where(imports.c.id == import_id)
    if isinstance(db, Connection):
        row = db.execute(query).first()
        return _record(row, _kinds_of(db, import_id)) if row else None
    with db.connect() as conn:
        row = conn.execute(query).first()
        return _record(row, _kinds_of(conn, import_id)) if row else None


def skipped_kinds(engine: Engine) -> dict[int, dict[str, int]]:
    """Every import's skipped rows per kind (most first), by import id; imports that skipped nothing are
    absent."""
    query = select(skipped_rows.c.import_id, skipped_rows.c.kind, skipped_rows.c.rows).order_by(
        skipped_rows.c.import_id, skipped_rows.c.rows.desc(), skipped_rows.c.kind
    )
    kinds: dict[int, dict[str, int]] = {}
    with engine.connect() as conn:
        for import_id, kind, rows in conn.execute(query):
            kinds.setdefault(int(import_id), {})[kind] = int(rows)
    return kinds


def list_imports(engine: Engine) -> pd.DataFrame:
    """Every import, newest first, with the number of usage rollups it holds."""
    rollups = select(usage.c.import_id, func.count().label("rollups")).group_by(usage.c.import_id).subquery()
    query = (
        select(imports, func.coalesce(rollups.c.rollups, 0).label("rollups"))
        .outerjoin(rollups, rollups.c.import_id == imports.c.id)
        .order_by(imports.c.id.desc())
    )
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def rejected_rows_of(engine: Engine, import_id: int, limit: int | None = None) -> pd.DataFrame:
    """The rejected rows of one import, in file order: location, raw, reason."""
    query = (
        select(rejected_rows.c.location, rejected_rows.c.raw, rejected_rows.c.reason)
        .where(rejected_rows.c.import_id == import_id)
        .order_by(rejected_rows.c.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def delete_import(engine: Engine, import_id: int) -> bool:
    """Undo an import completely: its usage, its rejected and skipped rows, the prompts kept from it and its
    record. False if there was none."""
    with engine.begin() as conn:
        # Children first, explicitly: correct even on a database that does not enforce ON DELETE CASCADE.
        conn.execute(delete(usage).where(usage.c.import_id == import_id))
        conn.execute(delete(rejected_rows).where(rejected_rows.c.import_id == import_id))
        conn.execute(delete(skipped_rows).where(skipped_rows.c.import_id == import_id))
        conn.execute(delete(prompt_samples).where(prompt_samples.c.import_id == import_id))
        return conn.execute(delete(imports).where(imports.c.id == import_id)).rowcount > 0
