"""The ingest pipeline: all or nothing, idempotent, nothing dropped silently, undoable."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from analysis.spend import summary
from collectors import IngestError, ingest, source_from_bytes, source_from_path
from collectors.detect import detect
from collectors.formats import canonical_csv, format_named
from db import delete_import, list_imports, open_ledger
from db.errors import NotFound
from db.schema import imports, rejected_rows, usage
from tests.conftest import FIXTURES


def _counts(ledger: Engine) -> tuple[int, int, int]:
    with ledger.connect() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one() for t in (imports, usage, rejected_rows)
        )  # type: ignore[return-value]


def test_reimporting_identical_content_is_a_duplicate_and_changes_nothing(ledger: Engine, tmp_path: Path) -> None:
    path = FIXTURES / "openai_usage_completions.json"
    first = ingest(ledger, source_from_path(path))
    before = _counts(ledger), summary(ledger).as_dict()
    gz = tmp_path / "again.json.gz"
    gz.write_bytes(gzip.compress(path.read_bytes()))
    again = ingest(ledger, source_from_path(gz))
    assert again.duplicate and again.import_id == first.import_id
    assert (_counts(ledger), summary(ledger).as_dict()) == before


def test_failure_part_way_leaves_nothing_behind(ledger: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    header = "date,provider,model,input_tokens,output_tokens\n"
    content = header + "".join(f"2025-09-{d:02d},openai,gpt-4o,10,1\n" for d in range(1, 29))
    real = canonical_csv.to_records
    calls = {"n": 0}

    def failing_second_chunk(frame):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(frame)

    monkeypatch.setattr(canonical_csv, "to_records", failing_second_chunk)
    monkeypatch.setattr("collectors.csvfile.BLOCK_BYTES", 64)
    source = source_from_bytes("big.csv", content.encode())
    with pytest.raises(RuntimeError):
        ingest(ledger, source)
    assert calls["n"] == 2, "the file should have been read in several chunks"
    assert _counts(ledger) == (0, 0, 0)


def test_chunked_reading_gives_the_same_totals(ledger: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("collectors.csvfile.BLOCK_BYTES", 1024)
    result = ingest(ledger, source_from_path(FIXTURES / "openai_dashboard_completions_usage.csv"))
    assert result.rows_accepted == 42
    assert summary(ledger).as_dict()["input_tokens"] == 43_108_511


def test_frames_of_narrow_rows_hold_at_most_block_rows_and_keep_their_row_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Narrow rows take several times their bytes as pandas values: a frame is cut by rows too."""
    monkeypatch.setattr("collectors.csvfile.BLOCK_ROWS", 100)
    rows = "".join(f"2025-09-01T10:00:00Z,openai,m-{n},{n},1\n" for n in range(350))
    source = source_from_bytes("narrow.csv", ("timestamp,provider,model,input_tokens,output_tokens\n" + rows).encode())
    batches = list(detect(source).read(source))
    assert [len(batch.records) for batch in batches] == [100, 100, 100, 50]
    assert [batch.first_row for batch in batches] == [1, 101, 201, 301]
    assert batches[2].records["input_tokens"].iloc[0] == 200


def _stored_rows(ledger: Engine) -> list[tuple[object, ...]]:
    columns = [c for c in usage.columns if c.name not in ("id", "import_id")]
    with ledger.connect() as conn:
        return sorted(conn.execute(select(*columns)).all(), key=repr)


def test_a_file_out_of_time_order_stores_one_row_per_hour_and_dimensions(
    new_ledger_url: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hours are written as the file moves past them; an hour that comes back is merged afterwards."""
    rows = [
        f"2025-09-{1 + n % 3:02d}T{(7 * n) % 24:02d}:{n % 60:02d}:00Z,"
        f"openai,gpt-4o,u{n % 4},{10 + n},{1 + n % 5},{n % 7 * 100}"
        for n in range(300)
    ]
    header = "timestamp,provider,model,user,input_tokens,output_tokens,latency_ms\n"
    monkeypatch.setattr("collectors.csvfile.BLOCK_BYTES", 1024)
    ledgers = []
    for order in (sorted(rows), rows):  # in time order, then scattered over three days
        ledger = open_ledger(new_ledger_url())
        ingest(ledger, source_from_bytes("log.csv", (header + "\n".join(order) + "\n").encode()))
        ledgers.append(ledger)
    ordered, scattered = (_stored_rows(ledger) for ledger in ledgers)
    assert len(ordered) == len({(r[0], r[7]) for r in ordered})  # one row per hour and user
    assert scattered == ordered
    assert summary(ledgers[1]).as_dict()["input_tokens"] == sum(10 + n for n in range(300))
    for ledger in ledgers:
        ledger.dispose()


def test_an_hour_that_comes_back_keeps_known_and_unknown_apart(
    new_ledger_url: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file has no reasoning column, so reasoning is unknown — except in rows without output, where it is 0.
    Merged back after coming out of time order, an hour still keeps the two kinds of rows apart."""
    hours = [(1 + n % 2, (5 * n) % 24) for n in range(200)]
    rows = [f"2025-09-{d:02d}T{h:02d}:00:00Z,openai,gpt-4o,u,{10 + n},{n % 3}" for n, (d, h) in enumerate(hours)]
    header = "timestamp,provider,model,user,input_tokens,output_tokens\n"
    monkeypatch.setattr("collectors.csvfile.BLOCK_BYTES", 512)
    ledgers = []
    for order in (sorted(rows), rows):
        ledger = open_ledger(new_ledger_url())
        ingest(ledger, source_from_bytes("log.csv", (header + "\n".join(order) + "\n").encode()))
        ledgers.append(ledger)
    ordered, scattered = (_stored_rows(ledger) for ledger in ledgers)
    assert scattered == ordered
    # One row per hour and kind: rows without output (n % 3 == 0) know their reasoning is 0, the others do not.
    assert len(ordered) == len({(d, h, n % 3 == 0) for n, (d, h) in enumerate(hours)})
    totals = summary(ledgers[1]).overall
    assert totals.output_tokens == sum(n % 3 for n in range(200))
    assert totals.reasoning_tokens == 0 and totals.not_in_source["reasoning_tokens"] > 0
    for ledger in ledgers:
        ledger.dispose()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "unrecognised format"),
        (b"name,age\nbob,4\n", "unrecognised format"),
        (
            b'{"object": "page", "data": [{"object": "bucket", "results": [{"object": "organization.usage.comp',
            "not valid JSON",
        ),
    ],
)
def test_unreadable_files_fail_whole_and_leave_the_ledger_unchanged(
    ledger: Engine, content: bytes, message: str
) -> None:
    with pytest.raises(IngestError, match=message) as caught:
        ingest(ledger, source_from_bytes("broken.file", content))
    assert str(caught.value).startswith("broken.file: ")
    assert _counts(ledger) == (0, 0, 0)


def test_truncated_gzip_fails_whole(ledger: Engine, tmp_path: Path) -> None:
    path = tmp_path / "usage.csv.gz"
    path.write_bytes(gzip.compress((FIXTURES / "openai_dashboard_completions_usage.csv").read_bytes())[:900])
    with pytest.raises(IngestError, match=r"usage\.csv\.gz"):
        ingest(ledger, source_from_path(path))
    assert _counts(ledger) == (0, 0, 0)


def test_rejected_rows_are_stored_and_delete_undoes_everything(ledger: Engine) -> None:
    content = (
        b"date,provider,model,input_tokens,output_tokens\n2025-09-01,openai,gpt-4o,10,1\n2025-09-01,openai,gpt-4o,x,1\n"
    )
    result = ingest(ledger, source_from_bytes("mixed.csv", content))
    assert _counts(ledger) == (1, 1, 1)
    history = list_imports(ledger)
    assert history.loc[0, "rows_rejected"] == 1 and history.loc[0, "rollups"] == 1
    assert delete_import(ledger, result.import_id)
    assert _counts(ledger) == (0, 0, 0)
    assert not delete_import(ledger, result.import_id)
    # After an undo the same content can come in again.
    assert not ingest(ledger, source_from_bytes("mixed.csv", content)).duplicate


def test_forced_unknown_format_is_a_clear_error(ledger: Engine) -> None:
    with pytest.raises(IngestError, match="unknown format 'nope'"):
        ingest(ledger, source_from_bytes("a.csv", b"x"), format_name="nope")
    with pytest.raises(NotFound, match=r"unknown format 'nope'; known formats: .*openai_usage_api"):
        format_named("nope")


def test_imports_inside_a_callers_transaction_commit_or_roll_back_together(ledger: Engine) -> None:
    header = b"date,provider,model,input_tokens,output_tokens\n"
    first = source_from_bytes("a.csv", header + b"2025-09-01,openai,gpt-4o,10,1\n")
    second = source_from_bytes("b.csv", header + b"2025-09-02,openai,gpt-4o,10,1\n")
    with pytest.raises(RuntimeError), ledger.begin() as conn:
        ingest(ledger, first, connection=conn)
        ingest(ledger, second, connection=conn)
        raise RuntimeError("the third endpoint failed")
    assert _counts(ledger) == (0, 0, 0)
    with ledger.begin() as conn:
        ingest(ledger, first, connection=conn)
        ingest(ledger, second, connection=conn)
    assert _counts(ledger)[0] == 2


def test_a_collectors_repull_replaces_its_range(ledger: Engine) -> None:
    from datetime import datetime

    header = b"date,provider,model,input_tokens,output_tokens\n"
    week = (datetime(2025, 9, 1), datetime(2025, 9, 8))
    old = header + b"2025-09-01,openai,gpt-4o,10,1\n2025-09-02,openai,gpt-4o,10,1\n"
    new = header + b"2025-09-02,openai,gpt-4o,15,1\n"
    ingest(ledger, source_from_bytes("pull-1", old), collector="test_api", replaces=week)
    ingest(ledger, source_from_bytes("a file", header + b"2025-09-03,openai,gpt-4o,100,1\n"))
    ingest(ledger, source_from_bytes("pull-2", new), collector="test_api", replaces=week)
    # The second pull replaced the first pull's week; the file's usage is not the collector's to replace.
    assert summary(ledger).as_dict()["input_tokens"] == 15 + 100


@pytest.mark.parametrize(
    "content",
    [
        b"date,provider,model,input_tokens,output_tokens\n",
        b'{"object": "page", "data": [{"object": "bucket", "start_time": 1756684800, "results": []}]}',
    ],
)
def test_a_file_with_no_usage_is_an_empty_import(ledger: Engine, content: bytes) -> None:
    result = ingest(ledger, source_from_bytes("quiet-day", content))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.duplicate) == (0, 0, 0, False)
    assert _counts(ledger) == (1, 0, 0)


def test_a_file_of_many_read_blocks_is_read_whole_with_bounded_read_ahead(
    ledger: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Arrow reads small blocks, never more than a few ahead of the rows handed on, and nothing is lost."""
    monkeypatch.setattr("collectors.csvfile.READ_BLOCK_BYTES", 256)
    monkeypatch.setattr("collectors.csvfile.BLOCK_BYTES", 512)
    header = "date,provider,model,input_tokens,output_tokens\n"
    content = header + "".join(f"2025-09-{1 + n % 28:02d},openai,gpt-4o,{n},1\n" for n in range(2_000))
    result = ingest(ledger, source_from_bytes("blocks.csv", content.encode()))
    assert (result.rows_read, result.rows_accepted) == (2_000, 2_000)
    assert summary(ledger).as_dict()["input_tokens"] == sum(range(2_000))
