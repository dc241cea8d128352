"""How far an import has got: the file's rows guessed from its size and first lines, gzip included."""

from __future__ import annotations

import gzip
from pathlib import Path

from collectors.progress import ImportProgress, estimated_rows
from collectors.source import source_from_bytes, source_from_path


def _log(rows: int) -> bytes:
    lines = [f"2025-09-01T10:00:00Z,openai,gpt-4o,{100 + n % 900},{n % 50}\n" for n in range(rows)]
    return ("timestamp,provider,model,input_tokens,output_tokens\n" + "".join(lines)).encode()


def test_a_small_file_is_counted_exactly() -> None:
    assert estimated_rows(source_from_bytes("small.csv", _log(40))) == 40


def test_a_large_file_is_estimated_from_its_size_and_first_lines(tmp_path: Path) -> None:
    path = tmp_path / "large.csv"
    path.write_bytes(_log(300_000))
    estimate = estimated_rows(source_from_path(path))
    assert estimate is not None and abs(estimate - 300_000) < 3_000


def test_a_gzip_file_is_estimated_from_the_size_its_trailer_states(tmp_path: Path) -> None:
    content = _log(300_000)
    path = tmp_path / "large.csv.gz"
    path.write_bytes(gzip.compress(content))
    source = source_from_path(path)
    assert source.content_size() == len(content)
    estimate = estimated_rows(source)
    assert estimate is not None and abs(estimate - 300_000) < 3_000


def test_no_estimate_for_what_has_no_lines_or_cannot_be_read() -> None:
    assert estimated_rows(source_from_bytes("one.json", b'[{"a": 1}]')) is None
    assert estimated_rows(source_from_bytes("broken.csv.gz", b"\x1f\x8b\x08\x00broken")) is None


def test_progress_without_an_estimate_says_rows_and_rate_only() -> None:
    ticks = iter([0.0, 4.0])
    progress = ImportProgress(clock=lambda: next(ticks))
    progress.update(50_000)
    # Heard of first a chunk into the file: no rate yet, rather than 50,000 rows in no time.
    assert progress.words() == "50,000 rows read"
    progress.update(51_000)
    assert progress.fraction is None and progress.seconds_left is None
    assert progress.words() == "51,000 rows read · 250 rows/s"


def test_a_burst_of_chunks_read_ahead_states_no_rate_until_a_second_has_passed() -> None:
    ticks = iter([0.0, 0.02, 0.5, 1.5])
    progress = ImportProgress(estimate=1_000_000, clock=lambda: next(ticks))
    progress.update(50_000)
    progress.update(150_000)  # queued chunks, 20 ms later: not 5 million rows a second
    assert progress.words() == "150,000 rows read" and progress.seconds_left is None
    progress.update(200_000)
    assert progress.rows_per_s == 0.0
    progress.update(250_000)
    assert progress.words() == "250,000 rows read · 133,333 rows/s · about 6 s left"


def test_the_bar_stays_short_of_full_until_the_import_is_done() -> None:
    ticks = iter([0.0, 1.0])
    progress = ImportProgress(estimate=100, clock=lambda: next(ticks))
    progress.update(50)
    progress.update(150)  # the estimate was short
    assert progress.fraction == 0.99 and progress.seconds_left == 0
