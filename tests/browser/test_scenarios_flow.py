"""A CTO loads the demo, has workloads proposed and a plan suggested, reads its business case, moves half of
a workload instead of all of it, and compares the plan with a second one."""

from __future__ import annotations

import json

from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from db import open_ledger
from db.scenarios import get_scenario
from tests.browser.conftest import Server, expect_no_exception


def set_cell(page: Page, editor: Locator, row: int, column: int, value: str) -> None:
    """Type ``value`` into a cell of a data editor. The grid draws on a canvas: scroll it into view, select
    the row's first cell with the mouse (a header row and each row are 35 px high), walk to the column with the
    keyboard and open the cell's editor with Enter — again if the grid was still drawing — then replace its
    text and commit it."""
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    assert box is not None
    overlay = page.locator("input.gdg-input")
    for _ in range(5):
        page.mouse.click(box["x"] + 80, box["y"] + 35 * (row + 1) + 17)
        for _ in range(column):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        try:
            overlay.wait_for(timeout=3_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    overlay.fill(value)
    overlay.press("Enter")


def test_suggest_read_edit_and_compare(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/data")
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_text("The ledger is empty")).to_have_count(0)
    page.get_by_role("link", name="Workloads").click()
    page.get_by_role("button", name="Propose from my data").click()
    expect(page.get_by_text("7 workloads proposed from your usage.")).to_be_visible()

    # Nothing kept yet: the page opens on the suggestion.
    page.get_by_role("link", name="Scenarios").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Suggested plan")
    page.get_by_role("button", name="Suggest and save").click()
    expect(page.get_by_text("Suggested and saved Suggested plan: 2 moves.")).to_be_visible()
    savings = page.get_by_test_id("stMetric").filter(has_text="Saves a month once done")
    expect(savings).to_contain_text("$")
    expect(savings).to_contain_text("P10–P90 $")
    expect(page.get_by_test_id("stMetric").filter(has_text="Payback")).to_contain_text("month ")
    expect(page.get_by_test_id("stMetric").filter(has_text="Dependency risk")).to_contain_text("→")
    # The waterfall: each moved workload's savings, then the total.
    waterfall = page.get_by_test_id("stPlotlyChart").nth(1)
    expect(waterfall.get_by_text("Total", exact=True)).to_be_visible()
    expect(waterfall.get_by_text("Analytics · o3-mini")).to_be_visible()
    page.get_by_text("Why this plan").click()
    expect(page.get_by_text("stays:").first).to_be_visible()
    expect_no_exception(page)
    before = savings.inner_text()

    # Half of the first move's traffic rather than all of it.
    page.get_by_role("radio", name="Build or edit").click()
    editor = page.locator("[data-testid=stDataFrame]:has([data-testid^=glide-cell])").first
    expect(editor.get_by_test_id("glide-cell-3-0")).to_have_text("100")
    set_cell(page, editor, row=0, column=2, value="50")
    expect(editor.get_by_test_id("glide-cell-3-0")).to_have_text("50")
    page.get_by_role("button", name="Save scenario").click()
    expect(page.get_by_text("Saved Suggested plan: saves")).to_be_visible()
    expect(savings).not_to_have_text(before)
    kept = json.loads(get_scenario(open_ledger(server.db_url), "Suggested plan") or "{}")
    assert kept["moves"][0]["share"] == 0.5
    expect_no_exception(page)

    # A second plan, then both side by side.
    page.get_by_role("radio", name="Suggest a plan").click()
    expect(page.get_by_label("Name", exact=True)).to_have_value("Suggested plan 2")
    page.get_by_role("button", name="Suggest and save").click()
    expect(page.get_by_text("Suggested and saved Suggested plan 2")).to_be_visible()
    page.get_by_role("radio", name="Compare").click()
    chart = page.get_by_test_id("stPlotlyChart")
    expect(chart.get_by_text("Suggested plan 2", exact=True)).to_be_visible()
    expect(chart.get_by_text("Suggested plan", exact=True)).to_be_visible()
    table = page.locator("[data-testid=stDataFrame]:has([data-testid^=glide-cell])")
    expect(table.locator("[data-testid^=glide-cell]", has_text="Saves a month once done")).to_be_attached()
    expect_no_exception(page)
