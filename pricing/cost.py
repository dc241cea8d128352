"""The cost of usage rollups, vectorised: unit-price columns times measure columns, no loop per row.

Each distinct (provider, model, price period, tier, prompt size[, hour]) is looked up once in the price
book — a price period being a run of days over which no source changes the model's prices — and the prices
are spread onto the rollups and multiplied in columns. The parts follow the canonical measures:

- input: input tokens that were neither cache reads nor cache writes, at the input price;
- cache reads at the cache-read price; cache writes at the 5-minute or 1-hour write price;
- output at the output price, its reasoning part at the reasoning price (the output price where the
  source sets none: reasoning is billed as output);
- requests at the per-request fee.

Long-context cliffs come from the prompt-size band: a band's requests all have prompts above its lower
bound, so a tier whose threshold is a band bound is priced exactly.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd

from db.measures import TOKEN_MEASURES
from pricing.book import PRICE_COLUMNS, Price, PriceBook, tier_of

__all__ = ["COST_PARTS", "cost_of", "offline_book", "price_table"]

COST_PARTS: tuple[str, ...] = ("input_usd", "cache_read_usd", "cache_write_usd", "output_usd", "requests_usd")


@lru_cache(maxsize=1)
def offline_book() -> PriceBook:
    return PriceBook.offline()


class _Column:
    """A column as codes into its distinct values: keys are built and looked up per distinct value."""

    def __init__(self, values: object) -> None:
        series = values if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
        self.codes, uniques = pd.factorize(series, use_na_sentinel=False)
        self.values = np.asarray(uniques, dtype=object)

    @classmethod
    def constant(cls, value: object, rows: int) -> _Column:
        """The same value on every row (a column the usage does not have), without factorizing it."""
        column = cls.__new__(cls)
        column.codes = np.zeros(rows, dtype="intp")
        column.values = np.array([value], dtype=object)
        return column

    def __getitem__(self, row: int) -> object:
        return self.values[self.codes[row]]

    def text(self, row: int) -> str | None:
        """The value on ``row`` when it is text (a name), else None: missing."""
        value = self[row]
        return value if isinstance(value, str) else None

    def whole(self, row: int) -> int | None:
        """The value on ``row`` when it is a whole number, else None: missing (None, NaN or NA)."""
        value = self[row]
        if isinstance(value, int | np.integer) or (isinstance(value, float) and value.is_integer()):
            return int(value)
        return None

    def flag(self, row: int) -> bool | None:
        """The value on ``row`` as yes or no, else None: missing (None, NaN or NA)."""
        value = self[row]
        if value is None or value is pd.NA or (isinstance(value, float | np.floating) and math.isnan(value)):
            return None
        return bool(value)

    def day(self, row: int) -> date:
        """The value on ``row``, a date: a priced row's day and price period are never missing."""
        value = self[row]
        if not isinstance(value, date):
            raise TypeError(f"not a date: {value!r}")
        return value


def _combined(*codes: np.ndarray) -> np.ndarray:
    """One code per distinct combination of the columns' codes."""
    combined = np.zeros(len(codes[0]), dtype="int64")
    for column in codes:
        # Re-numbered after each column, so the combined code stays below rows × values.
        combined, _ = pd.factorize(combined * (int(column.max(initial=0)) + 1) + column)
    return combined


def _first_rows(codes: np.ndarray) -> np.ndarray:
    """For each code (numbered from 0), the first row that has it."""
    first = np.empty(int(codes.max(initial=-1)) + 1, dtype="int64")
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return first


def _per_group(codes: np.ndarray, compute: Callable[[int], object]) -> _Column:
    """``compute`` of each group's first row, spread to all rows: called once per distinct key."""
    firsts = _first_rows(codes)
    column = _Column([compute(int(row)) for row in firsts])
    column.codes = column.codes[codes]
    return column


def price_table(usage: pd.DataFrame, book: PriceBook | None = None) -> pd.DataFrame:
    """Unit prices for each row of ``usage`` (its provider, model, day or bucket_start, and optionally
    service_tier, batch, prompt_band), aligned with its index. Unpriced rows have NaN prices."""
    book = book or offline_book()
    rows = len(usage)
    provider, model = _Column(usage["provider"]), _Column(usage["model"])
    times = pd.to_datetime(usage["bucket_start"]) if "bucket_start" in usage else None
    day = _Column(usage["day"] if "day" in usage.columns or times is None else times.dt.date)

    # Each helper below is called once per distinct key (see _per_group), never per row.
    def names(row: int) -> tuple[str, str] | None:
        """The row's provider and model; None when it lacks either, and is then not priced."""
        provider_name, model_name = provider.text(row), model.text(row)
        return None if provider_name is None or model_name is None else (provider_name, model_name)

    def period_of(row: int) -> object:
        named = names(row)
        # An unpriced row's period is never looked up: its day, whatever it holds, keeps days apart.
        return day[row] if named is None else book.price_period(*named, day.day(row))

    period = _per_group(_combined(provider.codes, model.codes, day.codes), period_of)
    service_tier = _Column(usage["service_tier"]) if "service_tier" in usage else _Column.constant(None, rows)
    batch = _Column(usage["batch"]) if "batch" in usage else _Column.constant(None, rows)
    tier = _per_group(
        _combined(service_tier.codes, batch.codes), lambda row: tier_of(service_tier.text(row), batch.flag(row))
    )
    bands = usage["prompt_band"] if "prompt_band" in usage else pd.Series(pd.NA, index=usage.index)
    # A band's lower bound is exclusive: its smallest prompt has one token more.
    prompt_min = _Column((pd.to_numeric(bands, errors="coerce") + 1).fillna(0).astype("int64").to_numpy())

    def hourly_prices(row: int) -> bool:
        named = names(row)
        return named is not None and book.has_time_of_day_prices(*named)

    # Only models whose price changes with the hour are looked up per hour.
    hour = _Column.constant(None, rows)
    if times is not None:
        hourly = _per_group(_combined(provider.codes, model.codes), hourly_prices)
        if any(hourly.values):
            hour = _Column(times.dt.hour.astype(object).where(hourly.values[hourly.codes].astype(bool), None))

    def price_at(row: int) -> Price | None:
        named = names(row)
        if named is None:
            return None
        tier_name, prompt_tokens = tier.text(row), prompt_min.whole(row)
        assert tier_name is not None and prompt_tokens is not None  # both are set on every row above
        return book.price(*named, period.day(row), tier=tier_name, prompt_min=prompt_tokens, hour=hour.whole(row))

    key = _combined(provider.codes, model.codes, period.codes, tier.codes, prompt_min.codes, hour.codes)
    found = [price_at(int(first)) for first in _first_rows(key)]
    columns: dict[str, np.ndarray] = {
        column: np.array([getattr(price, column) if price else np.nan for price in found], dtype="float64")
        for column in PRICE_COLUMNS
    }
    for column, attribute in (("price_source", "source"), ("price_as_of", "as_of"), ("price_note", "note")):
        columns[column] = np.array([getattr(price, attribute) if price else None for price in found], dtype=object)
    return pd.DataFrame(
        {name: pd.Series(values[key], index=usage.index, dtype=values.dtype) for name, values in columns.items()}
    )


def _measure(usage: pd.DataFrame, name: str) -> np.ndarray:
    if name not in usage:
        return np.zeros(len(usage))
    return usage[name].to_numpy(dtype="float64", na_value=0.0)


def cost_of(usage: pd.DataFrame, book: PriceBook | None = None) -> pd.DataFrame:
    """Cost of each row of ``usage`` at the prices in force on its day.

    Returns, aligned with it, one ``*_usd`` column per part, ``cost_usd`` (their sum), ``price_source``,
    ``price_as_of``, ``price_note``, and ``unpriced`` — true where the row has usage but no price, whose
    cost is then NaN, never 0.
    """
    prices = price_table(usage, book)
    price = {name: prices[name].to_numpy() for name in PRICE_COLUMNS}
    tokens = {name: _measure(usage, name) for name in TOKEN_MEASURES}
    requests = _measure(usage, "requests")
    uncached = tokens["input_tokens"] - tokens["cache_read_tokens"] - tokens["cache_write_tokens"]
    write_5m = tokens["cache_write_tokens"] - tokens["cache_write_1h_tokens"]
    visible_output = tokens["output_tokens"] - tokens["reasoning_tokens"]
    per_token = 1e-6
    parts = {
        "input_usd": uncached * price["input_mtok"] * per_token,
        "cache_read_usd": tokens["cache_read_tokens"] * price["cache_read_mtok"] * per_token,
        "cache_write_usd": (
            write_5m * price["cache_write_mtok"] + tokens["cache_write_1h_tokens"] * price["cache_write_1h_mtok"]
        )
        * per_token,
        "output_usd": (visible_output * price["output_mtok"] + tokens["reasoning_tokens"] * price["reasoning_mtok"])
        * per_token,
        "requests_usd": requests * price["requests_kcount"] / 1000,
    }
    has_usage = (sum(tokens.values()) + requests) > 0
    no_price = prices["price_source"].isna().to_numpy()
    unpriced, nothing_to_price = no_price & has_usage, no_price & ~has_usage
    for values in parts.values():
        values[unpriced] = np.nan
        # Rows with nothing to price (cost-only rows) cost nothing here; their reported cost stands.
        values[nothing_to_price] = 0.0
    # A part that cannot be priced makes the whole row's cost unknown: NaN carries through the sum.
    cost = sum(parts[name] for name in COST_PARTS)
    frame = pd.DataFrame({**parts, "cost_usd": cost}, index=usage.index)
    for name in ("price_source", "price_as_of", "price_note"):
        frame[name] = prices[name]
    frame["unpriced"] = unpriced
    return frame
