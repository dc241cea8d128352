"""`exitplan ingest`'s progress on a terminal: per file, a bar, rows read, rows a second and the time left."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

from collectors.progress import ImportProgress, estimated_rows
from collectors.source import IngestError, source_from_path

__all__ = ["ingest_progress"]


@contextmanager
def ingest_progress(
    console: Console, paths: Sequence[Path], *, shown: bool
) -> Iterator[Callable[[int, str, int], None] | None]:
    """An ``on_progress`` for :func:`collectors.files.ingest_files` that draws on ``console`` (None unless
    ``shown``); the bars go away when the imports end, leaving their result lines."""
    if not shown:
        yield None
        return
    # A file's name is shown as it is: "[/bold]" in a name is no markup.
    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn("{task.fields[words]}", markup=False),
    )
    with Progress(*columns, console=console, transient=True) as bars:
        tasks: dict[str, tuple[TaskID, ImportProgress]] = {}

        def report(index: int, name: str, rows: int) -> None:
            if name not in tasks:
                progress = ImportProgress(estimate=_estimate(paths[index], name))
                tasks[name] = (bars.add_task(name, total=progress.estimate, words=""), progress)
            task, progress = tasks[name]
            progress.update(rows)
            bars.update(task, completed=min(rows, progress.estimate or rows), words=progress.words())

        yield report


def _estimate(path: Path, name: str) -> int | None:
    if name != str(path):  # a file inside a zip archive: its size is not at hand
        return None
    try:
        return estimated_rows(source_from_path(path))
    except IngestError:
        return None
