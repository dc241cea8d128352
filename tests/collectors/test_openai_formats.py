"""Each OpenAI sample imports with the totals its own semantics give (hand-computed from the files)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from analysis.spend import summary
from collectors import ingest, source_from_path
from collectors.detect import detect
from tests.conftest import FIXTURES

# Sums over the sample files, computed directly from their fields: OpenAI counts cached tokens inside
# input_tokens, so input is input_tokens and cache reads are input_cached_tokens.
COMPLETIONS = {
    "requests": 14_516,
    "input_tokens": 43_108_511,
    "cache_read_tokens": 11_723_648,
    "cache_write_tokens": 0,
    "output_tokens": 6_811_732,
    "reasoning_tokens": 0,
}


@pytest.mark.parametrize(
    ("name", "format_name"),
    [
        ("openai_usage_completions.json", "openai_usage_api"),
        ("openai_dashboard_completions_usage.csv", "openai_usage_csv"),
        ("openai_costs.json", "openai_costs_api"),
        ("openai_dashboard_costs.csv", "openai_costs_csv"),
        ("openai_legacy_v1_usage.json", "openai_legacy_usage"),
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
    # 43 rows, one of them an empty bucket with only its time columns: read, neither accepted nor rejected.
    assert (result.rows_read, result.rows_accepted, result.rows_rejected) == (43, 42, 0)
    assert _totals(ledger) == COMPLETIONS


def test_usage_csv_and_api_agree_per_model(ledger: Engine, new_ledger_url: Callable[[], str]) -> None:
    api_ledger = ledger
    ingest(api_ledger, source_from_path(FIXTURES / "openai_usage_completions.json"))
    by_model_api = summary(api_ledger).as_dict()["by_model"]
    from db import open_ledger

    csv_ledger = open_ledger(new_ledger_url())
    ingest(csv_ledger, source_from_path(FIXTURES / "openai_dashboard_completions_usage.csv"))
    assert summary(csv_ledger).as_dict()["by_model"] == by_model_api


def test_legacy_usage(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "openai_legacy_v1_usage.json"))
    assert (result.rows_read, result.rows_accepted) == (24, 24)
    totals = summary(ledger).as_dict()
    assert totals["requests"] == 164
    assert totals["input_tokens"] == 104_149
    assert totals["cache_read_tokens"] == 24_448
    assert totals["output_tokens"] == 7_356


def test_costs_api_lands_as_reported_cost(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "openai_costs.json"))
    assert result.rows_accepted == 127
    totals = summary(ledger).as_dict()
    assert totals["reported_cost_usd"] == pytest.approx(62.1827292, abs=1e-6)
    # Costs carry no tokens, so nothing is double counted against usage imports.
    assert totals["input_tokens"] == 0
    assert "gpt-4o-2024-08-06" in totals["by_model"]


def test_dashboard_costs_csv(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FIXTURES / "openai_dashboard_costs.csv"))
    assert result.rows_accepted == 24
    assert summary(ledger).as_dict()["reported_cost_usd"] == pytest.approx(522.97206095, abs=1e-6)
