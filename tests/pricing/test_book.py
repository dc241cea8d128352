"""The price book: sources in precedence, each mechanic with a hand-computed price."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import Engine

from db.price_overrides import PriceOverride, add_override
from db.price_snapshots import add_snapshot
from pricing import book as book_module
from pricing.book import PriceBook, tier_of
from pricing.litellm import VENDORED_AS_OF, litellm_catalog, vendored_catalog
from pricing.sources import load_book

DAY = date(2025, 9, 1)


@pytest.fixture(scope="module")
def book() -> PriceBook:
    return PriceBook.offline()


def test_genai_prices_first_with_its_history(book: PriceBook) -> None:
    # o3: $10/$40 until 2025-06-09, $2/$8 from 2025-06-10 (genai-prices constraint).
    before = book.price("openai", "o3", date(2025, 6, 9))
    after = book.price("openai", "o3", date(2025, 6, 10))
    assert (before.input_mtok, before.output_mtok) == (10.0, 40.0)
    assert (after.input_mtok, after.output_mtok, after.as_of) == (2.0, 8.0, date(2025, 6, 10))
    assert after.source.startswith("genai-prices")


def test_a_tier_genai_prices_lacks_comes_from_litellm(book: PriceBook) -> None:
    # Anthropic batch in 2025: genai-prices has the model but no batch price then; LiteLLM's *_batches fields
    # say batch is 50% of $3/$15 and of the $3.75 cache write. The 1-hour write ($6) follows the write.
    price = book.price("anthropic", "claude-sonnet-4-5-20250929", date(2025, 9, 1), tier="batch")
    assert (price.input_mtok, price.output_mtok, price.cache_write_mtok) == (1.5, 7.5, 1.875)
    assert price.cache_write_1h_mtok == 3.0
    assert price.source.endswith("batch discount from litellm")


def test_a_tier_only_litellm_knows_comes_from_litellm(book: PriceBook) -> None:
    price = book.price("azure", "eu/gpt-5.4", DAY, tier="batch")
    assert price.source == "litellm" and price.as_of == VENDORED_AS_OF


def test_no_tier_price_anywhere_falls_back_to_standard_and_says_so(book: PriceBook) -> None:
    # gpt-4o has no flex tier on 2025-09-01 in either registry, and flex has no published rule to apply.
    price = book.price("openai", "gpt-4o-2024-08-06", DAY, tier="flex")
    assert price.note == "no flex price known: the standard price is used"
    assert (price.input_mtok, price.output_mtok) == (2.5, 10.0)


def test_long_context_cliff_from_litellm(book: PriceBook) -> None:
    # Azure's EU gpt-5.4 (LiteLLM only): $2.75/$16.50; above 272k prompt tokens $5.50/$24.75 on every token.
    short = book.price("azure", "eu/gpt-5.4", DAY, prompt_min=272_000)
    long = book.price("azure", "eu/gpt-5.4", DAY, prompt_min=272_001)
    assert short.source == "litellm"
    assert (short.input_mtok, short.output_mtok) == (2.75, 16.5)
    assert (long.input_mtok, long.output_mtok, long.cache_read_mtok) == (5.5, 24.75, 0.55)


def test_a_bedrock_in_region_id_takes_the_regional_price(book: PriceBook) -> None:
    # genai-prices prices Bedrock's in-region Claude Sonnet 4.5 10% above the global $3/$15.
    price = book.price("aws", "anthropic.claude-sonnet-4-5-20250929-v1:0", DAY)
    assert (price.input_mtok, price.output_mtok) == pytest.approx((3.3, 16.5))


def test_unknown_model_has_no_price(book: PriceBook) -> None:
    assert book.price("azure", "chat-prod", DAY) is None


def test_service_tier_names() -> None:
    # Scale Tier is prepaid capacity priced at standard rates (pricing.tiers), not the priority tier.
    tiers = [tier_of(t, None) for t in ("default", "auto", "flex", "priority", "scale", "batch")]
    assert tiers == ["standard", "standard", "flex", "priority", "standard", "batch"]


def test_overrides_take_precedence_and_discounts_apply_to_any_price(ledger: Engine) -> None:
    add_override(
        ledger, PriceOverride(provider="openai", model="gpt-4o", input_mtok=2.0, output_mtok=8.0, note="contract")
    )
    add_override(ledger, PriceOverride(provider="anthropic", discount_pct=10))
    add_override(ledger, PriceOverride(provider="self-hosted", model="llama-3.3-70b", input_mtok=0.3, output_mtok=0.3))
    book = load_book(ledger)
    own = book.price("openai", "gpt-4o-2024-08-06", DAY)
    # The user's input and output prices; the cache-read price still comes from the registry ($1.25).
    assert (own.input_mtok, own.output_mtok, own.cache_read_mtok) == (2.0, 8.0, 1.25)
    assert own.source == "your price (contract)"
    discounted = book.price("anthropic", "claude-sonnet-4-5", DAY)
    assert (discounted.input_mtok, discounted.output_mtok) == pytest.approx((2.7, 13.5))
    assert discounted.source.endswith("less your 10% discount")
    assert book.price("self-hosted", "llama-3.3-70b", DAY).input_mtok == 0.3


def test_a_refreshed_snapshot_prices_the_days_from_when_it_was_taken(ledger: Engine) -> None:
    # A refreshed LiteLLM registry with a made-up model, cheaper than in the vendored copy.
    registry = {
        "acme-chat-1": {
            "litellm_provider": "openai",
            "mode": "chat",
            "input_cost_per_token": 1e-06,
            "output_cost_per_token": 2e-06,
        }
    }
    add_snapshot(ledger, "litellm", json.dumps(registry).encode(), fetched_at=datetime(2027, 1, 1))
    book = load_book(ledger)
    assert book.price("openai", "acme-chat-1", date(2027, 2, 1)).input_mtok == 1.0
    # Before the snapshot, the earliest registry in force is the vendored one, which does not know it.
    assert book.price("openai", "acme-chat-1", date(2026, 12, 1)) is None


def test_vendored_catalog_parses_tiers_and_lifecycle() -> None:
    row = vendored_catalog().set_index("key").loc["gemini/gemini-2.5-pro"]
    assert (row["input_mtok"], row["output_mtok"]) == (1.25, 10.0)
    assert row["long_context"][200_000]["input_mtok"] == 2.5
    assert row["tier_prices"]["batch"]["input_mtok"] == 0.625
    assert row["deprecation_date"] == date(2026, 12, 1)
    assert litellm_catalog({"sample_spec": {"mode": "chat"}}, DAY).empty


def test_openai_shutdown_dates_win_for_openai_models(ledger: Engine) -> None:
    from pricing.lifecycle import lifecycle_of

    listing = {"object": "list", "data": [{"id": "gpt-4o", "shutdown_date": "2027-02-01"}, {"id": "gpt-4.1"}]}
    add_snapshot(ledger, "openai_models", json.dumps(listing).encode())
    book = load_book(ledger)
    # LiteLLM says 2027-01-14 for gpt-4o; OpenAI's own list (refreshed) says 2027-02-01, and wins.
    assert lifecycle_of(book, "openai", "gpt-4o-2024-08-06").deprecation_date == date(2027, 2, 1)
    assert lifecycle_of(book, "azure", "gpt-4o").deprecation_date == date(2027, 4, 14)


def test_an_id_genai_prices_cannot_list_is_not_looked_up_there(monkeypatch: pytest.MonkeyPatch) -> None:
    # A gateway's per-request model names: each would cost genai-prices a pass over every model's clauses.
    book = PriceBook.offline()
    asked: list[str] = []
    monkeypatch.setattr(book_module.data_snapshot.DataSnapshot, "find_provider_model", lambda *args: asked.append("x"))
    assert book.price("openai", "req-7d1c9e0001", date(2026, 11, 2)) is None
    assert not book.has_time_of_day_prices("openai", "req-7d1c9e0001")
    assert asked == []
