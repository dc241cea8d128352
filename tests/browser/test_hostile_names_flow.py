"""A model named as a Markdown image pointing at a local "beacon" server: no page that shows model names makes
the browser ask for it, and each shows the name as typed."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, Request, expect

from app.components.escape import JOINER
from collectors.files import ingest_files
from db import open_ledger
from tests.browser.conftest import Server, expect_no_exception


class Beacon(ThreadingHTTPServer):
    """A local server that counts what it is asked for: it must stay at zero."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        beacon = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                beacon.hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return None

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def beacon() -> Iterator[Beacon]:
    server = Beacon()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_markdown_image_model_is_never_fetched(page: Page, server: Server, beacon: Beacon) -> None:
    image = f"![t]({beacon.url}/beacon.png)"
    link = f"[open]({beacon.url}/link)"
    usage = (
        "date,provider,model,project,input_tokens,output_tokens\n"
        f'2026-10-30,azure,"{image}","{link}",2000000,500000\n'
        "2026-10-30,openai,gpt-4o,<img src=x>,1000000,100000\n"
    )
    [outcome] = ingest_files(open_ledger(server.db_url), [("hostile.csv", usage.encode())])
    assert outcome.result is not None and outcome.result.rows_accepted == 2
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if beacon.url in request.url else None)

    page.goto(f"{server.url}/models")
    page.get_by_role("radio", name="Unresolved ids").click()
    card = page.get_by_test_id("stMarkdownContainer").filter(has_text="at azure —")
    # Shown as typed; the invisible word joiner inside :// keeps the URL in it from becoming a link.
    expect(card).to_contain_text(image.replace("://", f":{JOINER}//"))
    expect(page.locator(f'img[src^="{beacon.url}"]')).to_have_count(0)
    expect(page.locator(f'a[href^="{beacon.url}"]')).to_have_count(0)
    expect_no_exception(page)

    page.get_by_role("radio", name="Your models").click()
    expect(page.get_by_text("Deprecation calendar")).to_be_visible()
    for path, shows in (("", "Spend over time"), ("/data", "Import history"), ("/workloads", "Workloads")):
        page.goto(f"{server.url}{path}")
        expect(page.get_by_text(shows).first).to_be_visible()
        expect(page.locator(f'img[src^="{beacon.url}"]')).to_have_count(0)
        expect_no_exception(page)

    assert asked == []
    assert beacon.hits == []


def test_the_beacon_would_be_seen(page: Page, beacon: Beacon) -> None:
    """The check above can fail: an image of the beacon, drawn, is asked for and counted."""
    asked: list[Request] = []
    page.on("request", lambda request: asked.append(request))
    page.set_content(f'<img src="{beacon.url}/beacon.png">')
    page.wait_for_load_state("networkidle")
    assert [r.url for r in asked] == [f"{beacon.url}/beacon.png"]
    assert beacon.hits == ["/beacon.png"]
