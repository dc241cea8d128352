"""Computed next to reported cost, per model of an import, with gaps above 2% flagged."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from analysis.reconcile import reconcile
from collectors import ingest, source_from_bytes

HEADER = b"date,provider,model,input_tokens,output_tokens,cost_usd\n"


def test_gaps_per_model(ledger: Engine) -> None:
    # gpt-4o: 1M input = $2.50 (reported $2.50: agrees); gpt-4o-mini: 1M input = $0.15 (reported $0.20: +33%).
    content = HEADER + (
        b"2025-09-01,openai,gpt-4o,1000000,0,2.50\n"
        b"2025-09-01,openai,gpt-4o-mini,1000000,0,0.20\n"
        b"2025-09-01,openai,my-custom-model,1000,0,0.01\n"
        b"2025-09-01,openai,gpt-4o,1000,0,\n"
    )
    result = ingest(ledger, source_from_bytes("with-cost.csv", content))
    table = reconcile(ledger, result.import_id).set_index("model")
    assert table.loc["gpt-4o", "computed_usd"] == pytest.approx(2.5)
    assert table.loc["gpt-4o", "reported_usd"] == pytest.approx(2.5)
    assert not table.loc["gpt-4o", "flagged"]
    assert table.loc["gpt-4o-mini", "gap_share"] == pytest.approx((0.15 - 0.20) / 0.20)
    assert table.loc["gpt-4o-mini", "flagged"]
    assert table.loc["my-custom-model", "unpriced"] and table.loc["my-custom-model", "flagged"]


def test_no_reported_cost_nothing_to_reconcile(ledger: Engine) -> None:
    content = b"date,provider,model,input_tokens,output_tokens\n2025-09-01,openai,gpt-4o,10,1\n"
    result = ingest(ledger, source_from_bytes("plain.csv", content))
    assert reconcile(ledger, result.import_id).empty


def test_a_cost_report_is_reconciled_against_usage_of_the_same_days(ledger: Engine) -> None:
    usage = b"date,provider,model,input_tokens,output_tokens\n2025-09-01,openai,gpt-4o-2024-08-06,1000000,0\n"
    ingest(ledger, source_from_bytes("usage.csv", usage))
    # OpenAI's dashboard cost export: $2.60 for gpt-4o that day, and a day with no usage imported.
    costs = (
        b"start_time,end_time,start_time_iso,end_time_iso,amount_value,amount_currency,line_item,project_id\n"
        b"1756684800,1756771200,2025-09-01T00:00:00+00:00,2025-09-02T00:00:00+00:00,2.60,usd,"
        b'"gpt-4o-2024-08-06, input",\n'
        b"1756771200,1756857600,2025-09-02T00:00:00+00:00,2025-09-03T00:00:00+00:00,0.40,usd,"
        b'"gpt-4o-mini-2024-07-18, input",\n'
    )
    report = ingest(ledger, source_from_bytes("costs.csv", costs))
    table = reconcile(ledger, report.import_id).set_index("model")
    assert table.loc["gpt-4o-2024-08-06", "computed_usd"] == pytest.approx(2.5)
    assert table.loc["gpt-4o-2024-08-06", "reported_usd"] == pytest.approx(2.6)
    assert table.loc["gpt-4o-2024-08-06", "flagged"]  # -3.8%
    assert table.loc["gpt-4o-mini-2024-07-18", "computed_usd"] == 0.0
