"""``exitplan workloads …``: the workloads from the command line (list, propose, show)."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table
from sqlalchemy import Engine

from analysis.assumptions import window_words
from analysis.workload_table import workload_table
from analysis.workloads import (
    TASK_CATEGORIES,
    Workload,
    list_workloads,
    propose_workloads,
    replace_with_proposals,
    workload_costs,
    workload_history,
)
from app.cli_common import DbOption, IdArgument, JsonOption, fail, out, usd
from db import open_ledger
from pricing.sources import load_book

__all__ = ["workloads_app"]

workloads_app = typer.Typer(
    help="Workloads: the named slices of your usage that estimates are made for.", no_args_is_help=True
)

# A workload in `--json`, key by key (README documents them); a proposal not saved adds "saved": false.
_JSON_KEYS = (
    "id",
    "name",
    "rules",
    "task_category",
    "criticality",
    "quality_floor_pct",
    "latency_slo_p95_s",
    "needs_tools",
    "needs_vision",
    "needs_json_schema",
    "needs_caching",
    "batch_tolerant",
    "position",
    "saved_at",
    "rules_text",
    "monthly_cost_usd",
    "share",
    "requests",
    "input_tokens",
    "output_tokens",
    "top_model",
    "top_host",
    "top_model_id",
    "retires_on",
    "successor",
    "unpriced",
)
_NOT_SAVED = "Not saved: `exitplan workloads propose` saves them."


def _plain(value: object) -> object:
    """A value as JSON has it: dates as ISO text, NumPy numbers as Python's, missing values as null."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def _table_of(engine: Engine, workloads: list[Workload]) -> pd.DataFrame:
    return workload_table(workload_costs(engine, workloads), workloads, load_book(engine))


def _record(row: dict[str, object]) -> dict[str, object]:
    """A row of the workloads table as the JSON output lists it."""
    record = {key: _plain(row[key]) for key in _JSON_KEYS}
    if isinstance(record["monthly_cost_usd"], float):
        record["monthly_cost_usd"] = round(record["monthly_cost_usd"], 2)
    if not row["saved"]:
        record["saved"] = False
    return record


def _workload_rows(table: pd.DataFrame) -> list[dict[str, object]]:
    """The workloads' rows of ``table`` (without the Unassigned row), as dicts."""
    return table[~table["unassigned"]].to_dict("records")  # type: ignore[return-value]


@workloads_app.command(
    "list",
    help=f"Every workload with its cost over {window_words()}, as a monthly figure. Saves nothing: on a ledger "
    "with no workloads saved it lists exitplan's proposals, marked as not saved (`exitplan workloads propose` "
    "saves them).",
)
def workloads_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    engine = open_ledger(db)
    workloads = list_workloads(engine)
    saved = bool(workloads)
    # As the Workloads page: proposals are shown, and saved only when the user asks (`propose`).
    if not saved:
        workloads = propose_workloads(engine)
    table = _table_of(engine, workloads)
    if as_json:
        print(json.dumps([_record(row) for row in _workload_rows(table)]))
        return
    if not workloads:
        out.print("No workloads: the ledger has no usage to propose them from (try `exitplan demo`).")
        return
    if not saved:
        out.print(f"No workloads saved yet. exitplan proposes these from {window_words()}:", markup=False)
    shown = Table("id", "name", "task", "criticality", "monthly cost", "share", "top model", "retirement at its host")
    for row in table.itertuples():
        shown.add_row(
            "" if pd.isna(row.id) else str(row.id),
            row.name,
            row.task,
            row.criticality,
            usd(row.monthly_cost_usd),
            "—" if pd.isna(row.share) else f"{row.share:.1%}",
            row.top_model,
            row.retirement,
        )
    out.print(shown)
    if not saved:
        out.print(_NOT_SAVED, markup=False)


@workloads_app.command("propose", help=f"Propose workloads from {window_words()} and save them.")
def workloads_propose(
    replace: Annotated[
        bool, typer.Option("--replace", help="Delete the current workloads first (their history stays).")
    ] = False,
    db: DbOption = None,
) -> None:
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
    workload_id: IdArgument,
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
    row = next((r for r in _workload_rows(_table_of(engine, workloads)) if r["id"] == workload_id), None)
    versions = [{k: _plain(v) for k, v in v_row.items()} for v_row in history.astype(object).to_dict("records")]
    if as_json:
        current = _record(row) if row is not None else None
        print(json.dumps({"id": workload_id, "deleted": workload is None, "workload": current, "history": versions}))
        return
    if workload is None or row is None:
        out.print(f"Workload {workload_id} ({history['name'].iloc[0]}) was deleted.", markup=False)
    else:
        out.print(f"Workload {workload.id}: {workload.name}", markup=False)
        out.print(f"  usage: {row['rules_text']}", markup=False)
        out.print(f"  task {row['task']}, criticality {workload.criticality}")
        slo = f"{workload.latency_slo_p95_s:g} s" if workload.latency_slo_p95_s else "none"
        out.print(f"  quality floor {workload.quality_floor_pct:g}% below today's model, p95 latency objective {slo}")
        needs = [
            name
            for name in ("needs_tools", "needs_vision", "needs_json_schema", "needs_caching")
            if getattr(workload, name)
        ]
        out.print(
            f"  needs: {', '.join(n.removeprefix('needs_') for n in needs) or 'nothing special'}"
            + ("; batch-tolerant" if workload.batch_tolerant else "")
        )
        share = "" if pd.isna(row["share"]) else f" ({row['share']:.1%} of spend)"
        out.print(f"  monthly cost {usd(row['monthly_cost_usd'])}{share}")
    table = Table("version", "saved (UTC)", "name", "task", "criticality", "floor %", "p95 s", "deleted")
    for v in versions:
        table.add_row(
            str(v["version"]),
            str(v["saved_at"])[:19],
            str(v["name"]),
            str(v["task_category"]),
            str(v["criticality"]),
            f"{v['quality_floor_pct']:g}",
            "" if v["latency_slo_p95_s"] is None else f"{v['latency_slo_p95_s']:g}",
            "yes" if v["deleted"] else "",
        )
    out.print(table)
