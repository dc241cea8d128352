"""The Data page's "Sync now": pull a provider's Admin API into the ledger with one click.

The admin key is read here, from the environment or Streamlit secrets, and handed to the collector. It is
never shown, stored, or put in a message; the collector redacts it from errors as well.
"""

from __future__ import annotations

import os

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from app import cache
from app.components.escape import md
from collectors.api import PROVIDERS, Provider, SyncSummary, sync_provider
from collectors.api.sync import DEFAULT_DAYS
from db.errors import UserError

__all__ = ["admin_key", "sync_now"]


def admin_key(variable: str) -> str | None:
    """The admin key named ``variable`` in the environment, else in Streamlit secrets; None if neither has it."""
    value = os.environ.get(variable, "").strip()
    if value:
        return value
    try:
        secret = st.secrets.get(variable)
    except StreamlitSecretNotFoundError:
        # Raised for no secrets.toml and for one that is not valid TOML alike. Either way there is no key
        # there, and the button says how to add one.
        return None
    text = str(secret).strip() if secret is not None else ""
    return text or None


def _detail(summary: SyncSummary) -> str:
    parts = [f"{e.title} {e.rows_accepted:,} rows" for e in summary.endpoints]
    rejected = f" ({summary.rows_rejected:,} rows rejected, see the import history)" if summary.rows_rejected else ""
    return " · ".join(parts) + rejected


def _button(provider: Provider, key: str) -> None:
    secret = admin_key(provider.key_env)
    outcome_key = f"{key}-{provider.name}-outcome"
    clicked = st.button(
        f"Sync {provider.title} now",
        key=f"{key}-{provider.name}",
        disabled=secret is None,
        help=f"Pulls daily usage and costs with the admin key in {provider.key_env}.",
        width="stretch",
    )
    if clicked and secret is not None:
        with st.spinner(f"Pulling {provider.title} usage and costs…"):
            try:
                summary = sync_provider(cache.engine(), provider.name, secret)
            except UserError as exc:
                st.session_state[outcome_key] = ("error", str(exc), "")
            else:
                st.session_state[outcome_key] = ("success", summary.message(), _detail(summary))
                cache.clear()
                # Rerun so everything on the page, drawn before this button or after it, reads the new data.
                st.rerun()
    if secret is None:
        st.caption(f"Set `{provider.key_env}` in the environment or in `.streamlit/secrets.toml` to enable.")
    outcome = st.session_state.get(outcome_key)
    if outcome is None:
        return
    kind, message, detail = outcome
    if kind == "error":
        st.error(md(message))
    else:
        st.success(md(message))
        if detail:
            st.caption(md(detail))


def sync_now(key: str = "data-sync") -> None:
    """A "Sync now" button per admin API (OpenAI, Anthropic) and the outcome of each one's last sync."""
    st.subheader("Sync from admin APIs")
    st.caption(
        "Pulls daily usage and costs from the OpenAI and Anthropic Admin APIs. Only complete UTC days are "
        f"pulled; the first sync takes the last {DEFAULT_DAYS} days, each later one starts where the previous "
        "ended, and days pulled again replace what was stored for them."
    )
    for column, provider in zip(st.columns(len(PROVIDERS)), PROVIDERS.values(), strict=True):
        with column:
            _button(provider, key)
