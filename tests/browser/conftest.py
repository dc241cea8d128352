"""Browser tests: the real app on a free port, driven by Playwright in the system Chromium.

Every test takes its ``server`` and its ``page`` from here, and every wait — an action's and an
``expect`` assertion's — has the one limit below.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Loading the demo and proposing workloads take tens of seconds on a busy two-core machine.
TIMEOUT_MS = 120_000


def pytest_configure(config: pytest.Config) -> None:
    # expect()'s limit is global to Playwright: set once, here, rather than by whichever test module is
    # imported last.
    expect.set_options(timeout=TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _need_chromium() -> None:
    if not Path(CHROMIUM).exists():
        message = f"no browser at {CHROMIUM} (install Debian's chromium)"
        if os.environ.get("EXITPLAN_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def page(page: Page) -> Page:
    """pytest-playwright's page, whose actions wait as long as the assertions do."""
    page.set_default_timeout(TIMEOUT_MS)
    return page


def expect_no_exception(page: Page) -> None:
    """The page shows no Python exception (Streamlit draws one in place of a failed element)."""
    expect(page.get_by_test_id("stException")).to_have_count(0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    db_url: str


@pytest.fixture
def server(tmp_path: Path, ledger_url: str) -> Iterator[Server]:
    """``exitplan serve`` on a free port with an empty ledger (tests/conftest.py's: a SQLite file, or a
    PostgreSQL schema); its output is shown if it dies."""
    port = _free_port()
    db_url = ledger_url
    log = (tmp_path / "server.log").open("w+")
    exitplan = str(Path(sys.executable).with_name("exitplan"))
    process = subprocess.Popen(
        [exitplan, "serve", "--port", str(port), "--db", db_url], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"the server exited:\n{log.read()}")
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"the server did not answer within 60 s:\n{log.read()}")
            time.sleep(0.3)
        yield Server(url, db_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
