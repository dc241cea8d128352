"""The PDF read back with pypdf and rendered with pdfium: page one stands alone, the appendix holds the rest,
the figures are the scenario's, the same inputs give the same bytes, and no browser still means a complete
report."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis.money import usd, usd_range
from db.errors import InvalidInput
from reports.charts import kaleido_png
from reports.pack import ReportPack
from reports.pdf import pdf_report
from reports.sentences import day_words, period_words
from tests.reports.conftest import EVIL, GENERATED, no_browser, png
from tests.reports.readers import page_one_ink, pdf_pages


def test_page_one_stands_alone_with_the_scenarios_figures(pack: ReportPack) -> None:
    data = pdf_report([pack], generated_at=GENERATED, charts=png)
    pages = pdf_pages(data)
    one = pages[0]
    assert pack.monthly_savings_range is not None and pack.savings_3y_range is not None
    low, _, high = pack.monthly_savings_range
    assert f"Saves {usd(pack.monthly_savings_usd)} a month once done" in one
    assert f"P10–P90 {usd_range(low, high)}" in one
    assert f"Over 3 years it saves {usd(pack.savings_3y_usd)}" in one
    assert usd_range(pack.savings_3y_range[0], pack.savings_3y_range[2]) in one
    assert "Recommendation: Move 4 of 5 workloads" in one and f"pays back in month {pack.payback_months}" in one
    assert f"NPV {usd(pack.npv_usd)}" in one
    assert "Dependency risk: not scored" in one  # the hand-built company has no exposure
    assert (
        "The five assumptions that matter most" in one and "Usage growth" in one and "Discount rate: 8% a year" in one
    )
    assert "Retirements that force a move" in one and "Summaries: o3-mini retires 2027-03-15" in one
    assert "A directional estimate, not a quote" in one
    assert period_words(*pack.data_period) in one and day_words(pack.prices_as_of) in one
    assert "Appendix" not in one and pages[1].startswith("Appendix: Plan A")
    assert f"page 1 of {len(pages)}" in one


def test_the_appendix_has_workloads_months_assumptions_and_price_sources(pack: ReportPack) -> None:
    rest = " ".join(pdf_pages(pdf_report([pack], generated_at=GENERATED, charts=png))[1:])
    for heading in (
        "Workloads over the horizon",
        "Moves: when",
        "Month by month",
        "Assumptions register",
        "Price sources",
    ):
        assert heading in rest
    # A user's name is text in a PDF, shown as typed.
    assert EVIL in rest and "Mystery" in rest
    assert "genai-prices" in rest and "LiteLLM's model registry" in rest
    assert pack.warnings[0] in rest
    assert f"{pack.first_month:%b %Y}" in rest and f"{pack.last_month:%b %Y}" in rest


def test_page_one_renders_to_a_picture_that_is_not_blank(pack: ReportPack) -> None:
    data = pdf_report([pack], generated_at=GENERATED, charts=png)
    assert page_one_ink(data) > 0.02
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages[0].images) == 1  # the chart


def test_the_same_inputs_give_the_same_bytes_dated_by_generated_at(pack: ReportPack) -> None:
    first = pdf_report([pack], generated_at=GENERATED, charts=png)
    assert first == pdf_report([pack], generated_at=GENERATED, charts=png)
    metadata = PdfReader(io.BytesIO(first)).metadata
    assert metadata is not None and metadata.creation_date is not None
    assert metadata.creation_date.replace(tzinfo=None) == GENERATED.replace(tzinfo=None)
    assert metadata.title == "Plan A: executive summary"


def test_without_a_browser_the_report_is_complete_with_a_note_for_the_chart(pack: ReportPack) -> None:
    data = pdf_report([pack], generated_at=GENERATED, charts=no_browser)
    pages = pdf_pages(data)
    assert "Chart not drawn: no browser could draw it (Chrome not found" in pages[0]
    assert f"Saves {usd(pack.monthly_savings_usd)} a month once done" in pages[0]
    assert "A directional estimate" in pages[0]  # page one still holds everything
    assert "Month by month" in " ".join(pages[1:])
    assert not PdfReader(io.BytesIO(data)).pages[0].images
    assert page_one_ink(data) > 0.01
    off = pdf_pages(pdf_report([pack], generated_at=GENERATED, charts=None))[0]
    assert "Chart not drawn (charts were turned off)" in off


def test_without_dejavu_the_builtin_font_spells_out_what_it_cannot_set(pack: ReportPack, tmp_path: Path) -> None:
    one = pdf_pages(pdf_report([pack], generated_at=GENERATED, charts=None, font_dir=tmp_path))[0]
    assert f"Saves {usd(pack.monthly_savings_usd)} a month once done" in one
    assert "P10-P90" in one  # the en dash is beyond Latin-1


def test_a_scenario_that_moves_nothing_says_so(staying: ReportPack) -> None:
    one = pdf_pages(pdf_report([staying], generated_at=GENERATED, charts=None))[0]
    assert "Nothing moves: this scenario is the baseline" in one
    assert "Nothing moves in Stay: it shows what staying costs, for comparison." in one


def test_two_scenarios_compare_side_by_side_then_each_has_its_page_one(pack: ReportPack, other: ReportPack) -> None:
    pages = pdf_pages(pdf_report([pack, other], generated_at=GENERATED, charts=png))
    one = pages[0]
    assert "2 migration scenarios side by side" in one and "Plan A" in one and "Plan B" in one
    for p in (pack, other):
        assert usd(p.monthly_savings_usd) in one and usd(p.npv_usd) in one
    assert any(
        page.startswith("EXITPLAN · EXECUTIVE SUMMARY") and "Plan B: the business case" in page for page in pages
    )
    assert any(page.startswith("Appendix A: Plan A") for page in pages)
    assert any(page.startswith("Appendix B: Plan B") for page in pages)


def test_more_than_four_or_the_same_twice_is_refused(pack: ReportPack, other: ReportPack) -> None:
    with pytest.raises(InvalidInput, match="one scenario or compares two to 4, not 5"):
        pdf_report([pack, other, pack, other, pack], generated_at=GENERATED)
    with pytest.raises(InvalidInput, match="each scenario is compared once: Plan A"):
        pdf_report([pack, pack], generated_at=GENERATED)


@pytest.mark.skipif(
    shutil.which("chromium") is None and os.environ.get("EXITPLAN_REQUIRE_BROWSER") != "1",
    reason="no Chromium: kaleido cannot draw (set EXITPLAN_REQUIRE_BROWSER=1 to fail instead)",
)
def test_kaleido_draws_the_chart_with_the_system_chromium(pack: ReportPack) -> None:
    data = pdf_report([pack], generated_at=GENERATED, charts=kaleido_png)
    images = PdfReader(io.BytesIO(data)).pages[0].images
    assert len(images) == 1 and images[0].image is not None and images[0].image.width >= 900
    assert "Chart not drawn" not in pdf_pages(data)[0]
