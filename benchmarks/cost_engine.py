"""Cost-engine benchmark: :func:`pricing.cost.cost_of` on 100k rollups against a per-row price loop.

The rollups are synthetic daily rows of ten models genai-prices knows (OpenAI, Anthropic, Google, Groq),
over 90 days, in the standard, batch, flex and priority tiers, a few with prompts past a long-context
cliff. ``cost_of`` looks each distinct (model, day, tier, prompt size) up once and multiplies columns;
the loop calls ``genai_prices.calc_price`` for every row, as code without a cost engine would.

The loop runs on the first 2,000 rows and its time is scaled linearly to all rows: each call does the same
work whatever the row, so the scaling is fair, and the full loop would take minutes. ``cost_of`` is timed
best of 3 after a warm-up, each run with a new price book (the book memoises lookups, and a page loads a
new one per read); the loop best of 3 as well.

As a check that both did the same work, their totals are compared on the subset's rows that a per-row
``calc_price`` can price right: standard tier, prompts below every cliff, flat-priced models. Elsewhere they
differ by design — ``calc_price`` sees a rollup as one request (millions of tokens: past Gemini Pro's
200k cliff) and, in genai-prices 0.2.3, applies no batch, flex or priority price, where the cost engine
prices per request band and takes tier discounts from LiteLLM.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import genai_prices
import numpy as np
import pandas as pd

from benchmarks.timing import best_of
from pricing.book import PriceBook, tier_of
from pricing.cost import cost_of
from pricing.litellm import VENDORED_AS_OF, vendored_catalog

__all__ = ["CostResult", "rollups", "run_cost_engine", "table"]

ROWS = 100_000
LOOP_ROWS = 2_000
REPEATS = 3
_SEED = 7
_START = date(2025, 8, 1)
_DAYS = 90
# (provider, model, mean input tokens per rollup row, output share of input)
_MODELS: tuple[tuple[str, str, float, float], ...] = (
    ("openai", "gpt-4o-2024-08-06", 2e6, 0.15),
    ("openai", "gpt-4o-mini-2024-07-18", 5e6, 0.1),
    ("openai", "gpt-4.1-2025-04-14", 3e6, 0.1),
    ("openai", "o3-mini-2025-01-31", 1e6, 0.5),
    ("openai", "text-embedding-3-small", 2e7, 0.0),
    ("anthropic", "claude-sonnet-4-20250514", 3e6, 0.12),
    ("anthropic", "claude-3-5-haiku-20241022", 2e6, 0.1),
    ("google", "gemini-2.5-flash", 4e6, 0.1),
    ("google", "gemini-2.5-pro", 2e6, 0.12),
    ("groq", "llama-3.3-70b-versatile", 1e6, 0.2),
)
# (service_tier, batch) and how often each appears
_TIERS: tuple[tuple[str | None, bool], ...] = (
    ("default", False),
    (None, False),
    ("default", True),
    ("flex", False),
    ("priority", False),
)
_TIER_SHARE = (0.55, 0.2, 0.15, 0.05, 0.05)
# Models whose price per token rises past a prompt size: a rollup's summed tokens cross it, a request's may not.
_CLIFF_MODELS = ("gemini-2.5-pro",)


def rollups(rows: int = ROWS, seed: int = _SEED) -> pd.DataFrame:
    """``rows`` daily rollups in the shape ``priced_usage`` reads (pricing keys, ``day``, measures)."""
    rng = np.random.default_rng(seed)
    model = rng.integers(0, len(_MODELS), rows)
    tier = rng.choice(len(_TIERS), rows, p=_TIER_SHARE)
    requests = np.maximum(rng.lognormal(6.0, 1.2, rows).round(), 1).astype("int64")
    mean_input = np.array([m[2] for m in _MODELS])[model]
    input_tokens = np.round(mean_input * rng.lognormal(-0.5, 1.0, rows)).astype("int64")
    output_tokens = np.round(input_tokens * np.array([m[3] for m in _MODELS])[model] * rng.uniform(0.5, 1.5, rows))
    cache_read = np.floor(input_tokens * rng.uniform(0.0, 0.6, rows) * (rng.random(rows) < 0.5))
    is_anthropic = np.array([m[0] == "anthropic" for m in _MODELS])[model]
    cache_write = np.floor((input_tokens - cache_read) * rng.uniform(0.0, 0.2, rows) * is_anthropic)
    reasoning = np.floor(output_tokens * 0.7 * (np.array([m[1] for m in _MODELS])[model] == "o3-mini-2025-01-31"))
    # A few rollups of requests past the 200k-token cliff, where Gemini Pro and Sonnet cost more.
    long_context = (rng.random(rows) < 0.03) & np.isin(model, [5, 8])
    return pd.DataFrame(
        {
            "provider": np.array([m[0] for m in _MODELS], dtype=object)[model],
            "model": np.array([m[1] for m in _MODELS], dtype=object)[model],
            "day": [_START + timedelta(days=int(d)) for d in rng.integers(0, _DAYS, rows)],
            "service_tier": np.array([t[0] for t in _TIERS], dtype=object)[tier],
            "batch": np.array([t[1] for t in _TIERS])[tier],
            "prompt_band": pd.array(np.where(long_context, 200_000, 0), dtype="Int64"),
            "requests": requests,
            "input_tokens": input_tokens,
            "cache_read_tokens": cache_read.astype("int64"),
            "cache_write_tokens": cache_write.astype("int64"),
            "cache_write_1h_tokens": np.zeros(rows, dtype="int64"),
            "output_tokens": output_tokens.astype("int64"),
            "reasoning_tokens": reasoning.astype("int64"),
        }
    )


def _loop(frame: pd.DataFrame) -> tuple[float, int]:
    """Price each row with genai-prices, one call per row; returns the total and the rows it could not price."""
    total, unpriced = 0.0, 0
    columns = (
        "provider",
        "model",
        "day",
        "service_tier",
        "batch",
        "input_tokens",
        "cache_read_tokens",
        "cache_write_tokens",
        "output_tokens",
    )
    rows: list[tuple[str, str, date, object, bool, int, int, int, int]] = list(
        zip(*(frame[name].tolist() for name in columns), strict=True)
    )
    for provider, model, day, service_tier, batch, input_tokens, cache_reads, cache_writes, output_tokens in rows:
        usage = genai_prices.Usage(
            input_tokens=int(input_tokens),
            cache_read_tokens=int(cache_reads),
            cache_write_tokens=int(cache_writes),
            output_tokens=int(output_tokens),
        )
        tier = tier_of(service_tier if isinstance(service_tier, str) else None, bool(batch))
        context = {"processing": "batch"} if tier == "batch" else {"service_tier": tier} if tier != "standard" else None
        try:
            price = genai_prices.calc_price(
                usage,
                model,
                provider_id=provider,
                genai_request_timestamp=datetime.combine(day, clock(12), tzinfo=UTC),
                price_context=context,
            )
        except LookupError:
            unpriced += 1
            continue
        total += float(price.total_price)
    return total, unpriced


def _book() -> PriceBook:
    return PriceBook(litellm=[(VENDORED_AS_OF, vendored_catalog())])


@dataclass(frozen=True)
class CostResult:
    rows: int
    loop_rows: int
    engine_s: float
    loop_subset_s: float
    lookups: int
    compared_rows: int
    engine_subset_usd: float
    loop_subset_usd: float
    loop_unpriced: int

    @property
    def loop_s(self) -> float:
        """The loop's time scaled linearly from its subset to every row."""
        return self.loop_subset_s * self.rows / self.loop_rows

    @property
    def ratio(self) -> float:
        return self.engine_s / self.loop_s

    def summary(self) -> str:
        return f"cost_engine_vs_loop={self.ratio:.4f}"


def run_cost_engine(rows: int = ROWS, loop_rows: int = LOOP_ROWS, *, log: Callable[[str], None] = print) -> CostResult:
    log(f"cost engine on {rows:,} rollups, per-row loop on {loop_rows:,} …")
    frame = rollups(rows)
    cost_of(frame, _book())  # warm-up: genai-prices' snapshot and the vendored LiteLLM catalogue load once
    engine_s = best_of(lambda: cost_of(frame, _book()), REPEATS)
    subset = frame.iloc[:loop_rows]
    _loop(subset.iloc[:50])  # warm-up
    loop_s = best_of(lambda: _loop(subset), REPEATS)
    tiers = [
        tier_of(t if isinstance(t, str) else None, bool(b))
        for t, b in zip(subset["service_tier"], subset["batch"], strict=True)
    ]
    comparable = subset[
        (pd.Series(tiers, index=subset.index) == "standard")
        & (subset["prompt_band"] == 0)
        & ~subset["model"].isin(_CLIFF_MODELS)
    ]
    engine_total = float(cost_of(comparable, _book())["cost_usd"].sum())
    loop_total, unpriced = _loop(comparable)
    lookups = len(frame[["provider", "model", "day", "service_tier", "batch", "prompt_band"]].drop_duplicates())
    return CostResult(rows, loop_rows, engine_s, loop_s, lookups, len(comparable), engine_total, loop_total, unpriced)


def table(result: CostResult) -> str:
    r = result
    gap = (r.engine_subset_usd - r.loop_subset_usd) / r.loop_subset_usd if r.loop_subset_usd else float("nan")
    return "\n".join(
        [
            f"{'method':<34} {'rows':>9} {'seconds':>10} {'rows/s':>12}",
            f"{'pricing.cost.cost_of':<34} {r.rows:>9,} {r.engine_s:>10.3f} {r.rows / r.engine_s:>12,.0f}",
            f"{'calc_price loop (measured)':<34} {r.loop_rows:>9,} {r.loop_subset_s:>10.3f} "
            f"{r.loop_rows / r.loop_subset_s:>12,.0f}",
            f"{'calc_price loop (scaled to all)':<34} {r.rows:>9,} {r.loop_s:>10.1f} {r.rows / r.loop_s:>12,.0f}",
            f"distinct price keys: {r.lookups:,}; on the {r.compared_rows:,} comparable rows of the subset "
            f"(standard tier, flat prices) cost_of says ${r.engine_subset_usd:,.2f}, the loop "
            f"${r.loop_subset_usd:,.2f} ({gap:+.3%}; {r.loop_unpriced} rows unpriced by the loop)",
        ]
    )
