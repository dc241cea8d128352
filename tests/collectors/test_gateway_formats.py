"""LiteLLM, Helicone and Langfuse samples import with the totals their own semantics give.

The expected numbers below were computed beforehand by a throwaway script that read the raw samples
with ``json``/``csv`` only, following FORMATS.md §6, §7.1 and §7.2:

- LiteLLM: ``prompt_tokens`` includes cached tokens (reads from
  ``metadata.additional_usage_values.prompt_tokens_details.cached_tokens``); the one ``cache_hit`` row is
  not model usage; latency = endTime − startTime; TTFT = completionStartTime − startTime where it is
  before endTime.
- Helicone: cache reads/writes are outside ``prompt_tokens``, reasoning outside ``completion_tokens``;
  ``delay_ms``/``latency`` and ``time_to_first_token`` are milliseconds.
- Langfuse: ``usageDetails`` types are additive (``total`` never counted); latency and TTFT in seconds.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.spend import summary
from collectors import ingest, source_from_bytes, source_from_path
from collectors.detect import detect
from db import read_usage
from db.imports import get_import, list_imports, rejected_rows_of
from tests.conftest import FIXTURES

TOTALS = ("requests", "input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens", "reasoning_tokens")

LITELLM = {
    "requests": 79,
    "input_tokens": 324_941,
    "cache_read_tokens": 24_960,
    "cache_write_tokens": 0,
    "output_tokens": 39_262,
    "reasoning_tokens": 0,
}
# model → (latency_count, latency_sum_ms, ttft_count, ttft_sum_ms); embeddings were not streamed.
LITELLM_TIMINGS = {
    "azure/gpt-4o-mini-prod": (24, 169_789.0, 24, 47_485.0),
    "claude-sonnet-4-20250514": (15, 115_028.0, 15, 27_587.0),
    "gpt-4o-2024-08-06": (18, 127_869.0, 18, 32_795.0),
    "text-embedding-3-small": (22, 4_775.0, 0, 0.0),
}
HELICONE_JSONL = {
    "requests": 50,
    "input_tokens": 290_643,
    "cache_read_tokens": 40_068,
    "cache_write_tokens": 3_797,
    "output_tokens": 34_718,
    "reasoning_tokens": 0,
}
HELICONE_TIMINGS = {
    "claude-sonnet-4-20250514": (16, 122_993.0, 16, 31_049.0),
    "gpt-4o-2024-08-06": (18, 166_059.0, 18, 42_568.0),
    "gpt-4o-mini-2024-07-18": (16, 60_509.0, 16, 14_289.0),
}
# The export CLI's CSV has no cache, reasoning or TTFT columns: only the uncached input is there, and the cache
# and reasoning counts are not in this source (None), not 0.
HELICONE_CSV = {
    **HELICONE_JSONL,
    "input_tokens": 246_778,
    "cache_read_tokens": None,
    "cache_write_tokens": None,
    "reasoning_tokens": None,
}
LANGFUSE = {
    "requests": 45,
    "input_tokens": 230_463,
    "cache_read_tokens": 38_252,
    "cache_write_tokens": 0,
    "output_tokens": 37_098,
    "reasoning_tokens": 0,
}
LANGFUSE_TIMINGS = {
    "claude-sonnet-4-20250514": (10, 70_644.0, 10, 18_542.0),
    "gemini-2.5-flash": (16, 124_590.0, 16, 26_707.0),
    "gpt-4o-2024-08-06": (19, 145_367.0, 19, 33_650.0),
}


def _totals(ledger: Engine) -> dict[str, object]:
    totals = summary(ledger).as_dict()
    return {key: totals[key] for key in TOTALS}


def _timings(ledger: Engine) -> dict[str, tuple[int, float, int, float]]:
    frame = read_usage(ledger, ["model"])
    return {
        row.model: (
            int(row.latency_count),
            round(row.latency_sum_ms, 3),
            int(row.ttft_count),
            round(row.ttft_sum_ms, 3),
        )
        for row in frame.itertuples()
    }


def _by(ledger: Engine, dimension: str, measure: str = "requests") -> dict[object, int]:
    frame = read_usage(ledger, [dimension])
    return {
        None if pd.isna(value) else value: int(n) for value, n in zip(frame[dimension], frame[measure], strict=True)
    }


def _ingest(ledger: Engine, path: Path) -> tuple[int, int, int, int]:
    """Rows read, accepted, rejected and skipped."""
    result = ingest(ledger, source_from_path(path))
    assert sum(result.skipped.values()) == result.rows_skipped
    return result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped


def _skipped(ledger: Engine) -> dict[str, int]:
    record = get_import(ledger, _last_import(ledger))
    assert record is not None
    return dict(record.skipped)


def _last_import(ledger: Engine) -> int:
    return int(list_imports(ledger)["id"].max())


def _reasons(ledger: Engine) -> list[str]:
    return list(rejected_rows_of(ledger, _last_import(ledger))["reason"])


@pytest.mark.parametrize(
    ("name", "format_name"),
    [
        ("litellm_spendlogs.csv", "litellm_spendlogs_csv"),
        ("helicone_requests.csv", "helicone_requests_csv"),
        ("helicone_requests.jsonl", "helicone_requests_jsonl"),
        ("langfuse_observations_v2.json", "langfuse_observations_api"),
        ("langfuse_generations.csv", "langfuse_generations_csv"),
    ],
)
def test_detected_from_content(name: str, format_name: str, tmp_path: Path) -> None:
    renamed = tmp_path / "export.bin"
    renamed.write_bytes((FIXTURES / name).read_bytes())
    assert detect(source_from_path(renamed)).name == format_name


# --- LiteLLM ---------------------------------------------------------------------------------------


def _litellm_rows() -> list[dict[str, object]]:
    """The CSV sample's rows as the /spend/logs API returns them: JSON values, camelCase times."""
    rows: list[dict[str, object]] = []
    with open(FIXTURES / "litellm_spendlogs.csv", newline="") as stream:
        for row in csv.DictReader(stream):
            out: dict[str, object] = dict(row)
            for key in ("metadata", "request_tags", "messages", "response", "proxy_server_request"):
                out[key] = json.loads(row[key])
            for key in ("spend",):
                out[key] = float(row[key])
            for key in ("prompt_tokens", "completion_tokens", "total_tokens"):
                out[key] = int(row[key])
            for key in ("startTime", "endTime", "completionStartTime"):
                out[key] = row[key].replace(" ", "T") + "Z"
            rows.append(out)
    return rows


def test_litellm_csv(ledger: Engine) -> None:
    # 80 rows; the proxy-cache hit is not usage (skipped, by kind), the rest are one request each.
    assert _ingest(ledger, FIXTURES / "litellm_spendlogs.csv") == (80, 79, 0, 1)
    assert _totals(ledger) == LITELLM
    assert summary(ledger).as_dict()["reported_cost_usd"] == pytest.approx(0.671233)
    assert _timings(ledger) == LITELLM_TIMINGS
    assert _reasons(ledger) == [] and _skipped(ledger) == {"answered from LiteLLM's cache": 1}
    # The feature is spend_logs_metadata.feature, not the request tags.
    assert _by(ledger, "feature") == {"classifier": 29, "rag-answer": 26, "ticket-summary": 24}
    assert _by(ledger, "provider") == {"anthropic": 15, "azure": 24, "openai": 40}
    assert _by(ledger, "host") == {
        "aoai-prod-eastus2.openai.azure.com": 24,
        "api.anthropic.com": 15,
        "api.openai.com": 40,
    }
    assert set(_by(ledger, "project")) == {"team-research-02", "team-support-01"}


@pytest.mark.parametrize("wrapped", [True, False])
def test_litellm_json_reads_like_the_csv(ledger: Engine, tmp_path: Path, wrapped: bool) -> None:
    rows = _litellm_rows()
    path = tmp_path / "spend.json"
    path.write_text(json.dumps({"data": rows, "total": len(rows), "page": 1} if wrapped else rows))
    assert detect(source_from_path(path)).name == "litellm_spendlogs_json"
    assert _ingest(ledger, path) == (80, 79, 0, 1)
    assert _totals(ledger) == LITELLM
    assert _timings(ledger) == LITELLM_TIMINGS
    assert _skipped(ledger) == {"answered from LiteLLM's cache": 1}


def _litellm_row(**changes: object) -> dict[str, object]:
    row = {
        "request_id": "r1",
        "call_type": "anthropic_messages",
        "spend": 0.01,
        "prompt_tokens": 1_000,
        "completion_tokens": 200,
        "startTime": "2025-09-01T10:00:00.000",
        "endTime": "2025-09-01T10:00:02.500",
        "completionStartTime": "2025-09-01T10:00:00.400",
        "model": "claude-sonnet-4-20250514",
        "custom_llm_provider": "anthropic",
        "metadata": {},
        "request_tags": ["prod", "batch-jobs"],
        "cache_hit": "False",
        "status": "success",
    }
    return {**row, **changes}


def test_litellm_traps(ledger: Engine, tmp_path: Path) -> None:
    usage = {"cache_creation_input_tokens": 300, "prompt_tokens_details": {"cached_tokens": 900}}
    rows = [
        # Tags are the feature when metadata names none; naive times are UTC.
        _litellm_row(),
        # An older release added only cache reads to Anthropic's prompt: reads + writes exceed it, so the
        # writes are outside and are added.
        _litellm_row(request_id="r2", metadata={"additional_usage_values": usage}, request_tags=[]),
        # A failed call with no tokens is no usage.
        _litellm_row(request_id="r3", status="failure", prompt_tokens=0, completion_tokens=0, spend=0.0),
    ]
    path = tmp_path / "spend.json"
    path.write_text(json.dumps(rows))
    assert _ingest(ledger, path) == (3, 2, 0, 1)
    assert _totals(ledger) == {
        "requests": 2,
        "input_tokens": 1_000 + 1_300,
        "cache_read_tokens": 900,
        "cache_write_tokens": 300,
        "output_tokens": 400,
        "reasoning_tokens": 0,
    }
    assert _timings(ledger) == {"claude-sonnet-4-20250514": (2, 5_000.0, 2, 800.0)}
    assert _by(ledger, "feature") == {None: 1, "prod,batch-jobs": 1}
    assert _reasons(ledger) == [] and _skipped(ledger) == {"failed request, no usage": 1}
    day = read_usage(ledger, [], grain="hour")["bucket_start"].iloc[0]
    assert str(day) == "2025-09-01 10:00:00"


def test_litellm_cache_hit_as_the_proxy_writes_it(ledger: Engine, tmp_path: Path) -> None:
    # LiteLLM stores cache_hit as text: real exports carry "None" and empty cells for calls that went to a
    # provider. Every spelling of "not a cache hit" is usage; only "True" is the proxy's own cache.
    with open(FIXTURES / "litellm_spendlogs.csv", newline="") as stream:
        rows = list(csv.DictReader(stream))
    spellings = ["None", "", "null", "False", "false", "0", "NULL", " None "]
    hit = next(i for i, row in enumerate(rows) if row["cache_hit"] == "True")
    for i, row in enumerate(rows):
        if i != hit:
            row["cache_hit"] = spellings[i % len(spellings)]
    path = tmp_path / "spend.csv"
    with open(path, "w", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert _ingest(ledger, path) == (80, 79, 0, 1)
    assert _totals(ledger) == LITELLM
    assert _skipped(ledger) == {"answered from LiteLLM's cache": 1}


def test_a_writers_null_is_missing_not_a_rejection(ledger: Engine) -> None:
    # The canonical CSV as a Python or SQL export writes it: "None"/"NULL"/"nan" in optional columns.
    header = "date,provider,model,input_tokens,output_tokens,cached_input_tokens,reasoning_tokens,batch,latency_ms\n"
    body = "2025-09-01,openai,gpt-4o,1000,100,None,NULL,None,nan\n2025-09-01,openai,gpt-4o,2000,200,null,,False,NaN\n"
    ingest(ledger, source_from_bytes("export.csv", (header + body).encode()))
    assert _totals(ledger)["input_tokens"] == 3000 and _reasons(ledger) == []


# --- Helicone --------------------------------------------------------------------------------------


def test_helicone_jsonl(ledger: Engine) -> None:
    assert _ingest(ledger, FIXTURES / "helicone_requests.jsonl") == (50, 50, 0, 0)
    assert _totals(ledger) == HELICONE_JSONL
    assert summary(ledger).as_dict()["reported_cost_usd"] == pytest.approx(0.767424)
    assert _timings(ledger) == HELICONE_TIMINGS
    # Properties are app / environment / session ids: none names a feature, and Helicone has no tags.
    assert _by(ledger, "feature") == {None: 50}
    assert _by(ledger, "provider") == {"anthropic": 16, "openai": 34}
    assert _by(ledger, "host") == {"api.anthropic.com": 16, "api.openai.com": 34}


def test_helicone_csv(ledger: Engine) -> None:
    assert _ingest(ledger, FIXTURES / "helicone_requests.csv") == (50, 50, 0, 0)
    assert _totals(ledger) == HELICONE_CSV
    assert summary(ledger).as_dict()["reported_cost_usd"] == pytest.approx(0.767424)
    # The CSV has latency but no time to first token; its provider comes from the model name.
    assert _timings(ledger) == {model: (n, total, 0, 0.0) for model, (n, total, _, _) in HELICONE_TIMINGS.items()}
    assert _by(ledger, "provider") == {"anthropic": 16, "openai": 34}


def _helicone_row(**changes: object) -> dict[str, object]:
    row = {
        "response_id": "a",
        "request_id": "b",
        "request_created_at": "2025-09-01 10:00:00.000",
        "response_created_at": "2025-09-01 10:00:03.000",
        "response_status": 200,
        "request_properties": {"Feature": "triage", "app": "bot"},
        "provider": "OPENAI",
        "delay_ms": 3000,
        "request_model": "o4-mini",
        "time_to_first_token": 0,
        "prompt_tokens": 100,
        "prompt_cache_read_tokens": 0,
        "prompt_cache_write_tokens": 0,
        "completion_tokens": 50,
        "reasoning_tokens": 400,
        "total_tokens": 550,
        "cost": 0.002,
        "cache_reference_id": "00000000-0000-0000-0000-000000000000",
        "target_url": "https://api.openai.com/v1/chat/completions",
    }
    return {**row, **changes}


def test_helicone_traps(ledger: Engine, tmp_path: Path) -> None:
    rows = [
        # Reasoning is outside completion_tokens (total = prompt + completion + reasoning).
        _helicone_row(),
        # Anthropic's uncached input is tiny beside its cache reads: they are outside prompt_tokens.
        _helicone_row(
            request_model="claude-sonnet-4-20250514",
            provider="ANTHROPIC",
            prompt_tokens=12,
            prompt_cache_read_tokens=20_000,
            prompt_cache_write_tokens=500,
            reasoning_tokens=0,
            time_to_first_token=800,
            request_properties={},
        ),
        # Served from Helicone's cache: no provider call.
        _helicone_row(cache_reference_id="7f3c1b2a-0000-4000-8000-000000000001", prompt_tokens=0, completion_tokens=0),
    ]
    path = tmp_path / "requests.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    assert _ingest(ledger, path) == (3, 2, 0, 1)
    assert _totals(ledger) == {
        "requests": 2,
        "input_tokens": 100 + 20_512,
        "cache_read_tokens": 20_000,
        "cache_write_tokens": 500,
        "output_tokens": 450 + 50,
        "reasoning_tokens": 400,
    }
    # A time to first token of 0 means "not timed".
    assert _timings(ledger) == {"claude-sonnet-4-20250514": (1, 3_000.0, 1, 800.0), "o4-mini": (1, 3_000.0, 0, 0.0)}
    assert _by(ledger, "feature") == {None: 1, "triage": 1}
    assert _reasons(ledger) == [] and _skipped(ledger) == {"answered from Helicone's cache": 1}


def test_helicone_csv_latency_from_times_when_blank(ledger: Engine, tmp_path: Path) -> None:
    lines = (FIXTURES / "helicone_requests.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = next(csv.reader([lines[1]]))
    row[header.index("latency")] = ""
    path = tmp_path / "one.csv"
    with open(path, "w", newline="") as stream:
        csv.writer(stream).writerows([header, row])
    _ingest(ledger, path)
    # response_created_at − request_created_at = 20:04:08.862 − 20:03:55.347.
    assert _timings(ledger) == {"gpt-4o-2024-08-06": (1, 13_515.0, 0, 0.0)}


# --- Langfuse --------------------------------------------------------------------------------------


def test_langfuse_api_page(ledger: Engine) -> None:
    assert _ingest(ledger, FIXTURES / "langfuse_observations_v2.json") == (45, 45, 0, 0)
    assert _totals(ledger) == LANGFUSE
    assert summary(ledger).as_dict()["reported_cost_usd"] == pytest.approx(0.699521)
    # latency and timeToFirstToken are seconds in the source.
    assert _timings(ledger) == LANGFUSE_TIMINGS
    assert _by(ledger, "provider") == {"anthropic": 10, "google": 16, "openai": 19}
    assert _by(ledger, "project") == {"cmdw1k2ab0001xyz0acme": 45}
    assert _by(ledger, "feature") == {None: 45}


def test_langfuse_csv(ledger: Engine) -> None:
    assert _ingest(ledger, FIXTURES / "langfuse_generations.csv") == (45, 45, 0, 0)
    assert _totals(ledger) == LANGFUSE
    assert summary(ledger).as_dict()["reported_cost_usd"] == pytest.approx(0.699521)
    assert _timings(ledger) == LANGFUSE_TIMINGS


def _observation(**changes: object) -> dict[str, object]:
    row = {
        "id": "o1",
        "traceId": "t1",
        "type": "GENERATION",
        "startTime": "2025-09-01T10:00:00.000Z",
        "endTime": "2025-09-01T10:00:02.000Z",
        "providedModelName": "my-finetune",
        "usageDetails": {"input": 100, "output": 20, "total": 120},
        "totalCost": 0.001,
        "latency": 2.0,
        "timeToFirstToken": 0.25,
    }
    return {**row, **changes}


def test_langfuse_traps(ledger: Engine, tmp_path: Path) -> None:
    observations = [
        # A model no catalogue knows, with no provider in metadata: provider "unknown".
        _observation(metadata={"feature": "search"}),
        # Additive details: cache reads/writes beside input, reasoning beside output; total never counted.
        _observation(
            providedModelName="claude-sonnet-4-20250514",
            usageDetails={
                "input": 10,
                "cache_read_input_tokens": 4_000,
                "cache_creation_input_tokens": 600,
                "ephemeral_1h_input_tokens": 600,
                "output": 50,
                "output_reasoning_tokens": 30,
                "total": 4_690,
            },
            tags=["rag", "eu"],
        ),
        # A hand-written map whose total is input + output alone: its details are inside them.
        _observation(
            providedModelName="gpt-4o",
            metadata={"provider": "azure"},
            usageDetails={"input": 1_000, "input_cached_tokens": 400, "output": 10, "total": 1_010},
            latency=None,
            timeToFirstToken=None,
            completionStartTime="2025-09-01T10:00:00.500Z",
        ),
        # Spans are not model usage.
        _observation(type="SPAN", providedModelName=None, usageDetails={}),
    ]
    path = tmp_path / "observations.json"
    path.write_text(json.dumps({"data": observations, "meta": {"cursor": None}}))
    assert _ingest(ledger, path) == (4, 3, 0, 1)
    assert _totals(ledger) == {
        "requests": 3,
        "input_tokens": 100 + 4_610 + 1_000,
        "cache_read_tokens": 4_000 + 400,
        "cache_write_tokens": 600,
        "output_tokens": 20 + 80 + 10,
        "reasoning_tokens": 30,
    }
    assert summary(ledger).as_dict()["cache_write_1h_tokens"] == 600
    assert _by(ledger, "provider") == {"anthropic": 1, "azure": 1, "unknown": 1}
    assert _by(ledger, "feature") == {None: 1, "rag,eu": 1, "search": 1}
    # Seconds become milliseconds; without them, the start/end and completion-start times are used.
    assert _timings(ledger)["gpt-4o"] == (1, 2_000.0, 1, 500.0)
    assert _timings(ledger)["my-finetune"] == (1, 2_000.0, 1, 250.0)
    assert _reasons(ledger) == [] and _skipped(ledger) == {"SPAN observation": 1}
