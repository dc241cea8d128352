"""Schema changes keep what the ledger holds. A ledger made at the first revision and filled through that
revision's own tables (reflected from the database, not today's ``db.schema``) is upgraded to head: every
row and value is still there, the new columns hold their defaults, today's code reads and writes it, and a
downgrade to the first revision and an upgrade again lose nothing either.

Runs on SQLite, and on PostgreSQL when ``EXITPLAN_TEST_DB_URL`` is set (see tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, func, insert, inspect, select

from db import add_rejected, add_usage, delete_import, finish_import, get_import, open_ledger, read_usage, start_import
from db.engine import MIGRATIONS, downgrade, upgrade
from db.imports import Rejection, rejected_rows_of
from db.incidents import list_incidents, replace_incidents
from db.measures import LATENCY_BIN_COLUMNS, TOKEN_MEASURES
from db.risk_weights import load_risk_weights, save_risk_weights
from db.scenarios import get_scenario, list_scenarios, save_scenario
from db.schema import metadata


def _revisions() -> list[str]:
    """Every revision, oldest first."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]


FIRST = "0001"
REVISIONS = _revisions()
HEAD = REVISIONS[-1]

# The ledger's tables at the first revision; the others came later.
FIRST_TABLES = {"imports", "usage", "rejected_rows"}

IMPORTS: list[dict[str, Any]] = [
    {
        "source_name": "completions_usage_2025-09-01_2025-09-08.csv",
        "format": "openai_usage_csv",
        "sha256": "a" * 64,
        "rows_read": 43,
        "rows_accepted": 41,
        "rows_rejected": 2,
        "period_start": datetime(2025, 9, 1),
        "period_end": datetime(2025, 9, 7, 23),
        "created_at": datetime(2025, 10, 1, 12, 30, 15, 123456),
    },
    {
        "source_name": "Équipe données — usage ✓.json",
        "format": "anthropic_usage_api",
        "sha256": "b" * 64,
        "rows_read": 0,
        "rows_accepted": 0,
        "rows_rejected": 0,
        "period_start": None,
        "period_end": None,
        "created_at": datetime(2025, 10, 2, 8, 0),
    },
]

# Every measure set, some past 32 bits; every nullable dimension both filled and empty; batch true, false
# and unknown.
USAGE: list[tuple[int, dict[str, Any]]] = [
    (
        0,
        {
            "bucket_start": datetime(2025, 9, 1, 10),
            "provider": "azure",
            "host": "eastus2",
            "model": "chat-prod",
            "canonical_model": "gpt-4o",
            "project": "Support",
            "api_key": "key-prod",
            "user": "ana@example.com",
            "feature": "triage",
            "service_tier": "default",
            "batch": False,
            "prompt_band": 128_000,
            "requests": 3_000_000_000,
            "input_tokens": 9_000_000_000_000,
            "cache_read_tokens": 4_000_000_000_000,
            "cache_write_tokens": 1_000_000,
            "cache_write_1h_tokens": 250_000,
            "output_tokens": 700_000_000_000,
            "reasoning_tokens": 5_000_000_000,
            "reported_cost_nano_usd": 123_456_789_012_345,
            "latency_count": 2_999_999_999,
            "latency_sum_ms": 12_345_678.901,
            **{name: 1_000 * i + 1 for i, name in enumerate(LATENCY_BIN_COLUMNS)},
        },
    ),
    (
        0,
        {
            "bucket_start": datetime(2025, 9, 7, 23),
            "provider": "openai",
            "host": None,
            "model": "gpt-4o-mini-2024-07-18",
            "canonical_model": None,
            "project": None,
            "api_key": None,
            "user": None,
            "feature": None,
            "service_tier": None,
            "batch": None,
            "prompt_band": None,
            "requests": None,
            **dict.fromkeys(TOKEN_MEASURES, 0),
            "input_tokens": 1,
            "reported_cost_nano_usd": None,
            "latency_count": 0,
            "latency_sum_ms": 0.0,
            **dict.fromkeys(LATENCY_BIN_COLUMNS, 0),
        },
    ),
    (
        1,
        {
            "bucket_start": datetime(2025, 9, 3),
            "provider": "anthropic",
            "host": None,
            "model": "claude-sonnet-4-5-20250929",
            "canonical_model": "claude-sonnet-4-5",
            "project": "Forschung & Entwicklung",
            "api_key": None,
            "user": None,
            "feature": None,
            "service_tier": "batch",
            "batch": True,
            "prompt_band": 0,
            "requests": 12,
            "input_tokens": 5_000,
            "cache_read_tokens": 1_000,
            "cache_write_tokens": 2_000,
            "cache_write_1h_tokens": 500,
            "output_tokens": 300,
            "reasoning_tokens": 0,
            "reported_cost_nano_usd": 2_500_000_000,
            "latency_count": 12,
            "latency_sum_ms": 0.1 + 0.2,
            **{name: 1 if i == 7 else 0 for i, name in enumerate(LATENCY_BIN_COLUMNS)},
        },
    ),
]

REJECTED: list[tuple[int, dict[str, Any]]] = [
    (0, {"location": "row 7", "raw": "2025-09-01,openai,,10,5", "reason": "model is missing"}),
    (0, {"location": "row 12", "raw": "naïve “quoted”\tfield\r\nnext line " + "x" * 3_900, "reason": "x" * 500}),
]


@pytest.fixture
def first_revision(ledger_url: str) -> Iterator[Engine]:
    """A ledger at the first revision, filled through that revision's tables."""
    engine = open_ledger(ledger_url, migrate=False)
    upgrade(engine, FIRST)
    tables = MetaData()
    tables.reflect(engine)
    assert set(tables.tables) == FIRST_TABLES | {"alembic_version"}
    with engine.begin() as conn:
        import_ids = []
        for row in IMPORTS:
            key = conn.execute(insert(tables.tables["imports"]).values(row)).inserted_primary_key
            assert key is not None
            import_ids.append(key[0])
        for n, row in USAGE:
            conn.execute(insert(tables.tables["usage"]).values({**row, "import_id": import_ids[n]}))
        for n, row in REJECTED:
            conn.execute(insert(tables.tables["rejected_rows"]).values({**row, "import_id": import_ids[n]}))
    yield engine
    engine.dispose()


def _version(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _rows(engine: Engine, table: str, columns: list[str]) -> list[dict[str, Any]]:
    tables = MetaData()
    tables.reflect(engine, only=[table])
    t = tables.tables[table]
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(select(*(t.c[c] for c in columns)).order_by(t.c.id))]


def _imports_by_sha(engine: Engine) -> dict[str, int]:
    return {row["sha256"]: row["id"] for row in _rows(engine, "imports", ["id", "sha256"])}


def _assert_first_revision_data(engine: Engine) -> None:
    """Every row and value written at the first revision, in the columns that revision had."""
    imports = _rows(engine, "imports", ["id", *IMPORTS[0]])
    assert [{k: v for k, v in row.items() if k != "id"} for row in imports] == IMPORTS
    ids = [row["id"] for row in imports]
    usage_columns = ["import_id", *USAGE[0][1]]
    assert _rows(engine, "usage", usage_columns) == [{"import_id": ids[n], **row} for n, row in USAGE]
    rejected_columns = ["import_id", *REJECTED[0][1]]
    assert _rows(engine, "rejected_rows", rejected_columns) == [{"import_id": ids[n], **row} for n, row in REJECTED]


def _assert_at_head(engine: Engine) -> None:
    assert _version(engine) == HEAD
    assert set(inspect(engine).get_table_names()) == set(metadata.tables) | {"alembic_version"}
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    _assert_first_revision_data(engine)
    # Columns added since: their defaults on the rows that were there before them.
    assert _rows(engine, "usage", ["ttft_count", "ttft_sum_ms"]) == [{"ttft_count": 0, "ttft_sum_ms": 0.0}] * len(USAGE)
    assert [row["collector"] for row in _rows(engine, "imports", ["collector"])] == [None] * len(IMPORTS)
    # Tables added since start empty.
    with engine.connect() as conn:
        for name in set(metadata.tables) - FIRST_TABLES:
            assert conn.execute(select(func.count()).select_from(metadata.tables[name])).scalar_one() == 0, name


def test_upgrading_a_first_revision_ledger_to_head_keeps_every_row_and_value(
    first_revision: Engine, ledger_url: str
) -> None:
    assert _version(first_revision) == FIRST
    _assert_first_revision_data(first_revision)

    # Opening the ledger migrates it, as every command and the dashboard do.
    engine = open_ledger(ledger_url)
    _assert_at_head(engine)

    # Today's code reads the old rows ...
    ids = _imports_by_sha(engine)
    totals = read_usage(engine).iloc[0]
    for name in ("requests", *TOKEN_MEASURES, "reported_cost_nano_usd", "latency_count"):
        assert totals[name] == sum(row[name] or 0 for _, row in USAGE), name
    assert totals["latency_sum_ms"] == pytest.approx(sum(row["latency_sum_ms"] for _, row in USAGE))
    assert totals["ttft_count"] == 0
    record = get_import(engine, ids["a" * 64])
    assert record is not None and record.collector is None and record.created_at == IMPORTS[0]["created_at"]
    assert rejected_rows_of(engine, ids["a" * 64])["raw"].tolist() == [row["raw"] for _, row in REJECTED]

    # ... and writes new ones next to them (the ids go on from the old ones) ...
    with engine.begin() as conn:
        new_id = start_import(conn, source_name="new.csv", format="exitplan_csv", sha256="c" * 64, collector="openai")
        frame = pd.DataFrame([{**USAGE[2][1], "ttft_count": 5, "ttft_sum_ms": 1_500.0}])
        add_usage(conn, new_id, frame)
        add_rejected(conn, new_id, [Rejection("row 2", "bad", "model is missing")])
        finish_import(conn, new_id, rows_read=2, rows_accepted=1, rows_rejected=1, period_start=None, period_end=None)
    assert new_id > max(ids.values())
    assert read_usage(engine, import_id=new_id).iloc[0]["ttft_count"] == 5

    # ... and undoes an old import whole, leaving the rest.
    assert delete_import(engine, ids["a" * 64])
    assert set(_imports_by_sha(engine)) == {"b" * 64, "c" * 64}
    assert [row["model"] for row in _rows(engine, "usage", ["model"])] == [USAGE[2][1]["model"]] * 2
    assert _rows(engine, "rejected_rows", ["location"]) == [{"location": "row 2"}]
    engine.dispose()


def test_each_revision_in_turn_then_down_to_the_first_and_up_again(first_revision: Engine) -> None:
    for revision in REVISIONS[1:]:
        upgrade(first_revision, revision)
        assert _version(first_revision) == revision
        _assert_first_revision_data(first_revision)
    _assert_at_head(first_revision)

    downgrade(first_revision, FIRST)
    assert _version(first_revision) == FIRST
    assert set(inspect(first_revision).get_table_names()) == FIRST_TABLES | {"alembic_version"}
    # On SQLite a downgrade rebuilds `imports` without its newer column; dropping the old table must not
    # take the usage and rejected rows with it (ON DELETE CASCADE).
    _assert_first_revision_data(first_revision)
    assert "ttft_count" not in {c["name"] for c in inspect(first_revision).get_columns("usage")}

    upgrade(first_revision)
    _assert_at_head(first_revision)


def test_opening_a_new_ledger_creates_it_at_head(ledger: Engine) -> None:
    assert _version(ledger) == HEAD
    assert REVISIONS[0] == FIRST


def test_0006_adds_incidents_and_risk_weights_and_takes_only_them_away(first_revision: Engine) -> None:
    upgrade(first_revision, "0005")
    assert not {"incidents", "risk_weights"} & set(inspect(first_revision).get_table_names())

    upgrade(first_revision, "0006")
    started = datetime(2025, 9, 1, 10)
    row = {
        "provider": "openai",
        "incident_id": "x1",
        "name": "Elevated errors",
        "impact": "minor",
        "status": "resolved",
        "started_at": started,
        "resolved_at": None,
        "components": ["API"],
    }
    assert replace_incidents(first_revision, "https://status.openai.com", [row]) == 1
    save_risk_weights(first_revision, {"incidents": 0.5})
    stored = list_incidents(first_revision)
    assert stored["started_at"].tolist() == [started] and stored["components"].tolist() == [["API"]]
    assert load_risk_weights(first_revision) == {"incidents": 0.5}
    # One incident per page id and source.
    unique = inspect(first_revision).get_unique_constraints("incidents")
    assert [sorted(c["column_names"]) for c in unique] == [["incident_id", "source"]]
    _assert_first_revision_data(first_revision)

    downgrade(first_revision, "0005")
    assert not {"incidents", "risk_weights"} & set(inspect(first_revision).get_table_names())
    _assert_first_revision_data(first_revision)
    upgrade(first_revision)
    assert list_incidents(first_revision).empty and load_risk_weights(first_revision) == {}


def test_0007_adds_scenarios_and_takes_only_them_away(first_revision: Engine) -> None:
    upgrade(first_revision, "0006")
    assert "scenarios" not in set(inspect(first_revision).get_table_names())
    upgrade(first_revision, "0007")
    save_scenario(first_revision, "Chat off gpt-4o", '{"name": "Chat off gpt-4o"}')
    assert get_scenario(first_revision, "Chat off gpt-4o") == '{"name": "Chat off gpt-4o"}'
    _assert_first_revision_data(first_revision)
    downgrade(first_revision, "0006")
    assert "scenarios" not in set(inspect(first_revision).get_table_names())
    _assert_first_revision_data(first_revision)
    upgrade(first_revision)
    assert list_scenarios(first_revision).empty


def test_0008_counts_skipped_rows_and_lets_measures_be_unknown(first_revision: Engine) -> None:
    upgrade(first_revision, "0007")
    tables = MetaData()
    tables.reflect(first_revision)
    with first_revision.begin() as conn:
        # An import of an earlier version: 10 rows read, 7 accepted, 1 rejected, so 2 left out unnamed.
        key = conn.execute(
            insert(tables.tables["imports"]).values(
                {**IMPORTS[0], "sha256": "d" * 64, "rows_read": 10, "rows_accepted": 7, "rows_rejected": 1}
            )
        ).inserted_primary_key
    assert key is not None
    older = key[0]

    upgrade(first_revision, "0008")
    record = get_import(first_revision, older)
    assert record is not None and (record.rows_skipped, dict(record.skipped)) == (2, {})
    assert [get_import(first_revision, i).rows_skipped for i in _imports_by_sha(first_revision).values()] == [0, 0, 2]  # type: ignore[union-attr]
    # A cost-only row: its tokens are not in the source.
    with first_revision.begin() as conn:
        new_id = start_import(conn, source_name="costs.json", format="openai_costs_api", sha256="e" * 64)
        row = {**USAGE[1][1], **dict.fromkeys(TOKEN_MEASURES, None), "reported_cost_nano_usd": 1_000_000_000}
        add_usage(conn, new_id, pd.DataFrame([{**row, "ttft_count": 0, "ttft_sum_ms": 0.0}]))
        finish_import(
            conn,
            new_id,
            rows_read=3,
            rows_accepted=1,
            rows_rejected=0,
            period_start=None,
            period_end=None,
            skipped={"empty bucket": 2},
        )
    assert read_usage(first_revision, import_id=new_id, keep_unknown=True).iloc[0]["input_tokens"] is pd.NA
    assert dict(get_import(first_revision, new_id).skipped) == {"empty bucket": 2}  # type: ignore[union-attr]

    # Down again, an unknown measure reads as the 0 that revision stored, and the kinds go with their table.
    downgrade(first_revision, "0007")
    assert "skipped_rows" not in set(inspect(first_revision).get_table_names())
    assert read_usage(first_revision, import_id=new_id).iloc[0]["input_tokens"] == 0
    upgrade(first_revision)
    assert get_import(first_revision, older).rows_skipped == 2  # type: ignore[union-attr]
