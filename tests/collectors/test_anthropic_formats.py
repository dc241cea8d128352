"""Each Anthropic sample imports with the totals its own semantics give, and the Anthropic traps hold:
cache counts outside uncached input added once, cents turned into dollars, 1-hour writes kept apart,
old single cache-write column, context windows as prompt-size bands."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.spend import summary
from collectors import IngestError, IngestResult, ingest, source_from_bytes, source_from_path
from collectors.detect import detect
from collectors.formats import format_named
from collectors.formats.anthropic_usage_api import UNKNOWN_MODEL
from db.imports import rejected_rows_of
from db.usage import read_usage
from tests.conftest import FIXTURES

# Sums over the sample files, computed beforehand by a throwaway script that read the raw samples with
# json/csv (Decimal for money) following FORMATS.md §2: uncached_input_tokens (and the Console CSV's
# usage_input_tokens_no_cache) exclude cache reads and writes, so input = uncached + reads + 5m + 1h writes.
UNCACHED = 56_504_195
CACHE_READS = 106_785_857
CACHE_WRITES_5M = 9_709_463
CACHE_WRITES_1H = 925_020
USAGE = {
    "requests": None,  # the usage report has no request count
    "input_tokens": 173_924_535,
    "cache_read_tokens": CACHE_READS,
    "cache_write_tokens": CACHE_WRITES_5M + CACHE_WRITES_1H,
    "cache_write_1h_tokens": CACHE_WRITES_1H,
    "output_tokens": 5_871_874,
    "reasoning_tokens": None,  # not in this source: Anthropic does not split thinking out of the output
    "reported_cost_usd": None,
}
# Input of the rows whose service_tier is "batch" (all claude-3-5-haiku in the default workspace).
BATCH_INPUT = 55_122_484
# Sum of amount/100 over the cost report's 192 results; 4.40 of it is web search (no model).
COST_API_USD = 212.9146315
WEB_SEARCH_USD = 4.40
# Sum of cost_usd over the Console cost CSV's 176 rows (it omits the web-search lines).
CONSOLE_COST_USD = 208.52


def _totals(ledger: Engine) -> dict[str, object]:
    return {key: summary(ledger).as_dict()[key] for key in USAGE}


def _page(*results: object, start: str = "2025-09-01T00:00:00Z") -> dict[str, Any]:
    return {
        "data": [{"starting_at": start, "ending_at": "2025-09-02T00:00:00Z", "results": list(results)}],
        "has_more": False,
        "next_page": None,
    }


def _usage_result(**fields: object) -> dict[str, object]:
    # The spec's own example result (FORMATS.md §2.1).
    result: dict[str, object] = {
        "api_key_id": "apikey_01Rj2N8SVvo6BePZj99NhmiT",
        "cache_creation": {"ephemeral_1h_input_tokens": 1000, "ephemeral_5m_input_tokens": 500},
        "cache_read_input_tokens": 200,
        "context_window": "0-200k",
        "model": "claude-sonnet-4-20250514",
        "output_tokens": 500,
        "server_tool_use": {"web_search_requests": 10},
        "service_tier": "standard",
        "uncached_input_tokens": 1500,
        "workspace_id": "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
    }
    result.update(fields)
    return result


def _ingest_json(
    ledger: Engine, document: object, name: str = "page.json", format_name: str | None = None
) -> IngestResult:
    content = json.dumps(document).encode()
    return ingest(ledger, source_from_bytes(name, content), format_name=format_name)


@pytest.mark.parametrize(
    ("name", "format_name"),
    [
        ("anthropic_usage_report.json", "anthropic_usage_api"),
        ("anthropic_cost_report.json", "anthropic_cost_api"),
        ("anthropic_console_usage_export.csv", "anthropic_console_usage_csv"),
        ("anthropic_console_cost_export.csv", "anthropic_console_cost_csv"),
    ],
)
def test_detected_from_content(name: str, format_name: str, tmp_path: Path) -> None:
    renamed = tmp_path / "export.bin"
    renamed.write_bytes((FIXTURES / name).read_bytes())
    assert detect(source_from_path(renamed)).name == format_name


def test_usage_api_page(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "anthropic_usage_report.json"))
    assert (result.format, result.rows_read, result.rows_accepted, result.rows_rejected) == (
        "anthropic_usage_api",
        40,
        40,
        0,
    )
    assert _totals(ledger) == USAGE
    assert summary(ledger).as_dict()["by_provider"].keys() == {"anthropic"}


def test_cache_reads_and_writes_are_counted_once(ledger: Engine) -> None:
    ingest(ledger, source_from_path(FIXTURES / "anthropic_usage_report.json"))
    totals = summary(ledger).as_dict()
    # Canonical input is the raw file's uncached + reads + writes: not more (double counted), not less.
    assert totals["input_tokens"] == UNCACHED + CACHE_READS + CACHE_WRITES_5M + CACHE_WRITES_1H
    assert totals["input_tokens"] - totals["cache_read_tokens"] - totals["cache_write_tokens"] == UNCACHED


def test_spec_example_result_maps_every_measure(ledger: Engine) -> None:
    _ingest_json(ledger, _page(_usage_result()))
    usage = read_usage(ledger, ["model", "project", "api_key", "service_tier", "batch", "prompt_band"])
    row = usage.iloc[0]
    assert (row.input_tokens, row.cache_read_tokens, row.cache_write_tokens, row.cache_write_1h_tokens) == (
        3200,
        200,
        1500,
        1000,
    )
    # Ten web searches are tool calls, not tokens.
    assert row.output_tokens == 500 and pd.isna(row.requests)
    assert (row.model, row.project, row.api_key) == (
        "claude-sonnet-4-20250514",
        "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ",
        "apikey_01Rj2N8SVvo6BePZj99NhmiT",
    )
    assert (row.service_tier, bool(row.batch), row.prompt_band) == ("standard", False, 0)


def test_usage_api_list_of_pages(ledger: Engine) -> None:
    page = json.loads((FIXTURES / "anthropic_usage_report.json").read_text())
    later = json.loads(json.dumps(page).replace("2025-09-0", "2025-10-0"))
    _ingest_json(ledger, [page, later], "pages.json")
    assert summary(ledger).as_dict()["input_tokens"] == 2 * USAGE["input_tokens"]


def test_batch_tier_sets_batch(ledger: Engine) -> None:
    ingest(ledger, source_from_path(FIXTURES / "anthropic_usage_report.json"))
    usage = read_usage(ledger, ["service_tier", "batch"]).set_index("service_tier")
    assert bool(usage.loc["batch", "batch"]) and not bool(usage.loc["standard", "batch"])
    assert usage.loc["batch", "input_tokens"] == BATCH_INPUT


def test_context_window_becomes_prompt_band(ledger: Engine) -> None:
    _ingest_json(
        ledger,
        _page(
            _usage_result(context_window="200k-1M", uncached_input_tokens=300_000),
            _usage_result(context_window="0-200k"),
            _usage_result(context_window=None, uncached_input_tokens=7),
        ),
    )
    bands = read_usage(ledger, ["prompt_band"]).set_index("input_tokens")["prompt_band"]
    assert bands[301_700] == 200_000
    assert bands[3_200] == 0
    # No stated window and no request count: no band can be derived, but the tokens still count.
    assert pd.isna(bands[1_707])


def test_ungrouped_model_geo_and_user(ledger: Engine) -> None:
    _ingest_json(
        ledger,
        _page(
            _usage_result(model=None, inference_geo="us", account_id="acct_01"),
            _usage_result(inference_geo="not_available", service_account_id="svcacct_02"),
        ),
    )
    usage = read_usage(ledger, ["model", "host", "user"]).set_index("model")
    assert usage.loc[UNKNOWN_MODEL, "host"] == "us" and usage.loc[UNKNOWN_MODEL, "user"] == "acct_01"
    assert pd.isna(usage.loc["claude-sonnet-4-20250514", "host"])
    assert usage.loc["claude-sonnet-4-20250514", "user"] == "svcacct_02"


def test_bad_usage_results_are_rejected_with_reasons(ledger: Engine) -> None:
    result = _ingest_json(
        ledger,
        _page(
            _usage_result(),
            _usage_result(uncached_input_tokens="lots"),
            _usage_result(cache_creation=12),
            _usage_result(output_tokens=-5),
            "not a result",
        ),
    )
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (5, 1, 4)
    rejected = rejected_rows_of(ledger, result.import_id)
    assert rejected["location"].tolist() == [
        "page 1, bucket 1, result 2",
        "page 1, bucket 1, result 3",
        "page 1, bucket 1, result 4",
        "page 1, bucket 1, result 5",
    ]
    reasons = rejected["reason"].tolist()
    assert reasons[0] == "uncached_input_tokens is not a number: 'lots'"
    assert reasons[1] == "cache_creation is not an object: 12"
    assert reasons[2] == "output_tokens is negative"
    assert reasons[3] == "result is not an object"
    assert '"uncached_input_tokens": "lots"' in rejected["raw"][0]


def test_empty_buckets_and_wrong_shape(ledger: Engine) -> None:
    page = _page(_usage_result())
    page["data"].insert(0, {"starting_at": "2025-08-31T00:00:00Z", "ending_at": "2025-09-01T00:00:00Z", "results": []})
    result = _ingest_json(ledger, page)
    assert (result.rows_read, result.rows_accepted) == (1, 1)
    # A page of only empty buckets reads as no rows.
    empty = source_from_bytes("empty.json", json.dumps(_page()).encode())
    assert [len(batch.records) for batch in format_named("anthropic_usage_api").read(empty)] == [0]
    with pytest.raises(IngestError, match="not an Anthropic usage report page"):
        _ingest_json(ledger, {"results": []}, "odd.json", format_name="anthropic_usage_api")


def test_cost_api_cents_become_dollars(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "anthropic_cost_report.json"))
    assert (result.format, result.rows_read, result.rows_accepted, result.rows_rejected) == (
        "anthropic_cost_api",
        192,
        192,
        0,
    )
    totals = summary(ledger).as_dict()
    assert totals["reported_cost_usd"] == pytest.approx(COST_API_USD, abs=1e-6)
    # Cost rows carry no tokens: unknown, not 0 (and nothing double counted against a usage import); and no
    # computed cost, rather than one of $0.
    assert totals["input_tokens"] is None and totals["requests"] is None and totals["cost_usd"] is None
    assert totals["not_in_source"]["input_tokens"] == totals["rows"] > 0
    assert totals["by_model"]["unattributed (Web Search Usage)"]["reported_cost_usd"] == pytest.approx(WEB_SEARCH_USD)
    assert "claude-sonnet-4-20250514" in totals["by_model"]


def test_cost_api_amount_units_currency_and_labels(ledger: Engine) -> None:
    line = {
        "amount": "123.45",
        "currency": "USD",
        "cost_type": "tokens",
        "description": "Claude Sonnet 4 Usage - Input Tokens",
        "model": "claude-sonnet-4-20250514",
        "service_tier": "batch",
        "token_type": "uncached_input_tokens",
        "context_window": "200k-1M",
        "inference_geo": "us",
        "workspace_id": "wrkspc_01",
    }
    result = _ingest_json(
        ledger,
        [
            _page(
                line,
                {**line, "model": None},
                {**line, "amount": "50", "currency": "EUR"},
                {**line, "amount": None},
            ),
            # A report not grouped by description names nothing but the amount.
            _page({"amount": "1000", "currency": "USD"}, start="2025-09-02T00:00:00Z"),
        ],
    )
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (5, 3, 2)
    assert rejected_rows_of(ledger, result.import_id)["reason"].tolist() == [
        "amount is in EUR; exitplan records USD only",
        "amount is missing",
    ]
    usage = read_usage(ledger, ["model", "project", "service_tier", "batch", "prompt_band", "host"])
    usage = usage.set_index("model")
    assert usage["reported_cost_nano_usd"].to_dict() == {
        "claude-sonnet-4-20250514": 1_234_500_000,  # "123.45" cents = $1.2345
        "Claude Sonnet 4": 1_234_500_000,  # a null model falls back to the description's display name
        "unattributed (not grouped by description)": 10_000_000_000,
    }
    row = usage.loc["claude-sonnet-4-20250514"]
    assert (row.project, row.service_tier, bool(row.batch), row.prompt_band, row.host) == (
        "wrkspc_01",
        "batch",
        True,
        200_000,
        "us",
    )


def test_console_usage_csv_matches_the_api(ledger: Engine, new_ledger_url: Callable[[], str]) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "anthropic_console_usage_export.csv"))
    assert (result.format, result.rows_read, result.rows_accepted, result.rows_rejected) == (
        "anthropic_console_usage_csv",
        40,
        40,
        0,
    )
    assert _totals(ledger) == USAGE
    usage = read_usage(ledger, ["project", "api_key", "service_tier", "batch", "prompt_band", "host"])
    # Names, not ids; "≤ 200k" is band 0; not_available is no host.
    assert set(usage["project"]) == {"Default", "Support", "Research"}
    assert "batch-nightly" in set(usage["api_key"])
    assert usage.loc[usage["service_tier"] == "batch", "input_tokens"].sum() == BATCH_INPUT
    assert usage.loc[usage["service_tier"] == "batch", "batch"].all()
    assert set(usage["prompt_band"]) == {0} and usage["host"].isna().all()

    from db import open_ledger

    api_ledger = open_ledger(new_ledger_url())
    ingest(api_ledger, source_from_path(FIXTURES / "anthropic_usage_report.json"))
    assert summary(api_ledger).as_dict()["by_model"] == summary(ledger).as_dict()["by_model"]
    api_ledger.dispose()


def test_console_usage_csv_old_single_cache_write_column(ledger: Engine) -> None:
    content = (
        b"usage_date_utc,model_version,api_key,workspace,usage_type,usage_input_tokens_no_cache,"
        b"usage_input_tokens_cache_write,usage_input_tokens_cache_read,usage_output_tokens,web_search_count\n"
        b"2025-06-12,claude-3-5-haiku-20241022,key-a,Default,standard,100,40,60,9,3\n"
        b"2025-06-12,claude-sonnet-4-20250514,key-a,Default,standard,1,x,0,1,0\n"
    )
    result = ingest(ledger, source_from_bytes("old.csv", content))
    assert (result.format, result.rows_accepted, result.rows_rejected) == ("anthropic_console_usage_csv", 1, 1)
    totals = summary(ledger).as_dict()
    assert (totals["input_tokens"], totals["cache_read_tokens"], totals["cache_write_tokens"]) == (200, 60, 40)
    # The old column held 5-minute writes only.
    assert totals["cache_write_1h_tokens"] == 0
    assert rejected_rows_of(ledger, result.import_id)["reason"].tolist() == [
        "usage_input_tokens_cache_write is not a number: 'x'"
    ]


def test_console_usage_csv_long_context_and_geo(ledger: Engine) -> None:
    header = (
        "usage_date_utc,model_version,api_key,workspace,usage_type,context_window,usage_input_tokens_no_cache,"
        "usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,usage_input_tokens_cache_read,"
        "usage_output_tokens,web_search_count,inference_geo,speed\n"
    )
    rows = "2025-09-01,claude-sonnet-4-20250514,k,Default,priority,> 200k,250000,0,10,5,7,0,us,\n"
    ingest(ledger, source_from_bytes("long.csv", (header + rows).encode()))
    row = read_usage(ledger, ["prompt_band", "host", "service_tier", "batch"]).iloc[0]
    assert (row.prompt_band, row.host, row.service_tier, bool(row.batch)) == (200_000, "us", "priority", False)
    assert (row.input_tokens, row.cache_write_1h_tokens) == (250_015, 10)


def test_console_cost_csv_is_dollars(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "anthropic_console_cost_export.csv"))
    assert (result.format, result.rows_read, result.rows_accepted, result.rows_rejected) == (
        "anthropic_console_cost_csv",
        176,
        176,
        0,
    )
    totals = summary(ledger).as_dict()
    # Web-search lines are not in the Console CSV, so this is a little under the API's total.
    assert totals["reported_cost_usd"] == pytest.approx(CONSOLE_COST_USD, abs=1e-6)
    assert totals["input_tokens"] is None and totals["requests"] is None and totals["cost_usd"] is None
    # Display names are kept as written.
    assert set(totals["by_model"]) == {"Claude Sonnet 4", "Claude Haiku 3.5", "Claude Opus 4.1"}
    usage = read_usage(ledger, ["project", "api_key", "service_tier", "prompt_band"])
    # usage_type "message" is not a service tier.
    assert usage["service_tier"].isna().all() and set(usage["prompt_band"]) == {0}


@pytest.mark.parametrize(
    ("header", "row"),
    [
        ("usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd", ""),
        (
            "usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,list_price_usd,"
            "cost_type,inference_geo,speed,api_key_id,api_key_status",
            ",2.00,token,global,,apikey_01,active",
        ),
    ],
)
def test_console_cost_csv_oldest_and_newest_headers(ledger: Engine, header: str, row: str) -> None:
    lines = [
        "2025-09-01,Claude Sonnet 4.5,Default,key-a,message,≤ 200k,output,1.25" + row,
        "2025-09-01,Claude Sonnet 4.5,Default,key-a,message,≤ 200k,output,n/a" + row,
    ]
    result = ingest(ledger, source_from_bytes("cost.csv", "\n".join([header, *lines]).encode()))
    assert (result.format, result.rows_accepted, result.rows_rejected) == ("anthropic_console_cost_csv", 1, 1)
    assert summary(ledger).as_dict()["reported_cost_usd"] == pytest.approx(1.25)
    assert rejected_rows_of(ledger, result.import_id)["reason"].tolist() == ["cost_usd is not a number: 'n/a'"]


def test_usage_priced_by_exitplan_matches_the_cost_report(ledger: Engine, new_ledger_url: Callable[[], str]) -> None:
    # Cross-check of the token mapping: the standard-tier usage, priced at list prices, costs what the
    # cost report says it cost (any double counted or misfiled cache token would show here).
    from analysis.spend import priced_usage, totals_by
    from db import open_ledger

    ingest(ledger, source_from_path(FIXTURES / "anthropic_usage_report.json"))
    costs = open_ledger(new_ledger_url())
    ingest(costs, source_from_path(FIXTURES / "anthropic_cost_report.json"))
    priced = totals_by(priced_usage(ledger, ["service_tier"]), ["service_tier"]).set_index("service_tier")
    reported = totals_by(priced_usage(costs, ["service_tier"]), ["service_tier"]).set_index("service_tier")
    costs.dispose()
    assert priced.loc["standard", "cost_usd"] == pytest.approx(reported.loc["standard", "reported_cost_usd"], abs=1e-6)
