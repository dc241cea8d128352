"""A scenario as the Scenarios page edits it, and back: the assumptions as form values (percentages; no growth
rate for the forecast), the moves as table rows (a target as "model on host", shares in %), each row
checked against its workload's candidates so that a wrong one is named by its row — then the JSON goes
through :func:`analysis.scenarios.model.scenario_from_dict`, as a file would.

A row the user did not change keeps its exact shares and the reason a suggested plan gave it; a changed row
loses the reason (the savings it quotes were computed for the move as suggested)."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from analysis.money import usd
from analysis.scenarios.context import ScenarioContext, WorkloadCase
from analysis.scenarios.engine import engineering_days
from analysis.scenarios.model import Assumptions, Move, Scenario, Split, scenario_from_dict
from analysis.scenarios.optimiser import targets
from db.errors import InvalidInput

__all__ = [
    "MOVE_COLUMNS",
    "AssumptionValues",
    "file_name",
    "free_name",
    "moves_frame",
    "scenario_from_form",
    "target_choices",
    "target_label",
    "targets_frame",
]

MOVE_COLUMNS = (
    "workload",
    "target",
    "share_pct",
    "start_month",
    "ramp_months",
    "engineering_days",
    "evaluation_usd",
    "dual_running_months",
    "split_target",
    "split_share_pct",
)
_TEXT = ("workload", "target", "split_target")


def _pct(rate: float) -> float:
    # Six decimals: 0.07 × 100 is 7.000000000000001 in floating point, and the form should show 7.
    return round(rate * 100.0, 6)


def _rate(pct: float, kept: float | None) -> float:
    """``pct`` as a rate — the kept rate itself where the form shows it unchanged (so 1/3 stays 1/3)."""
    if kept is not None and _pct(kept) == pct:
        return kept
    return pct / 100.0


@dataclass(frozen=True)
class AssumptionValues:
    """The assumptions as the form shows them."""

    growth_pct: float | None  # a month; None: each workload's forecast
    discount_pct: float  # a year
    day_rate_usd: float
    price_change_pct: float  # a year, at every host the scenario names no rate for ("*")

    @classmethod
    def of(cls, assumptions: Assumptions) -> AssumptionValues:
        """
        >>> AssumptionValues.of(Assumptions(growth=0.03, price_change_per_year={"*": -0.07}))
        AssumptionValues(growth_pct=3.0, discount_pct=10.0, day_rate_usd=1000.0, price_change_pct=-7.0)
        """
        growth = None if assumptions.growth == "forecast" else _pct(float(assumptions.growth))
        return cls(
            growth,
            _pct(assumptions.discount_rate),
            assumptions.day_rate_usd,
            _pct(assumptions.price_change("*")),
        )

    def as_json(self, kept: Assumptions) -> dict[str, Any]:
        """The assumptions' JSON: ``kept``'s rates for single hosts stay as they were (the form edits the
        rate for every other host)."""
        kept_growth = None if kept.growth == "forecast" else float(kept.growth)
        prices = dict(kept.price_change_per_year)
        # A scenario without a rate for "every other host" gets one only when the form sets it.
        if "*" in prices or self.price_change_pct != 0:
            prices["*"] = _rate(self.price_change_pct, prices.get("*"))
        return {
            "growth": "forecast" if self.growth_pct is None else _rate(self.growth_pct, kept_growth),
            "growth_damping": kept.growth_damping,
            "price_change_per_year": prices,
            "discount_rate": _rate(self.discount_pct, kept.discount_rate),
            "day_rate_usd": self.day_rate_usd,
        }


def target_label(host: str, model: str) -> str:
    """How a target reads in the editor, as the business case names it.

    >>> target_label("deepinfra", "openai/gpt-oss-120b")
    'openai/gpt-oss-120b on deepinfra'
    """
    return f"{model} on {host}"


def target_choices(context: ScenarioContext, scenario: Scenario | None = None) -> dict[str, tuple[str, str]]:
    """Label → (host, model) of every target a plan may pick for any workload (eligible, fits, evidence that
    meets the floor, priced), and of every target ``scenario`` already names — sorted by label."""
    found = {
        target_label(option.host, option.model): (option.host, option.model)
        for case in context.cases.values()
        for option in targets(case)
    }
    for move in scenario.moves if scenario is not None else ():
        found[target_label(move.host, move.model)] = (move.host, move.model)
        if move.split is not None:
            found[target_label(move.split.host, move.split.model)] = (move.split.host, move.split.model)
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def moves_frame(scenario: Scenario) -> pd.DataFrame:
    """The scenario's moves as editor rows; an empty cell is the JSON's default (engineering days and the
    evaluation: the defaults by task and criticality)."""
    rows = [
        {
            "workload": m.workload,
            "target": target_label(m.host, m.model),
            "share_pct": _pct(m.share),
            "start_month": m.start_month,
            "ramp_months": m.ramp_months,
            "engineering_days": m.engineering_days,
            "evaluation_usd": m.evaluation_usd,
            "dual_running_months": m.dual_running_months,
            "split_target": target_label(m.split.host, m.split.model) if m.split is not None else None,
            "split_share_pct": _pct(m.split.share) if m.split is not None else None,
        }
        for m in scenario.moves
    ]
    frame = pd.DataFrame(rows, columns=list(MOVE_COLUMNS))
    return frame.astype({c: object if c in _TEXT else float for c in MOVE_COLUMNS})


def _cell(value: object) -> object:
    """An editor cell, with every spelling of empty as None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value.strip() or None
    return value


def _number(value: object) -> float | int:
    number = float(value)  # type: ignore[arg-type]  # the editor's number columns hold numbers
    return int(number) if number.is_integer() else number


def _cheapest(case: WorkloadCase) -> str:
    found = targets(case)[:3]
    if not found:
        return "it has no target whose quality evidence meets its floor"
    return "its cheapest targets: " + ", ".join(
        f"{target_label(o.host, o.model)} ({usd(o.monthly_cost_usd.base)} a month)" for o in found
    )


def _target(
    label: object, what: str, where: str, case: WorkloadCase, choices: Mapping[str, tuple[str, str]]
) -> tuple[str, str]:
    if label is None:
        raise InvalidInput(f"{where}: choose its {what}.")
    if str(label) not in choices:
        raise InvalidInput(f"{where}: {label} is not a target any workload may move to.")
    host, model = choices[str(label)]
    if (host, model) == (case.host, case.model):
        raise InvalidInput(f"{where}: {label} is where it runs today.")
    if case.option(host, model) is None:
        raise InvalidInput(f"{where}: {label} is not a candidate for this workload; {_cheapest(case)}.")
    return host, model


def _move(
    number: int,
    cells: Mapping[str, object],
    context: ScenarioContext,
    choices: Mapping[str, tuple[str, str]],
    horizon: int,
    kept: Mapping[str, Move],
) -> dict[str, Any]:
    """One row as a move's JSON, or :class:`InvalidInput` naming the row."""
    name = cells["workload"]
    if name is None:
        raise InvalidInput(f"Row {number}: choose the workload it moves.")
    case = context.cases.get(str(name))
    if case is None:
        raise InvalidInput(f"Row {number}: no workload {name!r} with usage; workloads: {', '.join(context.cases)}.")
    where = f"Row {number} ({case.name})"
    before = kept.get(case.name)
    host, model = _target(cells["target"], "target", where, case, choices)
    item: dict[str, Any] = {"workload": case.name, "host": host, "model": model}
    share = cells["share_pct"]
    item["share"] = _rate(_number(share), before.share if before else None) if share is not None else 1.0
    for key, default in (("start_month", 1), ("ramp_months", 1), ("dual_running_months", 0)):
        value = cells[key]
        item[key] = _number(value) if value is not None else default
    if item["start_month"] > horizon:
        raise InvalidInput(f"{where}: it starts in month {item['start_month']}, after the {horizon}-month horizon.")
    for key in ("engineering_days", "evaluation_usd"):
        item[key] = _number(cells[key]) if cells[key] is not None else None
    split, split_share = cells["split_target"], cells["split_share_pct"]
    if split is not None or split_share is not None:
        if split_share is None:
            raise InvalidInput(f"{where}: give the split's share, the % of the moved traffic the router sends to it.")
        split_host, split_model = _target(split, "split target", where, case, choices)
        kept_split = before.split.share if before is not None and before.split is not None else None
        item["split"] = {"host": split_host, "model": split_model, "share": _rate(_number(split_share), kept_split)}
    if before is not None and before.reason is not None and _as_move(item) == replace(before, reason=None):
        item["reason"] = before.reason
    return {key: value for key, value in item.items() if value is not None}


def _as_move(item: Mapping[str, Any]) -> Move:
    split = item.get("split")
    fields = {key: value for key, value in item.items() if key != "split"}
    return Move(**fields, split=Split(**split) if split is not None else None)


def scenario_from_form(
    name: str,
    horizon_months: int,
    values: AssumptionValues,
    rows: Iterable[Mapping[Any, Any]],  # the editor's records
    context: ScenarioContext,
    choices: Mapping[str, tuple[str, str]],
    kept: Scenario | None = None,
) -> Scenario:
    """The scenario the form describes, ``kept`` being what it was before the edit. Blank rows are skipped.

    Raises :class:`InvalidInput` naming every row that is wrong, or what :func:`scenario_from_dict` finds."""
    before = kept or Scenario(name)
    kept_moves = {m.workload: m for m in before.moves}
    moves, problems = [], []
    for number, row in enumerate(rows, start=1):
        cells = {column: _cell(row.get(column)) for column in MOVE_COLUMNS}
        if all(value is None for value in cells.values()):
            continue
        try:
            moves.append(_move(number, cells, context, choices, horizon_months, kept_moves))
        except InvalidInput as exc:
            problems.append(str(exc))
    if problems:
        raise InvalidInput(" ".join(problems))
    edited = scenario_from_dict(
        {
            "name": name,
            "horizon_months": horizon_months,
            "assumptions": values.as_json(before.assumptions),
            "moves": moves,
        }
    )
    # A suggested plan's words stay while they hold: why a workload stays, until it is moved by hand; what the
    # plan could not meet, until its moves change (then nobody has checked again).
    moved = {move.workload for move in edited.moves}
    stays = {workload: why for workload, why in before.stays.items() if workload not in moved}
    return replace(edited, stays=stays, unmet=before.unmet if edited.moves == before.moves else ())


def free_name(name: str, taken: Collection[str]) -> str:
    """``name``, or ``name 2``, ``name 3``… — the first no kept scenario has.

    >>> free_name("Plan (copy)", {"Plan"}), free_name("Plan", {"Plan", "Plan 2"})
    ('Plan (copy)', 'Plan 3')
    """
    if name not in taken:
        return name
    number = 2
    while f"{name} {number}" in taken:
        number += 1
    return f"{name} {number}"


def file_name(name: str) -> str:
    """A file name for the scenario's JSON.

    >>> file_name("Chat off gpt-4o (copy)"), file_name("∅")
    ('chat-off-gpt-4o-copy.json', 'scenario.json')
    """
    slug = re.sub(r"[^a-z0-9._]+", "-", name.lower()).strip("-.")
    return f"{slug or 'scenario'}.json"


def targets_frame(context: ScenarioContext, names: Sequence[str] | None = None, top: int = 3) -> pd.DataFrame:
    """Per workload, what the editor needs beside it: where it runs today and what that costs, when that model
    retires and what its successor costs (what staying will cost), the default engineering days of moving it,
    and its ``top`` cheapest targets."""
    rows = []
    for case in context.cases.values():
        if names is not None and case.name not in names:
            continue
        found = targets(case)[:top]
        rows.append(
            {
                "workload": case.name,
                "today": target_label(case.host, case.model),
                "today_usd": case.today_usd,
                "retires": _retires(case),
                "engineering_days": engineering_days(case),
                "cheapest": "; ".join(
                    f"{target_label(o.host, o.model)} ({usd(o.monthly_cost_usd.base)})" for o in found
                )
                or None,
            }
        )
    return pd.DataFrame(rows, columns=["workload", "today", "today_usd", "retires", "engineering_days", "cheapest"])


def _retires(case: WorkloadCase) -> str | None:
    when = case.retirement.retires_on if case.retirement is not None else None
    if when is None:
        return None
    successor = case.successor
    then = f"{successor.model} ({usd(successor.monthly_cost_usd.base)})" if successor is not None else "no successor"
    return f"{when:%Y-%m-%d} → {then}"
