"""`exitplan workloads …` as a user runs it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from analysis.spend import priced_usage
from analysis.workloads import list_workloads, save_workload
from app.cli import app
from collectors.demo import load_demo

runner = CliRunner()
END = date(2026, 10, 31)


def invoke(ledger_url: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["workloads", *args, "--db", ledger_url])
    return result.exit_code, result.stdout, result.stderr


def test_list_json_shows_proposals_unsaved_until_propose_saves_them(
    ledger: Engine, ledger_url: str, tmp_path: Path
) -> None:
    load_demo(ledger, tmp_path, END)
    code, out, err = invoke(ledger_url, "list", "--json")
    assert code == 0, err
    proposed = json.loads(out)
    assert len(proposed) == 7
    # Listing saves nothing: the proposals say so, and have no id yet.
    assert list_workloads(ledger) == []
    assert all(row["saved"] is False and row["id"] is None and row["saved_at"] is None for row in proposed)
    code, out, err = invoke(ledger_url, "propose")
    assert code == 0, err
    code, out, err = invoke(ledger_url, "list", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 7
    for row in rows:
        assert {"id", "name", "monthly_cost_usd", "criticality", "task_category", "share"} <= set(row)
        assert {"rules", "quality_floor_pct", "latency_slo_p95_s", "needs_tools", "batch_tolerant"} <= set(row)
        assert isinstance(row["id"], int) and row["monthly_cost_usd"] > 0 and 0 < row["share"] < 1
        assert "saved" not in row, "saved workloads keep the documented keys"
    # What propose saved is what list proposed, key for key but the id, the save time and the flag.
    unsaved = ("id", "saved_at", "saved")
    assert [{k: v for k, v in r.items() if k not in unsaved} for r in rows] == [
        {k: v for k, v in r.items() if k not in unsaved} for r in proposed
    ]
    support = next(r for r in rows if r["name"] == "Support chat · gpt-4o")
    assert support["criticality"] == "high" and support["task_category"] == "chat"
    # Today's model's retirement at its host, from the registry: OpenAI retires gpt-4o-2024-08-06 on 2027-01-14.
    assert (support["top_host"], support["top_model_id"]) == ("openai", "gpt-4o-2024-08-06")
    assert (support["retires_on"], support["successor"]) == ("2027-01-14", "gpt-6-luna")
    assert support["rules"] == [{"project": "proj_support_bot", "feature": "support-chat", "model": "gpt-4o"}]
    # The monthly figures are the last 30 days' spend for an average month, and cover all of it.
    window = priced_usage(ledger, since=date(2026, 10, 2), until=END)["spend_usd"].sum()
    assert sum(r["monthly_cost_usd"] for r in rows) == pytest.approx(window * 365.25 / 12 / 30, abs=0.05)
    # A second run lists what was saved, edits included.
    first = list_workloads(ledger)[0]
    save_workload(ledger, replace(first, name="Knowledge answers"))
    code, out, _ = invoke(ledger_url, "list", "--json")
    assert json.loads(out)[0]["name"] == "Knowledge answers"


def test_list_marks_proposals_as_not_saved(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, END)
    code, out, err = invoke(ledger_url, "list")
    assert code == 0, err
    assert "No workloads saved yet" in out and "Support chat · gpt-4o" in out and "Unassigned" in out
    assert "Not saved: `exitplan workloads propose` saves them." in out
    assert list_workloads(ledger) == []
    invoke(ledger_url, "propose")
    code, out, err = invoke(ledger_url, "list")
    assert code == 0, err
    assert "Support chat · gpt-4o" in out and "saved" not in out.lower()


def test_list_on_an_empty_ledger(ledger_url: str) -> None:
    code, out, _ = invoke(ledger_url, "list", "--json")
    assert code == 0 and json.loads(out) == []
    code, out, _ = invoke(ledger_url, "list")
    assert code == 0 and "No workloads" in out


def test_propose_refuses_to_add_to_existing_workloads_unless_replacing(
    ledger: Engine, ledger_url: str, tmp_path: Path
) -> None:
    code, _, err = invoke(ledger_url, "propose")
    assert code == 2 and "no usage" in err
    load_demo(ledger, tmp_path, END)
    code, out, err = invoke(ledger_url, "propose")
    assert code == 0, err
    assert "7 workloads saved." in out
    before = {w.id for w in list_workloads(ledger)}
    code, _, err = invoke(ledger_url, "propose")
    assert code == 2 and "--replace" in err
    code, out, err = invoke(ledger_url, "propose", "--replace")
    assert code == 0, err
    assert "7 workloads saved, 7 replaced." in out
    assert not before & {w.id for w in list_workloads(ledger)}


def test_show_a_workload_and_its_history(ledger: Engine, ledger_url: str, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, END)
    invoke(ledger_url, "propose")
    triage = next(w for w in list_workloads(ledger) if w.name.startswith("Ticket triage"))
    save_workload(ledger, replace(triage, criticality="low"))
    code, out, err = invoke(ledger_url, "show", str(triage.id), "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["workload"]["criticality"] == "low" and shown["workload"]["batch_tolerant"] is True
    assert [v["criticality"] for v in shown["history"]] == ["low", "medium"]
    code, out, err = invoke(ledger_url, "show", str(triage.id))
    assert code == 0, err
    assert "Ticket triage · gpt-4o-mini" in out and "batch-tolerant" in out
    code, _, err = invoke(ledger_url, "show", "999")
    assert code == 2 and "no workload 999" in err
