"""A plan suggested from the ledger and kept by name: the same on the Scenarios page and the Report page."""

from __future__ import annotations

import json
from typing import Any

from analysis.scenarios.context import ScenarioContext
from analysis.scenarios.model import scenario_to_dict
from analysis.scenarios.optimiser import Suggestion, suggest
from app import cache
from db.scenarios import save_scenario

__all__ = ["keep_suggestion"]


def keep_suggestion(context: ScenarioContext, name: str, **options: Any) -> str:
    """Suggest a plan (``options`` as :func:`~analysis.scenarios.optimiser.suggest` takes them), keep it as
    ``name`` (with why the rest stay and what it could not meet) and say so in one sentence."""
    plan: Suggestion = suggest(context, name=name, **options)
    save_scenario(cache.engine(), name, json.dumps(scenario_to_dict(plan.scenario)))
    cache.scenarios.clear()
    moves = len(plan.scenario.moves)
    return f"Suggested and saved {name}: {moves} move{'s' if moves != 1 else ''}."
