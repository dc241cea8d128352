"""What the page tests share: the app pointed at a fresh ledger, with Streamlit's caches cold."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st


@pytest.fixture
def app_ledger(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The dashboard's ledger for one test (``EXITPLAN_DB_URL``); cached reads of another test's ledger go."""
    monkeypatch.setenv("EXITPLAN_DB_URL", ledger_url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield ledger_url
    st.cache_data.clear()
    st.cache_resource.clear()
