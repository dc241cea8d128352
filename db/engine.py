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
from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.engine.url import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
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

    Raises :class:`~db.errors.InvalidInput`, with one line that names the ledger (its password masked) and
    says why, when ``url`` is not a database URL SQLAlchemy can open, its driver is not installed, the
    database cannot be reached or created, the file is not a database, or a newer exitplan wrote it.
    """
    url = url or default_url()
    shown = _shown_url(url)
    try:
        engine = create_engine(url, connect_args=_connect_args(make_url(url)))
    except ArgumentError as exc:
        # SQLAlchemy's message names the dialect at most, never the URL, so no password is echoed.
        raise _unusable(url, shown, str(exc), _GIVE_ANOTHER) from None
    except ValueError as exc:  # a port that is not a number, a malformed query string
        raise _unusable(url, shown, f"not a database URL ({exc})", _GIVE_ANOTHER) from None
    except ImportError as exc:
        driver = exc.name or "its database driver"
        raise _unusable(url, shown, f"{driver} is not installed", f"pip install it, or {_GIVE_ANOTHER}") from None
    if engine.dialect.name == "sqlite" and (database := engine.url.database) and database != ":memory:":
        try:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _unusable(url, shown, f"its folder cannot be made ({exc.strerror or exc})") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "handle_error", _busy_is_a_message)
    elif engine.dialect.name == "postgresql" and engine.dialect.driver in ("psycopg", "psycopg2"):
        event.listen(engine, "connect", _utc_session, insert=True)
    at_head = _check(engine, url, shown)
    if migrate and not at_head:
        upgrade(engine)
    return engine


_CHECK = "check --db or EXITPLAN_DB_URL"
_GIVE_ANOTHER = (
    "give --db or EXITPLAN_DB_URL as e.g. sqlite:///path/to/ledger.db or postgresql+psycopg://user@host/exitplan"
)


# How long to wait for a database server to answer before saying so: libpq waits for the operating system
# (two minutes and more) for a host that drops the connection, which looks like a hang.
CONNECT_TIMEOUT_S = 10


def _connect_args(url: URL) -> dict[str, object]:
    """What the driver is given besides the URL: a connection timeout for PostgreSQL unless the URL sets one."""
    libpq = url.get_backend_name() == "postgresql" and url.get_driver_name() in ("psycopg", "psycopg2")
    return {"connect_timeout": CONNECT_TIMEOUT_S} if libpq and "connect_timeout" not in url.query else {}


def _shown_url(url: str) -> str | None:
    """``url`` as a message may show it, its password masked; None for a URL that cannot be parsed."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return None


def _unusable(url: str, shown: str | None, why: str, what_to_do: str = _CHECK) -> InvalidInput:
    """The ledger at ``url`` cannot be used: one line, which never holds the URL's password."""
    subject = f"the ledger URL {shown}" if shown else "the ledger URL"
    message = f"{subject} cannot be opened: {' '.join(why.split())}; {what_to_do}"
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):
        password = None
    if password:
        message = message.replace(str(password), "***")
    return InvalidInput(message)


def _check(engine: Engine, url: str, shown: str | None) -> bool:
    """Connect once: whether the ledger is at the newest revision. What the driver says when it cannot
    connect (a server that does not answer, a password refused, a file that is not a database) is the
    user's to fix, and ends as one :class:`~db.errors.InvalidInput` line; so do a newer exitplan's ledger
    and another application's database, which opening would fill with the ledger's tables."""
    try:
        with engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
            others = [] if current else sorted(inspect(connection).get_table_names())
    except DBAPIError as exc:
        # The driver's own words, first line only: SQLAlchemy appends the SQL and a link to its docs.
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        engine.dispose()
        raise _unusable(url, shown, reason) from None
    if others:
        engine.dispose()
        listed = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        raise _unusable(
            url, shown, f"it is not an exitplan ledger (it holds other tables: {listed})", "give a new, empty database"
        )
    script = ScriptDirectory.from_config(_config())
    known = {revision.revision for revision in script.walk_revisions()}
    if unknown := current - known:
        engine.dispose()
        raise _unusable(
            url,
            shown,
            f"a newer exitplan wrote it (revision {', '.join(sorted(unknown))}); upgrade exitplan to use it",
        )
    return current == set(script.get_heads())


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


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
