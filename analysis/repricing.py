"""Repricing a workload's traffic on other models: its token mix, adjusted for the target's tokenizer, its
output length and what the target supports, priced with today's prices — many plans in one vectorised pass.

A *plan* is one (candidate, scenario): a host and model, a tokenizer ratio (target tokens per source
token, applied to input and output alike), an output verbosity factor, whether prompt caching carries
over (only where the target supports it) and at what share of today's hits, how many tokens a host that
bills cache writes writes per token read (where today's traffic reports none), whether the batch API is
used, or whether the traffic keeps its own tiers (how today's model is priced). Prompts scaled by the ratio
can cross a long-context cliff: the prompt-size band is recomputed from the scaled prompt.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from db.measures import prompt_bands
from pricing.book import PriceBook
from pricing.cost import cost_of

__all__ = ["PLAN_COLUMNS", "PLAN_DEFAULTS", "reprice"]

PLAN_COLUMNS = ["plan", "provider", "model", "token_ratio", "verbosity", "keep_cache", "use_batch", "keep_tier"]
# Columns a plan may leave out, and their meaning then: every cache hit carries over, no writes are added.
PLAN_DEFAULTS = {"cache_hit": 1.0, "writes_per_read": 0.0}


def reprice(
    mix: pd.DataFrame, plans: pd.DataFrame, *, day: date, book: PriceBook, monthly_factor: float
) -> pd.DataFrame:
    """Monthly cost of ``mix`` (a workload profile's rollups) under each plan.

    Returns one row per plan: ``plan``, ``monthly_usd`` (NaN when any part is unpriced), ``price_source``
    and ``price_note`` (of the plan's largest part).
    """
    if mix.empty or plans.empty:
        return pd.DataFrame({"plan": plans["plan"], "monthly_usd": np.nan, "price_source": None, "price_note": None})
    columns = plans.reindex(columns=[*PLAN_COLUMNS, *PLAN_DEFAULTS]).fillna(PLAN_DEFAULTS)
    frame = columns.merge(mix, how="cross")
    ratio = frame["token_ratio"].astype("float64")
    keep = frame["keep_cache"].astype(bool)

    def scaled(name: str, factor: pd.Series) -> pd.Series:
        return (frame[name].astype("float64").fillna(0.0) * factor).round()

    original_input = frame["input_tokens"].copy()
    frame["input_tokens"] = scaled("input_tokens", ratio)
    # Without prompt caching at the target, what was read from or written to the cache is plain input;
    # with it, a share of today's hits (the rest is plain input too).
    reads = scaled("cache_read_tokens", ratio)
    frame["cache_read_tokens"] = (reads * frame["cache_hit"].astype("float64")).round().where(keep, 0.0)
    writes = scaled("cache_write_tokens", ratio)
    # A host that bills writes, for traffic that reports none: writes in proportion to today's reads, within
    # the input that is not read from cache.
    estimated = (reads * frame["writes_per_read"].astype("float64")).round()
    room = frame["input_tokens"] - frame["cache_read_tokens"]
    writes = writes.where(writes > 0, estimated.clip(upper=room))
    frame["cache_write_tokens"] = writes.where(keep, 0.0)
    frame["cache_write_1h_tokens"] = scaled("cache_write_1h_tokens", ratio).where(keep, 0.0)
    output_factor = ratio * frame["verbosity"].astype("float64")
    frame["output_tokens"] = scaled("output_tokens", output_factor)
    frame["reasoning_tokens"] = scaled("reasoning_tokens", output_factor)
    # Scaled prompts may land beyond a long-context cliff. A rollup's mean prompt stands for its requests
    # (it lies inside the rollup's band); without a request count, the band's lower bound does.
    requests = pd.to_numeric(frame["requests"], errors="coerce")
    mean_prompt = pd.to_numeric(original_input, errors="coerce") / requests.where(requests > 0)
    bound = pd.to_numeric(frame["prompt_band"], errors="coerce") + 1
    frame["prompt_band"] = prompt_bands(mean_prompt.fillna(bound) * ratio).where(bound.notna() | mean_prompt.notna())
    # A plan keeps the traffic's own tiers (today's model as it runs now), or moves it to the batch API or
    # the standard tier.
    keep_tier = frame["keep_tier"].astype(bool)
    batch = frame["use_batch"].astype(bool)
    tier = frame["service_tier"].astype(object)
    frame["service_tier"] = tier.where(keep_tier, tier.where(tier != "batch", None).where(~batch, "batch"))
    frame["batch"] = frame["batch"].astype("boolean").where(keep_tier, batch)
    frame["day"] = day
    cost = cost_of(frame, book)
    frame["cost_usd"] = cost["cost_usd"]
    frame["unpriced"] = cost["unpriced"]
    frame["price_source"] = cost["price_source"]
    frame["price_note"] = cost["price_note"]
    grouped = frame.groupby("plan", sort=False)
    largest = frame.sort_values("cost_usd", ascending=False).drop_duplicates("plan").set_index("plan")
    out = pd.DataFrame(
        {
            "monthly_usd": grouped["cost_usd"].sum(min_count=1) * monthly_factor,
            "unpriced": grouped["unpriced"].any(),
        }
    )
    out.loc[out["unpriced"], "monthly_usd"] = np.nan
    out["price_source"] = largest["price_source"]
    out["price_note"] = largest["price_note"]
    return out.drop(columns="unpriced").reset_index()
