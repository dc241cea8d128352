"""``exitplan alternatives WORKLOAD``: what the workload would cost, how fast and how good it would be on
every candidate model and host, best first."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from analysis.alternatives import CandidateFilter, alternatives
from analysis.alternatives_table import candidates_frame
from analysis.latency_measurements import list_measurements
from analysis.money import usd
from analysis.quality import list_evaluations
from analysis.selfhost import list_options
from analysis.workloads import Workload, list_workloads
from app.cli_common import MAX_SAMPLES, DbOption, JsonOption, fail, out
from db import open_ledger
from pricing.identity import provider_id

__all__ = ["alternatives_command", "find_workload"]


def find_workload(workloads: list[Workload], wanted: str) -> Workload | None:
    """A workload by id, by exact name (any case), or by the one name that contains ``wanted``."""
    if wanted.isdigit():
        return next((w for w in workloads if w.id == int(wanted)), None)
    exact = [w for w in workloads if w.name.lower() == wanted.lower()]
    if exact:
        return exact[0]
    partial = [w for w in workloads if wanted.lower() in w.name.lower()]
    return partial[0] if len(partial) == 1 else None


def alternatives_command(
    workload: Annotated[str, typer.Argument(help="The workload's id or name (see `exitplan workloads list`).")],
    top: Annotated[int, typer.Option(min=1, max=MAX_SAMPLES, help="How many candidates to print.")] = 10,
    host: Annotated[
        list[str] | None, typer.Option(help="Only these hosts (repeatable): openai, aws, together…")
    ] = None,
    open_weights: Annotated[
        bool, typer.Option("--open-weights", help="Only models whose weights are published.")
    ] = False,
    region: Annotated[
        str | None, typer.Option(help="Data region of the endpoint: EU, US, APAC…, or 'any' (default: global).")
    ] = None,
    verbosity: Annotated[
        float,
        typer.Option(
            min=0.01, max=100.0, help="Candidates' answer length against today's model's (1.2: a fifth longer)."
        ),
    ] = 1.0,
    previews: Annotated[
        bool, typer.Option("--previews", help="Include preview and experimental models (labelled).")
    ] = False,
    everything: Annotated[
        bool, typer.Option("--all", help="Also list the models left out, each with why it cannot do the task.")
    ] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every candidate model and host for a workload: monthly cost range, latency, quality evidence, fit —
    ranked by evidence, best first."""
    engine = open_ledger(db)
    workloads = list_workloads(engine)
    if not workloads:
        raise fail(f"no workload {workload!r}: none is saved yet (`exitplan workloads propose` saves them)")
    chosen = find_workload(workloads, workload)
    if chosen is None:
        names = ", ".join(f"{w.id}: {w.name}" for w in workloads) or "none (import usage first)"
        raise fail(f"no workload {workload!r}; workloads: {names}")
    filters = CandidateFilter(
        hosts=frozenset(provider_id(h) for h in host) if host else None,
        open_weights_only=open_weights,
        region=region if region in (None, "any") else region.upper(),
        previews=previews,
    )
    result = alternatives(
        engine,
        chosen,
        workloads,
        filters=filters,
        evaluations=list_evaluations(engine),
        latency_measurements=list_measurements(engine),
        self_hosted=list_options(engine),
        verbosity=verbosity,
        include_excluded=everything,
    )
    if (nothing := result.no_estimate()) is not None:
        raise fail(nothing)
    if as_json:
        print(json.dumps(result.as_dict(top, everything=everything), default=str))
        return
    today = result.incumbent
    out.print(
        f"{chosen.name}: today {today.model} on {today.host}, "
        + (
            f"{usd(base)} a month" if (base := today.monthly_cost_usd.base) is not None else "unpriced (no price known)"
        ),
        markup=False,
    )
    for sentence in filter(None, [result.staying(), *result.headline()]):
        out.print(sentence, markup=False)
    shown = result.candidates[:top] + (result.excluded_candidates if everything else [])
    table = Table("#", "host", "model", "monthly (low–high)", "vs today", "p95", "quality", "fits")
    for row in candidates_frame(result, shown).itertuples():
        table.add_row(
            str(row.rank),
            row.host,
            row.model,
            f"{usd(row.monthly_usd)} ({row.range})",
            row.vs_today,
            f"{row.p95_s:.1f} s" if row.p95_s == row.p95_s and row.p95_s is not None else "—",
            row.evidence if row.grade == "unrated" else f"{row.grade}: {row.evidence}",
            "yes" if row.fits else "no",
        )
    out.print(table)
    if result.excluded:
        reasons = "; ".join(f"{count:,} {reason}" for reason, count in result.excluded.items())
        out.print(f"Left out ({sum(result.excluded.values()):,}; --all lists them): {reasons}", markup=False)
    for sentence in result.what_changes():
        out.print(sentence, markup=False)
