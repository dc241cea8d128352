"""A scenario to start from, with every field of the JSON filled in — what ``exitplan scenario template``
prints: the suggested plan's first move (the one that saves most), or, where no move pays for itself, the
largest workload moved to its cheapest target whose evidence meets its floor."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from analysis.scenarios.context import ScenarioContext
from analysis.scenarios.engine import DEFAULT_EVALUATION_USD, engineering_days
from analysis.scenarios.model import Assumptions, Move, Scenario, scenario_to_dict
from analysis.scenarios.optimiser import PHASE_RAMP_MONTHS, suggest, targets

__all__ = ["template"]


def _first_move(context: ScenarioContext) -> Move | None:
    suggested = suggest(context).scenario.moves
    if suggested:
        return suggested[0]
    for case in sorted(context.cases.values(), key=lambda c: -(c.today_usd or 0.0)):
        options = targets(case)
        if options:
            return Move(case.name, options[0].host, options[0].model, ramp_months=PHASE_RAMP_MONTHS)
    return None


def template(context: ScenarioContext) -> dict[str, Any]:
    """The scenario as JSON; with no target anywhere, a scenario without moves (the baseline)."""
    move = _first_move(context)
    moves: tuple[Move, ...] = ()
    if move is not None:
        case = context.case(move.workload)
        filled = replace(
            move,
            engineering_days=engineering_days(case),
            evaluation_usd=DEFAULT_EVALUATION_USD,
            dual_running_months=1,
            reason=None,
        )
        moves = (filled,)
    assumptions = Assumptions(price_change_per_year={"*": 0.0})
    return scenario_to_dict(Scenario("My first scenario", moves, 24, assumptions))
