"""`exitplan samples …` and `exitplan evaluate …` as a user runs them, against a local fake OpenAI-compatible
server — and what Alternatives and a scenario make of the results afterwards."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from analysis.alternatives import alternatives
from analysis.evaluation import sample_summary
from analysis.report_facts import ledger_facts
from analysis.scenarios.context import scenario_context
from analysis.scenarios.engine import run
from analysis.scenarios.model import Assumptions, Move, Scenario
from analysis.selfhost import SelfHostedOption, save_option
from analysis.workloads import Rule, Workload, list_workloads, save_workload
from app.cli import app
from collectors import ingest, source_from_bytes
from db.prompt_samples import sample_index
from pricing.sources import load_book
from reports.pack import report_pack
from reports.render import render_report
from tests.collectors.test_prompt_samples import _litellm_csv
from tests.fake_openai import Script, fake_openai

runner = CliRunner()
KEY = "sk-TESTSECRET-9f8e7d6c5b4a3210zyxwvuts"
HEADER = "timestamp,provider,model,project,requests,input_tokens,output_tokens,cached_input_tokens,latency_ms\n"
CANDIDATE = "A concise answer that is a little longer than today's."


def _judge(messages: list[dict[str, str]]) -> str:
    body = messages[-1]["content"]
    a = body.split("<answer_a>")[1].split("</answer_a>")[0]
    return "Verdict: " + ("A" if "concise" in a else "B")


def _ledger(ledger: Engine) -> Workload:
    rows = "".join(
        f"2025-09-{day:02d}T10:00:00Z,openai,gpt-4o,chat,100,1000000,100000,0,{900 + 40 * day}\n" for day in range(1, 8)
    )
    ingest(ledger, source_from_bytes("usage.csv", (HEADER + rows).encode()))
    # An objective a measured latency meets with room to spare: ~3,000 output tokens at the fake server's
    # pace (200 tokens/s as scripted, a good deal slower on a busy machine) take well under five minutes.
    return save_workload(ledger, Workload(None, "Chat", (Rule(project="chat"),), latency_slo_p95_s=300.0))


def _samples(tmp_path: Path, n: int = 6) -> Path:
    lines = [
        {
            "messages": [{"role": "user", "content": f"Customer {i} (ann{i}@example.com) asks about refund {i}."}],
            "response": f"Today's answer {i}.",
        }
        for i in range(n)
    ]
    path = tmp_path / "samples.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines))
    return path


def _stored_bytes(ledger_url: str) -> bytes:
    folder = Path(ledger_url.removeprefix("sqlite:///")).parent
    return b"".join(p.read_bytes() for p in folder.glob("ledger.db*"))


def test_evaluate_feeds_alternatives_and_scenarios(
    ledger: Engine, ledger_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    workload = _ledger(ledger)
    added = runner.invoke(app, ["samples", "add", str(_samples(tmp_path)), "--workload", "Chat", "--db", ledger_url])
    assert added.exit_code == 0, added.output
    assert "6 lines, 6 samples added" in added.stdout

    monkeypatch.setenv("EXITPLAN_OPENAI_API_KEY", KEY)
    scripts = {"gpt-4o-mini": Script(CANDIDATE, ttft_s=0.05, chunk_s=0.005), "judge": Script(_judge)}
    with fake_openai(scripts) as server:
        args = ["evaluate", "Chat", "--candidate", "openai/gpt-4o-mini", "--judge", "local/judge"]
        args += ["--base-url", f"openai={server.base_url}", "--base-url", f"local={server.base_url}"]
        result = runner.invoke(app, [*args, "--n", "5", "--yes", "--json", "--db", ledger_url])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"workload", "n", "judge", "candidates"}
    assert (out["workload"], out["n"], out["judge"]) == ("Chat", 5, "local/judge")
    [row] = out["candidates"]
    assert set(row) == {
        "host",
        "model",
        "n",
        "wins",
        "ties",
        "losses",
        "win_rate",
        "win_rate_ci",
        "ttft_p50_s",
        "ttft_p95_s",
        "tokens_per_s",
        "output_ratio",
        "cost_usd",
    }
    assert (row["host"], row["model"], row["n"], row["wins"], row["ties"], row["losses"]) == (
        "openai",
        "gpt-4o-mini",
        5,
        5,
        0,
        0,
    )
    assert row["win_rate"] == 1.0 and row["win_rate_ci"][0] == pytest.approx(0.5655, abs=1e-4)
    assert row["cost_usd"] > 0 and row["ttft_p50_s"] > 0 and row["tokens_per_s"] > 0
    assert "Estimated cost" in result.stderr
    # The candidate's host got the key; the local judge none. Prompts went out redacted.
    assert {r.authorization for r in server.requests_for("gpt-4o-mini")} == {f"Bearer {KEY}"}
    assert {r.authorization for r in server.requests_for("judge")} == {None}
    assert len(server.requests_for("judge")) == 10
    assert "[EMAIL]" in server.requests_for("gpt-4o-mini")[0].messages[0]["content"]
    # The key reached neither the ledger nor anything said.
    for said in (result.stdout, result.stderr, caplog.text):
        assert KEY not in said and "TESTSECRET" not in said
    if ledger_url.startswith("sqlite:///"):
        assert b"TESTSECRET" not in _stored_bytes(ledger_url)

    # Alternatives: the measured latency, the win rate, the measured answer length in the cost.
    shown = runner.invoke(
        app, ["alternatives", "Chat", "--host", "openai", "--top", "50", "--json", "--db", ledger_url]
    )
    assert shown.exit_code == 0, shown.output
    mini = next(c for c in json.loads(shown.stdout)["candidates"] if c["model"] == "gpt-4o-mini")
    assert mini["latency_source"].startswith("your measurements (exitplan evaluate Chat: openai/gpt-4o-mini")
    assert mini["latency_p95_s"] is not None and mini["meets_slo"] is True
    evidence = mini["quality_evidence"]
    assert (evidence["metric"], evidence["value"], evidence["incumbent_value"], evidence["n"]) == (
        "win_rate",
        1.0,
        0.5,
        5,
    )
    assert evidence["interval"][0] == pytest.approx(0.5655, abs=1e-4)
    assert mini["quality_grade"] == "ok" and "judged by" not in mini["quality_source"]
    ratio = len(CANDIDATE) / sum(len(f"Today's answer {i}.") for i in range(5)) * 5
    assert mini["output_ratio"] == pytest.approx(ratio, abs=1e-4)
    assert "as measured on your prompts" in mini["reasons"][0] and "Replaying 5 of your prompts" in mini["reasons"][1]

    # The cost's base case is the one a verbosity of the measured ratio gives, without the replay.
    today = datetime.now(UTC).date()
    book = load_book(ledger)
    workloads = list_workloads(ledger)
    assumed = alternatives(ledger, workload, workloads, book=book, today=today, verbosity=ratio, replays=_none())
    same = next(c for c in assumed.candidates if c.host == "openai" and c.model == "gpt-4o-mini")
    assert mini["monthly_cost_usd"]["base"] == pytest.approx(same.monthly_cost_usd.base, abs=0.01)
    assert same.quality.evidence is None or same.quality.evidence.metric != "win_rate"

    # A scenario built on it uses the same cost, quality and latency.
    context = scenario_context(ledger, book=book, today=today)
    assert context is not None
    target = context.case("Chat").option("openai", "gpt-4o-mini")
    assert target is not None and target.output_ratio == pytest.approx(ratio)
    scenario = Scenario("Chat to mini", (Move("Chat", "openai", "gpt-4o-mini"),), 12, Assumptions(growth=0.0))
    outcome = run(scenario, context, uncertainty=False)
    chat = next(w for w in outcome.workloads if w.workload == "Chat")
    assert chat.quality_after == target.quality.summary() and chat.quality_after.startswith("wins 100% of 5")
    assert chat.latency_after_s == pytest.approx(mini["latency_p95_s"])
    assert target.monthly_cost_usd.base == pytest.approx(mini["monthly_cost_usd"]["base"], abs=0.005)
    assert outcome.months[0].scenario_usd == pytest.approx(target.monthly_cost_usd.base)
    # ... and so does the leadership pack.
    pack = report_pack(scenario, outcome, context, ledger_facts(ledger, book=book, today=today), three_year_range=False)
    page = render_report("md", [pack], generated_at=datetime.now(UTC), charts=None).decode()
    assert f"wins 100% of 5 against today (57–100%), replayed {today.isoformat()}" in page


def _none() -> object:
    import pandas as pd

    return pd.DataFrame(columns=["workload", "host", "model"])


def test_the_budget_stops_the_command_and_429s_are_retried(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    _ledger(ledger)
    runner.invoke(app, ["samples", "add", str(_samples(tmp_path, 20)), "--workload", "Chat", "--db", ledger_url])
    scripts = {"gpt-4o-mini": Script("Short.", fail_first=[429, 429], retry_after="0")}
    with fake_openai(scripts) as server:
        args = ["evaluate", "Chat", "--candidate", "openai/gpt-4o-mini", "--base-url", f"openai={server.base_url}"]
        # gpt-4o-mini: a prompt of ~20 tokens and an answer of ~5 cost about $0.000006: $0.00003 pays for five.
        result = runner.invoke(
            app,
            [
                *args,
                "--n",
                "20",
                "--budget-usd",
                "0.00003",
                "--concurrency",
                "1",
                "--yes",
                "--json",
                "--db",
                ledger_url,
            ],
        )
    assert result.exit_code == 0, result.output
    assert "The budget of" in result.stderr
    row = json.loads(result.stdout)["candidates"][0]
    assert 0 < row["n"] < 20 and row["cost_usd"] <= 0.00003 + 1e-9
    assert server.failures == [("gpt-4o-mini", 429), ("gpt-4o-mini", 429)]
    assert len(server.requests_for("gpt-4o-mini")) == row["n"] + 2
    assert row["wins"] is None  # no judge named, and a chat workload has no default check


def test_a_model_on_your_own_server_is_evaluated_as_a_self_hosted_option(
    ledger: Engine, ledger_url: str, tmp_path: Path
) -> None:
    _ledger(ledger)
    option = SelfHostedOption("Ollama box", "qwen2.5:7b", "L4", 0.8, 1, 40.0, 0.5, 0.0, 32_768)
    save_option(ledger, option)
    runner.invoke(app, ["samples", "add", str(_samples(tmp_path)), "--workload", "Chat", "--db", ledger_url])
    scripts = {"qwen2.5:7b": Script("Yes it is.", ttft_s=0.02, chunk_s=0.005), "judge": Script("Verdict: tie")}
    with fake_openai(scripts) as server:
        args = ["evaluate", "Chat", "--candidate", "self-hosted/qwen2.5:7b", "--judge", "local/judge", "--yes"]
        args += ["--base-url", f"self-hosted={server.base_url}", "--base-url", f"local={server.base_url}"]
        result = runner.invoke(app, [*args, "--json", "--db", ledger_url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["candidates"][0]["cost_usd"] is None  # nobody prices your own server
    assert "Estimated cost unknown: no call has a price, 6 prompts" in result.stderr
    said = "No price for self-hosted/qwen2.5:7b; judge (local/judge): those calls do not count against the budget."
    assert said in result.stderr
    shown = json.loads(
        runner.invoke(app, ["alternatives", "Chat", "--top", "2000", "--json", "--db", ledger_url]).stdout
    )
    mine = next(c for c in shown["candidates"] if c["host"] == "self-hosted")
    assert mine["quality_evidence"]["metric"] == "win_rate" and mine["quality_evidence"]["value"] == 0.5
    assert mine["latency_source"].startswith("your measurements") and mine["output_ratio"] < 1


def test_the_table_says_when_on_how_many_and_how_sure(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    _ledger(ledger)
    runner.invoke(app, ["samples", "add", str(_samples(tmp_path)), "--workload", "Chat", "--db", ledger_url])
    scripts = {"gpt-4o-mini": Script(CANDIDATE), "judge": Script(_judge)}
    with fake_openai(scripts) as server:
        args = ["evaluate", "Chat", "--candidate", "openai/gpt-4o-mini", "--judge", "local/judge", "--yes"]
        args += ["--base-url", f"openai={server.base_url}", "--base-url", f"local={server.base_url}"]
        result = runner.invoke(app, [*args, "--db", ledger_url], terminal_width=200)
    assert result.exit_code == 0, result.output
    day = datetime.now(UTC).date().isoformat()
    assert f"Chat, evaluated {day}: 6 prompts (6 with today's answer" in result.stdout
    # 6 wins of 6: Wilson's interval is 61%–100%; the estimate of a call under a cent is not "$0.00".
    assert "6/0/0" in result.stdout and "100% (61%–100%)" in result.stdout and "judge: local/judge" in result.stdout
    assert "openai/gpt-4o-mini: 6 calls, under $0.0001" in result.stderr and "$0.00 " not in result.stderr


def test_evaluate_before_any_workload_is_saved_says_how_to_save_them(ledger: Engine, ledger_url: str) -> None:
    row = "2025-09-01T10:00:00Z,openai,gpt-4o,chat,1,1,1,0,1\n"
    ingest(ledger, source_from_bytes("usage.csv", (HEADER + row).encode()))
    result = runner.invoke(app, ["evaluate", "Chat", "--candidate", "openai/gpt-4o-mini", "--db", ledger_url])
    assert result.exit_code == 2 and "`exitplan workloads propose` saves them" in result.stderr


def test_evaluate_without_an_endpoint_or_samples_is_one_line(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    _ledger(ledger)
    result = runner.invoke(app, ["evaluate", "Chat", "--candidate", "openai/gpt-4o-mini", "--yes", "--db", ledger_url])
    assert result.exit_code == 2 and "has no prompt samples" in result.stderr and result.stderr.count("\n") == 1
    runner.invoke(app, ["samples", "add", str(_samples(tmp_path)), "--workload", "Chat", "--db", ledger_url])
    result = runner.invoke(app, ["evaluate", "Chat", "--candidate", "my-vllm/qwen3", "--yes", "--db", ledger_url])
    assert result.exit_code == 2 and "no endpoint for host 'my-vllm'" in result.stderr
    result = runner.invoke(app, ["evaluate", "Chat", "--candidate", "qwen3", "--yes", "--db", ledger_url])
    assert result.exit_code == 2 and "give HOST/MODEL" in result.stderr
    # Without --yes and no terminal to confirm on, it says what it would cost and stops.
    result = runner.invoke(
        app,
        [
            "evaluate",
            "Chat",
            "--candidate",
            "my-vllm/qwen3",
            "--base-url",
            "my-vllm=http://127.0.0.1:9/v1",
            "--db",
            ledger_url,
        ],
    )
    assert result.exit_code == 2 and "add --yes" in result.stderr


def test_samples_list_and_purge(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    _ledger(ledger)
    runner.invoke(app, ["samples", "add", str(_samples(tmp_path)), "--workload", "Chat", "--db", ledger_url])
    listed = runner.invoke(app, ["samples", "list", "--json", "--db", ledger_url])
    [row] = json.loads(listed.stdout)
    assert (row["workload"], row["samples"], row["with_response"], row["redacted"]) == ("Chat", 6, 6, 6)
    assert "refund" not in listed.stdout  # counts, never content
    table = runner.invoke(app, ["samples", "list", "--db", ledger_url])
    assert "Chat" in table.stdout and "samples.jsonl" in table.stdout
    purged = runner.invoke(app, ["samples", "purge", "Chat", "--db", ledger_url])
    assert purged.exit_code == 0 and "6 prompt samples of Chat deleted" in purged.stdout
    assert sample_index(ledger).empty


def test_samples_are_added_to_the_workload_evaluate_would_find(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    _ledger(ledger)
    # "chat" names the saved workload "Chat" as `exitplan evaluate chat` does: the samples go under its name.
    added = runner.invoke(app, ["samples", "add", str(_samples(tmp_path)), "--workload", "chat", "--db", ledger_url])
    assert "6 samples added to workload 'Chat'" in added.stdout and "No saved workload" not in added.stdout
    assert set(sample_index(ledger)["workload"]) == {"Chat"}
    other = runner.invoke(app, ["samples", "add", str(_samples(tmp_path)), "--workload", "Triage", "--db", ledger_url])
    assert "No saved workload is called 'Triage' yet" in other.stdout


def test_ingest_keeps_prompts_only_when_asked(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    path = tmp_path / "spend.csv"
    path.write_bytes(_litellm_csv())
    plain = runner.invoke(app, ["ingest", str(path), "--json", "--db", ledger_url])
    assert plain.exit_code == 0 and "prompts" not in json.loads(plain.stdout)
    assert sample_index(ledger).empty
    kept = runner.invoke(app, ["ingest", str(path), "--keep-prompts", "2", "--json", "--db", ledger_url])
    line = json.loads(kept.stdout)
    assert line["duplicate"] and line["prompts"]["carries_content"] and line["prompts"]["kept"] > 0
    assert line["prompts"]["not_replayable"] == 1  # the row with an image
    said = runner.invoke(app, ["ingest", str(path), "--keep-prompts", "2", "--db", ledger_url])
    assert "prompts: 0 samples kept of" in said.stdout  # the same prompts again add nothing
    summary = sample_summary(ledger, list_workloads(ledger))
    assert summary["samples"].sum() == len(sample_index(ledger)) and list(summary["workload"]) == [None]
    # Listed, prompts no workload claims are said to be so (not a traceback).
    listed = runner.invoke(app, ["samples", "list", "--db", ledger_url], terminal_width=200)
    assert listed.exit_code == 0 and "(no workload claims them)" in listed.stdout
    assert (
        json.loads(runner.invoke(app, ["samples", "list", "--json", "--db", ledger_url]).stdout)[0]["workload"] is None
    )
