"""What a user made on some imports alone — before those imports go (the demo company's, when the user's own
data comes in): the workloads whose rules claim usage of those imports and of no other, and the scenarios
that move only such workloads. A workload that also claims the user's own usage, or claims none at all (made
by hand ahead of any import), is the user's and stays; so does a scenario that moves one of them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Engine

from analysis.scenarios.model import scenario_from_json
from analysis.workload_rules import Workload, assign_workloads
from analysis.workloads import USAGE_KEYS, delete_workload, list_workloads
from db.errors import UserError
from db.imports import list_imports
from db.scenarios import delete_scenario, list_scenarios
from db.usage import read_usage

__all__ = ["MadeOn", "made_only_on", "remove_made_only_on"]


@dataclass(frozen=True)
class MadeOn:
    """The workloads (by name) and scenarios (by name) made on some imports alone."""

    workloads: tuple[str, ...]
    scenarios: tuple[str, ...]


def _claimants(engine: Engine, import_ids: Collection[int], workloads: list[Workload]) -> set[int]:
    """The ids of the workloads that claim some usage of ``import_ids``."""
    found: set[int] = set()
    for import_id in import_ids:
        frame = read_usage(engine, USAGE_KEYS, import_id=int(import_id))
        if not frame.empty:
            found.update(int(i) for i in assign_workloads(frame, workloads).dropna())
    return found


def _moved(body: str) -> set[str] | None:
    """The workloads a scenario (its JSON) moves; None when it cannot be read (then it is not judged)."""
    try:
        return {move.workload for move in scenario_from_json(body).moves}
    except UserError:
        return None


def made_only_on(engine: Engine, import_ids: Collection[int]) -> MadeOn:
    """The workloads that claim usage of ``import_ids`` and of no other import, and the scenarios that move at
    least one workload and only such workloads."""
    workloads = list_workloads(engine)
    if not workloads or not import_ids:
        return MadeOn((), ())
    others = [int(i) for i in list_imports(engine)["id"] if int(i) not in set(import_ids)]
    only = _claimants(engine, import_ids, workloads) - _claimants(engine, others, workloads)
    names = tuple(w.name for w in workloads if w.id in only)
    kept = list_scenarios(engine)
    scenarios = []
    for name, body in zip(kept["name"], kept["body"], strict=True):
        moved = _moved(body)
        if moved and moved <= set(names):
            scenarios.append(str(name))
    return MadeOn(names, tuple(scenarios))


def remove_made_only_on(engine: Engine, import_ids: Collection[int]) -> MadeOn:
    """Delete what :func:`made_only_on` finds (a workload's history stays, as any deletion's) and say what went.
    Call it before the imports themselves go: it reads their usage."""
    made = made_only_on(engine, import_ids)
    by_name = {w.name: w for w in list_workloads(engine)}
    for name in made.workloads:
        workload = by_name[name]
        if workload.id is not None:
            delete_workload(engine, workload.id)
    for name in made.scenarios:
        delete_scenario(engine, name)
    return made
