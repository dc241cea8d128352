"""A user loads the demo, has exitplan propose workloads, and reads the alternatives for one of them."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server

TIMEOUT = 120_000
expect.set_options(timeout=TIMEOUT)


def test_alternatives_for_a_proposed_workload(page: Page, server: Server) -> None:
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server.url}/data")
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_text("The ledger is empty")).to_have_count(0)
    page.get_by_role("link", name="Workloads").click()
    page.get_by_role("button", name="Propose from my data").click()
    expect(page.get_by_text("7 workloads proposed from your usage.")).to_be_visible()

    page.get_by_role("link", name="Alternatives").click()
    expect(page.get_by_text("What changes with the top candidate")).to_be_visible()
    expect(page.get_by_text("Moving RAG search · gpt-4o from gpt-4o-2024-08-06")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Today, per month")).to_contain_text("$")
    expect(page.get_by_text("Cost against quality")).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
