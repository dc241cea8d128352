"""The bad-input corpus (tests/fixtures/bad): every file has its outcome written down in EXPECTED.csv — the
rows read, accepted and rejected, or the one-line reason it is not imported — and none ends in a traceback."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from collectors.files import ingest_files
from db import rejected_rows_of
from tests.conftest import FIXTURES

BAD = FIXTURES / "bad"
EXITPLAN = str(Path(sys.executable).with_name("exitplan"))


def _expected() -> dict[str, list[dict[str, str]]]:
    """EXPECTED.csv's rows by the corpus file they come from (an archive has one per member)."""
    by_file: dict[str, list[dict[str, str]]] = {}
    with (BAD / "EXPECTED.csv").open(newline="") as table:
        for row in csv.DictReader(table):
            by_file.setdefault(row["file"].split("!")[0], []).append(row)
    return by_file


EXPECTED = _expected()


def test_the_corpus_is_large_and_fully_described() -> None:
    files = {path.name for path in BAD.iterdir() if path.name != "EXPECTED.csv"}
    assert len(files) >= 40
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_file_has_its_written_outcome(ledger: Engine, name: str) -> None:
    outcomes = list(ingest_files(ledger, [BAD / name]))
    assert [Path(outcome.file).name for outcome in outcomes] == [row["file"] for row in EXPECTED[name]]
    for outcome, expected in zip(outcomes, EXPECTED[name], strict=True):
        if expected["outcome"] == "error":
            assert outcome.result is None and outcome.error is not None
            assert expected["says"] in outcome.error
            assert "\n" not in outcome.error
            continue
        result = outcome.result
        assert result is not None, outcome.error
        counts = (result.rows_read, result.rows_accepted, result.rows_rejected)
        assert counts == (int(expected["read"]), int(expected["accepted"]), int(expected["rejected"]))
        assert result.rows_read == result.rows_accepted + result.rows_rejected + result.rows_skipped
        rejected = rejected_rows_of(ledger, result.import_id)
        said = [
            f"{location}: {reason}" for location, reason in zip(rejected["location"], rejected["reason"], strict=True)
        ]
        if expected["says"]:
            assert any(expected["says"] in line for line in said), said
        # Every rejected row says where it is.
        assert all(location.startswith("line ") or location.startswith("row ") for location in rejected["location"])


def test_the_cli_imports_the_whole_corpus_without_a_traceback(ledger_url: str) -> None:
    files = sorted(str(path) for path in BAD.iterdir() if path.name != "EXPECTED.csv")
    done = subprocess.run([EXITPLAN, "ingest", *files, "--db", ledger_url], capture_output=True, text=True, timeout=600)
    assert done.returncode == 2  # some files cannot be imported at all
    assert "Traceback" not in done.stderr + done.stdout
    failures = [row for rows in EXPECTED.values() for row in rows if row["outcome"] == "error"]
    assert len(done.stderr.splitlines()) == len(failures)
