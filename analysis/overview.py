"""What the Overview page shows: spend KPIs, spend over time, and spend by project and model.

Everything here is a pure function of a priced usage frame (see :mod:`analysis.spend`), so the page only
draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from analysis.assumptions import DAYS_PER_MONTH, WINDOW_DAYS
from analysis.spend import totals_by
from db.measures import COUNT_MEASURES, TOKEN_MEASURES
from db.usage import UNKNOWN_PREFIX

__all__ = ["MEASURE_WORDS", "Kpis", "by_project_and_model", "kpis", "not_in_source", "spend_over_time"]

# Each count measure as a person names it.
MEASURE_WORDS: dict[str, str] = {
    "requests": "requests",
    "input_tokens": "input",
    "cache_read_tokens": "cache reads",
    "cache_write_tokens": "cache writes",
    "cache_write_1h_tokens": "1-hour cache writes",
    "output_tokens": "output",
    "reasoning_tokens": "reasoning",
}


@dataclass(frozen=True)
class Kpis:
    """The headline numbers over the 30 days that end on the last day with usage."""

    window_start: date
    window_end: date
    spend_usd: float | None  # None: nothing in the window has a price or a reported cost, never $0
    monthly_run_rate_usd: float | None
    requests: int | None  # None: no source in the window reports it (a cost report has no counts), never 0
    tokens: int | None
    top_provider: str | None
    top_provider_share: float | None
    unpriced_models: tuple[str, ...]


def kpis(priced: pd.DataFrame) -> Kpis | None:
    """Headline numbers of a priced daily frame, or None when it has no usage."""
    if priced.empty:
        return None
    end = max(priced["day"])
    start = end - timedelta(days=WINDOW_DAYS - 1)
    window = priced[priced["day"] >= start]
    known = window["spend_usd"].sum(min_count=1)
    spend = None if pd.isna(known) else float(known)
    by_provider = window.groupby("provider")["spend_usd"].sum().sort_values(ascending=False)
    top = by_provider.index[0] if len(by_provider) and spend else None
    unpriced = window[window["unpriced"] & window["spend_usd"].isna()]
    return Kpis(
        window_start=start,
        window_end=end,
        spend_usd=spend,
        monthly_run_rate_usd=None if spend is None else spend / WINDOW_DAYS * DAYS_PER_MONTH,
        requests=_known_sum(window["requests"]),
        tokens=_known_sum(pd.concat([window["input_tokens"], window["output_tokens"]])),
        top_provider=str(top) if top is not None else None,
        top_provider_share=float(by_provider.iloc[0] / spend) if top is not None and spend else None,
        unpriced_models=tuple(sorted(set(unpriced["provider"] + "/" + unpriced["model"]))),
    )


def _known_sum(values: pd.Series) -> int | None:
    """The sum of the counts some source reports, or None when none does.

    >>> _known_sum(pd.Series([2.0, None])), _known_sum(pd.Series([None, None], dtype=float))
    (2, None)
    """
    total = values.sum(min_count=1)
    return None if pd.isna(total) else int(total)


# Stacked series a reader can tell apart; past that, the smallest are summed as one.
SERIES_SHOWN = 12


def spend_over_time(priced: pd.DataFrame, by: str, grain: str = "W") -> pd.DataFrame:
    """Spend per period (``"D"``, ``"W"`` or ``"M"``) and value of ``by``: columns period, ``by``, spend_usd.

    Weeks start on Monday; each period is labelled by its first day. Past :data:`SERIES_SHOWN` values of
    ``by``, all but the largest spenders are one series, "N other models" (a ledger can hold thousands).
    """
    frame = priced[["day", by, "spend_usd"]].copy()
    days = pd.to_datetime(frame["day"])
    if grain == "D":
        frame["period"] = days
    elif grain == "W":
        frame["period"] = days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    elif grain == "M":
        frame["period"] = days.dt.to_period("M").dt.start_time
    else:
        raise ValueError(f"unknown grain {grain!r}")
    frame[by] = frame[by].fillna("(none)")
    spend = frame.groupby(by)["spend_usd"].sum(min_count=1)
    spend = spend.sort_values(ascending=False, na_position="last", kind="stable")
    if len(spend) > SERIES_SHOWN:
        others = spend.index[SERIES_SHOWN - 1 :]
        frame[by] = frame[by].where(~frame[by].isin(others), f"{len(others):,} other {by}s")
    return frame.groupby(["period", by])["spend_usd"].sum(min_count=1).reset_index()


def by_project_and_model(priced: pd.DataFrame) -> pd.DataFrame:
    """Spend and volume per (provider, project, model), largest spend first, with each row's share."""
    frame = priced.copy()
    frame["project"] = frame["project"].fillna("(no project)")
    table = totals_by(frame, ["provider", "project", "model"])
    total = table["spend_usd"].sum()
    table["share"] = table["spend_usd"] / total if total else float("nan")
    table["tokens"] = table["input_tokens"] + table["output_tokens"]
    table["not_in_source"] = not_in_source(table)
    columns = [
        "provider",
        "project",
        "model",
        "spend_usd",
        "share",
        "requests",
        *TOKEN_MEASURES,
        "tokens",
        "not_in_source",
    ]
    return table.sort_values("spend_usd", ascending=False, na_position="first")[columns].reset_index(drop=True)


def not_in_source(totals: pd.DataFrame) -> pd.Series:
    """Per row of summed totals (read with ``keep_unknown``), the counts that some of its rows' sources do not
    report, in words (``"reasoning, 1-hour cache writes"``); None where every count is complete. A count in it is
    the known part only, or missing where no source reports it.

    >>> not_in_source(pd.DataFrame({"unknown_reasoning_tokens": [3, 0], "unknown_requests": [0, 0]})).tolist()
    ['reasoning', None]
    """
    names = [name for name in COUNT_MEASURES if UNKNOWN_PREFIX + name in totals.columns]
    words = [
        ", ".join(MEASURE_WORDS[name] for name in names if row[UNKNOWN_PREFIX + name]) or None
        for row in totals[[UNKNOWN_PREFIX + name for name in names]].fillna(0).to_dict("records")
    ]
    return pd.Series(words, index=totals.index, dtype=object)
