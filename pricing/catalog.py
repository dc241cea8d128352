"""The catalog: every model on every host that a price registry lists, in one normalised table.

Each registry (LiteLLM, OpenRouter) is parsed into rows of :data:`CATALOG_COLUMNS`; the price book and
the Models page read them. Prices are USD per million tokens (per thousand requests for
``requests_kcount``); a price the registry does not give is NaN, never 0 (0 means free).

``tier_prices`` maps a service tier (``batch``, ``flex``, ``priority``) to the prices that differ under it;
``long_context`` maps a prompt-size threshold in tokens to the prices that apply to every token of a
request whose prompt is above it (the "cliff" of PRICING.md §5.4). Both are dicts of the same price names.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

__all__ = ["CATALOG_COLUMNS", "PRICE_FIELDS", "CatalogDtype", "as_catalog", "empty_catalog"]

CatalogDtype = Literal["object", "float64", "Int64", "boolean"]

# Per-token price fields every catalog row may carry.
PRICE_FIELDS: tuple[str, ...] = (
    "input_mtok",
    "cache_read_mtok",
    "cache_write_mtok",
    "cache_write_1h_mtok",
    "output_mtok",
    "reasoning_mtok",
    "requests_kcount",
)

CATALOG_COLUMNS: dict[str, CatalogDtype] = {
    "source": "object",  # litellm, openrouter, genai-prices
    "as_of": "object",  # date the registry's figures were taken (a datetime.date)
    "key": "object",  # the registry's own id for the entry
    "provider": "object",  # host, as a genai-prices provider id (openai, azure, aws, together, openrouter…)
    "model": "object",  # the model id as that host names it (no registry prefix)
    "author": "object",  # who made the model (openai, anthropic, meta…), None when unknown
    "family": "object",  # host- and snapshot-independent model id (see pricing.identity)
    "mode": "object",  # chat, embedding, completion, responses…
    **dict.fromkeys(PRICE_FIELDS, "float64"),
    "tier_prices": "object",  # {"batch": {"input_mtok": …, …}, …}
    "long_context": "object",  # {200000: {"input_mtok": …, …}, …}
    "context_window": "Int64",
    "max_output_tokens": "Int64",
    "supports_tools": "boolean",
    "supports_vision": "boolean",
    "supports_json_schema": "boolean",
    "supports_caching": "boolean",
    "supports_batch": "boolean",
    "supports_reasoning": "boolean",
    "open_weights": "boolean",
    "deprecation_date": "object",  # datetime.date or None
    "successor": "object",
    "deprecation_source": "object",
}


def empty_catalog() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in CATALOG_COLUMNS.items()})


def as_catalog(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with exactly the catalog's columns and dtypes (missing ones empty)."""
    out = pd.DataFrame(index=frame.index)
    for name, dtype in CATALOG_COLUMNS.items():
        column = frame[name] if name in frame.columns else pd.Series(None, index=frame.index, dtype=object)
        out[name] = column.astype(object) if dtype == "object" else column.astype(dtype)
    return out
