"""Open the ledger: pick the database, tune SQLite, bring the schema to the newest revision."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from platformdirs import user_data_dir
from sqlalchemy import Engine, create_engine, event

__all__ = ["default_url", "open_ledger", "upgrade"]

MIGRATIONS = Path(__file__).with_name("migrations")


def default_url() -> str:
    """``EXITPLAN_DB_URL`` if set, else a SQLite file in the user's data directory."""
    if url := os.environ.get("EXITPLAN_DB_URL"):
        return url
    return f"sqlite:///{Path(user_data_dir('exitplan', appauthor=False)) / 'exitplan.db'}"


def _tune_sqlite(dbapi_connection: object, _record: object) -> None:
    # WAL lets the dashboard read while an import writes; the busy timeout makes a second writer wait
    # instead of failing; SQLite only enforces foreign keys when asked, per connection.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def open_ledger(url: str | None = None, *, migrate: bool = True) -> Engine:
    """An engine on the ledger at ``url`` (default: :func:`default_url`), schema upgraded to head."""
    url = url or default_url()
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
    if migrate:
        upgrade(engine)
    return engine


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply Alembic migrations up to ``revision``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
