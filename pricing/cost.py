"""The cost of usage rollups, vectorised: unit-price columns times measure columns, no loop per row.

Each distinct (provider, model, day, tier, prompt size[, hour]) is looked up once in the price book; the
prices are joined onto the rollups and multiplied in columns. The parts follow the canonical measures:

- input: input tokens that were neither cache reads nor cache writes, at the input price;
- cache reads at the cache-read price; cache writes at the 5-minute or 1-hour write price;
- output at the output price, its reasoning part at the reasoning price (the output price where the
  source sets none: reasoning is billed as output);
- requests at the per-request fee.

Long-context cliffs come from the prompt-size band: a band's requests all have prompts above its lower
bound, so a tier whose threshold is a band bound is priced exactly.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from pricing.book import PRICE_COLUMNS, PriceBook, tier_of

__all__ = ["COST_PARTS", "cost_of", "offline_book", "price_table"]

COST_PARTS: tuple[str, ...] = ("input_usd", "cache_read_usd", "cache_write_usd", "output_usd", "requests_usd")
_KEYS = ["provider", "model", "day", "tier", "prompt_min", "hour"]


@lru_cache(maxsize=1)
def offline_book() -> PriceBook:
    return PriceBook.offline()


def _keys(usage: pd.DataFrame) -> pd.DataFrame:
    keys = pd.DataFrame(index=usage.index)
    keys["provider"] = usage["provider"].astype(object)
    keys["model"] = usage["model"].astype(object)
    if "day" in usage.columns:
        keys["day"] = usage["day"]
    else:
        keys["day"] = pd.to_datetime(usage["bucket_start"]).dt.date
    keys["hour"] = pd.to_datetime(usage["bucket_start"]).dt.hour.astype(object) if "bucket_start" in usage else None
    tiers = usage["service_tier"] if "service_tier" in usage else pd.Series(None, index=usage.index)
    batches = usage["batch"] if "batch" in usage else pd.Series(None, index=usage.index)
    keys["tier"] = [
        tier_of(t if isinstance(t, str) else None, bool(b) if b is not None and not pd.isna(b) else None)
        for t, b in zip(tiers.astype(object), batches.astype(object), strict=True)
    ]
    bands = usage["prompt_band"] if "prompt_band" in usage else pd.Series(pd.NA, index=usage.index)
    # A band's lower bound is exclusive: its smallest prompt has one token more.
    keys["prompt_min"] = (pd.to_numeric(bands, errors="coerce") + 1).fillna(0).astype("int64")
    return keys


def price_table(usage: pd.DataFrame, book: PriceBook | None = None) -> pd.DataFrame:
    """Unit prices for each row of ``usage`` (its provider, model, day or bucket_start, and optionally
    service_tier, batch, prompt_band), aligned with its index. Unpriced rows have NaN prices."""
    book = book or offline_book()
    keys = _keys(usage)
    # Only models whose price changes with the hour are looked up per hour.
    hourly = {
        (p, m)
        for p, m in keys[["provider", "model"]].drop_duplicates().itertuples(index=False)
        if isinstance(p, str) and isinstance(m, str) and book.has_time_of_day_prices(p, m)
    }
    keys["hour"] = [
        h if (p, m) in hourly else None for p, m, h in zip(keys["provider"], keys["model"], keys["hour"], strict=True)
    ]
    distinct = keys.drop_duplicates().reset_index(drop=True)
    found = [
        book.price(p, m, d, tier=t, prompt_min=int(pm), hour=None if h is None or pd.isna(h) else int(h))
        if isinstance(p, str) and isinstance(m, str)
        else None
        for p, m, d, t, pm, h in distinct[_KEYS].itertuples(index=False)
    ]
    for column in PRICE_COLUMNS:
        distinct[column] = [getattr(price, column) if price else np.nan for price in found]
    distinct["price_source"] = [price.source if price else None for price in found]
    distinct["price_as_of"] = [price.as_of if price else None for price in found]
    distinct["price_note"] = [price.note if price else None for price in found]
    merged = keys.merge(distinct, on=_KEYS, how="left")
    merged.index = usage.index
    return merged[[*PRICE_COLUMNS, "price_source", "price_as_of", "price_note"]]


def _measure(usage: pd.DataFrame, name: str) -> pd.Series:
    if name not in usage:
        return pd.Series(0.0, index=usage.index)
    return usage[name].astype("float64").fillna(0.0)


def cost_of(usage: pd.DataFrame, book: PriceBook | None = None) -> pd.DataFrame:
    """Cost of each row of ``usage`` at the prices in force on its day.

    Returns, aligned with it, one ``*_usd`` column per part, ``cost_usd`` (their sum), ``price_source``,
    ``price_as_of``, ``price_note``, and ``unpriced`` — true where the row has usage but no price, whose
    cost is then NaN, never 0.
    """
    prices = price_table(usage, book)
    tokens = {
        name: _measure(usage, name)
        for name in (
            "input_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
            "cache_write_1h_tokens",
            "output_tokens",
            "reasoning_tokens",
        )
    }
    requests = _measure(usage, "requests")
    uncached = tokens["input_tokens"] - tokens["cache_read_tokens"] - tokens["cache_write_tokens"]
    write_5m = tokens["cache_write_tokens"] - tokens["cache_write_1h_tokens"]
    visible_output = tokens["output_tokens"] - tokens["reasoning_tokens"]
    per_token = 1e-6
    parts = pd.DataFrame(
        {
            "input_usd": uncached * prices["input_mtok"] * per_token,
            "cache_read_usd": tokens["cache_read_tokens"] * prices["cache_read_mtok"] * per_token,
            "cache_write_usd": (
                write_5m * prices["cache_write_mtok"] + tokens["cache_write_1h_tokens"] * prices["cache_write_1h_mtok"]
            )
            * per_token,
            "output_usd": (
                visible_output * prices["output_mtok"] + tokens["reasoning_tokens"] * prices["reasoning_mtok"]
            )
            * per_token,
            "requests_usd": requests * prices["requests_kcount"] / 1000,
        },
        index=usage.index,
    )
    has_usage = (sum(tokens.values()) + requests) > 0
    no_price = prices["price_source"].isna()
    parts.loc[no_price & has_usage] = np.nan
    # Rows with nothing to price (cost-only rows) cost nothing here; their reported cost stands.
    parts.loc[no_price & ~has_usage] = 0.0
    parts["cost_usd"] = parts[list(COST_PARTS)].sum(axis=1, min_count=len(COST_PARTS))
    parts["price_source"] = prices["price_source"]
    parts["price_as_of"] = prices["price_as_of"]
    parts["price_note"] = prices["price_note"]
    parts["unpriced"] = no_price & has_usage
    return parts
