"""Unknown is not zero: a measure a source does not report stays null from the ledger to the summary, a total
over known and unknown rows says which part it is, and the cost engine neither prices a cost-only row at $0
nor lets an unknown part change a price."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.spend import priced_usage, summary
from collectors import ingest, source_from_bytes, source_from_path
from db import read_usage
from tests.conftest import FIXTURES

# Two requests of gpt-4o on 2025-09-01, with every measure a canonical CSV can give.
WITH_REASONING = (
    "date,provider,model,requests,input_tokens,cached_input_tokens,cache_write_tokens,cache_write_1h_tokens,"
    "output_tokens,reasoning_tokens\n"
    "2025-09-01,openai,gpt-4o-2024-08-06,1,1000,200,0,0,300,100\n"
    "2025-09-01,openai,gpt-4o-2024-08-06,1,2000,0,0,0,500,0\n"
)
# The same day and model from a source with no cache or reasoning columns.
WITHOUT_REASONING = "date,provider,model,requests,input_tokens,output_tokens\n2025-09-01,openai,o3-mini,4,4000,800\n"


def _csv(ledger: Engine, name: str, content: str) -> None:
    ingest(ledger, source_from_bytes(name, content.encode()))


def test_a_cost_only_import_has_no_tokens_and_no_computed_cost(ledger: Engine) -> None:
    ingest(ledger, source_from_path(FIXTURES / "anthropic_cost_report.json"))
    totals = summary(ledger)
    overall = totals.overall
    # Not 0: the report never said how many tokens.
    assert (overall.requests, overall.input_tokens, overall.output_tokens, overall.reasoning_tokens) == (None,) * 4
    assert overall.cost_usd is None and overall.reported_cost_usd == pytest.approx(212.9146315, abs=1e-6)
    assert overall.rows > 0 and overall.not_in_source == {
        name: overall.rows
        for name in (
            "requests",
            "input_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
            "cache_write_1h_tokens",
            "output_tokens",
            "reasoning_tokens",
        )
    }
    # Its rows are not unpriced models either: there is nothing to price, and the reported cost is the spend.
    assert totals.unpriced_models == ()
    priced = priced_usage(ledger, keep_unknown=True)
    assert priced["cost_usd"].isna().all() and not priced["unpriced"].any()
    assert priced["spend_usd"].sum() == pytest.approx(212.9146315, abs=1e-6)
    # The JSON says null, never 0.
    printed = totals.as_dict()
    assert printed["input_tokens"] is None and printed["by_model"]["claude-sonnet-4-20250514"]["output_tokens"] is None


def test_a_total_over_known_and_unknown_rows_is_the_known_part_and_says_so(ledger: Engine) -> None:
    _csv(ledger, "gateway.csv", WITH_REASONING)
    _csv(ledger, "other.csv", WITHOUT_REASONING)
    overall = summary(ledger).overall
    assert (overall.requests, overall.input_tokens, overall.output_tokens) == (6, 7000, 1600)
    # Reasoning and the cache are known for the first file's rows only: 100 + 0 and 200 + 0.
    assert (overall.reasoning_tokens, overall.cache_read_tokens) == (100, 200)
    # One ledger row from the first file (both requests share an hour and model), one from the second.
    assert overall.rows == 2
    assert overall.not_in_source == {
        "cache_read_tokens": 1,
        "cache_write_tokens": 1,
        "cache_write_1h_tokens": 1,
        "reasoning_tokens": 1,
    }
    by_model = summary(ledger).by_model
    assert by_model["o3-mini"].reasoning_tokens is None and by_model["o3-mini"].not_in_source["reasoning_tokens"] == 1
    assert by_model["gpt-4o-2024-08-06"].reasoning_tokens == 100 and by_model["gpt-4o-2024-08-06"].not_in_source == {}


def test_read_usage_counts_the_rows_that_lack_each_measure_and_by_default_reads_them_as_zero(ledger: Engine) -> None:
    _csv(ledger, "gateway.csv", WITH_REASONING)
    _csv(ledger, "other.csv", WITHOUT_REASONING)
    kept = read_usage(ledger, ["model"], keep_unknown=True).set_index("model")
    assert kept.loc["o3-mini", "reasoning_tokens"] is pd.NA
    assert (kept.loc["o3-mini", "ledger_rows"], kept.loc["o3-mini", "unknown_reasoning_tokens"]) == (1, 1)
    assert kept.loc["gpt-4o-2024-08-06", "unknown_reasoning_tokens"] == 0
    # For calculations that take unknown usage as none (pricing, repricing), it reads as 0.
    plain = read_usage(ledger, ["model"]).set_index("model")
    assert plain.loc["o3-mini", "reasoning_tokens"] == 0 and "ledger_rows" not in plain.columns
    # Only the rows that report a measure.
    assert read_usage(ledger, known="reasoning_tokens")["input_tokens"].tolist() == [3000]
    with pytest.raises(ValueError, match="unknown measure"):
        read_usage(ledger, known="tokens")


def test_an_unknown_part_is_priced_as_none_and_changes_no_price(ledger: Engine, new_ledger_url: object) -> None:
    """Output whose reasoning part is unknown is priced all as output, as output with no reasoning is."""
    from db import open_ledger

    assert callable(new_ledger_url)
    unknown, known = ledger, open_ledger(new_ledger_url())
    _csv(unknown, "a.csv", "date,provider,model,input_tokens,output_tokens\n2025-09-01,openai,o3-mini,1000,500\n")
    _csv(
        known,
        "b.csv",
        "date,provider,model,input_tokens,output_tokens,reasoning_tokens,cached_input_tokens,cache_write_tokens,"
        "cache_write_1h_tokens\n2025-09-01,openai,o3-mini,1000,500,0,0,0,0\n",
    )
    # o3-mini: $1.10 per million input, $4.40 per million output (genai-prices): 0.0011 + 0.0022.
    assert summary(unknown).overall.cost_usd == summary(known).overall.cost_usd == pytest.approx(0.0033)
    assert summary(unknown).overall.reasoning_tokens is None
    known.dispose()


def test_a_cost_report_beside_token_usage_of_its_days_leaves_no_tokens_missing(ledger: Engine) -> None:
    """The cost report and the usage export describe the same usage: the report's rows, which know no tokens,
    are not counted as tokens missing from the totals, and their cost is not spent twice."""
    ingest(ledger, source_from_path(FIXTURES / "openai_usage_completions.json"))
    alone = summary(ledger).overall
    ingest(ledger, source_from_path(FIXTURES / "openai_costs.json"))
    both = summary(ledger).overall
    assert both.input_tokens == alone.input_tokens == 43_108_511
    assert both.not_in_source.get("input_tokens", 0) == 0
    # The usage API has no reasoning split: still not in the source for its own rows.
    assert both.not_in_source["reasoning_tokens"] == alone.not_in_source["reasoning_tokens"] == alone.rows
    priced = priced_usage(ledger)
    tools = priced["model"].str.startswith("tool charge")
    assert priced.loc[~tools, "spend_usd"].sum() == pytest.approx(alone.cost_usd, abs=1e-6)
    # A tool's charge is in no token row: it is spent as the report has it, even on days with token usage.
    assert tools.any()
    assert priced.loc[tools, "spend_usd"].sum() == pytest.approx(priced.loc[tools, "reported_cost_usd"].sum())
    assert priced.loc[tools, "spend_usd"].sum() > 0
