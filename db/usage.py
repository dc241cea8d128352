"""Usage rollups: writing an import's rollups, reading them back aggregated."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Integer, String, Table, case, delete, func, insert, literal, select
from sqlalchemy.sql import ColumnElement

from db.measures import COUNT_MEASURES, DIMENSIONS, LATENCY_BIN_COLUMNS, SUMMED_MEASURES, TIME_SUMS, TOKEN_MEASURES
from db.schema import imports, usage
from db.strings import as_text, without_nul_columns

__all__ = [
    "LEDGER_LIMIT",
    "LEDGER_ROWS",
    "TEXT_LENGTHS",
    "UNKNOWN_PREFIX",
    "add_usage",
    "delete_collector_usage",
    "insert_rows",
    "ledger_totals",
    "merge_usage",
    "read_usage",
    "usage_counts",
    "usage_span",
]

_WRITE_CHUNK = 10_000
# The most any sum of a measure may reach: the ledger's integers are 64-bit (SQLite's sum() fails past it).
LEDGER_LIMIT = 2**63 - 1
# What makes a rollup row: its hour and every dimension.
_KEYS: tuple[str, ...] = tuple(
    c.name for c in usage.columns if c.name not in ("id", "import_id", *SUMMED_MEASURES, *LATENCY_BIN_COLUMNS)
)
# The longest value each text column holds: a collector rejects a longer one rather than let PostgreSQL
# refuse the whole import (SQLite would keep it whole).
TEXT_LENGTHS: dict[str, int] = {c.name: cast(int, c.type.length) for c in usage.columns if isinstance(c.type, String)}
_TEXT = tuple(TEXT_LENGTHS)
_CANONICAL_MAX = TEXT_LENGTHS["canonical_model"]
# What read_usage(keep_unknown=True) adds: how many ledger rows each group sums, and per count measure how
# many of them came from a source that does not report it (``unknown_input_tokens`` …).
LEDGER_ROWS = "ledger_rows"
UNKNOWN_PREFIX = "unknown_"


def add_usage(conn: Connection, import_id: int, rollup: pd.DataFrame) -> int:
    """Insert an import's rollups (columns named as in ``db.schema.usage``); returns the row count."""
    if rollup.empty:
        return 0
    columns = [c.name for c in usage.columns if c.name not in ("id", "import_id")]
    frame = rollup[columns].copy()
    frame["bucket_start"] = _naive_utc(frame["bucket_start"])
    frame = without_nul_columns(frame, _TEXT)
    # A canonical id longer than its column (from an over-long model id) is no model anyone prices:
    # unresolved, rather than refused by PostgreSQL (or kept whole by SQLite, which ignores lengths).
    frame["canonical_model"] = frame["canonical_model"].mask(
        as_text(frame["canonical_model"]).str.len() > _CANONICAL_MAX
    )
    frame.insert(0, "import_id", import_id)
    for start in range(0, len(frame), _WRITE_CHUNK):
        insert_rows(conn, usage, frame.iloc[start : start + _WRITE_CHUNK])
    return len(frame)


def merge_usage(conn: Connection, import_id: int, hours: Iterable[datetime | pd.Timestamp]) -> int:
    """Make ``hours`` of an import one row per key again, where its rows were written in pieces (a file
    out of time order). Returns the rows the merge removed.

    Rows that know a measure and rows that do not stay apart, as the rollup keeps them: a sum over both would
    pass the known part off as the whole.

    The database merges the pieces itself (``INSERT … SELECT … GROUP BY``, then the pieces deleted): an hour
    may hold a million keys (a million distinct model names in one hour), which read back into memory to be
    summed would take gigabytes.
    """
    keys = [usage.c[name] for name in _KEYS]
    unknown = [usage.c[name].is_(None) for name in COUNT_MEASURES]
    measures = [*SUMMED_MEASURES, *LATENCY_BIN_COLUMNS]
    ordered = sorted(_naive_utc(pd.Series(list(hours), dtype="datetime64[ns, UTC]")).dt.to_pydatetime())
    removed = 0
    for start in range(0, len(ordered), 24):
        some = ordered[start : start + 24]
        # The pieces are the rows there now; the merged rows inserted below come after them.
        last = conn.execute(select(func.max(usage.c.id))).scalar()
        if last is None:
            break
        where = (usage.c.import_id == import_id, usage.c.bucket_start.in_(some), usage.c.id <= last)
        merged = (
            select(literal(import_id), *keys, *(func.sum(usage.c[name]) for name in measures))
            .where(*where)
            .group_by(*keys, *unknown)
        )
        added = conn.execute(insert(usage).from_select(["import_id", *_KEYS, *measures], merged)).rowcount
        deleted = conn.execute(delete(usage).where(*where)).rowcount
        removed += int(deleted or 0) - int(added or 0)
    return removed


def _python_values(column: pd.Series, sqlite: bool, whole: bool) -> list[object]:
    """A column as plain Python values (None for missing) that every driver takes; ``whole`` for a column
    the table keeps as integers (a float column of whole numbers goes in as ints: COPY would refuse 1024.0)."""
    if pd.api.types.is_datetime64_any_dtype(column):
        # SQLite keeps datetimes as text in the shape SQLAlchemy writes and compares them as text. Rollups
        # share a few hours: each distinct time is written out once.
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        times = pd.DatetimeIndex(uniques)
        # One slot more, left None: the code -1 of a missing time picks it.
        distinct = np.full(len(times) + 1, None, dtype=object)
        distinct[:-1] = times.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else times.astype(object)
        spread: list[object] = distinct[codes].tolist()
        return spread
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iub":
        return column.to_numpy().tolist()  # nothing missing: NumPy makes the Python values itself
    if isinstance(column.dtype, np.dtype) and column.dtype.kind == "f":
        values = column.to_numpy()
        missing = np.isnan(values)
        if whole:
            values = np.round(np.where(missing, 0, values)).astype("int64")
        if not missing.any():
            return values.tolist()
        boxed = values.astype(object)
        boxed[missing] = None
        return boxed.tolist()
    # pandas-stubs leave None out of na_value's types; pandas takes any value, None included.
    plain: list[object] = column.to_numpy(dtype=object, na_value=None).tolist()  # type: ignore[call-overload]
    return plain


def insert_rows(conn: Connection, table: Table, frame: pd.DataFrame) -> None:
    """Insert ``frame``'s rows (columns named as ``table``'s) at the driver: one ``executemany``, or on
    PostgreSQL (psycopg) one ``COPY``.

    An import writes up to millions of rollups; SQLAlchemy's per-row parameter handling would cost more than
    the import itself, so rows go to the driver as tuples of plain values. PostgreSQL takes a ``COPY`` in
    half the time of the same rows inserted one statement each.
    """
    if frame.empty:
        return
    dialect = conn.dialect
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(str(name)) for name in frame.columns)
    columns = [
        _python_values(frame[name], dialect.name == "sqlite", isinstance(table.c[name].type, Integer))
        for name in frame.columns
    ]
    rows = zip(*columns, strict=True)
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        # The driver's own connection, in the transaction SQLAlchemy opened on it (a connection in use always
        # has one: only a pool entry that was closed has none).
        driver = conn.connection.driver_connection
        assert driver is not None
        cursor = driver.cursor()
        with cursor, cursor.copy(f"COPY {quote(table.name)} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marker = "?" if dialect.paramstyle == "qmark" else "%s"
    values = ", ".join([marker] * len(columns))
    conn.exec_driver_sql(f"INSERT INTO {quote(table.name)} ({names}) VALUES ({values})", list(rows))


def ledger_totals(conn: Connection, names: Iterable[str]) -> dict[str, float]:
    """The whole ledger's sum of each of ``names`` (usage columns; a magnitude for one that may be negative),
    as floats: close enough to compare with :data:`LEDGER_LIMIT`, and a float sum cannot fail or wrap where an
    integer sum of the same column would (SQLite's ``total``; PostgreSQL sums big integers as numeric)."""
    add = func.total if conn.dialect.name == "sqlite" else func.sum
    names = list(names)
    row = conn.execute(select(*(add(func.abs(usage.c[name])).label(name) for name in names))).one()
    return {name: float(row._mapping[name] or 0) for name in names}


def delete_collector_usage(conn: Connection, collector: str, start: datetime, end: datetime) -> int:
    """Remove what earlier pulls of ``collector`` stored for buckets in [start, end); a re-pull of an
    overlapping range then replaces them instead of adding to them. Returns the rows removed."""
    pulled = select(imports.c.id).where(imports.c.collector == collector)
    result = conn.execute(
        delete(usage).where(
            usage.c.import_id.in_(pulled),
            usage.c.bucket_start >= start,
            usage.c.bucket_start < end,
        )
    )
    return int(result.rowcount or 0)


def _naive_utc(times: pd.Series) -> pd.Series:
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_convert("UTC").dt.tz_localize(None)
    return times


def read_usage(
    engine: Engine,
    by: Sequence[str] = (),
    *,
    grain: str | None = None,
    since: date | None = None,
    until: date | None = None,
    import_id: int | None = None,
    latency_bins: bool = False,
    keep_unknown: bool = False,
    known: str | None = None,
) -> pd.DataFrame:
    """Sum the ledger's measures grouped by ``by`` (dimension names) and optionally a time ``grain``.

    ``grain`` is ``"day"`` (a ``day`` column of dates) or ``"hour"`` (``bucket_start``). ``since`` and
    ``until`` are inclusive UTC dates; ``import_id`` keeps one import's usage. Rows come back as a
    DataFrame with one column per key and measure, ordered by the keys (missing values first).

    A token measure a source does not report is null in the ledger. By default it reads as 0, for
    calculations that take unknown usage as none (pricing, repricing). With ``keep_unknown`` a measure is the
    sum over the rows that know it — null where none does — and two more kinds of columns say how complete it
    is: :data:`LEDGER_ROWS`, the rows summed, and ``unknown_<measure>`` (:data:`UNKNOWN_PREFIX`) for every
    count measure, the rows among them that do not know it. ``known`` (a count measure) keeps only the rows whose
    source reports it: reconciliation compares the computed and reported cost of rows that carry tokens.
    """
    unknown = set(by) - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimensions: {sorted(unknown)}")
    keys: list[ColumnElement[object]] = [usage.c[name] for name in by]
    if grain == "day":
        keys.insert(0, func.date(usage.c.bucket_start).label("day"))
    elif grain == "hour":
        keys.insert(0, usage.c.bucket_start)
    elif grain is not None:
        raise ValueError(f"unknown grain {grain!r}")
    measures = list(SUMMED_MEASURES) + (list(LATENCY_BIN_COLUMNS) if latency_bins else [])
    sums: list[ColumnElement[Any]] = [
        # Unknown reads as 0 unless kept; a sum over no rows at all stays null either way.
        func.sum(usage.c[m] if keep_unknown or m not in TOKEN_MEASURES else func.coalesce(usage.c[m], 0)).label(m)
        for m in measures
    ]
    if keep_unknown:
        sums.append(func.count().label(LEDGER_ROWS))
        sums.extend(
            func.sum(case((usage.c[m].is_(None), 1), else_=0)).label(UNKNOWN_PREFIX + m) for m in COUNT_MEASURES
        )
    query = select(*keys, *sums)
    if since is not None:
        query = query.where(usage.c.bucket_start >= datetime.combine(since, time.min))
    # Through the end of ``until``: the day after it starts the excluded range (none after the last day there is).
    if until is not None and until < date.max:
        query = query.where(usage.c.bucket_start < datetime.combine(until + timedelta(days=1), time.min))
    if import_id is not None:
        query = query.where(usage.c.import_id == import_id)
    if known is not None:
        if known not in COUNT_MEASURES:
            raise ValueError(f"unknown measure {known!r}")
        query = query.where(usage.c[known].is_not(None))
    if keys:
        # Ordered as SQLite happens to return groups (nulls first); PostgreSQL's hash aggregates come in
        # any order.
        query = query.group_by(*keys).order_by(*(key.asc().nulls_first() for key in keys))
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    if grain == "day":
        frame["day"] = pd.to_datetime(frame["day"]).dt.date
    counted = [LEDGER_ROWS, *(UNKNOWN_PREFIX + m for m in COUNT_MEASURES)] if keep_unknown else []
    for name in [*measures, *counted]:
        if name in TIME_SUMS:
            frame[name] = frame[name].astype("float64")
        else:
            frame[name] = pd.to_numeric(frame[name]).astype("Int64")
    for name in counted:
        frame[name] = frame[name].fillna(0)
    return frame


def usage_span(engine: Engine) -> tuple[date, date] | None:
    """First and last day with usage in the ledger, or None when it is empty."""
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(usage.c.bucket_start), func.max(usage.c.bucket_start))).one()
    if first is None:
        return None
    return pd.Timestamp(first).date(), pd.Timestamp(last).date()


def usage_counts(engine: Engine) -> tuple[int, int]:
    """How many rollup rows the ledger holds, and how many requests they count (0 and 0 when empty)."""
    with engine.connect() as conn:
        rows, requests = conn.execute(select(func.count(), func.sum(usage.c.requests))).one()
    return int(rows), int(requests or 0)
