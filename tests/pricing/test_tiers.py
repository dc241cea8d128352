"""Vendors' spellings of service tiers, billed as the vendor bills them: in the engine and on import."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from collectors import ingest, source_from_path
from db.usage import read_usage
from pricing.cost import cost_of
from pricing.tiers import SERVICE_TIERS, TIERS, billed_tier, tier_of

DAY = date(2026, 11, 2)


@pytest.mark.parametrize(
    ("spelling", "batch", "tier"),
    [
        ("default", None, "standard"),
        ("auto", None, "standard"),
        ("scale", None, "standard"),
        ("Default ", None, "standard"),
        ("provisioned", None, "standard"),
        ("on_demand", None, "standard"),
        ("fast", None, "priority"),
        ("priority_on_demand", None, "priority"),
        ("priority-on-demand", None, "priority"),
        ("flex_discount", None, "flex"),
        ("flex", None, "flex"),
        ("batch", None, "batch"),
        ("default", True, "batch"),
        ("auto", True, "batch"),
        ("priority_reserved", None, "priority"),
        ("cheap", None, "standard"),
        (None, None, "standard"),
    ],
)
def test_tier_of_a_vendor_spelling(spelling: str | None, batch: bool | None, tier: str) -> None:
    assert tier_of(spelling, batch) == tier


def test_every_spelling_is_billed_as_a_priced_tier_and_listed_once() -> None:
    spellings = [t.spelling for t in SERVICE_TIERS]
    assert len(spellings) == len(set(spellings))
    assert {t.billed_as for t in SERVICE_TIERS} == set(TIERS)
    assert billed_tier("cheap") is None


def test_the_engine_bills_openai_spellings_as_openai_does() -> None:
    # o3 on 2026-11-02: $2 / $8 standard, $1 / $4 flex, $3.50 / $14 priority (genai-prices).
    tiers = ["default", "auto", "scale", "flex", "fast", "priority", None]
    usage = pd.DataFrame(
        {
            "provider": "openai",
            "model": "o3",
            "day": DAY,
            "service_tier": tiers,
            "input_tokens": 1_000_000,
            "output_tokens": 1_000_000,
        }
    )
    assert cost_of(usage)["cost_usd"].tolist() == pytest.approx([10.0, 10.0, 10.0, 5.0, 17.5, 17.5, 10.0])


def test_an_import_keeps_the_vendors_word_and_is_billed_by_it(ledger: Engine, tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "date,provider,model,input_tokens,output_tokens,requests,service_tier\n"
        + "".join(
            f"2026-11-02,openai,o3,1000000,1000000,10,{tier}\n"
            for tier in ("default", "auto", "scale", "flex", "priority_on_demand")
        )
    )
    result = ingest(ledger, source_from_path(path))
    assert result.rows_accepted == 5
    usage = read_usage(ledger, ["provider", "model", "service_tier", "batch", "prompt_band"], grain="day")
    cost = dict(zip(usage["service_tier"], cost_of(usage)["cost_usd"], strict=True))
    expected = {"default": 10.0, "auto": 10.0, "scale": 10.0, "flex": 5.0, "priority_on_demand": 17.5}
    assert cost == pytest.approx(expected)
