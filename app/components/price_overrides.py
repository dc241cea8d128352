"""The user's own prices: the form to add a discount or a negotiated price, and the list with delete
buttons. Validation is :func:`analysis.models.override_problems`; this module only collects and draws."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from analysis.models import override_problems
from app.components.escape import md
from db.price_overrides import PriceOverride
from pricing.identity import provider_id

__all__ = ["override_form", "override_list"]

_PRICES = {
    "input_mtok": "Input, $ per 1M tokens",
    "cache_read_mtok": "Cache read, $ per 1M tokens",
    "output_mtok": "Output, $ per 1M tokens",
}


def override_form(key: str, providers: Sequence[str]) -> PriceOverride | None:
    """Draw the form; the override when the user submits one that can be saved, else None (with the
    reasons shown)."""
    with st.form(key=key):
        left, right = st.columns(2)
        # A provider outside the catalog (a self-hosted vLLM, a private gateway) can be typed in.
        provider = left.selectbox("Provider", providers, index=None, accept_new_options=True, key=f"{key}-provider")
        model = right.text_input("Model (leave empty for all of the provider's models)", key=f"{key}-model")
        discount = st.number_input("Discount, % off the list price", value=None, step=1.0, key=f"{key}-discount")
        st.caption("…or your own prices. Prices left empty come from the registries.")
        values = {
            name: column.number_input(label, value=None, step=0.01, format="%.4f", key=f"{key}-{name}")
            for column, (name, label) in zip(st.columns(len(_PRICES)), _PRICES.items(), strict=True)
        }
        left, right = st.columns(2)
        valid_from = left.date_input("Valid from (empty: always)", value=None, key=f"{key}-valid-from")
        note = right.text_input("Note (a contract, a quote)", key=f"{key}-note")
        if not st.form_submit_button("Save price", type="primary"):
            return None
    override = PriceOverride(
        provider=provider_id(provider or ""),
        model=model.strip() or None,
        discount_pct=discount,
        valid_from=valid_from,
        note=note.strip() or None,
        input_mtok=values["input_mtok"],
        cache_read_mtok=values["cache_read_mtok"],
        output_mtok=values["output_mtok"],
    )
    if problems := override_problems(override):
        st.error(md(" ".join(problems)))
        return None
    return override


# Every price an override can carry; the CLI can also set a cache-write price.
_SHORT = {
    "input_mtok": "input",
    "cache_read_mtok": "cache read",
    "cache_write_mtok": "cache write",
    "output_mtok": "output",
}


def _describe(override: PriceOverride) -> str:
    parts = [f"{override.discount_pct:g}% off"] if override.discount_pct else []
    parts += [
        f"{short} ${getattr(override, name):g}/1M"
        for name, short in _SHORT.items()
        if getattr(override, name) is not None
    ]
    since = f", from {override.valid_from:%d %b %Y}" if override.valid_from else ""
    note = f" — {md(override.note)}" if override.note else ""
    return f"**{md(override.provider)} / {md(override.model or 'all models')}**: {', '.join(parts)}{since}{note}"


def override_list(overrides: Sequence[PriceOverride], key: str) -> int | None:
    """One line per override with a delete button; the id whose button was pressed, else None."""
    deleted = None
    for override in overrides:
        text, button = st.columns([6, 1], vertical_alignment="center")
        text.markdown(_describe(override))
        if button.button("Delete", key=f"{key}-{override.id}", icon=":material/delete:"):
            deleted = override.id
    return deleted
