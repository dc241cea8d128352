"""Every price carries the day it is known to be current as of."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from genai_prices import data_snapshot
from genai_prices.types import ClauseEquals, ConditionalPrice, ModelInfo, ModelPrice, Provider, StartDateConstraint
from sqlalchemy import Engine

from collectors import ingest, source_from_path
from collectors.demo import load_demo
from db.price_overrides import PriceOverride, add_override
from db.usage import read_usage
from pricing.book import PriceBook
from pricing.cost import cost_of
from pricing.genai_data import genai_data_as_of
from pricing.litellm import VENDORED_AS_OF, vendored_catalog
from pricing.sources import load_book
from tests.conftest import FIXTURES

PRICING_KEYS = ["provider", "model", "service_tier", "batch", "prompt_band"]


def _undated(engine: Engine) -> tuple[int, list[str]]:
    """How many usage rows the cost engine prices, and the provider/model of those it prices without a date."""
    usage = read_usage(engine, PRICING_KEYS, grain="day")
    cost = cost_of(usage, load_book(engine))
    priced = cost["price_source"].notna()
    undated = usage.loc[priced & cost["price_as_of"].isna(), ["provider", "model"]]
    return int(priced.sum()), sorted({f"{p}/{m}" for p, m in undated.itertuples(index=False)})


def test_every_price_the_book_gives_for_any_listed_model_is_dated() -> None:
    book = PriceBook.offline()
    catalog = vendored_catalog()
    names = {(p, str(k)) for p, k in zip(catalog["provider"], catalog["key"], strict=True)}
    names |= {(p.id, m.id) for p in data_snapshot.get_snapshot().providers for m in p.models}
    priced = 0
    for provider, model in sorted(names):
        for day in (date(2024, 6, 1), date(2026, 11, 2)):
            for tier in ("standard", "batch"):
                price = book.price(provider, model, day, tier=tier)
                if price is not None:
                    priced += 1
                    assert price.as_of is not None, f"{provider}/{model} on {day} ({tier}): {price.source}"
    assert priced > 5_000


def test_every_row_of_the_demo_company_is_priced_with_a_date(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    priced, undated = _undated(ledger)
    assert priced > 1_000 and undated == []


def test_every_priced_row_of_the_sample_files_is_dated(ledger: Engine) -> None:
    # Every usage sample but the one that needs a column mapping, and the two that are not usage.
    skipped = ("custom_gateway_export.csv", "openrouter_models.json", "statuspage_incidents.json")
    for path in sorted(FIXTURES.iterdir()):
        if path.is_file() and path.name not in skipped:  # the bad-input corpus (a folder) aside
            ingest(ledger, source_from_path(path))
    priced, undated = _undated(ledger)
    assert priced > 100 and undated == []


def test_litellm_prices_are_as_of_the_day_the_registry_was_taken() -> None:
    price = PriceBook.offline().price("azure", "eu/gpt-5.4", date(2025, 9, 1))
    assert price is not None and (price.source, price.as_of) == ("litellm", VENDORED_AS_OF)


@pytest.fixture
def acme() -> Iterator[None]:
    """genai-prices data with one made-up provider: a model with a flat price and one with a price cut."""
    flat = ModelInfo(
        id="acme-flat",
        match=ClauseEquals(equals="acme-flat"),
        prices=ModelPrice(input_mtok=Decimal(1), output_mtok=Decimal(2)),
        price_comments="Rates checked on 2026-02-01.",
    )
    cut = ModelInfo(
        id="acme-cut",
        match=ClauseEquals(equals="acme-cut"),
        prices=[
            ConditionalPrice(prices=ModelPrice(input_mtok=Decimal(4), output_mtok=Decimal(8))),
            ConditionalPrice(
                constraint=StartDateConstraint(start_date=date(2025, 7, 1)),
                prices=ModelPrice(input_mtok=Decimal(2), output_mtok=Decimal(4)),
            ),
        ],
    )
    provider = Provider(
        id="acme",
        name="Acme",
        api_pattern=r"https://api\.acme\.example",
        price_comments="Batch rates verified on 2026-03-04; the 2027-01-01 rise is not modelled.",
        models=[flat, cut],
    )
    data_snapshot.set_custom_snapshot(data_snapshot.DataSnapshot(providers=[provider], from_auto_update=False))
    yield
    data_snapshot.set_custom_snapshot(None)


def test_a_genai_price_with_no_period_is_as_of_the_newest_day_its_data_was_verified(acme: None) -> None:
    # The data's comments verify figures on 2026-02-01 and 2026-03-04; a date that is not a verification
    # (the 2027 rise) dates nothing.
    assert genai_data_as_of() == date(2026, 3, 4)
    price = PriceBook().price("acme", "acme-flat", date(2025, 1, 1))
    assert price is not None and (price.input_mtok, price.as_of) == (1.0, date(2026, 3, 4))


def test_a_genai_price_cut_is_as_of_the_day_it_began(acme: None) -> None:
    book = PriceBook()
    before, after = book.price("acme", "acme-cut", date(2025, 6, 30)), book.price("acme", "acme-cut", date(2025, 7, 1))
    assert before is not None and after is not None
    # Before the cut the price has no dated period of its own: it is as of the data.
    assert (before.input_mtok, before.as_of) == (4.0, date(2026, 3, 4))
    assert (after.input_mtok, after.as_of) == (2.0, date(2025, 7, 1))


def test_data_genai_prices_refreshed_itself_is_as_of_the_refresh() -> None:
    bundled = data_snapshot.get_snapshot()
    refreshed = data_snapshot.DataSnapshot(
        providers=bundled.providers, from_auto_update=True, timestamp=datetime(2026, 12, 1, 8, tzinfo=UTC)
    )
    data_snapshot.set_custom_snapshot(refreshed)
    try:
        assert genai_data_as_of() == date(2026, 12, 1)
    finally:
        data_snapshot.set_custom_snapshot(None)


def test_your_own_price_is_as_of_its_start_or_the_day_you_entered_it(ledger: Engine) -> None:
    add_override(ledger, PriceOverride("openai", "gpt-4o", input_mtok=2.0, output_mtok=8.0))
    add_override(ledger, PriceOverride("anthropic", "claude-sonnet-4-5", input_mtok=2.0, valid_from=date(2026, 1, 1)))
    book = load_book(ledger)
    entered = book.price("openai", "gpt-4o", date(2026, 11, 2))
    assert entered is not None and entered.source.startswith("your price")
    assert entered.as_of == datetime.now(UTC).date()
    started = book.price("anthropic", "claude-sonnet-4-5", date(2026, 11, 2))
    assert started is not None and started.as_of == date(2026, 1, 1)
