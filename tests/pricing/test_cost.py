"""Cost of rollups, checked against hand-computed amounts (prices: genai-prices, USD per 1M tokens)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from db.price_overrides import PriceOverride
from pricing.book import PriceBook
from pricing.cost import cost_of


def _usage(**columns: object) -> pd.DataFrame:
    row = {
        "provider": "openai",
        "model": "gpt-4o",
        "day": date(2025, 9, 1),
        "service_tier": None,
        "batch": None,
        "prompt_band": None,
        "requests": 1,
        "input_tokens": 0,
        "cache_read_tokens": 0,
        "cache_write_tokens": 0,
        "cache_write_1h_tokens": 0,
        "output_tokens": 0,
        "reasoning_tokens": 0,
    }
    row.update(columns)
    return pd.DataFrame([row])


def test_openai_cached_input_is_inside_input_and_billed_once() -> None:
    # gpt-4o: $2.50 input, $1.25 cached input, $10 output.
    cost = cost_of(_usage(input_tokens=1_000_000, cache_read_tokens=400_000, output_tokens=100_000)).iloc[0]
    assert cost["input_usd"] == pytest.approx(600_000 * 2.5 / 1e6)
    assert cost["cache_read_usd"] == pytest.approx(400_000 * 1.25 / 1e6)
    assert cost["output_usd"] == pytest.approx(1.0)
    assert cost["cost_usd"] == pytest.approx(3.0)
    assert cost["price_source"].startswith("genai-prices")


def test_anthropic_cache_writes_by_ttl() -> None:
    # claude-sonnet-4-5: $3 input, $0.30 cache read, $3.75 5-minute write, $6 1-hour write, $15 output.
    usage = _usage(
        provider="anthropic",
        model="claude-sonnet-4-5-20250929",
        input_tokens=1_000_000,
        cache_read_tokens=200_000,
        cache_write_tokens=100_000,
        cache_write_1h_tokens=40_000,
        output_tokens=10_000,
    )
    cost = cost_of(usage).iloc[0]
    assert cost["input_usd"] == pytest.approx(0.7 * 3)
    assert cost["cache_read_usd"] == pytest.approx(0.2 * 0.3)
    assert cost["cache_write_usd"] == pytest.approx(0.06 * 3.75 + 0.04 * 6)
    assert cost["cost_usd"] == pytest.approx(2.1 + 0.06 + 0.225 + 0.24 + 0.15)


def test_long_context_band_takes_the_higher_price_for_every_token() -> None:
    # gemini-2.5-pro: $1.25/$10 up to 200k prompt tokens, $2.50/$15 above.
    short = _usage(
        provider="google", model="gemini-2.5-pro", input_tokens=1_000_000, output_tokens=100_000, prompt_band=128_000
    )
    long = short.assign(prompt_band=200_000)
    assert cost_of(short).iloc[0]["cost_usd"] == pytest.approx(1.25 + 1.0)
    assert cost_of(long).iloc[0]["cost_usd"] == pytest.approx(2.5 + 1.5)


def test_price_of_the_day_a_price_cut_is_a_step() -> None:
    # o3 went from $10/$40 to $2/$8 on 2025-06-10.
    before = _usage(model="o3", day=date(2025, 6, 9), input_tokens=1_000_000, output_tokens=1_000_000)
    after = before.assign(day=date(2025, 6, 10))
    assert cost_of(before).iloc[0]["cost_usd"] == pytest.approx(50.0)
    assert cost_of(after).iloc[0]["cost_usd"] == pytest.approx(10.0)


def test_days_are_priced_per_run_of_unchanged_prices_and_each_day_at_its_own_price() -> None:
    """A rollup of many days is looked up once per run of days with the same prices (o3's cut on
    2025-06-10, and a price of the user's own from 2025-06-20), and each day still gets its day's price."""
    own = PriceOverride("openai", "o3", input_mtok=1.0, output_mtok=4.0, valid_from=date(2025, 6, 20))
    book = PriceBook(overrides=[own])
    days = [date(2025, 6, 1) + timedelta(days=n) for n in range(30)]
    usage = pd.concat(
        [_usage(model="o3", day=day, input_tokens=1_000_000, output_tokens=1_000_000) for day in days],
        ignore_index=True,
    )
    assert {book.price_period("openai", "o3", day) for day in days} == {date.min, date(2025, 6, 10), date(2025, 6, 20)}
    cost = cost_of(usage, book)["cost_usd"].tolist()
    assert cost == pytest.approx([50.0] * 9 + [10.0] * 10 + [5.0] * 11)


def test_unknown_model_is_unpriced_never_zero() -> None:
    cost = cost_of(_usage(model="my-finetune-xyz", input_tokens=1000)).iloc[0]
    assert cost["unpriced"]
    assert pd.isna(cost["cost_usd"])


def test_row_without_usage_costs_nothing_and_is_not_unpriced() -> None:
    cost = cost_of(_usage(model="web search tool calls", requests=None)).iloc[0]
    assert not cost["unpriced"]
    assert cost["cost_usd"] == 0


def test_many_rows_priced_in_one_pass() -> None:
    rows = pd.concat(
        [_usage(input_tokens=1_000_000)] * 1000 + [_usage(model="nope", input_tokens=5)], ignore_index=True
    )
    cost = cost_of(rows)
    assert cost["cost_usd"].iloc[:1000].sum() == pytest.approx(2500.0)
    assert cost["unpriced"].sum() == 1


def test_reasoning_is_billed_as_output_once() -> None:
    # o3-mini: $4.40 per million output tokens; 800k of the 1M output tokens are reasoning.
    cost = cost_of(_usage(model="o3-mini", output_tokens=1_000_000, reasoning_tokens=800_000)).iloc[0]
    assert cost["output_usd"] == pytest.approx(4.4)


def test_per_request_fees() -> None:
    # Perplexity sonar: $12 per thousand requests on top of $1 per million input tokens.
    cost = cost_of(_usage(provider="perplexity", model="sonar", requests=1000, input_tokens=1000)).iloc[0]
    assert cost["requests_usd"] == pytest.approx(12.0)
    assert cost["input_usd"] == pytest.approx(0.001)


def test_priority_tier() -> None:
    # gpt-4o priority processing: $4.25 per million input tokens (from 2026-10-12), $2.50 standard.
    usage = _usage(day=date(2026, 11, 1), input_tokens=1_000_000)
    assert cost_of(usage.assign(service_tier="priority")).iloc[0]["cost_usd"] == pytest.approx(4.25)
    assert cost_of(usage.assign(service_tier="default")).iloc[0]["cost_usd"] == pytest.approx(2.5)
