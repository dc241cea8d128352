"""A user imports usage with an Azure deployment name exitplan cannot place, and maps it on the Models page."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, expect_no_exception

USAGE = (
    "date,provider,model,input_tokens,output_tokens\n"
    "2026-10-30,azure,chat-prod,2000000,500000\n"
    "2026-10-30,openai,gpt-4o,1000000,100000\n"
)


def test_map_an_unresolved_id(page: Page, server: Server, tmp_path: Path) -> None:
    upload = tmp_path / "gateway.csv"
    upload.write_text(USAGE)
    page.goto(f"{server.url}/data")
    page.locator("input[type=file]").set_input_files(str(upload))
    expect(page.get_by_role("button", name=f"Remove {upload.name}")).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("2 rows read, 2 accepted, 0 rejected")).to_be_visible()

    page.get_by_role("link", name="Models").click()
    expect(page.get_by_test_id("stMetric").filter(has_text="Unresolved ids")).to_contain_text("1")
    page.get_by_role("radio", name="Unresolved ids").click()
    card = page.get_by_test_id("stMarkdownContainer").filter(has_text="chat-prod at azure —")
    expect(card).to_be_visible()
    expect(page.get_by_text("never counted as $0")).to_be_visible()

    # Type to narrow the host's long model list, then pick the exact id.
    model = page.get_by_role("combobox", name="Model it is")
    model.click()
    model.fill("gpt-4o")
    page.get_by_role("option", name="gpt-4o", exact=True).click()
    page.get_by_role("button", name="Map").click()

    expect(page.get_by_text("chat-prod at azure is now gpt-4o at azure")).to_be_visible()
    expect(page.get_by_text("Every model in the ledger is recognised")).to_be_visible()
    expect(card).to_have_count(0)
    expect(page.get_by_test_id("stMetric").filter(has_text="Unresolved ids")).to_contain_text("0")
    expect_no_exception(page)
