"""The benchmark's spend-log generator makes files the LiteLLM importer takes, and its DuckDB reference
computes the ledger's roll-up. Nothing here is timed: the benchmarks measure, tests only check shapes."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from benchmarks.spendlog import HEADER, write_spend_log
from collectors.pipeline import ingest
from collectors.source import source_from_path
from db import open_ledger

FIXTURE = Path(__file__).parent / "fixtures" / "litellm_spendlogs.csv"


def test_header_is_litellms(tmp_path: Path) -> None:
    written = write_spend_log(tmp_path / "s.csv", 5)
    with FIXTURE.open() as fixture, written.path.open() as generated:
        assert generated.readline() == fixture.readline()
    assert ",".join(HEADER) + "\n" == FIXTURE.open().readline()


def test_generator_is_deterministic_across_chunk_sizes(tmp_path: Path) -> None:
    one = write_spend_log(tmp_path / "a.csv", 300, chunk_rows=300)
    two = write_spend_log(tmp_path / "b.csv", 300, chunk_rows=300)
    digest = [hashlib.sha256(f.path.read_bytes()).hexdigest() for f in (one, two)]
    assert digest[0] == digest[1]
    assert sum(1 for _ in one.path.open()) == 301


def test_importer_accepts_the_generated_log(tmp_path: Path) -> None:
    written = write_spend_log(tmp_path / "spend.csv", 1_000, chunk_rows=400)
    engine = open_ledger(f"sqlite:///{tmp_path / 'ledger.db'}")
    result = ingest(engine, source_from_path(written.path))
    assert result.format == "litellm_spendlogs_csv"
    assert result.rows_read == 1_000
    # Proxy cache hits and failed calls without tokens are not model usage (skipped); everything else is usage.
    assert written.cache_hits > 0 and written.failures >= 0
    assert result.rows_accepted == written.rows - written.cache_hits - written.failures
    assert result.rows_rejected == 0
    assert result.rows_skipped == written.cache_hits + written.failures


def test_duckdb_reference_computes_the_ledgers_rollup(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    from benchmarks.ingest import ROLLUP_SQL

    written = write_spend_log(tmp_path / "spend.csv", 2_000)
    ledger = tmp_path / "ledger.db"
    ingest(open_ledger(f"sqlite:///{ledger}"), source_from_path(written.path))
    totals = "count(*), sum(requests), sum(input_tokens), sum(cache_read_tokens), sum(output_tokens), " + (
        "sum(reasoning_tokens), sum(latency_count), sum(ttft_count), sum(latency_bin_12)"
    )
    with duckdb.connect(str(tmp_path / "reference.duckdb")) as conn:
        conn.execute(ROLLUP_SQL, [str(written.path)])
        reference = conn.execute(f"SELECT {totals} FROM usage").fetchone()
    with sqlite3.connect(ledger) as conn:
        ours = conn.execute(f"SELECT {totals} FROM usage").fetchone()
    assert tuple(int(v) for v in reference) == tuple(int(v) for v in ours)
