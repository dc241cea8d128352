"""A scenario's business case as the Scenarios page reads it: the headline tiles (money in one precision, each
with where it comes from), payback in words, the assumptions in a sentence, and one row per workload —
numbers stay numbers, and a workload without a price today has no figures rather than $0."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import pandas as pd

from analysis.money import usd, usd_range, usd_together
from analysis.scenarios.context import ScenarioContext
from analysis.scenarios.engine import DEFAULT_EVALUATION_USD, ScenarioResult
from analysis.scenarios.model import Scenario
from analysis.scenarios.uncertainty import SAMPLES

__all__ = [
    "Tile",
    "assumption_words",
    "horizon_words",
    "month_of",
    "payback_words",
    "percent",
    "tiles",
    "workloads_frame",
]


@dataclass(frozen=True)
class Tile:
    """One headline figure; ``delta`` is a second, smaller line (a signed change where ``delta_arrow`` is
    "auto", else a qualifier drawn without an arrow or a colour)."""

    label: str
    value: str
    help: str | None = None
    delta: str | None = None
    delta_color: Literal["normal", "inverse", "off"] = "off"
    delta_arrow: Literal["auto", "off"] = "off"
    delta_description: str | None = None


def percent(rate: float) -> str:
    """A rate as a percentage, without float noise.

    >>> percent(0.1), percent(0.075), percent(-0.1), percent(0.3000000004)
    ('10%', '7.5%', '-10%', '30%')
    """
    return f"{round(rate * 100, 4):g}%"


def month_of(result: ScenarioResult, number: int) -> date:
    """The calendar month of the horizon's month ``number`` (1-based)."""
    return result.months[number - 1].month


def payback_words(months: int | None) -> str:
    """When the cumulative net savings stop being negative, in words.

    >>> payback_words(4), payback_words(0), payback_words(None)
    ('month 4', 'at once', 'not within the horizon')
    """
    if months is None:
        return "not within the horizon"
    return "at once" if months == 0 else f"month {months}"


def assumption_words(scenario: Scenario) -> str:
    """The assumptions the business case rests on, in one sentence."""
    a = scenario.assumptions
    growth = "each workload's own forecast" if a.growth == "forecast" else f"{percent(float(a.growth))} a month"
    prices = ", ".join(
        f"{percent(rate)} a year at {host}" for host, rate in a.price_change_per_year.items() if host != "*"
    )
    others = a.price_change("*")
    if prices:
        price_text = f"prices change {prices}, {percent(others)} elsewhere"
    else:
        price_text = f"prices change {percent(others)} a year everywhere" if others else "prices stay as they are"
    return (
        f"Usage grows at {growth}; {price_text}; an engineering day costs {usd(a.day_rate_usd)}; "
        f"money is discounted at {percent(a.discount_rate)} a year."
    )


def horizon_words(result: ScenarioResult, context: ScenarioContext) -> str:
    """The horizon, and what the workloads cost today against what staying costs in its last month — the
    anchor for every monthly figure (with usage growing, the last month can cost a multiple of today's)."""
    first, last = result.months[0], result.months[-1]
    priced = [case.today_usd for case in context.cases.values() if case.today_usd is not None]
    today, then = usd_together([sum(priced) if priced else None, last.baseline_usd])
    return (
        f"{result.scenario.horizon_months} months, {first.month:%b %Y} – {last.month:%b %Y}. The workloads cost "
        f"{today} a month today; if nothing moves, {then} in {last.month:%b %Y}."
    )


def _savings_tile(result: ScenarioResult, money: str) -> Tile:
    last = result.months[-1]
    staying, moving = usd_together([last.baseline_usd, last.scenario_usd])
    spread = result.monthly_savings_range
    if spread is not None:
        range_text = (
            f" P10–P90 from {SAMPLES} draws of the targets' costs, usage growth, price changes and evaluations "
            "that fail."
        )
    else:
        range_text = " The scenario moves nothing, so there is no range." if not result.scenario.moves else ""
    return Tile(
        "Saves a month once done",
        money,
        help=(
            f"The horizon's last month, {last.month:%b %Y}, every ramp done: {staying} if nothing moves against "
            f"{moving} under the scenario, usage grown as assumed." + range_text
        ),
        delta=f"P10–P90 {usd_range(spread[0], spread[2])}" if spread is not None else None,
    )


def tiles(result: ScenarioResult) -> list[Tile]:
    """The six headline figures: monthly savings once done (with P10–P90), one-time cost, payback, NPV, 3-year
    TCO against staying, and the dependency risk before and after."""
    scenario = result.scenario
    savings, one_time, npv, tco = usd_together(
        [result.monthly_savings_usd, result.one_time_cost_usd, result.npv_usd, result.tco_3y_scenario_usd]
    )
    payback = result.payback_months
    staying = result.tco_3y_baseline_usd
    change = result.tco_3y_scenario_usd - staying
    shown = [
        _savings_tile(result, savings),
        Tile(
            "One-time cost",
            one_time,
            help=(
                f"Per move: engineering days × {usd(scenario.assumptions.day_rate_usd)} a day (a default by task and "
                f"criticality where the move sets none), an evaluation ({usd(DEFAULT_EVALUATION_USD)} unless set), "
                "the months both models serve the moved traffic and, for embeddings, embedding the corpus again — "
                "each in the month its move starts."
            ),
            delta=f"{len(scenario.moves)} move{'' if len(scenario.moves) == 1 else 's'}",
        ),
        Tile(
            "Payback",
            payback_words(payback),
            help="The first month the cumulative net savings (after one-time costs) are no longer negative.",
            delta=f"{month_of(result, payback):%b %Y}" if payback else None,
        ),
        Tile(
            "NPV",
            npv,
            help=(
                f"Each month's net savings over the {scenario.horizon_months} months ({usd(result.total_savings_usd)} "
                f"undiscounted), discounted at {percent(scenario.assumptions.discount_rate)} a year."
            ),
            delta=f"at {percent(scenario.assumptions.discount_rate)} a year",
        ),
        Tile(
            "3-year TCO",
            tco,
            help=(
                "36 months from month 1 whatever the horizon: recurring costs and one-time costs under the scenario, "
                "against recurring costs if nothing moves."
            ),
            delta=usd(change),
            delta_color="inverse",
            delta_arrow="auto",
            delta_description=f"against {usd(staying)} staying",
        ),
    ]
    if result.risk_before is None or result.risk_after is None:
        shown.append(Tile("Dependency risk", "—", help="No risk exposure could be computed for this ledger."))
    else:
        before, after = round(result.risk_before), round(result.risk_after)
        shown.append(
            Tile(
                "Dependency risk",
                f"{before} → {after}",
                help="The Risk page's 0–100 score under the stored weights: today, and with every move made.",
                delta=f"{after - before:+d}" if after != before else "no change",
                delta_color="inverse" if after != before else "off",
                delta_arrow="auto" if after != before else "off",
                delta_description="points" if after != before else None,
            )
        )
    return shown


def workloads_frame(result: ScenarioResult) -> pd.DataFrame:
    """One row per workload over the horizon: where it moves (or "stays"), the moved share, its cost if nothing
    moves and under the scenario, its one-time cost and net savings, quality after (the evidence against
    today's model), p95 latency and risk before and after, and why. A workload with no price today has empty
    money cells (the engine leaves it out of the money), never $0."""
    rows = []
    for w in result.workloads:
        rows.append(
            {
                "workload": w.workload,
                "moved_to": w.moved_to or "stays",
                "share": w.share if w.moved_to is not None else None,
                "baseline_usd": w.baseline_usd,
                "scenario_usd": w.scenario_usd,
                "one_time_usd": w.one_time_usd,
                "savings_usd": w.savings_usd,
                "quality_after": w.quality_after,
                "latency_before_s": w.latency_before_s,
                "latency_after_s": w.latency_after_s,
                "risk_before": w.risk_before,
                "risk_after": w.risk_after,
                "reason": w.reason,
                "forced": w.forced,
            }
        )
    frame = pd.DataFrame(rows)
    money = ["share", "baseline_usd", "scenario_usd", "one_time_usd", "savings_usd"]
    numbers = ["latency_before_s", "latency_after_s", "risk_before", "risk_after"]
    for column in money + numbers:
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame
