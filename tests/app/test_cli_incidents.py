"""``exitplan collect status`` and ``exitplan incidents …`` as a user runs them: one line per outcome, user
errors one line on stderr with exit status 2 and nothing saved. The status page is in memory (the
client factory is replaced), so no test touches the network."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import app
from db import open_ledger
from db.incidents import list_incidents
from tests.collectors.status_fakes import FakeStatusPage
from tests.conftest import FIXTURES

runner = CliRunner()
FIXTURE = FIXTURES / "statuspage_incidents.json"
LINE = "6 incidents from 2025-10-12 to 2025-12-02 (anthropic), 1 still open"


def one_clean_line(text: str) -> bool:
    return text.count("\n") == 1 and "Traceback" not in text


def stored(ledger_url: str) -> list[tuple[str, str]]:
    frame = list_incidents(open_ledger(ledger_url))
    return list(zip(frame["source"], frame["provider"], strict=True))


@pytest.fixture
def status_page(monkeypatch: pytest.MonkeyPatch) -> FakeStatusPage:
    fake = FakeStatusPage(httpx.Response(200, content=FIXTURE.read_bytes()))
    monkeypatch.setattr("collectors.status.default_client", fake.client)
    return fake


def test_import_says_what_came_in_and_list_shows_it(ledger_url: str) -> None:
    result = runner.invoke(app, ["incidents", "import", str(FIXTURE), "--db", ledger_url])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"statuspage_incidents.json: {LINE}\n"

    listed = runner.invoke(app, ["incidents", "list", "--db", ledger_url])
    assert listed.exit_code == 0
    assert "Elevated error rates on Claude Sonnet 4.5" in listed.stdout and "2h 30m" in listed.stdout
    assert listed.stdout.rstrip().endswith(
        "statuspage_incidents.json: 6 incidents from 2025-10-12 to 2025-12-02 (anthropic)"
    )

    records = json.loads(runner.invoke(app, ["incidents", "list", "--json", "--db", ledger_url]).stdout)
    assert len(records) == 6
    first, last = records[0], records[-1]
    assert set(first) == {
        "provider",
        "source",
        "incident_id",
        "name",
        "impact",
        "status",
        "started_at",
        "resolved_at",
        "components",
        "imported_at",
    }
    assert (first["incident_id"], first["started_at"], first["resolved_at"]) == (
        "b8n2q6s0v4xz",
        "2025-10-12T04:05:33.120000",
        "2025-10-12T04:50:12",
    )
    assert last["resolved_at"] is None and last["components"] == ["Claude API (api.anthropic.com)", "claude.ai"]


def test_importing_again_replaces_and_provider_wins(ledger_url: str) -> None:
    runner.invoke(app, ["incidents", "import", str(FIXTURE), "--db", ledger_url])
    result = runner.invoke(app, ["incidents", "import", str(FIXTURE), "--provider", "AWS Bedrock", "--db", ledger_url])
    assert result.exit_code == 0 and result.stdout.endswith("(aws), 1 still open\n")
    assert stored(ledger_url) == [("statuspage_incidents.json", "aws")] * 6


def test_a_list_of_nothing_says_how_to_get_something(ledger_url: str) -> None:
    result = runner.invoke(app, ["incidents", "list", "--db", ledger_url])
    assert result.exit_code == 0 and "exitplan collect status URL" in result.stdout
    assert json.loads(runner.invoke(app, ["incidents", "list", "--json", "--db", ledger_url]).stdout) == []


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("date,provider,model\n2025-09-01,openai,gpt-4o\n", "not a Statuspage incident history (not JSON"),
        ('{"object": "page", "data": []}', "not a Statuspage incident history (no 'incidents' list)"),
        ('{"page": {"name": "Acme"}, "incidents": []}', "--provider"),
    ],
)
def test_a_file_that_cannot_be_imported_exits_2_with_one_line(
    content: str, says: str, ledger_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "status.json"
    path.write_text(content)
    result = runner.invoke(app, ["incidents", "import", str(path), "--db", ledger_url])
    assert result.exit_code == 2 and one_clean_line(result.stderr)
    assert result.stderr.startswith("status.json: ") and says in result.stderr
    assert stored(ledger_url) == []


def test_a_missing_file_exits_2(ledger_url: str, tmp_path: Path) -> None:
    result = runner.invoke(app, ["incidents", "import", str(tmp_path / "nope.json"), "--db", ledger_url])
    assert result.exit_code == 2 and result.stderr == f"{tmp_path / 'nope.json'}: no such file\n"


def test_collect_status_pulls_the_page_and_stores_it(status_page: FakeStatusPage, ledger_url: str) -> None:
    result = runner.invoke(app, ["collect", "status", "https://status.anthropic.com", "--db", ledger_url])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"status.anthropic.com: {LINE}\n"
    assert [str(r.url) for r in status_page.requests] == ["https://status.anthropic.com/api/v2/incidents.json"]
    assert stored(ledger_url) == [("https://status.anthropic.com", "anthropic")] * 6
    # The same page typed another way is the same source: replaced, not added.
    again = runner.invoke(
        app, ["collect", "status", "status.anthropic.com/", "--provider", "claude", "--db", ledger_url]
    )
    assert again.exit_code == 0 and len(stored(ledger_url)) == 6


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (httpx.Response(404, text="<html>Page not found</html>"), "HTTP 404"),
        # Retry-After: 0 keeps the retries instant (timeouts are retried as 5xx are: tests/collectors).
        (httpx.Response(503, headers={"Retry-After": "0"}), "HTTP 503"),
        (httpx.Response(200, text="<!DOCTYPE html><html>Status</html>"), "not a Statuspage incident history"),
    ],
)
def test_a_page_that_fails_exits_2_with_one_line_naming_it(
    answer: httpx.Response | Exception, says: str, status_page: FakeStatusPage, ledger_url: str
) -> None:
    status_page.answers = [answer]
    result = runner.invoke(app, ["collect", "status", "https://status.openai.com", "--db", ledger_url])
    assert result.exit_code == 2 and one_clean_line(result.stderr)
    assert "https://status.openai.com" in result.stderr and says in result.stderr
    assert stored(ledger_url) == []


def test_delete_one_source_by_its_address_or_every_source(status_page: FakeStatusPage, ledger_url: str) -> None:
    runner.invoke(app, ["collect", "status", "https://status.anthropic.com", "--db", ledger_url])
    runner.invoke(app, ["incidents", "import", str(FIXTURE), "--db", ledger_url])
    unknown = runner.invoke(app, ["incidents", "delete", "status.openai.com", "--db", ledger_url])
    assert unknown.exit_code == 2 and one_clean_line(unknown.stderr)
    assert unknown.stderr.startswith("no incidents from status.openai.com; stored: ")

    result = runner.invoke(app, ["incidents", "delete", "status.anthropic.com", "--db", ledger_url])
    assert result.exit_code == 0 and result.stdout == "6 incidents from status.anthropic.com deleted.\n"
    assert {source for source, _ in stored(ledger_url)} == {"statuspage_incidents.json"}

    every = runner.invoke(app, ["incidents", "delete", "--db", ledger_url])
    assert every.exit_code == 0 and every.stdout == "6 incidents deleted.\n" and stored(ledger_url) == []
    nothing = runner.invoke(app, ["incidents", "delete", "--db", ledger_url])
    assert nothing.exit_code == 0 and "nothing deleted" in nothing.stdout
