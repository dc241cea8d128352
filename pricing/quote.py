"""A price quote for one usage: what ``exitplan cost`` prints, computed by the same engine as the ledger."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from pricing.book import PriceBook
from pricing.cost import COST_PARTS, cost_of

__all__ = ["Quote", "quote"]


@dataclass(frozen=True)
class Quote:
    total_usd: float
    input_usd: float
    cache_read_usd: float
    cache_write_usd: float
    output_usd: float
    requests_usd: float
    price_source: str
    price_as_of: date | None
    price_note: str | None


def quote(
    provider: str,
    model: str,
    *,
    day: date,
    input_tokens: int = 0,
    cache_read_tokens: int = 0,
    cache_write_tokens: int = 0,
    cache_write_1h_tokens: int = 0,
    output_tokens: int = 0,
    reasoning_tokens: int = 0,
    requests: int = 1,
    service_tier: str | None = None,
    hour: int | None = None,
    book: PriceBook | None = None,
) -> Quote | None:
    """The cost of one usage, or None when the model has no price.

    Canonical measures: ``input_tokens`` is all input, cache reads and writes included;
    ``cache_write_tokens`` is all cache writes, ``cache_write_1h_tokens`` the part of them with a one-hour
    TTL; ``output_tokens`` includes ``reasoning_tokens``. Each of the ``requests`` has a prompt
    of ``input_tokens / requests`` tokens, which decides long-context tiers.

    >>> quote("openai", "gpt-4o", day=date(2025, 9, 1), input_tokens=1_000_000).total_usd
    2.5
    """
    prompt = input_tokens / requests if requests else 0
    row = {
        "provider": provider,
        "model": model,
        "day": day,
        "service_tier": service_tier,
        "batch": service_tier == "batch",
        # The band's lower bound is exclusive, so "prompt > band" must hold for this request's prompt.
        "prompt_band": max(math.ceil(prompt) - 1, 0) if prompt else pd.NA,
        "requests": requests,
        "input_tokens": input_tokens,
        "cache_read_tokens": cache_read_tokens,
        "cache_write_tokens": cache_write_tokens,
        "cache_write_1h_tokens": cache_write_1h_tokens,
        "output_tokens": output_tokens,
        "reasoning_tokens": reasoning_tokens,
    }
    usage = pd.DataFrame([row])
    if hour is not None:
        usage["bucket_start"] = pd.Timestamp(day) + pd.Timedelta(hours=hour)
    cost = cost_of(usage, book).iloc[0]
    if cost["unpriced"] or pd.isna(cost["cost_usd"]):
        return None
    parts = {name: float(cost[name]) for name in COST_PARTS}
    return Quote(
        total_usd=float(cost["cost_usd"]),
        **parts,
        price_source=str(cost["price_source"]),
        price_as_of=cost["price_as_of"],
        price_note=cost["price_note"],
    )
