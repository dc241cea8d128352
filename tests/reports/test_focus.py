"""The priced ledger as FOCUS 1.2, read back as CSV and imported again with exitplan's own FOCUS importer: one
charge per price part, unpriced usage with no cost (never $0), the user's names neutralised, and totals that
are the ledger's spend."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.spend import priced_usage, summary
from collectors.files import ingest_files
from db import open_ledger
from reports.focus import EXTENSION_COLUMNS, FOCUS_COLUMNS, focus_csv

EVIL = '=HYPERLINK("http://x","y")'
USAGE = f"""date,provider,model,project,feature,input_tokens,cached_input_tokens,output_tokens,requests,cost_usd
2025-09-01,openai,gpt-4o-2024-08-06,"{EVIL.replace('"', '""')}",chat,2000000,500000,300000,1000,
2025-09-01,openai,gpt-4o-2024-08-06,support,+1 escalations,1000000,0,100000,400,
2025-09-02,acme,acme-private-9000,lab,,700000,0,50000,20,
2025-09-02,acme,acme-reported-1,lab,,100000,0,10000,5,4.25
"""


@pytest.fixture
def priced(ledger: Engine, tmp_path: Path) -> pd.DataFrame:
    path = tmp_path / "usage.csv"
    path.write_text(USAGE)
    outcome = next(iter(ingest_files(ledger, [path])))
    assert outcome.result is not None and outcome.result.rows_rejected == 0
    return priced_usage(ledger, by=("host", "project", "feature"))


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode())))


def test_the_columns_are_focus_1_2s_then_exitplans_extensions(priced: pd.DataFrame) -> None:
    header = next(csv.reader(io.StringIO(focus_csv(priced).decode())))
    assert header == [*FOCUS_COLUMNS, *EXTENSION_COLUMNS]
    assert len(FOCUS_COLUMNS) == 57 and all(name.startswith("x_") for name in EXTENSION_COLUMNS)


def test_each_price_part_is_a_charge_and_the_costs_add_up_to_the_spend(priced: pd.DataFrame) -> None:
    rows = _rows(focus_csv(priced))
    gpt = [r for r in rows if r["x_ExitplanModel"] == "gpt-4o-2024-08-06" and r["SubAccountName"] == "support"]
    assert {r["SkuMeter"] for r in gpt} == {"gpt-4o-2024-08-06 input tokens", "gpt-4o-2024-08-06 output tokens"}
    output = next(r for r in gpt if r["SkuMeter"].endswith("output tokens"))
    assert output["ConsumedQuantity"] == "100000" and output["ConsumedUnit"] == "Tokens"
    assert output["PricingQuantity"] == "0.1" and output["PricingUnit"] == "1000000 Tokens"
    assert output["ListUnitPrice"] == "10" and output["BilledCost"] == "1"  # $10 per million output tokens
    assert output["ChargePeriodStart"] == "2025-09-01T00:00:00Z" and output["ChargePeriodEnd"] == "2025-09-02T00:00:00Z"
    assert (
        output["BillingPeriodStart"] == "2025-09-01T00:00:00Z" and output["BillingPeriodEnd"] == "2025-10-01T00:00:00Z"
    )
    assert output["ServiceCategory"] == "AI and Machine Learning" and output["ChargeCategory"] == "Usage"
    cached = [r for r in rows if r["SkuMeter"].endswith("cache read tokens")]
    assert [r["ConsumedQuantity"] for r in cached] == ["500000"]
    costs = sum(float(r["BilledCost"]) for r in rows if r["BilledCost"])
    assert costs == pytest.approx(float(priced["spend_usd"].sum()), rel=1e-9)


def test_unpriced_usage_has_no_cost_and_says_so(priced: pd.DataFrame) -> None:
    rows = _rows(focus_csv(priced))
    unpriced = [r for r in rows if r["x_ExitplanModel"] == "acme-private-9000"]
    assert unpriced and all(r["x_ExitplanCostStatus"] == "unpriced" for r in unpriced)
    for row in unpriced:
        assert row["BilledCost"] == row["EffectiveCost"] == row["ListCost"] == row["ContractedCost"] == ""
        assert "unpriced" in row["ChargeDescription"] and "not $0" in row["ChargeDescription"]
        assert float(row["ConsumedQuantity"]) > 0
    # An unpriced model whose source reported a cost: its tokens stay without a cost; the reported cost is
    # one charge of its own.
    reported = [r for r in rows if r["x_ExitplanModel"] == "acme-reported-1"]
    assert [r["x_ExitplanCostStatus"] for r in reported].count("reported") == 1
    assert next(r for r in reported if r["x_ExitplanCostStatus"] == "reported")["BilledCost"] == "4.25"


def test_user_named_text_is_neutralised(priced: pd.DataFrame) -> None:
    rows = _rows(focus_csv(priced))
    projects = {r["SubAccountName"] for r in rows}
    assert f"'{EVIL}" in projects and EVIL not in projects
    assert any(r["Tags"] == '{"feature": "+1 escalations"}' for r in rows)  # JSON starts with "{": safe as it is
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (column, value)


def test_the_same_ledger_gives_the_same_bytes(priced: pd.DataFrame) -> None:
    assert focus_csv(priced) == focus_csv(priced.sample(frac=1.0, random_state=3))


def test_exitplans_own_focus_importer_reads_the_export_back(
    priced: pd.DataFrame, new_ledger_url: Callable[[], str], tmp_path: Path
) -> None:
    path = tmp_path / "focus.csv"
    path.write_bytes(focus_csv(priced))
    engine = open_ledger(new_ledger_url())
    try:
        outcome = next(iter(ingest_files(engine, [path])))
        assert outcome.result is not None and outcome.result.format == "focus_csv"
        # FOCUS has no charge without a cost: the importer rejects the unpriced ones, with that reason.
        unpriced = sum(1 for r in _rows(path.read_bytes()) if r["x_ExitplanCostStatus"] == "unpriced")
        assert unpriced and outcome.result.rows_rejected == unpriced
        back = summary(engine)
        # Unpriced charges come back without a cost; every cost comes back as the source's reported cost.
        assert back.overall.reported_cost_usd == pytest.approx(float(priced["spend_usd"].sum()), rel=1e-6)
        assert set(back.by_provider) == {"openai", "acme"}
    finally:
        engine.dispose()
