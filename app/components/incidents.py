"""Vendors' incident histories on the dashboard: what is stored per status page or file, a way to bring
one in (pull a status page, or upload its incidents.json), and a way to remove one. The Risk page's
incidents factor reads what this stores."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.risk.incidents import incident_sources
from app import cache
from app.components.escape import md
from collectors.status import collect_status, parse_status_history, save_status_history, source_label
from db.errors import UserError
from db.incidents import delete_incidents

__all__ = ["incidents_panel"]

_KEY = "incidents"
_FLASH = f"{_KEY}-flash"


def _sources_table(stored: pd.DataFrame) -> pd.DataFrame:
    sources = incident_sources(stored)
    return pd.DataFrame(
        {
            "source": [source_label(s) for s in sources["source"]],
            "provider": sources["provider"],
            "incidents": sources["incidents"],
            "first": pd.to_datetime(sources["first_started"]).dt.date,
            "last": pd.to_datetime(sources["last_started"]).dt.date,
            "still open": sources["ongoing"],
            "imported (UTC)": pd.to_datetime(sources["imported_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        }
    )


def _done(message: str) -> None:
    """After a write: forget the cached reads, and say what happened on the rerun that shows it."""
    cache.clear()
    st.session_state[_FLASH] = message
    st.rerun()


def _bring_in() -> None:
    provider = st.text_input(
        "Provider (optional)",
        key=f"{_KEY}-provider",
        placeholder="openai, anthropic, … (default: from the page's name)",
        help="Whose status page it is, as a provider id; needed only when the page's name does not say.",
    )
    pull, upload = st.columns(2)
    with pull:
        url = st.text_input("Status page", key=f"{_KEY}-url", placeholder="https://status.openai.com")
        if st.button("Pull incident history", key=f"{_KEY}-pull", disabled=not url.strip()):
            with st.spinner(f"Reading {md(url)}…"):
                try:
                    history = collect_status(cache.engine(), url, provider or None)
                except UserError as exc:
                    st.error(md(exc))
                else:
                    _done(history.message())
    with upload:
        file = st.file_uploader("…or its incidents.json, saved", type=["json"], key=f"{_KEY}-file")
        if file is not None and st.button("Import this file", key=f"{_KEY}-import"):
            try:
                history = parse_status_history(file.getvalue(), file.name, provider or None)
            except UserError as exc:
                st.error(md(exc))
            else:
                save_status_history(cache.engine(), history)
                _done(history.message())


def _remove(stored: pd.DataFrame) -> None:
    sources = sorted(set(stored["source"]))
    choice = st.selectbox("Source", sources, format_func=source_label, key=f"{_KEY}-remove-source")
    if choice is not None and st.button("Remove its incidents", key=f"{_KEY}-remove"):
        deleted = delete_incidents(cache.engine(), choice)
        _done(f"{deleted:,} incidents from {source_label(choice)} removed.")


def incidents_panel(url: str) -> None:
    """The stored incident histories per source, a pull or an upload to add one, and a removal."""
    st.caption(
        "A vendor's incident history from its status page: the pages of OpenAI, Anthropic and most LLM vendors "
        "answer at `/api/v2/incidents.json` with their 50 most recent incidents (Statuspage's format). Pulling or "
        "uploading a page again replaces what it brought before."
    )
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        st.success(md(flash))
    stored = cache.incidents(url)
    if stored.empty:
        st.info("No incident history yet.")
    else:
        st.dataframe(_sources_table(stored), hide_index=True, placeholder="—")
    _bring_in()
    if not stored.empty:
        with st.expander("Remove a source"):
            _remove(stored)
