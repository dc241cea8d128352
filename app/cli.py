"""The ``exitplan`` command: serve the dashboard, load demo data, import files, pull admin APIs, inspect the ledger."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import Engine

from analysis.evaluation import workload_groups
from analysis.imports import NOT_IN_SOURCE, outcome_words, skipped_words
from analysis.reconcile import GAP_THRESHOLD, reconcile
from analysis.spend import Totals
from analysis.spend import summary as ledger_summary
from analysis.workloads import list_workloads
from app.cli_alternatives import alternatives_command
from app.cli_common import (
    MAX_SAMPLES,
    Commands,
    DbOption,
    IdArgument,
    JsonOption,
    day_option,
    err,
    fail,
    number,
    out,
    usd,
)
from app.cli_evaluate import evaluate_command
from app.cli_incidents import collect_status_command, demo_incident_lines, incidents_app
from app.cli_prices import cost, prices_app
from app.cli_progress import ingest_progress
from app.cli_report import report_command
from app.cli_risk import risk_command
from app.cli_rollup_sql import rollup_sql_command
from app.cli_samples import samples_app
from app.cli_scenario import scenario_app
from app.cli_workloads import workloads_app
from app.components.display import some_of
from app.demo_removal import remove_demo_data
from app.serving import exposure_warning, login_configured, secrets_files, server_settings
from collectors.api import PROVIDERS, sync_provider
from collectors.api.sync import DEFAULT_DAYS
from collectors.demo import demo_in_ledger, demo_loaded, load_demo
from collectors.files import FileOutcome, ingest_files
from collectors.samples import PromptKeeping
from db import (
    default_url,
    delete_import,
    get_import,
    list_imports,
    open_ledger,
    rejected_rows_of,
    skipped_kinds,
    usage_span,
)

app = typer.Typer(
    help="exitplan: what it would cost, and what you would risk, to move your LLM traffic elsewhere.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Commands,
)
imports_app = typer.Typer(help="List, inspect and undo imports.", no_args_is_help=True)
app.add_typer(imports_app, name="imports")
collect_app = typer.Typer(
    help="Pull into the ledger: usage and costs from the OpenAI or Anthropic Admin API (collect openai, collect "
    "anthropic; the admin key comes from $OPENAI_ADMIN_KEY or $ANTHROPIC_ADMIN_KEY and is never stored; only "
    "complete UTC days, from --since or where the last sync ended), or a vendor's incident history from its "
    "status page (collect status URL). Each takes --db.",
    no_args_is_help=True,
)
app.add_typer(collect_app, name="collect")
app.add_typer(incidents_app, name="incidents")
app.add_typer(prices_app, name="prices")
app.add_typer(workloads_app, name="workloads")
app.add_typer(scenario_app, name="scenario")
app.add_typer(samples_app, name="samples")
app.command()(cost)
app.command(name="alternatives")(alternatives_command)
app.command(name="evaluate")(evaluate_command)
app.command(name="risk")(risk_command)
app.command(name="report")(report_command)
app.command(name="rollup-sql")(rollup_sql_command)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8501,
    db: DbOption = None,
) -> None:
    """Open the dashboard in a local web server."""
    # Opened here first: a ledger that cannot be opened ends the command with one line, before the server
    # starts (the page would only show it to whoever opens it); a new ledger is migrated once, here.
    open_ledger(db or default_url()).dispose()
    entry = Path(__file__).resolve().parent.parent / "streamlit_app.py"
    env = {**os.environ, "EXITPLAN_DB_URL": db or default_url()}
    # Hosts, origins, XSRF and the upload limit: app.serving says why each is set.
    options = [word for name, value in server_settings(host, port) for word in (f"--{name}", value)]
    if warning := exposure_warning(host, login_configured(secrets_files())):
        err.print(f"Warning: {warning}", markup=False, highlight=False)
    command = [sys.executable, "-m", "streamlit", "run", str(entry), *options]
    # Become the server (no child process), so stopping `exitplan serve` stops Streamlit too.
    os.execve(sys.executable, command, env)


@app.command()
def demo(
    db: DbOption = None,
    if_empty: Annotated[bool, typer.Option("--if-empty", help="Do nothing when the ledger has usage.")] = False,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Keep the generated export files in this folder.")
    ] = None,
    remove: Annotated[
        bool,
        typer.Option(
            "--remove",
            help="Take the demo data out instead: its imports, its status pages' incidents, and the workloads and "
            "scenarios made on it alone. Your own imports, workloads and scenarios stay.",
        ),
    ] = False,
) -> None:
    """Load six months of usage of a fictional company, written as real export files and imported (--remove
    takes it out again)."""
    engine = open_ledger(db)
    if remove:
        if not demo_in_ledger(engine):
            out.print("The demo data is not in the ledger: nothing to remove.")
            return
        out.print(remove_demo_data(engine).words(), markup=False)
        return
    if if_empty and usage_span(engine) is not None:
        out.print("The ledger already has usage; demo data not loaded.")
        return
    if demo_loaded(engine):
        out.print("The demo data is already loaded (delete its imports to load it again).")
        return
    for result in load_demo(engine, out_dir):
        state = "already imported" if result.duplicate else f"{result.rows_accepted:,} rows"
        out.print(f"{result.file}: {result.format}, {state}")
    demo_incident_lines(engine)


@app.command(name="ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files to import (.gz accepted).")],
    format: Annotated[
        str | None, typer.Option("--format", help="Skip detection and read the files as this format.")
    ] = None,
    keep_prompts: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=MAX_SAMPLES,
            help="Also keep a seeded sample of at most N prompts per workload, from logs that carry them "
            "(LiteLLM, Langfuse, Helicone, OTel), to replay with `exitplan evaluate`. Off unless given.",
        ),
    ] = None,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact/--no-redact",
            help="With --keep-prompts: replace e-mail addresses, phone numbers and API-key-like strings first.",
        ),
    ] = True,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Import usage files. Exit status 2 if any file could not be imported at all.

    Each file's rows are accepted, rejected (should have been usage, could not be read; see imports show) or
    skipped as not usage (counted per kind).
    """
    failed = False
    engine = open_ledger(db)
    keep = _keeping(engine, keep_prompts, redact)
    with ingest_progress(err, paths, shown=not as_json and err.is_terminal) as on_progress:
        for outcome in ingest_files(engine, paths, format_name=format, keep=keep, on_progress=on_progress):
            result = outcome.result
            if result is None:
                err.print(outcome.error, markup=False, highlight=False)
                failed = True
            elif as_json:
                line = result.as_dict()
                if keep is not None:
                    line["prompts"] = asdict(outcome.kept) if outcome.kept else {"error": outcome.kept_error}
                print(json.dumps(line))
            elif result.duplicate:
                out.print(f"{outcome.file}: duplicate of import {result.import_id}; nothing changed")
            else:
                words = outcome_words(result.rows_read, result.rows_accepted, result.rows_rejected, result.skipped)
                out.print(f"{outcome.file}: import {result.import_id} ({result.format}): {words}", highlight=False)
            if result is not None and keep is not None and not as_json:
                _kept_line(outcome)
    if failed:
        raise typer.Exit(2)


def _keeping(engine: Engine, limit: int | None, redact: bool) -> PromptKeeping | None:
    """What --keep-prompts asks for: per saved workload where one claims the request, else per slice."""
    if limit is None:
        return None
    return PromptKeeping(limit, redact=redact, group_by=workload_groups(list_workloads(engine)))


def _kept_line(outcome: FileOutcome) -> None:
    kept = outcome.kept
    if kept is None:
        err.print(f"  prompts not kept: {outcome.kept_error}", markup=False, highlight=False)
    elif not kept.carries_content:
        out.print("  no prompts in this format (LiteLLM, Langfuse, Helicone and OTel logs carry them)", markup=False)
    else:
        skipped = f", {kept.not_replayable:,} not replayable as text chat" if kept.not_replayable else ""
        out.print(
            f"  prompts: {kept.kept:,} samples kept of {kept.replayable:,} requests with a prompt{skipped}",
            markup=False,
        )


SinceOption = Annotated[
    date | None,
    day_option(f"First day (YYYY-MM-DD, UTC). Default: where the last sync ended, or {DEFAULT_DAYS} days back."),
]
UntilOption = Annotated[
    date | None, day_option("Last day (YYYY-MM-DD, UTC), inclusive. Default: yesterday, the last complete day.")
]


@collect_app.command("openai")
def collect_openai(
    since: SinceOption = None, until: UntilOption = None, as_json: JsonOption = False, db: DbOption = None
) -> None:
    """Pull usage and costs from the OpenAI Admin API into the ledger.

    The admin key comes from $OPENAI_ADMIN_KEY and is never stored.

    Only complete UTC days are pulled; days pulled again replace what was stored for them.

    Exit status 2, with nothing saved, if the key is missing or rejected or the API fails.
    """
    _collect("openai", since, until, as_json, db)


@collect_app.command("anthropic")
def collect_anthropic(
    since: SinceOption = None, until: UntilOption = None, as_json: JsonOption = False, db: DbOption = None
) -> None:
    """Pull usage and costs from the Anthropic Admin API into the ledger.

    The admin key comes from $ANTHROPIC_ADMIN_KEY and is never stored.

    Only complete UTC days are pulled; days pulled again replace what was stored for them.

    Exit status 2, with nothing saved, if the key is missing or rejected or the API fails.
    """
    _collect("anthropic", since, until, as_json, db)


collect_app.command("status")(collect_status_command)


def _collect(provider: str, since: date | None, until: date | None, as_json: bool, db: str | None) -> None:
    spec = PROVIDERS[provider]
    key = os.environ.get(spec.key_env, "").strip()
    if not key:
        raise fail(f"{spec.key_env} is not set: export an {spec.title} organization admin key to pull its usage")
    result = sync_provider(open_ledger(db), provider, key, since=since, until=until)
    if as_json:
        print(json.dumps(asdict(result), default=_iso))
        return
    out.print(result.message(), markup=False, highlight=False)
    for e in result.endpoints:
        state = f"duplicate of import {e.import_id}" if e.duplicate else f"import {e.import_id}"
        out.print(
            f"  {e.title}: {state}, {e.pages:,} pages, {e.rows_accepted:,} rows"
            + (f", {e.rows_rejected:,} rejected" if e.rows_rejected else ""),
            markup=False,
            highlight=False,
        )


def _iso(value: object) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


@imports_app.command("list")
def imports_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every import, newest first, with its rows read, accepted, rejected and skipped as not usage."""
    engine = open_ledger(db)
    frame = list_imports(engine)
    if as_json:
        kinds = skipped_kinds(engine)
        rows = frame.drop(columns=["sha256"]).astype(object).where(frame.notna(), None).to_dict("records")
        for row in rows:
            row["skipped"] = kinds.get(int(row["id"]), {})
        print(json.dumps(rows, default=_iso))
        return
    table = Table("id", "file", "format", "read", "accepted", "rejected", "skipped", "period", "imported")
    for row in frame.itertuples():
        period = f"{row.period_start:%Y-%m-%d} … {row.period_end:%Y-%m-%d}" if row.rows_accepted else ""
        table.add_row(
            str(row.id),
            row.source_name,
            row.format,
            f"{row.rows_read:,}",
            f"{row.rows_accepted:,}",
            f"{row.rows_rejected:,}",
            f"{row.rows_skipped:,}",
            period,
            f"{row.created_at:%Y-%m-%d %H:%M}",
        )
    out.print(table)


@imports_app.command("show")
def imports_show(
    import_id: IdArgument,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """One import: its rows read, accepted, rejected and skipped as not usage (by kind), its computed against
    reported cost, and its rejected rows with their reasons."""
    engine = open_ledger(db)
    record = get_import(engine, import_id)
    if record is None:
        raise fail(f"no import {import_id}")
    rejected = rejected_rows_of(engine, import_id)
    costs = reconcile(engine, import_id)
    if as_json:
        info = {k: (_iso(v) or v) for k, v in record.__dict__.items()}
        info["skipped"] = dict(record.skipped)
        checks = costs.astype(object).where(costs.notna(), None).to_dict("records")
        print(json.dumps({**info, "reconciliation": checks, "rejected": rejected.to_dict("records")}))
        return
    out.print(f"Import {record.id}: {record.source_name} ({record.format})", markup=False, highlight=False)
    out.print(
        f"  rows read {record.rows_read:,}, accepted {record.rows_accepted:,}, rejected {record.rows_rejected:,}, "
        f"skipped {record.rows_skipped:,}",
        highlight=False,
    )
    if record.skipped:
        out.print(f"  skipped as not usage: {skipped_words(record.skipped)}", markup=False, highlight=False)
    elif record.rows_skipped:
        # Imported before skipped rows were counted by kind.
        out.print(f"  skipped as not usage: {record.rows_skipped:,} (kinds not recorded)", highlight=False)
    if record.period_start:
        out.print(f"  covers {record.period_start:%Y-%m-%d %H:%M} … {record.period_end:%Y-%m-%d %H:%M} UTC")
    if len(costs):
        table = Table("provider", "model", "computed (USD)", "reported (USD)", "gap", "")
        for row in costs.itertuples():
            gap = "—" if row.gap_share != row.gap_share else f"{row.gap_share:+.1%}"
            flag = "unpriced" if row.unpriced else (f"over {GAP_THRESHOLD:.0%}" if row.flagged else "ok")
            table.add_row(
                row.provider,
                row.model,
                usd(row.computed_usd if row.computed_usd == row.computed_usd else None),
                usd(row.reported_usd),
                gap,
                flag,
            )
        out.print("Computed vs reported cost:")
        out.print(table)
    if len(rejected):
        table = Table("where", "reason", "row")
        for row in rejected.head(50).itertuples():
            table.add_row(row.location, row.reason, row.raw[:120])
        out.print(table)
        if len(rejected) > 50:
            out.print(f"  … and {len(rejected) - 50:,} more rejected rows")


@imports_app.command("delete")
def imports_delete(import_id: IdArgument, db: DbOption = None) -> None:
    """Undo an import completely: its usage, its rejected rows, its record."""
    if not delete_import(open_ledger(db), import_id):
        raise fail(f"no import {import_id}")
    out.print(f"Import {import_id} deleted.")


@app.command()
def summary(
    since: Annotated[date | None, day_option("First day (YYYY-MM-DD, UTC), inclusive.")] = None,
    until: Annotated[date | None, day_option("Last day (YYYY-MM-DD, UTC), inclusive.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Usage and cost totals, overall and by provider and model.

    A count a source does not report is null in --json and reads "not in this source" in the table, never 0;
    a total over rows of which only some report it is the known part (marked *, and counted per measure in
    --json as not_in_source).
    """
    result = ledger_summary(open_ledger(db), since=since, until=until)
    if as_json:
        print(json.dumps(result.as_dict()))
        return
    table = Table("model", "requests", "input tokens", "output tokens", "cost (USD)", "reported (USD)")
    unpriced = {name.split("/", 1)[1] for name in result.unpriced_models}
    shown = ("requests", "input_tokens", "output_tokens")
    models = sorted(result.by_model.items(), key=lambda item: _costliest_first(item[1]))
    for model, m in models[:_MODELS_SHOWN]:
        table.add_row(
            model,
            *(_count(m, measure) for measure in shown),
            # No computed cost: unpriced, or no tokens to price (a cost report's rows).
            usd(m.cost_usd, missing="unpriced" if model in unpriced else "—"),
            usd(m.reported_cost_usd, missing="—"),
        )
    out.print(table)
    if len(models) > _MODELS_SHOWN:
        out.print(f"  … and {len(models) - _MODELS_SHOWN:,} more models (every one with --json)", highlight=False)
    overall = result.overall
    cost = usd(overall.cost_usd, missing="unpriced" if unpriced else "nothing to price (no tokens)")
    out.print(
        f"Total cost {cost} (reported by the sources: {usd(overall.reported_cost_usd, missing='nothing')})",
        highlight=False,
    )
    if any(_count(m, measure).endswith("*") for m in result.by_model.values() for measure in shown):
        out.print("* the known part only: the sources of some of its rows do not report it")
    if result.unpriced_models:
        names = result.unpriced_models
        every = " (every one with --json)" if len(names) > _UNPRICED_NAMED else ""
        out.print(f"Unpriced ({len(names):,}): {some_of(names, _UNPRICED_NAMED)}{every}", highlight=False)


# A gateway that writes a request id into the model name leaves a ledger of a million "models": the table and
# the unpriced list say how many there are and show the first ones, --json has them all.
_MODELS_SHOWN = 50
_UNPRICED_NAMED = 10


def _costliest_first(totals: Totals) -> tuple[bool, float, int]:
    """The summary's order: the models that cost most (exitplan's price, else what their sources reported),
    then those of no known cost by their tokens."""
    money = totals.cost_usd if totals.cost_usd is not None else totals.reported_cost_usd
    tokens = (totals.input_tokens or 0) + (totals.output_tokens or 0)
    return money is None, -(money or 0.0), -tokens


def _count(totals: Totals, measure: str) -> str:
    """A count in the summary table: "not in this source" where no source reports it, * where only some do."""
    value = getattr(totals, measure)
    if value is None:
        return NOT_IN_SOURCE
    return number(value) + ("*" if totals.not_in_source.get(measure) else "")


_INTERRUPTED = 130  # the exit status of a command ended by Ctrl-C (128 + SIGINT)


def main() -> None:
    """The ``exitplan`` command. Once a command is done and its output flushed, the process ends at once:
    pyarrow's thread pools can abort the interpreter's own shutdown after a file was read through a Python
    stream (apache/arrow#50482, #34314: "terminate called without an active exception"), turning a finished
    import's exit status into a crash. Everything the command wrote is committed by then."""
    try:
        app()
        status = 0
    except SystemExit as ended:
        if isinstance(ended.code, str):
            err.print(ended.code)
        status = ended.code if isinstance(ended.code, int) else 0 if ended.code is None else 1
        if status == _INTERRUPTED:
            # Typer ends a Ctrl-C with 130 and no word; every write is one transaction, rolled back by then.
            err.print("interrupted: what was under way was not saved; what was reported done is kept")
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(status)
