"""What differs between SQLite and PostgreSQL and must not show: concurrent first opens, timezone-aware
times, text PostgreSQL refuses, column lengths SQLite ignores, the order of grouped rows.

Runs on SQLite, and on PostgreSQL when ``EXITPLAN_TEST_DB_URL`` is set (see tests/conftest.py).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine, make_url, select, text

from db import add_rejected, add_usage, open_ledger, read_usage, rejected_rows_of, start_import
from db.column_mappings import find_mapping, save_mapping
from db.imports import Rejection
from db.measures import LATENCY_BIN_COLUMNS, TOKEN_MEASURES
from db.schema import usage
from db.strings import REPLACEMENT
from db.usage import delete_collector_usage, usage_counts


def rollup(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Usage rollups: the given columns, every other dimension empty and measure 0."""
    base: dict[str, object] = {c.name: None for c in usage.columns if c.name not in ("id", "import_id")}
    base.update(dict.fromkeys((*TOKEN_MEASURES, *LATENCY_BIN_COLUMNS, "latency_count", "ttft_count"), 0))
    base.update(latency_sum_ms=0.0, ttft_sum_ms=0.0, provider="openai", model="gpt-4o", requests=1)
    return pd.DataFrame([{**base, **row} for row in rows])


def test_processes_opening_a_new_ledger_at_once_migrate_it_once(ledger_url: str) -> None:
    # The dashboard and a scheduled collect may both be first to open a ledger (or a new version's
    # migrations): each must either migrate it or wait and find it migrated.
    code = "import sys; from db import open_ledger; open_ledger(sys.argv[1]).dispose()"
    processes = [
        subprocess.Popen([sys.executable, "-c", code, ledger_url], stderr=subprocess.PIPE, text=True) for _ in range(4)
    ]
    errors = [p.communicate(timeout=120)[1] for p in processes]
    assert [p.returncode for p in processes] == [0] * 4, "\n".join(errors)
    engine = open_ledger(ledger_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    engine.dispose()


def _far_from_utc(url: str) -> str:
    """``url`` with sessions that start in a timezone far from UTC (on PostgreSQL; SQLite has none)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return url
    options = f"{parsed.query.get('options', '')} -ctimezone=Pacific/Chatham".strip()
    return parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def test_timezone_aware_times_mean_the_same_instant_whatever_the_servers_timezone(ledger_url: str) -> None:
    engine = open_ledger(_far_from_utc(ledger_url))
    hours = [datetime(2025, 1, 1, h) for h in range(24)]
    with engine.begin() as conn:
        import_id = start_import(conn, source_name="api", format="openai_usage_api", sha256="a" * 64, collector="c")
        add_usage(conn, import_id, rollup([{"bucket_start": h} for h in hours]))
        ten = datetime(2025, 1, 1, 10, tzinfo=UTC)
        assert delete_collector_usage(conn, "c", ten, ten + timedelta(hours=2)) == 2
    left = read_usage(engine, grain="hour")["bucket_start"].dt.hour.tolist()
    assert left == [h for h in range(24) if h not in (10, 11)]
    engine.dispose()


def test_aware_bucket_starts_are_stored_as_naive_utc(ledger: Engine) -> None:
    start = pd.Timestamp("2025-01-01 12:00", tz="Europe/Berlin")
    with ledger.begin() as conn:
        add_usage(
            conn, start_import(conn, source_name="f", format="x", sha256="a" * 64), rollup([{"bucket_start": start}])
        )
        assert conn.execute(select(usage.c.bucket_start)).scalar_one() == datetime(2025, 1, 1, 11)


def test_nul_characters_from_a_damaged_file_are_stored_as_replacement_characters(ledger: Engine) -> None:
    # PostgreSQL refuses NUL in text; SQLite would keep it. Both store U+FFFD.
    with ledger.begin() as conn:
        import_id = start_import(conn, source_name="bad\x00.csv", format="exitplan_csv", sha256="a" * 64)
        add_rejected(
            conn, import_id, [Rejection("row\x002", "\x00\x00garbage\x00,,", "input is not a number: '1\x000'")]
        )
        add_usage(conn, import_id, rollup([{"bucket_start": datetime(2025, 1, 1), "model": "gpt\x00-4o"}]))
    rejected = rejected_rows_of(ledger, import_id).iloc[0].to_dict()
    assert rejected == {
        "location": f"row{REPLACEMENT}2",
        "raw": f"{REPLACEMENT * 2}garbage{REPLACEMENT},,",
        "reason": f"input is not a number: '1{REPLACEMENT}0'",
    }
    assert read_usage(ledger, ["model"])["model"].tolist() == [f"gpt{REPLACEMENT}-4o"]
    save_mapping(ledger, ["date", "to\x00kens"], {"date": "date"})
    assert find_mapping(ledger, ["date", "to\x00kens"]) == {"date": "date"}


def test_rollups_come_back_exactly_as_written_whatever_their_text(ledger: Engine) -> None:
    # On PostgreSQL rollups go in by COPY, whose text format gives tabs, line breaks, backslashes and \N
    # meanings of their own: every value must come back as it was, and a missing one as missing.
    awkward = ["tab\there", "line\nbreak", "back\\slash", "\\N", "\\.", 'quote "x"', "é 日本 🙂", "comma, semi;"]
    rows = [
        {
            "bucket_start": datetime(2025, 1, 1, h),
            "project": text,
            "user": None,
            "batch": h % 2 == 0,
            "prompt_band": 1024 if h % 2 else None,
            "input_tokens": 10**12 + h,
            "reported_cost_nano_usd": None,
            "latency_sum_ms": 0.1 + h,
        }
        for h, text in enumerate(awkward)
    ]
    with ledger.begin() as conn:
        add_usage(conn, start_import(conn, source_name="f", format="x", sha256="a" * 64), rollup(rows))
        stored = conn.execute(
            select(
                usage.c.project,
                usage.c.user,
                usage.c.batch,
                usage.c.prompt_band,
                usage.c.input_tokens,
                usage.c.reported_cost_nano_usd,
                usage.c.latency_sum_ms,
            ).order_by(usage.c.bucket_start)
        ).all()
    assert [tuple(row) for row in stored] == [
        (text, None, h % 2 == 0, 1024 if h % 2 else None, 10**12 + h, None, 0.1 + h) for h, text in enumerate(awkward)
    ]


def test_a_canonical_model_longer_than_its_column_is_left_unresolved(ledger: Engine) -> None:
    # PostgreSQL enforces VARCHAR lengths, SQLite does not: an over-long derived id must fit both.
    long_id = "gpt-4o-" + "x" * 250
    with ledger.begin() as conn:
        import_id = start_import(conn, source_name="f", format="x", sha256="a" * 64)
        rows = [{"bucket_start": datetime(2025, 1, 1), "model": long_id, "canonical_model": long_id}]
        add_usage(conn, import_id, rollup([*rows, {"bucket_start": datetime(2025, 1, 1), "canonical_model": "gpt-4o"}]))
    models = read_usage(ledger, ["model", "canonical_model"]).set_index("model")["canonical_model"]
    assert pd.isna(models[long_id]) and models["gpt-4o"] == "gpt-4o"


def test_grouped_usage_comes_back_ordered_by_its_keys_missing_first(ledger: Engine) -> None:
    # PostgreSQL returns hash-aggregated groups in any order; SQLite happens to sort them.
    days = [datetime(2025, 1, d) for d in (5, 1, 3)]
    rows = [{"bucket_start": d, "project": p} for d in days for p in ("b", None, "a")]
    with ledger.begin() as conn:
        add_usage(conn, start_import(conn, source_name="f", format="x", sha256="a" * 64), rollup(rows))
    by_day = read_usage(ledger, ["project"], grain="day")
    keys = [(d.day, None if pd.isna(p) else p) for d, p in zip(by_day["day"], by_day["project"], strict=True)]
    assert keys == [(d, p) for d in (1, 3, 5) for p in (None, "a", "b")]


def test_a_day_range_takes_whole_days_up_to_the_first_and_last_a_date_can_be(ledger: Engine) -> None:
    rows = [{"bucket_start": datetime(2025, 1, d, h), "requests": 1} for d, h in ((1, 0), (2, 23), (3, 0))]
    with ledger.begin() as conn:
        add_usage(conn, start_import(conn, source_name="f", format="x", sha256="a" * 64), rollup(rows))

    def requests(since: date | None, until: date | None) -> int:
        return int(read_usage(ledger, since=since, until=until)["requests"].sum())

    assert requests(date(2025, 1, 2), date(2025, 1, 2)) == 1  # 23:00 is still the 2nd
    assert requests(None, date(2025, 1, 2)) == 2
    assert requests(date.min, date.max) == 3


def test_usage_counts_are_rollup_rows_and_the_requests_they_count(ledger: Engine) -> None:
    # SUM over no rows is NULL on both databases: an empty ledger counts 0 requests, not None.
    assert usage_counts(ledger) == (0, 0)
    rows = [{"bucket_start": datetime(2025, 1, 1, h), "requests": r} for h, r in ((0, 3), (1, None), (2, 4))]
    with ledger.begin() as conn:
        add_usage(conn, start_import(conn, source_name="f", format="x", sha256="a" * 64), rollup(rows))
    assert usage_counts(ledger) == (3, 7)


def test_on_postgresql_the_ledger_lives_in_the_schema_its_url_names(ledger: Engine) -> None:
    if ledger.dialect.name != "postgresql":
        pytest.skip("PostgreSQL schemas")
    with ledger.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        tables = conn.execute(
            text("SELECT table_schema FROM information_schema.tables WHERE table_name = 'alembic_version'")
        ).scalars()
        assert schema in list(tables) and schema != "public"
        assert conn.execute(text("SHOW TIME ZONE")).scalar_one() == "UTC"
