"""The form where a user says what an unresolved model id is, by picking a model from the catalog."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.models import models_at

__all__ = ["mapping_target"]


def mapping_target(provider: str, model: str, catalog: pd.DataFrame, key: str) -> tuple[str, str] | None:
    """Draw the host picker and the form for ``model`` at ``provider``; the (host, model) the user chose
    when they submit one, else None."""
    hosts = sorted(catalog["provider"].dropna().unique())
    # The host picker sits outside the form: a form does not rerun on change, and the model list must
    # follow the host. An Azure deployment is usually an Azure model, so the id's own host comes first.
    host = st.selectbox(
        "Host it runs on",
        hosts,
        index=hosts.index(provider) if provider in hosts else None,
        key=f"{key}-host",
        placeholder="Choose a host",
    )
    with st.form(key=key, border=False):
        target = st.selectbox(
            "Model it is",
            models_at(catalog, host) if host else [],
            index=None,
            key=f"{key}-model",
            placeholder="Choose a model",
        )
        if not st.form_submit_button("Map", type="primary"):
            return None
    if host is None or target is None:
        st.warning("Choose the host and the model first.")
        return None
    return host, target
