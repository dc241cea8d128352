"""Uploading the user's own evidence — evaluation results, latency measurements — which overrides the
public quality and latency references wherever it exists."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from analysis.evaluations import delete_evaluations, parse_evaluations, save_evaluations
from analysis.latency_measurements import delete_measurements, parse_measurements, save_measurements
from app import cache
from app.components.escape import md
from db.errors import UserError

__all__ = ["evaluations_panel", "latency_panel"]


def evaluations_panel(url: str) -> None:
    """The stored evaluation results, an upload, and a way to remove them."""
    st.caption(
        "A CSV with the columns `workload` (or `task`, a task category such as `code`), `model`, `score` and "
        "optionally `n`. Where you have scored both today's model and a candidate, your scores decide its quality "
        "grade, labelled as yours."
    )
    _upload_panel(
        cache.evaluations(url), "evaluation results", "evals", parse_evaluations, save_evaluations, delete_evaluations
    )


def latency_panel(url: str) -> None:
    """The stored latency measurements, an upload, and a way to remove them."""
    st.caption(
        "A CSV with the columns `host`, `model`, `ttft_s` (median time to first token, or `ttft_ms`), "
        "`tokens_per_s` (decode speed) and optionally `ttft_p95_s`, `n` (requests measured) and `date` — e.g. "
        "from replaying a sample of the workload's prompts. Your figures replace the published ones for that "
        "model on that host, labelled as yours."
    )
    _upload_panel(
        cache.latency_measurements(url),
        "latency measurements",
        "latency",
        parse_measurements,
        save_measurements,
        delete_measurements,
    )


def _upload_panel(
    stored: pd.DataFrame,
    noun: str,
    key: str,
    parse: Callable[[bytes], pd.DataFrame],
    save: Callable[[Engine, pd.DataFrame, str], int],
    delete: Callable[[Engine], int],
) -> None:
    if not stored.empty:
        st.dataframe(stored.drop(columns=["id"]), hide_index=True, placeholder="—")
    upload = st.file_uploader(f"{noun.capitalize()} (CSV)", type=["csv"], key=f"alternatives-{key}")
    if upload is not None and st.button(f"Use these {noun}", key=f"alternatives-{key}-save"):
        try:
            frame = parse(upload.getvalue())
        except UserError as exc:
            st.error(md(f"{upload.name}: {exc}"))
        else:
            saved = save(cache.engine(), frame, upload.name)
            cache.clear()
            rows = "1 row" if saved == 1 else f"{saved:,} rows"
            st.session_state["alternatives-flash"] = f"{noun.capitalize()} saved from {upload.name} ({rows})."
            st.rerun()
    if not stored.empty and st.button(f"Remove all {noun}", key=f"alternatives-{key}-clear"):
        delete(cache.engine())
        cache.clear()
        st.rerun()
