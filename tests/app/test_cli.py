"""The exitplan command as a user runs it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.testing import CliRunner

from app.cli import app
from tests.conftest import FIXTURES

EXITPLAN = str(Path(sys.executable).with_name("exitplan"))
runner = CliRunner()


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXITPLAN, *args], capture_output=True, text=True, timeout=120)


OPENAI_SAMPLES: dict[str, dict[str, float | None]] = {
    "openai_usage_completions.json": {
        "input_tokens": 43_108_511,
        "cache_read_tokens": 11_723_648,
        "output_tokens": 6_811_732,
        "requests": 14_516,
    },
    "openai_dashboard_completions_usage.csv": {
        "input_tokens": 43_108_511,
        "cache_read_tokens": 11_723_648,
        "output_tokens": 6_811_732,
        "requests": 14_516,
    },
    "openai_legacy_v1_usage.json": {
        "input_tokens": 104_149,
        "cache_read_tokens": 24_448,
        "output_tokens": 7_356,
        "requests": 164,
    },
    # Cost files have no token counts: not in the source (null), never 0.
    "openai_costs.json": {"input_tokens": None, "reported_cost_usd": 62.182729},
    "openai_dashboard_costs.csv": {"input_tokens": None, "reported_cost_usd": 522.972061},
}


@pytest.mark.parametrize("name", sorted(OPENAI_SAMPLES))
def test_ingest_then_summary_reproduces_each_openai_sample(name: str, ledger_url: str) -> None:
    ingested = run("ingest", str(FIXTURES / name), "--json", "--db", ledger_url)
    assert ingested.returncode == 0, ingested.stderr
    line = json.loads(ingested.stdout)
    assert set(line) == {
        "file",
        "format",
        "rows_read",
        "rows_accepted",
        "rows_rejected",
        "duplicate",
        "import_id",
        "rows_skipped",
        "skipped",
    }
    assert line["rows_rejected"] == 0 and not line["duplicate"]
    result = run("summary", "--json", "--db", ledger_url)
    assert result.returncode == 0, result.stderr
    totals = json.loads(result.stdout)
    for key, expected in OPENAI_SAMPLES[name].items():
        if expected is None:
            assert totals[key] is None, key
        else:
            assert totals[key] == pytest.approx(expected, abs=1e-6), key
    assert set(totals["by_provider"]) == {"openai"}


def test_bad_file_exits_2_with_one_line_and_leaves_the_ledger_as_it_was(ledger_url: str, tmp_path: Path) -> None:
    good = run("ingest", str(FIXTURES / "openai_usage_completions.json"), "--db", ledger_url)
    assert good.returncode == 0
    before = run("summary", "--json", "--db", ledger_url).stdout
    bad = tmp_path / "broken.json"
    bad.write_text('{"object": "page", "data": [{"results": [{"object": "organization.usage.completions.res')
    result = run("ingest", str(bad), "--db", ledger_url)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and str(bad) in result.stderr
    assert "Traceback" not in result.stderr
    assert run("summary", "--json", "--db", ledger_url).stdout == before


def test_every_file_is_tried_and_each_one_reported(ledger_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.csv"
    good = tmp_path / "usage.csv"
    good.write_text("date,provider,model,input_tokens,output_tokens\n2025-09-01,openai,gpt-4o,1,1\n")
    result = runner.invoke(app, ["ingest", str(missing), str(good), "--db", ledger_url])
    assert result.exit_code == 2
    assert result.stderr == f"{missing}: no such file\n"
    assert f"{good}: import 1 (exitplan_csv): 1 rows read, 1 accepted, 0 rejected" in result.stdout
    again = runner.invoke(app, ["ingest", str(good), "--db", ledger_url])
    assert again.exit_code == 0 and f"{good}: duplicate of import 1; nothing changed" in again.stdout


def test_partly_bad_file_exits_0_and_counts_rejects(ledger_url: str, tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "date,provider,model,input_tokens,output_tokens\n2025-09-01,openai,gpt-4o,1,1\nbad,openai,gpt-4o,1,1\n"
    )
    result = runner.invoke(app, ["ingest", str(path), "--json", "--db", ledger_url])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["rows_rejected"] == 1


def test_duplicate_is_reported(ledger_url: str) -> None:
    path = str(FIXTURES / "openai_legacy_v1_usage.json")
    runner.invoke(app, ["ingest", path, "--db", ledger_url])
    again = runner.invoke(app, ["ingest", path, "--json", "--db", ledger_url])
    assert json.loads(again.stdout)["duplicate"] is True


def test_imports_list_show_delete(ledger_url: str, tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "date,provider,model,input_tokens,output_tokens\n2025-09-01,openai,gpt-4o,1,1\n2025-09-01,openai,gpt-4o,-1,1\n"
    )
    import_id = json.loads(runner.invoke(app, ["ingest", str(path), "--json", "--db", ledger_url]).stdout)["import_id"]
    listed = json.loads(runner.invoke(app, ["imports", "list", "--json", "--db", ledger_url]).stdout)
    assert [row["id"] for row in listed] == [import_id]
    shown = runner.invoke(app, ["imports", "show", str(import_id), "--db", ledger_url])
    assert "input_tokens is negative" in shown.stdout
    assert runner.invoke(app, ["imports", "delete", str(import_id), "--db", ledger_url]).exit_code == 0
    assert json.loads(runner.invoke(app, ["summary", "--json", "--db", ledger_url]).stdout)["input_tokens"] is None
    missing = runner.invoke(app, ["imports", "delete", str(import_id), "--db", ledger_url])
    assert missing.exit_code == 2 and f"no import {import_id}" in missing.stderr


LANGFUSE_PAGE = {
    "data": [
        {
            "id": f"o{n}",
            "traceId": "t1",
            "type": kind,
            "startTime": "2025-09-01T10:00:00.000Z",
            "providedModelName": "gpt-4o-2024-08-06",
            "usageDetails": {"input": 100, "output": 20, "total": 120},
        }
        for n, kind in enumerate(["GENERATION", "SPAN", "SPAN", "EVENT"])
    ]
}


def test_ingest_and_imports_show_say_what_was_skipped_as_not_usage_by_kind(ledger_url: str, tmp_path: Path) -> None:
    path = tmp_path / "observations.json"
    path.write_text(json.dumps(LANGFUSE_PAGE))
    ingested = runner.invoke(app, ["ingest", str(path), "--db", ledger_url])
    assert ingested.exit_code == 0, ingested.stderr
    assert "4 rows read, 1 accepted, 0 rejected, 3 skipped as not usage (2 SPAN observation, 1 EVENT observation)" in (
        ingested.stdout.replace("\n", "")
    )
    line = json.loads(runner.invoke(app, ["ingest", str(path), "--json", "--db", ledger_url]).stdout)
    assert (line["rows_skipped"], line["skipped"]) == (3, {"SPAN observation": 2, "EVENT observation": 1})
    import_id = line["import_id"]

    shown = runner.invoke(app, ["imports", "show", str(import_id), "--db", ledger_url]).stdout
    assert "rows read 4, accepted 1, rejected 0, skipped 3" in shown
    assert "skipped as not usage: 2 SPAN observation, 1 EVENT observation" in shown
    as_json = json.loads(runner.invoke(app, ["imports", "show", str(import_id), "--json", "--db", ledger_url]).stdout)
    assert (as_json["rows_skipped"], as_json["skipped"], as_json["rejected"]) == (
        3,
        {"SPAN observation": 2, "EVENT observation": 1},
        [],
    )
    listed = json.loads(runner.invoke(app, ["imports", "list", "--json", "--db", ledger_url]).stdout)
    assert (listed[0]["rows_skipped"], listed[0]["skipped"]) == (3, {"SPAN observation": 2, "EVENT observation": 1})


def test_summary_says_not_in_this_source_rather_than_zero(ledger_url: str) -> None:
    runner.invoke(app, ["ingest", str(FIXTURES / "anthropic_cost_report.json"), "--db", ledger_url])
    totals = json.loads(runner.invoke(app, ["summary", "--json", "--db", ledger_url]).stdout)
    assert totals["input_tokens"] is None and totals["cost_usd"] is None
    assert totals["not_in_source"]["input_tokens"] == totals["rows"]
    table = runner.invoke(app, ["summary", "--db", ledger_url]).stdout
    assert "not in this source" in table and "nothing to price (no tokens)" in table
    assert " 0 " not in table


def test_summary_date_range(ledger_url: str) -> None:
    runner.invoke(app, ["ingest", str(FIXTURES / "openai_usage_completions.json"), "--db", ledger_url])
    one_day = ["--since", "2025-09-01", "--until", "2025-09-01"]
    day = json.loads(runner.invoke(app, ["summary", *one_day, "--json", "--db", ledger_url]).stdout)
    everything = json.loads(runner.invoke(app, ["summary", "--json", "--db", ledger_url]).stdout)
    assert 0 < day["input_tokens"] < everything["input_tokens"]
    bad = runner.invoke(app, ["summary", "--since", "yesterday", "--db", ledger_url])
    assert bad.exit_code == 2


def test_db_url_from_the_environment(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXITPLAN_DB_URL", ledger_url)
    runner.invoke(app, ["ingest", str(FIXTURES / "openai_legacy_v1_usage.json")])
    assert json.loads(runner.invoke(app, ["summary", "--json", "--db", ledger_url]).stdout)["requests"] == 164


README = Path(__file__).parents[2] / "README.md"
CommandEntry = tuple[tuple[str, ...], TyperCommand | TyperGroup]


def _commands(command: TyperCommand | TyperGroup, path: tuple[str, ...] = ()) -> Iterator[CommandEntry]:
    """Every command under ``command`` (itself first), as its words after ``exitplan``."""
    yield path, command
    if isinstance(command, TyperGroup):
        for name, sub in command.commands.items():
            assert isinstance(sub, TyperCommand | TyperGroup), name
            yield from _commands(sub, (*path, name))


def _readme_commands() -> set[tuple[str, ...]]:
    """The commands README.md's "The command line" shows: ``exitplan imports list | show ID`` shows
    ``("imports",)``, ``("imports", "list")`` and ``("imports", "show")``."""
    section = README.read_text().split("\n## The command line\n", 1)[1].split("\n## ", 1)[0]
    shown: set[tuple[str, ...]] = set()
    for line in section.splitlines():
        if not line.startswith("exitplan "):
            continue
        name, _, usage = line.split("#", 1)[0].removeprefix("exitplan ").partition(" ")
        shown.add((name,))
        # A group's subcommands are alternatives separated by " | "; each begins with its name.
        for alternative in usage.split(" | "):
            words = alternative.split()
            if words and re.fullmatch(r"[a-z][a-z-]*", words[0]):
                shown.add((name, words[0]))
    return shown


ROOT = typer.main.get_command(app)
assert isinstance(ROOT, TyperGroup)
COMMANDS = dict(_commands(ROOT))


@pytest.mark.parametrize("path", COMMANDS, ids=lambda path: " ".join(("exitplan", *path)))
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    command = COMMANDS[path]
    assert (command.help or "").strip(), f"exitplan {' '.join(path)} has no help text"
    options = [param.name for param in command.params if isinstance(param, TyperOption) and not param.help]
    assert not options, f"exitplan {' '.join(path)}: options without help text: {options}"
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout


@pytest.mark.parametrize("path", [path for path in COMMANDS if path], ids=" ".join)
def test_every_command_is_in_the_readme(path: tuple[str, ...]) -> None:
    assert path in _readme_commands(), f"README.md's command line does not show exitplan {' '.join(path)}"


def test_the_readme_shows_no_command_that_is_gone() -> None:
    assert _readme_commands() <= set(COMMANDS)


@pytest.mark.parametrize("command", [["summary"], ["imports", "list"], ["workloads", "list"], ["prices", "show", "x"]])
def test_a_user_error_under_any_command_ends_it_with_one_line_and_status_2(command: list[str]) -> None:
    # open_ledger raises InvalidInput for a URL SQLAlchemy cannot open; no command catches it itself.
    result = runner.invoke(app, [*command, "--db", "nosuchdb://user:hunter2@host/ledger"])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1 and "the ledger URL" in result.stderr and "nosuchdb" in result.stderr
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


def test_a_user_error_from_the_installed_command_has_no_traceback() -> None:
    result = run("summary", "--db", "nosuchdb://host/ledger")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "the ledger URL" in result.stderr and "Traceback" not in result.stderr


def test_any_other_error_is_a_bug_and_escapes(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr("app.cli.ledger_summary", broken)
    result = runner.invoke(app, ["summary", "--db", ledger_url])
    assert result.exit_code == 1 and isinstance(result.exception, RuntimeError)


def test_names_from_a_file_print_as_they_are_never_as_console_markup(tmp_path: Path, ledger_url: str) -> None:
    # "[/bold]" in a model's name would be a closing tag to rich's markup: a MarkupError, or a style.
    usage = tmp_path / "markup.csv"
    usage.write_text(
        "timestamp,provider,model,project,requests,input_tokens,output_tokens\n"
        "2025-09-01T10:00:00Z,openai,[/bold] gpt-4o [red]x,team [/],1,100,20\n"
        "2025-09-01T10:00:00Z,openai,[/bold] gpt-4o,team,many,100,20\n"
    )
    assert runner.invoke(app, ["ingest", str(usage), "--db", ledger_url]).exit_code == 0
    shown = runner.invoke(app, ["imports", "show", "1", "--db", ledger_url])
    summary = runner.invoke(app, ["summary", "--db", ledger_url])
    assert shown.exit_code == 0 and "[/bold] gpt-4o,team,many" in shown.output
    assert summary.exit_code == 0 and "[/bold] gpt-4o [red]x" in summary.output


def test_summary_of_many_models_shows_the_costliest_and_says_how_many_more(ledger_url: str, tmp_path: Path) -> None:
    # A gateway that writes a request id into the model name: 60 "models" nobody prices, and two real ones.
    rows = ["timestamp,provider,model,input_tokens,output_tokens"]
    rows += [f"2026-11-02T10:00:00Z,openai,req-{n:04d},100,10" for n in range(60)]
    rows += ["2026-11-02T10:00:00Z,openai,gpt-4o-mini,1000000,0", "2026-11-02T10:00:00Z,openai,gpt-4o,1000000,0"]
    usage = tmp_path / "gateway.csv"
    usage.write_text("\n".join(rows) + "\n")
    assert runner.invoke(app, ["ingest", str(usage), "--db", ledger_url]).exit_code == 0

    table = runner.invoke(app, ["summary", "--db", ledger_url], terminal_width=200).stdout
    lines = [line for line in table.splitlines() if "│" in line and "model" not in line]
    # gpt-4o ($2.50 for 1M input tokens) above gpt-4o-mini ($0.15), then the unpriced ones: 50 rows in all.
    assert len(lines) == 50 and "gpt-4o " in lines[0] and "gpt-4o-mini" in lines[1]
    assert "… and 12 more models (every one with --json)" in table
    assert "Unpriced (60): openai/req-0000, openai/req-0001," in table
    assert "openai/req-0009 and 50 more (every one with --json)" in table and "req-0010" not in table.splitlines()[-1]
    assert len(json.loads(runner.invoke(app, ["summary", "--json", "--db", ledger_url]).stdout)["by_model"]) == 62
