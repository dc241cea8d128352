"""``exitplan risk``: how exposed the company is to its LLM vendors — the score, what makes it, the moves that
would lower it most, and each workload's score."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from rich.table import Table

from analysis.risk.report import company_risk
from app.cli_common import DbOption, JsonOption, fail, out
from db import open_ledger
from pricing.sources import load_book

__all__ = ["risk_command"]


def risk_command(as_json: JsonOption = False, db: DbOption = None) -> None:
    """Dependency risk from your own usage: a 0–100 score with each factor's value, weight and points, the
    three moves that would lower it most (each scored again), and each workload's score."""
    engine = open_ledger(db)
    found = company_risk(engine, book=load_book(engine), today=datetime.now(UTC).date())
    if found is None:
        raise fail("no workloads with usage to score: import usage, then `exitplan workloads propose` saves them")
    report = found.report
    if as_json:
        print(json.dumps(report.as_dict()))
        return
    start, end = found.exposure.window
    out.print(
        f"Dependency risk {report.company.score:.0f}/100, from your usage of {start:%d %b} – {end:%d %b %Y}",
        markup=False,
    )
    table = Table("factor", "value", "weight", "points", "why")
    for scored in report.company.factors:
        factor = scored.factor
        table.add_row(factor.label, factor.value_text, f"{scored.weight:g}", f"{scored.points:.1f}", factor.explanation)
    out.print(table)
    if report.actions:
        out.print("What would lower it most:", markup=False)
        for action in report.actions:
            out.print(f"- {action.description} (to {action.score_after:.0f}/100)", markup=False)
    workloads = Table("workload", "score")
    for name, scored in report.workloads:
        workloads.add_row(name, f"{scored.score:.0f}")
    out.print(workloads)
