"""``exitplan samples add | list | purge``: the prompt samples kept to replay on candidates (opt-in; prompts
are sensitive, so listing shows counts, never content)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from analysis.evaluation import purge_samples, sample_summary
from analysis.workloads import list_workloads
from app.cli_alternatives import find_workload
from app.cli_common import MAX_SAMPLES, DbOption, JsonOption, out
from collectors.samples import DEFAULT_LIMIT, PromptKeeping, add_sample_file
from collectors.source import source_from_path
from db import open_ledger

__all__ = ["samples_app"]

samples_app = typer.Typer(
    help="Prompt samples kept to replay on candidates (exitplan evaluate): add a file of them, list them "
    "(counts only), purge them. Logs keep them with `exitplan ingest FILE --keep-prompts N`.",
    no_args_is_help=True,
)

RedactOption = Annotated[
    bool,
    typer.Option(
        "--redact/--no-redact",
        help="Replace e-mail addresses, phone numbers and API-key-like strings before storing (default: on).",
    ),
]


@samples_app.command("add")
def samples_add(
    path: Annotated[Path, typer.Argument(metavar="FILE", help='JSON lines: {"messages": [...], "response": ...}.')],
    workload: Annotated[
        str | None,
        typer.Option(help='The workload the samples are of (else each line\'s "workload").'),
    ] = None,
    limit: Annotated[
        int, typer.Option(min=1, max=MAX_SAMPLES, help="Keep at most this many per workload (a seeded uniform sample).")
    ] = DEFAULT_LIMIT,
    redact: RedactOption = True,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Store the prompts of a JSON-lines file, one object a line — {"messages": [{"role", "content"}, ...],
    "response": "today's answer" (optional)} — as samples of a workload."""
    engine = open_ledger(db)
    saved = list_workloads(engine)
    # A saved workload is named as `exitplan evaluate` names it (id, name, or a unique part of it), so the
    # samples are found when it is evaluated.
    chosen = find_workload(saved, workload) if workload else None
    name = chosen.name if chosen is not None else workload
    added = add_sample_file(engine, source_from_path(path), PromptKeeping(limit, redact=redact), name)
    if as_json:
        print(json.dumps({"file": added.file, "read": added.read, "kept": added.kept, "refused": added.refused}))
        return
    whose = f" to workload {name!r}" if name else ""
    out.print(
        f"{added.file}: {added.read:,} lines, {added.kept:,} samples added{whose}"
        + (f", {len(added.refused):,} refused" if added.refused else "")
        + ("" if redact else " (not redacted)"),
        markup=False,
    )
    for where, why in added.refused[:10]:
        out.print(f"  {where}: {why}", markup=False)
    if name and chosen is None:
        out.print(f"No saved workload is called {name!r} yet: name one so to evaluate these.", markup=False)


@samples_app.command("list")
def samples_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    """How many prompt samples each workload has (never their content)."""
    engine = open_ledger(db)
    summary = sample_summary(engine, list_workloads(engine))
    if as_json:
        rows = summary.astype(object).where(summary.notna(), None).to_dict("records")
        print(json.dumps(rows, default=str))
        return
    if summary.empty:
        out.print("No prompt samples are kept (`exitplan ingest FILE --keep-prompts N` or `exitplan samples add`).")
        return
    table = Table("workload", "samples", "with today's answer", "redacted", "from")
    for row in summary.itertuples():
        table.add_row(
            row.workload if isinstance(row.workload, str) else "(no workload claims them)",
            f"{row.samples:,}",
            f"{row.with_response:,}",
            f"{row.redacted:,}",
            ", ".join(row.sources[:3]) + (f" and {len(row.sources) - 3} more" if len(row.sources) > 3 else ""),
        )
    out.print(table)


@samples_app.command("purge")
def samples_purge(
    workload: Annotated[
        str | None, typer.Argument(metavar="[NAME]", help="Only this workload's samples (default: every sample).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Delete prompt samples: a workload's, or all of them."""
    engine = open_ledger(db)
    workloads = list_workloads(engine)
    chosen = find_workload(workloads, workload) if workload else None
    gone = purge_samples(engine, workloads, chosen.name if chosen is not None else workload)
    whose = f" of {workload}" if workload else ""
    out.print(f"{gone:,} prompt samples{whose} deleted.", markup=False)
