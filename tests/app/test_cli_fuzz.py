"""Every command of ``exitplan``, every option and argument, fed values out of any range: negative, zero,
20-digit and -20-digit numbers, 1e23, nan, inf, far days, impossible days, empty and words where numbers go.

Each run ends with status 0 or 2; a refusal is one line on stderr; nothing prints a traceback. The commands
are found by walking typer's command tree, so a command added later is fuzzed without being listed here;
only what its required values are, if it has any, must be said (``REQUIRED``), or the test says so. No
command reaches the network: every HTTP transport refuses, and ``serve`` does not become a server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer.main
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from analysis.workloads import replace_with_proposals
from app.cli import app
from app.cli_common import EARLIEST_DAY, LATEST_DAY, parse_day
from collectors.demo import load_demo
from db import open_ledger
from tests.conftest import FIXTURES

runner = CliRunner()

ROOT = typer.main.get_command(app)

# Out of every range a value of any kind has (a count, an amount, an id, a day, a name).
BAD_VALUES = [
    "-1",
    "0",
    "-" + "9" * 20,
    "1" + "0" * 20,
    "1e23",
    "nan",
    "inf",
    "0001-01-01",
    "9999-12-31",
    "2025-02-30",
    "",
    "abc",
]
PASSWORD = "hunter2secret"
# Ledgers that cannot be opened, each for its own reason; none may echo the password.
BAD_LEDGERS = [
    f"postgresql+psycopg://user:{PASSWORD}@127.0.0.1:1/ledger",  # nothing listens on port 1
    f"postgresql://user:{PASSWORD}@@host:port/ledger",  # malformed
    f"mysql://user:{PASSWORD}@127.0.0.1/ledger",  # a driver that is not installed
    f"nosuchdb://user:{PASSWORD}@host/ledger",  # no such database
    "not a url",
]

# Valid values for what a command requires, by the parameter's name; each is fuzzed in turn like the rest.
REQUIRED = {
    "workload": ["1"],
    "candidate": ["--candidate", "openai/gpt-4o-mini"],
    "provider": ["--provider", "openai"],
    "model": ["--model", "gpt-4o"],
    "dialect": ["--dialect", "duckdb"],
    "import_id": ["1"],
    "workload_id": ["1"],
    "name": ["Plan A"],
    "file": [str(FIXTURES / "openai_costs.json")],
    "path": [str(FIXTURES / "statuspage_incidents.json")],
    "paths": [str(FIXTURES / "litellm_spendlogs.csv")],
    "url": ["https://status.example.invalid"],
}
# Where a command's required option is spelled as an argument under the same name.
PROMPTED_POSITIONAL = {("prices", "show"): {"model": ["gpt-4o"]}}


def commands(group: Any = ROOT, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command under ``group``, however deep, with the words that call it."""
    for name, command in sorted(getattr(group, "commands", {}).items()):
        if getattr(command, "commands", None):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


COMMANDS = dict(commands())


def test_every_command_is_found() -> None:
    # A hand-counted floor: the tree walk must reach the commands nested two deep too.
    assert {("summary",), ("imports", "show"), ("collect", "openai"), ("prices", "override"), ("serve",)} <= set(
        COMMANDS
    )
    assert len(COMMANDS) >= 35


def base_args(path: tuple[str, ...], command: Any) -> list[str]:
    """Valid values for every parameter ``command`` requires."""
    args: list[str] = []
    for param in command.params:
        if not param.required:
            continue
        spelled = PROMPTED_POSITIONAL.get(path, {}).get(param.name)
        given = spelled or REQUIRED.get(param.name)
        assert given is not None, f"say in REQUIRED what {' '.join(path)} takes for {param.name}"
        args += given
    return args


def runs(path: tuple[str, ...], command: Any) -> Iterator[tuple[str, list[str]]]:
    """Each parameter of ``command`` with each bad value, the rest valid: (what is fuzzed, the words)."""
    base = base_args(path, command)
    for param in command.params:
        if param.name == "help" or getattr(param, "is_flag", False):
            continue
        values = BAD_LEDGERS if param.name == "db" else BAD_VALUES
        for value in values:
            if param.param_type_name == "argument":
                required = PROMPTED_POSITIONAL.get(path, {}).get(param.name) or REQUIRED.get(param.name)
                rest = list(base)
                if required is not None and param.required:
                    index = rest.index(required[0])
                    rest[index] = value
                    yield f"{param.name}={value!r}", [*path, *rest]
                else:
                    yield f"{param.name}={value!r}", [*path, *rest, value]
            else:
                yield f"{param.opts[0]}={value!r}", [*path, *_without(base, param.opts), param.opts[0], value]


def _without(args: list[str], opts: list[str]) -> list[str]:
    """``args`` less an option (and its value) that the fuzzed value replaces."""
    kept, skip = [], False
    for word in args:
        if skip:
            skip = False
        elif word in opts:
            skip = True
        else:
            kept.append(word)
    return kept


@pytest.fixture
def sealed(ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The ledger every run defaults to, a folder of its own to write into, and no way out: no HTTP request
    leaves (each transport refuses), ``serve`` does not replace the test process, and keys are bogus."""

    def no_network(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("the network is off in tests", request=request)

    def no_server(*args: object) -> None:
        raise typer.Exit(0)

    # Refused at once, not retried: the admin APIs reject the key, a status page is not there.
    monkeypatch.setattr("collectors.api.sync.default_client", lambda provider, key: refusing(401))
    monkeypatch.setattr("collectors.status.default_client", lambda: refusing(404))
    # And anything else that would reach the network finds none.
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", no_network)
    monkeypatch.setattr(os, "execve", no_server)
    # typer builds the command tree again on every invoke (a sixth of a second); the fuzz runs it a thousand
    # times, so it is built once (ROOT). typer.testing names the builder privately: if it goes, this fails.
    monkeypatch.setattr("typer.testing._get_command", lambda typer_app: ROOT)
    monkeypatch.setenv("EXITPLAN_DB_URL", ledger_url)
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-bogus")
    monkeypatch.setenv("ANTHROPIC_ADMIN_KEY", "sk-ant-admin-bogus")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    return ledger_url


def refusing(status: int) -> httpx.Client:
    """A client whose every request is answered ``status`` without leaving the process."""
    transport = httpx.MockTransport(lambda request: httpx.Response(status, json={"error": "refused"}))
    return httpx.Client(base_url="https://api.example.invalid", transport=transport)


def problem(args: list[str], result: Any) -> str | None:
    """What is wrong with how a run ended, or None."""
    output = result.stdout + result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return f"raised {type(result.exception).__name__}: {result.exception}"
    if "Traceback" in output:
        return "printed a traceback"
    if PASSWORD in output:
        return "echoed the ledger's password"
    if result.exit_code not in (0, 2):
        return f"exit status {result.exit_code}"
    if result.exit_code == 2 and len(result.stderr.splitlines()) > 1:
        return f"{len(result.stderr.splitlines())} lines on stderr: {result.stderr!r}"
    return None


@pytest.mark.parametrize("path", sorted(COMMANDS), ids=" ".join)
def test_no_value_ends_a_command_with_a_traceback(path: tuple[str, ...], sealed: str) -> None:
    command = COMMANDS[path]
    found = []
    for what, args in runs(path, command):
        result = runner.invoke(app, args)
        if (wrong := problem(args, result)) is not None:
            found.append(f"exitplan {' '.join(args)}  [{what}]: {wrong}")
    assert not found, "\n".join(found)


def test_a_run_that_crashes_is_found(sealed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The check above would pass anything if it missed a crash: a command that raises is a problem.
    def broken(*args: object, **kwargs: object) -> None:
        raise OverflowError("date value out of range")

    monkeypatch.setattr("app.cli.ledger_summary", broken)
    result = runner.invoke(app, ["summary"])
    assert problem(["summary"], result) == "raised OverflowError: date value out of range"


# What a hostile probe of the command line found (issue 16), each with what the one line must say.
PROBE = [
    (["summary", "--until", "9999-12-31"], "'--until': 9999-12-31 is out of range: give a day from 2000-01-01"),
    (["summary", "--since", "0001-01-01"], "'--since': 0001-01-01 is out of range"),
    (["collect", "openai", "--until", "0001-01-01"], "'--until': 0001-01-01 is out of range"),
    (["imports", "delete", "9" * 23], "'ID': Input should be less than or equal to 9223372036854775807"),
    (["imports", "show", "9" * 23], "'ID': Input should be less than or equal to 9223372036854775807"),
    (["workloads", "show", "0"], "'ID': Input should be greater than or equal to 1"),
    (["serve", "--port", "99999"], "'--port': Input should be less than or equal to 65535"),
    (["serve", "--port", "-1"], "'--port': Input should be greater than or equal to 1"),
    (["alternatives", "1", "--top", "-5"], "'--top': Input should be greater than or equal to 1"),
    (
        ["cost", "--provider", "openai", "--model", "gpt-4o", "--input-tokens", "1" + "0" * 23],
        "'--input-tokens': Input should be less than or equal to 1000000000000000",
    ),
    (["cost", "--provider", "openai", "--model", "gpt-4o", "--hour", "24"], "'--hour'"),
    (["prices", "override", "--provider", "openai", "--input-mtok", "nan"], "'--input-mtok'"),
    (["prices", "override", "--provider", "openai", "--output-mtok", "inf"], "'--output-mtok'"),
    (["alternatives", "1", "--verbosity", "inf"], "'--verbosity'"),
    (["summary", "--db", f"postgresql+psycopg://u:{PASSWORD}@127.0.0.1:1/x"], "u:***@127.0.0.1:1/x cannot be opened"),
    (["summary", "--db", f"mysql://u:{PASSWORD}@127.0.0.1/x"], "MySQLdb is not installed"),
    (["summary", "--db", "postgresql://u@@h:port/x"], "not a database URL"),
    (["serve", "--db", f"postgresql+psycopg://u:{PASSWORD}@127.0.0.1:1/x"], "Connection refused"),
    (["nosuch"], "No such command 'nosuch' (see "),
]


@pytest.mark.parametrize(("args", "says"), PROBE, ids=[" ".join(args)[:60] for args, _ in PROBE])
def test_what_the_probe_found_ends_in_one_line(args: list[str], says: str, sealed: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and says in result.stderr, result.stderr
    assert problem(args, result) is None


def test_a_non_database_file_as_the_ledger_is_one_line_and_left_alone(sealed: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("a text file\n")
    result = runner.invoke(app, ["summary", "--db", f"sqlite:///{notes}"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "file is not a database" in result.stderr and "check --db or EXITPLAN_DB_URL" in result.stderr
    assert notes.read_text() == "a text file\n"


def test_serve_with_a_good_ledger_starts_the_server_on_its_port(sealed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []

    def execve(path: str, command: list[str], env: dict[str, str]) -> None:
        started.append(command)
        raise typer.Exit(0)

    monkeypatch.setattr(os, "execve", execve)
    result = runner.invoke(app, ["serve", "--port", "8765"])
    assert result.exit_code == 0, result.output
    assert started and started[0][started[0].index("--server.port") + 1] == "8765"


def test_serve_with_a_bad_ledger_never_starts_the_server(sealed: str, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[object] = []
    monkeypatch.setattr(os, "execve", lambda *args: started.append(args))
    result = runner.invoke(app, ["serve", "--db", "nosuchdb://host/ledger"])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1 and started == []


@given(st.one_of(st.text(max_size=30), st.dates().map(date.isoformat)))
def test_a_day_is_a_plausible_date_or_refused_with_a_reason(value: str) -> None:
    try:
        day = parse_day(value)
    except typer.BadParameter as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert EARLIEST_DAY <= day <= LATEST_DAY


@pytest.mark.parametrize(("value", "day"), [("2000-01-01", date(2000, 1, 1)), (" 2099-12-31 ", date(2099, 12, 31))])
def test_the_bounds_themselves_are_days(value: str, day: date) -> None:
    assert parse_day(value) == day


# Where a value reaches the analysis only on a ledger with usage and workloads: each option of a command that
# computes, fuzzed on the demo company's ledger (the values refused above are refused here too, fast).
DEEP = [
    ("summary", ["--since", "--until"]),
    ("alternatives 1", ["--top", "--verbosity", "--region"]),
    ("scenario suggest", ["--horizon", "--max-vendor-share"]),
    ("workloads show", []),
    ("imports show", []),
    ("cost --provider openai --model gpt-4o", ["--hour", "--requests", "--date", "--output-tokens"]),
]


@pytest.fixture(scope="module")
def demo_ledger(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'ledger.db'}"
    engine = open_ledger(url)
    load_demo(engine, folder / "files", date(2026, 10, 31))
    replace_with_proposals(engine)
    engine.dispose()
    return url


@pytest.mark.parametrize(("words", "options"), DEEP, ids=[words for words, _ in DEEP])
def test_no_value_ends_a_command_on_a_full_ledger_with_a_traceback(
    words: str, options: list[str], demo_ledger: str, sealed: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXITPLAN_DB_URL", demo_ledger)
    valid = [*words.split(), "1"] if not options else words.split()
    # Deep enough: the command, with valid values, gets to the end on this ledger.
    assert (done := runner.invoke(app, valid)).exit_code == 0, done.output
    runs = [[*words.split(), option, value] for option in options for value in BAD_VALUES]
    if not options:  # the command's ID argument
        runs = [[*words.split(), value] for value in BAD_VALUES if not value.startswith("-")]
    found = []
    for args in runs:
        result = runner.invoke(app, args)
        if (wrong := problem(args, result)) is not None:
            found.append(f"exitplan {' '.join(args)}: {wrong}")
    assert not found, "\n".join(found)
