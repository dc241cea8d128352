"""A CTO opens the Risk page on the demo company, reads the score and its factors, and weighs retirement
more heavily."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, expect_no_exception


def test_read_the_risk_and_change_a_weight(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/data")
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_text("The ledger is empty")).to_have_count(0)
    page.get_by_role("link", name="Workloads").click()
    page.get_by_role("button", name="Propose from my data").click()
    expect(page.get_by_text("7 workloads proposed from your usage.")).to_be_visible()

    page.get_by_role("link", name="Risk").click()
    score = page.get_by_test_id("stMetric").filter(has_text="Dependency risk")
    expect(score).to_contain_text("/100")
    expect(page.get_by_text("What would lower it most")).to_be_visible()
    expect(page.get_by_text("Move ", exact=False).first).to_be_visible()
    expect(page.get_by_text("Retirements ahead")).to_be_visible()
    expect_no_exception(page)
    before = score.inner_text()

    page.get_by_text("Weights", exact=True).click()
    weight = page.get_by_role("spinbutton", name="Retirement exposure")
    weight.fill("60")
    page.get_by_role("button", name="Save weights").click()
    # The score is computed again with the new weight (the confirmation itself is checked in AppTest: on a busy
    # machine the browser may only see the page after the rerun that follows it).
    expect(score).not_to_have_text(before)
    expect_no_exception(page)
