"""``exitplan workloads …``: the workloads from the command line (list, propose, show)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from analysis.workloads import (
    TASK_CATEGORIES,
    Workload,
    describe_rules,
    ensure_workloads,
    list_workloads,
    propose_workloads,
    replace_with_proposals,
    workload_costs,
    workload_history,
)
from app.cli_common import DbOption, JsonOption, fail, out, usd
from db import open_ledger

__all__ = ["workloads_app"]

workloads_app = typer.Typer(help="Workloads: the named slices of your usage that estimates are made for.",
                            no_args_is_help=True)  # fmt: skip


def _plain(value: object) -> object:
    """A value as JSON has it: dates as ISO text, missing numbers as null."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    return value


def _record(workload: Workload, costs: pd.DataFrame) -> dict[str, object]:
    """A workload with its rules and the last 30 days' cost, as the JSON output lists it."""
    fields = asdict(workload)
    fields["rules"] = [rule.given() for rule in workload.rules]
    fields["rules_text"] = describe_rules(workload.rules)
    row = costs[costs["workload_id"] == workload.id]
    for name in ("monthly_cost_usd", "share", "requests", "input_tokens", "output_tokens", "top_model", "unpriced"):
        value = row[name].iloc[0] if len(row) else None
        fields[name] = value.item() if hasattr(value, "item") else value
    if isinstance(fields["monthly_cost_usd"], float):
        fields["monthly_cost_usd"] = round(fields["monthly_cost_usd"], 2)
    return {k: _plain(v) for k, v in fields.items()}


@workloads_app.command("list")
def workloads_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every workload with its cost over the last 30 days, as a monthly figure. On a ledger with none
    yet, exitplan proposes them from the usage and saves them first."""
    engine = open_ledger(db)
    workloads = ensure_workloads(engine)
    costs = workload_costs(engine, workloads)
    if as_json:
        print(json.dumps([_record(w, costs) for w in workloads]))
        return
    if not workloads:
        out.print("No workloads: the ledger has no usage to propose them from (try `exitplan demo`).")
        return
    table = Table("id", "name", "task", "criticality", "monthly cost", "share", "top model")
    for row in costs.itertuples():
        task = TASK_CATEGORIES.get(row.task_category, "") if isinstance(row.task_category, str) else ""
        table.add_row(
            "" if row.workload_id is pd.NA else str(row.workload_id), row.name, task,
            row.criticality if isinstance(row.criticality, str) else "", usd(row.monthly_cost_usd),
            f"{row.share:.1%}", row.top_model if isinstance(row.top_model, str) else "",
        )  # fmt: skip
    out.print(table)


@workloads_app.command("propose")
def workloads_propose(
    replace: Annotated[
        bool, typer.Option("--replace", help="Delete the current workloads first (their history stays).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Propose workloads from the last 30 days of usage and save them."""
    engine = open_ledger(db)
    current = list_workloads(engine)
    if current and not replace:
        raise fail(f"{len(current)} workloads exist already; add --replace to replace them with new proposals")
    proposals = propose_workloads(engine)
    if not proposals:
        raise fail("the ledger has no usage to propose workloads from")
    saved = replace_with_proposals(engine, proposals)
    for w in saved:
        out.print(f"{w.id}: {w.name} ({TASK_CATEGORIES[w.task_category]}, {w.criticality})", markup=False)
    out.print(f"{len(saved)} workloads saved" + (f", {len(current)} replaced." if current else "."))


@workloads_app.command("show")
def workloads_show(
    workload_id: Annotated[int, typer.Argument(metavar="ID")],
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """One workload: its definition, its cost, and every version saved."""
    engine = open_ledger(db)
    history = workload_history(engine, workload_id)
    if history.empty:
        raise fail(f"no workload {workload_id}")
    workloads = list_workloads(engine)
    workload = next((w for w in workloads if w.id == workload_id), None)
    versions = [{k: _plain(v) for k, v in row.items()} for row in history.astype(object).to_dict("records")]
    if as_json:
        current = _record(workload, workload_costs(engine, workloads)) if workload else None
        print(json.dumps({"id": workload_id, "deleted": workload is None, "workload": current, "history": versions}))
        return
    if workload is None:
        out.print(f"Workload {workload_id} ({history['name'].iloc[0]}) was deleted.", markup=False)
    else:
        record = _record(workload, workload_costs(engine, workloads))
        out.print(f"Workload {workload.id}: {workload.name}", markup=False)
        out.print(f"  usage: {record['rules_text']}", markup=False)
        out.print(f"  task {TASK_CATEGORIES[workload.task_category]}, criticality {workload.criticality}")
        slo = f"{workload.latency_slo_p95_s:g} s" if workload.latency_slo_p95_s else "none"
        out.print(f"  quality floor {workload.quality_floor_pct:g}% below today's model, p95 latency objective {slo}")
        needs = [name for name in ("needs_tools", "needs_vision", "needs_json_schema", "needs_caching")
                 if getattr(workload, name)]  # fmt: skip
        out.print(f"  needs: {', '.join(n.removeprefix('needs_') for n in needs) or 'nothing special'}"
                  + ("; batch-tolerant" if workload.batch_tolerant else ""))  # fmt: skip
        out.print(f"  monthly cost {usd(record['monthly_cost_usd'])} ({record['share']:.1%} of spend)")
    table = Table("version", "saved (UTC)", "name", "task", "criticality", "floor %", "p95 s", "deleted")
    for v in versions:
        table.add_row(
            str(v["version"]), str(v["saved_at"])[:19], str(v["name"]), str(v["task_category"]),
            str(v["criticality"]), f"{v['quality_floor_pct']:g}", "" if v["latency_slo_p95_s"] is None
            else f"{v['latency_slo_p95_s']:g}", "yes" if v["deleted"] else "",
        )  # fmt: skip
    out.print(table)
