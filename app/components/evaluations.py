"""Uploading the user's own evaluation results: they override the public quality reference."""

from __future__ import annotations

import streamlit as st

from analysis.quality import delete_evaluations, parse_evaluations, save_evaluations
from app import cache

__all__ = ["evaluations_panel"]


def evaluations_panel(url: str) -> None:
    """The stored results, an upload, and a way to remove them."""
    st.caption(
        "A CSV with the columns `workload` (or `task`, a task category such as `code`), `model`, `score` and "
        "optionally `n`. Where you have scored both today's model and a candidate, your scores decide its quality "
        "grade, labelled as yours."
    )
    stored = cache.evaluations(url)
    if not stored.empty:
        st.dataframe(stored, hide_index=True)
    upload = st.file_uploader("Evaluation results (CSV)", type=["csv"], key="alternatives-evals")
    if upload is not None and st.button("Use these results", key="alternatives-evals-save"):
        try:
            frame = parse_evaluations(upload.getvalue())
        except ValueError as exc:
            st.error(f"{upload.name}: {exc}")
        else:
            saved = save_evaluations(cache.engine(), frame, upload.name)
            cache.clear()
            st.session_state["alternatives-flash"] = f"{saved} evaluation results from {upload.name} saved."
            st.rerun()
    if not stored.empty and st.button("Remove all evaluation results", key="alternatives-evals-clear"):
        delete_evaluations(cache.engine())
        cache.clear()
        st.rerun()
