"""The date of genai-prices' data: the as-of date of its prices that have no dated period of their own.

A genai-prices price with a start date (a price cut, a newly verified tier) is as of that date. Most prices
have none: they are as current as the package's data. The package does not date its data, but its price
comments say when each figure was verified against the provider's page ("Batch rates verified on
2026-10-14"); the newest of those days is the latest day the data is known to have been current, as the
vendored LiteLLM registry is dated by the day it was taken. Data that genai-prices refreshed itself at run
time is dated by that refresh.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from genai_prices import data_snapshot
from genai_prices.types import StartDateConstraint

__all__ = ["genai_data_as_of", "verified_dates"]

_VERIFIED = re.compile(r"\b(?:verified|checked)(?: on)? (\d{4}-\d{2}-\d{2})\b", re.IGNORECASE)
# By snapshot: the bundled data is one object for the life of the process.
_DATED: dict[int, tuple[object, date]] = {}


def verified_dates(text: str) -> list[date]:
    """The days a price comment says its figures were verified or checked on.

    >>> verified_dates("Batch rates verified on 2026-10-14; flex checked 2026-11-03. Rises on 2027-01-01.")
    [datetime.date(2026, 10, 14), datetime.date(2026, 11, 3)]
    """
    days = []
    for found in _VERIFIED.findall(text):
        try:
            days.append(date.fromisoformat(found))
        except ValueError:
            continue  # a malformed date in prose dates nothing
    return days


def _as_of(snapshot: data_snapshot.DataSnapshot) -> date:
    if snapshot.from_auto_update:
        return snapshot.timestamp.date()
    comments = [provider.price_comments for provider in snapshot.providers]
    comments += [model.price_comments for provider in snapshot.providers for model in provider.models]
    verified = [day for text in comments if text for day in verified_dates(text)]
    if verified:
        return max(verified)
    # Data whose comments date nothing: its newest price change that has already begun (a scheduled one
    # would date data from the future).
    today = datetime.now(UTC).date()
    starts = [
        conditional.constraint.start_date
        for provider in snapshot.providers
        for model in provider.models
        if isinstance(model.prices, list)
        for conditional in model.prices
        if isinstance(conditional.constraint, StartDateConstraint) and conditional.constraint.start_date <= today
    ]
    return max(starts, default=today)


def genai_data_as_of() -> date:
    """The as-of date of the genai-prices data in use (see the module's docstring)."""
    snapshot = data_snapshot.get_snapshot()
    known = _DATED.get(id(snapshot))
    if known is None or known[0] is not snapshot:
        known = (snapshot, _as_of(snapshot))
        _DATED[id(snapshot)] = known
    return known[1]
