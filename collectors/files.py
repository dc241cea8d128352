"""Importing files one after another, with an outcome for each: the loop ``exitplan ingest`` and the Data
page's upload share, so that both import the same way and say the same things.

Each file, and each file inside a zip archive, goes through :func:`collectors.pipeline.ingest` on its own,
in its own transaction: one that cannot be imported is reported with the reason, and the others import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from collectors.detect import UnrecognisedFormat
from collectors.pipeline import IngestResult, ingest
from collectors.samples import KeptPrompts, PromptKeeping, keep_prompts
from collectors.source import IngestError, Source, sources_from_bytes, sources_from_path
from db.errors import UserError

__all__ = ["FileOutcome", "Upload", "ingest_files"]

Upload = tuple[str, bytes]
"""A file already in memory: its name and its content (an upload on the Data page)."""


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file: its import (``result``: rows read, accepted, rejected and skipped as not usage,
    or the earlier import it duplicates), or ``error``, the reason it was not imported, written for the user.

    A CSV of no layout exitplan knows has its ``header`` here, and its ``source``, so that the user can map
    its columns and import it without giving it again.
    """

    file: str
    result: IngestResult | None = None
    error: str | None = None
    header: tuple[str, ...] = ()
    source: Source | None = field(default=None, repr=False, compare=False)
    # Prompt samples kept from the file, when the user asked (``kept_error``: why none could be).
    kept: KeptPrompts | None = None
    kept_error: str | None = None


def ingest_files(
    engine: Engine,
    files: Iterable[Path | Upload],
    *,
    format_name: str | None = None,
    mapping: dict[str, str] | None = None,
    on_progress: Callable[[int, str, int], None] | None = None,
    keep: PromptKeeping | None = None,
) -> Iterator[FileOutcome]:
    """Import ``files`` (paths, or uploads' names and contents) into the ledger, yielding each one's outcome
    as soon as it is done; a zip archive yields one per file inside it.

    ``format_name`` skips detection; ``mapping`` reads the files as a CSV with that column mapping (see
    :func:`collectors.pipeline.ingest`). ``on_progress(index, name, rows)`` hears how many rows of ``name``
    (the file at ``index`` in ``files``, or a file inside it) have been read so far. ``keep`` (opt-in) keeps
    a sample of the prompts of each imported file whose format carries them (:mod:`collectors.samples`).
    """
    for index, item in enumerate(files):
        name = str(item) if isinstance(item, Path) else item[0]
        try:
            sources = sources_from_path(item) if isinstance(item, Path) else sources_from_bytes(*item)
        except (IngestError, UserError) as exc:
            yield FileOutcome(name, error=str(exc))
            continue
        for source in sources:
            progress = partial(on_progress, index, source.name) if on_progress is not None else None
            try:
                result = ingest(engine, source, format_name=format_name, mapping=mapping, on_progress=progress)
            except UnrecognisedFormat as exc:
                yield FileOutcome(source.name, error=str(exc), header=exc.header, source=source)
            except (IngestError, UserError) as exc:
                yield FileOutcome(source.name, error=str(exc))
            else:
                yield _with_prompts(engine, FileOutcome(source.name, result=result), source, keep)


def _with_prompts(engine: Engine, outcome: FileOutcome, source: Source, keep: PromptKeeping | None) -> FileOutcome:
    """The outcome with the prompts kept from the file, when asked: read apart from the import, so that a
    failure to keep them leaves the import as it is and says why."""
    if keep is None or outcome.result is None:
        return outcome
    try:
        kept = keep_prompts(engine, source, outcome.result.format, outcome.result.import_id, keep)
    except (IngestError, UserError) as exc:
        return replace(outcome, kept_error=str(exc))
    return replace(outcome, kept=kept)
