"""Who may open the dashboard: Streamlit's OIDC login (``st.login``) when ``.streamlit/secrets.toml`` has an
``[auth]`` section, and otherwise, on an address other people can reach, a warning on every page that there is
no login (:mod:`app.serving` says why, and prints the same at ``exitplan serve``)."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from app.components.escape import md
from app.serving import exposure_warning, is_loopback

__all__ = ["login_providers", "require_login"]


def login_providers() -> list[str | None] | None:
    """The login buttons the ``[auth]`` section asks for — one per named provider (``[auth.google]``), or one
    for a single unnamed provider (None) — or None when there is no ``[auth]`` section: no login."""
    try:
        auth = st.secrets.get("auth")
    except StreamlitSecretNotFoundError:
        # No secrets.toml, or one that is not TOML: Streamlit has no login to offer either way.
        return None
    if auth is None:
        return None
    named = [name for name, value in auth.items() if isinstance(value, Mapping)]
    return [*named] if named else [None]


def require_login() -> None:
    """Stop the page unless the visitor is logged in (when a login is configured); else warn when the server is
    reachable from other machines without one."""
    providers = login_providers()
    if providers is None:
        address = str(st.get_option("server.address") or "")
        # Unset, Streamlit listens on every interface; a visitor from another machine shows it is reachable.
        visitor = st.context.ip_address
        if not address and (not isinstance(visitor, str) or is_loopback(visitor)):
            return
        if warning := exposure_warning(address, login=False):
            st.warning(md(warning), icon=":material/lock_open:")
        return
    if st.user.is_logged_in:
        with st.sidebar:
            who = st.user.get("email") or st.user.get("name") or "you"
            st.caption(f"Logged in as {md(who)}")
            st.button("Log out", on_click=st.logout, key="access-logout")
        return
    st.title("exitplan")
    st.caption("This dashboard holds your company's LLM spend history: log in to open it.")
    for provider in providers:
        label = f"Log in with {md(provider)}" if provider else "Log in"
        st.button(label, on_click=st.login, args=(provider,), type="primary", key=f"access-login-{provider}")
    st.stop()
