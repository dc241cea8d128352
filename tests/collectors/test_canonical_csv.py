"""The canonical CSV: required and optional columns, spellings, delimiters, encodings, bad rows."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from sqlalchemy import Engine

from analysis.spend import summary
from collectors import IngestError, ingest, source_from_bytes, source_from_path
from db import read_usage, rejected_rows_of

HEADER = "date,provider,model,input_tokens,output_tokens"


def _import(ledger: Engine, text: str, *, encoding: str = "utf-8", name: str = "usage.csv"):
    return ingest(ledger, source_from_bytes(name, text.encode(encoding)))


def test_minimal_columns_default_one_request_per_row(ledger: Engine) -> None:
    result = _import(ledger, f"{HEADER}\n2025-09-01,openai,gpt-4o,1000,200\n2025-09-02,OpenAI,gpt-4o,500,50\n")
    assert result.format == "exitplan_csv"
    assert result.rows_accepted == 2
    totals = summary(ledger).as_dict()
    assert (totals["requests"], totals["input_tokens"], totals["output_tokens"]) == (2, 1500, 250)
    assert list(totals["by_provider"]) == ["openai"]


def test_all_optional_columns_in_any_order_case_and_alias(ledger: Engine) -> None:
    text = (
        "Output_Tokens;MODEL;Timestamp;Provider;Input_Tokens;cache_read_tokens;cache_write_tokens;"
        "reasoning_tokens;requests;project;api_key;user;feature;service_tier;batch;latency_ms;cost_usd;extra\n"
        "900;o3-mini;2025-09-01T10:15:00+02:00;openai;5000;1000;200;600;4;proj;key;u1;search;default;"
        "true;1200.5;0.0123;ignored\n"
    )
    result = _import(ledger, text)
    assert result.rows_accepted == 1
    row = read_usage(ledger, ["project", "api_key", "user", "feature", "service_tier", "batch"], grain="hour")
    assert row.loc[0, "bucket_start"].isoformat() == "2025-09-01T08:00:00"  # +02:00 converted to UTC
    assert (row.loc[0, "project"], row.loc[0, "feature"], bool(row.loc[0, "batch"])) == (
        "proj",
        "search",
        True,
    )
    totals = summary(ledger).as_dict()
    assert totals["cache_read_tokens"] == 1000
    assert totals["cache_write_tokens"] == 200
    assert totals["reasoning_tokens"] == 600
    assert totals["requests"] == 4
    assert totals["reported_cost_usd"] == pytest.approx(0.0123)


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_delimiters_newlines_and_bom(ledger: Engine, delimiter: str, newline: str, encoding: str) -> None:
    lines = [
        HEADER,
        "2025-09-01,anthropic,claude-sonnet-4-5,100,10",
        "2025-09-01,anthropic,claude-sonnet-4-5,1,1",
    ]
    text = newline.join(line.replace(",", delimiter) for line in lines) + newline
    result = _import(ledger, text, encoding=encoding)
    assert result.rows_accepted == 2
    assert summary(ledger).as_dict()["input_tokens"] == 101


def test_gzip_is_accepted(ledger: Engine, tmp_path: Path) -> None:
    path = tmp_path / "usage.csv.gz"
    path.write_bytes(gzip.compress(f"{HEADER}\n2025-09-01,openai,gpt-4o,10,1\n".encode()))
    assert ingest(ledger, source_from_path(path)).rows_accepted == 1


def test_bad_rows_are_rejected_with_reasons_and_the_rest_imports(ledger: Engine) -> None:
    text = (
        "date,provider,model,input_tokens,output_tokens,cached_input_tokens,reasoning_tokens\n"
        "2025-09-01,openai,gpt-4o,100,10,0,0\n"
        "2025-09-01,openai,gpt-4o,-5,10,0,0\n"
        "2025-09-01,openai,gpt-4o,abc,10,0,0\n"
        "2025-09-01,openai,gpt-4o,100,10,500,0\n"
        "yesterday,openai,gpt-4o,100,10,0,0\n"
        "2025-09-01,openai,gpt-4o,100,10,0,50\n"
        "2025-09-01,openai,,100,10,0,0\n"
        "2025-09-01,openai,gpt-4o,100.5,10,0,0\n"
        "2025-09-01,openai,gpt-4o,100\n"
    )
    result = _import(ledger, text)
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (9, 1, 8)
    rejected = rejected_rows_of(ledger, result.import_id)
    reasons = dict(zip(rejected["location"], rejected["reason"], strict=True))
    assert reasons["row 2"] == "input_tokens is negative"
    assert reasons["row 3"] == "input_tokens is not a number: 'abc'"
    assert reasons["row 4"].startswith("cache tokens exceed input tokens")
    assert reasons["row 5"].startswith("date is not a date/time")
    assert reasons["row 6"] == "reasoning tokens exceed output tokens"
    assert reasons["row 7"] == "model is missing"
    assert reasons["row 8"] == "input_tokens is not a whole number"
    assert any(reason.startswith("expected 7 fields, found 4") for reason in reasons.values())
    assert "yesterday,openai,gpt-4o,100,10,0,0" in set(rejected["raw"])
    assert summary(ledger).as_dict()["input_tokens"] == 100


def test_missing_required_column_fails_the_whole_file(ledger: Engine) -> None:
    with pytest.raises(IngestError, match="missing required column"):
        ingest(
            ledger,
            source_from_bytes("x.csv", b"date,provider,model,input_tokens\n2025-09-01,openai,gpt-4o,1\n"),
            format_name="exitplan_csv",
        )
