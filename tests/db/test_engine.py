"""Opening the ledger: the database chosen, SQLite tuned, the schema migrated and in step with the code."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, inspect, text

from db import default_url, open_ledger
from db.engine import MIGRATIONS
from db.errors import InvalidInput
from db.schema import metadata


def _head() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return str(ScriptDirectory.from_config(config).get_current_head())


def test_default_url_is_a_file_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EXITPLAN_DB_URL", raising=False)
    url = default_url()
    assert url.startswith("sqlite:///") and url.endswith("exitplan.db")


def test_environment_selects_the_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXITPLAN_DB_URL", "postgresql+psycopg://team@db/exitplan")
    assert default_url() == "postgresql+psycopg://team@db/exitplan"


def test_sqlite_pragmas_are_set_on_every_connection(ledger: Engine) -> None:
    if ledger.dialect.name != "sqlite":
        pytest.skip("SQLite's pragmas")
    with ledger.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_migrations_create_the_schema_the_code_describes(ledger: Engine) -> None:
    assert {"imports", "usage", "rejected_rows", "alembic_version"} <= set(inspect(ledger).get_table_names())
    with ledger.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_opening_twice_is_harmless_and_creates_the_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'ledger.db'}"
    open_ledger(url).dispose()
    engine = open_ledger(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "Could not parse"),
        ("nosuchdb://user:hunter2@host/db", "nosuchdb"),
        ("postgresql+nosuchdriver://user:hunter2@host/db", "nosuchdriver"),
    ],
)
def test_a_url_that_cannot_be_opened_is_invalid_input_without_its_password(url: str, says: str) -> None:
    with pytest.raises(InvalidInput, match="the ledger URL") as caught:
        open_ledger(url)
    assert says in str(caught.value) and "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        # Nothing listens on port 1 of this machine: the driver's own reason, its first line only.
        ("postgresql+psycopg://user:hunter2@127.0.0.1:1/ledger", "Connection refused"),
        ("postgresql://user:hunter2@@host:port/ledger", "not a database URL"),
        ("mysql://user:hunter2@127.0.0.1/ledger", "MySQLdb is not installed"),
    ],
)
def test_a_ledger_that_cannot_be_reached_is_one_line_without_its_password(url: str, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        open_ledger(url)
    message = str(caught.value)
    assert says in message and "hunter2" not in message and "\n" not in message
    assert message.endswith("EXITPLAN_DB_URL") or "EXITPLAN_DB_URL as e.g." in message


def test_the_password_is_masked_where_the_url_is_named() -> None:
    with pytest.raises(InvalidInput) as caught:
        open_ledger("postgresql+psycopg://user:hunter2@127.0.0.1:1/ledger")
    assert "postgresql+psycopg://user:***@127.0.0.1:1/ledger" in str(caught.value)


def test_a_file_that_is_not_a_database_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a ledger\n" * 100)
    with pytest.raises(InvalidInput, match="file is not a database"):
        open_ledger(f"sqlite:///{notes}")
    assert notes.read_text() == "not a ledger\n" * 100


def test_a_ledger_under_a_file_cannot_have_its_folder_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InvalidInput, match="its folder cannot be made"):
        open_ledger(f"sqlite:///{tmp_path / 'file' / 'ledger.db'}")


def test_a_ledger_a_newer_exitplan_wrote_is_refused_untouched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'ledger.db'}"
    open_ledger(url).dispose()
    engine = open_ledger(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'fromthefuture'"))
    engine.dispose()
    with pytest.raises(InvalidInput, match=r"a newer exitplan wrote it \(revision fromthefuture\)"):
        open_ledger(url)


def test_another_applications_database_is_refused_and_left_without_the_ledgers_tables(tmp_path: Path) -> None:
    other = create_engine(f"sqlite:///{tmp_path / 'places.sqlite'}")
    with other.begin() as conn:
        conn.execute(text("CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT)"))
    with pytest.raises(InvalidInput, match=r"not an exitplan ledger \(it holds other tables: bookmarks\)"):
        open_ledger(f"sqlite:///{tmp_path / 'places.sqlite'}")
    assert inspect(other).get_table_names() == ["bookmarks"]
    other.dispose()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port on this machine that takes connections and never says a word, as a host that drops them."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_a_server_that_never_answers_is_given_up_on_in_one_line(
    silent_server: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # libpq alone would wait for the operating system; the ledger waits CONNECT_TIMEOUT_S (1 s here).
    monkeypatch.setattr("db.engine.CONNECT_TIMEOUT_S", 1)
    with pytest.raises(InvalidInput, match="cannot be opened: connection timeout expired") as caught:
        open_ledger(f"postgresql+psycopg://user:hunter2@127.0.0.1:{silent_server}/ledger")
    assert "hunter2" not in str(caught.value)
