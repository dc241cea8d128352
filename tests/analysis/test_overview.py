"""Overview figures from a priced frame, with hand-computed expectations."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from analysis.overview import SERIES_SHOWN, by_project_and_model, kpis, spend_over_time
from analysis.spend import price_usage


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {
        "service_tier": None,
        "batch": None,
        "prompt_band": None,
        "project": None,
        "requests": 1,
        "input_tokens": 0,
        "cache_read_tokens": 0,
        "cache_write_tokens": 0,
        "cache_write_1h_tokens": 0,
        "output_tokens": 0,
        "reasoning_tokens": 0,
        "reported_cost_nano_usd": None,
    }
    frame = pd.DataFrame([{**base, **row} for row in rows])
    for name in ("requests", "reported_cost_nano_usd"):
        frame[name] = frame[name].astype("Int64")
    return price_usage(frame)


END = date(2025, 9, 30)


def test_kpis_over_the_last_30_days() -> None:
    # gpt-4o: 1M input = $2.50. claude-sonnet-4-5: 1M input = $3.00.
    priced = _frame(
        [
            {"day": END, "provider": "openai", "model": "gpt-4o", "input_tokens": 1_000_000, "requests": 10},
            {"day": END - timedelta(days=29), "provider": "openai", "model": "gpt-4o", "input_tokens": 1_000_000},
            {
                "day": END - timedelta(days=30),
                "provider": "anthropic",
                "model": "claude-sonnet-4-5",
                "input_tokens": 1_000_000,
            },  # outside the window
            {"day": END, "provider": "anthropic", "model": "claude-sonnet-4-5", "input_tokens": 1_000_000},
            {"day": END, "provider": "openai", "model": "mystery-model", "input_tokens": 5},
        ]
    )
    k = kpis(priced)
    assert k is not None
    assert (k.window_start, k.window_end) == (END - timedelta(days=29), END)
    assert k.spend_usd == pytest.approx(2.5 + 2.5 + 3.0)
    assert k.monthly_run_rate_usd == pytest.approx(8.0 / 30 * 365.25 / 12)
    assert k.requests == 10 + 1 + 1 + 1
    assert k.tokens == 3_000_005
    assert k.top_provider == "openai"
    assert k.top_provider_share == pytest.approx(5.0 / 8.0)
    assert k.unpriced_models == ("openai/mystery-model",)


def test_reported_cost_stands_where_there_is_nothing_to_price() -> None:
    priced = _frame(
        [
            {
                "day": END,
                "provider": "openai",
                "model": "web search tool calls",
                "requests": None,
                "reported_cost_nano_usd": 1_500_000_000,
            }
        ]
    )
    assert priced["spend_usd"].iloc[0] == pytest.approx(1.5)


def test_counts_no_source_reports_are_unknown_not_zero() -> None:
    unknown = {name: None for name in ("requests", "input_tokens", "output_tokens")}
    cost_only = {"day": END, "provider": "openai", "model": "gpt-4o", "reported_cost_nano_usd": 2_000_000_000}
    frame = _frame([{**cost_only, **unknown}])
    k = kpis(frame)
    assert k is not None and (k.requests, k.tokens) == (None, None)
    # Where one source reports counts, the known part is summed; the cost-only row adds nothing to it.
    known = {"day": END, "provider": "openai", "model": "gpt-4o", "input_tokens": 1_000, "output_tokens": 20}
    k = kpis(_frame([{**cost_only, **unknown}, known]))
    assert k is not None and (k.requests, k.tokens) == (1, 1_020)


def test_a_window_with_nothing_priced_has_no_spend_not_zero() -> None:
    # A gateway's per-request model names: tokens counted, no price known, no cost reported.
    k = kpis(_frame([{"day": END, "provider": "openai", "model": "req-0001", "input_tokens": 100, "requests": 1}]))
    assert k is not None and (k.spend_usd, k.monthly_run_rate_usd, k.top_provider) == (None, None, None)
    assert k.unpriced_models == ("openai/req-0001",) and k.tokens == 100


def test_spend_over_time_by_week_starts_monday() -> None:
    priced = _frame(
        [
            {"day": date(2025, 9, 1), "provider": "openai", "model": "gpt-4o", "input_tokens": 1_000_000},
            {"day": date(2025, 9, 7), "provider": "openai", "model": "gpt-4o", "input_tokens": 1_000_000},
            {"day": date(2025, 9, 8), "provider": "openai", "model": "gpt-4o", "input_tokens": 1_000_000},
        ]
    )
    weekly = spend_over_time(priced, "provider", "W")
    assert weekly["period"].dt.date.tolist() == [date(2025, 9, 1), date(2025, 9, 8)]
    assert weekly["spend_usd"].tolist() == pytest.approx([5.0, 2.5])


def test_spend_over_time_sums_all_but_the_largest_spenders_as_one_series() -> None:
    # Fourteen models spending $1 … $14 in one month.
    frame = spend_over_time(
        pd.DataFrame(
            {"day": [date(2025, 9, 1)] * 14, "model": [f"m{n}" for n in range(1, 15)], "spend_usd": range(1, 15)}
        ),
        "model",
        "M",
    )
    assert len(frame) == SERIES_SHOWN
    spend = dict(zip(frame["model"], frame["spend_usd"], strict=True))
    assert {f"m{n}" for n in range(4, 15)} < set(spend)  # the eleven largest, by name
    assert spend["3 other models"] == 1 + 2 + 3 and sum(spend.values()) == sum(range(1, 15))


def test_table_by_project_and_model_sorted_by_spend_with_shares() -> None:
    priced = _frame(
        [
            {"day": END, "provider": "openai", "model": "gpt-4o", "project": "a", "input_tokens": 1_000_000},
            {"day": END, "provider": "openai", "model": "gpt-4o", "project": "b", "input_tokens": 3_000_000},
        ]
    )
    table = by_project_and_model(priced)
    assert table["project"].tolist() == ["b", "a"]
    assert table["share"].tolist() == pytest.approx([0.75, 0.25])


def test_a_cost_report_beside_usage_of_the_same_day_is_not_counted_twice() -> None:
    priced = _frame(
        [
            {"day": END, "provider": "openai", "model": "gpt-4o", "input_tokens": 1_000_000},
            {
                "day": END,
                "provider": "openai",
                "model": "gpt-4o",
                "requests": None,
                "reported_cost_nano_usd": 2_600_000_000,
            },
            {
                "day": END - timedelta(days=1),
                "provider": "openai",
                "model": "gpt-4o",
                "requests": None,
                "reported_cost_nano_usd": 1_000_000_000,
            },
        ]
    )
    # The day with usage spends the priced tokens ($2.50); the day with only a cost report spends its $1.
    assert priced["spend_usd"].tolist() == pytest.approx([2.5, 0.0, 1.0])
    assert priced["reported_cost_usd"].sum() == pytest.approx(3.6)


def test_time_of_day_prices_are_applied_by_the_hour(ledger) -> None:
    from analysis.spend import priced_usage
    from collectors import ingest, source_from_bytes
    from pricing.cost import offline_book

    # deepseek-chat is 50% off in its off-peak hours (16:30–00:30 UTC) in genai-prices.
    content = (
        b"timestamp,provider,model,input_tokens,output_tokens\n"
        b"2025-09-01T10:00:00Z,deepseek,deepseek-chat,1000000,0\n"
        b"2025-09-01T20:00:00Z,deepseek,deepseek-chat,1000000,0\n"
    )
    ingest(ledger, source_from_bytes("deepseek.csv", content))
    book = offline_book()
    peak = book.price("deepseek", "deepseek-chat", date(2025, 9, 1), hour=10).input_mtok
    off_peak = book.price("deepseek", "deepseek-chat", date(2025, 9, 1), hour=20).input_mtok
    assert off_peak == pytest.approx(peak / 2)
    priced = priced_usage(ledger)
    assert len(priced) == 1
    assert priced["spend_usd"].sum() == pytest.approx(peak + off_peak)
