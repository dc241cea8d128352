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
    result = ingest(ledger, source_from_bytes("plain.csv", b"date,provider,model,input_tokens,output_tokens\n"
                                                           b"2025-09-01,openai,gpt-4o,10,1\n"))  # fmt: skip
    assert reconcile(ledger, result.import_id).empty
