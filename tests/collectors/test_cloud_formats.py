"""Cloud-provider and open-standard samples import with the totals their own semantics give, and each
format's trap holds: Bedrock cache counts outside input, Gemini cached tokens inside the prompt and thoughts
outside the candidates, OTel's renamed attributes, Azure Monitor's total-token metrics never added, billing
rows that are not AI usage skipped and counted per kind (and rows not in USD rejected with a reason), and a
measure a source does not report kept unknown (None), never 0."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from analysis.reconcile import reconcile
from analysis.spend import summary
from collectors import IngestResult, ingest, source_from_bytes, source_from_path
from collectors.detect import detect
from collectors.formats.attribution import model_named, tags_feature
from collectors.formats.focus import direction
from collectors.formats.otel import span_host
from db.imports import rejected_rows_of
from db.usage import read_usage
from tests.conftest import FIXTURES

# Expected numbers were computed beforehand by a throwaway script that read the raw samples with json/csv
# (no exitplan code) following FORMATS.md: Bedrock input = inputTokenCount + cacheRead + cacheWrite (§4.1);
# Gemini input = promptTokenCount (cached inside) + toolUsePromptTokenCount, output = candidates + thoughts
# (§5.1); OTel input_tokens include cache reads (§8); billing exports sum their cost column per row (§3.2,
# §5.2, §9 EffectiveCost); Azure Monitor sums ProcessedPromptTokens / GeneratedTokens / AzureOpenAIRequests.
TOKENS = ("requests", "input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens")
BEDROCK = {
    "requests": 60,
    "input_tokens": 266_878,  # inputTokenCount alone sums to 210_899
    "cache_read_tokens": 44_854,
    "cache_write_tokens": 11_125,
    "output_tokens": 33_379,
    "reasoning_tokens": None,  # not in this source
}
GEMINI = {
    "requests": 40,
    "input_tokens": 215_289,
    "cache_read_tokens": 57_112,
    "cache_write_tokens": None,  # Gemini reports no cache writes
    "output_tokens": 78_153,
    "reasoning_tokens": 50_397,
}
OTEL = {
    "requests": 97,
    "input_tokens": 345_975,
    # Only 18 of the 97 spans carry a cache-read count (semconv ≥ 1.40), none a cache-write or reasoning count;
    # the 17 embedding spans have no output and no cache, so 0. What is known is summed, the rest is not in the
    # source (not_in_source counts it).
    "cache_read_tokens": 24_854,
    "cache_write_tokens": 0,
    "output_tokens": 55_823,
    "reasoning_tokens": 0,
}
AZURE_MONITOR = {
    "requests": 2_058,
    "input_tokens": 4_844_331,
    "cache_read_tokens": None,  # the metrics carry no cache or reasoning split
    "cache_write_tokens": None,
    "output_tokens": 602_559,
    "reasoning_tokens": None,
}

SAMPLES = [
    ("bedrock_invocation_logs.jsonl", "bedrock_invocation_logs"),
    ("gemini_generate_content_responses.jsonl", "gemini_usage_metadata"),
    ("gcp_billing_export_v1.jsonl", "gcp_billing_export"),
    ("azure_cost_details_export.csv", "azure_cost_export"),
    ("azure_monitor_metrics_response.json", "azure_monitor_metrics"),
    ("focus_cost_export.csv", "focus_csv"),
    ("otel_genai_spans.jsonl", "otel_genai_spans"),
]


@pytest.mark.parametrize(("name", "format_name"), SAMPLES)
def test_detected_from_content(name: str, format_name: str, tmp_path: Path) -> None:
    renamed = tmp_path / "export.bin"
    renamed.write_bytes((FIXTURES / name).read_bytes())
    assert detect(source_from_path(renamed)).name == format_name


def _ingest(ledger: Engine, name: str, content: str | bytes) -> IngestResult:
    data = content.encode() if isinstance(content, str) else content
    return ingest(ledger, source_from_bytes(name, data))


def _tokens(ledger: Engine) -> dict[str, Any]:
    totals = summary(ledger).as_dict()
    return {key: totals[key] for key in TOKENS}


def _reasons(ledger: Engine, result: IngestResult) -> list[str]:
    return rejected_rows_of(ledger, result.import_id)["reason"].tolist()


def _lines(name: str) -> list[str]:
    return (FIXTURES / name).read_text().splitlines()


# --- AWS Bedrock -------------------------------------------------------------------------------------


def test_bedrock_totals_add_cache_counts_to_input(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "bedrock_invocation_logs.jsonl"))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (60, 60, 0)
    assert _tokens(ledger) == BEDROCK
    by_model = {model: row["input_tokens"] for model, row in summary(ledger).as_dict()["by_model"].items()}
    # Inference-profile prefixes stay part of the model id.
    assert by_model == {
        "meta.llama3-1-70b-instruct-v1:0": 62_603,
        "anthropic.claude-3-5-haiku-20241022-v1:0": 79_377,
        "amazon.nova-pro-v1:0": 29_111,
        "us.anthropic.claude-sonnet-4-20250514-v1:0": 95_787,
    }
    usage = read_usage(ledger, ["provider", "host"])
    assert usage[["provider", "host"]].values.tolist() == [["aws", "us-east-1"]]
    # Only Converse responses carry metrics.latencyMs: 24 of them, summing to 113 214 ms.
    assert (int(usage["latency_count"].sum()), float(usage["latency_sum_ms"].sum())) == (24, 113_214.0)


def test_bedrock_line_dimensions_and_cache_outside_input(ledger: Engine) -> None:
    line = {
        "schemaType": "ModelInvocationLog",
        "timestamp": "2025-09-03T05:28:12Z",
        "accountId": "123456789012",
        "identity": {"arn": "arn:aws:sts::123456789012:assumed-role/bot/task"},
        "region": "eu-west-1",
        "modelId": "eu.anthropic.claude-3-5-haiku-20241022-v1:0",
        "input": {"inputTokenCount": 443, "cacheReadInputTokenCount": 2574, "cacheWriteInputTokenCount": 100},
        "output": {"outputTokenCount": 1050, "outputBodyJson": {"metrics": {"latencyMs": 1325}}},
        "requestMetadata": {"team": "support", "feature": "triage"},
    }
    failed = {**line, "errorCode": "ThrottlingException", "input": {"inputTokenCount": 10}}
    result = _ingest(ledger, "logs.jsonl", json.dumps(line) + "\n" + json.dumps(failed) + "\n")
    # A failed invocation is not billed usage: skipped and counted, not rejected.
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (2, 1, 0, 1)
    assert result.skipped == {"failed invocation (ThrottlingException)": 1}
    assert _tokens(ledger)["input_tokens"] == 443 + 2574 + 100
    row = read_usage(ledger, ["host", "model", "project", "user", "feature"]).iloc[0]
    assert (row["host"], row["model"], row["project"], row["feature"]) == (
        "eu-west-1",
        "eu.anthropic.claude-3-5-haiku-20241022-v1:0",
        "123456789012",
        "triage",
    )
    assert row["user"] == "arn:aws:sts::123456789012:assumed-role/bot/task"


# --- Gemini / Vertex AI ------------------------------------------------------------------------------


def test_gemini_totals(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "gemini_generate_content_responses.jsonl"))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (40, 40, 0)
    assert _tokens(ledger) == GEMINI
    assert summary(ledger).as_dict()["by_provider"].keys() == {"google"}
    assert set(summary(ledger).as_dict()["by_model"]) == {"gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.0-flash-001"}


def test_gemini_cached_inside_prompt_thoughts_outside_candidates(ledger: Engine) -> None:
    response = {
        "usageMetadata": {
            "promptTokenCount": 100,
            "cachedContentTokenCount": 40,
            "toolUsePromptTokenCount": 7,
            "candidatesTokenCount": 10,
            "thoughtsTokenCount": 5,
            "totalTokenCount": 122,
            "trafficType": "ON_DEMAND_FLEX",
        },
        "modelVersion": "gemini-2.5-flash",
        "createTime": "2025-09-01T07:45:35.291970Z",
        "latencyMs": 820,
    }
    no_time = {k: v for k, v in response.items() if k != "createTime"}
    result = _ingest(ledger, "responses.jsonl", json.dumps(response) + "\n" + json.dumps(no_time) + "\n")
    assert (result.rows_accepted, result.rows_rejected) == (1, 1)
    assert _reasons(ledger, result) == ["createTime is missing"]
    assert _tokens(ledger) == {
        "requests": 1,
        "input_tokens": 107,  # the prompt count already holds the 40 cached tokens
        "cache_read_tokens": 40,
        "cache_write_tokens": None,
        "output_tokens": 15,  # thinking tokens are counted apart from the candidates
        "reasoning_tokens": 5,
    }
    row = read_usage(ledger, ["service_tier"]).iloc[0]
    assert (row["service_tier"], row["latency_count"], row["latency_sum_ms"]) == ("flex", 1, 820.0)


# --- Google Cloud Billing export ---------------------------------------------------------------------


def test_gcp_billing_cost_rows(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "gcp_billing_export_v1.jsonl"))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (128, 128, 0)
    totals = summary(ledger).as_dict()
    # A bill has no token counts: unknown, not 0, and no computed cost either.
    assert totals["requests"] is None and totals["input_tokens"] is None and totals["cost_usd"] is None
    assert totals["reported_cost_usd"] == 181.218526
    assert {m: row["reported_cost_usd"] for m, row in totals["by_model"].items()} == {
        "gemini-2.5-flash": 38.08335,
        "gemini-2.5-pro": 143.135176,
    }
    usage = read_usage(ledger, ["provider", "host", "project", "feature"])
    assert set(map(tuple, usage[["provider", "host", "project", "feature"]].values.tolist())) == {
        ("google", "us-central1", "acme-support-prod", "team=support"),
        ("google", "us-central1", "acme-research", "team=research"),
    }


def test_gcp_billing_skips_other_services_and_taxes_and_rejects_other_currencies(ledger: Engine) -> None:
    first = json.loads(_lines("gcp_billing_export_v1.jsonl")[0])
    compute = {**first, "service": {"id": "6F81", "description": "Compute Engine"}, "sku": {"description": "N2 Core"}}
    euros = {**first, "currency": "EUR"}
    tax = {**first, "cost_type": "tax"}
    credited = {**first, "cost": 2.0, "credits": [{"name": "Free tier", "amount": -0.5}]}
    content = "\n".join(json.dumps(row) for row in (first, compute, euros, tax, credited)) + "\n"
    result = _ingest(ledger, "billing.jsonl", content)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (5, 2, 1, 2)
    assert _reasons(ledger, result) == ["amount is in EUR; exitplan records USD only"]
    assert result.skipped == {"not AI: Compute Engine": 1, "not usage: tax": 1}
    # cost is taken before credits.
    assert summary(ledger).as_dict()["reported_cost_usd"] == round(first["cost"] + 2.0, 6)


# --- Azure Cost Management export --------------------------------------------------------------------


def test_azure_cost_export(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "azure_cost_details_export.csv"))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (64, 64, 0)
    totals = summary(ledger).as_dict()
    assert totals["reported_cost_usd"] == 49.762874
    assert totals["requests"] is None and totals["input_tokens"] is None
    # "gpt-4o-0806-Inp-glbl Tokens", "…-Outp-…" and "gpt 4o 0806 cached Inp glbl Tokens" name one model.
    assert {m: row["reported_cost_usd"] for m, row in totals["by_model"].items()} == {
        "gpt-4o-0806": 43.962839,
        "gpt-4o-mini-0718": 5.549026,
        "text-embedding-3-small": 0.251009,
    }
    usage = read_usage(ledger, ["provider", "host", "project", "feature"])
    assert set(map(tuple, usage[["provider", "host", "project", "feature"]].values.tolist())) == {
        ("azure", "aoai-prod-eastus2", "rg-ai-prod", "env=prod,team=support"),
        ("azure", "aoai-dev-swedencentral", "rg-ai-dev", "env=dev,team=research"),
    }


def _edited_csv(name: str, edits: list[dict[str, str]]) -> str:
    """The sample's header and first row, then one copy of that row per edit."""
    rows = list(csv.DictReader(io.StringIO((FIXTURES / name).read_text(encoding="utf-8-sig"))))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerow(rows[0])
    for edit in edits:
        writer.writerow({**rows[0], **edit})
    return out.getvalue()


def test_azure_cost_skips_other_services_and_purchases_and_rejects_other_currencies(ledger: Engine) -> None:
    content = _edited_csv(
        "azure_cost_details_export.csv",
        [
            {"billingCurrency": "EUR"},
            {
                "consumedService": "Microsoft.Compute",
                "serviceFamily": "Compute",
                "meterCategory": "Virtual Machines",
                "meterSubCategory": "Dv5 Series",
                "meterName": "D4s v5",
            },
            {"chargeType": "Purchase"},
            {"meterName": "S0 Speech to Text"},
        ],
    )
    result = _ingest(ledger, "costs.csv", content)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (5, 2, 1, 2)
    assert _reasons(ledger, result) == ["amount is in EUR; exitplan records USD only"]
    assert result.skipped == {"not AI: Virtual Machines": 1, "not usage: Purchase": 1}
    assert set(summary(ledger).as_dict()["by_model"]) == {"gpt-4o-0806", "unattributed (S0 Speech to Text)"}


# --- Azure Monitor metrics ---------------------------------------------------------------------------


def test_azure_monitor_metrics(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "azure_monitor_metrics_response.json"))
    # 2 deployments × 12 hourly grains.
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (24, 24, 0)
    assert _tokens(ledger) == AZURE_MONITOR
    by_model = summary(ledger).as_dict()["by_model"]
    assert {m: (row["input_tokens"], row["output_tokens"], row["requests"]) for m, row in by_model.items()} == {
        "gpt-4o-prod": (1_873_610, 163_539, 653),
        "gpt-4o-mini-prod": (2_970_721, 439_020, 1_405),
    }
    usage = read_usage(ledger, ["provider", "host", "project"])
    assert usage[["provider", "host", "project"]].values.tolist() == [["azure", "aoai-prod-eastus2", "rg-ai-prod"]]


def _with_metric(document: dict[str, Any], name: str, series_from: tuple[str, ...]) -> dict[str, Any]:
    """``document`` plus a metric ``name`` whose points are the sum of the ``series_from`` metrics."""
    metrics = {m["name"]["value"]: m for m in document["value"]}
    base = metrics[series_from[0]]
    added = json.loads(json.dumps(base))
    added["name"] = {"value": name, "localizedValue": name}
    added["id"] = base["id"].replace(series_from[0], name)
    for s, series in enumerate(added["timeseries"]):
        for p, point in enumerate(series["data"]):
            point["total"] = sum(metrics[m]["timeseries"][s]["data"][p]["total"] for m in series_from)
    return {**document, "value": [*document["value"], added]}


def test_azure_monitor_never_adds_total_token_metrics(ledger: Engine) -> None:
    document = json.loads((FIXTURES / "azure_monitor_metrics_response.json").read_text())
    with_total = _with_metric(document, "TokenTransaction", ("ProcessedPromptTokens", "GeneratedTokens"))
    with_foundry = _with_metric(with_total, "InputTokens", ("ProcessedPromptTokens",))
    result = _ingest(ledger, "metrics.json", json.dumps(with_foundry))
    assert result.rows_accepted == 24
    assert _tokens(ledger) == AZURE_MONITOR


def test_azure_monitor_total_only_is_rejected(ledger: Engine) -> None:
    document = json.loads((FIXTURES / "azure_monitor_metrics_response.json").read_text())
    with_total = _with_metric(document, "TokenTransaction", ("ProcessedPromptTokens", "GeneratedTokens"))
    only_total = {**with_total, "value": [m for m in with_total["value"] if m["name"]["value"] == "TokenTransaction"]}
    result = _ingest(ledger, "metrics.json", json.dumps(only_total))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (24, 0, 24)
    assert _reasons(ledger, result)[0].startswith("only total tokens (TokenTransaction/TotalTokens)")


# --- FinOps FOCUS ------------------------------------------------------------------------------------


def test_focus_export(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "focus_cost_export.csv"))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (40, 40, 0)
    totals = summary(ledger).as_dict()
    assert totals["reported_cost_usd"] == 171.558249
    assert {p: row["reported_cost_usd"] for p, row in totals["by_provider"].items()} == {
        "azure": 125.820453,
        "aws": 39.221648,
        "google": 6.516148,
    }
    assert set(totals["by_model"]) == {"gpt-4o-0806", "claude-3.5-haiku", "gemini-2.5-flash"}
    hosts = set(read_usage(ledger, ["host"])["host"])
    assert hosts == {"aoai-prod-eastus2", "us-east-1", "us-central1"}


# The sample's token charges, summed by a throwaway csv script per SkuMeter direction (Inp/Input, Outp/Output):
# input 32,151,233 (Azure) + 19,282,325 (AWS) + 21,720,490 (Google); output 5,942,242 + 5,948,947. Priced at
# each row's ListUnitPrice (which the price book agrees with) they cost $139.8005025 (Azure), $39.221648 (AWS),
# $6.516147 (Google); the file's EffectiveCost is $125.820453, $39.221648, $6.516148. Azure's contracted
# price is 10% under list (2.25 against 2.50 per million input, 9 against 10 output): 1/0.9 − 1 = +11.1%.
FOCUS_TOKENS = {
    "requests": None,
    "input_tokens": 73_154_048,
    "cache_read_tokens": 0,
    "cache_write_tokens": 0,
    "output_tokens": 5_942_242 + 5_948_947,
    "reasoning_tokens": 0,  # only of the input charges (a part of no output); of the output charges, unknown
}


def test_focus_ai_rows_carry_their_tokens_and_reconcile(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "focus_cost_export.csv"))
    assert _tokens(ledger) == FOCUS_TOKENS
    totals = summary(ledger).as_dict()
    assert totals["cost_usd"] == pytest.approx(139.8005025 + 39.221648 + 6.516147, abs=1e-6)
    gaps = {row.provider: row for row in reconcile(ledger, result.import_id).itertuples()}
    assert gaps["aws"].gap_usd == pytest.approx(0.0, abs=1e-6) and not gaps["aws"].flagged
    assert gaps["google"].gap_usd == pytest.approx(-0.000001, abs=1e-6) and not gaps["google"].flagged
    # The negotiated discount shows as the gap it is, not as −100%.
    assert gaps["azure"].gap_share == pytest.approx(1 / 0.9 - 1, abs=1e-6) and gaps["azure"].flagged


def test_focus_token_charges_of_every_direction_reconcile(ledger: Engine) -> None:
    """focus_ai_token_charges.csv: each direction's charge at its list price (per million: gpt-4o input 2.50,
    cached input 1.25, output 10; Claude 3.5 Haiku input 0.80, cache read 0.08, cache write 1.00, output 4.00),
    plus a Vertex caching charge whose meter names no direction and 10 hours of provisioned throughput."""
    result = ingest(ledger, source_from_path(FIXTURES / "focus_ai_token_charges.csv"))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (9, 9, 0, 0)
    by_model = summary(ledger).as_dict()["by_model"]
    gpt4o, haiku, gemini = by_model["gpt-4o-0806"], by_model["claude-3.5-haiku"], by_model["gemini-2.5-flash"]
    assert (gpt4o["input_tokens"], gpt4o["cache_read_tokens"], gpt4o["output_tokens"]) == (
        3_000_000,
        1_000_000,
        500_000,
    )
    assert (haiku["input_tokens"], haiku["cache_read_tokens"], haiku["cache_write_tokens"]) == (
        1_000_000 + 2_000_000 + 400_000,
        2_000_000,
        400_000,
    )
    assert haiku["output_tokens"] == 250_000
    # "Input Text Caching" says neither read nor write, and hours are no tokens: their tokens are unknown.
    assert gemini["input_tokens"] is None and gemini["cost_usd"] is None and gemini["reported_cost_usd"] == 0.1
    assert gpt4o["not_in_source"]["input_tokens"] == 1  # the PTU hours' row
    checks = {row.model: row for row in reconcile(ledger, result.import_id).itertuples()}
    # 2M × 2.50 + 1M × 1.25 + 0.5M × 10 = $11.25; 1M × 0.80 + 2M × 0.08 + 0.4M × 1.00 + 0.25M × 4 = $2.36. The
    # $20 of provisioned hours has nothing computed to set against it and is left out of the comparison.
    assert (checks["gpt-4o-0806"].computed_usd, checks["gpt-4o-0806"].reported_usd) == pytest.approx((11.25, 11.25))
    assert (checks["claude-3.5-haiku"].computed_usd, checks["claude-3.5-haiku"].reported_usd) == pytest.approx(
        (2.36, 2.36)
    )
    assert not any(row.flagged for row in checks.values()) and set(checks) == {"gpt-4o-0806", "claude-3.5-haiku"}


@pytest.mark.parametrize(
    ("meter", "way"),
    [
        ("gpt-4o-0806-Inp-glbl Tokens", "input"),
        ("gpt-4o-mini-0718-Outp-glbl Tokens", "output"),
        ("gpt 4.1 mini cached Inp glbl", "cache_read"),
        ("GPT 5 Inpt Glbl", "input"),
        ("R1 Inp glbl Tokens", "input"),
        ("Claude 3.5 Haiku Cache Read Input Tokens", "cache_read"),
        ("Claude Sonnet 4 Cache Write Input Tokens", "cache_write"),
        ("Claude Sonnet 4 Cache Write 5m Input Tokens", "cache_write_5m"),
        ("Claude Sonnet 4 Cache Write 1h Input Tokens", "cache_write_1h"),
        ("Gemini 2.5 Flash GA Thinking Text Output - Predictions", "output"),
        ("Gemini 2.5 Flash GA Input Text Caching (Long)", None),  # read or write: it does not say
        ("Gemini 2.5 Flash Context Cache Storage", None),
        ("gpt-4-8K PTU Inp Gl Tokens", None),  # provisioned throughput: not billed per token
        ("text-embedding-3-small-glbl Tokens", None),  # no direction named
        ("gpt-4o Input and Output Tokens", None),  # both
    ],
)
def test_focus_meter_directions(meter: str, way: str | None) -> None:
    assert direction(meter) == way


def test_focus_skips_non_ai_and_non_usage_and_rejects_other_currencies(ledger: Engine) -> None:
    content = _edited_csv(
        "focus_cost_export.csv",
        [
            {"ServiceCategory": "Compute", "ServiceSubcategory": "Virtual Machines", "SkuMeter": "D4s v5"},
            {"BillingCurrency": "EUR"},
            {"ChargeCategory": "Purchase"},
            {"EffectiveCost": "3.5", "BilledCost": "0"},  # covered by a commitment: amortised cost counts
        ],
    )
    result = _ingest(ledger, "focus.csv", content)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (5, 2, 1, 2)
    assert _reasons(ledger, result) == ["amount is in EUR; exitplan records USD only"]
    assert result.skipped == {"not AI: Compute": 1, "not usage: Purchase": 1}
    first = next(csv.DictReader(io.StringIO(content)))
    assert summary(ledger).as_dict()["reported_cost_usd"] == round(float(first["EffectiveCost"]) + 3.5, 6)


def test_focus_accepts_service_provider_name(ledger: Engine) -> None:
    content = (FIXTURES / "focus_cost_export.csv").read_text(encoding="utf-8-sig")
    header, rest = content.split("\n", 1)
    renamed = header.replace("ProviderName", "ServiceProviderName") + "\n" + rest
    result = _ingest(ledger, "focus13.csv", renamed)
    assert result.format == "focus_csv" and result.rows_accepted == 40
    assert summary(ledger).as_dict()["by_provider"].keys() == {"azure", "aws", "google"}


# --- OpenTelemetry GenAI spans -----------------------------------------------------------------------


def test_otel_spans(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "otel_genai_spans.jsonl"))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (97, 97, 0)
    assert _tokens(ledger) == OTEL
    totals = summary(ledger).as_dict()
    assert {p: row["input_tokens"] for p, row in totals["by_provider"].items()} == {
        "anthropic": 84_258,
        "openai": 55_856 + 61_683,
        "google": 61_643,
        "aws": 82_535,
    }
    usage = read_usage(ledger, ["host"])
    # Every span is timed: end − start, in nanoseconds, summing to 334 492.998912 ms.
    assert int(usage["latency_count"].sum()) == 97
    assert float(usage["latency_sum_ms"].sum()) == pytest.approx(334_492.998912, abs=1e-3)
    assert set(usage["host"].dropna()) == {"us-east-1", "us-central1"}


def _legacy(text: str) -> str:
    """The same spans under the attribute names of semconv ≤ 1.36."""
    for new, old in (
        ("gen_ai.provider.name", "gen_ai.system"),
        ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"),
        ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"),
    ):
        text = text.replace(f'"{new}"', f'"{old}"')
    return text


def test_otel_old_and_new_attribute_names_agree(ledger: Engine) -> None:
    legacy = _legacy((FIXTURES / "otel_genai_spans.jsonl").read_text())
    assert '"gen_ai.usage.input_tokens"' not in legacy and '"gen_ai.usage.prompt_tokens"' in legacy
    result = _ingest(ledger, "legacy_spans.jsonl", legacy)
    assert result.rows_accepted == 97
    assert _tokens(ledger) == OTEL
    assert summary(ledger).as_dict()["by_provider"].keys() == {"anthropic", "openai", "google", "aws"}


def _span(name: str, attributes: dict[str, Any], start: int = 1_757_171_568_528_402_176) -> dict[str, Any]:
    def typed(value: Any) -> dict[str, Any]:
        if isinstance(value, bool):
            return {"boolValue": value}
        if isinstance(value, int):
            return {"intValue": str(value)}
        return {"doubleValue": value} if isinstance(value, float) else {"stringValue": value}

    return {
        "traceId": "99d71a7c0b844a71ad8c03931e63c12e",
        "spanId": "e803fdeb66a64f1e",
        "name": name,
        "kind": 3,
        "startTimeUnixNano": str(start),
        "endTimeUnixNano": str(start + 1_500_000_000),
        "attributes": [{"key": k, "value": typed(v)} for k, v in attributes.items()],
    }


def test_otel_non_inference_spans_are_skipped_and_new_measures_read(ledger: Engine) -> None:
    chat = _span(
        "chat o4-mini",
        {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "azure.ai.openai",
            "gen_ai.request.model": "o4-mini",
            "gen_ai.usage.input_tokens": 1000,
            "gen_ai.usage.cache_read.input_tokens": 600,
            "gen_ai.usage.cache_creation.input_tokens": 100,
            "gen_ai.usage.output_tokens": 300,
            "gen_ai.usage.reasoning.output_tokens": 200,
            "gen_ai.response.time_to_first_chunk": 0.25,
            "server.address": "acme.openai.azure.com",
            "openai.response.service_tier": "default",
        },
    )
    agent = _span("invoke_agent planner", {"gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": "openai"})
    tool = _span("execute_tool search", {"gen_ai.operation.name": "execute_tool"})
    http = _span("GET /health", {"http.request.method": "GET"})
    failed = _span("chat o4-mini", {"gen_ai.operation.name": "chat", "error.type": "429"})
    silent = _span("chat o4-mini", {"gen_ai.operation.name": "chat", "gen_ai.request.model": "o4-mini"})
    export = {
        "resourceSpans": [
            {
                "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "planner"}}]},
                "scopeSpans": [{"scope": {"name": "test"}, "spans": [chat, agent, tool, http, failed, silent]}],
            }
        ]
    }
    result = _ingest(ledger, "spans.jsonl", json.dumps(export) + "\n")
    # Not usage (agent, tool and HTTP spans, a failed call that used nothing) is skipped, per kind; an inference
    # span that did not fail yet recorded no tokens should have been usage, and is rejected.
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (6, 1, 1, 4)
    assert result.skipped == {
        "invoke_agent span": 1,
        "execute_tool span": 1,
        "non-GenAI span": 1,
        "failed call, no usage": 1,
    }
    assert _reasons(ledger, result) == ["no token usage recorded on this span"]
    assert _tokens(ledger) == {
        "requests": 1,
        "input_tokens": 1000,  # cache reads and writes are inside it
        "cache_read_tokens": 600,
        "cache_write_tokens": 100,
        "output_tokens": 300,
        "reasoning_tokens": 200,
    }
    row = read_usage(ledger, ["provider", "host", "project", "service_tier"]).iloc[0]
    assert (row["provider"], row["host"], row["project"], row["service_tier"]) == (
        "azure",
        "acme",
        "planner",
        "default",
    )
    assert (row["latency_sum_ms"], row["ttft_count"], row["ttft_sum_ms"]) == (1500.0, 1, 250.0)


def test_otel_whole_document(ledger: Engine) -> None:
    first = json.loads(_lines("otel_genai_spans.jsonl")[0])
    result = _ingest(ledger, "trace.json", json.dumps(first, indent=2))
    assert result.format == "otel_genai_spans"
    assert result.rows_accepted == sum(len(s["spans"]) for rs in first["resourceSpans"] for s in rs["scopeSpans"])


# --- shared attribution ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "model"),
    [
        ("gpt-4o-0806-Inp-glbl Tokens", "gpt-4o-0806"),
        ("gpt 4o 0806 cached Inp glbl Tokens", "gpt-4o-0806"),
        ("gpt 4.1 mini cached Inp glbl", "gpt-4.1-mini"),
        ("GPT 5 Inpt Glbl", "gpt-5"),
        ("gpt-4-8K PTU Inp Gl Tokens", "gpt-4-8k"),
        ("R1 Inp glbl Tokens", "r1"),
        ("text-embedding-3-small-glbl Tokens", "text-embedding-3-small"),
        ("Gemini 2.5 Flash GA Thinking Text Output - Predictions", "gemini-2.5-flash"),
        ("Gemini 3.0 Pro Text Input Caching", "gemini-3.0-pro"),
        (
            "Generate content output token count gemini 2.5 flash lite short output text non-thinking",
            "gemini-2.5-flash-lite",
        ),
        ("Claude 3.5 Haiku Input Tokens (illustrative)", "claude-3.5-haiku"),
        ("S0 Speech to Text", None),
        ("Online prediction node hours", None),
    ],
)
def test_model_named_in_billing_lines(line: str, model: str | None) -> None:
    assert model_named(line) == model


def test_tags_feature_rule() -> None:
    assert tags_feature('{"team": "support", "Workload": "search"}') == "search"
    assert (
        tags_feature([{"key": "team", "value": "support"}, {"key": "env", "value": "prod"}]) == "team=support,env=prod"
    )
    assert tags_feature('"env": "prod","team": "support"') == "env=prod,team=support"
    assert tags_feature("") is None and tags_feature(None) is None


def test_span_host() -> None:
    assert span_host("us-central1-aiplatform.googleapis.com") == "us-central1"
    assert span_host("litellm.internal") == "litellm.internal"
    assert span_host("api.anthropic.com") is None
