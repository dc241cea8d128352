"""The Scenarios page, driven through Streamlit's AppTest: empty, before workloads, and on the demo company —
a suggested plan kept and its business case, a move edited, a wrong target refused, a copy and a deletion,
and two plans compared."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from analysis.money import usd, usd_range
from analysis.scenarios.business_case import payback_words
from analysis.scenarios.context import ScenarioContext, scenario_context
from analysis.scenarios.editing import target_choices
from analysis.scenarios.engine import run
from analysis.scenarios.model import scenario_from_json, scenario_to_dict
from analysis.scenarios.optimiser import suggest
from analysis.workloads import propose_workloads, replace_with_proposals
from collectors.demo import load_demo
from db.scenarios import get_scenario, list_scenarios, save_scenario
from pricing.sources import load_book
from tests.app.apptest import open_page, shown

PAGE = "app/pages/scenarios.py"

pytestmark = pytest.mark.usefixtures("app_ledger")


def open_scenarios() -> AppTest:
    # The context estimates every workload's alternatives and forecast: seconds on a busy machine.
    return open_page(PAGE, timeout=240)


def demo_with_workloads(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    replace_with_proposals(ledger, propose_workloads(ledger))


def context_of(ledger: Engine) -> ScenarioContext:
    found = scenario_context(ledger, book=load_book(ledger), today=datetime.now(UTC).date())
    assert found is not None
    return found


def keep_suggested(ledger: Engine, context: ScenarioContext, name: str, horizon: int = 24) -> str:
    body = json.dumps(scenario_to_dict(suggest(context, name=name, horizon_months=horizon).scenario))
    save_scenario(ledger, name, body)
    return body


def submit(at: AppTest, label: str) -> AppTest:
    button = next(b for b in at.button if b.label == label)
    button.click().run()
    assert not at.exception, at.exception
    return at


def show(at: AppTest, view: str) -> AppTest:
    at.segmented_control(key="scenarios-view").set_value(view).run()
    assert not at.exception, at.exception
    return at


def test_empty_ledger_offers_the_demo() -> None:
    at = open_scenarios()
    assert any("ledger is empty" in info.value for info in at.info)


def test_without_workloads_it_points_to_the_workloads_page(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_scenarios()
    assert any("No workloads yet" in info.value for info in at.info)


def test_a_suggested_plan_is_kept_and_its_tiles_are_its_business_case(ledger: Engine, tmp_path: Path) -> None:
    demo_with_workloads(ledger, tmp_path)
    at = open_scenarios()
    # Nothing kept yet: the page opens on the suggestion.
    assert at.segmented_control(key="scenarios-view").value == "Suggest a plan"
    at.text_input(key="scenarios-suggest-name").set_value("Plan A")
    submit(at, "Suggest and save")

    kept = list_scenarios(ledger)
    assert list(kept["name"]) == ["Plan A"]
    assert any("Suggested and saved Plan A" in s.value for s in at.success)
    assert at.segmented_control(key="scenarios-view").value == "Business case"

    result = run(scenario_from_json(kept["body"][0]), context_of(ledger))
    assert result.scenario.moves, "the demo company has moves that pay for themselves"
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Saves a month once done"] == usd(result.monthly_savings_usd)
    assert tiles["One-time cost"] == usd(result.one_time_cost_usd)
    assert tiles["NPV"] == usd(result.npv_usd)
    assert tiles["3-year TCO"] == usd(result.tco_3y_scenario_usd)
    assert tiles["Payback"] == payback_words(result.payback_months)
    assert result.risk_before is not None and result.risk_after is not None
    assert tiles["Dependency risk"] == f"{round(result.risk_before)} → {round(result.risk_after)}"
    p10, _, p90 = result.monthly_savings_range or (0, 0, 0)
    savings = next(m for m in at.metric if m.label == "Saves a month once done")
    assert savings.proto.delta == f"P10–P90 {usd_range(p10, p90)}"

    # Why: every move's reason, and why each other workload stays.
    lines = [md.value for md in at.markdown if md.value.startswith("- **")]
    assert sum(" moves: " in line for line in lines) == len(result.scenario.moves)
    assert sum(" stays: " in line for line in lines) == len(result.workloads) - len(result.scenario.moves)
    assert len(at.get("plotly_chart")) == 3  # month by month, the waterfall, the tornado
    forecast, table = (frame.value for frame in at.dataframe[:2])
    # How far to trust the baseline: each workload's forecast with its backtest.
    assert {"monthly_growth", "growth_error", "backtest_mape", "backtest_total_error"} <= set(forecast.columns)
    assert any(e.label.startswith("How far to trust the baseline — Checked on the last 30 days") for e in at.expander)
    assert set(table["workload"]) == {w.workload for w in result.workloads}
    assert table.loc[table["moved_to"] == "stays", "share"].isna().all()


def test_editing_a_share_changes_the_kept_json(ledger: Engine, tmp_path: Path) -> None:
    demo_with_workloads(ledger, tmp_path)
    before = scenario_from_json(keep_suggested(ledger, context_of(ledger), "Plan A"))
    at = show(open_scenarios(), "Build or edit")
    editor = at.data_editor[0]
    assert list(editor.value["workload"]) == [m.workload for m in before.moves]
    at.session_state[editor.key] = {"edited_rows": {0: {"share_pct": 50}}, "added_rows": [], "deleted_rows": []}
    submit(at, "Save scenario")

    after = scenario_from_json(get_scenario(ledger, "Plan A") or "")
    assert after.moves[0].share == 0.5
    # The edited move no longer claims the suggestion's savings; the others keep their reasons.
    assert after.moves[0].reason is None
    assert [m.reason for m in after.moves[1:]] == [m.reason for m in before.moves[1:]]
    assert any(s.value.startswith("Saved Plan A") for s in at.success)
    assert at.segmented_control(key="scenarios-view").value == "Business case"
    # Why the rest stay was kept with the plan (suggested outside this session) and outlives the edit.
    assert after.stays and after.stays == before.stays
    lines = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert sum(" stays: " in line for line in lines) == len(after.stays)


def test_a_target_that_is_not_a_candidate_is_refused_and_nothing_is_saved(ledger: Engine, tmp_path: Path) -> None:
    demo_with_workloads(ledger, tmp_path)
    context = context_of(ledger)
    body = keep_suggested(ledger, context, "Plan A")
    first = scenario_from_json(body).moves[0]
    case = context.cases[first.workload]
    wrong = next(label for label, pair in target_choices(context).items() if case.option(*pair) is None)

    at = show(open_scenarios(), "Build or edit")
    editor = at.data_editor[0]
    at.text_input(key=next(t.key for t in at.text_input if t.label == "Name")).set_value("Renamed")
    at.session_state[editor.key] = {"edited_rows": {0: {"target": wrong}}, "added_rows": [], "deleted_rows": []}
    submit(at, "Save scenario")

    errors = [shown(e.value) for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(f"Row 1 ({first.workload}):")
    assert "not a candidate for this workload" in errors[0] and "cheapest targets" in errors[0]
    assert list(list_scenarios(ledger)["name"]) == ["Plan A"] and get_scenario(ledger, "Plan A") == body
    # What was typed is still there to correct.
    assert next(t for t in at.text_input if t.label == "Name").value == "Renamed"
    assert at.session_state[editor.key]["edited_rows"] == {0: {"target": wrong}}


def test_a_new_scenario_starts_from_the_template(ledger: Engine, tmp_path: Path) -> None:
    demo_with_workloads(ledger, tmp_path)
    keep_suggested(ledger, context_of(ledger), "Plan A")
    at = open_scenarios()
    at.selectbox(key="scenarios-chosen").set_value("").run()
    show(at, "Build or edit")
    assert next(t for t in at.text_input if t.label == "Name").value == "New scenario"
    assert len(at.data_editor[0].value) == 1
    submit(at, "Save scenario")
    assert set(list_scenarios(ledger)["name"]) == {"Plan A", "New scenario"}


def test_duplicate_and_delete(ledger: Engine, tmp_path: Path) -> None:
    demo_with_workloads(ledger, tmp_path)
    body = keep_suggested(ledger, context_of(ledger), "Plan A")
    at = show(open_scenarios(), "Build or edit")
    assert at.text_input(key="scenarios-copy-Plan A").value == "Plan A (copy)"
    submit(at, "Duplicate")
    copy = get_scenario(ledger, "Plan A (copy)")
    assert copy is not None and json.loads(copy) == {**json.loads(body), "name": "Plan A (copy)"}
    assert at.selectbox(key="scenarios-chosen").value == "Plan A (copy)"

    at.button(key="scenarios-delete").click().run()
    assert not at.exception, at.exception
    assert list(list_scenarios(ledger)["name"]) == ["Plan A"]
    assert any("Plan A (copy) deleted" in s.value for s in at.success)
    assert at.selectbox(key="scenarios-chosen").value == "Plan A"


def test_two_scenarios_compare_side_by_side(ledger: Engine, tmp_path: Path) -> None:
    demo_with_workloads(ledger, tmp_path)
    context = context_of(ledger)
    keep_suggested(ledger, context, "Two years")
    keep_suggested(ledger, context, "One year", horizon=12)
    at = show(open_scenarios(), "Compare")
    assert set(at.multiselect(key="scenarios-compare").value) == {"Two years", "One year"}
    table = at.dataframe[0].value
    assert set(table.columns) == {"Two years", "One year"}
    assert table.loc["Horizon", "One year"] == "12 months" and table.loc["Horizon", "Two years"] == "24 months"
    one_year = run(scenario_from_json(get_scenario(ledger, "One year") or ""), context)
    assert table.loc["NPV", "One year"] == usd(one_year.npv_usd)
    assert len(at.get("plotly_chart")) == 1
