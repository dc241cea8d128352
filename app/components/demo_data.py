"""The empty-ledger offer: load the demo company's data with one click."""

from __future__ import annotations

import streamlit as st

from app import cache
from collectors.demo import load_demo

__all__ = ["offer_demo"]


def offer_demo(key: str) -> None:
    """Explain the empty ledger and offer the demo data."""
    st.info(
        "The ledger is empty. Upload your usage exports on the **Data** page, or explore exitplan with "
        "six months of demo usage from a fictional company."
    )
    if st.button("Load demo data", key=key, type="primary"):
        with st.spinner("Writing and importing the demo exports…"):
            load_demo(cache.engine())
        cache.clear()
        st.rerun()
