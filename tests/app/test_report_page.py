"""The Report page, driven through Streamlit's AppTest: empty, before workloads, before any scenario (a plan
suggested in one click), a kept scenario's preview and downloads, two compared, and a workload named as a
Markdown image that stays text."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from markdown_it import MarkdownIt
from pptx import Presentation
from pypdf import PdfReader
from sqlalchemy import Engine
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from analysis.money import usd
from analysis.scenarios.engine import run
from analysis.scenarios.model import scenario_from_json, scenario_to_dict
from analysis.scenarios.optimiser import suggest
from analysis.workloads import list_workloads, save_workload
from app.components.report_preview import for_streamlit
from collectors.demo import load_demo
from db.scenarios import list_scenarios, save_scenario
from reports.render import FOCUS_FORMAT, SCENARIO_FORMATS, file_name
from tests.app.apptest import open_page
from tests.app.apptest import shown as reader_sees
from tests.app.test_scenarios_page import context_of, demo_with_workloads

PAGE = "app/pages/report.py"
IMAGE = "![t](http://host/x.png)"
# Streamlit's own Markdown: LaTeX, a colour, an icon.
STREAMLIT_OWN = "$x$ :red[x] :material/home:"

pytestmark = pytest.mark.usefixtures("app_ledger")


def open_report() -> AppTest:
    # The context estimates every workload's alternatives and forecast: seconds on a busy machine.
    return open_page(PAGE, timeout=240)


def keep_suggested(ledger: Engine, name: str, horizon: int = 24) -> str:
    body = json.dumps(scenario_to_dict(suggest(context_of(ledger), name=name, horizon_months=horizon).scenario))
    save_scenario(ledger, name, body)
    return body


def preview(at: AppTest) -> str:
    """The preview's Markdown, as the page hands it to st.markdown: before the chart and after it."""
    values = [md.value for md in at.markdown]
    found = [i for i, v in enumerate(values) if "the business case for moving" in v or "compared" in v]
    assert len(found) == 1, [v[:80] for v in values]
    return values[found[0]] + values[found[0] + 1]


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str | None, Callable[[], bytes]]]:
    """What each download button would build when clicked — its file's name and the call that builds it — by
    its deferred file id (AppTest's runtime drops them once a run ends)."""
    found: dict[str, tuple[str | None, Callable[[], bytes]]] = {}
    add = MediaFileManager.add_deferred

    def keep(
        self: MediaFileManager,
        data_callable: Callable[[], bytes],
        mimetype: str | None,
        coordinates: str,
        file_name: str | None = None,
        **kwargs: Any,
    ) -> str:
        file_id = add(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        found[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    return found


def html_tables(markdown: str) -> int:
    """How many tables a Markdown reader finds in ``markdown``."""
    return MarkdownIt("commonmark").enable("table").render(markdown).count("<table>")


def test_empty_ledger_offers_the_demo() -> None:
    at = open_report()
    assert any("ledger is empty" in info.value for info in at.info)
    assert not at.download_button


def test_without_workloads_it_points_to_the_workloads_page(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_report()
    assert any("No workloads yet" in info.value for info in at.info)
    assert not at.download_button


def test_without_a_scenario_a_plan_is_suggested_in_one_click(ledger: Engine, tmp_path: Path) -> None:
    demo_with_workloads(ledger, tmp_path)
    at = open_report()
    assert any("No scenario kept yet" in info.value for info in at.info)
    assert not at.download_button
    at.button(key="report-suggest").click().run()
    assert not at.exception, at.exception

    kept = list_scenarios(ledger)
    assert list(kept["name"]) == ["Suggested plan"]
    moves = len(scenario_from_json(kept["body"][0]).moves)
    assert any(
        reader_sees(s.value).startswith(f"Suggested and saved Suggested plan: {moves} moves.") for s in at.success
    )
    # It is picked, previewed and ready to download.
    assert at.multiselect(key="report-scenarios").value == ["Suggested plan"]
    assert for_streamlit("# Suggested plan: the business case for moving") in preview(at)
    assert len(at.download_button) == len(SCENARIO_FORMATS) + 1


def test_a_kept_scenario_is_previewed_with_its_headline_and_every_format_offered(
    ledger: Engine, tmp_path: Path
) -> None:
    demo_with_workloads(ledger, tmp_path)
    body = keep_suggested(ledger, "Plan A")
    at = open_report()
    assert at.multiselect(key="report-scenarios").value == ["Plan A"]

    result = run(scenario_from_json(body), context_of(ledger))
    assert result.scenario.moves, "the demo company has moves that pay for themselves"
    shown = preview(at)
    # The dollars are escaped for Streamlit (not LaTeX); the figures are the engine's.
    assert for_streamlit(f"**Saves {usd(result.monthly_savings_usd)} a month once done") in shown
    assert for_streamlit(f"One-time costs {usd(result.one_time_cost_usd)};") in shown
    assert for_streamlit(f"NPV {usd(result.npv_usd)} at 10% a year over 24 months.") in shown
    assert result.risk_before is not None and result.risk_after is not None
    assert f"Dependency risk {result.risk_before:.0f} → {result.risk_after:.0f} out of 100" in shown
    assert "$" not in shown.replace("\\$", "")
    # Every table is still a table (its alignment row's colons are not escaped).
    assert html_tables(shown) == shown.count("\n|---") >= 4

    labels = [button.label for button in at.download_button]
    assert labels == [*(f.label for f in SCENARIO_FORMATS.values()), FOCUS_FORMAT.label]
    # Built when clicked: no file is made while the page draws.
    assert all(button.proto.deferred_file_id for button in at.download_button)
    # The chart the PDF draws is on the page, with a line for staying and one for the scenario.
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [trace["name"] for trace in chart["data"]] == ["Staying (baseline)", "Plan A (scenario)"]
    # The directional-estimate line, over the downloads.
    assert any("A directional estimate, not a quote\\: from your usage of" in c.value for c in at.caption)


def test_each_download_opens_in_a_real_reader_with_the_engine_s_figures(
    ledger: Engine, tmp_path: Path, deferred: dict[str, tuple[str | None, Callable[[], bytes]]]
) -> None:
    demo_with_workloads(ledger, tmp_path)
    body = keep_suggested(ledger, "Plan A")
    result = run(scenario_from_json(body), context_of(ledger))
    at = open_report()
    built = [deferred[button.proto.deferred_file_id] for button in at.download_button]
    files = {name: build() for name, build in built}
    assert sorted(files) == sorted(
        [file_name(["Plan A"], f.name) for f in SCENARIO_FORMATS.values()] + [file_name([], FOCUS_FORMAT.name)]
    )

    pdf = PdfReader(io.BytesIO(files["exitplan-plan-a.pdf"]))
    first = pdf.pages[0].extract_text()
    assert f"Saves {usd(result.monthly_savings_usd)} a month once done" in " ".join(first.split())

    workbook = openpyxl.load_workbook(io.BytesIO(files["exitplan-plan-a.xlsx"]))
    assert "Summary" in workbook.sheetnames

    deck = Presentation(io.BytesIO(files["exitplan-plan-a.pptx"]))
    words = " ".join(shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame)
    assert "Plan A" in words

    assert files["exitplan-plan-a.md"].decode().startswith("# Plan A: the business case for moving")
    assert files["exitplan-plan-a.html"].startswith(b"<!DOCTYPE html>")
    focus = files["exitplan-ledger-focus.csv"].decode().splitlines()
    assert focus[0].split(",")[:3] == ["AvailabilityZone", "BilledCost", "BillingAccountId"]
    assert len(focus) > 1


def test_two_scenarios_are_compared(ledger: Engine, tmp_path: Path) -> None:
    demo_with_workloads(ledger, tmp_path)
    keep_suggested(ledger, "Two years")
    keep_suggested(ledger, "One year", horizon=12)
    at = open_report()
    at.multiselect(key="report-scenarios").set_value(["One year", "Two years"]).run()
    assert not at.exception, at.exception
    shown = preview(at)
    assert shown.startswith("### 2 migration scenarios compared")
    assert "#### One year" in shown and "#### Two years" in shown
    assert html_tables(shown) == shown.count("\n|---") == 8  # the comparison, three a scenario, the sources
    assert any(h.value == "One year vs Two years" for h in at.subheader)


def test_a_name_written_as_a_markdown_image_stays_text(ledger: Engine, tmp_path: Path) -> None:
    demo_with_workloads(ledger, tmp_path)
    first = list_workloads(ledger)[0]
    name = f"{IMAGE} {STREAMLIT_OWN}"
    save_workload(ledger, replace(first, name=name))
    keep_suggested(ledger, f"Plan {IMAGE}")
    at = open_report()
    shown = preview(at)
    escaped = "!\\[t\\](http\\://host/x.png) \\$x\\$ \\:red\\[x\\] \\:material/home\\:"
    assert escaped in shown and IMAGE not in shown
    # The scenario's name, over the downloads, is the user's too.
    heading = at.subheader[0].value
    assert reader_sees(heading) == f"Plan {IMAGE}" and "<img" not in MarkdownIt("commonmark").render(heading)
    # A Markdown reader shows the name as typed, and fetches nothing.
    html = MarkdownIt("commonmark").enable("table").render(shown)
    assert "<img" not in html and name in html


def test_an_error_shows_the_names_in_it_as_typed(ledger: Engine, tmp_path: Path) -> None:
    demo_with_workloads(ledger, tmp_path)
    moved = scenario_from_json(keep_suggested(ledger, "Plan A")).moves[0].workload
    # Renamed after the plan was kept: the plan moves a workload the ledger no longer has.
    workload = next(w for w in list_workloads(ledger) if w.name == moved)
    save_workload(ledger, replace(workload, name=IMAGE))
    at = open_report()
    error = at.error[0].value
    assert reader_sees(error).startswith(f"The report cannot be built: no workload '{moved}'")
    assert IMAGE in reader_sees(error) and IMAGE not in error and "<img" not in MarkdownIt("commonmark").render(error)
    assert not at.download_button
