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
    assert set(out) == {"workload", "incumbent", "candidates"}
    assert out["workload"]["name"] == code_review["name"]
    assert len(out["candidates"]) == 3
    for option in [out["incumbent"], *out["candidates"]]:
        assert {"model", "host", "monthly_cost_usd", "latency_p95_s", "quality_grade", "fits", "reasons"} <= set(option)
        assert set(option["monthly_cost_usd"]) == {"low", "base", "high"}
    assert out["incumbent"]["model"].startswith("claude-sonnet-4-5")
    # The incumbent's latency is observed from the demo gateway's traffic.
    assert out["incumbent"]["latency_p95_s"] > out["incumbent"]["latency_p50_s"] > 0
    first = out["candidates"][0]
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
