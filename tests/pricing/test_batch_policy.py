"""Batch jobs no registry prices: each provider's published batch policy, with hand-computed bills.

Every case first checks its premise — that neither genai-prices nor LiteLLM lists a batch price for the model
on that day — so that it tests the policy and not a registry.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from genai_prices import data_snapshot

from pricing.batch_policy import POLICY_FILE, batch_policies, batch_policy, parse_policies
from pricing.book import PriceBook, catalog_row
from pricing.catalog import PRICE_FIELDS
from pricing.litellm import vendored_catalog
from pricing.quote import Quote, quote

M = 1_000_000


@pytest.fixture(scope="module")
def book() -> PriceBook:
    return PriceBook.offline()


def _no_registry_batch(provider: str, model: str, day: date) -> None:
    """Neither registry lists a batch price for ``model`` at ``provider`` on ``day``."""
    try:
        _, info = data_snapshot.get_snapshot().find_provider_model(model, None, provider, None)
    except LookupError:
        info = None
    moment = datetime.combine(day, time(12), tzinfo=UTC)
    if info is not None:
        for variant in info.price_variants or ():
            active = variant.constraint is None or variant.constraint.active(moment)
            assert not (variant.when.get("processing") == "batch" and active), f"genai-prices prices {model} batch"
    row = catalog_row(vendored_catalog(), provider, model)
    assert row is None or "batch" not in (row["tier_prices"] or {}), f"LiteLLM prices {model} batch"


def _batch(book: PriceBook, provider: str, model: str, day: date, **tokens: int) -> Quote:
    _no_registry_batch(provider, model, day)
    result = quote(provider, model, day=day, service_tier="batch", book=book, **tokens)
    assert result is not None
    return result


def test_anthropic_halves_every_price_of_a_retired_model_cache_reads_and_writes_included(book: PriceBook) -> None:
    # Claude 3.5 Sonnet (June 2024), retired: $3 input, $0.30 cache reads, $3.75 5-minute and $6 1-hour
    # writes, $15 output. In a Message Batch each is halved: the caching prices stack with the batch discount.
    result = _batch(
        book,
        "anthropic",
        "claude-3-5-sonnet-20240620",
        date(2024, 9, 1),
        input_tokens=M,
        cache_read_tokens=200_000,
        cache_write_tokens=100_000,
        cache_write_1h_tokens=40_000,
        output_tokens=100_000,
        requests=10,
    )
    assert result.input_usd == pytest.approx(0.7 * 1.50)
    assert result.cache_read_usd == pytest.approx(0.2 * 0.15)
    assert result.cache_write_usd == pytest.approx(0.06 * 1.875 + 0.04 * 3.00)
    assert result.output_usd == pytest.approx(0.1 * 7.50)
    assert result.total_usd == pytest.approx(1.05 + 0.03 + 0.2325 + 0.75)
    assert "anthropic's batch policy of 2026-10-14" in result.price_source
    assert "platform.claude.com/docs/en/build-with-claude/batch-processing" in result.price_source
    assert result.price_note is None and result.price_as_of is not None


def test_anthropic_policy_prices_claude_3_opus_at_half(book: PriceBook) -> None:
    # Claude 3 Opus, retired: $15 / $75 → $7.50 / $37.50; reads $1.50 → $0.75.
    result = _batch(
        book, "anthropic", "claude-3-opus-20240229", date(2024, 9, 1), input_tokens=M, cache_read_tokens=M // 2
    )
    assert result.total_usd == pytest.approx(0.5 * 7.50 + 0.5 * 0.75)


@pytest.mark.parametrize(
    ("provider", "model", "day", "tokens", "expected"),
    [
        # GPT-4.5 preview, retired: $75 input, $37.50 cached, $150 output; the Batch API halves all three.
        (
            "openai",
            "gpt-4.5-preview",
            date(2025, 3, 1),
            {"input_tokens": M, "cache_read_tokens": 400_000, "output_tokens": 100_000},
            0.6 * 37.5 + 0.4 * 18.75 + 0.1 * 75,
        ),
        # Gemini 1.5 Flash: $0.075 input, $0.01875 cached, $0.30 output; batch halves input and output, and the
        # context-cache read keeps its standard price.
        (
            "google",
            "gemini-1.5-flash",
            date(2024, 12, 1),
            {"input_tokens": M, "cache_read_tokens": 400_000, "output_tokens": M},
            0.6 * 0.0375 + 0.4 * 0.01875 + 1 * 0.15,
        ),
        # Kimi K2 on Groq: $1 input, $0.50 cached, $3 output. Batch halves input and output and does not stack
        # with caching: a cached token costs the halved input price, $0.50 (not a halved cache price, $0.25).
        (
            "groq",
            "moonshotai/kimi-k2-instruct",
            date(2025, 9, 1),
            {"input_tokens": M, "cache_read_tokens": 400_000, "output_tokens": 100_000},
            0.6 * 0.5 + 0.4 * 0.5 + 0.1 * 1.5,
        ),
        # Mistral Large 24.07: $2 / $6 → $1 / $3.
        ("mistral", "mistral-large-2407", date(2024, 9, 1), {"input_tokens": M, "output_tokens": M}, 1.0 + 3.0),
        # GPT-4 32k on Azure: $60 / $120; Global Batch is 50% less.
        ("azure", "gpt-4-32k", date(2024, 9, 1), {"input_tokens": M, "output_tokens": M}, 30.0 + 60.0),
        # Claude 3 Haiku on Bedrock: $0.25 / $1.25; batch inference at half.
        (
            "aws",
            "anthropic.claude-3-haiku-20240307-v1:0",
            date(2025, 3, 1),
            {"input_tokens": M, "output_tokens": M},
            0.125 + 0.625,
        ),
        # Grok 2 (Dec 2024): $2 / $10 at xAI's 80%.
        ("x-ai", "grok-2-1212", date(2025, 3, 1), {"input_tokens": M, "output_tokens": M}, 1.6 + 8.0),
        # Kimi K2 preview at Moonshot: $0.60 input, $0.15 cached, $2.50 output, each at 60%.
        (
            "moonshotai",
            "kimi-k2-0711-preview",
            date(2025, 9, 1),
            {"input_tokens": M, "cache_read_tokens": 400_000, "output_tokens": M},
            0.6 * 0.36 + 0.4 * 0.09 + 1 * 1.5,
        ),
    ],
)
def test_each_providers_batch_policy(
    book: PriceBook, provider: str, model: str, day: date, tokens: dict[str, int], expected: float
) -> None:
    # Ten requests of 100k prompt tokens each: below every long-context cliff (Gemini 1.5's is at 128k).
    result = _batch(book, provider, model, day, requests=10, **tokens)
    assert result.total_usd == pytest.approx(expected)
    assert f"batch by {provider}'s batch policy" in result.price_source
    assert batch_policy(provider).source in result.price_source  # type: ignore[union-attr]
    assert result.price_note is None


@pytest.mark.parametrize(
    ("provider", "model", "day", "note"),
    [
        (
            "together",
            "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            date(2025, 9, 1),
            "Together AI discounts batch jobs on selected models only (up to 50%): the standard price is used",
        ),
        (
            "deepseek",
            "deepseek-chat",
            date(2025, 9, 1),
            "DeepSeek publishes no batch price; its discount is the off-peak window: the standard price is used",
        ),
        ("cohere", "command-r-plus", date(2025, 3, 1), "no batch price known: the standard price is used"),
    ],
)
def test_without_a_rule_for_every_model_the_standard_price_is_used_and_said(
    book: PriceBook, provider: str, model: str, day: date, note: str
) -> None:
    standard = quote(provider, model, day=day, input_tokens=M, output_tokens=M, book=book)
    batch = _batch(book, provider, model, day, input_tokens=M, output_tokens=M)
    assert standard is not None and batch.total_usd == standard.total_usd
    # DeepSeek's prices vary by time of day, and its price still says so after the batch note.
    assert batch.price_note is not None and batch.price_note.startswith(note)
    assert "policy" not in batch.price_source


def test_a_registry_batch_price_comes_before_the_policy(book: PriceBook) -> None:
    # genai-prices lists gpt-4o's batch price from 2026-10-14: $1.25 / $5, cached input kept at $1.25.
    price = book.price("openai", "gpt-4o", date(2026, 11, 2), tier="batch")
    assert price is not None
    assert (price.input_mtok, price.cache_read_mtok, price.output_mtok) == (1.25, 1.25, 5.0)
    assert price.source.startswith("genai-prices") and "policy" not in price.source
    # Before then genai-prices has no batch price; LiteLLM's batch fields give the discount.
    earlier = book.price("openai", "gpt-4o", date(2025, 9, 1), tier="batch")
    assert earlier is not None and earlier.source.endswith("batch discount from litellm")


def test_the_policy_follows_a_long_context_cliff(book: PriceBook) -> None:
    # Gemini 1.5 Pro (002): $1.25 / $5 up to 128k prompt tokens, $2.50 / $10 on every token above; in a batch,
    # half of whichever applies.
    day = date(2024, 12, 1)
    _no_registry_batch("google", "gemini-1.5-pro-002", day)
    short = book.price("google", "gemini-1.5-pro-002", day, tier="batch", prompt_min=128_000)
    long = book.price("google", "gemini-1.5-pro-002", day, tier="batch", prompt_min=128_001)
    assert short is not None and long is not None and "policy" in long.source
    assert (short.input_mtok, short.output_mtok) == (0.625, 2.5)
    assert (long.input_mtok, long.output_mtok) == (1.25, 5.0)


def test_the_policy_table_names_a_source_and_a_date_for_every_provider() -> None:
    policies = batch_policies()
    assert {"anthropic", "openai", "google", "groq", "mistral"} <= set(policies)
    for policy in policies.values():
        assert policy.source.startswith("https://") and policy.as_of <= date(2026, 12, 31) and policy.note
        if policy.offer == "uniform":
            assert set(policy.ratios) == set(PRICE_FIELDS)
        else:
            assert not policy.ratios
    anthropic = policies["anthropic"]
    assert {name: ratio.factor for name, ratio in anthropic.ratios.items()} == {
        **dict.fromkeys(PRICE_FIELDS, 0.5),
        "requests_kcount": 1.0,
    }
    # Google keeps the standard cache-read price; a blank cache-write ratio moves with input.
    google = policies["google"].ratios
    assert (google["cache_read_mtok"].factor, google["cache_write_mtok"].factor) == (1.0, 0.5)
    assert google["cache_write_mtok"].of == "cache_write_mtok"
    groq = policies["groq"].ratios["cache_read_mtok"]
    assert (groq.factor, groq.of) == (0.5, "input_mtok")


HEADER = POLICY_FILE.read_text().splitlines()[0]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("acme,uniform,0.5,,,,,,,https://acme.example/batch,2026-01-01,x", "states its input and output ratios"),
        ("acme,uniform,0.5,half,,,0.5,,,https://acme.example/batch,2026-01-01,x", "neither a number"),
        ("acme,uniform,0.5,0.5 of cache,,,0.5,,,https://acme.example/batch,2026-01-01,x", "unknown part 'cache'"),
        ("acme,none,0.5,,,,,,,https://acme.example/batch,2026-01-01,x", "has no ratios"),
        ("acme,sometimes,,,,,,,,https://acme.example/batch,2026-01-01,x", "offer 'sometimes'"),
        ("acme,none,,,,,,,,acme.example/batch,2026-01-01,x", "https:// source"),
        ("acme,none,,,,,,,,https://acme.example/batch,January,x", "not a date"),
    ],
)
def test_a_malformed_policy_row_is_refused(row: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_policies(f"{HEADER}\n{row}\n")


def test_one_policy_per_provider() -> None:
    row = "acme,none,,,,,,,,https://acme.example/batch,2026-01-01,x"
    with pytest.raises(ValueError, match="has a policy already"):
        parse_policies(f"{HEADER}\n{row}\n{row}\n")
