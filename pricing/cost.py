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

from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pandas as pd

from db.measures import TOKEN_MEASURES
from pricing.book import PRICE_COLUMNS, PriceBook, tier_of

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

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        return self.values[self.codes[rows]]


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
    day = _Column(usage["day"] if "day" in usage.columns else times.dt.date)  # type: ignore[union-attr]

    def priced(row: int) -> bool:
        return isinstance(provider[row], str) and isinstance(model[row], str)

    period = _per_group(
        _combined(provider.codes, model.codes, day.codes),
        lambda row: book.price_period(provider[row], model[row], day[row]) if priced(row) else day[row],
    )
    service_tier = _Column(usage["service_tier"]) if "service_tier" in usage else _Column.constant(None, rows)
    batch = _Column(usage["batch"]) if "batch" in usage else _Column.constant(None, rows)
    tier = _per_group(
        _combined(service_tier.codes, batch.codes),
        lambda row: tier_of(
            service_tier[row] if isinstance(service_tier[row], str) else None,
            None if pd.isna(batch[row]) else bool(batch[row]),
        ),
    )
    bands = usage["prompt_band"] if "prompt_band" in usage else pd.Series(pd.NA, index=usage.index)
    # A band's lower bound is exclusive: its smallest prompt has one token more.
    prompt_min = _Column((pd.to_numeric(bands, errors="coerce") + 1).fillna(0).astype("int64").to_numpy())
    # Only models whose price changes with the hour are looked up per hour.
    hour = _Column.constant(None, rows)
    if times is not None:
        hourly = _per_group(
            _combined(provider.codes, model.codes),
            lambda row: priced(row) and book.has_time_of_day_prices(provider[row], model[row]),
        )
        if any(hourly.values):
            hour = _Column(times.dt.hour.astype(object).where(hourly.values[hourly.codes].astype(bool), None))
    key = _combined(provider.codes, model.codes, period.codes, tier.codes, prompt_min.codes, hour.codes)
    found = [
        book.price(
            provider[row], model[row], period[row], tier=tier[row], prompt_min=int(prompt_min[row]),
            hour=None if pd.isna(hour[row]) else int(hour[row]),
        )
        if priced(row)
        else None
        for row in (int(first) for first in _first_rows(key))
    ]  # fmt: skip
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
