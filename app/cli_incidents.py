"""``exitplan incidents …`` and ``exitplan collect status``: vendors' incident histories from their status
pages, for the incidents factor of the risk score."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table
from sqlalchemy import Engine

from analysis.risk.incidents import incident_sources
from app.cli_common import DbOption, JsonOption, fail, out
from collectors.demo import SOURCE_PREFIX
from collectors.status import collect_status, incidents_line, parse_status_history, save_status_history, source_label
from db import open_ledger
from db.errors import UserError
from db.incidents import delete_incidents, list_incidents

__all__ = ["collect_status_command", "demo_incident_lines", "incidents_app"]

incidents_app = typer.Typer(
    help="Vendors' incident histories (Statuspage incidents.json): import a saved file, list, delete.",
    no_args_is_help=True,
)

ProviderOption = Annotated[
    str | None,
    typer.Option(
        "--provider",
        help="Whose page it is (openai, anthropic, …). Default: the provider the page's name or address names.",
    ),
]
_NONE_STORED = (
    "No incidents stored: `exitplan collect status URL` or `exitplan incidents import FILE` brings a vendor's history."
)


def collect_status_command(
    url: Annotated[str, typer.Argument(metavar="URL", help="The status page, e.g. https://status.openai.com.")],
    provider: ProviderOption = None,
    db: DbOption = None,
) -> None:
    """Pull a vendor's incident history from its status page (Statuspage's /api/v2/incidents.json, no key).

    Statuspage serves a page's 50 most recent incidents; pulling the page again replaces what it brought.

    Exit status 2, with nothing saved, if the page cannot be read or is not a Statuspage page.
    """
    try:
        history = collect_status(open_ledger(db), url, provider)
    except UserError as exc:
        raise fail(str(exc)) from None
    out.print(history.message(), markup=False, highlight=False)


@incidents_app.command("import")
def incidents_import(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="A status page's incidents.json, saved.")],
    provider: ProviderOption = None,
    db: DbOption = None,
) -> None:
    """Import a status page's incident history saved as a file; importing it again replaces its incidents.

    Exit status 2, with nothing saved, if the file is not a Statuspage incidents.json.
    """
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise fail(f"{path}: no such file") from None
    except OSError as exc:
        raise fail(f"{path}: cannot be read ({exc.strerror or type(exc).__name__})") from None
    try:
        history = parse_status_history(content, path.name, provider)
    except UserError as exc:
        raise fail(str(exc)) from None
    save_status_history(open_ledger(db), history)
    out.print(history.message(), markup=False, highlight=False)


def _plain(value: object) -> object:
    """A value as JSON has it: times as ISO text, a missing time (NaT, itself a datetime) as null."""
    if value is None or value is pd.NaT:
        return None
    return value.isoformat() if isinstance(value, datetime) else value


def _duration(started: datetime, resolved: object) -> str:
    if not isinstance(resolved, datetime) or pd.isna(resolved):
        return "open"
    minutes = round((resolved - started).total_seconds() / 60)
    return f"{minutes // 60}h {minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


@incidents_app.command("list")
def incidents_list(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Every stored incident, oldest first, then what each source brought."""
    stored = list_incidents(open_ledger(db))
    if as_json:
        records = stored.drop(columns=["id"]).astype(object).to_dict("records")
        print(json.dumps([{str(key): _plain(value) for key, value in record.items()} for record in records]))
        return
    if stored.empty:
        out.print(_NONE_STORED, markup=False)
        return
    table = Table("started (UTC)", "provider", "impact", "lasted", "status", "incident", "components")
    for row in stored.to_dict("records"):
        started, lasted = f"{row['started_at']:%Y-%m-%d %H:%M}", _duration(row["started_at"], row["resolved_at"])
        table.add_row(
            started, row["provider"], row["impact"], lasted, row["status"], row["name"], ", ".join(row["components"])
        )
    out.print(table)
    _source_lines(stored)


def _source_lines(stored: pd.DataFrame) -> None:
    """One line per source: what it brought."""
    for source in incident_sources(stored).to_dict("records"):
        label = source_label(source["source"])
        line = incidents_line(
            label, source["incidents"], source["first_started"], source["last_started"], source["provider"]
        )
        out.print(line, markup=False, highlight=False)


def demo_incident_lines(engine: Engine) -> None:
    """What `exitplan demo` brought of the vendors' incident histories, a line per status page."""
    stored = list_incidents(engine)
    _source_lines(stored[stored["source"].str.startswith(SOURCE_PREFIX)])


@incidents_app.command("delete")
def incidents_delete(
    source: Annotated[
        str | None,
        typer.Argument(
            metavar="SOURCE", help="The page (status.openai.com) or file name to delete; every source if left out."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Delete the incidents one status page or file brought, or every incident."""
    engine = open_ledger(db)
    if source is None:
        deleted = delete_incidents(engine)
        out.print(f"{deleted:,} incidents deleted." if deleted else "No incidents stored; nothing deleted.")
        return
    wanted = source.strip().rstrip("/")
    stored = set(list_incidents(engine)["source"])
    # A page may be named as it is stored (https://status.openai.com) or as it is shown (status.openai.com).
    match = next((s for s in sorted(stored) if wanted in (s, source_label(s))), None)
    if match is None:
        raise fail(f"no incidents from {source}" + (f"; stored: {', '.join(sorted(stored))}" if stored else ""))
    deleted = delete_incidents(engine, match)
    out.print(f"{deleted:,} incidents from {source_label(match)} deleted.", markup=False, highlight=False)
