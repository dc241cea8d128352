"""Costing: what a workload costs a month on today's model, and on each candidate as a low / base / high
range, from the workload's own token mix (ARCHITECTURE.md §5).

A candidate's range spans the three largest unknowns of a move:

- the tokenizer: the same text is more or fewer tokens on the target (``analysis.reference``);
- the answer length: 10% shorter to 15% longer around the user's verbosity factor
  (:data:`analysis.assumptions.OUTPUT_LENGTH_RANGE`) — or, where the company replayed the workload's prompts
  on the candidate (``exitplan evaluate``), the measured length against today's answers with its 95%
  interval, which replaces both for that candidate;
- the prompt cache: where caching carries over, the base case keeps today's hits and the high case half of
  them (:data:`analysis.assumptions.CACHE_HIT_RANGE`), since prompts are laid out for today's cache; and a
  host that bills cache writes, for traffic that reports none, writes in proportion to the reads
  (:mod:`analysis.cache_writes`).

Every plan is priced in one vectorised pass (:func:`analysis.repricing.reprice`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from analysis.assumptions import CACHE_HIT_RANGE, OUTPUT_LENGTH_RANGE
from analysis.cache_writes import CacheWriteRatio
from analysis.profile import WorkloadProfile
from analysis.reference import RatioRange
from analysis.repricing import reprice
from analysis.selfhost import SelfHostedOption, monthly_cost
from pricing.book import PriceBook

__all__ = [
    "SCENARIOS",
    "CandidateCost",
    "CostRange",
    "Costs",
    "bills_cache_writes",
    "cost_candidates",
    "self_hosted_cost",
]

SCENARIOS = ("low", "base", "high")


@dataclass(frozen=True)
class CostRange:
    """Monthly USD in the low, base and high case (None where unpriced)."""

    low: float | None
    base: float | None
    high: float | None

    @classmethod
    def point(cls, value: float | None) -> CostRange:
        return cls(value, value, value)

    def as_dict(self) -> dict[str, float | None]:
        return {k: (round(v, 2) if v is not None else None) for k, v in vars(self).items()}


@dataclass(frozen=True)
class CandidateCost:
    """A candidate's monthly cost range and what its base case assumed."""

    cost: CostRange
    price_source: str | None
    price_note: str | None
    keep_cache: bool  # prompt caching carries over
    use_batch: bool  # the batch API is used
    writes_added: bool  # cache writes estimated for a host that bills them
    # The answers' length against today's as measured on the workload's prompts (low, ratio, high), where
    # it was: the output range in place of the assumed one.
    measured_output: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class Costs:
    """Today's monthly cost (at today's prices, no range) and each candidate's, in the pool's order."""

    today: float | None
    today_price_source: str | None
    candidates: list[CandidateCost]
    wants_batch: bool  # the workload tolerates batch (or is mostly on batch today)


def _flag(row: dict[str, Any], name: str) -> bool:
    value = row.get(name)
    return bool(value) if value is not None and not pd.isna(value) else False


def bills_cache_writes(row: dict[str, Any]) -> bool:
    """Whether a catalog row prices a cache write above plain input (Anthropic's 1.25×, GPT-5.6+)."""
    write, plain = row.get("cache_write_mtok"), row.get("input_mtok")
    if write is None or plain is None or pd.isna(write) or pd.isna(plain):
        return False
    return float(write) > float(plain)


def cost_candidates(
    profile: WorkloadProfile,
    pool: Sequence[dict[str, Any]],
    ratios: Sequence[RatioRange],
    *,
    book: PriceBook,
    today: date,
    verbosity: float,
    writes: CacheWriteRatio,
    batch_tolerant: bool,
    measured_output: Sequence[tuple[float, float, float] | None] | None = None,
) -> Costs:
    """Today's monthly cost and every candidate's range, for the ``pool`` (catalog rows) with their token
    ``ratios``. Prompt caching carries over only where the target supports it, the batch API only for a
    batch-tolerant workload (or one mostly on batch today) where the target offers it. A candidate's
    ``measured_output`` (low, ratio, high; None where not measured) is its answers' length against today's
    in each case, in place of ``verbosity`` and the assumed range."""
    measured = list(measured_output) if measured_output is not None else [None] * len(pool)
    assert profile.provider is not None and profile.model is not None
    had_cache = profile.cache_read_share > 0
    wants_batch = batch_tolerant or profile.batch_share > 0.5
    plans: list[dict[str, object]] = [
        {
            "candidate": "today",
            "scenario": "base",
            "provider": profile.provider,
            "model": profile.model,
            "token_ratio": 1.0,
            "verbosity": 1.0,
            "keep_cache": True,
            "use_batch": False,
            "keep_tier": True,
        }
    ]
    settings = []
    for i, (row, ratio) in enumerate(zip(pool, ratios, strict=True)):
        caching = had_cache and _flag(row, "supports_caching")
        batch = wants_batch and _flag(row, "supports_batch")
        added = caching and bills_cache_writes(row)
        settings.append((caching, batch, added))
        output = measured[i]
        lengths = dict(zip(SCENARIOS, output, strict=True)) if output is not None else None
        for scenario in SCENARIOS:
            plans.append(
                {
                    "candidate": str(i),
                    "scenario": scenario,
                    "provider": row["provider"],
                    "model": row["model"],
                    "token_ratio": getattr(ratio, scenario),
                    "verbosity": lengths[scenario] if lengths else OUTPUT_LENGTH_RANGE[scenario] * verbosity,
                    "keep_cache": caching,
                    "cache_hit": CACHE_HIT_RANGE[scenario] if caching else 1.0,
                    "writes_per_read": writes.writes_per_read if added else 0.0,
                    "use_batch": batch,
                    "keep_tier": False,
                }
            )
    frame = pd.DataFrame(plans)
    frame["plan"] = frame["candidate"] + ":" + frame["scenario"]
    priced = reprice(profile.mix, frame, day=today, book=book, monthly_factor=profile.monthly_factor)
    by_plan = {str(row["plan"]): row for row in priced.to_dict("records")}

    def monthly(key: str, scenario: str) -> float | None:
        value = by_plan.get(f"{key}:{scenario}", {}).get("monthly_usd")
        return None if value is None or pd.isna(value) else float(value)

    def text(value: object) -> str | None:
        return value if isinstance(value, str) else None

    candidates = []
    for i, (caching, batch, added) in enumerate(settings):
        base = by_plan.get(f"{i}:base", {})
        candidates.append(
            CandidateCost(
                cost=CostRange(*(monthly(str(i), s) for s in SCENARIOS)),
                price_source=text(base.get("price_source")),
                price_note=text(base.get("price_note")),
                keep_cache=caching,
                use_batch=batch,
                writes_added=added,
                measured_output=measured[i],
            )
        )
    return Costs(monthly("today", "base"), text(by_plan["today:base"].get("price_source")), candidates, wants_batch)


def self_hosted_cost(
    option: SelfHostedOption,
    profile: WorkloadProfile,
    ratio: RatioRange,
    verbosity: float,
    measured_output: tuple[float, float, float] | None = None,
) -> tuple[CostRange, float]:
    """A self-hosted option's monthly cost range, and the base case's tokens a month; ``measured_output``
    (low, ratio, high), where the workload's prompts were replayed on it, replaces the answer-length range."""
    lengths = dict(zip(SCENARIOS, measured_output, strict=True)) if measured_output is not None else None

    def tokens(scenario: str) -> float:
        length = lengths[scenario] if lengths else verbosity * OUTPUT_LENGTH_RANGE[scenario]
        output = profile.output_tokens * length
        token_ratio: float = getattr(ratio, scenario)  # low, base or high
        return (profile.input_tokens + output) * token_ratio * profile.monthly_factor

    cost = CostRange(*(monthly_cost(option, tokens(scenario)) for scenario in SCENARIOS))
    return cost, tokens("base")
