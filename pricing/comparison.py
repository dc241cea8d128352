"""Every source's price of a model side by side: what ``exitplan prices show`` and ``prices diff`` print,
and what the Models page charts. Sources disagree often (PRICING.md §4.4); exitplan shows it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import NamedTuple

import pandas as pd
from genai_prices import data_snapshot
from genai_prices.types import ModelPrice, StartDateConstraint, TieredPrices

from pricing.book import PriceBook
from pricing.identity import author_of, family_of, provider_id

__all__ = ["DISAGREEMENT", "disagreements", "price_history", "prices_of", "registry_prices"]

# Sources whose prices differ by more than this share are listed as disagreeing.
DISAGREEMENT = 0.05


class _RegistryPrice(NamedTuple):
    """A source's standard prices of one model (USD per 1M tokens): a row of :func:`registry_prices`."""

    source: str
    provider: str
    model: str
    family: str
    author: str | None
    as_of: date | None
    input_mtok: float | None
    output_mtok: float | None
    cache_read_mtok: float | None


class _PricePoint(NamedTuple):
    """A source's standard prices of a model as of a date (USD per 1M tokens)."""

    source: str
    as_of: date | None
    input_mtok: float | None
    output_mtok: float | None


_COLUMNS = list(_RegistryPrice._fields)


def _base(value: Decimal | TieredPrices | None) -> float | None:
    """A genai-prices price as a float, a tiered one's base tier."""
    if value is None:
        return None
    return float(value.base if isinstance(value, TieredPrices) else value)


def _genai_rows(day: date) -> list[_RegistryPrice]:
    moment = datetime.combine(day, time(12), tzinfo=UTC)
    rows: list[_RegistryPrice] = []
    for provider in data_snapshot.get_snapshot().providers:
        for info in provider.models:
            prices = info.get_prices(moment)
            starts = [
                c.constraint.start_date
                for c in (info.prices if isinstance(info.prices, list) else [])
                if isinstance(c.constraint, StartDateConstraint) and c.constraint.active(moment)
            ]
            family = family_of(info.id)
            rows.append(
                _RegistryPrice(
                    source="genai-prices",
                    provider=provider.id,
                    model=info.id,
                    family=family,
                    author=author_of(family),
                    as_of=max(starts) if starts else None,
                    input_mtok=_base(prices.input_mtok),
                    output_mtok=_base(prices.output_mtok),
                    cache_read_mtok=_base(prices.cache_read_mtok),
                )
            )
    return rows


def _catalog_rows(catalog: pd.DataFrame | None, as_of: date | None) -> pd.DataFrame:
    if catalog is None or catalog.empty:
        return pd.DataFrame(columns=_COLUMNS)
    frame = catalog[["source", "provider", "model", "input_mtok", "output_mtok", "cache_read_mtok"]].copy()
    frame["family"] = frame["model"].map(family_of)
    frame["author"] = frame["family"].map(author_of)
    frame["as_of"] = catalog.get("as_of", as_of)
    return frame[_COLUMNS]


def registry_prices(book: PriceBook, day: date | None = None) -> pd.DataFrame:
    """Standard input/output/cache-read prices per source, provider and model (USD per 1M tokens)."""
    day = day or datetime.now(UTC).date()
    frames = [pd.DataFrame(_genai_rows(day), columns=_COLUMNS)]
    for source in ("litellm", "openrouter"):
        frames.append(_catalog_rows(book.latest(source), None))
    return pd.concat([f for f in frames if not f.empty], ignore_index=True)


def prices_of(book: PriceBook, model: str, provider: str | None = None, day: date | None = None) -> pd.DataFrame:
    """Every source's price of ``model``'s family (at ``provider``, or at every host), cheapest first."""
    frame = registry_prices(book, day)
    family = family_of(model)
    picked = frame[frame["family"] == family]
    if provider is not None:
        picked = picked[picked["provider"] == provider_id(provider)]
    return picked.sort_values(["input_mtok", "source"]).reset_index(drop=True)


def disagreements(prices: pd.DataFrame, threshold: float = DISAGREEMENT) -> pd.DataFrame:
    """Models whose standard input or output price differs between sources by more than ``threshold``.

    Sources are compared on one model id at one provider. OpenRouter's first-party listings
    (``openai/gpt-4o``) are compared with that author's own API, since OpenRouter passes its prices through.
    """
    frame = prices.copy()
    routed = frame["provider"] == "openrouter"
    slug = frame.loc[routed, "model"].str.split("/", n=1)
    frame.loc[routed, "provider"] = slug.str[0].map(provider_id)
    frame.loc[routed, "model"] = slug.str[-1]
    frame["model"] = frame["model"].str.lower()
    frame = frame.dropna(subset=["input_mtok", "output_mtok"])
    per_source = frame.groupby(["provider", "model", "source"], as_index=False)[["input_mtok", "output_mtok"]].min()
    spread = (
        per_source.groupby(["provider", "model"])
        .agg(
            sources=("source", lambda s: ", ".join(sorted(s))),
            n=("source", "nunique"),
            input_low=("input_mtok", "min"),
            input_high=("input_mtok", "max"),
            output_low=("output_mtok", "min"),
            output_high=("output_mtok", "max"),
        )
        .reset_index()
    )
    spread = spread[spread["n"] >= 2]

    def ratio(high: pd.Series, low: pd.Series) -> pd.Series:
        return (high / low.where(low > 0)) - 1

    worst = pd.concat(
        [ratio(spread["input_high"], spread["input_low"]), ratio(spread["output_high"], spread["output_low"])], axis=1
    ).max(axis=1)
    out = spread[worst > threshold].assign(spread=worst[worst > threshold])
    return out.sort_values("spread", ascending=False).drop(columns="n").reset_index(drop=True)


def price_history(book: PriceBook, provider: str, model: str) -> pd.DataFrame:
    """Dated standard prices of a model: genai-prices' price changes, and each registry snapshot's figure."""
    rows: list[_PricePoint] = []
    try:
        _, info = data_snapshot.get_snapshot().find_provider_model(model, None, provider, None)
    except LookupError:
        info = None
    if info is not None:
        conditional = info.prices if isinstance(info.prices, list) else []
        for c in conditional:
            if isinstance(c.constraint, StartDateConstraint):
                rows.append(_history_row("genai-prices", c.constraint.start_date, c.prices))
        if not any(isinstance(c.constraint, StartDateConstraint) for c in conditional):
            current = info.prices if isinstance(info.prices, ModelPrice) else conditional[0].prices
            rows.append(_history_row("genai-prices", None, current))
    from pricing.book import catalog_row

    for source, catalogs in (("litellm", book.litellm), ("openrouter", book.openrouter)):
        for as_of, catalog in catalogs:
            row = catalog_row(catalog, provider, model)
            if row is not None:
                rows.append(_PricePoint(source, as_of, row["input_mtok"], row["output_mtok"]))
    return pd.DataFrame(rows, columns=list(_PricePoint._fields))


def _history_row(source: str, as_of: date | None, prices: ModelPrice) -> _PricePoint:
    return _PricePoint(source, as_of, _base(prices.input_mtok), _base(prices.output_mtok))
