"""The workbook read back with openpyxl (sheets, cell types, formats, frozen headers, neutralised names) and
calculated with the ``formulas`` engine: the cash flow's formulas over the Assumptions cells arrive at the
scenario's own figures."""

from __future__ import annotations

import io
from pathlib import Path

import formulas
import openpyxl
import pytest

from reports.pack import ReportPack
from reports.xlsx import SHEETS, xlsx_report
from tests.reports.conftest import EVIL, GENERATED


def _book(pack: ReportPack, *more: ReportPack) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx_report([pack, *more], generated_at=GENERATED)))


def _calculated(data: bytes, folder: Path) -> dict[str, object]:
    """Every cell's value as a spreadsheet engine calculates it, by ``'SHEET'!A1``."""
    path = folder / "book.xlsx"
    path.write_bytes(data)
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    values: dict[str, object] = {}
    for key, ranges in solution.items():
        sheet_cell = key.split("]", 1)[1]  # "'[book.xlsx]SUMMARY'!B6" → "SUMMARY'!B6"
        value = ranges.value[0][0]
        values[f"'{sheet_cell}"] = value
    return values


def test_the_sheets_are_there_with_frozen_headers(pack: ReportPack) -> None:
    book = _book(pack)
    assert book.sheetnames == list(SHEETS)
    assert book["Assumptions"].freeze_panes == "A2"
    assert book["Workloads"].freeze_panes == "B2"
    assert book["Monthly cash flow"].freeze_panes == "C2"
    assert book["Price sources"].freeze_panes == "A2"


def test_the_cash_flow_is_formulas_over_the_assumptions(pack: ReportPack) -> None:
    sheet = _book(pack)["Monthly cash flow"]
    assert [c.value for c in sheet[1]][:9] == [
        "Month #", "Month", "Baseline", "Scenario", "One-time", "Savings", "Cumulative savings", "Discount factor",
        "Discounted savings",
    ]  # fmt: skip
    row = 5
    assert sheet[f"C{row}"].data_type == "f" and sheet[f"C{row}"].value.startswith("=SUM(K5:")
    assert sheet[f"F{row}"].value == "=C5-D5-E5"
    assert sheet[f"G{row}"].value == "=SUM($F$2:F5)"  # the cumulative is a running SUM
    assert sheet[f"H{row}"].value.startswith("=1/(1+'Assumptions'!$C$")  # from the discount-rate cell
    assert sheet[f"I{row}"].value == "=F5*H5"
    assert "'Assumptions'!" in sheet["K5"].value  # a workload's baseline reads its inputs' cells
    assert sheet["C5"].number_format.startswith('"$"#,##0.00')
    assert sheet["B5"].number_format == "mmm yyyy"
    total = pack.horizon_months + 2
    assert sheet[f"B{total}"].value == "Total" and sheet[f"I{total}"].value == f"=SUM(I2:I{total - 1})"
    # The discount-rate cell the factor reads holds the scenario's rate, as a number.
    assumptions = _book(pack)["Assumptions"]
    rate_cell = sheet["H5"].value.split("!")[1].split(")")[0].replace("$", "")
    assert assumptions[rate_cell].value == pack.discount_rate and assumptions[rate_cell].data_type == "n"


def test_calculated_the_formulas_give_the_scenarios_figures(pack: ReportPack, tmp_path: Path) -> None:
    values = _calculated(xlsx_report([pack], generated_at=GENERATED), tmp_path)

    def cell(sheet: str, ref: str) -> float:
        return float(values[f"'{sheet.upper()}'!{ref}"])  # type: ignore[arg-type]

    for number, month in enumerate(pack.months, start=2):
        assert cell("Monthly cash flow", f"C{number}") == pytest.approx(month.baseline_usd, rel=1e-9)
        assert cell("Monthly cash flow", f"D{number}") == pytest.approx(month.scenario_usd, rel=1e-9)
        assert cell("Monthly cash flow", f"E{number}") == pytest.approx(month.one_time_usd, rel=1e-9, abs=1e-9)
        assert cell("Monthly cash flow", f"F{number}") == pytest.approx(month.savings_usd, rel=1e-9, abs=1e-9)
    total = pack.horizon_months + 2
    assert cell("Monthly cash flow", f"I{total}") == pytest.approx(pack.npv_usd, rel=1e-9)
    assert cell("Summary", "B6") == pytest.approx(pack.monthly_savings_usd, rel=1e-9)
    assert cell("Summary", "B9") == pytest.approx(pack.one_time_usd, rel=1e-9)
    assert cell("Summary", "B10") == pytest.approx(pack.npv_usd, rel=1e-9)


def test_numbers_are_numbers_and_the_summary_has_the_headline(pack: ReportPack) -> None:
    book = openpyxl.load_workbook(io.BytesIO(xlsx_report([pack], generated_at=GENERATED)), data_only=True)
    summary = book["Summary"]
    assert summary["A6"].value == "Saves a month once done"
    # The cached results are the engine's: a reader that does not calculate shows the PDF's figures.
    assert summary["B6"].value == pytest.approx(pack.monthly_savings_usd)
    assert pack.monthly_savings_range is not None
    assert [summary[f"{c}6"].value for c in "CDE"] == pytest.approx(list(pack.monthly_savings_range))
    assert summary["B10"].value == pytest.approx(pack.npv_usd)
    assert summary["B6"].data_type == "n" and summary["B6"].number_format.startswith('"$"')
    workloads = book["Workloads"]
    chat = next(row for row in workloads.iter_rows(min_row=2) if row[0].value == "Chat")
    assert chat[5].data_type == "n" and chat[4].value == pytest.approx(0.8) and chat[4].number_format == "0.0%"


def test_a_workload_named_as_a_formula_is_text_that_runs_nothing(pack: ReportPack) -> None:
    book = _book(pack)
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                    found.append((sheet.title, cell.data_type, cell.value))
    assert found, "the workload's name is in the workbook"
    for sheet, kind, value in found:
        assert kind == "s", (sheet, value)
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (sheet, value)
    assert ("Workloads", "s", f"'{EVIL}") in found


def test_the_same_inputs_give_the_same_bytes_dated_by_generated_at(pack: ReportPack) -> None:
    first = xlsx_report([pack], generated_at=GENERATED)
    assert first == xlsx_report([pack], generated_at=GENERATED)
    properties = openpyxl.load_workbook(io.BytesIO(first)).properties
    assert properties.created is not None and properties.created.replace(tzinfo=None) == GENERATED.replace(tzinfo=None)
    assert properties.title == "Plan A"


def test_scenarios_compare_in_one_workbook(pack: ReportPack, other: ReportPack, tmp_path: Path) -> None:
    data = xlsx_report([pack, other], generated_at=GENERATED)
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == [
        "Summary", "S1 Assumptions", "S1 Workloads", "S1 Monthly cash flow", "S2 Assumptions", "S2 Workloads",
        "S2 Monthly cash flow", "Price sources",
    ]  # fmt: skip
    summary = book["Summary"]
    assert [summary["B5"].value, summary["C5"].value] == ["S1: Plan A", "S2: Plan B"]
    assert summary["C14"].value.startswith("='S2 Monthly cash flow'!")  # NPV, from the scenario's own sheet
    values = _calculated(data, tmp_path)
    assert float(values["'SUMMARY'!C14"]) == pytest.approx(other.npv_usd, rel=1e-9)  # type: ignore[arg-type]
