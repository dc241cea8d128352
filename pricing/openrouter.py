"""OpenRouter's model list (``GET /api/v1/models``, PRICING.md §2.1) as catalog rows.

OpenRouter gives prices in USD per token as decimal strings; the catalog wants USD per million tokens
(per thousand requests for the per-request fee), so each string is converted with :class:`Decimal` and
only the result becomes a float. ``"0"`` is free and stays 0; a missing price is NaN. ``"-1"`` marks
dynamic pricing (``openrouter/auto``, ``~…-latest`` aliases): such a row has no price to quote and is
left out. ``discount`` is applied ("price is multiplied by (1 - discount)"). Unknown keys are ignored,
as OpenRouter adds fields without notice.

Pure: no HTTP. The body comes from ``collectors.prices.openrouter`` via a stored snapshot.
"""

from __future__ import annotations

import json
import math
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd

from db.errors import InvalidInput
from pricing.catalog import CATALOG_COLUMNS, empty_catalog
from pricing.identity import provider_id

__all__ = ["OPENROUTER_PRICE_FIELDS", "openrouter_catalog"]

# OpenRouter pricing key → (catalog price field, units of the catalog field per OpenRouter unit).
OPENROUTER_PRICE_FIELDS: dict[str, tuple[str, int]] = {
    "prompt": ("input_mtok", 1_000_000),
    "completion": ("output_mtok", 1_000_000),
    "input_cache_read": ("cache_read_mtok", 1_000_000),
    "input_cache_write": ("cache_write_mtok", 1_000_000),
    "input_cache_write_1h": ("cache_write_1h_mtok", 1_000_000),
    "internal_reasoning": ("reasoning_mtok", 1_000_000),
    "request": ("requests_kcount", 1_000),
}
_REQUIRED = ("prompt", "completion")
_NAN = float("nan")


class _Dynamic(Exception):
    """A price given as the dynamic-pricing sentinel (any negative figure, "-1" in practice)."""


def _per_million(value: object, scale: int = 1_000_000, discount: Decimal = Decimal(0)) -> float:
    """A per-token price string as a per-million float (``scale`` units), NaN when absent or unreadable.

    Raises ``_Dynamic`` for a negative price: it is a sentinel, never a refund.

    >>> _per_million("0.000003")
    3.0
    >>> _per_million("0.0000025", discount=Decimal("0.2"))
    2.0
    >>> _per_million(None)
    nan
    """
    if value is None or isinstance(value, bool) or value == "":
        return _NAN
    try:
        # str() of a JSON number keeps its digits, so a numeric price converts as exactly as a string one.
        price = Decimal(str(value))
    except InvalidOperation:
        return _NAN
    if not price.is_finite():
        return _NAN
    if price < 0:
        raise _Dynamic
    return float(price * (1 - discount) * scale)


def _discount(pricing: dict[str, Any]) -> Decimal:
    try:
        value = Decimal(str(pricing.get("discount", 0) or 0))
    except InvalidOperation:
        return Decimal(0)
    # Only a fraction in [0, 1) means "pay less"; anything else would make prices free or negative.
    return value if value.is_finite() and 0 <= value < 1 else Decimal(0)


def _prices(pricing: dict[str, Any], discount: Decimal) -> dict[str, float]:
    """Every catalog price field of a pricing object (NaN where absent)."""
    return {
        field: _per_million(pricing.get(key), scale, discount)
        for key, (field, scale) in OPENROUTER_PRICE_FIELDS.items()
    }


def _long_context(pricing: dict[str, Any], discount: Decimal) -> dict[int, dict[str, float]]:
    """``overrides[]`` entries with ``min_prompt_tokens``: threshold → the prices they set (PRICING.md §2.1)."""
    tiers: dict[int, dict[str, float]] = {}
    overrides = pricing.get("overrides")
    if not isinstance(overrides, list):
        return tiers
    for override in overrides:
        if not isinstance(override, dict):
            continue
        threshold = override.get("min_prompt_tokens")
        if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold <= 0:
            continue
        prices = {
            field: price
            for key, (field, scale) in OPENROUTER_PRICE_FIELDS.items()
            if key in override and not math.isnan(price := _per_million(override[key], scale, discount))
        }
        if prices:
            tiers[int(threshold)] = prices
    return tiers


def _date(value: object) -> date | None:
    """An ISO 8601 date or timestamp as its UTC calendar date; None when absent or unreadable."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return int(value)


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> set[str] | None:
    if not isinstance(value, list):
        return None
    return {item for item in value if isinstance(item, str)}


def _row(model: dict[str, Any], as_of: date) -> dict[str, Any] | None:
    """One catalog row, or None for a row that cannot be priced (no id, no prices, dynamic pricing)."""
    model_id, pricing = model.get("id"), model.get("pricing")
    if not isinstance(model_id, str) or not model_id or not isinstance(pricing, dict):
        return None
    discount = _discount(pricing)
    try:
        prices = _prices(pricing, discount)
        long_context = _long_context(pricing, discount)
    except _Dynamic:
        return None
    if any(math.isnan(prices[OPENROUTER_PRICE_FIELDS[key][0]]) for key in _REQUIRED):
        return None
    architecture = _object(model.get("architecture"))
    top_provider = _object(model.get("top_provider"))
    parameters = _strings(model.get("supported_parameters"))
    inputs = _strings(architecture.get("input_modalities"))
    outputs = _strings(architecture.get("output_modalities")) or set()
    author = model_id.split("/", 1)[0].lstrip("~") if "/" in model_id else None
    hugging_face = model.get("hugging_face_id")
    return {
        "source": "openrouter",
        "as_of": as_of,
        "key": model_id,
        "provider": provider_id("openrouter"),
        "model": model_id,
        "author": author or None,
        # Filled by the price book with pricing.identity, which knows every host's names.
        "family": None,
        "mode": "embedding" if outputs & {"embeddings", "embedding"} else "chat",
        **prices,
        "tier_prices": {},
        "long_context": long_context,
        "context_window": _int(model.get("context_length")),
        "max_output_tokens": _int(top_provider.get("max_completion_tokens")),
        # A flag is unknown (NA), not False, when the row has no list to read it from.
        "supports_tools": None if parameters is None else "tools" in parameters,
        "supports_vision": None if inputs is None else "image" in inputs,
        "supports_json_schema": None
        if parameters is None
        else bool(parameters & {"structured_outputs", "response_format"}),
        "supports_caching": not math.isnan(prices["cache_read_mtok"]),
        "supports_batch": None,
        "supports_reasoning": None if parameters is None else "reasoning" in parameters,
        # Weights on Hugging Face mean open weights; an empty id says nothing either way.
        "open_weights": True if isinstance(hugging_face, str) and hugging_face.strip() else None,
        "deprecation_date": _date(model.get("expiration_date")),
        "successor": None,
        "deprecation_source": None,
    }


def openrouter_catalog(body: bytes | dict[str, Any], as_of: date) -> pd.DataFrame:
    """OpenRouter's ``{"data": [...]}`` body as catalog rows (:data:`pricing.catalog.CATALOG_COLUMNS`).

    One row per priced model, keyed by its OpenRouter id (``anthropic/claude-sonnet-4.5``), all with
    ``provider="openrouter"`` and ``as_of``. A model listed twice keeps its first row. Raises ValueError
    when ``body`` is not JSON with a ``data`` list.

    >>> body = {"data": [{"id": "openai/gpt-4o", "pricing": {"prompt": "0.0000025", "completion": "0.00001"}}]}
    >>> openrouter_catalog(body, date(2026, 11, 29))[["key", "input_mtok", "output_mtok"]].to_dict("records")
    [{'key': 'openai/gpt-4o', 'input_mtok': 2.5, 'output_mtok': 10.0}]
    """
    parsed = json.loads(body) if isinstance(body, bytes | bytearray) else body
    models = parsed.get("data") if isinstance(parsed, dict) else None
    if not isinstance(models, list):
        raise InvalidInput("not an OpenRouter model list: expected a JSON object with a 'data' list")
    rows: dict[str, dict[str, Any]] = {}
    for model in models:
        row = _row(model, as_of) if isinstance(model, dict) else None
        if row is not None:
            rows.setdefault(row["key"], row)
    template = empty_catalog()
    if not rows:
        return template
    frame = pd.DataFrame.from_records(list(rows.values()), columns=list(template.columns))
    return frame.astype(CATALOG_COLUMNS)
