"""Explanation: the sentences a reader deciding on a vendor reads — what a candidate would cost and why
the range is what it is, whether it fits, and what moving to the top candidate changes.

Pure text from estimates already made; nothing here computes a figure a test of :mod:`analysis.costing`,
:mod:`analysis.quality` or :mod:`analysis.latency` could not check.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.assumptions import cache_hit_words, output_length_words
from analysis.cache_writes import CacheWriteRatio
from analysis.costing import CandidateCost, CostRange
from analysis.money import usd, usd_range, usd_together
from analysis.profile import WorkloadProfile
from analysis.reference import RatioRange
from analysis.selfhost import SelfHostedOption, usd_per_mtok

__all__ = ["change_words", "cost_sentence", "fits_sentence", "self_hosted_sentence", "today_sentence"]


def change_words(delta_pct: float | None) -> str:
    """A change against today in words, whole percent.

    >>> change_words(-0.3812), change_words(0.0), change_words(None)
    ('-38%', '+0%', '—')
    """
    return "—" if delta_pct is None else f"{delta_pct:+.0%}"


def today_sentence(today: float | None, profile: WorkloadProfile) -> str:
    requests = profile.requests * profile.monthly_factor
    return f"Today: {usd(today)} a month at today's prices for {requests:,.0f} requests."


def cost_sentence(
    priced: CandidateCost,
    today: float | None,
    ratio: RatioRange,
    profile: WorkloadProfile,
    verbosity: float,
    writes: CacheWriteRatio,
    wants_batch: bool,
) -> str:
    """What the candidate costs, against today, and every assumption behind its range."""
    cost = priced.cost
    if cost.base is None:
        return "It cannot be priced: no source has a paid price for it."
    base, low, high, now = usd_together([cost.base, cost.low, cost.high, today])
    change = ""
    if today:
        change = f" ({change_words((cost.base - today) / today)} against today's {now})"
    factors = [ratio.basis, _output_words(priced.measured_output, verbosity)]
    if profile.cache_read_share > 0:
        if not priced.keep_cache:
            factors.append(
                f"no prompt caching here, so the {profile.cache_read_share:.0%} of input read from cache "
                "today is billed in full"
            )
        else:
            factors.append(f"prompt caching carries over ({cache_hit_words()})")
            if priced.writes_added:
                factors.append(f"this host bills cache writes: {writes.basis}")
    if wants_batch:
        factors.append("the batch API is used" if priced.use_batch else "no batch price here")
    if priced.price_note:
        factors.append(priced.price_note)
    return f"Costs about {base} a month{change}, between {low} and {high}: " + "; ".join(factors) + "."


def _output_words(measured: tuple[float, float, float] | None, verbosity: float) -> str:
    """The answer length a cost assumes: measured on the workload's prompts, else the assumed range.

    >>> _output_words((0.8, 0.87, 0.95), 1.0)
    "answers 87% of today's length as measured on your prompts (80%–95%)"
    """
    if measured is None:
        return output_length_words(verbosity)
    low, ratio, high = measured
    return f"answers {ratio:.0%} of today's length as measured on your prompts ({low:.0%}–{high:.0%})"


def fits_sentence(problems: Sequence[str], context_window: int | None, largest_prompt: float) -> str:
    if problems:
        return "Fits: " + "; ".join(problems) + "."
    window = f"a {context_window:,}-token context window" if context_window else "its context window"
    return (
        f"Fits: {window} for prompts of up to ~{largest_prompt:,.0f} tokens, and every capability the workload needs."
    )


def self_hosted_sentence(option: SelfHostedOption, cost: CostRange, tokens: float) -> str:
    return (
        f"Self-hosted on {option.gpus_per_replica}× {option.gpu_type}: ${usd_per_mtok(option):,.2f} per million "
        f"tokens plus {usd(option.fixed_monthly_usd)} a month fixed; about {usd(cost.base)} a month "
        f"({usd_range(cost.low, cost.high)}) for {tokens / 1e6:,.0f}M tokens."
    )
