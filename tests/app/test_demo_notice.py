"""The demo never mixes silently with the user's own data: every page says when it is in the figures, one click
removes it (nothing of the user's), and the Data page offers that once the user's own file is in."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from analysis.scenarios.model import Move, Scenario, scenario_to_dict
from analysis.workloads import list_workloads, propose_workloads, replace_with_proposals
from collectors.demo import SOURCE_PREFIX, load_demo
from collectors.files import ingest_files
from db import list_imports
from db.scenarios import list_scenarios, save_scenario
from tests.app.apptest import ENTRY, open_page, shown
from tests.conftest import FIXTURES

OWN = FIXTURES / "openai_usage_completions.json"
NOTICE = "The figures include the demo company's data"
PAGES = [
    "app/pages/overview.py",
    "app/pages/models.py",
    "app/pages/workloads.py",
    "app/pages/alternatives.py",
    "app/pages/risk.py",
    "app/pages/scenarios.py",
    "app/pages/report.py",
    "app/pages/data.py",
]

pytestmark = pytest.mark.usefixtures("app_ledger")


def notice_shown(at: AppTest) -> bool:
    return any(NOTICE in caption.value for caption in at.caption)


def own_import(ledger: Engine) -> None:
    assert all(outcome.result is not None for outcome in ingest_files(ledger, [OWN]))


def test_every_page_says_so_and_one_click_removes_it(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    own_import(ledger)
    at = open_page(PAGES[0])
    assert notice_shown(at)
    for page in PAGES[1:]:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
        assert notice_shown(at), page

    at.switch_page(PAGES[0]).run()
    at.button(key="demo-remove").click().run()
    assert not at.exception, at.exception
    assert not any(name.startswith(SOURCE_PREFIX) for name in list_imports(ledger)["source_name"])
    assert list(list_imports(ledger)["source_name"]) == [str(OWN)]
    assert any(
        shown(s.value) == "The demo data is removed: 3 imports and 69 status-page incidents." for s in at.success
    )
    assert not notice_shown(at)


def test_without_the_demo_no_page_mentions_it(ledger: Engine) -> None:
    own_import(ledger)
    at = open_page(PAGES[0])
    assert not notice_shown(at)


def test_the_data_page_offers_to_remove_the_demo_after_the_user_s_own_import(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    outcomes = list(ingest_files(ledger, [OWN]))
    at = AppTest.from_file(ENTRY, default_timeout=60)
    # What the Data page keeps after its Import button: the outcome of the user's upload.
    at.session_state["data-results"] = outcomes
    at.run()
    at.switch_page(PAGES[-1]).run()
    assert not at.exception, at.exception
    assert any("Your own usage is in, and so is the demo company's" in w.value for w in at.warning)
    at.button(key="data-demo-remove").click().run()
    assert not at.exception, at.exception
    assert list(list_imports(ledger)["source_name"]) == [str(OWN)]
    assert not any("Your own usage is in" in w.value for w in at.warning)
    assert not notice_shown(at)


def test_workloads_and_scenarios_made_on_the_demo_alone_go_with_it(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    made = replace_with_proposals(ledger, propose_workloads(ledger))
    moved = made[0].name
    body = json.dumps(scenario_to_dict(Scenario("Plan A", (Move(moved, "openai", "gpt-4o-mini"),))))
    save_scenario(ledger, "Plan A", body)
    own_import(ledger)
    at = open_page(PAGES[0])
    at.button(key="demo-remove").click().run()
    assert not at.exception, at.exception
    flash = next(s.value for s in at.success if s.value.startswith("The demo data is removed"))
    assert flash.endswith(f" {len(made)} workloads and 1 scenario made on it alone.")
    assert list_workloads(ledger) == [] and list_scenarios(ledger).empty
    # The Report page points to the next step: workloads of the user's own usage.
    at.switch_page("app/pages/report.py").run()
    assert not at.exception, at.exception
    assert any("No workloads yet" in info.value for info in at.info)
