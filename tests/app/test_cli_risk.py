"""`exitplan risk` as a user runs it on the demo company."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from analysis.spend import priced_usage
from app.cli import app
from collectors.demo import load_demo

runner = CliRunner()
END = date(2026, 10, 31)


def test_risk_json_shape_and_the_hhi_by_hand(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, END)
    assert runner.invoke(app, ["risk", "--db", ledger_url]).exit_code == 2, "no workloads saved yet"
    runner.invoke(app, ["workloads", "propose", "--db", ledger_url])
    result = runner.invoke(app, ["risk", "--json", "--db", ledger_url])
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) == {"score", "factors", "actions", "workloads"}
    assert 0 < out["score"] < 100
    assert sum(f["points"] for f in out["factors"]) == pytest.approx(out["score"], abs=0.1)
    for factor in out["factors"]:
        assert {"name", "value", "weight", "points", "explanation"} <= set(factor)
    for action in out["actions"]:
        assert action["description"].startswith("Move ") and action["score_after"] < out["score"]
    assert len(out["workloads"]) == 7 and all(0 <= w["score"] <= 100 for w in out["workloads"])
    # The HHI of the providers' shares of spend over the window (the 30 days ending on the last day).
    priced = priced_usage(ledger, since=END - timedelta(days=29), until=END)
    shares = priced.groupby("provider")["spend_usd"].sum() / priced["spend_usd"].sum()
    hhi = next(f for f in out["factors"] if f["name"] == "hhi_vendors")
    assert hhi["value"] == pytest.approx(float(((shares * 100) ** 2).sum()), rel=1e-6)


def test_risk_table(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, END)
    runner.invoke(app, ["workloads", "propose", "--db", ledger_url])
    result = runner.invoke(app, ["risk", "--db", ledger_url])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Dependency risk ") and "/100" in result.stdout
    assert "Provider concentration (HHI)" in result.stdout and "What would lower it most:" in result.stdout
