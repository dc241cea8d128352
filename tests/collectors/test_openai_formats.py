"""Each OpenAI sample imports with the totals its own semantics give (hand-computed from the files)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.spend import summary
from collectors import ingest, source_from_path
from collectors.detect import detect
from collectors.formats.openai_costs import line_item_model
from db.imports import rejected_rows_of
from db.usage import read_usage
from tests.conftest import FIXTURES

# Sums over the sample files, computed directly from their fields: OpenAI counts cached tokens inside
# input_tokens, so input is input_tokens and cache reads are input_cached_tokens. OpenAI reports no reasoning
# split: not in this source (None), never 0.
COMPLETIONS = {
    "requests": 14_516,
    "input_tokens": 43_108_511,
    "cache_read_tokens": 11_723_648,
    "cache_write_tokens": 0,
    "output_tokens": 6_811_732,
    "reasoning_tokens": None,
}
# The dashboard export has no input_cache_write_tokens column either.
DASHBOARD = {**COMPLETIONS, "cache_write_tokens": None}


@pytest.mark.parametrize(
    ("name", "format_name"),
    [
        ("openai_usage_completions.json", "openai_usage_api"),
        ("openai_dashboard_completions_usage.csv", "openai_usage_csv"),
        ("openai_costs.json", "openai_costs_api"),
        ("openai_dashboard_costs.csv", "openai_costs_csv"),
        ("openai_legacy_v1_usage.json", "openai_legacy_usage"),
        ("openai_activity_export.csv", "openai_activity_csv"),
    ],
)
def test_detected_from_content(name: str, format_name: str, tmp_path) -> None:
    renamed = tmp_path / "export.bin"
    renamed.write_bytes((FIXTURES / name).read_bytes())
    assert detect(source_from_path(renamed)).name == format_name


def _totals(ledger: Engine) -> dict[str, object]:
    return {key: summary(ledger).as_dict()[key] for key in COMPLETIONS}


def test_usage_api_page(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "openai_usage_completions.json"))
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (42, 42, 0)
    assert _totals(ledger) == COMPLETIONS


def test_usage_api_list_of_pages(ledger: Engine, tmp_path) -> None:
    page = (FIXTURES / "openai_usage_completions.json").read_text()
    pages = tmp_path / "pages.json"
    pages.write_text(f"[{page}, {page.replace('1756684800', '1756598400')}]")
    ingest(ledger, source_from_path(pages))
    assert summary(ledger).as_dict()["input_tokens"] == 2 * COMPLETIONS["input_tokens"]


def test_dashboard_usage_csv(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "openai_dashboard_completions_usage.csv"))
    # 43 rows, one of them an empty bucket with only its time columns: skipped, neither accepted nor rejected.
    assert (result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (43, 42, 0, 1)
    assert result.skipped == {"empty bucket": 1}
    assert _totals(ledger) == DASHBOARD


def test_usage_csv_and_api_agree_per_model(ledger: Engine, new_ledger_url: Callable[[], str]) -> None:
    api_ledger = ledger
    ingest(api_ledger, source_from_path(FIXTURES / "openai_usage_completions.json"))
    by_model_api = summary(api_ledger).as_dict()["by_model"]
    from db import open_ledger

    csv_ledger = open_ledger(new_ledger_url())
    ingest(csv_ledger, source_from_path(FIXTURES / "openai_dashboard_completions_usage.csv"))
    by_model_csv = summary(csv_ledger).as_dict()["by_model"]
    # Every measure the export has agrees with the API; its cache writes are not in it.
    assert by_model_csv.keys() == by_model_api.keys()
    for model, api in by_model_api.items():
        csv_totals = by_model_csv[model]
        assert csv_totals["cache_write_tokens"] is None and api["cache_write_tokens"] == 0
        same = [key for key in api if key not in ("cache_write_tokens", "cache_write_1h_tokens", "not_in_source")]
        assert {k: csv_totals[k] for k in same} == {k: api[k] for k in same}, model


def test_legacy_usage(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "openai_legacy_v1_usage.json"))
    assert (result.rows_read, result.rows_accepted) == (24, 24)
    totals = summary(ledger).as_dict()
    assert totals["requests"] == 164
    assert totals["input_tokens"] == 104_149
    assert totals["cache_read_tokens"] == 24_448
    assert totals["output_tokens"] == 7_356


def test_activity_export_csv(ledger: Engine) -> None:
    # The 2023-era Activity export: 7 rows, of which a DALL·E and a Whisper row are not token usage: skipped.
    result = ingest(ledger, source_from_path(FIXTURES / "openai_activity_export.csv"))
    assert (result.format, result.rows_read, result.rows_accepted, result.rows_rejected, result.rows_skipped) == (
        "openai_activity_csv",
        7,
        5,
        0,
        2,
    )
    totals = summary(ledger).as_dict()
    assert totals["requests"] == 12 + 30 + 7 + 3 + 25
    assert totals["input_tokens"] == 18_400 + 9_150 + 5_300 + 61_200 + 40_100
    assert totals["output_tokens"] == 2_210 + 4_020 + 0 + 1_800 + 9_800
    # The export has no cached-tokens column: not in this source, not 0.
    assert totals["cache_read_tokens"] is None
    # gpt-4-0613 at $30 / $60 per million tokens: the context tokens are all input, the generated all output.
    gpt4 = summary(ledger).by_model["gpt-4-0613"]
    assert gpt4.cost_usd == pytest.approx(18_400 * 30e-6 + 2_210 * 60e-6)
    by_user = dict(read_usage(ledger, ["user"])[["user", "input_tokens"]].itertuples(index=False))
    assert by_user == {"user-4f2kq9": 18_400 + 5_300, "user-8d1xw3": 9_150 + 40_100, "user-c71mz0": 61_200}


def test_activity_csv_with_the_legacy_api_fields(ledger: Engine, tmp_path) -> None:
    # /v1/usage records saved as CSV: n_context and n_generated count prompts and completions, not tokens;
    # the cached part of the context tokens is a cache read inside the input; ISO times read as well.
    path = tmp_path / "usage.csv"
    path.write_text(
        "aggregation_timestamp,n_requests,operation,snapshot_id,n_context,n_context_tokens_total,n_generated,"
        "n_generated_tokens_total,email,api_key_id,project_id,n_cached_context_tokens_total\n"
        "1699228800,4,completion,gpt-4-0613,4,1000,12,300,ana@example.com,key_a,proj_a,200\n"
        "2023-11-06T01:00:00Z,2,completion,gpt-4-0613,2,500,2,100,ana@example.com,key_a,proj_a,\n"
        "1699232400,1,completion,gpt-4-0613,1,100,1,10,bo@example.com,key_b,proj_a,150\n"
    )
    result = ingest(ledger, source_from_path(path))
    assert (result.format, result.rows_accepted, result.rows_rejected) == ("openai_activity_csv", 2, 1)
    totals = summary(ledger).as_dict()
    assert (totals["requests"], totals["input_tokens"], totals["output_tokens"]) == (6, 1_500, 400)
    assert totals["cache_read_tokens"] == 200
    # 1,300 uncached input at $30, 200 cached read at $30 (no cached price then), 400 output at $60.
    assert totals["cost_usd"] == pytest.approx(1_500 * 30e-6 + 400 * 60e-6)
    rejected = rejected_rows_of(ledger, result.import_id)["reason"].tolist()
    assert rejected == ["n_cached_context_tokens_total is more than n_context_tokens_total, which includes it"]


def test_activity_csv_rows_without_a_time_or_a_model_are_rejected_with_the_reason(ledger: Engine, tmp_path) -> None:
    path = tmp_path / "activity.csv"
    path.write_text(
        "n_requests,operation,n_context_tokens_total,n_generated_tokens_total,usage_type,model,timestamp,user\n"
        "1,completion,100,10,text,gpt-4-0613,yesterday,u1\n"
        "1,completion,100,10,text,,1699228800,u1\n"
        "1,completion,100,10,text,gpt-4-0613,,u1\n"
        "2,completion,300,20,text,gpt-4-0613,1699228800,u1\n"
    )
    result = ingest(ledger, source_from_path(path))
    assert (result.rows_accepted, result.rows_rejected) == (1, 3)
    assert rejected_rows_of(ledger, result.import_id)["reason"].tolist() == [
        "timestamp is not a date/time: 'yesterday'",
        "snapshot_id/model is missing",
        "timestamp is missing",
    ]
    assert summary(ledger).as_dict()["input_tokens"] == 300


def test_costs_api_lands_as_reported_cost(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "openai_costs.json"))
    assert result.rows_accepted == 127
    totals = summary(ledger).as_dict()
    assert totals["reported_cost_usd"] == pytest.approx(62.1827292, abs=1e-6)
    # Costs carry no tokens: unknown, not 0 (so nothing is double counted against usage imports), and no
    # computed cost either, rather than $0.
    assert totals["input_tokens"] is None and totals["cost_usd"] is None
    assert "gpt-4o-2024-08-06" in totals["by_model"]


def test_dashboard_costs_csv(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "openai_dashboard_costs.csv"))
    # One day has only its time columns: an empty bucket, skipped.
    assert (result.rows_read, result.rows_accepted, result.rows_skipped) == (24, 23, 1)
    assert result.skipped == {"empty bucket": 1}
    assert summary(ledger).as_dict()["reported_cost_usd"] == pytest.approx(522.97206095, abs=1e-6)


def test_tool_call_line_items_are_tool_charges_not_models(ledger: Engine) -> None:
    ingest(ledger, source_from_path(FIXTURES / "openai_costs.json"))
    by_model = summary(ledger).as_dict()["by_model"]
    # The sample's one tool line: 1.25 USD of web search tool calls on 2025-09-03.
    assert by_model["tool charge (web search tool calls)"]["reported_cost_usd"] == 1.25
    assert "web search tool calls" not in by_model
    # The token line items still name their models.
    assert {m for m in by_model if not m.startswith("tool charge")} == {
        "gpt-4.1-2025-04-14",
        "gpt-4o-2024-08-06",
        "gpt-4o-mini-2024-07-18",
        "o3-mini-2025-01-31",
    }


@pytest.mark.parametrize(
    ("line_item", "model"),
    [
        ("gpt-4o-2024-08-06, cached input", "gpt-4o-2024-08-06"),
        ("web search tool calls", "tool charge (web search tool calls)"),
        ("file search tool calls", "tool charge (file search tool calls)"),
        ("web_search", "tool charge (web_search)"),
        ("code interpreter sessions", "tool charge (code interpreter sessions)"),
        ("vector store storage", "tool charge (vector store storage)"),
        # A model whose name mentions search is still a model.
        ("gpt-4o-search-preview-2025-03-11, input", "gpt-4o-search-preview-2025-03-11"),
        ("computer-use-preview, output", "computer-use-preview"),
        ("whisper", "whisper"),
    ],
)
def test_line_item_labels(line_item: str, model: str) -> None:
    assert line_item_model(pd.Series([line_item])).tolist() == [model]
