"""The incident-history panel (Streamlit AppTest) in a script of its own, as the Risk page will place it:
upload a Statuspage file, pull a page from an in-memory status page (no network), see each source with
its counts and dates, remove one."""

from __future__ import annotations

import httpx
import pytest
from streamlit.testing.v1 import AppTest

from db import open_ledger
from db.incidents import list_incidents
from tests.app.apptest import shown
from tests.collectors.status_fakes import FakeStatusPage
from tests.conftest import FIXTURES

CONTENT = (FIXTURES / "statuspage_incidents.json").read_bytes()


def _script() -> None:
    from app.components.incidents import incidents_panel
    from db import default_url

    incidents_panel(default_url())


def open_panel() -> AppTest:
    at = AppTest.from_function(_script, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def sources(at: AppTest) -> list[dict[str, object]]:
    return at.dataframe[0].value.to_dict("records")


@pytest.fixture(autouse=True)
def ledger_for_the_app(app_ledger: str) -> str:
    return app_ledger


def test_an_empty_ledger_says_so_and_offers_both_ways_in() -> None:
    at = open_panel()
    assert [i.value for i in at.info] == ["No incident history yet."]
    assert at.button(key="incidents-pull").disabled
    assert at.file_uploader(key="incidents-file") is not None and not at.dataframe


def test_an_upload_is_stored_and_listed_by_source(ledger_url: str) -> None:
    at = open_panel()
    at.file_uploader(key="incidents-file").upload("anthropic.json", CONTENT, "application/json").run()
    at.button(key="incidents-import").click().run()
    assert not at.exception, at.exception
    assert [shown(s.value) for s in at.success] == [
        "anthropic.json: 6 incidents from 2025-10-12 to 2025-12-02 (anthropic), 1 still open"
    ]
    [row] = sources(at)
    assert (row["source"], row["provider"], row["incidents"], row["still open"]) == (
        "anthropic.json",
        "anthropic",
        6,
        1,
    )
    assert (str(row["first"]), str(row["last"])) == ("2025-10-12", "2025-12-02")
    assert len(list_incidents(open_ledger(ledger_url))) == 6


def test_a_bad_upload_is_one_error_and_stores_nothing(ledger_url: str) -> None:
    at = open_panel()
    at.file_uploader(key="incidents-file").upload("usage.json", b'{"object": "page", "data": []}', "application/json")
    at.run()
    at.button(key="incidents-import").click().run()
    assert not at.exception, at.exception
    assert [shown(e.value) for e in at.error] == ["usage.json: not a Statuspage incident history (no 'incidents' list)"]
    assert list_incidents(open_ledger(ledger_url)).empty


def test_a_pull_with_a_provider_then_a_removal(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    page = FakeStatusPage(httpx.Response(200, content=CONTENT))
    monkeypatch.setattr("collectors.status.default_client", page.client)
    at = open_panel()
    at.text_input(key="incidents-provider").input("aws")
    at.text_input(key="incidents-url").input("status.anthropic.com").run()
    at.button(key="incidents-pull").click().run()
    assert not at.exception, at.exception
    assert shown(at.success[0].value).startswith("status.anthropic.com: 6 incidents") and "(aws)" in at.success[0].value
    assert [str(r.url) for r in page.requests] == ["https://status.anthropic.com/api/v2/incidents.json"]
    assert [(r["source"], r["provider"]) for r in sources(at)] == [("status.anthropic.com", "aws")]

    at.button(key="incidents-remove").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] == ["6 incidents from status.anthropic.com removed."]
    assert [i.value for i in at.info] == ["No incident history yet."]
    assert list_incidents(open_ledger(ledger_url)).empty


def test_a_page_that_fails_shows_the_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    page = FakeStatusPage(httpx.Response(404))
    monkeypatch.setattr("collectors.status.default_client", page.client)
    at = open_panel()
    at.text_input(key="incidents-url").input("https://status.example.com").run()
    at.button(key="incidents-pull").click().run()
    assert not at.exception, at.exception
    assert shown(at.error[0].value).startswith("https://status.example.com/api/v2/incidents.json: HTTP 404")
