"""The ledger's summary: typed totals overall, by provider and by model, and the JSON ``exitplan summary``
prints from them."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

from sqlalchemy import Engine

from analysis.spend import Summary, Totals, summary
from collectors.pipeline import ingest
from collectors.source import source_from_path
from db.measures import COUNT_MEASURES

FIXTURES = Path(__file__).parents[1] / "fixtures"
TOTALS = [*COUNT_MEASURES, "reported_cost_usd", "cost_usd"]
# After the totals: how many ledger rows they sum, and per measure how many of them the source did not report.
COMPLETENESS = ["rows", "not_in_source"]


def test_totals_are_the_ledgers_counts_then_the_costs_then_how_complete_they_are() -> None:
    assert [f.name for f in fields(Totals)] == [*TOTALS, *COMPLETENESS]


def test_an_empty_ledger_sums_to_nothing_rather_than_zero(ledger: Engine) -> None:
    result = summary(ledger)
    assert result == Summary(Totals(*[None] * len(TOTALS)), {}, {}, ())
    assert result.as_dict() == {
        **dict.fromkeys(TOTALS),
        "rows": 0,
        "not_in_source": {},
        "by_provider": {},
        "by_model": {},
        "unpriced_models": [],
    }


def test_the_summary_reads_as_attributes_and_prints_as_before(ledger: Engine) -> None:
    ingest(ledger, source_from_path(FIXTURES / "openai_usage_completions.json"))
    result = summary(ledger)
    assert isinstance(result.overall.requests, int) and result.overall.requests > 0
    assert isinstance(result.overall.cost_usd, float)
    assert set(result.by_provider) == {"openai"} and result.by_provider["openai"] == result.overall
    assert sum(t.input_tokens or 0 for t in result.by_model.values()) == result.overall.input_tokens
    printed = result.as_dict()
    # The JSON keeps its shape: the overall totals at the top level, then the breakdowns and what is unpriced.
    assert list(printed) == [*TOTALS, *COMPLETENESS, "by_provider", "by_model", "unpriced_models"]
    assert printed["by_model"] == {name: t.as_dict() for name, t in result.by_model.items()}
    assert json.loads(json.dumps(printed)) == printed
