"""Ingest benchmark: ``exitplan ingest`` of a LiteLLM spend log against DuckDB and a naive pandas import.

Three whole processes read the same CSV, each measured for wall time and peak RSS (see
:mod:`benchmarks.process`):

1. ``exitplan ingest FILE --db sqlite:///…`` into a fresh ledger — the product as a user runs it;
2. the reference: DuckDB reading the CSV and computing the ledger's roll-up in one ``GROUP BY`` (hour,
   provider, host, model, project, API key, user, feature, prompt-size band; the sums and the 32 latency
   histogram columns the ledger stores) into a table of a DuckDB file. DuckDB uses every core; exitplan
   one;
3. the naive baseline: ``pandas.read_csv`` of the whole file, then ``DataFrame.to_sql`` of the raw rows
   into SQLite — what a script would do without a rollup.

Each runs on the small file (default 1M rows) and the full one (default 5M), so peak RSS can be compared
across file sizes. The rollup exitplan stored and the one DuckDB computed are counted side by side: the
same number of rows and requests says both did the same work.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.process import Measured, measure
from benchmarks.spendlog import SpendLogFile, write_spend_log
from db.measures import LATENCY_BIN_COLUMNS, LATENCY_EDGES_MS, PROMPT_BANDS

__all__ = ["IngestResult", "Row", "run_ingest", "spend_log"]

# The reference roll-up. Its rules follow collectors/formats/litellm.py: proxy cache hits and failed calls
# without tokens are left out, the feature comes from spend_logs_metadata, then the request's metadata,
# then the tags; times are UTC. Latency bins are the ledger's (db/measures.py).
_BANDS = " ".join(f"WHEN prompt_tokens > {b} THEN {b}" for b in sorted(PROMPT_BANDS, reverse=True) if b)
_BINS = ",\n    ".join(
    f"count(*) FILTER (WHERE latency_bin = {i}) AS {name}" for i, name in enumerate(LATENCY_BIN_COLUMNS)
)
# A latency's bin is the number of edges at or below it (as numpy's searchsorted side="right" counts them),
# compared against the very same floats: an integer latency of 40 ms sits just under the edge 40.000…01.
_LATENCY_BIN = " ".join(
    f"WHEN latency_ms >= {edge!r} THEN {k + 1}" for k, edge in reversed(list(enumerate(LATENCY_EDGES_MS)))
)
_TYPES = {
    "request_id": "VARCHAR",
    "call_type": "VARCHAR",
    "api_key": "VARCHAR",
    "spend": "DOUBLE",
    "total_tokens": "BIGINT",
    "prompt_tokens": "BIGINT",
    "completion_tokens": "BIGINT",
    "startTime": "TIMESTAMP",
    "endTime": "TIMESTAMP",
    "request_duration_ms": "BIGINT",
    "completionStartTime": "TIMESTAMP",
    "model": "VARCHAR",
    "model_id": "VARCHAR",
    "model_group": "VARCHAR",
    "custom_llm_provider": "VARCHAR",
    "api_base": "VARCHAR",
    "user": "VARCHAR",
    "metadata": "VARCHAR",
    "cache_hit": "BOOLEAN",
    "cache_key": "VARCHAR",
    "request_tags": "VARCHAR",
    "team_id": "VARCHAR",
    "organization_id": "VARCHAR",
    "end_user": "VARCHAR",
    "requester_ip_address": "VARCHAR",
    "messages": "VARCHAR",
    "response": "VARCHAR",
    "session_id": "VARCHAR",
    "status": "VARCHAR",
    "mcp_namespaced_tool_name": "VARCHAR",
    "agent_id": "VARCHAR",
    "proxy_server_request": "VARCHAR",
}
_USAGE = "$.additional_usage_values"
ROLLUP_SQL = f"""
CREATE TABLE usage AS
WITH logs AS (
  SELECT * FROM read_csv(?, header = true, quote = '"', escape = '"', columns = {_TYPES!r})
), requests AS (
  SELECT
    date_trunc('hour', "startTime") AS bucket_start,
    CASE lower(custom_llm_provider) WHEN 'bedrock' THEN 'aws' WHEN 'vertex_ai' THEN 'google'
      ELSE lower(custom_llm_provider) END AS provider,
    regexp_extract(api_base, '^(?:[a-z]+://)?([^/:]+)', 1) AS host,
    coalesce(model, model_group) AS model,
    coalesce(team_id, json_extract_string(metadata, '$.user_api_key_team_id')) AS project,
    coalesce(api_key, json_extract_string(metadata, '$.user_api_key')) AS api_key,
    coalesce("user", end_user) AS "user",
    coalesce(json_extract_string(metadata, '$.spend_logs_metadata.feature'),
             json_extract_string(metadata, '$.feature'),
             nullif(array_to_string(from_json(request_tags, '["VARCHAR"]'), ','), '')) AS feature,
    CASE {_BANDS} ELSE 0 END AS prompt_band,
    prompt_tokens AS input_tokens,
    coalesce(CAST(json_extract(metadata, '{_USAGE}.prompt_tokens_details.cached_tokens') AS BIGINT),
             CAST(json_extract(metadata, '{_USAGE}.cache_read_input_tokens') AS BIGINT), 0) AS cache_read_tokens,
    coalesce(CAST(json_extract(metadata, '{_USAGE}.cache_creation_input_tokens') AS BIGINT), 0)
      AS cache_write_tokens,
    completion_tokens AS output_tokens,
    coalesce(CAST(json_extract(metadata, '{_USAGE}.completion_tokens_details.reasoning_tokens') AS BIGINT), 0)
      AS reasoning_tokens,
    spend,
    epoch_ms("endTime") - epoch_ms("startTime") AS latency_ms,
    CASE WHEN "completionStartTime" < "endTime"
      THEN epoch_ms("completionStartTime") - epoch_ms("startTime") END AS ttft_ms
  FROM logs
  WHERE NOT coalesce(cache_hit, false)
    AND NOT (lower(coalesce(status, '')) = 'failure'
             AND coalesce(prompt_tokens, 0) + coalesce(completion_tokens, 0) = 0)
), binned AS (
  SELECT *, CASE {_LATENCY_BIN} ELSE 0 END AS latency_bin
  FROM requests
)
SELECT
    bucket_start, provider, host, model, project, api_key, "user", feature, prompt_band,
    count(*) AS requests,
    sum(input_tokens) AS input_tokens,
    sum(cache_read_tokens) AS cache_read_tokens,
    sum(cache_write_tokens) AS cache_write_tokens,
    sum(output_tokens) AS output_tokens,
    sum(reasoning_tokens) AS reasoning_tokens,
    CAST(round(sum(spend) * 1e9) AS BIGINT) AS reported_cost_nano_usd,
    count(latency_ms) AS latency_count,
    sum(latency_ms) AS latency_sum_ms,
    count(ttft_ms) AS ttft_count,
    sum(ttft_ms) AS ttft_sum_ms,
    {_BINS}
FROM binned
GROUP BY ALL
"""

_DUCKDB_SCRIPT = """
import json, sys
import duckdb
csv, target, sql = sys.argv[1], sys.argv[2], sys.argv[3]
with duckdb.connect(target) as conn:
    conn.execute("SET enable_progress_bar = false")
    conn.execute(sql, [csv])
    rows, requests = conn.execute("SELECT count(*), sum(requests) FROM usage").fetchone()
print(json.dumps({"rollup_rows": rows, "requests": int(requests)}))
"""

_NAIVE_SCRIPT = """
import json, sqlite3, sys
import pandas as pd
frame = pd.read_csv(sys.argv[1])
with sqlite3.connect(sys.argv[2]) as conn:
    frame.to_sql("spend_logs", conn, index=False)
print(json.dumps({"rows": len(frame)}))
"""


@dataclass(frozen=True)
class Row:
    """One measured process on one file."""

    name: str
    rows: int
    run: Measured
    rollup_rows: int | None = None
    requests: int | None = None

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.run.wall_s if self.run.wall_s else float("nan")


@dataclass(frozen=True)
class IngestResult:
    rows: list[Row]
    full: SpendLogFile
    small: SpendLogFile | None

    def _find(self, name: str, rows: int) -> Row | None:
        return next((r for r in self.rows if r.name == name and r.rows == rows), None)

    def summary(self) -> str:
        """The last line: exitplan's wall time against DuckDB's and the naive import's, its peak RSS and speed."""
        n = self.full.rows
        ours, duck, naive = self._find("exitplan ingest", n), self._find("duckdb", n), self._find("naive pandas", n)

        def ratio(other: Row | None) -> str:
            if ours is None or other is None or not ours.run.ok or not other.run.ok:
                return "n/a"
            return f"{ours.run.wall_s / other.run.wall_s:.2f}"

        rss = f"{ours.run.peak_rss_mb:.0f}" if ours else "n/a"
        speed = f"{ours.rows_per_s:.0f}" if ours and ours.run.ok else "n/a"
        return (
            f"ingest_vs_duckdb={ratio(duck)} ingest_vs_naive={ratio(naive)} ingest_peak_rss_mb={rss} rows_per_s={speed}"
        )


def spend_log(folder: Path, rows: int) -> SpendLogFile:
    """The benchmark file of ``rows`` rows in ``folder``, generated unless a complete one is there already."""
    path = folder / f"litellm_spendlogs_{rows}.csv"
    counts = path.with_suffix(".json")
    if path.exists() and counts.exists():
        # The generator is deterministic: a finished file (its counts are written last) is the same bytes again.
        known = json.loads(counts.read_text())
        return SpendLogFile(path, rows, known["cache_hits"], known["failures"], path.stat().st_size)
    written = write_spend_log(path, rows)
    counts.write_text(json.dumps({"cache_hits": written.cache_hits, "failures": written.failures}))
    return written


def _exitplan(file: SpendLogFile, work: Path) -> Row:
    db = work / f"ledger_{file.rows}.db"
    for leftover in work.glob(f"{db.name}*"):
        leftover.unlink()
    command = [
        str(Path(sys.executable).with_name("exitplan")),
        "ingest",
        str(file.path),
        "--db",
        f"sqlite:///{db}",
        "--json",
    ]
    run = measure(command, log_dir=work, name=f"exitplan_{file.rows}")
    rollup = requests = None
    if run.ok:
        with sqlite3.connect(db) as conn:
            rollup, requests = conn.execute("SELECT count(*), sum(requests) FROM usage").fetchone()
    return Row("exitplan ingest", file.rows, run, rollup, requests)


def _duckdb(file: SpendLogFile, work: Path) -> Row:
    target = work / f"duckdb_{file.rows}.duckdb"
    target.unlink(missing_ok=True)
    command = [sys.executable, "-c", _DUCKDB_SCRIPT, str(file.path), str(target), ROLLUP_SQL]
    run = measure(command, log_dir=work, name=f"duckdb_{file.rows}")
    found = json.loads(run.stdout.strip().splitlines()[-1]) if run.ok else {}
    return Row("duckdb", file.rows, run, found.get("rollup_rows"), found.get("requests"))


def _naive(file: SpendLogFile, work: Path) -> Row:
    target = work / f"naive_{file.rows}.db"
    target.unlink(missing_ok=True)
    run = measure(
        [sys.executable, "-c", _NAIVE_SCRIPT, str(file.path), str(target)], log_dir=work, name=f"naive_{file.rows}"
    )
    return Row("naive pandas", file.rows, run)


def run_ingest(work: Path, rows: int, small: int | None, *, log: Callable[[str], None] = print) -> IngestResult:
    """Generate the files in ``work`` and measure the three processes on each (small file first)."""
    files = []
    for n in ([small] if small and small < rows else []) + [rows]:
        log(f"generating {n:,} spend-log rows …")
        files.append(spend_log(work, n))
    measured: list[Row] = []
    for file in files:
        for name, job in (("exitplan ingest", _exitplan), ("duckdb", _duckdb), ("naive pandas", _naive)):
            log(f"{name} on {file.rows:,} rows ({file.bytes / 1e9:.2f} GB) …")
            row = job(file, work)
            if not row.run.ok:
                tail = row.run.stopped or row.run.stderr.strip().splitlines()[-1:] or ["?"]
                log(f"  failed (exit {row.run.exit_code}): {tail}")
            measured.append(row)
    return IngestResult(measured, files[-1], files[0] if len(files) > 1 else None)


def table(result: IngestResult) -> str:
    """The measurements as a plain-text table."""
    lines = [
        f"{'process':<16} {'rows':>10} {'wall s':>9} {'rows/s':>10} {'peak RSS MB':>12} {'rollup rows':>12} "
        f"{'requests':>10}  note",
    ]
    for r in result.rows:
        note = "" if r.run.ok else (r.run.stopped or f"exit {r.run.exit_code}")
        lines.append(
            f"{r.name:<16} {r.rows:>10,} {r.run.wall_s:>9.1f} {r.rows_per_s:>10,.0f} {r.run.peak_rss_mb:>12,.0f} "
            f"{_count(r.rollup_rows):>12} {_count(r.requests):>10}  {note}"
        )
    f = result.full
    lines.append(
        f"full file: {f.rows:,} rows, {f.bytes / 1e9:.2f} GB, {f.cache_hits:,} proxy cache hits and {f.failures:,} "
        f"failed calls (not usage), {f.usage_rows:,} requests of usage"
    )
    return "\n".join(lines)


def _count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"
