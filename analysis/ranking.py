"""Ranking: the order a reader sees candidates in, the one the headline recommends, and the ones nothing
beats on both cost and quality.

Candidates are ranked by evidence before price. First those whose quality evidence meets the workload's
floor ("ok", then "at risk"); then the unrated ones, which must be evaluated before anyone moves to them;
then those known to fall below the floor. Candidates that do not fit (context window, capabilities,
retirement) come after every one that does, and ineligible ones (when shown at all) last. Within a grade,
a candidate that meets the latency objective comes before one whose latency is unknown, and that before
one known to miss it; then the cheaper first — except among the unrated, where the host's named successor
comes first and then the nearest to today's price (see :func:`rank_key`).

The top candidate — the only one a headline or a suggested move names — must fit and have evidence that
meets the floor. When none does, there is no recommendation, and the page says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol, TypeVar

import pandas as pd

from analysis.latency import LatencyEstimate
from analysis.quality import GRADES, QualityEstimate

__all__ = ["GRADE_ORDER", "MEETS_FLOOR", "pareto_frontier", "rank_key", "top_candidate"]

GRADE_ORDER = {grade: rank for rank, grade in enumerate(GRADES)}
MEETS_FLOOR = frozenset({"ok", "at risk"})
# A candidate known to miss the SLO ranks below one whose latency nobody has measured yet. Without an SLO
# every verdict is None, so the SLO does not reorder anything.
SLO_ORDER = {True: 0, None: 1, False: 2}


class Ranked(Protocol):
    """What ranking reads of an option."""

    @property
    def eligible(self) -> bool: ...
    @property
    def fits(self) -> bool: ...
    @property
    def quality(self) -> QualityEstimate: ...
    @property
    def latency(self) -> LatencyEstimate: ...
    @property
    def monthly_base_usd(self) -> float | None: ...
    @property
    def successor(self) -> bool: ...


R = TypeVar("R", bound=Ranked)


def rank_key(option: Ranked, today_usd: float | None = None) -> tuple[bool, bool, int, bool, int, float]:
    """Sort key, best first, given today's monthly cost.

    Among unrated candidates, the host's named successor of today's model comes first, then the nearest
    to today's price: with no evidence either way, a model priced like today's is likelier a peer than one
    a hundredth of the price, which is also why it is no recommendation.
    """
    cost = option.monthly_base_usd
    unrated = option.quality.grade == "unrated"
    if cost is None:
        order = float("inf")
    elif unrated and today_usd and cost > 0:
        order = abs(math.log(cost / today_usd))
    else:
        order = cost
    return (
        not option.eligible,
        not option.fits,
        GRADE_ORDER[option.quality.grade],
        not (unrated and option.successor),
        SLO_ORDER[option.latency.meets_slo],
        order,
    )


def top_candidate(ranked: Sequence[R]) -> R | None:
    """The best candidate a reader could act on: eligible, fits, priced, and evidence that meets the floor."""
    return next(
        (o for o in ranked if o.eligible and o.fits and o.quality.grade in MEETS_FLOOR and o.monthly_base_usd),
        None,
    )


def pareto_frontier(cost: pd.Series, quality: pd.Series) -> pd.Series:
    """True for the points no other point beats on both cost (lower) and quality (higher).

    >>> pareto_frontier(pd.Series([10.0, 5.0, 8.0, 12.0]), pd.Series([100.0, 90.0, 80.0, 100.0])).tolist()
    [True, True, False, False]
    """
    order = sorted(range(len(cost)), key=lambda i: (cost.iloc[i], -quality.iloc[i]))
    best = float("-inf")
    frontier = pd.Series(False, index=cost.index)
    for i in order:
        if quality.iloc[i] > best:
            frontier.iloc[i] = True
            best = quality.iloc[i]
    return frontier
