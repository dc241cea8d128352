"""A user loads the demo, has exitplan propose workloads, and renames one on the Workloads page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, expect_no_exception


def test_propose_then_rename_a_workload(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/data")
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_text("The ledger is empty")).to_have_count(0)
    expect_no_exception(page)

    page.get_by_role("link", name="Workloads").click()
    expect(page.get_by_text("No workloads yet")).to_be_visible()
    page.get_by_role("button", name="Propose from my data").click()
    expect(page.get_by_text("7 workloads proposed from your usage.")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Workloads")).to_contain_text("7")
    # The table draws on a canvas; its cells exist for assistive technology.
    cells = page.locator("[data-testid^='glide-cell']")
    expect(cells.filter(has_text="Support chat · gpt-4o").first).to_be_attached()
    expect_no_exception(page)

    # The form edits the first workload, the largest: RAG search on gpt-4o.
    name = page.get_by_label("Name", exact=True)
    expect(name).to_have_value("RAG search · gpt-4o")
    name.fill("Knowledge answers")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved Knowledge answers: a new version.")).to_be_visible()
    expect(cells.filter(has_text="Knowledge answers").first).to_be_attached()
    expect(cells.filter(has_text="RAG search · gpt-4o")).to_have_count(0)
    page.get_by_text("Version history").click()
    expect(page.get_by_text("Version history")).to_be_visible()
    expect_no_exception(page)
