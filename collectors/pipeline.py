"""The one ingest pipeline the CLI, the dashboard and the demo share:
stream → normalise → validate → roll up → write, all in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import chain

import pandas as pd
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from collectors.detect import detect
from collectors.formats import format_named
from collectors.rollup import Rollup
from collectors.source import IngestError, Source
from collectors.validate import validate
from db.imports import add_rejected, find_by_sha256, finish_import, get_import, start_import
from db.usage import add_usage, delete_collector_usage

__all__ = ["IngestResult", "ingest"]


@dataclass(frozen=True)
class IngestResult:
    """What one file's import did. A duplicate reports the earlier import it matches."""

    file: str
    format: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    duplicate: bool
    import_id: int

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _earlier(engine: Engine, source: Source, format_name: str, import_id: int) -> IngestResult:
    record = get_import(engine, import_id)
    assert record is not None
    return IngestResult(
        source.name,
        format_name,
        record.rows_read,
        record.rows_accepted,
        record.rows_rejected,
        True,
        import_id,
    )


def ingest(
    engine: Engine,
    source: Source,
    *,
    format_name: str | None = None,
    collector: str | None = None,
    replaces: tuple[datetime, datetime] | None = None,
    in_transaction: Callable[[Connection], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Import ``source`` into the ledger, all or nothing.

    Rows that fail validation are stored with their reason and the rest imports. A file that cannot be
    read at all raises :class:`IngestError` and leaves the ledger unchanged; so does any other failure
    part-way through.

    API collectors name themselves (``collector``) and may say which time range their pull covers
    (``replaces``, naive UTC [start, end)): what earlier pulls stored for that range is replaced, not
    added to. ``in_transaction`` runs inside the import's transaction, so a collector's sync state
    commits with its data or not at all.
    """
    try:
        fmt = format_named(format_name) if format_name else detect(source)
    except KeyError as exc:
        raise IngestError(f"{source.name}: {exc.args[0]}") from None
    sha256 = source.sha256()
    with engine.connect() as conn:
        earlier = find_by_sha256(conn, sha256)
    if earlier is not None:
        return _earlier(engine, source, fmt.name, earlier)

    read = accepted = rejected = 0
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None
    rollup = Rollup()
    try:
        with engine.begin() as conn:
            import_id = start_import(conn, source_name=source.name, format=fmt.name, sha256=sha256, collector=collector)
            if replaces is not None:
                if collector is None:
                    raise ValueError("only a collector's pull can replace a time range")
                delete_collector_usage(conn, collector, *replaces)
            for batch in fmt.read(source):
                reasons = validate(batch.records)
                batch.records["reason"] = reasons
                bad = reasons.notna()
                rejected += add_rejected(conn, import_id, chain(batch.rejected, batch.rejections(bad)))
                good = batch.records[~bad.to_numpy()]
                rollup.add(good)
                read += batch.rows_read
                accepted += len(good)
                if len(good):
                    low, high = good["timestamp"].min(), good["timestamp"].max()
                    first = low if first is None else min(first, low)
                    last = high if last is None else max(last, high)
                if on_progress is not None:
                    on_progress(read)
            add_usage(conn, import_id, rollup.result())
            finish_import(
                conn,
                import_id,
                rows_read=read,
                rows_accepted=accepted,
                rows_rejected=rejected,
                period_start=_naive(first),
                period_end=_naive(last),
            )
            if in_transaction is not None:
                in_transaction(conn)
    except IntegrityError:
        # Another process imported the same content while this one read it.
        with engine.connect() as conn:
            earlier = find_by_sha256(conn, sha256)
        if earlier is None:
            raise
        return _earlier(engine, source, fmt.name, earlier)
    return IngestResult(source.name, fmt.name, read, accepted, rejected, False, import_id)


def _naive(moment: pd.Timestamp | None) -> object:
    return None if moment is None else moment.tz_convert("UTC").tz_localize(None).to_pydatetime()
