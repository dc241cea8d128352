"""The Alternatives page, driven through Streamlit's AppTest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from analysis.latency_measurements import list_measurements
from analysis.selfhost import list_options
from analysis.workloads import ensure_workloads
from collectors.demo import load_demo
from tests.app.apptest import open_page, shown

PAGE = "app/pages/alternatives.py"


pytestmark = pytest.mark.usefixtures("app_ledger")


def open_alternatives() -> AppTest:
    return open_page(PAGE, timeout=120)


def test_empty_ledger_offers_the_demo() -> None:
    at = open_alternatives()
    assert any("ledger is empty" in info.value for info in at.info)


def test_without_workloads_it_points_to_the_workloads_page(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_alternatives()
    assert any("No workloads yet" in info.value for info in at.info)


def test_ranks_and_explains_candidates_for_each_workload(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    workloads = ensure_workloads(ledger)
    at = open_alternatives()
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Today, per month", "Top candidate, per month", "Monthly saving"]
    # One precision for the tiles read together: whole dollars, as today's cost is above $1,000.
    assert all("." not in m.value for m in at.metric[:3]), [m.value for m in at.metric]
    # The demo's first workload runs on gpt-4o, which OpenAI retires on 2027-01-14: said first.
    assert at.warning and at.warning[0].value.startswith("Staying is not an option after 2027-01-14")
    assert "its successor there is gpt-6-luna. At today's traffic it would cost about $" in shown(at.warning[0].value)
    assert any("What changes with the top candidate" in md.value for md in at.markdown)
    ranked, left_out = at.dataframe[0].value, at.dataframe[1].value
    # The top rows stand on evidence, cost money, and carry no "None".
    assert (ranked["grade"].head(5) == "ok").all() and (ranked["monthly_usd"].head(5) > 0).all()
    words = ["host", "model", "range", "grade", "evidence", "why_not", "region", "price_source", "quality_source"]
    assert not ranked[words].isna().any().any()
    assert set(left_out["Why"]) >= {"a safety classifier (guard or moderation model)", "an OCR model"}
    at.selectbox(key="alternatives-workload").set_value(workloads[2].id).run()
    assert not at.exception
    assert any(workloads[2].name in md.value for md in at.markdown)
    at.toggle(key="alternatives-open").set_value(True).run()
    assert not at.exception


def test_a_self_hosting_option_is_added(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    ensure_workloads(ledger)
    at = open_alternatives()
    at.text_input(key="selfhost-name").set_value("Llama on 2× H100")
    at.text_input(key="selfhost-model").set_value("llama-3.3-70b-instruct")
    at.button(key="FormSubmitter:alternatives-selfhost-Add option").click().run()
    assert not at.exception, at.exception
    [option] = list_options(ledger)
    assert option.model == "llama-3.3-70b-instruct"


def test_latency_measurements_are_uploaded_and_replace_the_published_figures(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    ensure_workloads(ledger)
    at = open_alternatives()
    replay = b"host,model,ttft_s,ttft_p95_s,tokens_per_s\ndeepinfra,openai/gpt-oss-120b,0.3,0.8,150\n"
    at.file_uploader(key="alternatives-latency").upload("replay.csv", replay, "text/csv").run()
    at.button(key="alternatives-latency-save").click().run()
    assert not at.exception, at.exception
    assert any("Latency measurements saved from replay.csv (1 row)." in s.value for s in at.success)
    [measurement] = list_measurements(ledger).to_dict("records")
    assert (measurement["host"], measurement["source"]) == ("deepinfra", "replay.csv")
    ranked = at.dataframe[0].value
    measured = ranked[(ranked["host"] == "deepinfra") & (ranked["model"] == "openai/gpt-oss-120b")]
    assert measured["latency_source"].str.startswith("your measurements").all() and measured["p95_s"].notna().all()


def test_a_bad_latency_file_is_refused_with_its_row(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    ensure_workloads(ledger)
    at = open_alternatives()
    at.file_uploader(key="alternatives-latency").upload(
        "replay.csv", b"host,model,ttft_s,tokens_per_s\ndeepinfra,openai/gpt-oss-120b,slow,150\n", "text/csv"
    ).run()
    at.button(key="alternatives-latency-save").click().run()
    assert [shown(e.value) for e in at.error] == ["replay.csv: row 2: ttft_s 'slow' is not a number"]
    assert list_measurements(ledger).empty


def test_the_answer_length_setting_is_explained(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    ensure_workloads(ledger)
    at = open_alternatives()
    at.number_input(key="alternatives-verbosity").set_value(1.25).run()
    assert not at.exception, at.exception
    assert any("answers 125% of today's length (your setting)" in md.value for md in at.markdown)
