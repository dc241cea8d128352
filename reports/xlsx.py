"""The spreadsheet for finance (XlsxWriter): Summary, Assumptions (every input with its source), Workloads,
Monthly cash flow (every figure a formula over the Assumptions cells, :mod:`reports.xlsx_cashflow`) and
Price sources. Numbers are numbers with number formats, header rows are frozen, and text a user named is
written as text, neutralised (:mod:`reports.safety`).

Two to four scenarios make one workbook: a Summary that compares them side by side (its figures formulas
over each scenario's cash flow), then each scenario's Assumptions, Workloads and Monthly cash flow sheets
("S1 Assumptions", …), and the price sources.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import xlsxwriter

from reports.ooxml import fixed_package
from reports.pack import ReportPack, check_comparison
from reports.safety import neutralise
from reports.sentences import (
    comparison_verdict,
    directional_note,
    payback_words,
    recommendation,
    risk_words,
)
from reports.xlsx_cashflow import CashFlowCells, write_assumptions, write_cash_flow

__all__ = ["SHEETS", "xlsx_report"]

SHEETS = ("Summary", "Assumptions", "Workloads", "Monthly cash flow", "Price sources")


def _formats(book: Any) -> dict[str, Any]:
    money = '"$"#,##0.00;[Red]-"$"#,##0.00'
    return {
        "title": book.add_format({"bold": True, "font_size": 16}),
        "bold": book.add_format({"bold": True}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "note": book.add_format({"italic": True, "font_color": "#6c757d", "text_wrap": True, "valign": "top"}),
        "header": book.add_format({"bold": True, "bg_color": "#eaf2fa", "bottom": 1}),
        "header_wrap": book.add_format(
            {"bold": True, "bg_color": "#eaf2fa", "bottom": 1, "text_wrap": True, "valign": "top"}
        ),
        "money": book.add_format({"num_format": money}),
        "money_bold": book.add_format({"num_format": money, "bold": True, "top": 1}),
        "pct": book.add_format({"num_format": "0.0%"}),
        "number": book.add_format({"num_format": "#,##0.##"}),
        "score": book.add_format({"num_format": "0.0"}),
        "factor": book.add_format({"num_format": "0.000000"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd", "align": "left"}),
        "month": book.add_format({"num_format": "mmm yyyy", "align": "left"}),
    }


def _text(sheet: Any, row: int, col: int, value: str | None, style: Any = None) -> None:
    """Text as text: never read as a formula, a number or a link, and neutralised for other readers."""
    if value is None:
        sheet.write_blank(row, col, None, style)
    else:
        sheet.write_string(row, col, neutralise(value), style)


def _number(sheet: Any, row: int, col: int, value: float | None, style: Any) -> None:
    if value is None:
        sheet.write_blank(row, col, None, style)
    else:
        sheet.write_number(row, col, value, style)


def _summary(
    sheet: Any, pack: ReportPack, flow: CashFlowCells, formats: dict[str, Any], generated_at: datetime
) -> None:
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 4, 16)
    sheet.set_column(5, 5, 70)
    _text(sheet, 0, 0, f"{pack.name}: the business case", formats["title"])
    sheet.freeze_panes(1, 0)
    _text(sheet, 1, 0, f"Generated {generated_at:%Y-%m-%d %H:%M} UTC by exitplan")
    sheet.merge_range(2, 0, 2, 5, neutralise(f"Recommendation: {recommendation(pack)}"), formats["wrap"])
    sheet.set_row(2, 48)
    sheet.write_row(4, 0, ["Figure", "Value", "P10", "P50", "P90", "How it is reckoned"], formats["header"])
    money = formats["money"]
    rows: list[tuple[str, str | None, float | None, tuple[float, float, float] | None, str]] = [
        (
            "Saves a month once done",
            f"={flow.monthly_savings}",
            pack.monthly_savings_usd,
            pack.monthly_savings_range,
            "the last month's baseline less its scenario cost, after every ramp (Monthly cash flow)",
        ),
        (
            "Net savings over the horizon",
            f"={flow.savings_total}",
            pack.total_savings_usd,
            pack.savings_range,
            "savings after one-time costs, summed over the horizon (Monthly cash flow)",
        ),
        (
            "Net savings over 3 years",
            None,
            pack.savings_3y_usd,
            pack.savings_3y_range,
            "the same projection over 36 months, one-time costs included",
        ),
        (
            "One-time costs",
            f"={flow.one_time_total}",
            pack.one_time_usd,
            None,
            "engineering, evaluation, dual running, re-embedding (Monthly cash flow)",
        ),
        (
            "NPV",
            f"={flow.npv}",
            pack.npv_usd,
            None,
            f"each month's savings discounted at {pack.discount_rate:.0%} a year (Monthly cash flow)",
        ),
        ("Cost a month today", None, pack.today_monthly_usd, None, "the priced workloads, the last 30 days with usage"),
        ("3-year cost staying", None, pack.tco_3y_baseline_usd, None, "36 months of the baseline"),
        (
            "3-year cost with the scenario",
            None,
            pack.tco_3y_scenario_usd,
            None,
            "36 months of the scenario, one-time costs included",
        ),
    ]
    row = 5
    for label, formula, value, spread, how in rows:
        _text(sheet, row, 0, label)
        if formula is not None:
            sheet.write_formula(row, 1, formula, money, value)
        else:
            _number(sheet, row, 1, value, money)
        for offset in range(3):
            _number(sheet, row, 2 + offset, spread[offset] if spread is not None else None, money)
        _text(sheet, row, 5, how)
        row += 1
    _text(sheet, row, 0, "Payback")
    _number(sheet, row, 1, float(pack.payback_months) if pack.payback_months is not None else None, formats["number"])
    _text(sheet, row, 5, f"{payback_words(pack)} (the month the cumulative savings stop being negative)")
    row += 1
    for label, value in (("Risk score before", pack.risk_before), ("Risk score after", pack.risk_after)):
        _text(sheet, row, 0, label)
        _number(sheet, row, 1, value, formats["score"])
        _text(sheet, row, 5, risk_words(pack) if label.endswith("after") else "0–100, from the ledger's exposure")
        row += 1
    row += 1
    sheet.merge_range(row, 0, row, 5, neutralise(directional_note(pack)), formats["note"])
    sheet.set_row(row, 48)
    row += 2
    for line in (*pack.forced, *pack.warnings):
        _text(sheet, row, 0, f"Note: {line}")
        row += 1


def _workloads(sheet: Any, pack: ReportPack, flow: CashFlowCells, formats: dict[str, Any]) -> None:
    header = [
        "Workload", "Today's model", "Host", "Moves to", "Share moved", "Baseline over the horizon",
        "Scenario over the horizon", "One-time", "Savings", "Quality today", "Quality after",
        "p95 latency today (s)", "p95 latency after (s)", "Risk before", "Risk after",
        "Forced move on the baseline", "Why it moves",
    ]  # fmt: skip
    sheet.write_row(0, 0, header, formats["header_wrap"])
    sheet.set_row(0, 32)
    sheet.freeze_panes(1, 1)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 3, 24)
    sheet.set_column(4, 14, 14)
    sheet.set_column(15, 16, 60)
    for row, line in enumerate(pack.workloads, start=1):
        w, i = line.outcome, line.inputs
        _text(sheet, row, 0, w.workload)
        _text(sheet, row, 1, i.model)
        _text(sheet, row, 2, i.host)
        _text(sheet, row, 3, w.moved_to or "stays")
        _number(sheet, row, 4, w.share, formats["pct"])
        sums = flow.workload_sums.get(w.workload)
        for column, value, index in ((5, w.baseline_usd, 0), (6, w.scenario_usd, 1), (7, w.one_time_usd, 2)):
            if sums is not None:
                sheet.write_formula(row, column, f"={sums[index]}", formats["money"], value)
            else:
                _number(sheet, row, column, value, formats["money"])
        if w.savings_usd is None:
            _text(sheet, row, 8, "unpriced")  # no price today: no money is known, none is made up
        else:
            sheet.write_formula(row, 8, f"=F{row + 1}-G{row + 1}-H{row + 1}", formats["money"], w.savings_usd)
        _text(sheet, row, 9, w.quality_before)
        _text(sheet, row, 10, w.quality_after)
        _number(sheet, row, 11, w.latency_before_s, formats["score"])
        _number(sheet, row, 12, w.latency_after_s, formats["score"])
        _number(sheet, row, 13, w.risk_before, formats["score"])
        _number(sheet, row, 14, w.risk_after, formats["score"])
        _text(sheet, row, 15, w.forced)
        _text(sheet, row, 16, w.reason)


def _price_sources(sheet: Any, pack: ReportPack, formats: dict[str, Any]) -> None:
    sheet.write_row(0, 0, ["Precedence", "Source", "As of", "What it supplies"], formats["header"])
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 11)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 2, 12)
    sheet.set_column(3, 3, 90)
    for row, source in enumerate(pack.price_sources, start=1):
        sheet.write_number(row, 0, source.precedence, formats["number"])
        _text(sheet, row, 1, source.name)
        if source.as_of is not None:
            sheet.write_datetime(row, 2, source.as_of, formats["date"])
        else:
            _text(sheet, row, 2, "its version")
        _text(sheet, row, 3, source.supplies)
    _text(sheet, len(pack.price_sources) + 2, 0, f"Prices in force on {pack.prices_as_of:%Y-%m-%d}.")


def _scenario_sheets(book: Any, pack: ReportPack, prefix: str, formats: dict[str, Any]) -> tuple[Any, CashFlowCells]:
    names = [f"{prefix}{n}" for n in ("Assumptions", "Workloads", "Monthly cash flow")]
    assumptions, workloads, cash = (book.add_worksheet(n) for n in names)
    cells = write_assumptions(assumptions, names[0], pack, formats)
    flow = write_cash_flow(cash, names[2], names[0], pack, cells, formats)
    _workloads(workloads, pack, flow, formats)
    return workloads, flow


def _comparison(
    sheet: Any,
    packs: Sequence[ReportPack],
    flows: Sequence[CashFlowCells],
    formats: dict[str, Any],
    generated_at: datetime,
) -> None:
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, len(packs), 22)
    _text(sheet, 0, 0, f"{len(packs)} migration scenarios compared", formats["title"])
    _text(sheet, 1, 0, f"Generated {generated_at:%Y-%m-%d %H:%M} UTC by exitplan")
    _text(sheet, 2, 0, comparison_verdict(packs), formats["bold"])
    sheet.write_string(4, 0, "Figure", formats["header"])
    for column, pack in enumerate(packs, start=1):
        _text(sheet, 4, column, f"S{column}: {pack.name}", formats["header"])
    sheet.freeze_panes(5, 1)
    money = formats["money"]
    rows: list[tuple[str, Any]] = [
        ("Saves a month once done", lambda p, f: (f"={f.monthly_savings}", p.monthly_savings_usd, money)),
        ("  P10", lambda p, f: (None, p.monthly_savings_range[0] if p.monthly_savings_range else None, money)),
        ("  P90", lambda p, f: (None, p.monthly_savings_range[2] if p.monthly_savings_range else None, money)),
        ("Net savings over the horizon", lambda p, f: (f"={f.savings_total}", p.total_savings_usd, money)),
        ("Net savings over 3 years", lambda p, f: (None, p.savings_3y_usd, money)),
        ("  P10", lambda p, f: (None, p.savings_3y_range[0] if p.savings_3y_range else None, money)),
        ("  P90", lambda p, f: (None, p.savings_3y_range[2] if p.savings_3y_range else None, money)),
        ("One-time costs", lambda p, f: (f"={f.one_time_total}", p.one_time_usd, money)),
        ("NPV", lambda p, f: (f"={f.npv}", p.npv_usd, money)),
        (
            "Payback month",
            lambda p, f: (None, float(p.payback_months) if p.payback_months is not None else None, formats["number"]),
        ),
        ("Horizon (months)", lambda p, f: (None, float(p.horizon_months), formats["number"])),
        ("Risk score before", lambda p, f: (None, p.risk_before, formats["score"])),
        ("Risk score after", lambda p, f: (None, p.risk_after, formats["score"])),
    ]
    for row, (label, of) in enumerate(rows, start=5):
        _text(sheet, row, 0, label)
        for column, (pack, flow) in enumerate(zip(packs, flows, strict=True), start=1):
            formula, value, style = of(pack, flow)
            if formula is not None:
                sheet.write_formula(row, column, formula, style, value)
            else:
                _number(sheet, row, column, value, style)
    row = 5 + len(rows) + 1
    for column, pack in enumerate(packs, start=1):
        _text(sheet, row, 0, f"S{column}: {recommendation(pack)}", formats["wrap"])
        row += 1
    _text(sheet, row + 1, 0, directional_note(packs[0]), formats["note"])


def xlsx_report(packs: Sequence[ReportPack], *, generated_at: datetime) -> bytes:
    """The workbook of one scenario, or of two to four compared; ``generated_at`` dates it (its properties and
    every zip member), so the same inputs give the same bytes."""
    found = check_comparison(packs)
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    )
    title = found[0].name if len(found) == 1 else " vs ".join(p.name for p in found)
    book.set_properties(
        {
            "title": neutralise(title),
            "subject": "LLM migration business case",
            "author": "exitplan",
            "created": generated_at,
        }
    )
    formats = _formats(book)
    summary = book.add_worksheet("Summary")
    if len(found) == 1:
        _, flow = _scenario_sheets(book, found[0], "", formats)
        _summary(summary, found[0], flow, formats, generated_at)
    else:
        flows = [_scenario_sheets(book, pack, f"S{index} ", formats)[1] for index, pack in enumerate(found, start=1)]
        _comparison(summary, found, flows, formats, generated_at)
    _price_sources(book.add_worksheet("Price sources"), found[0], formats)
    book.close()
    return fixed_package(out.getvalue(), generated_at)
