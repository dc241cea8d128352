"""Read a CSV of any size in chunks, every cell as text, columns named by a lower-cased header."""

from __future__ import annotations

import contextlib
import io
import os
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from collectors.format import Peek
from collectors.records import Batch
from collectors.source import IngestError, Source
from db.imports import Rejection

__all__ = ["CsvChunk", "csv_batches", "read_csv", "require_columns"]

# Rows are handed on in frames of about this many bytes (of the columns read): big enough that per-frame
# work is cheap, small enough that the work on one frame stays well within the memory an import may take.
BLOCK_BYTES = 8 << 20
# Arrow reads blocks of this size; one row must fit in a block.
READ_BLOCK_BYTES = 8 << 20
# Arrow's reader would buffer up to 32 blocks ahead of the rows handed on; it may read this many: the block
# being parsed and the next, which the row crossing its end needs. Each more is ~50 MB of peak memory.
READ_AHEAD_BLOCKS = 2


def _use_returning_allocator() -> None:
    """Let Arrow allocate with jemalloc, unless the user chose (``ARROW_DEFAULT_MEMORY_POOL``): Arrow's
    default, mimalloc, keeps freed pages for reuse, and a long import's memory then creeps up chunk by
    chunk; jemalloc hands them back."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    with contextlib.suppress(NotImplementedError):  # a pyarrow built without jemalloc keeps its default
        pa.set_memory_pool(pa.jemalloc_memory_pool())


_use_returning_allocator()


@dataclass
class CsvChunk:
    frame: pd.DataFrame
    first_row: int
    rejected: list[Rejection] = field(default_factory=list)

    def batch(self, records: pd.DataFrame) -> Batch:
        """The chunk's ``records`` as a batch, with the rows the reader could not split counted in."""
        return Batch(records, self.frame, len(self.frame) + len(self.rejected), self.first_row, rejected=self.rejected)


def csv_batches(
    source: Source,
    to_records: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    required: tuple[tuple[str, ...], ...] = (),
    columns: Collection[str] | None = None,
) -> Iterator[Batch]:
    """What a CSV format reads: each chunk (see :func:`read_csv`) mapped to records by ``to_records``."""
    for chunk in read_csv(source, required=required, columns=columns):
        yield chunk.batch(to_records(chunk.frame))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        unique.append(name if count == 0 else f"{name}.{count}")
    return unique


def require_columns(source: Source, header: Iterable[str], *groups: tuple[str, ...]) -> None:
    """Fail the import when a required column is absent; each group lists acceptable alternatives."""
    present = set(header)
    missing = [" or ".join(group) for group in groups if not present & set(group)]
    if missing:
        raise IngestError(f"{source.name}: missing required column(s): {', '.join(missing)}")


def read_csv(
    source: Source,
    *,
    required: tuple[tuple[str, ...], ...] = (),
    columns: Collection[str] | None = None,
    block_bytes: int | None = None,
) -> Iterator[CsvChunk]:
    """Stream ``source`` as text frames. Rows with the wrong number of fields are rejected, not fatal.

    ``required`` lists the columns the format needs (each a tuple of acceptable alternatives); a
    header without them fails the import before anything is read. ``columns``, when given, are the only
    ones the format reads: the others (a gateway's logged prompts and responses, often most of the bytes)
    are never turned into values.
    """
    peek = Peek(source.text())
    names = _unique(list(peek.csv_header))
    if not names or names == [""]:
        raise IngestError(f"{source.name}: empty file")
    require_columns(source, names, *required)
    pending: list[Rejection] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        where = f"line {row.number}" if row.number is not None else "a row"
        pending.append(
            Rejection(
                where,
                row.text or "",
                f"expected {row.expected_columns} fields, found {row.actual_columns}",
            )
        )
        return "skip"

    encoding = source.encoding()
    reader_options = pacsv.ReadOptions(
        column_names=names,
        skip_rows=1,
        block_size=block_bytes or READ_BLOCK_BYTES,
        encoding="utf16" if encoding == "utf-16" else "utf8",
    )
    parse_options = pacsv.ParseOptions(
        delimiter=peek.delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
    )
    kept = names if columns is None else [name for name in names if name in set(columns)]
    convert_options = pacsv.ConvertOptions(
        column_types=dict.fromkeys(kept, pa.string()),
        include_columns=kept,
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    stream = _Paced(source.open(), READ_AHEAD_BLOCKS)
    try:
        reader = pacsv.open_csv(
            stream, read_options=reader_options, parse_options=parse_options, convert_options=convert_options
        )
        next_row = 1
        for batches in _frames_of(_counted(reader, stream), block_bytes or BLOCK_BYTES):
            # One contiguous array per column: every later take, filter and hash of a column would otherwise
            # join its pieces again first.
            frame = pa.Table.from_batches(batches, reader.schema).combine_chunks().to_pandas()
            chunk = CsvChunk(frame, next_row, pending[:])
            pending.clear()
            next_row += len(frame)
            yield chunk
        if pending:
            yield CsvChunk(pd.DataFrame(columns=kept, dtype=str), next_row, pending[:])
    except (pa.ArrowInvalid, OSError, EOFError, UnicodeError) as exc:
        if "straddl" in str(exc):
            limit = (block_bytes or READ_BLOCK_BYTES) / (1 << 20)
            raise IngestError(f"{source.name}: a row is longer than {limit:g} MB, the most one row may hold") from exc
        raise IngestError(f"{source.name}: cannot be read as CSV ({_short(exc)})") from exc
    finally:
        stream.close()


class _Paced(io.RawIOBase):
    """A binary stream that lets Arrow's background reader run at most ``ahead`` blocks ahead of the
    batches consumed (:meth:`consumed`), so read-ahead cannot fill memory while a slow step catches up.

    Each block Arrow reads yields at least one batch (a row must fit in a block), so the reader can always
    make progress; should it ever wait for long anyway, it reads on rather than stall the import.
    """

    _PATIENCE_S = 30.0

    def __init__(self, raw: BinaryIO, ahead: int) -> None:
        super().__init__()
        self._raw = raw
        self._ahead = ahead
        self._reads = 0
        self._consumed = 0
        self._done = False
        self._turn = threading.Condition()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        with self._turn:
            self._turn.wait_for(
                lambda: self._done or self._reads - self._consumed < self._ahead, timeout=self._PATIENCE_S
            )
            self._reads += 1
            if self._done:
                return b""
        return self._raw.read(size)

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def consumed(self) -> None:
        with self._turn:
            self._consumed += 1
            self._turn.notify_all()

    def close(self) -> None:
        with self._turn:
            # A reader still waiting (the import stopped early) gets the end of the file at once.
            self._done = True
            self._turn.notify_all()
        self._raw.close()
        super().close()


def _counted(reader: pacsv.CSVStreamingReader, stream: _Paced) -> Iterator[pa.RecordBatch]:
    for batch in reader:
        stream.consumed()
        yield batch


def _frames_of(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[list[pa.RecordBatch]]:
    """The batches cut and gathered into groups of about ``size`` bytes (the last one smaller)."""
    group: list[pa.RecordBatch] = []
    held = 0
    for batch in batches:
        # A block's batch holds more rows than one frame should: slices of it (no copy).
        rows_per_frame = max(1, int(batch.num_rows * size / batch.nbytes)) if batch.nbytes > size else batch.num_rows
        for start in range(0, max(batch.num_rows, 1), max(rows_per_frame, 1)):
            piece = batch.slice(start, rows_per_frame)
            group.append(piece)
            held += piece.nbytes
            if held >= size:
                yield group
                group, held = [], 0
    if group:
        yield group


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
