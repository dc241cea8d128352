"""`exitplan ingest` then `exitplan summary --json` reproduces every sample's own totals.

The figures were computed from the raw sample files by independent scripts following FORMATS.md (see the
format tests in tests/collectors for the derivations); here they are checked end to end through the CLI.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from app.cli import app
from tests.conftest import FIXTURES

runner = CliRunner()

SAMPLES: dict[str, dict[str, float | int | None]] = {
    "anthropic_usage_report.json": {
        "input_tokens": 173_924_535,
        "cache_write_tokens": 10_634_483,
        "output_tokens": 5_871_874,
        "requests": None,
    },
    "anthropic_console_usage_export.csv": {"input_tokens": 173_924_535, "output_tokens": 5_871_874},
    "anthropic_cost_report.json": {"reported_cost_usd": 212.9146315, "input_tokens": None},
    "anthropic_console_cost_export.csv": {"reported_cost_usd": 208.52},
    "bedrock_invocation_logs.jsonl": {"input_tokens": 266_878, "output_tokens": 33_379, "requests": 60},
    "gemini_generate_content_responses.jsonl": {
        "input_tokens": 215_289,
        "output_tokens": 78_153,
        "reasoning_tokens": 50_397,
    },
    "gcp_billing_export_v1.jsonl": {"reported_cost_usd": 181.218526},
    "azure_cost_details_export.csv": {"reported_cost_usd": 49.762874},
    "azure_monitor_metrics_response.json": {"input_tokens": 4_844_331, "output_tokens": 602_559, "requests": 2_058},
    "focus_cost_export.csv": {"reported_cost_usd": 171.558249},
    "otel_genai_spans.jsonl": {
        "input_tokens": 345_975,
        "cache_read_tokens": 24_854,
        "output_tokens": 55_823,
        "requests": 97,
    },
    "litellm_spendlogs.csv": {
        "input_tokens": 324_941,
        "output_tokens": 39_262,
        "requests": 79,
        "reported_cost_usd": 0.671233,
    },
    "helicone_requests.jsonl": {"input_tokens": 290_643, "output_tokens": 34_718, "reported_cost_usd": 0.767424},
    "helicone_requests.csv": {"input_tokens": 246_778, "output_tokens": 34_718},
    "langfuse_observations_v2.json": {"input_tokens": 230_463, "output_tokens": 37_098, "reported_cost_usd": 0.699521},
    "langfuse_generations.csv": {"input_tokens": 230_463, "output_tokens": 37_098},
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_summary_after_ingest_matches_the_sample(name: str, ledger_url: str) -> None:
    ingested = runner.invoke(app, ["ingest", str(FIXTURES / name), "--json", "--db", ledger_url])
    assert ingested.exit_code == 0, ingested.stderr
    totals = json.loads(runner.invoke(app, ["summary", "--json", "--db", ledger_url]).stdout)
    for key, expected in SAMPLES[name].items():
        if expected is None:
            assert totals[key] is None, key
        else:
            assert totals[key] == pytest.approx(expected, abs=0.005 if "cost" in key else 0), key


def test_imports_show_reconciles_computed_and_reported_cost(ledger_url: str) -> None:
    options = ["--json", "--db", ledger_url]
    result = json.loads(runner.invoke(app, ["ingest", str(FIXTURES / "litellm_spendlogs.csv"), *options]).stdout)
    shown = json.loads(runner.invoke(app, ["imports", "show", str(result["import_id"]), *options]).stdout)
    by_model = {row["model"]: row for row in shown["reconciliation"]}
    gpt4o = next(row for model, row in by_model.items() if model.startswith("gpt-4o"))
    assert gpt4o["reported_usd"] > 0 and gpt4o["computed_usd"] > 0
    assert gpt4o["flagged"] == (abs(gpt4o["gap_share"]) > 0.02)
