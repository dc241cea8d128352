"""A user uploads an OpenAI usage export on the Data page and sees its totals on the Overview."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, expect_no_exception
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "openai_dashboard_completions_usage.csv"


def test_upload_see_totals_then_delete(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/data")
    expect(page.get_by_text("The ledger is empty")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(SAMPLE))
    expect(page.get_by_role("button", name=f"Remove {SAMPLE.name}")).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    # The one empty bucket is no usage: skipped and named, apart from the rejections.
    expect(
        page.get_by_text("43 rows read, 42 accepted, 0 rejected, 1 skipped as not usage (1 empty bucket)")
    ).to_be_visible()
    expect_no_exception(page)

    page.get_by_role("link", name="Overview").click()
    # The sample's own totals: 14,516 requests; 43,108,511 input + 6,811,732 output tokens.
    expect(page.get_by_test_id("stMetric").filter(has_text="Requests, last 30 days")).to_contain_text("14.5k")
    expect(page.get_by_test_id("stMetric").filter(has_text="Tokens, last 30 days")).to_contain_text("49.9M")
    expect(page.get_by_test_id("stMetric").filter(has_text="Top provider (openai)")).to_contain_text("100%")
    # The table draws on a canvas; its cells exist for assistive technology.
    cells = page.locator("[data-testid^='glide-cell']", has_text="gpt-4o-mini-2024-07-18")
    expect(cells.first).to_be_attached()
    expect_no_exception(page)

    page.get_by_role("link", name="Data").click()
    page.get_by_role("button", name="Delete import").click()
    expect(page.get_by_text("Nothing imported yet.")).to_be_visible()
    expect_no_exception(page)
