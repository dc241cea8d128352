"""A newcomer gets to the leadership pack built on their own export in under ten clicks — upload, propose
workloads, suggest a plan, download — from an empty ledger, and from `make run` (the demo loaded: one more
click takes it out); every format downloads. The demo company's data is named on every page while it is in,
and goes in one click."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
from playwright.sync_api import Locator, Page, expect
from pptx import Presentation
from pypdf import PdfReader

from collectors.demo import SOURCE_PREFIX, load_demo
from db import list_imports, open_ledger
from reports.render import FOCUS_FORMAT, SCENARIO_FORMATS
from tests.browser.conftest import Server, expect_no_exception
from tests.conftest import FIXTURES

# A gateway's export exitplan did not write: two vendors, several models, a row it rejects, models it cannot price.
SAMPLE = FIXTURES / "litellm_spendlogs.csv"
NOTICE = "The figures include the demo company's data"
EXITPLAN = str(Path(sys.executable).with_name("exitplan"))


class Clicks:
    """Counts what the user does: each click, and choosing a file."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, target: Locator) -> None:
        self.count += 1
        target.click()

    def choose_file(self, page: Page, path: Path) -> None:
        self.count += 1
        page.locator("input[type=file]").set_input_files(str(path))


def download(page: Page, clicks: Clicks, label: str) -> tuple[str, bytes]:
    with page.expect_download() as started:
        clicks.click(page.get_by_role("button", name=label, exact=True))
    done = started.value
    return done.suggested_filename, Path(done.path()).read_bytes()


def exitplan_report(server: Server, path: Path, *args: str) -> bytes:
    """What ``exitplan report`` writes: the files the page offers come from the same pipeline, so they say the
    same."""
    done = subprocess.run(
        [EXITPLAN, "report", *args, "-o", str(path), "--db", server.db_url], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return path.read_bytes()


def test_a_newcomer_gets_from_their_own_export_to_every_file_in_under_ten_clicks(
    page: Page, server: Server, tmp_path: Path
) -> None:
    clicks = Clicks()
    page.goto(server.url)
    expect(page.get_by_text("The ledger is empty")).to_be_visible()
    clicks.click(page.get_by_role("link", name="Upload your own export"))
    clicks.choose_file(page, SAMPLE)
    expect(page.get_by_role("button", name=f"Remove {SAMPLE.name}")).to_be_visible()
    clicks.click(page.get_by_role("button", name="Import", exact=True))
    expect(page.get_by_text("80 rows read, 79 accepted")).to_be_visible()
    expect(page.get_by_text("The ledger is empty")).to_have_count(0)
    expect(page.get_by_text(NOTICE)).to_have_count(0)
    expect_no_exception(page)

    # Each page points to the next step.
    clicks.click(page.get_by_role("link", name="Next: group your usage by product and team"))
    clicks.click(page.get_by_role("button", name="Propose from my data"))
    expect(page.get_by_text("workloads proposed from your usage.")).to_be_visible()
    clicks.click(page.get_by_role("link", name="Next: suggest a migration plan"))
    clicks.click(page.get_by_role("button", name="Suggest and save"))
    expect(page.get_by_text("Suggested and saved Suggested plan")).to_be_visible()
    clicks.click(page.get_by_role("button", name="Leadership pack: PDF, spreadsheet, deck"))
    expect(page.get_by_role("heading", name="Suggested plan", exact=True)).to_be_visible()
    expect(page.get_by_text("A directional estimate, not a quote").first).to_be_visible()
    # The preview draws the report's chart: a line for staying, one for the plan.
    expect(page.get_by_test_id("stPlotlyChart").get_by_text("Staying (baseline)")).to_be_visible()

    name, pdf = download(page, clicks, SCENARIO_FORMATS["pdf"].label)
    # Upload your own, choose the file, Import, Next, Propose, Next, Suggest and save, Leadership pack, PDF.
    assert clicks.count == 9 < 10
    assert name == "exitplan-suggested-plan.pdf" and pdf.startswith(b"%PDF-")
    expect_no_exception(page)

    # The page's files say what `exitplan report` says: the same Markdown, the same headline in the PDF.
    markdown = exitplan_report(server, tmp_path / "cli.md", "Suggested plan", "--format", "md").decode()
    # Its first line in bold: "Saves $… a month once done, by … (P10–P90 …)" (the range may wrap in the PDF).
    headline = next(line for line in markdown.splitlines() if line.startswith("**")).strip("*").split(" (")[0]
    words = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert headline.replace("\\", "") in words

    files = {"pdf": pdf}
    for shown in [*SCENARIO_FORMATS.values(), FOCUS_FORMAT]:
        if shown.name != "pdf":
            name, files[shown.name] = download(page, clicks, shown.label)
            assert name.endswith(shown.extension), shown.name
    assert files["md"].decode() == markdown
    workbook = openpyxl.load_workbook(io.BytesIO(files["xlsx"]))
    assert workbook.sheetnames[0] == "Summary"
    deck = Presentation(io.BytesIO(files["pptx"]))
    assert "Suggested plan" in " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert files["html"].startswith(b"<!DOCTYPE html>")
    assert files["focus"].startswith(b"AvailabilityZone,BilledCost,BillingAccountId,")
    assert files["focus"] == exitplan_report(server, tmp_path / "cli.csv", "--format", "focus")
    expect_no_exception(page)


def test_from_make_run_the_demo_goes_in_one_click_and_the_pdf_is_of_the_user_s_own_data(
    page: Page, server: Server, tmp_path: Path
) -> None:
    # `make run` loads the demo into an empty ledger before it serves the dashboard.
    load_demo(open_ledger(server.db_url), tmp_path)
    clicks = Clicks()
    page.goto(server.url)
    expect(page.get_by_text(NOTICE)).to_be_visible()
    clicks.click(page.get_by_role("link", name="Data"))
    expect(page.get_by_text(NOTICE)).to_be_visible()

    # The user's own file: the Data page offers to take the demo out, and keeps theirs.
    clicks.choose_file(page, SAMPLE)
    clicks.click(page.get_by_role("button", name="Import", exact=True))
    expect(page.get_by_text("Your own usage is in, and so is the demo company's")).to_be_visible()
    clicks.click(page.get_by_role("button", name="Remove the demo data, keep mine"))
    expect(page.get_by_text("The demo data is removed: 3 imports and")).to_be_visible()
    expect(page.get_by_text(NOTICE)).to_have_count(0)
    names = list(list_imports(open_ledger(server.db_url))["source_name"])
    assert names == [SAMPLE.name] and not any(n.startswith(SOURCE_PREFIX) for n in names)
    expect_no_exception(page)

    clicks.click(page.get_by_role("link", name="Workloads"))
    clicks.click(page.get_by_role("button", name="Propose from my data"))
    expect(page.get_by_text("workloads proposed from your usage.")).to_be_visible()
    clicks.click(page.get_by_role("link", name="Report"))
    clicks.click(page.get_by_role("button", name="Suggest a plan"))
    expect(page.get_by_text("Suggested and saved Suggested plan")).to_be_visible()
    _, pdf = download(page, clicks, SCENARIO_FORMATS["pdf"].label)
    assert pdf.startswith(b"%PDF-")
    # Data, Upload, Import, Remove the demo, Workloads, Propose, Report, Suggest, PDF.
    assert clicks.count == 9 < 10
    # The preview is of the user's usage alone: none of Lumen Labs' workloads.
    expect(page.get_by_text("Support chat")).to_have_count(0)
    expect_no_exception(page)


def test_every_page_names_the_demo_and_its_button_removes_it(page: Page, server: Server) -> None:
    page.goto(server.url)
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_text(NOTICE)).to_be_visible()
    for name in ("Models", "Risk", "Report"):
        page.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()
        expect(page.get_by_text(NOTICE)).to_be_visible()
    page.get_by_role("button", name="Remove the demo data", exact=True).click()
    expect(page.get_by_text("The demo data is removed: 3 imports and")).to_be_visible()
    # Nothing else was in the ledger: it is empty again, and offers the demo.
    expect(page.get_by_text("The ledger is empty")).to_be_visible()
    expect(page.get_by_text(NOTICE)).to_have_count(0)
    assert list_imports(open_ledger(server.db_url)).empty
    expect_no_exception(page)
