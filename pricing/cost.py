"""The cost of usage rollups, vectorised: unit-price columns times measure columns, no loop per row."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pricing.book import price_table

__all__ = ["COST_PARTS", "cost_of"]

COST_PARTS: tuple[str, ...] = ("input_usd", "cache_read_usd", "cache_write_usd", "output_usd", "requests_usd")


def cost_of(usage: pd.DataFrame) -> pd.DataFrame:
    """Cost of each row of ``usage`` at the prices in force on its ``day``.

    ``usage`` has the canonical measures and the keys ``provider``, ``model``, ``day`` (optionally
    ``service_tier``, ``batch``, ``prompt_band``). Returns, aligned with it, one ``*_usd`` column per
    part, ``cost_usd`` (their sum), ``price_source``, and ``unpriced`` — true where the row has usage
    but no price, whose cost is then NaN, never 0.
    """
    prices = price_table(usage)
    tokens = {
        name: usage[name].astype("float64").fillna(0.0)
        for name in (
            "input_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
            "cache_write_1h_tokens",
            "output_tokens",
        )
    }
    requests = usage["requests"].astype("float64").fillna(0.0)
    uncached = tokens["input_tokens"] - tokens["cache_read_tokens"] - tokens["cache_write_tokens"]
    write_5m = tokens["cache_write_tokens"] - tokens["cache_write_1h_tokens"]
    per_token = 1e-6
    parts = pd.DataFrame(
        {
            "input_usd": uncached * prices["input_mtok"] * per_token,
            "cache_read_usd": tokens["cache_read_tokens"] * prices["cache_read_mtok"] * per_token,
            "cache_write_usd": (
                write_5m * prices["cache_write_mtok"] + tokens["cache_write_1h_tokens"] * prices["cache_write_1h_mtok"]
            )
            * per_token,
            "output_usd": tokens["output_tokens"] * prices["output_mtok"] * per_token,
            "requests_usd": requests * prices["requests_kcount"] / 1000,
        },
        index=usage.index,
    )
    has_usage = (sum(tokens.values()) + requests) > 0
    unpriced = prices["price_source"].isna() & has_usage
    no_price = prices["price_source"].isna()
    parts.loc[no_price & has_usage] = np.nan
    # Rows with nothing to price (cost-only rows) cost nothing here; their reported cost stands.
    parts.loc[no_price & ~has_usage] = 0.0
    parts["cost_usd"] = parts[list(COST_PARTS)].sum(axis=1, min_count=len(COST_PARTS))
    parts["price_source"] = prices["price_source"]
    parts["unpriced"] = unpriced
    return parts
