"""The catalog explorer's sidebar filters and its table."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analysis.models import Mix
from pricing.lifecycle import CAPABILITIES

__all__ = ["CAPABILITY_LABELS", "catalog_filters", "catalog_table", "keep_filters", "mix_caption"]

CAPABILITY_LABELS = {
    "supports_tools": "Tools",
    "supports_vision": "Vision",
    "supports_json_schema": "JSON schema",
    "supports_caching": "Caching",
    "supports_batch": "Batch",
    "supports_reasoning": "Reasoning",
}
# Registries give windows as 32,768 or 128,000 or 1,048,576; round thresholds catch every spelling.
_CONTEXT = {None: "Any", 32_000: "32k+", 128_000: "128k+", 200_000: "200k+", 400_000: "400k+", 1_000_000: "1M+"}
_COLUMNS = [
    "provider",
    "model",
    "author",
    "family",
    "context_window",
    "input_mtok",
    "output_mtok",
    "blended_mtok",
    *CAPABILITIES,
    "open_weights",
    "deprecation_date",
    "source",
]
_MONEY = "$%.3f"
_FILTERS = ("search", "authors", "providers", "capabilities", "min-context", "open-weights")


def keep_filters(key: str) -> None:
    """Keep the filters' values while another section is shown: Streamlit forgets the state of widgets
    that a run does not draw, unless it is written back."""
    for name in _FILTERS:
        if f"{key}-{name}" in st.session_state:
            st.session_state[f"{key}-{name}"] = st.session_state[f"{key}-{name}"]


def catalog_filters(catalog: pd.DataFrame, key: str) -> dict[str, Any]:
    """Draw the filters in the sidebar; the keyword arguments of :func:`analysis.models.filter_catalog`."""
    with st.sidebar:
        st.header("Filter the catalog")
        search = st.text_input("Search", key=f"{key}-search", placeholder="sonnet, llama-3, qwen…")
        authors = st.multiselect("Author", sorted(catalog["author"].dropna().unique()), key=f"{key}-authors")
        providers = st.multiselect("Host", sorted(catalog["provider"].dropna().unique()), key=f"{key}-providers")
        capabilities = st.multiselect(
            "Supports (all of)", CAPABILITIES, format_func=CAPABILITY_LABELS.__getitem__, key=f"{key}-capabilities"
        )
        min_context = st.selectbox(
            "Context window", list(_CONTEXT), format_func=_CONTEXT.__getitem__, key=f"{key}-min-context"
        )
        open_weights_only = st.toggle("Open weights only", key=f"{key}-open-weights")
    return {
        "search": search,
        "authors": authors,
        "providers": providers,
        "capabilities": capabilities,
        "min_context": min_context,
        "open_weights_only": open_weights_only,
    }


def mix_caption(mix: Mix) -> str:
    """Where the blended price's mix comes from, in a sentence."""
    split = f"{mix.input_share:.0%} input, {mix.output_share:.0%} output"
    if not mix.measured:
        return f"Blended at {split}: a typical chat mix, as the ledger has no usage of models that answer yet."
    return (
        f"Blended at {split}: your mix from {mix.window_start:%d %b} to {mix.window_end:%d %b %Y} "
        "(embedding models left out)."
    )


def catalog_table(frame: pd.DataFrame, key: str) -> None:
    """The filtered catalog with prices per million tokens, capabilities as checkboxes."""
    # Only the shown columns: the catalog's tier and long-context price maps do not serialise to Arrow.
    st.dataframe(
        frame[_COLUMNS],
        hide_index=True,
        key=key,
        column_config={
            "provider": "Host",
            "model": "Model",
            "author": "Author",
            "family": "Family",
            "context_window": st.column_config.NumberColumn("Context", format="compact"),
            "input_mtok": st.column_config.NumberColumn("Input $/1M", format=_MONEY, width="small"),
            "output_mtok": st.column_config.NumberColumn("Output $/1M", format=_MONEY, width="small"),
            "blended_mtok": st.column_config.NumberColumn(
                "Blended $/1M", help="At the mix above.", format=_MONEY, width="small"
            ),
            **{name: st.column_config.CheckboxColumn(label) for name, label in CAPABILITY_LABELS.items()},
            "open_weights": st.column_config.CheckboxColumn("Open weights"),
            "deprecation_date": st.column_config.DateColumn("Deprecation", format="YYYY-MM-DD"),
            "source": "Source",
        },
        placeholder="—",
    )
