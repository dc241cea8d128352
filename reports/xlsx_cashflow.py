"""The spreadsheet's audit trail: the Assumptions sheet (every input, with its source, and each workload's
inputs as cells) and the Monthly cash flow sheet, whose every number is an Excel formula over those cells.

The formulas are the engine's base case (:func:`analysis.scenarios.engine.project`), spelled in Excel:

- a workload's baseline in month m is today's cost × (1 + growth)^g × max(1 + its host's yearly price
  change, 0)^(m/12), where g is m for a fixed rate and φ(1 − φ^m)/(1 − φ) for the damped forecast —
  and, from the month its model retires, its successor's cost grown and repriced the same way (pro-rated in
  the shutdown's month);
- its scenario cost is (1 − share moved) × baseline + share moved × the target's cost, grown and repriced at
  the target's host (a router split sends part of it to a second model); the share ramps linearly from the
  start month;
- its one-time costs are engineering days × the day rate + the evaluation (+ embedding the corpus again) in
  the start month, and the old model's cost of the moved share in the dual-running months;
- the company's baseline, scenario and one-time are the sums of the workloads'; savings are baseline −
  scenario − one-time; the cumulative is a running SUM; the discount factor is 1 / (1 + the discount rate)^(m/12).

Each formula carries the engine's value as its cached result, so a reader that does not calculate (a
previewer, a script) shows the figures of the PDF, and one that does (Excel, LibreOffice) arrives at them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from reports.pack import ReportPack, WorkloadLine
from reports.safety import neutralise
from reports.sentences import assumptions_register

__all__ = ["INPUT_COLUMNS", "CashFlowCells", "write_assumptions", "write_cash_flow"]

# The workload inputs table, column by column: header, the WorkloadInputs/MoveInputs value, its format.
INPUT_COLUMNS = (
    "Workload",
    "Today's model",
    "Host",
    "Cost today (USD a month)",
    "Growth (a month)",
    "Host's price change (a year)",
    "Retires on",
    "Successor",
    "Successor's cost today (USD a month)",
    "Successor host's price change (a year)",
    "Baseline pays successor from month",
    "Share of that month",
    "Target",
    "Target's cost today (USD a month)",
    "Target host's price change (a year)",
    "Router split to",
    "Split share",
    "Split target's cost today (USD a month)",
    "Split host's price change (a year)",
    "Share moved",
    "Start month",
    "Ramp (months)",
    "Dual running (months)",
    "Engineering days",
    "Evaluation (USD)",
    "Embedding the corpus again (USD)",
    "One-time in the start month (USD)",
    "Where the inputs come from",
)
_COL = {name: index for index, name in enumerate(INPUT_COLUMNS)}


@dataclass(frozen=True)
class CashFlowCells:
    """Where the cash flow's results are, for the Summary sheet's formulas (A1 references with their sheet)."""

    total_row: int  # 0-based
    last_month_row: int
    baseline_total: str
    scenario_total: str
    one_time_total: str
    savings_total: str
    npv: str
    monthly_savings: str  # the last month's baseline − scenario
    workload_sums: dict[str, tuple[str, str, str]]  # workload → its baseline, scenario and one-time totals


def _ref(sheet: str, row: int, col: int, absolute: bool = True) -> str:
    return f"'{sheet}'!{xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)}"


def _unit_format(unit: str, formats: dict[str, Any]) -> Any:
    if unit in ("a year", "a month", "share"):
        return formats["pct"]
    if unit.startswith("USD"):
        return formats["money"]
    return formats["number"]


def write_assumptions(sheet: Any, name: str, pack: ReportPack, formats: dict[str, Any]) -> dict[str, Any]:
    """The Assumptions sheet: the register (section, assumption, value, unit, source), then the workload
    inputs table. Returns the cells the cash flow refers to: the discount rate, the day rate, each host's
    price change, and each workload's inputs row."""
    sheet.write_row(0, 0, ["Section", "Assumption", "Value", "Unit", "Source"], formats["header"])
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 44)
    sheet.set_column(2, 2, 16)
    sheet.set_column(3, 3, 12)
    sheet.set_column(4, 4, 60)
    cells: dict[str, Any] = {"hosts": {}, "workloads": {}}
    row = 1
    for entry in assumptions_register(pack):
        # Each workload's own inputs are in the table below, as cells the formulas read.
        if entry.section in ("Workloads", "Moves"):
            continue
        sheet.write_string(row, 0, entry.section)
        sheet.write_string(row, 1, neutralise(entry.name))
        value = entry.value
        if value is None:
            sheet.write_blank(row, 2, None)
        elif isinstance(value, str):
            sheet.write_string(row, 2, neutralise(value))
        elif hasattr(value, "year"):
            sheet.write_datetime(row, 2, value, formats["month" if entry.unit == "month" else "date"])
        else:
            sheet.write_number(row, 2, float(value), _unit_format(entry.unit, formats))
        sheet.write_string(row, 3, entry.unit)
        sheet.write_string(row, 4, neutralise(entry.source))
        if entry.section == "Scenario" and entry.name == "Discount rate":
            cells["discount_rate"] = _ref(name, row, 2)
        elif entry.section == "Scenario" and entry.name == "Engineering day rate":
            cells["day_rate"] = _ref(name, row, 2)
        elif entry.section == "Scenario" and entry.name == "Growth damping":
            cells["growth_damping"] = _ref(name, row, 2)
        elif entry.section == "Price change a year":
            cells["hosts"][entry.name] = _ref(name, row, 2)
        row += 1
    row += 2
    sheet.write_string(
        row, 0, "Workload inputs (each workload's row is what its cash-flow columns read)", formats["bold"]
    )
    row += 1
    sheet.write_row(row, 0, INPUT_COLUMNS, formats["header_wrap"])
    sheet.set_row(row, 45)
    row += 1
    for line in pack.workloads:
        if line.inputs.today_usd is None:
            sheet.write_string(row, 0, neutralise(line.name))
            sheet.write_string(
                row, _COL["Where the inputs come from"], "unpriced: left out of the money, as the engine leaves it"
            )
        else:
            _write_inputs(sheet, row, line, pack, cells, formats)
            cells["workloads"][line.name] = row
        row += 1
    return cells


def _write_inputs(
    sheet: Any, row: int, line: WorkloadLine, pack: ReportPack, cells: dict[str, Any], formats: dict[str, Any]
) -> None:
    i = line.inputs
    hosts = cells["hosts"]
    changes = {host: change for host, change, _ in pack.price_changes}

    def text(column: str, value: str | None) -> None:
        if value is not None:
            sheet.write_string(row, _COL[column], neutralise(value))

    def number(column: str, value: float | None, style: str) -> None:
        if value is not None:
            sheet.write_number(row, _COL[column], value, formats[style])

    def host_change(column: str, host: str | None) -> None:
        # A reference, not a copy: change a host's price change once and every workload on it follows.
        if host is not None and host in hosts:
            sheet.write_formula(row, _COL[column], f"={hosts[host]}", formats["pct"], changes[host])

    text("Workload", i.workload)
    text("Today's model", i.model)
    text("Host", i.host)
    number("Cost today (USD a month)", i.today_usd, "money")
    number("Growth (a month)", i.growth, "pct")
    host_change("Host's price change (a year)", i.host)
    if i.retires_on is not None:
        sheet.write_datetime(row, _COL["Retires on"], i.retires_on, formats["date"])
    if i.forced_month is not None:
        text("Successor", f"{i.successor_model} on {i.successor_host}")
        number("Successor's cost today (USD a month)", i.successor_usd, "money")
        host_change("Successor host's price change (a year)", i.successor_host)
        number("Baseline pays successor from month", i.forced_month, "number")
        number("Share of that month", i.forced_part, "pct")
    sources = [f"growth: {i.growth_source}"]
    move = i.move
    if move is not None:
        text("Target", move.target)
        number("Target's cost today (USD a month)", move.target_usd, "money")
        host_change("Target host's price change (a year)", move.target_host)
        if move.split_model is not None:
            text("Router split to", f"{move.split_model} on {move.split_host}")
            number("Split share", move.split_share, "pct")
            number("Split target's cost today (USD a month)", move.split_usd, "money")
            host_change("Split host's price change (a year)", move.split_host)
        number("Share moved", move.share, "pct")
        number("Start month", move.start_month, "number")
        number("Ramp (months)", move.ramp_months, "number")
        number("Dual running (months)", move.dual_running_months, "number")
        number("Engineering days", move.engineering_days, "number")
        number("Evaluation (USD)", move.evaluation_usd, "money")
        number("Embedding the corpus again (USD)", move.reembedding_usd, "money")
        days = xl_rowcol_to_cell(row, _COL["Engineering days"])
        evaluation = xl_rowcol_to_cell(row, _COL["Evaluation (USD)"])
        corpus = xl_rowcol_to_cell(row, _COL["Embedding the corpus again (USD)"])
        once = move.engineering_days * pack.day_rate_usd + move.evaluation_usd + move.reembedding_usd
        sheet.write_formula(
            row,
            _COL["One-time in the start month (USD)"],
            f"={days}*{cells['day_rate']}+{evaluation}+{corpus}",
            formats["money"],
            once,
        )
        sources += [f"engineering days: {move.engineering_days_source}", f"evaluation: {move.evaluation_source}"]
    text("Where the inputs come from", "; ".join(sources))


def write_cash_flow(
    sheet: Any, name: str, assumptions: str, pack: ReportPack, cells: dict[str, Any], formats: dict[str, Any]
) -> CashFlowCells:
    """The Monthly cash flow sheet: the company's columns, then each priced workload's baseline, scenario
    and one-time columns, every cell a formula over the Assumptions sheet."""
    lines = [w for w in pack.workloads if w.name in cells["workloads"]]
    count = len(lines)
    first_block = 10  # column K: the workloads' baselines, then their scenarios, then their one-time costs
    header = [
        "Month #",
        "Month",
        "Baseline",
        "Scenario",
        "One-time",
        "Savings",
        "Cumulative savings",
        "Discount factor",
        "Discounted savings",
        "",
    ]
    sheet.write_row(0, 0, header, formats["header_wrap"])
    for index, line in enumerate(lines):
        for block, label in enumerate(("Baseline", "Scenario", "One-time")):
            sheet.write_string(
                0, first_block + block * count + index, neutralise(f"{label}: {line.name}"), formats["header_wrap"]
            )
    sheet.set_row(0, 45)
    sheet.freeze_panes(1, 2)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 8, 15)
    sheet.set_column(9, 9, 3)
    sheet.set_column(first_block, first_block + 3 * count, 16)
    rate = cells["discount_rate"]
    cumulative = 0.0
    for number, month in enumerate(pack.months, start=1):
        row = number
        m = f"$A{row + 1}"
        phi = cells.get("growth_damping")
        # Months' worth of growth: m for a fixed rate, the damped sum φ + … + φ^m for the forecast.
        g = m if phi is None else f"IF({phi}=1,{m},{phi}*(1-{phi}^{m})/(1-{phi}))"
        sheet.write_number(row, 0, number, formats["number"])
        sheet.write_datetime(row, 1, month.month, formats["month"])
        for index, line in enumerate(lines):
            own = line.months[number - 1]
            base_cell = xl_rowcol_to_cell(row, first_block + index)
            formulas = _workload_formulas(assumptions, cells["workloads"][line.name], line, m, g, base_cell)
            sheet.write_formula(row, first_block + index, formulas[0], formats["money"], own.baseline_usd)
            sheet.write_formula(row, first_block + count + index, formulas[1], formats["money"], own.scenario_usd)
            sheet.write_formula(row, first_block + 2 * count + index, formulas[2], formats["money"], own.one_time_usd)
        for column, block in ((2, 0), (3, 1), (4, 2)):
            start = xl_rowcol_to_cell(row, first_block + block * count)
            end = xl_rowcol_to_cell(row, first_block + block * count + max(count - 1, 0))
            value = (month.baseline_usd, month.scenario_usd, month.one_time_usd)[block]
            sheet.write_formula(row, column, f"=SUM({start}:{end})" if count else "=0", formats["money"], value)
        r = row + 1
        cumulative += month.savings_usd
        factor = 1.0 / (1.0 + pack.discount_rate) ** (number / 12.0)
        sheet.write_formula(row, 5, f"=C{r}-D{r}-E{r}", formats["money"], month.savings_usd)
        sheet.write_formula(row, 6, f"=SUM($F$2:F{r})", formats["money"], cumulative)
        sheet.write_formula(row, 7, f"=1/(1+{rate})^({m}/12)", formats["factor"], factor)
        sheet.write_formula(row, 8, f"=F{r}*H{r}", formats["money"], month.savings_usd * factor)
    last = len(pack.months)
    total = last + 1
    sheet.write_string(total, 1, "Total", formats["bold"])
    totals = {
        2: sum(m.baseline_usd for m in pack.months),
        3: sum(m.scenario_usd for m in pack.months),
        4: sum(m.one_time_usd for m in pack.months),
        5: sum(m.savings_usd for m in pack.months),
        8: pack.npv_usd,
    }
    for column, value in totals.items():
        letter = xl_col_to_name(column)
        sheet.write_formula(total, column, f"=SUM({letter}2:{letter}{last + 1})", formats["money_bold"], value)
    sheet.write_string(total, 7, "NPV", formats["bold"])
    sums: dict[str, tuple[str, str, str]] = {}
    for index, line in enumerate(lines):
        refs = []
        for block in range(3):
            column = first_block + block * count + index
            letter = xl_col_to_name(column)
            value = sum((m.baseline_usd, m.scenario_usd, m.one_time_usd)[block] for m in line.months)
            sheet.write_formula(total, column, f"=SUM({letter}2:{letter}{last + 1})", formats["money_bold"], value)
            refs.append(_ref(name, total, column))
        sums[line.name] = (refs[0], refs[1], refs[2])
    return CashFlowCells(
        total_row=total,
        last_month_row=last,
        baseline_total=_ref(name, total, 2),
        scenario_total=_ref(name, total, 3),
        one_time_total=_ref(name, total, 4),
        savings_total=_ref(name, total, 5),
        npv=_ref(name, total, 8),
        monthly_savings=f"{_ref(name, last, 2)}-{_ref(name, last, 3)}",
        workload_sums=sums,
    )


def _workload_formulas(
    sheet: str, row: int, line: WorkloadLine, m: str, g: str, base_cell: str
) -> tuple[str, str, str]:
    """The baseline, scenario and one-time formulas of ``line`` in the month whose number is in ``m`` (its
    months' worth of growth in ``g``)."""

    def cell(column: str) -> str:
        return _ref(sheet, row, _COL[column])

    def grown(cost: str, change: str) -> str:
        # cost × (1 + growth)^g × max(1 + yearly price change, 0)^(m/12), as the engine's priced()
        return f"{cell(cost)}*(1+{cell('Growth (a month)')})^({g})*MAX(1+{cell(change)},0)^({m}/12)"

    inputs = line.inputs
    stay = grown("Cost today (USD a month)", "Host's price change (a year)")
    if inputs.forced_month is not None:
        successor = grown("Successor's cost today (USD a month)", "Successor host's price change (a year)")
        month, part = cell("Baseline pays successor from month"), cell("Share of that month")
        baseline = f"=IF({m}<{month},{stay},IF({m}={month},(1-{part})*{stay}+{part}*{successor},{successor}))"
    else:
        baseline = f"={stay}"
    move = inputs.move
    if move is None:
        return baseline, f"={base_cell}", "=0"
    start = cell("Start month")
    share = f"IF({m}<{start},0,{cell('Share moved')}*MIN(1,({m}-{start}+1)/{cell('Ramp (months)')}))"
    moved = grown("Target's cost today (USD a month)", "Target host's price change (a year)")
    if move.split_model is not None:
        split = cell("Split share")
        cheap = grown("Split target's cost today (USD a month)", "Split host's price change (a year)")
        moved = f"((1-{split})*{moved}+{split}*{cheap})"
    scenario = f"=(1-{share})*{base_cell}+{share}*{moved}"
    dual = cell("Dual running (months)")
    once = cell("One-time in the start month (USD)")
    one_time = f"=IF({m}={start},{once},0)+IF(AND({m}>={start},{m}<{start}+{dual}),{share}*{base_cell},0)"
    return baseline, scenario, one_time
