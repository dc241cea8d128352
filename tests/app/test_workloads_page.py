"""The Workloads page, driven through Streamlit's AppTest: empty, proposing from the demo, and its edits."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from analysis.workloads import list_workloads, workload_history
from collectors import ingest, source_from_bytes
from collectors.demo import load_demo
from tests.app.apptest import open_page, shown

PAGE = "app/pages/workloads.py"


pytestmark = pytest.mark.usefixtures("app_ledger")


def open_workloads() -> AppTest:
    return open_page(PAGE)


def _table(at: AppTest) -> pd.DataFrame:
    frame = at.dataframe[0].value  # the workloads table comes first
    assert isinstance(frame, pd.DataFrame)
    return frame


def test_an_empty_ledger_offers_the_demo_then_proposals() -> None:
    at = open_workloads()
    assert any("ledger is empty" in info.value for info in at.info)
    at.button(key="workloads-demo").click().run()
    assert not at.exception, at.exception
    assert any("No workloads yet" in info.value for info in at.info)
    assert at.button(key="workloads-propose").label == "Propose from my data"


def test_the_demo_proposes_and_lists_its_workloads(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_workloads()
    at.button(key="workloads-propose").click().run()
    assert not at.exception, at.exception
    assert any("7 workloads proposed" in s.value for s in at.success)
    values = {m.label: m.value for m in at.metric}
    assert values["Workloads"] == "7"
    assert values["Monthly cost covered"].startswith("$")
    assert values["Unassigned share"] == "0.0%"
    table = _table(at)
    assert len(table) == 8 and table["name"].iloc[-1] == "Unassigned"
    assert {"Support chat · gpt-4o", "Code review · claude-sonnet-4-5", "Ticket triage · gpt-4o-mini"} <= set(
        table["name"]
    )
    assert table["monthly_cost_usd"].iloc[:-1].is_monotonic_decreasing
    assert "project proj_support_bot, feature support-chat, model gpt-4o" in set(table["rules_text"])
    assert not at.warning, "the demo is fully priced"


def test_editing_the_criticality_saves_a_new_version(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_workloads()
    at.button(key="workloads-propose").click().run()
    support = next(w for w in list_workloads(ledger) if w.name.startswith("Support chat"))
    at.selectbox(key="workloads-edit-pick").set_value(support.id).run()
    form = f"workloads-edit-{support.id}"
    assert at.selectbox(key=f"{form}-criticality").value == "high"
    at.selectbox(key=f"{form}-criticality").set_value("medium")
    at.number_input(key=f"{form}-slo").set_value(2.5)
    at.checkbox(key=f"{form}-needs_tools").check()
    at.button(key=f"FormSubmitter:{form}-Save").click().run()
    assert not at.exception, at.exception
    assert any(f"Saved {support.name}: a new version" in shown(s.value) for s in at.success)
    history = workload_history(ledger, int(support.id or 0))
    assert history["version"].tolist() == [2, 1]
    assert history["criticality"].tolist() == ["medium", "high"]
    current = next(w for w in list_workloads(ledger) if w.id == support.id)
    assert (current.latency_slo_p95_s, current.needs_tools, current.rules) == (2.5, True, support.rules)
    assert _table(at).set_index("name").loc[support.name, "criticality"] == "medium"


def test_a_bad_edit_is_a_message(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_workloads()
    at.button(key="workloads-propose").click().run()
    first = list_workloads(ledger)[0]
    at.text_input(key=f"workloads-edit-{first.id}-name").set_value("   ")
    at.button(key=f"FormSubmitter:workloads-edit-{first.id}-Save").click().run()
    assert not at.exception, at.exception
    assert "Give the workload a name." in at.error[0].value
    assert len(workload_history(ledger, int(first.id or 0))) == 1


def test_merge_split_and_repropose(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_workloads()
    at.button(key="workloads-propose").click().run()
    rag = [w for w in list_workloads(ledger) if w.name.startswith("RAG search")]
    at.segmented_control(key="workloads-action").set_value("Merge").run()
    at.multiselect(key="workloads-merge-ids").set_value([w.id for w in rag])
    at.text_input(key="workloads-merge-name").set_value("Search")
    at.button(key="FormSubmitter:workloads-merge-Merge").click().run()
    assert not at.exception, at.exception
    assert list_workloads(ledger)[0].name == "Search"
    assert len(list_workloads(ledger)) == 6

    merged = list_workloads(ledger)[0]
    at.segmented_control(key="workloads-action").set_value("Split").run()
    at.selectbox(key="workloads-split-pick").set_value(merged.id)
    at.selectbox(key="workloads-split-by").set_value("model")
    at.button(key="FormSubmitter:workloads-split-Split").click().run()
    assert not at.exception, at.exception
    names = [w.name for w in list_workloads(ledger)]
    assert names[:2] == ["Search · gpt-4o", "Search · text-embedding-3-small"]
    assert set(_table(at)["name"]) >= set(names)

    # Splitting by a dimension with one value says so instead of failing.
    at.selectbox(key="workloads-split-pick").set_value(list_workloads(ledger)[0].id)
    at.selectbox(key="workloads-split-by").set_value("project")
    at.button(key="FormSubmitter:workloads-split-Split").click().run()
    assert not at.exception, at.exception
    assert "nothing to split it by" in at.error[0].value

    at.segmented_control(key="workloads-action").set_value("Re-propose").run()
    assert "workloads-repropose" not in [b.key for b in at.button], "nothing is replaced without confirming"
    at.checkbox(key="workloads-repropose-confirm").check().run()
    at.button(key="workloads-repropose").click().run()
    assert not at.exception, at.exception
    assert len(list_workloads(ledger)) == 7
    assert "Search · gpt-4o" not in [w.name for w in list_workloads(ledger)]


def test_workloads_of_usage_with_no_price_cost_unpriced_not_zero(ledger: Engine) -> None:
    # A gateway's own model names, proposed as a workload: tokens counted, no price known, no cost reported.
    usage = "date,provider,model,project,requests,input_tokens,output_tokens\n"
    usage += "".join(f"2026-10-{day:02d},openai,gw-{day},search,10,10000,1000\n" for day in range(1, 31))
    ingest(ledger, source_from_bytes("gateway.csv", usage.encode()))
    at = open_workloads()
    at.button(key="workloads-propose").click().run()
    assert not at.exception, at.exception
    values = {m.label: m.value for m in at.metric}
    assert values["Monthly cost covered"] == "unpriced"
    assert _table(at)["monthly_cost_usd"].iloc[:-1].isna().all()
    warning = shown(at.warning[0].value)
    assert warning.startswith("The usage of ") and "has no price, so what these workloads cost is not known" in warning
