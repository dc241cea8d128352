"""Open the ledger: pick the database, tune the connection, bring the schema to the newest revision.

SQLite (the default) and PostgreSQL (a team's shared ledger) are the databases the tests run on; any
other SQLAlchemy URL is opened the same way.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from db.errors import InvalidInput, LedgerBusy

__all__ = ["default_url", "downgrade", "open_ledger", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")

# How long a writer waits for another's write lock (an import holds it from its first row to its commit).
_BUSY_TIMEOUT_S = 30

# First key of the PostgreSQL advisory lock that lets one process at a time migrate a ledger (the second
# key is the ledger's schema): "exit" in ASCII.
_MIGRATION_LOCK = 0x65786974


def default_url() -> str:
    """``EXITPLAN_DB_URL`` if set, else a SQLite file in the user's data directory."""
    if url := os.environ.get("EXITPLAN_DB_URL"):
        return url
    return f"sqlite:///{Path(user_data_dir('exitplan', appauthor=False)) / 'exitplan.db'}"


def _tune_sqlite(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # WAL lets the dashboard read while an import writes; the busy timeout makes a second writer wait
    # instead of failing; SQLite only enforces foreign keys when asked, per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_S * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _busy_is_a_message(context: ExceptionContext) -> None:
    """A write that waited out the busy timeout is the user's to retry, said in one line (raised in place of
    SQLAlchemy's OperationalError, after its transaction is rolled back), not a crash."""
    error = context.original_exception
    if isinstance(error, sqlite3.OperationalError) and "database is locked" in str(error):
        raise LedgerBusy(
            f"the ledger is busy: another process (an import?) has been writing to it for over {_BUSY_TIMEOUT_S} s; "
            "nothing was saved here, run this again when it is done"
        ) from None


def _utc_session(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # The ledger's times are naive UTC in `timestamp without time zone` columns. PostgreSQL reads a
    # timezone-aware value in the session's TimeZone (the server's, by default), so an aware datetime
    # would be shifted by the server's offset; in UTC it means what it says, as on SQLite.
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    cursor = dbapi_connection.cursor()
    cursor.execute("SET TIME ZONE 'UTC'")
    cursor.close()
    dbapi_connection.autocommit = autocommit


def open_ledger(url: str | None = None, *, migrate: bool = True) -> Engine:
    """An engine on the ledger at ``url`` (default: :func:`default_url`), schema upgraded to head.

    Raises :class:`~db.errors.InvalidInput` when ``url`` is not a database URL SQLAlchemy can open.
    """
    url = url or default_url()
    try:
        engine = create_engine(url)
    except ArgumentError as exc:
        # The URL is the user's setting (--db, EXITPLAN_DB_URL). SQLAlchemy's message names the dialect at
        # most, never the URL, so no password it may hold is echoed.
        raise InvalidInput(
            f"the ledger URL (--db or EXITPLAN_DB_URL) cannot be opened: {exc}; "
            "expected e.g. sqlite:///path/to/ledger.db or postgresql+psycopg://user@host/exitplan"
        ) from None
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "handle_error", _busy_is_a_message)
    elif engine.dialect.name == "postgresql" and engine.dialect.driver in ("psycopg", "psycopg2"):
        event.listen(engine, "connect", _utc_session, insert=True)
    if migrate and not _at_head(engine):
        upgrade(engine)
    return engine


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _at_head(engine: Engine) -> bool:
    """Whether the ledger is already at the newest revision: opening it then takes no lock."""
    heads = set(ScriptDirectory.from_config(_config()).get_heads())
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == heads


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply Alembic migrations up to ``revision``, in one transaction, one process at a time."""
    _migrate(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    """Revert Alembic migrations down to ``revision`` (the data of the dropped tables and columns goes)."""
    _migrate(engine, lambda config: command.downgrade(config, revision))


def _migrate(engine: Engine, run: Callable[[Config], None]) -> None:
    config = _config()
    with engine.connect() as connection, _migration_transaction(connection):
        config.attributes["connection"] = connection
        run(config)


@contextmanager
def _migration_transaction(connection: Connection) -> Iterator[None]:
    """A transaction that only one migrating process holds at a time (the dashboard and a scheduled
    collector may open a new ledger, or one a new version must upgrade, at the same moment).

    On SQLite, foreign keys are off meanwhile: Alembic rebuilds a table to alter it there, and dropping
    the old ``imports`` would otherwise delete, by ON DELETE CASCADE, all the usage that refers to it.
    """
    dialect = connection.dialect.name
    if dialect == "sqlite":
        # A no-op inside a transaction, so first, on its own.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        if dialect == "sqlite":
            # Takes the write lock now (a second migrating process waits for it, busy_timeout), not at the
            # first write, after this one has read which revision the ledger is at.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        elif dialect == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"), {"key": _MIGRATION_LOCK}
            )
        yield
        if dialect == "sqlite" and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").first()):
            raise RuntimeError(f"the migration left a row of {broken[0]} without its {broken[2]} row")
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        if dialect == "sqlite":
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
