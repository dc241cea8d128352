"""Retirement: when a model stops being served at its host, and what the host names as its successor.

A workload on a model that retires cannot "stay": on the shutdown date it moves, to the successor or
elsewhere. That date and the successor are facts of the host (Anthropic, Bedrock and Vertex retire one
Claude model on different days), read from the registries through :mod:`pricing.lifecycle`, each with the
page it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pricing.book import PriceBook
from pricing.lifecycle import lifecycle_of

__all__ = ["Retirement", "retirement_of"]


@dataclass(frozen=True)
class Retirement:
    """A model's shutdown date at its host (None when none is announced), its successor and the source."""

    host: str
    model: str
    retires_on: date | None
    successor: str | None
    source: str | None

    def days_left(self, today: date) -> int | None:
        """Days from ``today`` to the shutdown (negative once it has passed), or None."""
        return None if self.retires_on is None else (self.retires_on - today).days

    def retires_within(self, today: date, days: int) -> bool:
        left = self.days_left(today)
        return left is not None and left <= days

    def sentence(self, today: date) -> str | None:
        """What staying means, in one sentence for the top of a page; None when no shutdown is announced.

        >>> r = Retirement("openai", "gpt-4o-2024-08-06", date(2027, 1, 14), "gpt-6-luna", None)
        >>> print(r.sentence(date(2026, 12, 5)))  # doctest: +NORMALIZE_WHITESPACE
        Staying is not an option after 2027-01-14: openai retires gpt-4o-2024-08-06 then (in 40 days); its
        successor there is gpt-6-luna.
        >>> gone = Retirement("anthropic", "claude-sonnet-4-5", date(2026, 11, 30), None, None)
        >>> print(gone.sentence(date(2026, 12, 5)))  # doctest: +NORMALIZE_WHITESPACE
        Staying is not an option: anthropic retired claude-sonnet-4-5 on 2026-11-30 (5 days ago); it names no
        successor.
        """
        left = self.days_left(today)
        if self.retires_on is None or left is None:
            return None
        if left <= 0:
            ago = "today" if left == 0 else f"{-left:,} day{'s' if left != -1 else ''} ago"
            lead = f"Staying is not an option: {self.host} retired {self.model} on {self.retires_on:%Y-%m-%d} ({ago})"
        else:
            within = f"in {left:,} day{'s' if left != 1 else ''}"
            lead = (
                f"Staying is not an option after {self.retires_on:%Y-%m-%d}: {self.host} retires {self.model} then "
                f"({within})"
            )
        then = f"its successor there is {self.successor}" if self.successor else "it names no successor"
        return f"{lead}; {then}."


def retirement_of(book: PriceBook, host: str, model: str) -> Retirement:
    """What the registries (and OpenAI's own model list, where refreshed) say of ``model``'s retirement at
    ``host``."""
    lifecycle = lifecycle_of(book, host, model)
    return Retirement(host, model, lifecycle.deprecation_date, lifecycle.successor, lifecycle.deprecation_source)
