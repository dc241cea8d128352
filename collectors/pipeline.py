"""The one ingest pipeline the CLI, the dashboard and the demo share:
stream → normalise → validate → roll up → write, all in one transaction."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from itertools import chain

import pandas as pd
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from collectors.detect import UnrecognisedFormat, detect
from collectors.format import Format
from collectors.formats import format_named
from collectors.formats.mapped_csv import mapped_format
from collectors.read_ahead import read_ahead
from collectors.records import Batch
from collectors.rollup import Part, Rollup, grouped
from collectors.source import IngestError, Source
from collectors.validate import validate
from db.column_mappings import find_mapping
from db.errors import NotFound, UserError
from db.imports import Rejection, add_rejected, find_by_sha256, finish_import, get_import, start_import
from db.measures import COUNT_MEASURES
from db.usage import LEDGER_LIMIT, add_usage, delete_collector_usage, ledger_totals, merge_usage

__all__ = ["IngestResult", "ingest"]

# Kinds of skipped rows an import keeps by name. A format's kinds are few (an observation type, a service of a
# cloud bill); should a file hold more, the rarest are counted together, so memory stays bounded.
_MAX_KINDS = 100
_OTHER_KINDS = "other kinds of not usage"

# Chunks read, mapped and grouped ahead of the writes: enough to keep the reading going while the file is
# fingerprinted and a batch is written, few enough to keep the peak memory of frames in flight down.
_READ_AHEAD = 2

# What an import's sums are checked in: each count measure, and the cost's magnitude in nano-dollars (the unit
# the ledger keeps it in; a credit's magnitude counts too, as a sum of some rows may hold only the charges).
_COST = "reported_cost_nano_usd"
_TOTALLED: tuple[str, ...] = (*COUNT_MEASURES, _COST)
# Past this much, an import has the whole ledger's sums checked too: below it, the imports it would take to
# fill a 64-bit sum (over a thousand of them, each with quadrillions of tokens) are not a real ledger.
_LEDGER_CHECK = 2**53


@dataclass(frozen=True)
class IngestResult:
    """What one file's import did. A duplicate reports the earlier import it matches.

    Every row read is accepted (usage, now in the ledger), rejected (it should have been usage and could not
    be read; stored with its reason) or skipped (not usage by the source's own definition: ``skipped`` counts
    them per kind, most first). ``rows_read`` = ``rows_accepted`` + ``rows_rejected`` + ``rows_skipped``.
    """

    file: str
    format: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    duplicate: bool
    import_id: int
    rows_skipped: int = 0
    skipped: Mapping[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "skipped": dict(self.skipped)}


def ingest(
    engine: Engine,
    source: Source,
    *,
    format_name: str | None = None,
    collector: str | None = None,
    replaces: tuple[datetime, datetime] | None = None,
    connection: Connection | None = None,
    mapping: dict[str, str] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> IngestResult:
    """Import ``source`` into the ledger, all or nothing.

    Rows that fail validation are stored with their reason and the rest imports. A file that cannot be
    read at all raises :class:`IngestError` and leaves the ledger unchanged; so does any other failure
    part-way through. Identical content imported before is reported as a duplicate and changes nothing.

    API collectors name themselves (``collector``) and may say which time range their pull covers
    (``replaces``, naive UTC [start, end)): what that collector stored earlier for the range is replaced,
    not added to. To commit several imports (and their sync state) together, pass the ``connection`` of
    an open transaction: the import then runs inside it, and the caller commits or rolls back.

    A CSV of no known layout is read through ``mapping`` (canonical column → file column, see
    :mod:`collectors.formats.mapped_csv`) or, without one, through the mapping saved for its header.
    """
    fmt = _format_of(engine, source, format_name, mapping)
    if replaces is not None and collector is None:
        raise ValueError("only a collector's pull can replace a time range")
    # The file is read, mapped and grouped from the start, in a thread of its own, while its fingerprint is
    # taken: hashing lets go of Python's lock, so the two share the machine's cores. Nothing is written
    # before the fingerprint says whether the content was imported before.
    with (
        _older_objects_frozen(),
        read_ahead(_checked(fmt.read(source), source.name, fmt.title), depth=_READ_AHEAD) as chunks,
    ):
        job = _Import(source, fmt, source.sha256(), collector, replaces, on_progress)
        if connection is not None:
            return job.run(connection, chunks)
        try:
            with engine.begin() as conn:
                return job.run(conn, chunks)
        except IntegrityError:
            # Another process imported the same content while this one read it.
            with engine.connect() as conn:
                earlier = job.earlier(conn)
            if earlier is None:
                raise
            return earlier


@contextmanager
def _older_objects_frozen() -> Iterator[None]:
    """Keep the objects that exist before the import (every module's, hundreds of thousands) out of the
    garbage collector's full passes while it runs: the millions of short-lived values an import makes set
    off such passes, and walking the older objects again each time costs more than the pass itself."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _format_of(engine: Engine, source: Source, format_name: str | None, mapping: dict[str, str] | None) -> Format:
    if mapping is not None:
        return mapped_format(mapping)
    if format_name:
        try:
            return format_named(format_name)
        except NotFound as exc:
            raise IngestError(f"{source.name}: {exc}") from None
    try:
        return detect(source)
    except UnrecognisedFormat as exc:
        saved = find_mapping(engine, exc.header) if exc.header else None
        if saved is None:
            raise
        return mapped_format(saved)


@dataclass
class _Import:
    source: Source
    fmt: Format
    sha256: str
    collector: str | None
    replaces: tuple[datetime, datetime] | None
    on_progress: Callable[[int], None] | None

    def earlier(self, conn: Connection) -> IngestResult | None:
        import_id = find_by_sha256(conn, self.sha256)
        if import_id is None:
            return None
        record = get_import(conn, import_id)
        assert record is not None
        return IngestResult(
            self.source.name,
            self.fmt.name,
            record.rows_read,
            record.rows_accepted,
            record.rows_rejected,
            True,
            import_id,
            record.rows_skipped,
            dict(record.skipped),
        )

    def run(self, conn: Connection, chunks: Iterable[_Checked]) -> IngestResult:
        if (earlier := self.earlier(conn)) is not None:
            return earlier
        read = accepted = rejected = 0
        totals: Counter[str] = Counter()
        skipped: Counter[str] = Counter()
        first: pd.Timestamp | None = None
        last: pd.Timestamp | None = None
        import_id = start_import(
            conn, source_name=self.source.name, format=self.fmt.name, sha256=self.sha256, collector=self.collector
        )
        rollup = Rollup(lambda rows: add_usage(conn, import_id, rows))
        if self.replaces is not None and self.collector is not None:
            delete_collector_usage(conn, self.collector, *self.replaces)
        for chunk in chunks:
            rejected += add_rejected(conn, import_id, chunk.rejected)
            # Checked before the chunk joins the rollup: no sum the rollup, the ledger or a report takes of this
            # import's rows can then exceed these totals, nor wrap around the 64-bit integers that hold it.
            totals.update(chunk.totals)
            self._check_fits(totals)
            rollup.add_part(chunk.part)
            read += chunk.rows_read
            accepted += chunk.accepted
            skipped.update(chunk.skipped)
            if len(skipped) > _MAX_KINDS:
                skipped = _fewer_kinds(skipped)
            if chunk.accepted:
                first = chunk.first if first is None else min(first, chunk.first)
                last = chunk.last if last is None else max(last, chunk.last)
            if self.on_progress is not None:
                self.on_progress(read)
        rollup.finish()
        merge_usage(conn, import_id, rollup.reopened)
        if max(totals.values(), default=0) > _LEDGER_CHECK:
            self._check_fits(ledger_totals(conn, _TOTALLED), "with what the ledger already holds ")
        finish_import(
            conn,
            import_id,
            rows_read=read,
            rows_accepted=accepted,
            rows_rejected=rejected,
            period_start=_naive(first),
            period_end=_naive(last),
            skipped=skipped,
        )
        kinds = dict(skipped.most_common())
        if read != accepted + rejected + sum(kinds.values()):
            # A format that loses count of its rows would let rows vanish unseen: that is a bug, never data.
            raise AssertionError(
                f"{self.fmt.name}: {read} rows read but {accepted} accepted + {rejected} rejected + "
                f"{sum(kinds.values())} skipped"
            )
        return IngestResult(
            self.source.name, self.fmt.name, read, accepted, rejected, False, import_id, sum(kinds.values()), kinds
        )

    def _check_fits(self, totals: Mapping[str, float], where: str = "") -> None:
        """Refuse the import when a sum of ``totals`` would not fit the ledger's 64-bit integers."""
        for name, total in totals.items():
            if total > LEDGER_LIMIT:
                measure = "cost in nano-dollars" if name == _COST else name.replace("_", " ")
                raise IngestError(
                    f"{self.source.name}: its {measure} add up {where}to {total:.3g}, more than the ledger can "
                    f"sum ({LEDGER_LIMIT:.3g}); these counts cannot be real usage, nothing was imported"
                )


def _fewer_kinds(kinds: Counter[str]) -> Counter[str]:
    """``kinds`` with all but the most common counted together as :data:`_OTHER_KINDS`.

    >>> _fewer_kinds(Counter({f"k{i}": i + 1 for i in range(_MAX_KINDS + 1)}))[_OTHER_KINDS]
    3
    """
    kept = Counter(dict(kinds.most_common(_MAX_KINDS - 1)))
    kept[_OTHER_KINDS] += sum(kinds.values()) - sum(kept.values())
    return kept


@dataclass
class _Checked:
    """A chunk validated and grouped, ready to be written."""

    rows_read: int
    accepted: int
    rejected: list[Rejection]
    skipped: Counter[str]
    part: Part
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    totals: dict[str, int]


def _checked(batches: Iterable[Batch], source_name: str, title: str) -> Iterator[_Checked]:
    """Each batch validated and grouped: the work that runs ahead of the writes, in their
    own thread.

    However it ends (the end of the file, an early stop by a duplicate or Ctrl-C), ``batches`` is closed at
    once, in this thread: a format's reader stops its own threads and closes its file there (see
    :func:`collectors.csvfile.read_csv`), rather than whenever, and in whichever thread, it is collected.
    """
    try:
        yield from _checked_each(batches)
    except UserError:
        raise
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, ArithmeticError) as exc:
        # A value of a kind the format does not expect where it expects another (an array where a JSON object
        # belongs, text where a number does) that its reading did not catch. The file is refused in one line,
        # naming what was met, rather than crash the command (and the files after it).
        raise IngestError(f"{source_name}: not laid out as {title} ({type(exc).__name__}: {_short(exc)})") from exc
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()


def _checked_each(batches: Iterable[Batch]) -> Iterator[_Checked]:
    for batch in batches:
        records = batch.records
        # Not usage is skipped whatever else is wrong with the row: it needs no reading.
        kinds = records["skipped"] if "skipped" in records.columns else pd.Series(None, index=records.index)
        skip = kinds.notna().to_numpy()
        skipped = Counter(batch.skipped)
        if skip.any():
            skipped.update({str(kind): int(n) for kind, n in kinds[skip].value_counts().items()})
        reasons = validate(records)
        records["reason"] = reasons
        bad = reasons.notna() & ~skip
        good = records[~(bad.to_numpy() | skip)]
        yield _Checked(
            batch.rows_read,
            len(good),
            list(chain(batch.rejected, batch.rejections(bad))),
            skipped,
            grouped(good),
            good["timestamp"].min() if len(good) else None,
            good["timestamp"].max() if len(good) else None,
            _totals(good),
        )


def _totals(records: pd.DataFrame) -> dict[str, int]:
    """The sum of each of :data:`_TOTALLED` over ``records``, exact: a Python integer, which cannot wrap."""
    columns = {name: records[name] for name in COUNT_MEASURES}
    columns[_COST] = (records["reported_cost_usd"].abs() * 1e9).round()
    totals = {}
    for name, column in columns.items():
        values = column.to_numpy(dtype="float64", na_value=0.0)
        if float(values.sum()) < 2**62:
            # Far from 2⁶³ (a float's sum is off by far less than that margin): a 64-bit sum is exact.
            totals[name] = int(values.astype("int64").sum())
        else:
            totals[name] = sum(int(value) for value in values.tolist())
    return totals


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else "no detail"


def _naive(moment: pd.Timestamp | None) -> object:
    return None if moment is None else moment.tz_convert("UTC").tz_localize(None).to_pydatetime()
