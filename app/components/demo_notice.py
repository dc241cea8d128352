"""The demo company never mixes silently with the user's own data: while any of it is in the ledger, every
page says so and offers to take it out in one click; after the user imports a file of their own, the Data
page offers it again, louder."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from app import cache
from app.components.escape import md
from app.demo_removal import remove_demo_data
from collectors.files import FileOutcome
from db import default_url

__all__ = ["demo_notice", "offer_demo_removal"]

_FLASH = "demo-removed"


def _remove() -> None:
    """Take the demo out of the ledger (and what was made on it alone), forget every cached read and say what
    went on the next run."""
    st.session_state[_FLASH] = remove_demo_data(cache.engine()).words()
    cache.clear()
    st.rerun()


def demo_notice() -> None:
    """Near the top of every page: a line saying the figures include the demo company's data, with a button
    that removes it; after a removal, what went."""
    if flash := st.session_state.pop(_FLASH, None):
        st.success(md(flash))
    if not cache.demo(default_url()):
        return
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.caption(
        ":material/info: The figures include the demo company's data (Lumen Labs, fictional).",
        width="content",
    )
    if row.button("Remove the demo data", key="demo-remove", type="tertiary", icon=":material/delete:"):
        _remove()


def offer_demo_removal(outcomes: Sequence[FileOutcome]) -> None:
    """On the Data page, once the user has imported a file of their own (one of ``outcomes`` is a new import)
    while the demo's data is still in the ledger: their figures and Lumen Labs' would add up, so offer to
    remove the demo."""
    imported = any(o.result is not None and not o.result.duplicate for o in outcomes)
    if not imported or not cache.demo(default_url()):
        return
    st.warning(
        "Your own usage is in, and so is the demo company's (Lumen Labs): every page would add the two up. "
        "Remove the demo data to see yours alone."
    )
    if st.button("Remove the demo data, keep mine", key="data-demo-remove", type="primary"):
        _remove()
