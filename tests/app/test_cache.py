"""The dashboard's cached reads: every one is registered as it is defined, so a write that calls
``cache.clear()`` is seen on the next read whichever reader shows it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.caching.cache_utils import CachedFunc
from streamlit.testing.v1 import AppTest

from app import cache
from collectors.pipeline import ingest
from collectors.source import source_from_path
from tests.app.apptest import ENTRY, FIRST_PAGE
from tests.conftest import FIXTURES


@pytest.fixture
def cold() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def test_every_cached_read_is_registered_but_the_engine_and_the_book() -> None:
    cached = {name for name, value in vars(cache).items() if isinstance(value, CachedFunc)}
    registered = {name for name in cached if any(getattr(cache, name) is reader for reader in cache._READERS)}
    # The engine is never forgotten (the ledger stays the same database); the book is a resource clear()
    # names itself.
    assert cached - registered == {"_engine", "book"}
    assert registered <= set(cache.__all__)


def test_clear_forgets_every_registered_reader_and_the_book(monkeypatch: pytest.MonkeyPatch) -> None:
    cleared: list[object] = []
    for reader in [*cache._READERS, cache.book]:
        monkeypatch.setattr(reader, "clear", lambda reader=reader: cleared.append(reader))
    cache.clear()
    assert cleared == [*cache._READERS, cache.book]


@pytest.mark.usefixtures("cold")
def test_a_write_is_seen_after_clear(ledger: Engine, ledger_url: str) -> None:
    assert cache.span(ledger_url) is None
    ingest(ledger, source_from_path(FIXTURES / "openai_usage_completions.json"))
    assert cache.span(ledger_url) is None  # still the cached read
    cache.clear()
    assert cache.span(ledger_url) is not None


@pytest.mark.usefixtures("cold")
@pytest.mark.parametrize("page", ["app/pages/overview.py", "app/pages/data.py"])
def test_a_ledger_that_cannot_be_opened_stops_the_page_with_its_one_line(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a ledger\n")
    monkeypatch.setenv("EXITPLAN_DB_URL", f"sqlite:///{notes}")
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.run()
    if page != FIRST_PAGE:
        at.switch_page(page)
        at.run()
    assert not at.exception
    assert [error.value for error in at.error] == [
        f"the ledger URL sqlite:///{notes} cannot be opened: file is not a database; check --db or EXITPLAN_DB_URL"
    ]
    assert notes.read_text() == "not a ledger\n"
