"""The dashboard's one engine and its cached reads. Every write through the UI clears the reads."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from analysis.spend import priced_usage
from db import default_url, list_imports, open_ledger, usage_span

__all__ = ["clear", "engine", "imports", "priced", "span"]

TTL_SECONDS = 600


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return open_ledger(url)


def engine() -> Engine:
    """The ledger named by ``EXITPLAN_DB_URL`` (or the default SQLite file), migrated once per process."""
    return _engine(default_url())


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def priced(url: str, by: tuple[str, ...], since: date | None, until: date | None) -> pd.DataFrame:
    return priced_usage(_engine(url), by, since=since, until=until)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def span(url: str) -> tuple[date, date] | None:
    return usage_span(_engine(url))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def imports(url: str) -> pd.DataFrame:
    return list_imports(_engine(url))


def clear() -> None:
    """Forget cached reads after the ledger changed."""
    priced.clear()
    span.clear()
    imports.clear()
