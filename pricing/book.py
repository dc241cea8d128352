"""The price book: the unit prices in force for a model at a provider on a day, with their source.

Prices come from the ``genai-prices`` package, which keeps price history (a price cut applies from its
date), cache-read and cache-write prices, service-tier and batch variants, and long-context tiers.
A model the book cannot resolve has no price: callers show it as unpriced, never as $0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from functools import lru_cache

import pandas as pd
from genai_prices import data_snapshot
from genai_prices.types import TieredPrices

__all__ = ["PRICE_COLUMNS", "Price", "price_for", "price_table"]

# Unit prices a rollup is priced with: USD per million tokens, and USD per thousand requests.
PRICE_COLUMNS: tuple[str, ...] = (
    "input_mtok",
    "cache_read_mtok",
    "cache_write_mtok",
    "cache_write_1h_mtok",
    "output_mtok",
    "requests_kcount",
)


@dataclass(frozen=True)
class Price:
    """Unit prices for one (model, provider, day, tier, prompt-size band), each part already resolved.

    A part the source does not price separately falls back as the vendor bills it: cache reads and
    writes at the input price, one-hour cache writes at the cache-write price.
    """

    input_mtok: float
    cache_read_mtok: float
    cache_write_mtok: float
    cache_write_1h_mtok: float
    output_mtok: float
    requests_kcount: float
    model_id: str
    source: str


def _unit(value: Decimal | TieredPrices | None, prompt_band: int | None) -> float | None:
    """A price at a prompt-size band: a long-context tier applies to every token of a request whose
    prompt exceeds the tier's start, and a band's prompts all exceed its lower bound."""
    if value is None:
        return None
    if isinstance(value, TieredPrices):
        applicable = value.base
        for tier in value.tiers:
            if prompt_band is not None and prompt_band >= tier.start:
                applicable = tier.price
        return float(applicable)
    return float(value)


@lru_cache(maxsize=65_536)
def price_for(
    provider: str,
    model: str,
    day: date,
    *,
    service_tier: str | None = None,
    batch: bool | None = None,
    prompt_band: int | None = None,
) -> Price | None:
    """The prices in force for ``model`` at ``provider`` on ``day``, or None when the model is unknown.

    >>> price_for("openai", "gpt-4o-2024-08-06", date(2025, 9, 1)).output_mtok
    10.0
    """
    try:
        _, info = data_snapshot.get_snapshot().find_provider_model(model, None, provider, None)
    except LookupError:
        return None
    context: dict[str, str] = {}
    if service_tier:
        context["service_tier"] = service_tier
    if batch:
        context["processing"] = "batch"
    moment = datetime.combine(day, time(12), tzinfo=UTC)
    prices = info.get_prices(moment, context or None)
    input_price = _unit(prices.input_mtok, prompt_band)
    output_price = _unit(prices.output_mtok, prompt_band)
    if input_price is None and output_price is None:
        return None
    input_price = input_price or 0.0
    cache_write = _unit(prices.cache_write_mtok, prompt_band)
    cache_write = input_price if cache_write is None else cache_write
    cache_read = _unit(prices.cache_read_mtok, prompt_band)
    cache_write_1h = _unit(prices.cache_write_1h_mtok, prompt_band)
    requests = _unit(prices.requests_kcount, None)
    return Price(
        input_mtok=input_price,
        cache_read_mtok=input_price if cache_read is None else cache_read,
        cache_write_mtok=cache_write,
        cache_write_1h_mtok=cache_write if cache_write_1h is None else cache_write_1h,
        output_mtok=output_price or 0.0,
        requests_kcount=requests or 0.0,
        model_id=info.id,
        source="genai-prices",
    )


_KEY_COLUMNS = ["provider", "model", "day", "service_tier", "batch", "prompt_band"]


def price_table(keys: pd.DataFrame) -> pd.DataFrame:
    """Unit prices for each row of ``keys`` (columns: provider, model, day and optionally service_tier,
    batch, prompt_band), aligned with its index. Unpriced rows have NaN prices and no source.

    Each distinct key is looked up once, so this scales with the catalogue, not with the usage.
    """
    frame = keys.copy()
    for column in _KEY_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame = frame[_KEY_COLUMNS].astype(object).where(frame[_KEY_COLUMNS].notna(), None)
    distinct = frame.drop_duplicates().reset_index(drop=True)
    found = [
        price_for(
            p,
            m,
            d,
            service_tier=tier,
            batch=bool(b) if b is not None else None,
            prompt_band=int(band) if band is not None else None,
        )
        for p, m, d, tier, b, band in distinct.itertuples(index=False)
    ]
    for column in PRICE_COLUMNS:
        distinct[column] = [getattr(price, column) if price else float("nan") for price in found]
    distinct["price_source"] = [price.source if price else None for price in found]
    distinct["priced_as"] = [price.model_id if price else None for price in found]
    merged = frame.merge(distinct, on=_KEY_COLUMNS, how="left")
    merged.index = keys.index
    return merged[[*PRICE_COLUMNS, "price_source", "priced_as"]]
