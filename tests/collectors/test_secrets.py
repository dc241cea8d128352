"""An admin key never leaves the request: `exitplan collect` of both admin APIs, against in-memory servers
that answer, fail, and echo the key back (whole, masked, or a piece of it), leaves no run of 8 of the key's
characters in any byte of the ledger, the logs, the command's output or an export. The evaluate client
(`collectors.api.chat`) redacts its errors the same way."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import MetaData, create_engine
from typer.testing import CliRunner

from app.cli import app
from collectors.api.chat import Endpoint, chat_client, stream_chat
from collectors.api.http import KEY_FRAGMENT, ApiError, _without_fragments
from tests.collectors.admin_api_fakes import FakeAdminApi

KEY = "sk-admin-TESTSECRET-a1b2c3d4e5f6g7h8i9j0"
DAYS = ["--since", "2025-03-01", "--until", "2025-03-03"]
VARIABLES = {"openai": "OPENAI_ADMIN_KEY", "anthropic": "ANTHROPIC_ADMIN_KEY"}
runner = CliRunner()


def fragments(secret: str = KEY) -> set[str]:
    """Every run of KEY_FRAGMENT characters of the key."""
    return {secret[i : i + KEY_FRAGMENT] for i in range(len(secret) - KEY_FRAGMENT + 1)}


def leaks(text: str | bytes) -> list[str]:
    """The pieces of the key found in ``text`` (as UTF-8 bytes, so a binary database file is read whole)."""
    data = text.encode() if isinstance(text, str) else text
    return sorted(part for part in fragments() if part.encode() in data)


def ledger_bytes(ledger_url: str) -> bytes:
    """The ledger as stored: a SQLite file's bytes (with its journal), else every row as text."""
    if ledger_url.startswith("sqlite:///"):
        path = Path(ledger_url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    engine = create_engine(ledger_url)
    try:
        with engine.connect() as conn:
            tables = MetaData()
            tables.reflect(conn)
            rows = [repr(tuple(row)) for table in tables.sorted_tables for row in conn.execute(table.select())]
    finally:
        engine.dispose()
    return "\n".join(rows).encode()


Answer = Callable[[httpx.Request, int], httpx.Response | None]


def _echo(status: int, message: str) -> Answer:
    def answer(request: httpx.Request, n: int) -> httpx.Response:
        return httpx.Response(status, json={"error": {"message": message, "type": "invalid_request_error"}})

    return answer


def _raw(status: int, body: str) -> Answer:
    return lambda request, n: httpx.Response(status, text=body)


def _drop(request: httpx.Request, n: int) -> httpx.Response:
    raise httpx.ConnectError(f"connection reset while sending {request.headers.get('x-api-key', '')}")


FAILURES: dict[str, Answer | None] = {
    "success": None,
    "401 echoing a masked key": _echo(401, f"Incorrect API key provided: {KEY[:12]}***{KEY[-4:]}"),
    "400 echoing the key": _echo(400, f"bad request with key {KEY}"),
    "400 echoing the key's middle": _echo(400, f"key ending in ...{KEY[9:25]} is not an admin key"),
    "404 echoing it as text": _raw(404, f"<html>no such route for {KEY} / Bearer {KEY}</html>"),
    "500 echoing it": _raw(500, f"internal error; request had key={KEY}"),
    "200 that is not JSON": _raw(200, f"<html>login for {KEY}</html>"),
    "a dropped connection naming it": _drop,
}


@pytest.fixture(autouse=True)
def _keys_and_no_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    # Retries back off for seconds; here they happen at once.
    monkeypatch.setattr("collectors.api.http.time.sleep", lambda seconds: None)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("case", list(FAILURES))
def test_collect_leaves_no_piece_of_the_key_anywhere(
    provider: str,
    case: str,
    ledger_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(VARIABLES[provider], KEY)
    api = FakeAdminApi(provider, interrupt=FAILURES[case])
    monkeypatch.setattr("collectors.api.sync.default_client", api.factory())

    result = runner.invoke(app, ["collect", provider, *DAYS, "--db", ledger_url])

    # The key was sent: the test is about what comes back.
    header = "authorization" if provider == "openai" else "x-api-key"
    assert KEY in api.requests[0].headers[header]
    assert result.exit_code == (0 if case == "success" else 2), result.stderr
    if case != "success":
        # One line that says where the sync stopped: no traceback, no body dumped whole.
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    exported = tmp_path / "ledger.focus.csv"
    export = runner.invoke(app, ["report", "--format", "focus", "-o", str(exported), "--db", ledger_url])
    shown = runner.invoke(app, ["imports", "list", "--json", "--db", ledger_url])
    assert leaks(result.stdout) == [] and leaks(result.stderr) == []
    assert leaks(caplog.text) == []
    assert leaks(ledger_bytes(ledger_url)) == []
    assert leaks(export.stdout + export.stderr + shown.stdout + shown.stderr) == []
    if exported.exists():
        assert leaks(exported.read_bytes()) == []


def test_a_failed_collect_says_where_it_stopped_without_the_key(
    ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    api = FakeAdminApi("openai", interrupt=FAILURES["400 echoing the key's middle"])
    monkeypatch.setattr("collectors.api.sync.default_client", api.factory())
    result = runner.invoke(app, ["collect", "openai", *DAYS, "--db", ledger_url])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert "HTTP 400: key ending in ...[redacted] is not an admin key" in line


def test_fragments_go_longest_first() -> None:
    text = f"whole {KEY}, part {KEY[3:15]}, too short {KEY[:7]}"
    assert _without_fragments(text, KEY) == f"whole [redacted], part [redacted], too short {KEY[:7]}"


def test_the_evaluate_client_redacts_an_echoed_key() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"error": {"message": f"model not found for key ...{KEY[-12:]}"}})

    endpoint = Endpoint(host="openai", base_url="http://127.0.0.1:9/v1", key=KEY)
    with chat_client(endpoint, transport=httpx.MockTransport(server)) as client, pytest.raises(ApiError) as caught:
        stream_chat(client, "gpt-4o", [{"role": "user", "content": "hi"}], where="openai/gpt-4o")
    assert "[redacted]" in str(caught.value)
    assert leaks(str(caught.value)) == []
