"""``exitplan collect`` as a user runs it, against in-memory admin APIs (the client factory is replaced, so
no test touches the network)."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import app
from db import list_imports, open_ledger
from tests.collectors.admin_api_fakes import KEY, FakeAdminApi

runner = CliRunner()
DAYS = ["--since", "2025-03-01", "--until", "2025-03-03"]


def use(api: FakeAdminApi, monkeypatch: pytest.MonkeyPatch) -> FakeAdminApi:
    monkeypatch.setattr("collectors.api.sync.default_client", api.factory())
    return api


@pytest.fixture(autouse=True)
def no_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_ADMIN_KEY", raising=False)


def one_clean_line(text: str) -> bool:
    return text.count("\n") == 1 and "Traceback" not in text and KEY not in text


def test_help_says_where_the_key_comes_from() -> None:
    result = runner.invoke(app, ["collect", "--help"])
    assert result.exit_code == 0
    assert "OPENAI_ADMIN_KEY" in result.stdout and "ANTHROPIC_ADMIN_KEY" in result.stdout
    assert "--since" in result.stdout and "--db" in result.stdout


@pytest.mark.parametrize(
    ("provider", "variable"), [("openai", "OPENAI_ADMIN_KEY"), ("anthropic", "ANTHROPIC_ADMIN_KEY")]
)
def test_a_missing_key_exits_2_with_one_line(
    provider: str, variable: str, ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = use(FakeAdminApi(provider), monkeypatch)
    result = runner.invoke(app, ["collect", provider, "--db", ledger_url])
    assert result.exit_code == 2
    assert one_clean_line(result.stderr) and variable in result.stderr
    assert api.requests == []


def test_collect_pulls_and_reports_each_endpoint(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    api = use(FakeAdminApi("openai"), monkeypatch)
    result = runner.invoke(app, ["collect", "openai", *DAYS, "--db", ledger_url])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "OpenAI: 9 rows from 3 pages for 2025-03-01 to 2025-03-03 UTC."
    assert [line.split(":")[0].strip() for line in lines[1:]] == ["completions usage", "embeddings usage", "costs"]
    assert api.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert KEY not in result.stdout
    assert len(list_imports(open_ledger(ledger_url))) == 3


def test_collect_json(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_ADMIN_KEY", KEY)
    use(FakeAdminApi("anthropic"), monkeypatch)
    result = runner.invoke(app, ["collect", "anthropic", *DAYS, "--json", "--db", ledger_url])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["provider"] == "anthropic"
    assert (summary["start"], summary["end"]) == ("2025-03-01T00:00:00", "2025-03-04T00:00:00")
    assert [e["collector"] for e in summary["endpoints"]] == ["anthropic_admin:usage", "anthropic_admin:costs"]


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        (httpx.Response(401, json={"error": {"message": f"invalid x-api-key {KEY}"}}), "the admin key was rejected"),
        # Retry-After: 0 keeps the retries instant.
        (httpx.Response(500, headers={"Retry-After": "0"}, text="boom"), "HTTP 500"),
    ],
)
def test_an_api_failure_exits_2_with_one_line_and_saves_nothing(
    answer: httpx.Response, says: str, ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    use(FakeAdminApi("openai", interrupt=lambda request, n: answer), monkeypatch)
    result = runner.invoke(app, ["collect", "openai", *DAYS, "--db", ledger_url])
    assert result.exit_code == 2
    assert one_clean_line(result.stderr) and says in result.stderr and "saved nothing" in result.stderr
    assert list_imports(open_ledger(ledger_url)).empty


def test_a_bad_date_or_provider_is_refused(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    api = use(FakeAdminApi("openai"), monkeypatch)
    bad_date = runner.invoke(app, ["collect", "openai", "--since", "March", "--db", ledger_url])
    assert bad_date.exit_code == 2 and one_clean_line(bad_date.stderr) and "--since" in bad_date.stderr
    assert runner.invoke(app, ["collect", "mistral", "--db", ledger_url]).exit_code == 2
    assert api.requests == []
