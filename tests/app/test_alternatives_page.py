"""The Alternatives page, driven through Streamlit's AppTest."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from analysis.selfhost import list_options
from analysis.workloads import ensure_workloads
from collectors.demo import load_demo

ENTRY = str(Path(__file__).parents[2] / "streamlit_app.py")
PAGE = "app/pages/alternatives.py"


@pytest.fixture(autouse=True)
def app_ledger(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("EXITPLAN_DB_URL", ledger_url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page() -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=120)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def test_empty_ledger_offers_the_demo() -> None:
    at = open_page()
    assert any("ledger is empty" in info.value for info in at.info)


def test_without_workloads_it_points_to_the_workloads_page(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_page()
    assert any("No workloads yet" in info.value for info in at.info)


def test_ranks_and_explains_candidates_for_each_workload(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    workloads = ensure_workloads(ledger)
    at = open_page()
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Today, per month", "Top candidate, per month", "Monthly saving"]
    assert any("What changes with the top candidate" in md.value for md in at.markdown)
    assert len(at.dataframe) == 1
    at.selectbox(key="alternatives-workload").set_value(workloads[2].id).run()
    assert not at.exception
    assert any(workloads[2].name in md.value for md in at.markdown)
    at.toggle(key="alternatives-open").set_value(True).run()
    assert not at.exception


def test_a_self_hosting_option_is_added(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    ensure_workloads(ledger)
    at = open_page()
    at.text_input(key="selfhost-name").set_value("Llama on 2× H100")
    at.text_input(key="selfhost-model").set_value("llama-3.3-70b-instruct")
    at.button(key="FormSubmitter:alternatives-selfhost-Add option").click().run()
    assert not at.exception, at.exception
    [option] = list_options(ledger)
    assert option.model == "llama-3.3-70b-instruct"
