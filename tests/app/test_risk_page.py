"""The Risk page, driven through Streamlit's AppTest: empty, before workloads, and on the demo company."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from analysis.workloads import propose_workloads, replace_with_proposals
from collectors.demo import load_demo
from db.risk_weights import load_risk_weights
from tests.app.apptest import open_page

PAGE = "app/pages/risk.py"

pytestmark = pytest.mark.usefixtures("app_ledger")


def open_risk() -> AppTest:
    return open_page(PAGE, timeout=180)


def test_empty_ledger_offers_the_demo() -> None:
    at = open_risk()
    assert any("ledger is empty" in info.value for info in at.info)


def test_without_workloads_it_points_to_the_workloads_page(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_risk()
    assert any("No workloads yet" in info.value for info in at.info)


def test_the_demo_company_reads_as_a_story(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    replace_with_proposals(ledger, propose_workloads(ledger))
    at = open_risk()
    tiles = {m.label: m.value for m in at.metric}
    score = int(tiles["Dependency risk"].removesuffix("/100"))
    assert 0 < score < 100
    # ~86% of the demo's spend is on OpenAI: the top share and a highly concentrated HHI.
    assert tiles["Top provider's share"].endswith("%") and int(tiles["Top provider's share"][:-1]) >= 80
    assert int(tiles["Provider HHI"].replace(",", "")) > 1800
    factors = at.dataframe[0].value
    assert len(factors) == 10 and abs(factors["Points"].sum() - score) <= 1
    assert factors["Why"].str.len().min() > 20, "every factor says why"
    # The moves that lower the score most, each with the score it would leave.
    assert any(md.value.startswith("- Move ") and "/100" in md.value for md in at.markdown)
    assert len(at.get("plotly_chart")) == 3  # heat map, retirements, concentration


def test_weights_are_saved_and_change_the_score(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    replace_with_proposals(ledger, propose_workloads(ledger))
    at = open_risk()
    before = at.metric[0].value
    at.number_input(key="risk-weight-retirement").set_value(0.0)
    at.button(key="FormSubmitter:risk-weights-Save weights").click().run()
    assert not at.exception, at.exception
    assert load_risk_weights(ledger)["retirement"] == 0.0
    assert any("Weights saved" in s.value for s in at.success)
    assert at.metric[0].value != before
    at.button(key="FormSubmitter:risk-weights-Back to the defaults").click().run()
    assert load_risk_weights(ledger) == {} and at.metric[0].value == before
