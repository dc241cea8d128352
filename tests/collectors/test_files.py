"""Importing several files, one outcome each: the loop `exitplan ingest` and the Data page share."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from sqlalchemy import Engine

from collectors.files import FileOutcome, ingest_files
from db import list_imports
from db.column_mappings import save_mapping
from tests.conftest import FIXTURES

CANONICAL = b"date,provider,model,input_tokens,output_tokens\n2025-09-01,openai,gpt-4o,10,1\nbad,openai,gpt-4o,1,1\n"
UNKNOWN = b"when,vendor,engine,prompt,completion\n2025-09-01,openai,gpt-4o,10,1\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_paths_and_uploads_each_get_an_outcome(ledger: Engine, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    sample = FIXTURES / "openai_legacy_v1_usage.json"
    outcomes = list(ingest_files(ledger, [sample, missing, ("usage.csv", CANONICAL), sample]))
    assert [o.file for o in outcomes] == [str(sample), str(missing), "usage.csv", str(sample)]
    first, absent, csv, again = outcomes
    assert first.result is not None and first.result.rows_accepted and not first.result.duplicate
    assert absent.result is None and absent.error == f"{missing}: no such file"
    assert csv.result is not None
    assert (csv.result.rows_read, csv.result.rows_accepted, csv.result.rows_rejected) == (2, 1, 1)
    assert again.result is not None and again.result.duplicate and again.result.import_id == first.result.import_id
    assert len(list_imports(ledger)) == 2


def test_a_zip_yields_one_outcome_per_file_inside_and_a_bad_one_stops_no_other(ledger: Engine) -> None:
    archive = _zip({"a.csv": CANONICAL, "empty.csv": b"", "b.csv": CANONICAL.replace(b"10,1", b"20,2")})
    outcomes = list(ingest_files(ledger, [("exports.zip", archive)]))
    assert [o.file for o in outcomes] == ["exports.zip!a.csv", "exports.zip!empty.csv", "exports.zip!b.csv"]
    assert outcomes[0].result is not None and outcomes[2].result is not None
    assert outcomes[1].result is None and outcomes[1].error == "exports.zip!empty.csv: empty file"
    damaged = list(ingest_files(ledger, [("broken.zip", b"PK\x03\x04 not really a zip")]))
    assert len(damaged) == 1 and damaged[0].error is not None and "damaged zip archive" in damaged[0].error


def test_an_unknown_csv_keeps_its_header_for_a_mapping(ledger: Engine) -> None:
    (outcome,) = ingest_files(ledger, [("custom.csv", UNKNOWN)])
    assert outcome.result is None and outcome.error is not None and "map its columns" in outcome.error
    assert outcome.header == ("when", "vendor", "engine", "prompt", "completion")
    assert outcome.source is not None and outcome.source.open().read() == UNKNOWN
    mapping = {
        "timestamp": "when",
        "provider": "vendor",
        "model": "engine",
        "input_tokens": "prompt",
        "output_tokens": "completion",
    }
    (mapped,) = ingest_files(ledger, [("custom.csv", UNKNOWN)], mapping=mapping)
    assert mapped.result is not None and mapped.result.format == "mapped_csv" and mapped.result.rows_accepted == 1
    # Once a mapping is saved for its header, the same layout imports without asking.
    save_mapping(ledger, list(outcome.header), mapping)
    (again,) = ingest_files(ledger, [("other.csv", UNKNOWN.replace(b"10,1", b"30,3"))])
    assert again.result is not None and again.header == ()


def test_a_format_named_skips_detection(ledger: Engine) -> None:
    (outcome,) = ingest_files(ledger, [("usage.csv", CANONICAL)], format_name="no-such-format")
    assert outcome == FileOutcome("usage.csv", error=outcome.error)
    assert outcome.error is not None and outcome.error.startswith("usage.csv: ")


def test_progress_names_the_file_and_its_place(ledger: Engine) -> None:
    heard: list[tuple[int, str, int]] = []
    files = [("one.csv", CANONICAL), ("two.zip", _zip({"inner.csv": CANONICAL.replace(b"10,1", b"40,4")}))]
    outcomes = list(ingest_files(ledger, files, on_progress=lambda *args: heard.append(args)))
    assert all(o.result is not None for o in outcomes)
    assert {(index, name) for index, name, _ in heard} == {(0, "one.csv"), (1, "two.zip!inner.csv")}
    assert heard[-1][2] == 2, "the rows read so far, every row of the file by the end"
