"""`exitplan ingest`'s progress on a terminal: a bar per file with rows read, rows a second and time left."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from app.cli_progress import ingest_progress
from tests.conftest import sample


def test_progress_draws_rows_and_rate_and_nothing_off_a_terminal() -> None:
    console = Console(file=io.StringIO(), force_terminal=True, width=200)
    path = sample("litellm_spendlogs.csv")
    with ingest_progress(console, [path], shown=True) as report:
        assert report is not None
        report(0, str(path), 40)
        # A name that looks like markup is shown as it is.
        report(0, "[/bold]inside.zip!a.csv", 10)
    drawn = console.file.getvalue()  # type: ignore[attr-defined]
    assert "40 rows read" in drawn
    assert "[/bold]inside.zip!a.csv" in drawn
    with ingest_progress(console, [Path("x.csv")], shown=False) as report:
        assert report is None
