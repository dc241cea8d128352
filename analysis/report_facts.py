"""What a report needs to say about the ledger it was built on, beside the scenario itself: the period its usage
covers, the day the prices are in force for, and where the prices come from — each source of the price book,
in precedence, with the date its figures were taken, so a reader of a PDF months later can tell how old the
prices were."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib.metadata import version

from sqlalchemy import Engine

from db.errors import NotFound
from db.usage import usage_span
from pricing.book import PriceBook

__all__ = ["LedgerFacts", "PriceSource", "ledger_facts", "price_sources"]


@dataclass(frozen=True)
class PriceSource:
    """One source of prices: its name, the date its figures were taken (None when it has none) and what it
    supplies, in the order the price book consults it (1 first)."""

    precedence: int
    name: str
    as_of: date | None
    supplies: str


def price_sources(book: PriceBook) -> tuple[PriceSource, ...]:
    """The sources ``book`` prices with, in precedence: the user's own prices, genai-prices, each LiteLLM
    registry snapshot (newest first) and each OpenRouter snapshot.

    >>> [s.name for s in price_sources(PriceBook.offline())]  # doctest: +ELLIPSIS
    ['genai-prices ...', "LiteLLM's model registry"]
    """
    found: list[PriceSource] = []
    if book.overrides:
        dated = [o.valid_from for o in book.overrides if o.valid_from is not None]
        found.append(
            PriceSource(
                0,
                "Your prices and discounts",
                max(dated) if dated else None,
                f"{len(book.overrides)} price{'s' if len(book.overrides) != 1 else ''} or discount"
                f"{'s' if len(book.overrides) != 1 else ''} you set; they win over every other source",
            )
        )
    found.append(
        PriceSource(
            0,
            f"genai-prices {version('genai-prices')}",
            None,
            "list prices with their history, cache and service-tier prices, long-context tiers (the package's "
            "own data; its version dates it)",
        )
    )
    # The newest snapshot is the one a price today comes from; older ones price the days before it.
    for name, catalogs, supplies in (
        ("LiteLLM's model registry", book.litellm, "prices of the hosts genai-prices lacks, retirement dates"),
        ("OpenRouter's model list", book.openrouter, "live per-host prices of open models"),
    ):
        if catalogs:
            days = sorted(as_of for as_of, _ in catalogs)
            older = (
                f"; {len(days) - 1} older snapshot{'s' if len(days) > 2 else ''} price earlier days"
                if len(days) > 1
                else ""
            )
            found.append(PriceSource(0, name, days[-1], supplies + older))
    return tuple(PriceSource(rank, s.name, s.as_of, s.supplies) for rank, s in enumerate(found, start=1))


@dataclass(frozen=True)
class LedgerFacts:
    """The ledger's side of a report: the first and last day of its usage, the day its prices are in force
    for, and their sources."""

    data_period: tuple[date, date]
    prices_as_of: date
    price_sources: tuple[PriceSource, ...]


def ledger_facts(engine: Engine, *, book: PriceBook, today: date) -> LedgerFacts:
    """The facts of ``engine``'s ledger for a report priced on ``today`` with ``book``; :class:`NotFound`
    when the ledger has no usage."""
    span = usage_span(engine)
    if span is None:
        raise NotFound("the ledger has no usage to report on: import usage first")
    return LedgerFacts(span, today, price_sources(book))
