"""Status pages' incident histories: the Statuspage ``incidents.json`` shape read from a file (a page in
Los Angeles time, across the end of daylight saving time, with an ongoing incident, one without
components, one from before ``started_at`` existed and a scheduled maintenance), fetched through
``httpx.MockTransport`` (no test touches the network) and stored under its source."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from collectors.status import (
    StatusHistory,
    collect_status,
    fetch_status_history,
    parse_status_history,
    save_status_history,
    status_api_url,
)
from db.errors import InvalidInput, ProviderError
from db.incidents import list_incidents
from tests.collectors.status_fakes import FakeStatusPage, no_sleep
from tests.conftest import FIXTURES

FIXTURE = FIXTURES / "statuspage_incidents.json"
CONTENT = FIXTURE.read_bytes()
API = "https://status.anthropic.com/api/v2/incidents.json"


def history() -> StatusHistory:
    return parse_status_history(CONTENT, FIXTURE.name)


def test_the_fixture_reads_as_utc_incidents_oldest_first() -> None:
    parsed = history()
    assert (parsed.source, parsed.provider, parsed.page_name) == (FIXTURE.name, "anthropic", "Anthropic")
    assert parsed.page_url == "https://status.anthropic.com"
    assert parsed.maintenances == 1  # the Console's scheduled maintenance is not an incident
    rows = [(i.incident_id, i.impact, i.status, i.started_at, i.resolved_at) for i in parsed.incidents]
    assert rows == [
        # No started_at (older pages): it started when it was opened.
        (
            "b8n2q6s0v4xz",
            "minor",
            "resolved",
            datetime(2025, 10, 12, 4, 5, 33, 120_000),
            datetime(2025, 10, 12, 4, 50, 12),
        ),
        (
            "2m6c0t4n8vhb",
            "critical",
            "postmortem",
            datetime(2025, 10, 30, 16, 14),
            datetime(2025, 10, 30, 18, 2, 51, 9_000),
        ),
        # 23:40 PDT to 01:10 PST the next night: two and a half hours, not the hour and a half the clock shows.
        ("p1x5d9g3k7wr", "major", "resolved", datetime(2025, 11, 2, 6, 40), datetime(2025, 11, 2, 9, 10)),
        (
            "f7r2p8y5s0lq",
            "none",
            "resolved",
            datetime(2025, 11, 20, 23, 30, 44, 902_000),
            datetime(2025, 11, 21, 0, 5, 10, 337_000),
        ),
        (
            "9zb4w1h6c2tn",
            "minor",
            "resolved",
            datetime(2025, 11, 28, 14, 12),
            datetime(2025, 11, 28, 15, 3, 22, 415_000),
        ),
        ("k3q9v2x7m1pd", "major", "identified", datetime(2025, 12, 2, 8, 38), None),
    ]
    components = {i.incident_id: i.components for i in parsed.incidents}
    assert components["f7r2p8y5s0lq"] == ()
    # Listed twice on the page, kept once.
    assert components["p1x5d9g3k7wr"] == ("Claude API (api.anthropic.com)", "claude.ai")
    assert parsed.ongoing == 1
    assert parsed.message() == (
        "statuspage_incidents.json: 6 incidents from 2025-10-12 to 2025-12-02 (anthropic), 1 still open"
    )


def test_rows_are_what_the_ledger_takes(ledger: Engine) -> None:
    assert save_status_history(ledger, history()) == 6
    stored = list_incidents(ledger)
    assert set(stored["provider"]) == {"anthropic"} and set(stored["source"]) == {FIXTURE.name}
    assert stored["incident_id"].tolist()[-1] == "k3q9v2x7m1pd" and stored["resolved_at"].isna().sum() == 1
    assert stored["components"].tolist()[0] == ["Claude API (api.anthropic.com)"]


@pytest.mark.parametrize(
    ("page", "provider", "expected"),
    [
        ({"name": "OpenAI", "url": "https://status.openai.com"}, None, "openai"),
        ({"name": "Claude", "url": "https://status.claude.com"}, None, "anthropic"),
        ({"name": "Mistral AI Status", "url": "https://status.mistral.ai"}, None, "mistral"),
        ({"name": "Status", "url": "https://status.openai.com"}, None, "openai"),
        # An explicit provider wins, in any spelling exitplan knows.
        ({"name": "Anthropic"}, "AWS Bedrock", "aws"),
        ({"name": "Acme Status", "url": "https://status.acme.dev"}, "azure", "azure"),
    ],
)
def test_the_provider_is_the_pages_unless_named(page: dict[str, Any], provider: str | None, expected: str) -> None:
    content = json.dumps({"page": page, "incidents": []}).encode()
    assert parse_status_history(content, "page.json", provider).provider == expected


def test_a_page_of_no_known_provider_asks_for_one() -> None:
    content = json.dumps({"page": {"name": "Acme Status", "url": "https://status.acme.dev"}, "incidents": []})
    with pytest.raises(InvalidInput) as caught:
        parse_status_history(content.encode(), "acme.json")
    message = str(caught.value)
    assert message.startswith("acme.json: ") and "'Acme Status'" in message and "--provider" in message
    assert "\n" not in message


def _incident(**fields: Any) -> dict[str, Any]:
    base = {
        "id": "x1",
        "name": "Errors",
        "status": "resolved",
        "impact": "minor",
        "started_at": "2025-11-01T10:00:00Z",
        "resolved_at": "2025-11-01T11:00:00Z",
        "components": [],
    }
    return {**base, **fields}


def _page(*incidents: dict[str, Any]) -> bytes:
    return json.dumps({"page": {"name": "OpenAI"}, "incidents": list(incidents)}).encode()


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"<!DOCTYPE html><html><body>Status</body></html>", "not JSON"),
        (b"\xff\xfe\x00garbage", "not JSON"),
        (b"[]", "not an object"),
        (b'{"page": {"name": "OpenAI"}, "components": []}', "no 'incidents' list"),
        (b'{"page": "OpenAI", "incidents": []}', "'page' is not an object"),
        (_page("just text"), "incident 1 is not an object"),
        (_page(_incident(id=None)), "incident 1 has no 'id'"),
        (_page(_incident(impact="catastrophic")), "impact 'catastrophic' is not one of none, minor, major, critical"),
        (_page(_incident(status=None)), "has no 'status'"),
        (_page(_incident(started_at=None)), "has no start time"),
        (_page(_incident(started_at="yesterday")), "started_at is not a time ('yesterday')"),
        (_page(_incident(components={"name": "API"})), "'components' is not a list"),
        (_page(_incident(components=[{"id": "c1"}])), "a component has no name"),
        (_page(_incident(), _incident(name="Again")), "incident 'x1' is listed twice"),
    ],
)
def test_a_file_that_is_not_this_shape_is_one_line_naming_it(content: bytes, says: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_status_history(content, "upload.json")
    message = str(caught.value)
    assert message.startswith("upload.json") and says in message and "\n" not in message


def test_edge_cases_of_times() -> None:
    parsed = parse_status_history(
        _page(
            # Closed without a resolution time: it ended at its last update.
            _incident(id="a", resolved_at=None, updated_at="2025-11-01T10:30:00+00:00"),
            # A start edited past the resolution: it lasted no time.
            _incident(id="b", started_at="2025-11-02T12:00:00Z", resolved_at="2025-11-02T11:00:00Z"),
            # No offset: UTC.
            _incident(id="c", started_at="2025-11-03T08:00:00", resolved_at=None, status="monitoring"),
        ),
        "edge.json",
    )
    assert [(i.started_at, i.resolved_at) for i in parsed.incidents] == [
        (datetime(2025, 11, 1, 10), datetime(2025, 11, 1, 10, 30)),
        (datetime(2025, 11, 2, 12), datetime(2025, 11, 2, 12)),
        (datetime(2025, 11, 3, 8), None),
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://status.anthropic.com",
        "https://status.anthropic.com/",
        "status.anthropic.com",
        "https://status.anthropic.com/api/v2/incidents.json",
    ],
)
def test_a_page_is_given_by_its_address_or_its_endpoint(url: str) -> None:
    assert status_api_url(url) == API


@pytest.mark.parametrize("url", ["", "ftp://status.openai.com", "https://"])
def test_an_address_that_is_no_page_is_refused(url: str) -> None:
    with pytest.raises(InvalidInput):
        status_api_url(url)


# --- fetching ---------------------------------------------------------------------------------------------


def test_fetch_gets_the_incidents_endpoint_of_the_page() -> None:
    page = FakeStatusPage(httpx.Response(200, content=CONTENT))
    with page.client() as client:
        assert fetch_status_history(client, "https://status.anthropic.com", sleep=no_sleep) == CONTENT
    assert [str(r.url) for r in page.requests] == [API]


def test_fetch_follows_a_moved_page() -> None:
    page = FakeStatusPage(
        httpx.Response(301, headers={"Location": "https://status.claude.com/api/v2/incidents.json"}),
        httpx.Response(200, content=CONTENT),
    )
    with page.client() as client:
        assert fetch_status_history(client, API, sleep=no_sleep) == CONTENT
    assert str(page.requests[-1].url) == "https://status.claude.com/api/v2/incidents.json"


def test_fetch_retries_a_5xx_then_succeeds() -> None:
    waits: list[float] = []
    page = FakeStatusPage(httpx.Response(503), httpx.Response(502), httpx.Response(200, content=CONTENT))
    with page.client() as client:
        assert fetch_status_history(client, API, sleep=waits.append) == CONTENT
    assert len(page.requests) == 3 and waits == [1.0, 2.0]


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (httpx.Response(404, text="<html>Not found</html>"), "HTTP 404: no Statuspage incident history"),
        (httpx.Response(403), "the status page refused the request (HTTP 403)"),
        (httpx.Response(500), "HTTP 500"),
        (httpx.ReadTimeout("timed out"), "timed out"),
        (httpx.ConnectError("Name or service not known"), "could not reach"),
    ],
)
def test_fetch_failures_are_provider_errors_naming_the_url(answer: httpx.Response | Exception, says: str) -> None:
    page = FakeStatusPage(answer)
    with page.client() as client, pytest.raises(ProviderError) as caught:
        fetch_status_history(client, "status.anthropic.com", sleep=no_sleep)
    message = str(caught.value)
    assert message.startswith(API) and says in message and "\n" not in message


def test_collect_stores_under_the_page_and_a_second_collect_replaces(ledger: Engine) -> None:
    first = FakeStatusPage(httpx.Response(200, content=CONTENT))
    collected = collect_status(ledger, "status.anthropic.com/", client_factory=first.client, sleep=no_sleep)
    assert collected.source == "https://status.anthropic.com"
    assert collected.message().startswith("status.anthropic.com: 6 incidents from 2025-10-12 to 2025-12-02 (anthropic)")
    assert len(list_incidents(ledger)) == 6

    one = json.loads(CONTENT)
    one["incidents"] = one["incidents"][:1]
    again = FakeStatusPage(httpx.Response(200, json=one))
    collect_status(ledger, "https://status.anthropic.com", "anthropic", client_factory=again.client, sleep=no_sleep)
    assert list_incidents(ledger)["incident_id"].tolist() == ["k3q9v2x7m1pd"]


@pytest.mark.parametrize(
    ("answer", "error"),
    [(httpx.Response(500), ProviderError), (httpx.Response(200, text="<html>Status</html>"), InvalidInput)],
)
def test_a_failed_collect_stores_nothing(ledger: Engine, answer: httpx.Response, error: type[Exception]) -> None:
    save_status_history(ledger, parse_status_history(CONTENT, "https://status.anthropic.com"))
    page = FakeStatusPage(answer)
    with pytest.raises(error) as caught:
        collect_status(ledger, "https://status.anthropic.com", client_factory=page.client, sleep=no_sleep)
    assert "https://status.anthropic.com" in str(caught.value)
    assert len(list_incidents(ledger)) == 6
