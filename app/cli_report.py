"""``exitplan report``: the leadership pack from the command line — a kept scenario (or two to four compared)
as a PDF, spreadsheet, deck, Markdown or HTML file, and the priced ledger as a FinOps FOCUS CSV."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine

from analysis.money import usd
from analysis.report_facts import ledger_facts
from analysis.scenarios.context import scenario_context
from analysis.scenarios.engine import run
from analysis.scenarios.model import Scenario, scenario_from_json
from analysis.spend import priced_usage
from app.cli_common import DbOption, fail, out
from db import open_ledger
from db.scenarios import get_scenario, list_scenarios
from pricing.sources import load_book
from reports.charts import kaleido_png
from reports.focus import focus_csv
from reports.pack import MAX_COMPARED, report_pack
from reports.render import FOCUS_FORMAT, SCENARIO_FORMATS, file_name, render_report

__all__ = ["report_command"]

FORMATS = (*SCENARIO_FORMATS, FOCUS_FORMAT.name)


def _scenario(engine: Engine, name: str) -> Scenario:
    body = get_scenario(engine, name)
    if body is None:
        names = ", ".join(list_scenarios(engine)["name"]) or "none (`exitplan scenario suggest --save NAME` keeps one)"
        raise fail(f"no scenario {name!r}; scenarios: {names}")
    return scenario_from_json(body)


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise fail(f"{path}: {exc.strerror or exc}") from None


def _focus(engine: Engine, output: Path | None) -> None:
    priced = priced_usage(engine, by=("host", "project", "feature"))
    if priced.empty:
        raise fail("the ledger has no usage to export: import usage first")
    path = output or Path(file_name([], FOCUS_FORMAT.name))
    data = focus_csv(priced)
    _write(path, data)
    unpriced = int(priced["unpriced"].sum())
    note = f"; {unpriced:,} usage rows unpriced, their cost left empty (not $0)" if unpriced else ""
    charges = data.count(b"\n") - 1
    total = usd(float(priced["spend_usd"].sum()))
    out.print(f"Wrote {path}: FOCUS 1.2, {charges:,} charges, {total} in all{note}", markup=False)


def report_command(
    scenarios: Annotated[
        list[str] | None,
        typer.Argument(
            help="The kept scenario to report on (`exitplan scenario list`); with --compare, two to four.",
            show_default=False,
        ),
    ] = None,
    format_name: Annotated[
        str,
        typer.Option(
            "--format",
            help="pdf (executive summary), xlsx (formulas for finance), pptx (deck), md, html — or focus: the priced "
            "ledger as a FinOps FOCUS 1.2 CSV, which takes no scenario.",
        ),
    ] = "pdf",
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="The file to write (default: a name from the scenarios, here)."),
    ] = None,
    compare: Annotated[
        bool, typer.Option("--compare", help=f"Compare the scenarios named (two to {MAX_COMPARED}) side by side.")
    ] = False,
    no_chart: Annotated[
        bool, typer.Option("--no-chart", help="Leave the chart out of the PDF and HTML (no browser is started).")
    ] = False,
    db: DbOption = None,
) -> None:
    """The leadership pack: a kept scenario's business case as a file to send — a one-page PDF summary with its
    appendix, a spreadsheet whose cash flow is formulas over its assumptions, a deck, Markdown or HTML — or
    two to four scenarios compared side by side (--compare A B …); --format focus exports the priced ledger
    as FinOps FOCUS 1.2 CSV."""
    names = list(scenarios or [])
    if format_name not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}, not {format_name!r}")
    engine = open_ledger(db)
    if format_name == FOCUS_FORMAT.name:
        if names or compare:
            raise fail("--format focus exports the priced ledger: it takes no scenario")
        _focus(engine, output)
        return
    if not names:
        raise fail("name a kept scenario (`exitplan scenario list`), or --compare two to four of them")
    if len(names) > 1 and not compare:
        raise fail(f"one scenario at a time, or --compare {' '.join(repr(n) for n in names)} to compare them")
    if compare and not 2 <= len(names) <= MAX_COMPARED:
        raise fail(f"--compare takes two to {MAX_COMPARED} scenarios, not {len(names)}")
    if len(set(names)) != len(names):
        raise fail("name each scenario once")
    kept = [_scenario(engine, name) for name in names]
    book = load_book(engine)
    today = datetime.now(UTC).date()
    context = scenario_context(engine, book=book, today=today)
    if context is None:
        raise fail("no workloads with usage: import usage, then `exitplan workloads propose` saves them")
    facts = ledger_facts(engine, book=book, today=today)
    packs = [report_pack(scenario, run(scenario, context), context, facts) for scenario in kept]
    data = render_report(format_name, packs, generated_at=datetime.now(UTC), charts=None if no_chart else kaleido_png)
    path = output or Path(file_name(names, format_name))
    _write(path, data)
    what = SCENARIO_FORMATS[format_name].label
    out.print(f"Wrote {path} ({what}, {len(data):,} bytes): {' vs '.join(names)}", markup=False)
