"""Read a CSV of any size in chunks, every cell as text, columns named by a lower-cased header."""

from __future__ import annotations

import codecs
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
# and at most this many rows: narrow rows (a timestamp, a model, two counts) take several times their bytes
# as pandas values, and a frame of 8 MB of them would be ~160k rows, some 70 MB.
BLOCK_ROWS = 50_000
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
        # Arrow knows each row's line while it parses serially (use_threads=False below).
        where = f"line {row.number}" if row.number is not None else "a row"
        pending.append(
            Rejection(
                where,
                row.text or "",
                f"expected {row.expected_columns} fields, found {row.actual_columns}",
            )
        )
        return "skip"

    reader_options = pacsv.ReadOptions(
        column_names=names,
        skip_rows=1,
        block_size=block_bytes or READ_BLOCK_BYTES,
        # Serial parsing: as fast for one stream (the blocks come one after another anyway), and Arrow then
        # knows the line of a row it cannot split, for the user to find it.
        use_threads=False,
        # Arrow's own transcoding reads the file in pieces of its choosing, which the pacing below cannot count
        # as blocks (it then waited out its patience at every block): the text reaches Arrow as UTF-8 instead.
        encoding="utf8",
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
    next_row = 1
    content = source.open()
    stream = _Paced(_Utf8(content) if source.encoding() == "utf-16" else content, READ_AHEAD_BLOCKS)
    reader: pacsv.CSVStreamingReader | None = None
    try:
        reader = pacsv.open_csv(
            stream, read_options=reader_options, parse_options=parse_options, convert_options=convert_options
        )
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
        _shut(reader, stream)


def _shut(reader: pacsv.CSVStreamingReader | None, stream: _Paced) -> None:
    """Stop ``reader`` for good, however the reading ended (the end of the file, a duplicate found by its
    fingerprint, an error, Ctrl-C), before its file is closed.

    Arrow reads ahead in a thread of its own pool, calling back into Python for each block. A reader merely
    dropped can still be inside such a call when the interpreter shuts down, and the process then hangs or
    aborts in Arrow's pool ("duplicate of import 1; nothing changed", and no exit). So the stream answers every
    further read with the end of the file, and the reader is run to its end: its reads done, nothing of it is
    left running.
    """
    stream.finish()
    if reader is not None:
        with contextlib.suppress(Exception):
            for _ in reader:
                pass
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

    def finish(self) -> None:
        """Answer every read from now on with the end of the file; a reader still waiting gets it at once."""
        with self._turn:
            self._done = True
            self._turn.notify_all()

    def close(self) -> None:
        self.finish()
        self._raw.close()
        super().close()


class _Utf8(io.RawIOBase):
    """A UTF-16 stream (with its byte-order mark) read as UTF-8, transcoded a block at a time as it is read:
    each read returns as many bytes as asked (but at the end), so one read is one of Arrow's blocks."""

    _PIECE = 1 << 20

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder("utf-16")()
        self._ready = bytearray()
        self._ended = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        while not self._ended and (size < 0 or len(self._ready) < size):
            piece = self._raw.read(self._PIECE if size < 0 else max(self._PIECE, size))
            self._ended = not piece
            self._ready += self._decoder.decode(piece, final=self._ended).encode("utf-8")
        if size < 0:
            size = len(self._ready)
        data = bytes(self._ready[:size])
        del self._ready[:size]
        return data

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _counted(reader: pacsv.CSVStreamingReader, stream: _Paced) -> Iterator[pa.RecordBatch]:
    for batch in reader:
        stream.consumed()
        yield batch


def _frames_of(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[list[pa.RecordBatch]]:
    """The batches cut and gathered into groups of about ``size`` bytes and at most :data:`BLOCK_ROWS` rows
    (the last one smaller)."""
    group: list[pa.RecordBatch] = []
    held = rows = 0
    for batch in batches:
        # A block's batch holds more rows than one frame should: slices of it (no copy).
        rows_per_frame = max(1, int(batch.num_rows * size / batch.nbytes)) if batch.nbytes > size else batch.num_rows
        start = 0
        while start < max(batch.num_rows, 1):
            piece = batch.slice(start, min(rows_per_frame, BLOCK_ROWS - rows))
            start += max(piece.num_rows, 1)
            group.append(piece)
            held += piece.nbytes
            rows += piece.num_rows
            if held >= size or rows >= BLOCK_ROWS:
                yield group
                group, held, rows = [], 0, 0
    if group:
        yield group


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
