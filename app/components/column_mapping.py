"""The form where a user maps the columns of a CSV exitplan does not know onto its canonical columns."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from app.components.escape import md
from collectors.formats.mapped_csv import FIELDS, INPUT_INCLUDES_CACHE, REQUIRED, guess_mapping, mapping_problems

__all__ = ["mapping_form"]

_NONE = "(not in this file)"
_LABELS = {
    "timestamp": "Date / time (UTC unless it has an offset)",
    "provider": "Provider",
    "model": "Model",
    "input_tokens": "Input tokens",
    "output_tokens": "Output tokens (reasoning included)",
    "requests": "Requests (1 per row if not mapped)",
    "cached_input_tokens": "Cached input tokens (cache reads)",
    "cache_write_tokens": "Cache write tokens",
    "cache_write_1h_tokens": "1-hour cache write tokens",
    "reasoning_tokens": "Reasoning tokens",
    "project": "Project",
    "api_key": "API key",
    "user": "User",
    "feature": "Feature tag",
    "service_tier": "Service tier",
    "batch": "Batch (true/false)",
    "latency_ms": "Latency (ms)",
    "cost_usd": "Cost reported by the source (USD)",
}


def mapping_form(file_name: str, header: Sequence[str], key: str, saved: dict[str, str] | None = None) -> dict | None:
    """Draw the form, pre-filled with ``saved`` or exitplan's guesses; the confirmed mapping when the
    user submits one that fits, else None."""
    initial = saved or guess_mapping(header)
    options = [_NONE, *header]
    with st.form(key=key):
        st.markdown(f"**{md(file_name)}**: exitplan does not know this layout. Say which column holds what.")
        mapping: dict[str, str] = {}
        columns = st.columns(2)
        for i, field in enumerate(FIELDS):
            current = initial.get(field, _NONE)
            choice = columns[i % 2].selectbox(
                _LABELS[field] + (" *" if field in REQUIRED else ""),
                options,
                index=options.index(current) if current in options else 0,
                key=f"{key}-{field}",
            )
            if choice != _NONE:
                mapping[field] = choice
        constant = st.text_input(
            "Provider for every row, if the file has no provider column (e.g. openai, anthropic)",
            value=initial.get("provider", "")[1:] if initial.get("provider", "").startswith("=") else "",
            key=f"{key}-provider-constant",
        )
        if constant.strip() and "provider" not in mapping:
            mapping["provider"] = "=" + constant.strip()
        includes = st.checkbox(
            "Input tokens already include cached tokens (OpenAI-style)",
            value=initial.get(INPUT_INCLUDES_CACHE, "true") == "true",
            key=f"{key}-includes-cache",
        )
        mapping[INPUT_INCLUDES_CACHE] = "true" if includes else "false"
        if not st.form_submit_button("Import with this mapping", type="primary"):
            return None
    if problems := mapping_problems(mapping, header):
        st.error("This mapping cannot be used: " + md("; ".join(problems)))
        return None
    return mapping
