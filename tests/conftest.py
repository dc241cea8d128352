"""Shared fixtures: a fresh ledger per test, and the sample files in tests/fixtures.

Ledgers are SQLite files unless ``EXITPLAN_TEST_DB_URL`` names a PostgreSQL database (as ``.ci/run`` does):
then each ledger is a schema of its own in that database, created for the test and dropped after it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from db import open_ledger

FIXTURES = Path(__file__).parent / "fixtures"

# e.g. postgresql+psycopg://exitplan@127.0.0.1:55432/exitplan_test
TEST_DB_URL = os.environ.get("EXITPLAN_TEST_DB_URL")


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("EXITPLAN_REQUIRE_POSTGRES") == "1" and not TEST_DB_URL:
        raise pytest.UsageError("EXITPLAN_REQUIRE_POSTGRES=1 but EXITPLAN_TEST_DB_URL names no PostgreSQL database")


def pytest_report_header() -> str:
    if TEST_DB_URL:
        return f"ledgers: schemas in {make_url(TEST_DB_URL).render_as_string(hide_password=True)}"
    return "ledgers: SQLite files (set EXITPLAN_TEST_DB_URL to use a PostgreSQL database)"


@pytest.fixture(scope="session")
def _server_engine() -> Iterator[Engine | None]:
    """An engine on ``EXITPLAN_TEST_DB_URL`` that creates and drops the tests' schemas; None for SQLite."""
    if not TEST_DB_URL:
        yield None
        return
    engine = create_engine(TEST_DB_URL, isolation_level="AUTOCOMMIT", pool_size=1)
    with engine.connect() as conn:
        dialect = conn.dialect.name
    if dialect != "postgresql":
        pytest.exit(f"EXITPLAN_TEST_DB_URL must name a PostgreSQL database, not {dialect}", returncode=2)
    yield engine
    engine.dispose()


def _schema_url(schema: str) -> str:
    """``EXITPLAN_TEST_DB_URL`` with every connection placed in ``schema``: the URL string alone selects it,
    so the app, a CLI subprocess and Alembic (whose ``alembic_version`` lands there too) all see one ledger.
    The schema also names the connections, so the ones a test leaves open can be found and closed."""
    assert TEST_DB_URL is not None
    url = make_url(TEST_DB_URL)
    options = f"{url.query.get('options', '')} -csearch_path={schema}".strip()
    return url.update_query_dict({"options": options, "application_name": schema}).render_as_string(hide_password=False)


@pytest.fixture
def new_ledger_url(tmp_path: Path, _server_engine: Engine | None) -> Iterator[Callable[[], str]]:
    """Call it for the URL of another fresh, empty ledger (a SQLite file, or a PostgreSQL schema that is
    dropped, with everything in it, after the test)."""
    made: list[str] = []

    def make() -> str:
        if _server_engine is None:
            # The first is ledger.db, as a test that looks into tmp_path expects.
            name = f"ledger{len(made) or ''}.db"
            made.append(name)
            return f"sqlite:///{tmp_path / name}"
        schema = f"test_{uuid.uuid4().hex[:16]}"
        with _server_engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        made.append(schema)
        return _schema_url(schema)

    yield make
    if _server_engine is None:
        return
    with _server_engine.connect() as conn:
        for schema in made:
            # Connections a test left open (engines it never disposed, a server it started) would hold
            # locks that DROP SCHEMA waits for.
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": schema},
            )
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))


@pytest.fixture
def ledger_url(new_ledger_url: Callable[[], str]) -> str:
    return new_ledger_url()


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Engine]:
    engine = open_ledger(ledger_url)
    yield engine
    engine.dispose()


def sample(name: str) -> Path:
    """A sample usage file copied from shared/formats/samples into tests/fixtures."""
    return FIXTURES / name
