"""How far to trust a scenario's savings: P10, P50 and P90 from sampling what is uncertain, and a tornado of
which assumption moves the NPV most. Every draw is seeded, so the same scenario gives the same range.

What is sampled, and how (each a stated assumption, not a measurement):

- **The target's cost** — the tokenizer ratio, the answer length and the cache hit rate at the new host
  together make each candidate's low–base–high monthly cost (:mod:`analysis.costing`): a triangular draw on it.
- **Usage growth** — each workload's monthly growth, drawn independently from a normal around it: its spread
  is the forecast's standard error of the fitted trend, and two points a month where there is none (a fixed
  rate in the scenario, or a history too short for a trend).
- **Price change** — each host's yearly change, ± a normal spread of 10 points a year.
- **Quality-evidence strength** — a move whose evaluation fails is abandoned: its one-time cost is spent
  and its traffic stays. The chance of that, by the evidence the move stands on: 5% for the same model on
  another host, 10% for evidence that meets the floor ("ok"), 25% "at risk", 50% unrated, 75% below the
  floor.

The tornado sets one factor at a time to its low and its high, the others at their base: the targets' costs
at the ends of their ranges, growth one standard error lower and higher, prices 10 points a year lower and
higher, the move that saves most failing its evaluation, and one-time costs half and one and a half times.
"""

from __future__ import annotations

import numpy as np

from analysis.scenarios.context import ScenarioContext
from analysis.scenarios.engine import Factors, npv, project
from analysis.scenarios.model import Scenario

__all__ = ["FAILS", "FAILURE_CHANCE", "SAMPLES", "ranges", "tornado"]

FAILS = "the largest move fails its evaluation"

SAMPLES = 400
GROWTH_SPREAD = 0.02  # a month, where the forecast has no standard error to offer
PRICE_SPREAD = 0.10
FAILURE_CHANCE = {"same_model": 0.05, "ok": 0.10, "at risk": 0.25, "unrated": 0.50, "below floor": 0.75}


def _failure_chance(scenario: Scenario, context: ScenarioContext) -> dict[str, float]:
    chances = {}
    for move in scenario.moves:
        target = context.case(move.workload).option(move.host, move.model)
        if target is None:
            continue
        evidence = target.quality.evidence
        key = "same_model" if evidence is not None and evidence.metric == "same_model" else target.quality.grade
        chances[move.workload] = FAILURE_CHANCE.get(key, 0.5)
    return chances


def _cost_spread(scenario: Scenario, context: ScenarioContext) -> dict[str, tuple[float, float]]:
    """Per moved workload, its target's low and high cost as multipliers of the base."""
    spread = {}
    for move in scenario.moves:
        target = context.case(move.workload).option(move.host, move.model)
        cost = target.monthly_cost_usd if target is not None else None
        if cost is None or not cost.base:
            continue
        spread[move.workload] = ((cost.low or cost.base) / cost.base, (cost.high or cost.base) / cost.base)
    return spread


def _growths(context: ScenarioContext, scenario: Scenario) -> dict[str, float]:
    """Each workload's spread (one standard deviation) of monthly growth."""
    forecast = scenario.assumptions.growth == "forecast"
    return {
        name: case.growth_error if forecast and case.growth_error is not None else GROWTH_SPREAD
        for name, case in context.cases.items()
    }


def _draws(scenario: Scenario, context: ScenarioContext, seed: int) -> list[Factors]:
    rng = np.random.default_rng(seed)
    spread, chances = _cost_spread(scenario, context), _failure_chance(scenario, context)
    growth_sd = _growths(context, scenario)
    draws = []
    for _ in range(SAMPLES):
        cost = {
            name: float(rng.triangular(min(low, 1.0), 1.0, max(high, 1.0))) if low < high else 1.0
            for name, (low, high) in spread.items()
        }
        failed = frozenset(name for name, chance in chances.items() if rng.random() < chance)
        draws.append(
            Factors(
                cost=cost,
                growth={name: float(rng.normal(0.0, sd)) for name, sd in growth_sd.items()},
                price_shift=float(rng.normal(0.0, PRICE_SPREAD)),
                abandoned=failed,
            )
        )
    return draws


def ranges(
    scenario: Scenario, context: ScenarioContext, *, seed: int = 7
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """P10, P50 and P90 of the horizon's net savings and of the last month's savings."""
    totals, monthly = [], []
    for factors in _draws(scenario, context, seed):
        rows, _, _ = project(scenario, context, factors)
        totals.append(sum(r.savings_usd for r in rows))
        monthly.append(rows[-1].baseline_usd - rows[-1].scenario_usd)

    def spread(values: list[float]) -> tuple[float, float, float]:
        p10, p50, p90 = np.percentile(values, [10, 50, 90])
        return float(p10), float(p50), float(p90)

    return spread(totals), spread(monthly)


def tornado(scenario: Scenario, context: ScenarioContext) -> tuple[tuple[str, float, float], ...]:
    """Each uncertain factor at its low and at its high setting, the others at their base: the NPV at each,
    the factor that moves it most first."""

    def value(factors: Factors) -> float:
        rows, _, _ = project(scenario, context, factors)
        return npv([r.savings_usd for r in rows], scenario.assumptions.discount_rate)

    spread = _cost_spread(scenario, context)
    growth_sd = _growths(context, scenario)
    # The move the plan leans on most: the one whose failure (its one-time cost spent, its traffic staying)
    # would cost the most.
    _, totals, _ = project(scenario, context)
    moved = [m.workload for m in scenario.moves if m.workload in totals]
    largest = max(moved, key=lambda n: totals[n][0] - totals[n][1] - totals[n][2], default=None)
    settings = {
        "target costs (tokenizer, answer length, cache hits)": (
            Factors(cost={n: lo for n, (lo, _) in spread.items()}),
            Factors(cost={n: hi for n, (_, hi) in spread.items()}),
        ),
        "usage growth (±1 standard error)": (
            Factors(growth={n: -sd for n, sd in growth_sd.items()}),
            Factors(growth={n: sd for n, sd in growth_sd.items()}),
        ),
        "price changes": (Factors(price_shift=-PRICE_SPREAD), Factors(price_shift=PRICE_SPREAD)),
        FAILS: (Factors(), Factors(abandoned=frozenset({largest} if largest else ()))),
        "one-time costs (±50%)": (Factors(one_time=0.5), Factors(one_time=1.5)),
    }
    bars = [(name, value(low), value(high)) for name, (low, high) in settings.items()]
    bars.sort(key=lambda bar: -abs(bar[2] - bar[1]))
    return tuple(bars)
