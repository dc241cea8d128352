"""The price book: the unit prices in force for a model at a provider on a day, with their source.

Sources, in precedence (ARCHITECTURE.md §4):

1. the user's overrides — a custom or negotiated price, a self-hosted model, a discount on a provider or
   a model (a discount applies to whatever price the next sources give);
2. ``genai-prices`` — price history (a price cut applies from its date), cache and service-tier prices,
   long-context tiers, time-of-day prices;
3. LiteLLM's registry — the widest host coverage and tier prices genai-prices lacks (e.g. Anthropic batch);
   the snapshot in force on the day (the vendored one, or one stored by ``exitplan prices refresh``);
4. OpenRouter — live per-host prices of open models, from refreshed snapshots;
5. for a batch job that no source prices, the provider's published batch policy applied to the model's
   standard price (``pricing.batch_policy``); a provider with no batch offer, or with none that one rule
   prices, is billed the standard price, and the price says so in its note.

A model no source knows has no price: callers show it as unpriced, never as $0. Every price carries the day
it is known to be current as of: the start of its dated period, else the day its source's data was taken.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from importlib.metadata import version

import pandas as pd
from genai_prices import data_snapshot
from genai_prices.types import ModelInfo, StartDateConstraint, TieredPrices, TimeOfDateConstraint

from db.price_overrides import PriceOverride
from pricing.batch_policy import batch_policy
from pricing.catalog import PRICE_FIELDS
from pricing.genai_data import genai_data_as_of
from pricing.genai_names import listed
from pricing.identity import family_of
from pricing.litellm import VENDORED_AS_OF, vendored_catalog
from pricing.tiers import TIERS, tier_of

__all__ = ["PRICE_COLUMNS", "TIERS", "Price", "PriceBook", "catalog_row", "paid_rows", "tier_of"]

# Unit prices a rollup is priced with: USD per million tokens, and USD per thousand requests.
PRICE_COLUMNS: tuple[str, ...] = PRICE_FIELDS
_GENAI = f"genai-prices {version('genai-prices')}"


@dataclass(frozen=True)
class Price:
    """Unit prices for one (model, provider, day, tier, prompt size), each part resolved.

    A part the source does not price separately falls back as vendors bill it: cache reads and writes at
    the input price, one-hour writes at the cache-write price, reasoning at the output price.
    """

    input_mtok: float
    cache_read_mtok: float
    cache_write_mtok: float
    cache_write_1h_mtok: float
    output_mtok: float
    reasoning_mtok: float
    requests_kcount: float
    model_id: str
    source: str
    as_of: date | None
    note: str | None = None

    def times(self, factor: float) -> Price:
        return self.with_parts({name: getattr(self, name) * factor for name in PRICE_FIELDS})

    def with_parts(self, parts: Mapping[str, float]) -> Price:
        """These prices with some parts (price fields, e.g. ``input_mtok``) replaced."""
        unknown = set(parts) - set(PRICE_FIELDS)
        if unknown:
            raise ValueError(f"not price parts: {sorted(unknown)}")
        return replace(self, **parts)  # type: ignore[arg-type]


def _resolved(
    parts: Mapping[str, float | None], model_id: str, source: str, as_of: date | None, note: str | None
) -> Price | None:
    def get(name: str) -> float | None:
        value = parts.get(name)
        return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)

    input_price, output_price = get("input_mtok"), get("output_mtok")
    if input_price is None and output_price is None:
        return None
    input_price = input_price or 0.0
    output_price = output_price or 0.0
    write = get("cache_write_mtok")
    write = input_price if write is None else write
    read = get("cache_read_mtok")
    write_1h = get("cache_write_1h_mtok")
    reasoning = get("reasoning_mtok")
    return Price(
        input_mtok=input_price,
        cache_read_mtok=input_price if read is None else read,
        cache_write_mtok=write,
        cache_write_1h_mtok=write if write_1h is None else write_1h,
        output_mtok=output_price,
        reasoning_mtok=output_price if reasoning is None else reasoning,
        requests_kcount=get("requests_kcount") or 0.0,
        model_id=model_id,
        source=source,
        as_of=as_of,
        note=note,
    )


def _genai_unit(value: Decimal | TieredPrices | None, prompt_min: int) -> float | None:
    if value is None:
        return None
    if isinstance(value, TieredPrices):
        applicable = value.base
        for tier in value.tiers:
            # A cliff: every token of a request whose prompt is above the tier's start takes its price.
            if prompt_min > tier.start:
                applicable = tier.price
        return float(applicable)
    return float(value)


def _genai_has_tier(info: ModelInfo, tier: str, moment: datetime) -> bool:
    wanted = {
        "batch": ("processing", "batch"),
        "flex": ("service_tier", "flex"),
        "priority": ("service_tier", "priority"),
    }
    key, value = wanted[tier]
    for variant in info.price_variants or ():
        if variant.when.get(key) == value and (variant.constraint is None or variant.constraint.active(moment)):
            return True
    return False


def _genai_as_of(info: ModelInfo, moment: datetime, context: Mapping[str, str]) -> date:
    """The start of the dated period a genai-prices price belongs to — its price period's, or the tier
    variant's that sets it, whichever began last — else the date of genai-prices' data."""
    conditional = info.prices if isinstance(info.prices, list) else []
    variants = [v for v in info.price_variants or () if context and v.when.items() <= context.items()]
    starts = [
        constraint.start_date
        for constraint in (*(c.constraint for c in conditional), *(v.constraint for v in variants))
        if isinstance(constraint, StartDateConstraint) and constraint.active(moment)
    ]
    return max(starts, default=None) or genai_data_as_of()


def _genai_time_of_day(info: ModelInfo) -> bool:
    return isinstance(info.prices, list) and any(isinstance(c.constraint, TimeOfDateConstraint) for c in info.prices)


@dataclass
class PriceBook:
    """Prices from every source, in precedence. Build one per ledger with :meth:`for_ledger` (or use the
    offline book, :meth:`offline`); it remembers every price it has looked up."""

    overrides: Sequence[PriceOverride] = ()
    aliases: Mapping[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    # LiteLLM / OpenRouter catalogs, each with the date its figures were taken, oldest first.
    litellm: Sequence[tuple[date, pd.DataFrame]] = ()
    openrouter: Sequence[tuple[date, pd.DataFrame]] = ()
    # OpenAI's own shutdown dates (its /v1/models list), by model id, where a refresh fetched them.
    openai_shutdowns: Mapping[str, date] = field(default_factory=dict)
    _cache: dict[tuple[object, ...], Price | None] = field(default_factory=dict, repr=False)
    _models: dict[tuple[str, str], ModelInfo | None] = field(default_factory=dict, repr=False)
    _changes: dict[tuple[str, str], list[date]] = field(default_factory=dict, repr=False)

    def latest(self, source: str) -> pd.DataFrame | None:
        """The newest catalog of a registry (``litellm`` or ``openrouter``), if the book has one."""
        catalogs = self.litellm if source == "litellm" else self.openrouter
        return catalogs[-1][1] if catalogs else None

    @classmethod
    def offline(cls) -> PriceBook:
        """genai-prices and the vendored LiteLLM registry, no user overrides."""
        return cls(litellm=[(VENDORED_AS_OF, vendored_catalog())])

    def resolve(self, provider: str, model: str) -> tuple[str, str]:
        """The (provider, model) an id is priced as: itself, or what the user mapped it to."""
        return self.aliases.get((provider, model), (provider, model))

    def price(
        self,
        provider: str,
        model: str,
        day: date,
        *,
        tier: str = "standard",
        prompt_min: int = 0,
        hour: int | None = None,
    ) -> Price | None:
        """The prices in force for ``model`` at ``provider`` on ``day`` (at ``hour`` UTC where prices vary
        by time of day), for usage in ``tier`` whose requests' prompts have at least ``prompt_min`` tokens.

        >>> PriceBook.offline().price("openai", "gpt-4o-2024-08-06", date(2025, 9, 1)).output_mtok
        10.0
        """
        key = (provider, model, day, tier, prompt_min, hour)
        if key not in self._cache:
            self._cache[key] = self._lookup(provider, model, day, tier, prompt_min, hour)
        return self._cache[key]

    def _lookup(
        self, provider: str, model: str, day: date, tier: str, prompt_min: int, hour: int | None
    ) -> Price | None:
        provider, model = self.resolve(provider, model)
        own = self._override(provider, model, day, with_prices=True)
        registry = self._registry(provider, model, day, tier, prompt_min, hour)
        if own is not None:
            parts = {name: getattr(own, name) for name in PRICE_FIELDS if getattr(own, name, None) is not None}
            if registry is not None:
                parts = {**{name: getattr(registry, name) for name in PRICE_FIELDS}, **parts}
            label = "your price" + (f" ({own.note})" if own.note else "")
            price = _resolved(parts, model, label, own.valid_from or own.entered_on, None)
        else:
            price = registry
        discount = self._override(provider, model, day, with_prices=False)
        if price is not None and discount is not None and discount.discount_pct:
            price = replace(
                price.times(1 - discount.discount_pct / 100),
                source=f"{price.source}, less your {discount.discount_pct:g}% discount",
            )
        return price

    def _override(self, provider: str, model: str, day: date, *, with_prices: bool) -> PriceOverride | None:
        if not self.overrides:
            return None
        family = family_of(model)
        best: PriceOverride | None = None
        for override in self.overrides:
            if override.provider != provider or (override.valid_from and override.valid_from > day):
                continue
            if override.model is not None and override.model not in (model, family):
                continue
            has_prices = any(getattr(override, name, None) is not None for name in PRICE_FIELDS)
            if with_prices != has_prices and not (not with_prices and override.discount_pct):
                continue
            if not with_prices and not override.discount_pct:
                continue
            # A model's own override beats a provider-wide one; a later one beats an earlier one.
            if best is None or (override.model is not None, override.valid_from or date.min) >= (
                best.model is not None,
                best.valid_from or date.min,
            ):
                best = override
        return best

    def _registry(
        self, provider: str, model: str, day: date, tier: str, prompt_min: int, hour: int | None
    ) -> Price | None:
        genai, genai_has_tier = self._genai(provider, model, day, tier, prompt_min, hour)
        if genai is not None and (tier == "standard" or genai_has_tier):
            return genai
        if genai is not None:
            # genai-prices has the model's history and cliffs but not this tier: take the tier's discount
            # from the registry that lists it, and apply it to genai-prices' price.
            ratios = _tier_ratios(self.litellm, provider, model, day, tier)
            if ratios:
                scaled = {name: getattr(genai, name) * ratios.get(name, 1.0) for name in PRICE_FIELDS}
                return replace(genai, **scaled, source=f"{genai.source}, {tier} discount from litellm")
        listed = [
            found
            for catalogs in (self.litellm, self.openrouter)
            if (found := _from_catalog(catalogs, provider, model, day, tier, prompt_min)) is not None
        ]
        for found in listed:
            if tier == "standard" or found.note is None:
                return found
        # No source has the tier's price: the model's standard price (genai-prices' first, for its history
        # and cliffs), as the provider's published policy for the tier prices it.
        if genai is not None:
            return _by_policy(genai, provider, tier)
        # A registry's row without the tier is its standard price; its "no price known" note is decided anew.
        return _by_policy(replace(listed[0], note=None), provider, tier) if listed else None

    def _genai(
        self, provider: str, model: str, day: date, tier: str, prompt_min: int, hour: int | None
    ) -> tuple[Price | None, bool]:
        info = self._genai_model(provider, model)
        if info is None:
            return None, False
        moment = datetime.combine(day, time(hour if hour is not None else 12), tzinfo=UTC)
        context: dict[str, str] = {}
        if tier == "batch":
            context["processing"] = "batch"
        elif tier in ("flex", "priority"):
            context["service_tier"] = tier
        prices = info.get_prices(moment, context or None)
        parts = {
            "input_mtok": _genai_unit(prices.input_mtok, prompt_min),
            "cache_read_mtok": _genai_unit(prices.cache_read_mtok, prompt_min),
            "cache_write_mtok": _genai_unit(prices.cache_write_mtok, prompt_min),
            "cache_write_1h_mtok": _genai_unit(prices.cache_write_1h_mtok, prompt_min),
            "output_mtok": _genai_unit(prices.output_mtok, prompt_min),
            "reasoning_mtok": _genai_unit(prices.output_reasoning_mtok, prompt_min),
            "requests_kcount": _genai_unit(prices.requests_kcount, 0),
        }
        note = "price varies by time of day; priced at noon UTC" if hour is None and _genai_time_of_day(info) else None
        price = _resolved(parts, info.id, _GENAI, _genai_as_of(info, moment, context), note)
        return price, tier != "standard" and _genai_has_tier(info, tier, moment)

    def price_period(self, provider: str, model: str, day: date) -> date:
        """The first day of the run of days around ``day`` over which no source changes ``model``'s prices
        (``date.min`` before the first change): a price looked up for any day of it is the same, so a
        rollup of many days is priced once per run, not per day."""
        changes = self._price_changes(*self.resolve(provider, model))
        after = bisect_right(changes, day)
        return changes[after - 1] if after else date.min

    def _price_changes(self, provider: str, model: str) -> list[date]:
        """Every day a price of ``model`` may change on: genai-prices' start dates, the registries'
        snapshot dates and the user's overrides at the provider."""
        if (provider, model) not in self._changes:
            days = {as_of for as_of, _ in (*self.litellm, *self.openrouter)}
            days.update(o.valid_from for o in self.overrides if o.provider == provider and o.valid_from)
            info = self._genai_model(provider, model)
            if info is not None:
                conditional = info.prices if isinstance(info.prices, list) else []
                for constraint in (c.constraint for c in (*conditional, *(info.price_variants or ()))):
                    if isinstance(constraint, StartDateConstraint):
                        days.add(constraint.start_date)
            self._changes[(provider, model)] = sorted(days)
        return self._changes[(provider, model)]

    def _genai_model(self, provider: str, model: str) -> ModelInfo | None:
        if (provider, model) not in self._models:
            info = None
            # Asked first whether genai-prices can list the id at all: its own lookup tries every model's
            # clauses (~0.3 ms an id), minutes for a ledger of a gateway's per-request model names.
            if listed(provider, model):
                with suppress(LookupError):
                    _, info = data_snapshot.get_snapshot().find_provider_model(model, None, provider, None)
            self._models[(provider, model)] = info
        return self._models[(provider, model)]

    def has_time_of_day_prices(self, provider: str, model: str) -> bool:
        info = self._genai_model(*self.resolve(provider, model))
        return info is not None and _genai_time_of_day(info)


def _by_policy(standard: Price, provider: str, tier: str) -> Price:
    """A tier's price where no source lists one: for batch, the provider's published batch policy applied
    to ``standard``; otherwise, or where the provider has no rule for every model, the standard price with
    a note that says why."""
    policy = batch_policy(provider) if tier == "batch" else None

    def noted(note: str) -> str:
        # A note the standard price has already (its time-of-day prices) still holds.
        return note if standard.note is None else f"{note}; {standard.note}"

    if policy is None:
        return replace(standard, note=noted(f"no {tier} price known: the standard price is used"))
    if policy.offer != "uniform":
        return replace(standard, note=noted(f"{policy.note}: the standard price is used"))
    parts = policy.batch_parts({name: getattr(standard, name) for name in PRICE_FIELDS})
    return replace(standard.with_parts(parts), source=f"{standard.source}, {policy.label}")


@dataclass(frozen=True)
class _CatalogIndex:
    exact: dict[tuple[str, str], int]
    family: dict[tuple[str, str], int]
    free: frozenset[int]  # rows that list every price at $0
    # Rows as looked up: taking a row out of a DataFrame costs more than pricing it.
    rows: dict[int, pd.Series] = field(default_factory=dict)
    tier_ratios: dict[tuple[str, str, str], dict[str, float]] = field(default_factory=dict)


# Indexes of the catalogs seen, by id(): a catalog is built once per process and never modified.
_INDEXES: dict[int, tuple[pd.DataFrame, _CatalogIndex]] = {}


def _index(catalog: pd.DataFrame) -> _CatalogIndex:
    known = _INDEXES.get(id(catalog))
    if known is not None and known[0] is catalog:
        return known[1]
    exact: dict[tuple[str, str], int] = {}
    any_snapshot: dict[tuple[str, str], int] = {}
    undated: dict[tuple[str, str], int] = {}
    # A registry can list one id twice at a provider (Google's free AI Studio tier at $0 beside Vertex's
    # paid price): the first paid row wins, and a $0 row only where the id has no other.
    paid = paid_rows(catalog).tolist()
    free: set[int] = set()

    def claim(index: dict[tuple[str, str], int], name: tuple[str, str], position: int) -> None:
        if name not in index or (index[name] in free and position not in free):
            index[name] = position

    for position, (provider, model, key) in enumerate(
        zip(catalog["provider"], catalog["model"], catalog["key"], strict=True)
    ):
        if not paid[position]:
            free.add(position)
        claim(exact, (provider, str(model).lower()), position)
        claim(exact, (provider, str(key).lower()), position)
        name = family_of(str(model))
        claim(any_snapshot, (provider, name), position)
        if name == str(model).lower():
            claim(undated, (provider, name), position)
    # Several snapshots of one family: the undated id stands for the current one.
    family = {**any_snapshot, **undated}
    index = _CatalogIndex(exact, family, frozenset(free))
    _INDEXES[id(catalog)] = (catalog, index)
    return index


def paid_rows(catalog: pd.DataFrame) -> pd.Series:
    """Per catalog row, whether it lists a price above $0 for any token or request (a row of $0 everywhere
    is a free tier).

    >>> paid_rows(pd.DataFrame({"input_mtok": [0.0, 0.3], "output_mtok": [0.0, None]})).tolist()
    [False, True]
    """
    prices = catalog[[name for name in PRICE_FIELDS if name in catalog.columns]].astype("float64").fillna(0.0)
    return (prices > 0).any(axis=1)


def _position(catalog: pd.DataFrame, provider: str, model: str) -> int | None:
    index = _index(catalog)
    position = index.exact.get((provider, model.strip().lower()))
    return index.family.get((provider, family_of(model))) if position is None else position


def catalog_row(catalog: pd.DataFrame, provider: str, model: str) -> pd.Series | None:
    """The catalog entry for ``model`` at ``provider``: its exact id, else the current id of its family."""
    position = _position(catalog, provider, model)
    if position is None:
        return None
    index = _index(catalog)
    if position not in index.rows:
        index.rows[position] = catalog.iloc[position]
    return index.rows[position]


def _tier_ratios(
    catalogs: Sequence[tuple[date, pd.DataFrame]], provider: str, model: str, day: date, tier: str
) -> dict[str, float]:
    """Per price field, a tier's price over the standard one, as the registry in force lists them."""
    if not catalogs:
        return {}
    dated = [(as_of, catalog) for as_of, catalog in catalogs if as_of <= day] or [catalogs[0]]
    catalog = dated[-1][1]
    known = _index(catalog).tier_ratios
    if (provider, model, tier) not in known:
        known[(provider, model, tier)] = _ratios_in(catalog_row(catalog, provider, model), tier)
    return known[(provider, model, tier)]


# Fields a tier does not list move as vendors bill them: cache prices with input, reasoning with output, a
# 1-hour write with the 5-minute write (listed after it, so that it follows where that one moved).
_MOVES_WITH = {
    "cache_read_mtok": "input_mtok",
    "cache_write_mtok": "input_mtok",
    "cache_write_1h_mtok": "cache_write_mtok",
    "reasoning_mtok": "output_mtok",
}


def _ratios_in(row: pd.Series | None, tier: str) -> dict[str, float]:
    if row is None:
        return {}
    tier_parts = (row["tier_prices"] or {}).get(tier) or {}
    ratios = {}
    for name, value in tier_parts.items():
        standard = row[name]
        if isinstance(standard, float) and standard > 0 and not math.isnan(standard):
            ratios[name] = value / standard
    for name, like in _MOVES_WITH.items():
        if name not in ratios and like in ratios:
            ratios[name] = ratios[like]
    return ratios


def _from_catalog(
    catalogs: Sequence[tuple[date, pd.DataFrame]], provider: str, model: str, day: date, tier: str, prompt_min: int
) -> Price | None:
    if not catalogs:
        return None
    # The snapshot in force on the day: the latest taken on or before it, else the earliest there is.
    dated = [(as_of, catalog) for as_of, catalog in catalogs if as_of <= day] or [catalogs[0]]
    as_of, catalog = dated[-1]
    position = _position(catalog, provider, model)
    if position is None or position in _index(catalog).free:
        # A listing at $0 is a rate-limited free tier, not the price of production traffic: unpriced.
        return None
    row = catalog_row(catalog, provider, model)
    assert row is not None
    parts = {name: row[name] for name in PRICE_FIELDS}
    note = None
    if tier != "standard":
        tier_parts = (row["tier_prices"] or {}).get(tier)
        if tier_parts:
            parts.update(tier_parts)
        else:
            note = f"no {tier} price known: the standard price is used"
    for threshold, cliff in sorted((row["long_context"] or {}).items()):
        if prompt_min > threshold:
            parts.update(cliff)
    return _resolved(parts, str(row["key"]), str(row["source"]), as_of, note)
