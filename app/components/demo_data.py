"""The empty-ledger offer: load the demo company's data with one click."""

from __future__ import annotations

import streamlit as st

from app import cache
from collectors.demo import load_demo

__all__ = ["offer_demo"]


def offer_demo(key: str, *, upload_link: bool = True) -> None:
    """Explain the empty ledger and offer the demo data (and, off the Data page, a link to upload)."""
    st.info(
        "The ledger is empty. Upload your usage exports on the **Data** page, or explore exitplan with "
        "six months of demo usage from a fictional company."
    )
    row = st.container(horizontal=True, vertical_alignment="center")
    if upload_link:
        row.page_link("app/pages/data.py", label="Upload your own export", icon=":material/upload_file:")
    if row.button("Load demo data", key=key, type="primary"):
        with st.spinner("Writing and importing the demo exports…"):
            load_demo(cache.engine())
        cache.clear()
        st.rerun()
