"""Read a CSV of any size in chunks, every cell as text, columns named by a lower-cased header."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from collectors.format import Peek
from collectors.source import IngestError, Source
from db.imports import Rejection

__all__ = ["CsvChunk", "read_csv", "require_columns"]

# Rows are handed on in frames of about this many bytes of CSV: big enough that per-chunk work is cheap.
BLOCK_BYTES = 6 << 20
# Arrow reads blocks of at most this size. Its reader buffers up to 32 blocks ahead of what has been
# consumed, so the block, not the frame, sets the memory the read-ahead takes; it also caps one row's size.
READ_BLOCK_BYTES = 2 << 20


@dataclass
class CsvChunk:
    frame: pd.DataFrame
    first_row: int
    rejected: list[Rejection] = field(default_factory=list)


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
        block_size=min(block_bytes or BLOCK_BYTES, READ_BLOCK_BYTES),
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
    stream = source.open()
    try:
        reader = pacsv.open_csv(
            stream, read_options=reader_options, parse_options=parse_options, convert_options=convert_options
        )
        next_row = 1
        for batches in _frames_of(reader, block_bytes or BLOCK_BYTES):
            frame = pa.Table.from_batches(batches, reader.schema).to_pandas()
            chunk = CsvChunk(frame, next_row, pending[:])
            pending.clear()
            next_row += len(frame)
            yield chunk
        if pending:
            yield CsvChunk(pd.DataFrame(columns=kept, dtype=str), next_row, pending[:])
    except (pa.ArrowInvalid, OSError, EOFError, UnicodeError) as exc:
        raise IngestError(f"{source.name}: cannot be read as CSV ({_short(exc)})") from exc
    finally:
        stream.close()


def _frames_of(reader: pacsv.CSVStreamingReader, size: int) -> Iterator[list[pa.RecordBatch]]:
    """The reader's batches, gathered into groups of at least ``size`` bytes (the last one smaller)."""
    group: list[pa.RecordBatch] = []
    held = 0
    for batch in reader:
        group.append(batch)
        held += batch.nbytes
        if held >= size:
            yield group
            group, held = [], 0
    if group:
        yield group


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
