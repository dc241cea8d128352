"""`exitplan alternatives WORKLOAD --json` as a user runs it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from analysis.workloads import list_workloads
from app.cli import app
from collectors.demo import load_demo

runner = CliRunner()


def test_alternatives_json_shape_and_ranking(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    assert runner.invoke(app, ["workloads", "propose", "--db", ledger_url]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["workloads", "list", "--json", "--db", ledger_url]).stdout)
    code_review = next(w for w in listed if w["task_category"] == "code")
    result = runner.invoke(app, ["alternatives", str(code_review["id"]), "--top", "3", "--json", "--db", ledger_url])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"workload", "incumbent", "top_candidate", "candidates", "excluded"}
    # Claude Sonnet 4.5 retired at Anthropic on 2026-11-30; its successor is named, and priced below.
    assert (out["incumbent"]["retires_on"], out["incumbent"]["successor"]) == ("2026-11-30", "claude-sonnet-5-5")
    assert out["excluded"]["a safety classifier (guard or moderation model)"] > 0
    assert out["workload"]["name"] == code_review["name"]
    assert len(out["candidates"]) == 3
    for option in [out["incumbent"], *out["candidates"]]:
        assert {
            "model",
            "host",
            "monthly_cost_usd",
            "latency_p95_s",
            "quality_grade",
            "fits",
            "reasons",
            "eligible",
            "excluded_reason",
            "quality_evidence",
            "maturity",
        } <= set(option)
        assert set(option["monthly_cost_usd"]) == {"low", "base", "high"}
    first = out["candidates"][0]
    assert (first["host"], first["model"]) == (out["top_candidate"]["host"], out["top_candidate"]["model"])
    assert first["eligible"] and first["excluded_reason"] is None and first["maturity"] == "ga"
    assert set(first["quality_evidence"]) == {"source", "as_of", "metric", "value", "incumbent_value"}
    assert out["incumbent"]["model"].startswith("claude-sonnet-4-5")
    # The incumbent's latency is observed from the demo gateway's traffic.
    assert out["incumbent"]["latency_p95_s"] > out["incumbent"]["latency_p50_s"] > 0
    assert first["fits"] and first["reasons"] and first["monthly_cost_usd"]["low"] <= first["monthly_cost_usd"]["high"]


def test_unknown_workload_is_one_line(ledger_url: str) -> None:
    result = runner.invoke(app, ["alternatives", "nope", "--db", ledger_url])
    assert result.exit_code == 2 and "no workload 'nope'" in result.stderr


def test_without_saved_workloads_it_says_how_to_save_them(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    result = runner.invoke(app, ["alternatives", "Code review", "--db", ledger_url])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "exitplan workloads propose" in result.stderr
    assert list_workloads(ledger) == [], "nothing is saved unasked"


def test_a_verbosity_factor_raises_candidates_output_costs(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    assert runner.invoke(app, ["workloads", "propose", "--db", ledger_url]).exit_code == 0

    def candidates(*extra: str) -> dict[tuple[str, str], dict]:
        result = runner.invoke(app, ["alternatives", "1", "--top", "20", "--json", "--db", ledger_url, *extra])
        assert result.exit_code == 0, result.stderr
        return {(c["host"], c["model"]): c for c in json.loads(result.stdout)["candidates"]}

    plain, longer = candidates(), candidates("--verbosity", "1.5")
    both = plain.keys() & longer.keys()
    assert both
    for key in both:
        assert longer[key]["monthly_cost_usd"]["base"] > plain[key]["monthly_cost_usd"]["base"]
        assert "(your setting)" in longer[key]["reasons"][0]
    assert runner.invoke(app, ["alternatives", "1", "--verbosity", "0", "--db", ledger_url]).exit_code == 2


def test_all_lists_the_models_left_out_with_their_reasons(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    runner.invoke(app, ["workloads", "propose", "--db", ledger_url])
    shown = runner.invoke(app, ["alternatives", "1", "--top", "5", "--json", "--db", ledger_url])
    everything = runner.invoke(app, ["alternatives", "1", "--top", "5", "--all", "--json", "--db", ledger_url])
    assert shown.exit_code == everything.exit_code == 0, everything.stderr
    eligible, listed = json.loads(shown.stdout)["candidates"], json.loads(everything.stdout)["candidates"]
    assert all(c["eligible"] for c in eligible) and len(eligible) == 5
    left_out = [c for c in listed if not c["eligible"]]
    assert left_out and all(c["excluded_reason"] for c in left_out)
    assert sum(json.loads(everything.stdout)["excluded"].values()) == len(left_out)
    # The table says what was left out and why, and the top candidate in sentences.
    table = runner.invoke(app, ["alternatives", "1", "--top", "5", "--db", ledger_url])
    assert "Left out (" in table.stdout and "a safety classifier" in table.stdout
    assert "Top candidate with evidence:" in table.stdout
