"""Lifecycle and capabilities of a model at a host: deprecation and shutdown dates with successors, the
context window, and what it supports. Dates are per host — Anthropic retires a Claude model on its own
API on one day, Bedrock and Vertex on others (PRICING.md §4.1) — so they are looked up per provider."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import pandas as pd

from pricing.book import PriceBook, catalog_row
from pricing.identity import family_of

_OPENAI_SOURCE = "https://api.openai.com/v1/models (shutdown_date)"

__all__ = ["CAPABILITIES", "Lifecycle", "lifecycle_of", "lifecycles", "openai_shutdowns"]

CAPABILITIES: tuple[str, ...] = (
    "supports_tools",
    "supports_vision",
    "supports_json_schema",
    "supports_caching",
    "supports_batch",
    "supports_reasoning",
)


@dataclass(frozen=True)
class Lifecycle:
    provider: str
    model: str
    catalog_key: str | None
    source: str | None
    deprecation_date: date | None
    successor: str | None
    deprecation_source: str | None
    context_window: int | None
    max_output_tokens: int | None
    capabilities: dict[str, bool | None]


def _value(row: pd.Series, name: str) -> object:
    value = row.get(name)
    if value is None or (not isinstance(value, (str, date, dict)) and pd.isna(value)):
        return None
    return value.item() if hasattr(value, "item") else value  # numpy scalars as plain Python values


# A catalog cell as its Lifecycle field has it; anything else the registry wrote there reads as not given.
def _text(row: pd.Series, name: str) -> str | None:
    value = _value(row, name)
    return value if isinstance(value, str) else None


def _day(row: pd.Series, name: str) -> date | None:
    value = _value(row, name)
    return value if isinstance(value, date) else None


def _whole(row: pd.Series, name: str) -> int | None:
    value = _value(row, name)
    return int(value) if isinstance(value, int | float) else None


def _flag(row: pd.Series, name: str) -> bool | None:
    value = _value(row, name)
    return None if value is None else bool(value)


def openai_shutdowns(body: bytes) -> dict[str, date]:
    """Model id → shutdown date, from OpenAI's ``/v1/models`` list (models without one are left out).

    >>> openai_shutdowns(b'{"data": [{"id": "o3-mini", "shutdown_date": "2026-10-23"}, {"id": "gpt-4o"}]}')
    {'o3-mini': datetime.date(2026, 10, 23)}
    """
    dates = {}
    for model in json.loads(body).get("data") or []:
        when = model.get("shutdown_date") if isinstance(model, dict) else None
        if isinstance(when, str):
            try:
                dates[str(model["id"])] = date.fromisoformat(when[:10])
            except ValueError:
                continue
    return dates


def _openai_shutdown(book: PriceBook, provider: str, model: str) -> date | None:
    if provider != "openai" or not book.openai_shutdowns:
        return None
    if model in book.openai_shutdowns:
        return book.openai_shutdowns[model]
    # A dated snapshot shuts down with its family's undated id when OpenAI lists only that.
    return book.openai_shutdowns.get(family_of(model))


def lifecycle_of(book: PriceBook, provider: str, model: str) -> Lifecycle:
    """What the newest registry that lists ``model`` at ``provider`` says of its lifecycle; for OpenAI's
    own API, OpenAI's shutdown date wins where a refresh fetched it."""
    target_provider, target_model = book.resolve(provider, model)
    shutdown = _openai_shutdown(book, target_provider, target_model)
    for source in ("litellm", "openrouter"):
        catalog = book.latest(source)
        row = catalog_row(catalog, target_provider, target_model) if catalog is not None else None
        if row is None:
            continue
        return Lifecycle(
            provider=provider,
            model=model,
            catalog_key=str(row["key"]),
            source=source,
            deprecation_date=shutdown or _day(row, "deprecation_date"),
            successor=_text(row, "successor"),
            deprecation_source=_OPENAI_SOURCE if shutdown else _text(row, "deprecation_source"),
            context_window=_whole(row, "context_window"),
            max_output_tokens=_whole(row, "max_output_tokens"),
            capabilities={name: _flag(row, name) for name in CAPABILITIES},
        )
    notice = _OPENAI_SOURCE if shutdown else None
    return Lifecycle(provider, model, None, None, shutdown, None, notice, None, None, dict.fromkeys(CAPABILITIES))


def lifecycles(book: PriceBook, models: pd.DataFrame) -> pd.DataFrame:
    """:func:`lifecycle_of` for each (provider, model) row of ``models``, as columns beside it."""
    found = [lifecycle_of(book, p, m) for p, m in zip(models["provider"], models["model"], strict=True)]
    frame = models.copy()
    for name in ("catalog_key", "source", "deprecation_date", "successor", "deprecation_source", "context_window"):
        frame[name] = [getattr(item, name) for item in found]
    for name in CAPABILITIES:
        frame[name] = [item.capabilities.get(name) for item in found]
    return frame
