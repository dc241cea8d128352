"""``exitplan scenario …``: migration scenarios from the command line — write one (``template``), have one
suggested, run one from a file, keep them, and read their business case."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from analysis.scenarios.context import ScenarioContext, scenario_context
from analysis.scenarios.engine import ScenarioResult, run
from analysis.scenarios.model import HORIZONS, Scenario, scenario_from_json, scenario_to_dict
from analysis.scenarios.optimiser import suggest
from analysis.scenarios.template import template
from analysis.scenarios.trust import forecast_as_dict, forecast_words
from app.cli_common import DbOption, JsonOption, fail, out, usd
from db import open_ledger
from db.scenarios import delete_scenario, get_scenario, list_scenarios, save_scenario
from pricing.sources import load_book

__all__ = ["scenario_app"]

scenario_app = typer.Typer(
    help="Migration scenarios: moves of workloads over time, and their business case (savings, payback, NPV, "
    "P10–P90, risk before and after).",
    no_args_is_help=True,
)


def _context(engine: Engine) -> ScenarioContext:
    found = scenario_context(engine, book=load_book(engine), today=datetime.now(UTC).date())
    if found is None:
        raise fail("no workloads with usage: import usage, then `exitplan workloads propose` saves them")
    return found


def _print(result: ScenarioResult, context: ScenarioContext, as_json: bool, **extra: object) -> None:
    if as_json:
        print(json.dumps({**result.as_dict(), "forecast": forecast_as_dict(context.forecasts), **extra}))
        return
    first = result.months[0].month
    low_high = result.monthly_savings_range
    spread = f" (P10–P90 {usd(low_high[0])} to {usd(low_high[2])})" if low_high else ""
    payback = result.payback_months
    if not result.scenario.moves:
        paid = "nothing moves"
    else:
        paid = "never pays back" if payback is None else f"pays back in month {payback}" if payback else "pays at once"
    out.print(f"{result.scenario.name}: {result.scenario.horizon_months} months from {first:%b %Y}", markup=False)
    out.print(
        f"Saves {usd(result.monthly_savings_usd)} a month once done{spread}; one-time {usd(result.one_time_cost_usd)}; "
        f"{paid}; NPV {usd(result.npv_usd)} at {result.scenario.assumptions.discount_rate:.0%} a year; 3-year TCO "
        f"{usd(result.tco_3y_scenario_usd)} against {usd(result.tco_3y_baseline_usd)} staying"
        + (f"; risk {result.risk_before:.0f} → {result.risk_after:.0f}" if result.risk_before is not None else ""),
        markup=False,
    )
    _why(result.scenario)
    table = Table("workload", "moves to", "baseline", "scenario", "one-time", "savings", "quality after")
    for w in result.workloads:
        table.add_row(
            w.workload,
            w.moved_to or "stays",
            usd(w.baseline_usd),
            usd(w.scenario_usd),
            usd(w.one_time_usd),
            usd(w.savings_usd),
            w.quality_after,
        )
    out.print(table)
    for line in [*(w.forced for w in result.workloads if w.forced), *result.warnings]:
        out.print(f"Note: {line}", markup=False)
    out.print(f"Baseline: {forecast_words(context.forecasts)}", markup=False)


def _why(scenario: Scenario) -> None:
    """Why each workload moves, and, for a suggested plan, why the rest stay and what it could not meet."""
    for move in scenario.moves:
        reason = move.reason or f"to {move.model} on {move.host} (set by hand)"
        out.print(f"- {move.workload} moves: {reason}", markup=False)
    for name, why in scenario.stays.items():
        out.print(f"- {name} stays: {why}", markup=False)
    for line in scenario.unmet:
        out.print(f"Not met: {line}", markup=False)


def _stored(engine: Engine, name: str) -> Scenario:
    body = get_scenario(engine, name)
    if body is None:
        names = ", ".join(list_scenarios(engine)["name"]) or "none"
        raise fail(f"no scenario {name!r}; scenarios: {names}")
    return scenario_from_json(body)


@scenario_app.command("list")
def scenario_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    """The scenarios kept in the ledger, the most recently saved first."""
    stored = list_scenarios(open_ledger(db))
    rows = [
        (name, scenario_from_json(body), updated)
        for name, body, updated in zip(stored["name"], stored["body"], stored["updated_at"], strict=True)
    ]
    if as_json:
        print(
            json.dumps(
                [
                    {"name": n, "moves": len(s.moves), "horizon_months": s.horizon_months, "updated_at": str(u)}
                    for n, s, u in rows
                ]
            )
        )
        return
    if not rows:
        out.print("No scenarios yet: `exitplan scenario suggest --save NAME` or `exitplan scenario run FILE --save`.")
        return
    table = Table("name", "moves", "horizon", "saved (UTC)")
    for name, scenario, updated in rows:
        table.add_row(name, str(len(scenario.moves)), f"{scenario.horizon_months} months", str(updated)[:16])
    out.print(table)


@scenario_app.command("show")
def scenario_show(
    name: Annotated[str, typer.Argument(help="The scenario's name (see `exitplan scenario list`).")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """A kept scenario's business case: savings a month and their P10–P90 range, one-time cost, payback,
    NPV, 3-year TCO, and each workload's move, quality and risk."""
    engine = open_ledger(db)
    context = _context(engine)
    _print(run(_stored(engine, name), context), context, as_json)


@scenario_app.command("run")
def scenario_run(
    file: Annotated[Path, typer.Argument(help="A scenario as JSON (`exitplan scenario template` prints one).")],
    save: Annotated[bool, typer.Option("--save", help="Keep the scenario in the ledger under its name.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The business case of a scenario written as JSON; --save keeps it."""
    try:
        text = file.read_bytes()
    except OSError as exc:
        raise fail(f"{file}: {exc.strerror or exc}") from None
    scenario = scenario_from_json(text)
    engine = open_ledger(db)
    context = _context(engine)
    result = run(scenario, context)
    if save:
        save_scenario(engine, scenario.name, json.dumps(scenario_to_dict(scenario)))
    _print(result, context, as_json)


@scenario_app.command("template")
def scenario_template(db: DbOption = None) -> None:
    """A scenario to start from, as JSON: your largest workload moved to its cheapest candidate whose
    quality evidence meets its floor, with every field filled in."""
    print(json.dumps(template(_context(open_ledger(db))), indent=2))


@scenario_app.command("suggest")
def scenario_suggest(
    max_vendor_share: Annotated[
        float | None, typer.Option(min=0.05, max=1.0, help="No host above this share of spend (0.6: 60%).")
    ] = None,
    two_vendors_for_critical: Annotated[
        bool, typer.Option("--two-vendors-for-critical", help="Run high-criticality workloads on two hosts.")
    ] = False,
    horizon: Annotated[int, typer.Option(min=min(HORIZONS), max=max(HORIZONS), help="Months: 12, 24 or 36.")] = 24,
    save: Annotated[str | None, typer.Option("--save", help="Keep the plan in the ledger under this name.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """A plan: each workload to its cheapest target whose quality evidence meets its floor (never an
    unrated one), where the move pays for itself within the horizon — against the successor where today's
    model retires — phased one move a month; with the reason for each move and for each workload that stays."""
    engine = open_ledger(db)
    context = _context(engine)
    suggestion = suggest(
        context,
        name=save or "Suggested plan",
        horizon_months=horizon,
        max_vendor_share=max_vendor_share,
        critical_on_two_vendors=two_vendors_for_critical,
    )
    scenario = suggestion.scenario
    scenario_from_json(json.dumps(scenario_to_dict(scenario)))  # the plan is a valid scenario, as a file would be
    result = run(scenario, context)
    if save:
        save_scenario(engine, scenario.name, json.dumps(scenario_to_dict(scenario)))
    if as_json:
        extra = {"scenario": scenario_to_dict(scenario), "stays": suggestion.stays, "unmet": list(suggestion.unmet)}
        _print(result, context, True, **extra)
        return
    _print(result, context, as_json=False)


@scenario_app.command("delete")
def scenario_delete(
    name: Annotated[str, typer.Argument(help="The scenario's name.")],
    db: DbOption = None,
) -> None:
    """Forget a kept scenario."""
    if not delete_scenario(open_ledger(db), name):
        raise fail(f"no scenario {name!r}")
    out.print(f"Deleted {name}.", markup=False)
