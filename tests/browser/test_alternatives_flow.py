"""A user loads the demo, has exitplan propose workloads, and reads the alternatives for one of them."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, expect_no_exception


def open_alternatives_on_the_demo(page: Page, server: Server) -> None:
    """Load the demo, have exitplan propose workloads, and open the Alternatives page."""
    page.goto(f"{server.url}/data")
    page.get_by_role("button", name="Load demo data").click()
    expect(page.get_by_text("The ledger is empty")).to_have_count(0)
    page.get_by_role("link", name="Workloads").click()
    page.get_by_role("button", name="Propose from my data").click()
    expect(page.get_by_text("7 workloads proposed from your usage.")).to_be_visible()

    page.get_by_role("link", name="Alternatives").click()


def test_alternatives_for_a_proposed_workload(page: Page, server: Server) -> None:
    open_alternatives_on_the_demo(page, server)
    expect(page.get_by_text("What changes with the top candidate")).to_be_visible()
    expect(page.get_by_text("Moving RAG search · gpt-4o from gpt-4o-2024-08-06")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Today, per month")).to_contain_text("$")
    expect(page.get_by_text("Cost against quality")).to_be_visible()
    expect_no_exception(page)


def test_latency_measurements_uploaded_for_a_candidate(page: Page, server: Server, tmp_path: Path) -> None:
    replay = tmp_path / "replay.csv"
    replay.write_text("host,model,ttft_ms,ttft_p95_ms,tokens_per_s,n\ndeepinfra,openai/gpt-oss-120b,300,800,150,120\n")
    open_alternatives_on_the_demo(page, server)
    panel = page.get_by_test_id("stExpander").filter(has_text="Your latency measurements")
    panel.get_by_text("Your latency measurements").click()
    panel.locator("input[type=file]").set_input_files(str(replay))
    panel.get_by_role("button", name="Use these latency measurements").click()
    expect(page.get_by_text("Latency measurements saved from replay.csv (1 row).")).to_be_visible()
    expect_no_exception(page)
    # Coming back later, the measurement is there (the expander opens collapsed on a new visit).
    page.reload()
    expect(page.get_by_text("What changes with the top candidate")).to_be_visible()
    panel.get_by_text("Your latency measurements").click()
    expect(panel.get_by_role("button", name="Remove all latency measurements")).to_be_visible()
