"""Warehouse push-down: the roll-up SQL that ``exitplan rollup-sql`` emits, run by DuckDB and PostgreSQL on a
raw table of requests, imports into the same ledger as a direct import of the same requests; the BigQuery
and Snowflake queries are checked as far as can be done offline."""

from __future__ import annotations

import csv
import io
import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import psycopg
import pytest
from sqlalchemy import Engine, make_url
from typer.testing import CliRunner

from app.cli import app
from collectors import ingest, source_from_bytes, source_from_path
from collectors.formats.litellm import CSV_FORMAT
from collectors.rollup_sql import (
    DIALECTS,
    OUTPUT_COLUMNS,
    RAW_COLUMNS,
    RollupSqlError,
    parse_mappings,
    rollup_sql,
)
from collectors.validate import validate
from db import open_ledger, read_usage
from db.measures import LATENCY_BIN_COLUMNS, LATENCY_EDGES_MS, PROMPT_BANDS
from tests.conftest import sample

runner = CliRunner()
LEDGER_KEYS = ["provider", "model", "project", "api_key", "user", "feature", "service_tier", "batch", "prompt_band"]
# Raw-layout column types of the test tables, per engine.
COLUMN_TYPES = {
    "duckdb": {"text": "VARCHAR", "flag": "BOOLEAN", "count": "BIGINT", "latency": "DOUBLE", "money": "DOUBLE"},
    "postgres": {
        "text": "TEXT",
        "flag": "BOOLEAN",
        "count": "BIGINT",
        "latency": "DOUBLE PRECISION",
        "money": "DOUBLE PRECISION",
    },
}
# A session far from UTC, at a half-hour offset: an hour truncated or printed in it would show.
SESSION_ZONE = "Asia/Kolkata"


# --- requests in the raw layout -------------------------------------------------------------------------


def litellm_requests() -> pd.DataFrame:
    """The LiteLLM sample's requests that a direct import accepts, in the raw layout."""
    parts = []
    for batch in CSV_FORMAT.read(source_from_path(sample("litellm_spendlogs.csv"))):
        # Accepted rows: neither rejected nor skipped as not usage (the proxy-cache hit).
        accepted = validate(batch.records).isna() & batch.records["skipped"].isna()
        parts.append(batch.records[accepted.to_numpy()])
    records = pd.concat(parts, ignore_index=True)
    raw = records.rename(columns={"timestamp": "request_time", "reported_cost_usd": "cost_usd"})
    return raw[list(RAW_COLUMNS)]


def synthetic_requests() -> pd.DataFrame:
    """Requests whose prompts cross every band bound and whose latencies fill many bins, sit exactly on bin
    edges (in groups of identical values, whose float mean drifts off the edge) or are missing."""
    rng = np.random.default_rng(20250901)
    bounds = [b + d for b in PROMPT_BANDS for d in (-1, 0, 1) if b + d >= 0]
    edges = [float(e) for e in LATENCY_EDGES_MS]
    rows = []
    for i in range(900):
        hour = pd.Timestamp("2025-09-01T00:00:00Z") + pd.Timedelta(hours=int(rng.integers(0, 4)))
        moment = hour + pd.Timedelta(microseconds=int(rng.choice([0, 3_599_999_999, rng.integers(0, 3_600_000_000)])))
        prompt = int(rng.choice(bounds)) if i % 3 else int(rng.integers(0, 900_000))
        if i % 10 == 0:
            latency: float | None = None
        elif i % 4 == 0:
            latency = float(np.exp(rng.uniform(np.log(1.0), np.log(600_000.0))))
        else:
            # Few distinct values, so many groups hold several requests at the same edge.
            latency = float(rng.choice(edges[::5]))
        cached = int(rng.integers(0, prompt + 1)) if i % 2 else 0
        written = int(rng.integers(0, prompt - cached + 1)) if i % 5 == 0 else 0
        output = int(rng.integers(0, 5_000))
        rows.append(
            {
                "request_time": moment,
                "provider": ["openai", "Anthropic"][i % 2],
                "model": ["gpt-4.1", "claude-sonnet-4-20250514"][i % 2],
                "project": [None, "search"][int(rng.integers(0, 2))],
                "api_key": "key-1",
                "user": [None, "u1", "u2"][i % 3],
                "feature": None,
                "service_tier": [None, "flex"][int(i % 7 == 0)],
                "batch": [None, True, False][int(rng.integers(0, 3))],
                "input_tokens": prompt,
                "cache_read_tokens": cached,
                "cache_write_tokens": written,
                "cache_write_1h_tokens": written // 2,
                "output_tokens": output,
                "reasoning_tokens": output // 3 if i % 2 == 0 else 0,
                "latency_ms": latency,
                "cost_usd": None if i % 11 == 0 else round(float(rng.uniform(0, 3)), 9),
            }
        )
    # Groups of 3 to 11 identical requests on each edge: the plain float mean of such a group lands one
    # ulp below the edge for about one in five of them, which would move the group to the bin below.
    for k, edge in enumerate(edges):
        for _ in range(3 + k % 9):
            rows.append(
                {
                    **rows[-1],
                    "request_time": pd.Timestamp("2025-09-02T07:30:00Z"),
                    "input_tokens": 5_000,
                    "cache_read_tokens": 0,
                    "cache_write_tokens": 0,
                    "cache_write_1h_tokens": 0,
                    "latency_ms": edge,
                }
            )
    return pd.DataFrame(rows)


def _plain(value: object) -> object:
    """A cell as a plain Python value (what DB drivers accept): None, int, float, bool, str or datetime."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value.item() if isinstance(value, np.generic) else value


def _cell(value: object) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return repr(value) if isinstance(value, float) else str(value)


def as_canonical_csv(requests: pd.DataFrame) -> bytes:
    """The requests as exitplan's canonical CSV, one row each: the direct, per-request import."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = {"request_time": "timestamp", "cache_read_tokens": "cached_input_tokens"}
    writer.writerow([names.get(c, c) for c in RAW_COLUMNS])
    for row in requests[list(RAW_COLUMNS)].astype(object).itertuples(index=False):
        writer.writerow([_cell(v) for v in row])
    return out.getvalue().encode()


def table_rows(requests: pd.DataFrame, *, zoned: bool) -> list[tuple[object, ...]]:
    """Rows to insert; times are aware (for a zoned column) or naive UTC."""
    times = pd.to_datetime(requests["request_time"], utc=True)
    frame = requests[list(RAW_COLUMNS)].astype(object)
    frame["request_time"] = list(times if zoned else times.dt.tz_localize(None))
    return [tuple(_plain(v) for v in row) for row in frame.itertuples(index=False)]


def create_table(engine: str, name: str, *, zoned: bool) -> str:
    types = {**COLUMN_TYPES[engine], "time": "TIMESTAMPTZ" if zoned else "TIMESTAMP"}
    columns = ", ".join(f'"{c}" {types[kind]}' for c, kind in RAW_COLUMNS.items())
    return f"CREATE TABLE {name} ({columns})"


# --- the query run by each engine -----------------------------------------------------------------------


def run_duckdb(requests: pd.DataFrame, tmp_path: Path, *, zoned: bool) -> bytes:
    """The emitted DuckDB query's CSV, as DuckDB's `COPY … TO` writes it."""
    with duckdb.connect() as conn:
        conn.execute(f"SET TimeZone = '{SESSION_ZONE}'")
        conn.execute(create_table("duckdb", "llm_requests", zoned=zoned))
        placeholders = ", ".join("?" for _ in RAW_COLUMNS)
        conn.executemany(f"INSERT INTO llm_requests VALUES ({placeholders})", table_rows(requests, zoned=zoned))
        target = tmp_path / "rollup_duckdb.csv"
        conn.execute(f"COPY ({rollup_sql('duckdb')}) TO '{target}' (HEADER)")
    return target.read_bytes()


def postgres_url() -> str:
    url = os.environ.get("EXITPLAN_TEST_DB_URL")
    if not url:
        if os.environ.get("EXITPLAN_REQUIRE_POSTGRES") == "1":
            pytest.fail("EXITPLAN_REQUIRE_POSTGRES=1 but EXITPLAN_TEST_DB_URL names no PostgreSQL server")
        pytest.skip("set EXITPLAN_TEST_DB_URL to run the roll-up SQL on PostgreSQL")
    return url


def run_postgres(requests: pd.DataFrame, *, zoned: bool) -> bytes:
    """The emitted PostgreSQL query's CSV, as `COPY … TO STDOUT` (psql's \\copy) writes it, from a table in a
    schema of the test's own, dropped after."""
    conninfo = make_url(postgres_url()).set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"rollup_sql_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            conn.execute(f"SET TimeZone = '{SESSION_ZONE}'")
            table = f'"{schema}".llm_requests'
            conn.execute(create_table("postgres", table, zoned=zoned))
            placeholders = ", ".join("%s" for _ in RAW_COLUMNS)
            with conn.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} VALUES ({placeholders})", table_rows(requests, zoned=zoned))
                with cursor.copy(f"COPY ({rollup_sql('postgres', table)}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
                    return b"".join(bytes(block) for block in copy)
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


# --- comparing ledgers ----------------------------------------------------------------------------------


@pytest.fixture
def two_ledgers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, Engine]]:
    """A ledger for the direct import and one for the pushed-down one: the suite's own kind of ledger
    (``new_ledger_url``: a PostgreSQL schema when the suite runs on PostgreSQL), else SQLite files."""
    try:
        new_ledger_url: Callable[[], str] = request.getfixturevalue("new_ledger_url")
    except pytest.FixtureLookupError:
        names = iter(["direct.db", "pushed.db"])

        def new_ledger_url() -> str:
            return f"sqlite:///{tmp_path / next(names)}"

    direct, pushed = open_ledger(new_ledger_url()), open_ledger(new_ledger_url())
    yield direct, pushed
    direct.dispose()
    pushed.dispose()


def usage(engine: Engine, by: list[str], grain: str | None = None) -> pd.DataFrame:
    frame = read_usage(engine, by, grain=grain, latency_bins=True).drop(columns=["ttft_count", "ttft_sum_ms"])
    keys = [c for c in frame.columns if c in by or c == "bucket_start"]
    if not keys:
        return frame
    frame[keys] = frame[keys].astype(str)
    return frame.sort_values(keys).reset_index(drop=True)


def assert_same_ledger(direct: Engine, pushed: Engine) -> None:
    for by, grain in (([], None), (["model"], None), (["model", "prompt_band"], None), (LEDGER_KEYS, "hour")):
        expected, got = usage(direct, by, grain), usage(pushed, by, grain)
        # The one float: per-request latencies summed, against each group's mean times its requests.
        pd.testing.assert_series_equal(got.pop("latency_sum_ms"), expected.pop("latency_sum_ms"), rtol=1e-12)
        pd.testing.assert_frame_equal(got, expected)


def push_down(pushed: Engine, result: bytes, name: str) -> None:
    outcome = ingest(pushed, source_from_bytes(name, result))
    assert outcome.format == "exitplan_csv"
    assert outcome.rows_rejected == 0
    assert outcome.rows_accepted == result.count(b"\n") - 1


# --- DuckDB and PostgreSQL: the pushed-down ledger is the direct one --------------------------------------


@pytest.mark.parametrize("zoned", [True, False], ids=["timestamptz", "timestamp"])
def test_duckdb_rollup_of_the_litellm_sample_imports_as_the_sample_does(
    two_ledgers: tuple[Engine, Engine], tmp_path: Path, zoned: bool
) -> None:
    direct, pushed = two_ledgers
    ingest(direct, source_from_path(sample("litellm_spendlogs.csv")))
    push_down(pushed, run_duckdb(litellm_requests(), tmp_path, zoned=zoned), "rollup.csv")
    assert_same_ledger(direct, pushed)


@pytest.mark.parametrize("zoned", [True, False], ids=["timestamptz", "timestamp"])
def test_duckdb_rollup_keeps_prompt_bands_and_latency_bins(
    two_ledgers: tuple[Engine, Engine], tmp_path: Path, zoned: bool
) -> None:
    direct, pushed = two_ledgers
    requests = synthetic_requests()
    ingest(direct, source_from_bytes("requests.csv", as_canonical_csv(requests)))
    result = run_duckdb(requests, tmp_path, zoned=zoned)
    push_down(pushed, result, "rollup.csv")
    assert_same_ledger(direct, pushed)
    bands = usage(pushed, ["prompt_band"])
    assert len(bands) == len(PROMPT_BANDS)
    bins = usage(pushed, [])[list(LATENCY_BIN_COLUMNS)].iloc[0]
    assert (bins > 0).sum() >= 20
    assert result.count(b"\n") - 1 < len(requests)  # groups really were rolled up


def test_postgres_rollup_of_the_litellm_sample_imports_as_the_sample_does(
    two_ledgers: tuple[Engine, Engine],
) -> None:
    direct, pushed = two_ledgers
    ingest(direct, source_from_path(sample("litellm_spendlogs.csv")))
    push_down(pushed, run_postgres(litellm_requests(), zoned=False), "rollup.csv")
    assert_same_ledger(direct, pushed)


def test_postgres_rollup_keeps_prompt_bands_and_latency_bins(two_ledgers: tuple[Engine, Engine]) -> None:
    direct, pushed = two_ledgers
    requests = synthetic_requests()
    ingest(direct, source_from_bytes("requests.csv", as_canonical_csv(requests)))
    push_down(pushed, run_postgres(requests, zoned=True), "rollup.csv")
    assert_same_ledger(direct, pushed)


# --- every dialect, offline ------------------------------------------------------------------------------

DIALECT_PARTS = {
    "duckdb": [
        "epoch_us(request_time) // 3600000000 AS utc_hour",
        "COALESCE(strftime(make_timestamp(utc_hour * 3600000000), '%Y-%m-%dT%H:%M:%SZ'), '') AS \"timestamp\"",
        'COALESCE(CAST("user" AS VARCHAR), \'\') AS "user"',
        "CAST(cost_usd AS DECIMAL(38, 9))",
        "FROM llm_requests",
    ],
    "postgres": [
        "CAST(floor(extract(epoch FROM request_time) / 3600) AS BIGINT) AS utc_hour",
        "to_char(to_timestamp(utc_hour * 3600) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
        'COALESCE(CAST("user" AS TEXT), \'\') AS "user"',
        "CAST(latency_ms AS DOUBLE PRECISION)",
        "CAST(cost_usd AS NUMERIC(38, 9))",
    ],
    "bigquery": [
        "TIMESTAMP_TRUNC(request_time, HOUR, 'UTC') AS utc_hour",
        "FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%SZ', utc_hour, 'UTC'), '') AS `timestamp`",
        "COALESCE(CAST(user AS STRING), '') AS `user`",
        "WHEN 2 THEN NUMERIC '14.142135624'",
        "CAST(latency_ms AS FLOAT64)",
        "CAST(cost_usd AS NUMERIC)",
        "FROM `my-project.logs.llm_requests`",
    ],
    "snowflake": [
        "FLOOR(DATE_PART(EPOCH_SECOND, DATE_TRUNC('SECOND', request_time)) / 3600) AS utc_hour",
        'TO_CHAR(TO_TIMESTAMP_NTZ(utc_hour * 3600), \'YYYY-MM-DD"T"HH24:MI:SS"Z"\'), \'\') AS "timestamp"',
        "COALESCE(CAST(user AS VARCHAR), '') AS \"user\"",
        "CAST(cost_usd AS NUMBER(38, 9))",
    ],
}


def _table(dialect: str) -> str:
    return "my-project.logs.llm_requests" if dialect == "bigquery" else "llm_requests"


def _code(sql: str) -> str:
    """The query without its comments and string literals: what is left must be the dialect's own syntax."""
    sql = re.sub(r"--[^\n]*", "", sql)
    return re.sub(r"'[^']*'", "''", sql)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_dialect_has_its_own_hour_quoting_and_types(dialect: str) -> None:
    sql = rollup_sql(dialect, _table(dialect))
    for part in DIALECT_PARTS[dialect]:
        assert part in sql
    code = _code(sql)
    assert code.count("(") == code.count(")")
    assert code.count("CASE") == code.count("END") == 5  # band, bin, the bin's two bounds, batch
    if dialect == "bigquery":
        # BigQuery reads "…" as a string: a double-quoted identifier would silently be a constant.
        assert '"' not in code
    else:
        assert "`" not in code
    # Every band bound and latency edge comes from db.measures, so the query cannot drift from the ledger.
    for bound in PROMPT_BANDS[1:]:
        assert f"<= {bound} THEN" in sql
    assert sql.count("WHEN latency_ms < ") == len(LATENCY_EDGES_MS)


@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_dialect_parses_with_sqlglot(dialect: str) -> None:
    sqlglot = pytest.importorskip("sqlglot")
    mapping = {"request_time": "start_time", "feature": None, "cost_usd": "spend"}
    tree = sqlglot.parse_one(rollup_sql(dialect, _table(dialect), mapping), read=dialect)
    assert [select.alias_or_name for select in tree.selects] == list(OUTPUT_COLUMNS)
    # No column was read as a string constant (as "user" would be in BigQuery).
    strings = {node.this for node in tree.find_all(sqlglot.exp.Literal) if node.is_string}
    assert strings.isdisjoint({*RAW_COLUMNS, *OUTPUT_COLUMNS})
    assert "user" in {column.name.lower() for column in tree.find_all(sqlglot.exp.Column)}


# --- mapping ---------------------------------------------------------------------------------------------


def test_mapping_reads_expressions_and_absent_columns() -> None:
    sql = rollup_sql(
        "duckdb",
        "spend_logs",
        parse_mappings(["request_time=startTime", "input_tokens=prompt_tokens", "feature=", "batch=NULL"]),
    )
    assert "startTime AS request_time" in sql
    assert "COALESCE(prompt_tokens, 0) AS input_tokens" in sql
    assert "CAST(NULL AS VARCHAR) AS feature" in sql
    assert "CAST(NULL AS BOOLEAN) AS batch" in sql
    assert "CASE WHEN batch THEN 'true' WHEN NOT batch THEN 'false' ELSE '' END AS \"batch\"" in sql
    only = rollup_sql("duckdb", mapping={"request_time": "ts", "provider": "'openai'", "model": "m"}, only_mapped=True)
    assert "0 AS cache_read_tokens" in only and "CAST(NULL AS DOUBLE) AS latency_ms" in only


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_mappings(["prompt_tokens=x"]), "unknown raw column 'prompt_tokens'"),
        (lambda: parse_mappings(["inptu_tokens=x"]), "did you mean input_tokens?"),
        (lambda: parse_mappings(["input_tokens"]), "expected canonical=expression"),
        (lambda: parse_mappings(["model=a", "model=b"]), "model is mapped twice"),
        (lambda: rollup_sql("oracle"), "unknown dialect 'oracle'"),
        (lambda: rollup_sql("duckdb", mapping={"model": None}), "model is required"),
        (lambda: rollup_sql("duckdb", only_mapped=True), "request_time is required"),
        (lambda: rollup_sql("duckdb", "t; DROP TABLE t"), "statement separator"),
        (lambda: rollup_sql("duckdb", mapping={"user": "u -- who"}), "a comment"),
        (lambda: rollup_sql("duckdb", " "), "the table name is empty"),
    ],
)
def test_bad_requests_say_what_is_wrong(call: Callable[[], object], message: str) -> None:
    with pytest.raises(RollupSqlError, match=re.escape(message)):
        call()


# --- the command ------------------------------------------------------------------------------------------


def test_cli_prints_the_query_with_the_mapping() -> None:
    result = runner.invoke(app, ["rollup-sql", "--dialect", "duckdb", "--map", "input_tokens=prompt_tokens"])
    assert result.exit_code == 0, result.output
    assert "COALESCE(prompt_tokens, 0) AS input_tokens" in result.stdout
    assert "FROM llm_requests" in result.stdout
    assert result.stdout.rstrip().endswith(";")


def test_cli_rejects_an_unknown_column_in_one_line() -> None:
    result = runner.invoke(app, ["rollup-sql", "--dialect", "duckdb", "--map", "prompt_tokens=x"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "unknown raw column 'prompt_tokens'" in result.stderr


def test_readme_example_a_litellm_table_in_duckdb_end_to_end(tmp_path: Path, ledger_url: str) -> None:
    """The README's example: LiteLLM's spend logs as a DuckDB table, mapped, rolled up there, ingested."""
    maps = [
        "request_time=startTime",
        "provider=custom_llm_provider",
        "model=model",
        "project=team_id",
        "api_key=api_key",
        "user=user",
        "input_tokens=prompt_tokens",
        "output_tokens=completion_tokens",
        "latency_ms=request_duration_ms",
        "cost_usd=spend",
    ]
    args = ["rollup-sql", "--dialect", "duckdb", "--table", "spend_logs", "--only-mapped"]
    printed = runner.invoke(app, [*args, *(a for m in maps for a in ("--map", m))])
    assert printed.exit_code == 0, printed.output
    target = tmp_path / "rollup.csv"
    with duckdb.connect(str(tmp_path / "warehouse.db")) as conn:
        conn.execute(f"CREATE TABLE spend_logs AS SELECT * FROM read_csv('{sample('litellm_spendlogs.csv')}')")
        conn.sql(printed.stdout.rstrip().rstrip(";")).write_csv(str(target))
    imported = runner.invoke(app, ["ingest", str(target), "--json", "--db", ledger_url])
    assert imported.exit_code == 0, imported.output
    engine = open_ledger(ledger_url)
    try:
        totals = read_usage(engine).iloc[0]
    finally:
        engine.dispose()
    spend_logs = pd.read_csv(sample("litellm_spendlogs.csv"))
    assert totals["requests"] == len(spend_logs)
    assert totals["input_tokens"] == spend_logs["prompt_tokens"].sum()
    assert totals["reported_cost_nano_usd"] == round(spend_logs["spend"].sum() * 1e9)
