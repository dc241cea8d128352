"""Every page renders without an exception, empty and with data (Streamlit AppTest)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from collectors import ingest, source_from_bytes
from collectors.demo import load_demo
from collectors.files import FileOutcome
from db import list_imports
from tests.app.apptest import ENTRY, open_page

PAGES = ["app/pages/overview.py", "app/pages/data.py"]


pytestmark = pytest.mark.usefixtures("app_ledger")


@pytest.mark.parametrize("page", PAGES)
def test_empty_ledger_offers_the_demo(page: str) -> None:
    at = open_page(page)
    assert any("ledger is empty" in info.value for info in at.info)
    at.button(key=f"{Path(page).stem}-demo").click().run()
    assert not at.exception
    if page == PAGES[0]:
        assert [m.label for m in at.metric][:2] == ["Spend, last 30 days", "Monthly run-rate"]


def test_overview_with_data(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_page(PAGES[0])
    values = {m.label: m.value for m in at.metric}
    assert values["Spend, last 30 days"].startswith("$")
    assert values["Top provider (openai)"].endswith("%")
    assert not at.warning, "the demo data should be fully priced"
    at.selectbox(key="overview-grain").set_value("Month").run()
    assert not at.exception
    assert len(at.dataframe) == 1


def test_overview_of_usage_with_no_price_says_unpriced_never_zero(ledger: Engine) -> None:
    # A gateway's per-request model names: 30 "models", tokens counted, no price, no reported cost.
    usage = "timestamp,provider,model,input_tokens,output_tokens\n"
    usage += "".join(f"2026-10-{day:02d}T10:00:00Z,openai,req-{day:04d},1000,100\n" for day in range(1, 31))
    ingest(ledger, source_from_bytes("gateway.csv", usage.encode()))
    at = open_page(PAGES[0])
    values = {m.label: m.value for m in at.metric}
    assert (values["Spend, last 30 days"], values["Monthly run-rate"], values["Top provider"]) == (
        "unpriced",
        "unpriced",
        "—",
    )
    assert any("No spend to chart" in info.value for info in at.info) and not at.get("plotly_chart")
    warning = at.warning[0].value
    assert "openai/req-0010 and 20 more" in warning and "req-0011" not in warning


def test_data_page_lists_and_deletes_imports(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_page(PAGES[1])
    assert len(list_imports(ledger)) == 3
    first = at.selectbox(key="data-chosen").value
    at.button(key="data-delete").click().run()
    assert not at.exception
    assert first not in set(list_imports(ledger)["id"])
    assert len(list_imports(ledger)) == 2


def test_data_page_maps_an_unknown_csv_and_remembers_the_mapping(ledger: Engine) -> None:
    from db.column_mappings import find_mapping
    from tests.conftest import FIXTURES

    content = (FIXTURES / "custom_gateway_export.csv").read_bytes()
    header = content.decode().splitlines()[0].lower().split(",")
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.session_state["data-unmapped"] = [{"file": "custom.csv", "content": content, "header": tuple(header)}]
    at.run()
    at.switch_page(PAGES[1])
    at.run()
    assert at.selectbox(key="data-mapping-0-input_tokens").value == "prompt tokens"
    at.text_input(key="data-mapping-0-provider-constant").set_value("openai")
    at.selectbox(key="data-mapping-0-cached_input_tokens").set_value("cached")
    at.button(key="FormSubmitter:data-mapping-0-Import with this mapping").click().run()
    assert not at.exception, at.exception
    assert any("custom.csv" in s.value and "3 accepted, 1 rejected" in s.value for s in at.warning)
    assert find_mapping(ledger, header)["provider"] == "=openai"


def test_data_page_shows_skipped_rows_by_kind_apart_from_rejections(ledger: Engine) -> None:
    def observation(n: int, kind: str) -> dict[str, object]:
        return {
            "id": f"o{n}",
            "traceId": "t1",
            "type": kind,
            "startTime": "2025-09-01T10:00:00.000Z",
            "providedModelName": "gpt-4o-2024-08-06" if kind == "GENERATION" else None,
            "usageDetails": {"input": 100, "output": 20, "total": 120} if kind == "GENERATION" else {},
        }

    kinds = ["GENERATION", "SPAN", "SPAN", "EVENT"]
    page = {"data": [observation(n, kind) for n, kind in enumerate(kinds)], "meta": {}}
    result = ingest(ledger, source_from_bytes("observations.json", json.dumps(page).encode()))
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.session_state["data-results"] = [FileOutcome("observations.json", result=result)]
    at.run()
    at.switch_page(PAGES[1])
    at.run()
    assert not at.exception, at.exception
    # Not usage is no fault of the file: the outcome is a success, its skipped rows named by kind.
    expected = "4 rows read, 1 accepted, 0 rejected, 3 skipped as not usage (2 SPAN observation, 1 EVENT observation)"
    assert any(expected in message.value for message in at.success), [m.value for m in at.success]
    assert not at.warning
    skipped = next(frame.value for frame in at.dataframe if "Kind" in frame.value.columns)
    assert dict(zip(skipped["Kind"], skipped["Rows"], strict=True)) == {"SPAN observation": 2, "EVENT observation": 1}
    # The import history says it too, and so does the import chosen in it.
    history = next(frame.value for frame in at.dataframe if "rows_skipped" in frame.value.columns)
    row = history.set_index("id").loc[result.import_id]
    assert (row["rows_read"], row["rows_accepted"], row["rows_rejected"], row["rows_skipped"]) == (4, 1, 0, 3)
    assert row["skipped_as"] == "2 SPAN observation, 1 EVENT observation"
    assert any(c.value == "Skipped as not usage: 2 SPAN observation, 1 EVENT observation" for c in at.caption)
