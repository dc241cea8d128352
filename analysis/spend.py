"""Spend: the ledger's usage priced at the prices of each day, and its totals.

Spend is exitplan's own price of the tokens. A row exitplan cannot price counts at what its source
reported, if it reported anything; otherwise it stays unpriced (NaN) and is listed, never taken as $0.
Cost-only rows (cost reports, cloud bills) count as spend on the days their provider has no token usage
in the ledger; where it has, the tokens are the spend and the report serves reconciliation.

Unknown is not zero. A measure a source does not report (a cost report's tokens, a dashboard export's
reasoning split, most sources' 1-hour cache split) is null in the ledger. Read with ``keep_unknown`` (as
:func:`summary` does), a total is the sum of the rows that know the measure — None where none does — and
says how many rows it could not count (:attr:`Totals.not_in_source`): a sum over known and unknown rows is
never passed off as complete. A row that knows none of its tokens has no computed cost (``cost_usd`` NaN, not
$0, and not *unpriced* either: there is nothing to price); its reported cost stands as its spend. Pricing
takes an unknown part as none: output with an unknown reasoning part is all priced as output, cache writes
with an unknown 1-hour part at the 5-minute price.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from db.measures import COUNT_MEASURES, TOKEN_MEASURES, TOOL_CHARGE_PREFIX
from db.usage import LEDGER_ROWS, UNKNOWN_PREFIX, read_usage
from pricing.book import PriceBook
from pricing.cost import COST_PARTS, cost_of
from pricing.sources import load_book

__all__ = [
    "COMPLETENESS",
    "MEASURES",
    "PRICING_KEYS",
    "Summary",
    "Totals",
    "price_usage",
    "priced_usage",
    "summary",
    "totals_by",
]

# What a rollup must be grouped by, at least, to be priced correctly.
PRICING_KEYS: tuple[str, ...] = ("provider", "model", "service_tier", "batch", "prompt_band")
MEASURES: tuple[str, ...] = (*COUNT_MEASURES, "reported_cost_usd", "cost_usd", "spend_usd")
# What a frame read with keep_unknown adds, summed like the measures: rows, and rows without each measure.
COMPLETENESS: tuple[str, ...] = (LEDGER_ROWS, *(UNKNOWN_PREFIX + name for name in COUNT_MEASURES))


def price_usage(usage: pd.DataFrame, book: PriceBook | None = None) -> pd.DataFrame:
    """``usage`` (read with the pricing keys and a ``day``) with its cost parts, ``cost_usd``,
    ``reported_cost_usd``, ``spend_usd`` and ``unpriced``."""
    return _with_spend(_nothing_known_unpriced(usage.join(cost_of(usage, book))))


def _nothing_known_unpriced(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows that know none of their measures (only in a frame read with ``keep_unknown``) get no computed cost:
    the cost engine takes unknown as none and would price them at $0."""
    known = frame[list(COUNT_MEASURES)].notna().any(axis=1).to_numpy()
    if not known.all():
        frame.loc[~known, [*COST_PARTS, "cost_usd"]] = np.nan
    return frame


def _with_spend(frame: pd.DataFrame) -> pd.DataFrame:
    frame["reported_cost_usd"] = frame["reported_cost_nano_usd"].astype("float64") / 1e9
    has_usage = (
        frame[list(TOKEN_MEASURES)].sum(axis=1).astype("float64") + frame["requests"].astype("float64").fillna(0.0) > 0
    )
    priced = frame["cost_usd"].notna() & has_usage
    frame["spend_usd"] = np.where(priced, frame["cost_usd"], frame["reported_cost_usd"])
    # A row with no usage and no reported cost spends nothing.
    frame.loc[~has_usage & frame["reported_cost_usd"].isna(), "spend_usd"] = 0.0
    # A cost report (cost-only rows) and a usage export of the same provider and day describe the same
    # money: there the tokens are priced and the report is kept for reconciliation, not added again — except
    # a tool's charge (web search, file search), which no token row carries: it is spent as reported.
    if len(frame):
        covered = has_usage.groupby([frame["provider"], frame["day"]]).transform("any")
        tool = frame["model"].astype("string").str.startswith(TOOL_CHARGE_PREFIX, na=False)
        frame.loc[~has_usage & covered & ~tool, "spend_usd"] = 0.0
        if LEDGER_ROWS in frame.columns:
            # For the same reason such a report's rows, which know no tokens, leave none missing from the totals:
            # the usage they describe is counted by the token rows.
            cost_only = ~frame[list(COUNT_MEASURES)].notna().any(axis=1)
            frame.loc[cost_only & covered, list(COMPLETENESS[1:])] = 0
    return frame


def priced_usage(
    engine: Engine,
    by: Sequence[str] = (),
    *,
    since: date | None = None,
    until: date | None = None,
    keep_unknown: bool = False,
) -> pd.DataFrame:
    """Daily usage grouped by ``by`` (plus what pricing needs), priced with the ledger's price book.

    Models whose price changes with the time of day (DeepSeek's off-peak hours) are read and priced by
    the hour, then summed to days; everything else is priced by the day. ``keep_unknown`` keeps measures no
    source reported as null, with the rows counted (see :func:`db.usage.read_usage`); by default they read as 0.
    """
    keys = list(dict.fromkeys([*by, *PRICING_KEYS]))
    book = load_book(engine)
    daily = read_usage(engine, keys, grain="day", since=since, until=until, keep_unknown=keep_unknown)
    pairs = daily[["provider", "model"]].drop_duplicates().itertuples(index=False)
    hourly_models = {(p, m) for p, m in pairs if book.has_time_of_day_prices(p, m)}
    if not hourly_models:
        return price_usage(daily, book)

    def of(frame: pd.DataFrame) -> pd.Series:
        return pd.Series(
            [(p, m) in hourly_models for p, m in zip(frame["provider"], frame["model"], strict=True)], index=frame.index
        )

    hourly = read_usage(engine, keys, grain="hour", since=since, until=until, keep_unknown=keep_unknown)
    hourly = hourly[of(hourly)]
    costed = _nothing_known_unpriced(hourly.join(cost_of(hourly, book)))
    costed["day"] = pd.to_datetime(costed["bucket_start"]).dt.date
    numeric = [c for c in costed.columns if c not in (*keys, "day", "bucket_start") and costed[c].dtype != object]
    grouped = costed.groupby(["day", *keys], dropna=False, sort=False)
    by_day = grouped[numeric].sum(min_count=1)
    by_day["price_source"] = grouped["price_source"].first()
    by_day["unpriced"] = grouped["unpriced"].any()
    rest = daily[~of(daily)]
    combined = pd.concat(
        [_nothing_known_unpriced(rest.join(cost_of(rest, book))), by_day.reset_index()], ignore_index=True
    )
    return _with_spend(combined)


def totals_by(frame: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Sum a priced frame's measures by ``by``. Cost sums stay NaN when nothing in the group is priced; a count
    is the sum of the rows that know it (NaN when none does), and a frame read with ``keep_unknown`` keeps its
    row counts (:data:`COMPLETENESS`) summed beside it."""
    columns = [*MEASURES, *COST_PARTS, *(name for name in COMPLETENESS if name in frame.columns)]
    grouped = frame.groupby(list(by), dropna=False, sort=False) if by else None
    if grouped is None:
        return frame[columns].sum(min_count=1).to_frame().T
    sums = grouped[columns].sum(min_count=1)
    sums["unpriced"] = grouped["unpriced"].any()
    return sums.reset_index()


@dataclass(frozen=True)
class Totals:
    """Usage and cost summed over some of the ledger. A count is the sum over the rows whose source reports it,
    and None where no row's source does (requests of a usage report, tokens of a cost report); ``cost_usd`` is
    None where nothing could be priced, ``reported_cost_usd`` where no source reported a cost. Token counts
    are canonical: input includes cache reads and writes, output includes reasoning.

    ``rows`` is how many ledger rows (rollups of an hour and its dimensions) the totals sum, and
    ``not_in_source`` how many of them, per count measure, came from a source that does not report it (only
    measures some row lacks). A count with an entry there is the known part only."""

    # One field per name in db.measures.COUNT_MEASURES, in its order (a test holds them equal), then the costs.
    requests: int | None
    input_tokens: int | None
    cache_read_tokens: int | None
    cache_write_tokens: int | None
    cache_write_1h_tokens: int | None
    output_tokens: int | None
    reasoning_tokens: int | None
    reported_cost_usd: float | None
    cost_usd: float | None
    rows: int = 0
    not_in_source: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, row: Mapping[Any, Any]) -> Totals:
        """The totals in a row of :func:`totals_by`; costs rounded to a millionth of a dollar."""
        counts = {name: None if pd.isna(row[name]) else int(row[name]) for name in COUNT_MEASURES}
        unknown = {name: _count(row, UNKNOWN_PREFIX + name) for name in COUNT_MEASURES}
        return cls(
            **counts,
            reported_cost_usd=_usd(row, "reported_cost_usd"),
            cost_usd=_usd(row, "cost_usd"),
            rows=_count(row, LEDGER_ROWS),
            not_in_source={name: n for name, n in unknown.items() if n},
        )

    def as_dict(self) -> dict[str, object]:
        """The totals by name, counts first, as ``exitplan summary --json`` prints them."""
        return {**asdict(self), "not_in_source": dict(self.not_in_source)}


def _count(row: Mapping[Any, Any], name: str) -> int:
    value = row.get(name)
    return 0 if value is None or pd.isna(value) else int(value)


def _usd(row: Mapping[Any, Any], name: str) -> float | None:
    value = row[name]
    return None if pd.isna(value) else round(float(value), 6)


@dataclass(frozen=True)
class Summary:
    """Totals of the ledger overall, by provider and by model, and the models it could not price (as
    ``provider/model``, sorted)."""

    overall: Totals
    by_provider: Mapping[str, Totals]
    by_model: Mapping[str, Totals]
    unpriced_models: tuple[str, ...]

    def as_dict(self) -> dict[str, object]:
        """The summary as ``exitplan summary --json`` prints it: the overall totals at the top level, then
        ``by_provider``, ``by_model`` and ``unpriced_models``."""
        return {
            **self.overall.as_dict(),
            "by_provider": {name: totals.as_dict() for name, totals in self.by_provider.items()},
            "by_model": {name: totals.as_dict() for name, totals in self.by_model.items()},
            "unpriced_models": list(self.unpriced_models),
        }


def summary(engine: Engine, *, since: date | None = None, until: date | None = None) -> Summary:
    """Totals of the ledger (inclusive UTC dates), overall and by provider and model.

    ``cost_usd`` is exitplan's price of the priced usage; ``unpriced_models`` lists what it could not price.
    """
    frame = priced_usage(engine, since=since, until=until, keep_unknown=True)
    overall = Totals.of(totals_by(frame, []).to_dict("records")[0] if len(frame) else dict.fromkeys(MEASURES, np.nan))
    by: dict[str, dict[str, Totals]] = {}
    for dimension in ("provider", "model"):
        sums = totals_by(frame, [dimension]) if len(frame) else pd.DataFrame(columns=[dimension])
        # Records, not iterrows: a ledger can hold a million model names.
        by[dimension] = {str(row[dimension]): Totals.of(row) for row in sums.to_dict("records")}
    unpriced = frame[frame["unpriced"]] if len(frame) else frame
    models = sorted({f"{p}/{m}" for p, m in zip(unpriced["provider"], unpriced["model"], strict=True)})
    return Summary(overall, by["provider"], by["model"], tuple(models))
