"""A user uploads a CSV exitplan does not know, maps its columns, and the mapping is remembered."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, expect_no_exception
from tests.conftest import FIXTURES

SAMPLE = FIXTURES / "custom_gateway_export.csv"


def test_map_columns_then_reuse_the_mapping(page: Page, server: Server, tmp_path: Path) -> None:
    page.goto(f"{server.url}/data")
    page.locator("input[type=file]").set_input_files(str(SAMPLE))
    expect(page.get_by_role("button", name=f"Remove {SAMPLE.name}")).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("exitplan does not know this layout")).to_be_visible()
    page.get_by_label("Provider for every row").fill("openai")
    page.get_by_role("button", name="Import with this mapping").click()
    expect(page.get_by_text("4 rows read, 3 accepted, 1 rejected")).to_be_visible()
    expect_no_exception(page)

    # Same header, new rows: the saved mapping is used without asking.
    second = tmp_path / "next_week.csv"
    lines = SAMPLE.read_text().splitlines()
    second.write_text("\n".join([lines[0], lines[1].replace("2025-09-01", "2025-09-08")]) + "\n")
    page.locator("input[type=file]").set_input_files(str(second))
    expect(page.get_by_role("button", name=f"Remove {second.name}")).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_text("(mapped_csv): 1 rows read, 1 accepted, 0 rejected")).to_be_visible()
