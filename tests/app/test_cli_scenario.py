"""`exitplan scenario …` as a user runs it on the demo company: a template written to a file and run, a plan
suggested and kept, listed, shown and deleted; and what a mistake looks like."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from app.cli import app
from collectors.demo import load_demo
from db.scenarios import list_scenarios

runner = CliRunner()


def test_write_run_suggest_keep_and_delete(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    db = ["--db", ledger_url]
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    refused = runner.invoke(app, ["scenario", "template", *db])
    assert refused.exit_code == 2 and "exitplan workloads propose" in refused.stderr
    runner.invoke(app, ["workloads", "propose", *db])

    written = runner.invoke(app, ["scenario", "template", *db])
    assert written.exit_code == 0, written.stderr
    template = json.loads(written.stdout)
    assert isinstance(template["moves"], list) and template["moves"]
    file = tmp_path / "scenario.json"
    file.write_text(written.stdout)
    ran = runner.invoke(app, ["scenario", "run", str(file), "--json", *db])
    assert ran.exit_code == 0, ran.stderr
    out = json.loads(ran.stdout)
    assert out["horizon_months"] == 24 and len(out["monthly"]) == 24
    assert {"month", "baseline_usd", "scenario_usd"} <= set(out["monthly"][0])
    assert out["savings_range"]["p10"] <= out["savings_range"]["p50"] <= out["savings_range"]["p90"]
    assert out["monthly_savings_usd"] == round(out["baseline_monthly_usd"] - out["scenario_monthly_usd"], 2)
    # How far to trust the baseline: the company's 30 held-out days, predicted within the 10%.
    assert out["forecast"]["backtest_days"] == 30 and abs(out["forecast"]["backtest_total_error"]) < 0.10
    assert {w["workload"] for w in out["forecast"]["workloads"]} >= {w["workload"] for w in out["workloads"]}
    assert list_scenarios(ledger).empty, "run keeps nothing without --save"

    # The README's example file is a scenario the demo company can run.
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    example = re.search(r"A scenario file.*?```json\n(.*?)```", readme, re.S)
    assert example is not None
    file.write_text(example.group(1))
    ran = runner.invoke(app, ["scenario", "run", str(file), *db])
    assert ran.exit_code == 0, ran.stderr
    assert ran.stdout.startswith("Chat off gpt-4o: 24 months from")

    suggested = runner.invoke(app, ["scenario", "suggest", "--max-vendor-share", "0.5", "--save", "Plan A", *db])
    assert suggested.exit_code == 0, suggested.stderr
    assert " moves: " in suggested.stdout and " stays: " in suggested.stdout
    assert "Plan A: 24 months from" in suggested.stdout and "NPV" in suggested.stdout
    assert "Baseline: Checked on the last 30 days" in suggested.stdout
    listed = runner.invoke(app, ["scenario", "list", "--json", *db])
    assert [s["name"] for s in json.loads(listed.stdout)] == ["Plan A"]
    shown = runner.invoke(app, ["scenario", "show", "Plan A", "--json", *db])
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["name"] == "Plan A"
    # Kept, the plan still says why each workload moves or stays, and what it could not meet.
    again = runner.invoke(app, ["scenario", "show", "Plan A", *db]).stdout
    why = [line for line in suggested.stdout.splitlines() if line.startswith(("- ", "Not met: "))]
    assert why and why == [line for line in again.splitlines() if line.startswith(("- ", "Not met: "))]

    assert runner.invoke(app, ["scenario", "delete", "Plan A", *db]).exit_code == 0
    missing = runner.invoke(app, ["scenario", "show", "Plan A", *db])
    assert missing.exit_code == 2 and "no scenario 'Plan A'" in missing.stderr


def test_a_wrong_file_is_refused_with_what_is_wrong(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    file = tmp_path / "bad.json"
    file.write_text(json.dumps({"name": "x", "horizon_months": 18}))
    result = runner.invoke(app, ["scenario", "run", str(file), "--db", ledger_url])
    assert result.exit_code == 2 and "horizon_months must be one of 12, 24, 36" in result.stderr
    result = runner.invoke(app, ["scenario", "run", str(tmp_path / "nowhere.json"), "--db", ledger_url])
    assert result.exit_code == 2 and "nowhere.json" in result.stderr
