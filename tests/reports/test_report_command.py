"""``exitplan report`` on the demo company's ledger, end to end: each format written and read back with a real
reader, its headline the scenario's as ``exitplan scenario show --json`` gives it; a comparison; the FOCUS
export; and what the command refuses."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from typer.testing import CliRunner

from analysis.money import usd, usd_range
from analysis.workloads import propose_workloads, replace_with_proposals
from app.cli import app
from collectors.demo import load_demo
from db import open_ledger
from tests.reports.readers import page_one_ink, pdf_pages

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'ledger.db'}"
    engine = open_ledger(url)
    load_demo(engine, folder, date(2026, 10, 31))
    replace_with_proposals(engine, propose_workloads(engine))
    engine.dispose()
    for args in (["--save", "Plan A"], ["--max-vendor-share", "0.6", "--save", "Plan B"]):
        result = runner.invoke(app, ["scenario", "suggest", *args, "--db", url])
        assert result.exit_code == 0, result.output
    yield url


def _shown(demo: str, name: str) -> dict[str, object]:
    result = runner.invoke(app, ["scenario", "show", name, "--json", "--db", demo])
    assert result.exit_code == 0, result.output
    found: dict[str, object] = json.loads(result.stdout)
    return found


def _report(demo: str, path: Path, *args: str) -> bytes:
    result = runner.invoke(app, ["report", *args, "-o", str(path), "--no-chart", "--db", demo])
    assert result.exit_code == 0, result.output
    assert f"Wrote {path}" in result.stdout
    return path.read_bytes()


def test_the_pdf_headline_is_the_scenarios(demo: str, tmp_path: Path) -> None:
    shown = _shown(demo, "Plan A")
    pages = pdf_pages(_report(demo, tmp_path / "plan.pdf", "Plan A", "--format", "pdf"))
    spread = shown["monthly_savings_range"]
    assert isinstance(spread, dict)
    assert f"Saves {usd(float(shown['monthly_savings_usd']))} a month once done" in pages[0]  # type: ignore[arg-type]
    assert f"P10–P90 {usd_range(spread['p10'], spread['p90'])}" in pages[0]
    assert f"Dependency risk {shown['risk_score_before']:.0f} → {shown['risk_score_after']:.0f}" in pages[0]
    assert f"pays back in month {shown['payback_months']}" in pages[0]
    assert "Retirements that force a move" in pages[0] and "retires" in pages[0]
    assert "A directional estimate, not a quote: from your usage of" in pages[0]
    assert len(pages) >= 3 and page_one_ink(_report(demo, tmp_path / "again.pdf", "Plan A")) > 0.02


def test_the_workbook_deck_markdown_and_html_carry_the_same_figures(demo: str, tmp_path: Path) -> None:
    shown = _shown(demo, "Plan A")
    monthly = float(shown["monthly_savings_usd"])  # type: ignore[arg-type]
    book = openpyxl.load_workbook(
        io.BytesIO(_report(demo, tmp_path / "p.xlsx", "Plan A", "--format", "xlsx")), data_only=True
    )
    assert book["Summary"]["B6"].value == pytest.approx(monthly, abs=0.01)
    assert book["Summary"]["B10"].value == pytest.approx(float(shown["npv_usd"]), abs=0.01)  # type: ignore[arg-type]
    deck = Presentation(io.BytesIO(_report(demo, tmp_path / "p.pptx", "Plan A", "--format", "pptx")))
    assert len(deck.slides) == 6
    for kind in ("md", "html"):
        text = _report(demo, tmp_path / f"p.{kind}", "Plan A", "--format", kind).decode()
        assert f"Saves {usd(monthly)} a month once done" in text


def test_scenarios_compare(demo: str, tmp_path: Path) -> None:
    pages = pdf_pages(_report(demo, tmp_path / "cmp.pdf", "--compare", "Plan A", "Plan B"))
    assert "2 migration scenarios side by side" in pages[0]
    for name in ("Plan A", "Plan B"):
        assert usd(float(_shown(demo, name)["npv_usd"])) in pages[0]  # type: ignore[arg-type]
    book = openpyxl.load_workbook(
        io.BytesIO(_report(demo, tmp_path / "cmp.xlsx", "--compare", "Plan A", "Plan B", "--format", "xlsx"))
    )
    assert book.sheetnames[:2] == ["Summary", "S1 Assumptions"]


def test_the_focus_export_needs_no_scenario(demo: str, tmp_path: Path) -> None:
    data = _report(demo, tmp_path / "focus.csv", "--format", "focus")
    header = data.split(b"\n", 1)[0].decode()
    assert header.startswith("AvailabilityZone,BilledCost,") and header.endswith("x_ExitplanModel")
    assert data.count(b"\n") > 100


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Nope"], "no scenario 'Nope'; scenarios:"),
        (["Plan A", "Plan B"], "one scenario at a time, or --compare"),
        (["--compare", "Plan A"], "--compare takes two to 4 scenarios, not 1"),
        (["Plan A", "--format", "focus"], "--format focus exports the priced ledger: it takes no scenario"),
        (["Plan A", "--format", "docx"], "--format must be one of pdf, xlsx, pptx, md, html, focus"),
        ([], "name a kept scenario"),
    ],
)
def test_what_the_command_refuses_it_says_in_one_line(demo: str, tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["report", *args, "-o", str(tmp_path / "x"), "--db", demo])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "x").exists()
