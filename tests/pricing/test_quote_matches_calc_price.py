"""Single cases priced by exitplan's vectorised engine agree with genai_prices.calc_price."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from genai_prices import Usage, calc_price
from hypothesis import given, settings
from hypothesis import strategies as st

from pricing.quote import quote

# Models genai-prices prices, covering cache reads and writes, 1-hour writes, long-context tiers, price
# history and time-of-day prices.
MODELS = [
    ("openai", "gpt-4o"),
    ("openai", "gpt-4o-mini-2024-07-18"),
    ("openai", "o3"),
    ("openai", "gpt-4.1"),
    ("anthropic", "claude-sonnet-4-5-20250929"),
    ("anthropic", "claude-haiku-4-5"),
    ("anthropic", "claude-3-5-haiku-20241022"),
    ("google", "gemini-2.5-pro"),
    ("google", "gemini-2.5-flash"),
    ("deepseek", "deepseek-chat"),
    ("mistral", "mistral-large-latest"),
    ("aws", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"),
]


@st.composite
def usages(draw: st.DrawFn) -> dict[str, int]:
    input_tokens = draw(st.integers(0, 600_000))
    cache_read = draw(st.integers(0, input_tokens))
    cache_write = draw(st.integers(0, input_tokens - cache_read))
    cache_write_1h = draw(st.integers(0, cache_write))
    output = draw(st.integers(0, 200_000))
    return {
        "input_tokens": input_tokens,
        "cache_read_tokens": cache_read,
        "cache_write_tokens": cache_write,
        "cache_write_1h_tokens": cache_write_1h,
        "output_tokens": output,
    }


@settings(max_examples=300, deadline=None)
@given(
    model=st.sampled_from(MODELS),
    usage=usages(),
    day=st.dates(date(2024, 6, 1), date(2026, 11, 28)),
    hour=st.integers(0, 23),
)
def test_engine_agrees_with_calc_price(model: tuple[str, str], usage: dict[str, int], day: date, hour: int) -> None:
    provider, name = model
    expected = calc_price(
        Usage(**usage),
        name,
        provider_id=provider,
        genai_request_timestamp=datetime(day.year, day.month, day.day, hour, tzinfo=UTC),
    ).total_price
    ours = quote(provider, name, day=day, hour=hour, **usage)
    assert ours is not None
    assert ours.total_usd == pytest.approx(float(expected), rel=1e-9, abs=1e-12)
