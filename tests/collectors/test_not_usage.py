"""One rule for every importer: a row that is not usage by the source's own definition is *skipped* and counted
per kind, apart from rejections; a rejection is a row that should have been usage and could not be read. So
for every import, read = accepted + rejected + skipped.

Each case below is a small file of one source: usage rows, then rows that are not usage by that source's own
definition, then (where it helps) a row that should have been usage and cannot be read. The expected counts
are read off the file by hand. Sources whose every row is usage (cost reports, usage reports, exitplan's CSV)
have a case too: nothing of theirs may be skipped.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine

from collectors import ingest, source_from_bytes, source_from_path
from collectors.formats import FORMATS
from db.imports import get_import, list_imports, rejected_rows_of, skipped_kinds
from tests.conftest import FIXTURES

DAY = 1_756_684_800  # 2025-09-01T00:00:00Z


def _json_lines(*rows: object) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def _csv(header: list[str], *rows: list[object]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _sample_rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((FIXTURES / name).read_text(encoding="utf-8-sig"))))


def _edited_sample(name: str, *edits: dict[str, str]) -> bytes:
    """A CSV sample's header and first row, then one copy of that row per edit."""
    first = _sample_rows(name)[0]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(first), lineterminator="\n")
    writer.writeheader()
    writer.writerow(first)
    writer.writerows({**first, **edit} for edit in edits)
    return out.getvalue().encode()


def _first_json_line(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FIXTURES / name).read_text().splitlines()[0])
    return loaded


# --- each source's not-usage rows ---------------------------------------------------------------------------


def openai_usage_api() -> bytes:
    results = [
        {
            "object": "organization.usage.completions.result",
            "input_tokens": 100,
            "input_cached_tokens": 40,
            "output_tokens": 10,
            "num_model_requests": 2,
            "model": "gpt-4o-2024-08-06",
        },
        # Image generations are usage, but not token usage: the ledger has no measure for them.
        {"object": "organization.usage.images.result", "images": 3, "num_model_requests": 3, "source": "image.edit"},
    ]
    page = {"object": "page", "data": [{"object": "bucket", "start_time": DAY, "results": results}], "has_more": False}
    return json.dumps(page).encode()


def openai_usage_csv() -> bytes:
    header = ["start_time", "end_time", "start_time_iso", "end_time_iso", "num_model_requests", "model"]
    header += ["input_tokens", "output_tokens", "input_cached_tokens"]
    times = [DAY, DAY + 86_400, "2025-09-01T00:00:00+00:00", "2025-09-02T00:00:00+00:00"]
    return _csv(header, [*times, "2.0", "gpt-4o-2024-08-06", "100.0", "10.0", "40.0"], [*times, "", "", "", "", ""])


def openai_costs_api() -> bytes:
    def result(value: float, line_item: str) -> dict[str, object]:
        return {
            "object": "organization.costs.result",
            "amount": {"value": value, "currency": "usd"},
            "line_item": line_item,
        }

    # A tool's line item is a cost like any other: accepted, labelled as a tool charge.
    results = [result(0.82, "gpt-4o-2024-08-06, input"), result(1.25, "web search tool calls")]
    page = {"object": "page", "data": [{"object": "bucket", "start_time": DAY, "results": results}], "has_more": False}
    return json.dumps(page).encode()


def openai_costs_csv() -> bytes:
    header = ["start_time", "end_time", "start_time_iso", "end_time_iso", "amount_value", "amount_currency"]
    header += ["line_item", "project_id", "organization_id", "organization_name"]
    times = [DAY, DAY + 86_400, "2025-09-01T00:00:00+00:00", "2025-09-02T00:00:00+00:00"]
    # A day without costs: only its time columns are filled.
    return _csv(header, [*times, "13.41", "usd", "", "", "org-1", "Acme"], [*times, "", "", "", "", "", ""])


def openai_legacy_usage() -> bytes:
    entry = {
        "aggregation_timestamp": DAY,
        "n_requests": 7,
        "snapshot_id": "gpt-4o-2024-08-06",
        "n_context_tokens_total": 8992,
        "n_generated_tokens_total": 100,
    }
    dalle = {"timestamp": DAY, "num_images": 2, "image_size": "1024x1024", "model_id": "dall-e-3"}
    return json.dumps({"object": "list", "data": [entry], "dalle_api_data": [dalle]}).encode()


def openai_activity_csv() -> bytes:
    return (FIXTURES / "openai_activity_export.csv").read_bytes()


def anthropic_usage_api() -> bytes:
    result = {"uncached_input_tokens": 1500, "cache_read_input_tokens": 200, "output_tokens": 500, "model": "m"}
    buckets = [
        {"starting_at": "2025-09-01T00:00:00Z", "results": [result]},
        # An empty bucket holds no results: no rows at all.
        {"starting_at": "2025-09-02T00:00:00Z", "results": []},
    ]
    return json.dumps({"data": buckets, "has_more": False, "next_page": None}).encode()


def anthropic_cost_api() -> bytes:
    result = {"amount": "123.45", "currency": "USD", "description": "Web Search Usage", "cost_type": "web_search"}
    bucket = {"starting_at": "2025-09-01T00:00:00Z", "results": [result]}
    return json.dumps({"data": [bucket], "has_more": False, "next_page": None}).encode()


def bedrock() -> bytes:
    line = _first_json_line("bedrock_invocation_logs.jsonl")
    failed = {**line, "errorCode": "ValidationException"}
    other = {**line, "schemaType": "ModelInvocationDeliveryTest"}
    return _json_lines(line, failed, other)


def gemini() -> bytes:
    response = _first_json_line("gemini_generate_content_responses.jsonl")
    error = {"error": {"code": 429, "message": "Resource has been exhausted", "status": "RESOURCE_EXHAUSTED"}}
    # Neither a response with usageMetadata nor an error: it cannot be read as usage.
    unreadable = {"candidates": [], "modelVersion": "gemini-2.5-pro", "createTime": "2025-09-01T02:44:58Z"}
    return _json_lines(response, error, unreadable)


def gcp_billing() -> bytes:
    first = _first_json_line("gcp_billing_export_v1.jsonl")
    storage = {**first, "service": {"id": "95FF", "description": "Cloud Storage"}, "sku": {"description": "Standard"}}
    return _json_lines(first, storage, {**first, "cost_type": "rounding_error"})


def azure_monitor() -> bytes:
    document = json.loads((FIXTURES / "azure_monitor_metrics_response.json").read_text())
    # The first deployment's first hour had no traffic: no metric has a value for it.
    for metric in document["value"]:
        metric["timeseries"][0]["data"][0].pop("total", None)
    return json.dumps(document).encode()


def azure_cost() -> bytes:
    return _edited_sample(
        "azure_cost_details_export.csv",
        {
            "consumedService": "Microsoft.Storage",
            "serviceFamily": "Storage",
            "meterCategory": "Storage",
            "meterSubCategory": "Tables",
            "meterName": "LRS Data Stored",
        },
        {"chargeType": "Refund"},
    )


def focus() -> bytes:
    return _edited_sample(
        "focus_cost_export.csv",
        {"ServiceCategory": "Storage", "ServiceSubcategory": "Object Storage", "SkuMeter": "Standard LRS"},
        {"ServiceCategory": "Networking", "ServiceSubcategory": "Network Connectivity", "SkuMeter": "Data Transfer"},
        {"ChargeCategory": "Tax"},
    )


def _span(attributes: dict[str, object]) -> dict[str, object]:
    return {
        "traceId": "99d71a7c0b844a71ad8c03931e63c12e",
        "spanId": "e803fdeb66a64f1e",
        "name": "span",
        "kind": 3,
        "startTimeUnixNano": "1757171568528402176",
        "endTimeUnixNano": "1757171570028402176",
        "attributes": [
            {"key": k, "value": {"intValue": str(v)} if isinstance(v, int) else {"stringValue": v}}
            for k, v in attributes.items()
        ],
    }


def otel() -> bytes:
    chat = _span(
        {
            "gen_ai.operation.name": "chat",
            "gen_ai.provider.name": "openai",
            "gen_ai.request.model": "gpt-4o",
            "gen_ai.usage.input_tokens": 100,
            "gen_ai.usage.output_tokens": 10,
        }
    )
    spans = [chat, _span({"gen_ai.operation.name": "invoke_workflow"}), _span({"db.system": "postgresql"})]
    export = {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"spans": spans}]}]}
    return _json_lines(export)


def litellm_csv() -> bytes:
    return (FIXTURES / "litellm_spendlogs.csv").read_bytes()


def litellm_json() -> bytes:
    row = {
        "request_id": "r1",
        "call_type": "acompletion",
        "spend": 0.01,
        "prompt_tokens": 1000,
        "completion_tokens": 200,
        "startTime": "2025-09-01T10:00:00.000",
        "model": "gpt-4o",
        "custom_llm_provider": "openai",
        "cache_hit": "False",
        "status": "success",
    }
    failed = {**row, "request_id": "r2", "status": "failure", "prompt_tokens": 0, "completion_tokens": 0}
    return json.dumps([row, failed]).encode()


def helicone_jsonl() -> bytes:
    row = json.loads((FIXTURES / "helicone_requests.jsonl").read_text().splitlines()[0])
    failed = {**row, "response_status": 500, "prompt_tokens": 0, "completion_tokens": 0, "reasoning_tokens": 0}
    failed |= {"prompt_cache_read_tokens": 0, "prompt_cache_write_tokens": 0}
    cached = {**failed, "response_status": 200, "cache_reference_id": "7f3c1b2a-0000-4000-8000-000000000001"}
    return _json_lines(row, failed, cached)


def helicone_csv() -> bytes:
    return _edited_sample(
        "helicone_requests.csv", {"response_status": "429", "prompt_tokens": "0", "completion_tokens": "0"}
    )


def _observation(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "id": "o1",
        "traceId": "t1",
        "type": "GENERATION",
        "startTime": "2025-09-01T10:00:00.000Z",
        "providedModelName": "gpt-4o",
        "usageDetails": {"input": 100, "output": 20, "total": 120},
        "level": "DEFAULT",
    }
    return {**row, **changes}


def langfuse_api() -> bytes:
    observations = [
        _observation(),
        _observation(id="o2", type="SPAN", providedModelName=None, usageDetails={}),
        _observation(id="o3", type="SPAN", providedModelName=None, usageDetails={}),
        # Not usage whatever else is wrong with it: a span's unreadable start time is no rejection.
        _observation(id="o4", type="EVENT", startTime="yesterday", usageDetails={}),
        _observation(id="o5", level="ERROR", usageDetails={}),
    ]
    return json.dumps({"data": observations, "meta": {"cursor": None}}).encode()


def langfuse_csv() -> bytes:
    return _edited_sample("langfuse_generations.csv", {"type": "SPAN", "usageDetails": "{}"}, {"type": "AGENT"})


def anthropic_console_usage_csv() -> bytes:
    return (FIXTURES / "anthropic_console_usage_export.csv").read_bytes()


def anthropic_console_cost_csv() -> bytes:
    return (FIXTURES / "anthropic_console_cost_export.csv").read_bytes()


def exitplan_csv() -> bytes:
    header = ["date", "provider", "model", "input_tokens", "output_tokens"]
    return _csv(header, ["2025-09-01", "openai", "gpt-4o", 10, 1], ["2025-09-01", "openai", "gpt-4o", -1, 1])


@dataclass(frozen=True)
class Case:
    format_name: str
    content: Callable[[], bytes]
    # Rows read, accepted, rejected, skipped; and the skipped rows per kind.
    rows: tuple[int, int, int, int]
    skipped: dict[str, int]


CASES = [
    Case("openai_usage_api", openai_usage_api, (2, 1, 0, 1), {"not token usage (images)": 1}),
    Case("openai_usage_csv", openai_usage_csv, (2, 1, 0, 1), {"empty bucket": 1}),
    Case("openai_costs_api", openai_costs_api, (2, 2, 0, 0), {}),
    Case("openai_costs_csv", openai_costs_csv, (2, 1, 0, 1), {"empty bucket": 1}),
    Case("openai_legacy_usage", openai_legacy_usage, (2, 1, 0, 1), {"not token usage (dalle_api_data)": 1}),
    # The sample's DALL·E and Whisper rows: usage, but none of it tokens.
    Case(
        "openai_activity_csv",
        openai_activity_csv,
        (7, 5, 0, 2),
        {"not token usage (usage_type dalle)": 1, "not token usage (usage_type whisper)": 1},
    ),
    Case("anthropic_usage_api", anthropic_usage_api, (1, 1, 0, 0), {}),
    Case("anthropic_cost_api", anthropic_cost_api, (1, 1, 0, 0), {}),
    Case("anthropic_console_usage_csv", anthropic_console_usage_csv, (40, 40, 0, 0), {}),
    Case("anthropic_console_cost_csv", anthropic_console_cost_csv, (176, 176, 0, 0), {}),
    Case(
        "bedrock_invocation_logs",
        bedrock,
        (3, 1, 0, 2),
        {
            "failed invocation (ValidationException)": 1,
            "not an invocation log (schemaType ModelInvocationDeliveryTest)": 1,
        },
    ),
    Case("gemini_usage_metadata", gemini, (3, 1, 1, 1), {"error response (RESOURCE_EXHAUSTED)": 1}),
    Case("gcp_billing_export", gcp_billing, (3, 1, 0, 2), {"not AI: Cloud Storage": 1, "not usage: rounding_error": 1}),
    # 2 deployments × 12 hours, one of them idle.
    Case("azure_monitor_metrics", azure_monitor, (24, 23, 0, 1), {"idle time grain": 1}),
    Case("azure_cost_export", azure_cost, (3, 1, 0, 2), {"not AI: Storage": 1, "not usage: Refund": 1}),
    Case(
        "focus_csv",
        focus,
        (4, 1, 0, 3),
        {"not AI: Storage": 1, "not AI: Networking": 1, "not usage: Tax": 1},
    ),
    Case("otel_genai_spans", otel, (3, 1, 0, 2), {"invoke_workflow span": 1, "non-GenAI span": 1}),
    # The sample's one proxy-cache hit.
    Case("litellm_spendlogs_csv", litellm_csv, (80, 79, 0, 1), {"answered from LiteLLM's cache": 1}),
    Case("litellm_spendlogs_json", litellm_json, (2, 1, 0, 1), {"failed request, no usage": 1}),
    Case(
        "helicone_requests_jsonl",
        helicone_jsonl,
        (3, 1, 0, 2),
        {"failed request, no usage": 1, "answered from Helicone's cache": 1},
    ),
    Case("helicone_requests_csv", helicone_csv, (2, 1, 0, 1), {"failed request, no usage": 1}),
    Case(
        "langfuse_observations_api",
        langfuse_api,
        (5, 1, 0, 4),
        {"SPAN observation": 2, "EVENT observation": 1, "failed generation, no usage": 1},
    ),
    Case("langfuse_generations_csv", langfuse_csv, (3, 1, 0, 2), {"SPAN observation": 1, "AGENT observation": 1}),
    Case("exitplan_csv", exitplan_csv, (2, 1, 1, 0), {}),
]


def test_every_format_has_a_case() -> None:
    # A format added without one would go untested for the rule (the mapped CSV is exitplan's own CSV
    # read through a mapping: exitplan_csv's case covers it).
    assert {fmt.name for fmt in FORMATS} == {case.format_name for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.format_name)
def test_not_usage_is_skipped_by_kind_and_read_is_accepted_plus_rejected_plus_skipped(
    case: Case, ledger: Engine
) -> None:
    result = ingest(ledger, source_from_bytes(f"{case.format_name}.data", case.content()))
    assert result.format == case.format_name
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped) == case.rows
    assert result.rows_read == result.rows_accepted + result.rows_rejected + result.rows_skipped
    assert dict(result.skipped) == case.skipped
    # Kept with the import: its record, the import list and the kinds per import say the same.
    record = get_import(ledger, result.import_id)
    assert record is not None
    assert (record.rows_read, record.rows_accepted, record.rows_rejected, record.rows_skipped) == case.rows
    assert dict(record.skipped) == case.skipped
    listed = list_imports(ledger).iloc[0]
    assert int(listed["rows_skipped"]) == case.rows[3]
    assert skipped_kinds(ledger).get(result.import_id, {}) == case.skipped
    # Skipped rows are no rejections: only what should have been usage is stored with a reason.
    assert len(rejected_rows_of(ledger, result.import_id)) == case.rows[2]


def test_a_duplicate_reports_the_earlier_imports_skipped_rows(ledger: Engine) -> None:
    content = langfuse_api()
    first = ingest(ledger, source_from_bytes("observations.json", content))
    again = ingest(ledger, source_from_bytes("observations again.json", content))
    assert again.duplicate and again.import_id == first.import_id
    assert (again.rows_skipped, dict(again.skipped)) == (4, dict(first.skipped))


def test_the_gemini_line_that_is_no_response_is_rejected_with_its_reason(ledger: Engine) -> None:
    result = ingest(ledger, source_from_bytes("responses.jsonl", gemini()))
    assert rejected_rows_of(ledger, result.import_id)["reason"].tolist() == [
        "no usageMetadata: not a generateContent response"
    ]


@pytest.mark.parametrize(
    "name",
    sorted(path.name for path in FIXTURES.iterdir() if path.is_file() and path.name.split("_")[0] != "statuspage"),
)
def test_every_sample_counts_each_row_once(name: str, ledger: Engine) -> None:
    """Every sample imports with read = accepted + rejected + skipped, its kinds adding up to its skipped rows."""
    mapping = None
    if name == "custom_gateway_export.csv":
        mapping = {"timestamp": "Created At", "provider": "=openai", "model": "Model Name"}
        mapping |= {"input_tokens": "Prompt Tokens", "output_tokens": "Completion Tokens"}
    if name == "openrouter_models.json":
        pytest.skip("a price list, not usage")
    result = ingest(ledger, source_from_path(FIXTURES / name), mapping=mapping)
    assert result.rows_read == result.rows_accepted + result.rows_rejected + result.rows_skipped
    assert sum(result.skipped.values()) == result.rows_skipped


def test_a_file_of_many_kinds_keeps_the_most_common_and_counts_the_rest_together(ledger: Engine) -> None:
    """Kinds stay few however many a file holds: 150 kinds of agent span, one of them twice, come out as the 99
    most common (the repeated one among them) and one count of the other 51 spans."""
    operations = [f"step_{n:03d}" for n in range(150)] + ["step_000"]
    spans = [_span({"gen_ai.operation.name": operation}) for operation in operations]
    export = {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"spans": spans}]}]}
    result = ingest(ledger, source_from_bytes("spans.jsonl", _json_lines(export)))
    assert (result.rows_read, result.rows_skipped) == (151, 151)
    assert len(result.skipped) == 100 and result.skipped["step_000 span"] == 2
    assert result.skipped["other kinds of not usage"] == 151 - 2 - 98
