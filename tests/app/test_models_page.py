"""The Models page, driven through Streamlit's AppTest: empty, with the demo, and every write it makes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from analysis.spend import priced_usage
from collectors import ingest, source_from_bytes
from collectors.demo import load_demo
from db.price_overrides import list_overrides
from tests.app.apptest import open_page

PAGE = "app/pages/models.py"
AZURE_ROW = b"date,provider,model,input_tokens,output_tokens\n2026-10-30,azure,chat-prod,2000000,500000\n"


pytestmark = pytest.mark.usefixtures("app_ledger")


def open_models(section: str | None = None) -> AppTest:
    at = open_page(PAGE)
    if section is not None:
        at.segmented_control(key="models-section").set_value(section).run()
        assert not at.exception, at.exception
    return at


def _dataframe(at: AppTest, index: int = 0) -> pd.DataFrame:
    value = at.dataframe[index].value
    frame = value.data if hasattr(value, "data") else value  # a Styler holds its frame in .data
    assert isinstance(frame, pd.DataFrame)
    return frame


def _unpriced(ledger: Engine, model: str) -> bool:
    priced = priced_usage(ledger)
    return bool(priced.loc[priced["model"] == model, "unpriced"].all())


@pytest.mark.parametrize(
    "section", ["Your models", "Unresolved ids", "Catalog explorer", "Price history", "Sources disagree", "Your prices"]
)
def test_every_section_renders_on_an_empty_ledger(section: str) -> None:
    at = open_models(section)
    assert [m.value for m in at.metric][:3] == ["0", "0", "0"]
    if section == "Your models":
        assert any("ledger is empty" in info.value for info in at.info)
    if section == "Price history":
        # openai gpt-4o: today's registry price and genai-prices' undated one, so a chart or its caption.
        assert len(at.get("plotly_chart")) == 1 or any("one data point" in c.value for c in at.caption)


def test_calendar_lists_the_demo_models_retiring(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_models()
    calendar = _dataframe(at)
    dates = dict(zip(calendar["model"], calendar["deprecation_date"], strict=True))
    # The vendored LiteLLM registry: o3-mini shuts down at OpenAI on 2026-10-23; gpt-4o is listed as well.
    assert dates["o3-mini-2025-01-31"] == date(2026, 10, 23)
    assert "gpt-4o-2024-08-06" in dates
    assert calendar.loc[calendar["model"] == "o3-mini-2025-01-31", "retiring_soon"].item()
    assert len(_dataframe(at, 1)) == 6  # the ledger's models


def test_catalog_filters_narrow_the_table(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    at = open_models("Catalog explorer")
    everything = len(_dataframe(at))
    assert any("your mix from" in caption.value for caption in at.caption)
    at.multiselect(key="models-filter-authors").set_value(["anthropic"]).run()
    at.multiselect(key="models-filter-capabilities").set_value(["supports_vision"]).run()
    assert not at.exception, at.exception
    shown = _dataframe(at)
    assert 0 < len(shown) < everything
    assert set(shown["author"]) == {"anthropic"}
    assert shown["supports_vision"].all()
    assert f"**{len(shown):,}** of" in at.markdown[0].value
    # The blended price lies between the input and the output price.
    assert ((shown["blended_mtok"] >= shown["input_mtok"]) & (shown["blended_mtok"] <= shown["output_mtok"])).all()


def test_mapping_an_unresolved_id_prices_it(ledger: Engine) -> None:
    ingest(ledger, source_from_bytes("gateway.csv", AZURE_ROW))
    assert _unpriced(ledger, "chat-prod")
    at = open_models("Unresolved ids")
    assert any("chat-prod" in m.value for m in at.markdown)
    assert at.selectbox(key="models-map-azure-chat-prod-host").value == "azure"
    at.selectbox(key="models-map-azure-chat-prod-model").set_value("gpt-4o")
    at.button(key="FormSubmitter:models-map-azure-chat-prod-Map").click().run()
    assert not at.exception, at.exception
    assert any("chat-prod at azure is now gpt-4o" in s.value for s in at.success)
    assert any("Every model in the ledger is recognised" in s.value for s in at.success)
    assert not _unpriced(ledger, "chat-prod")


def test_a_discount_lowers_spend(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))

    def openai_spend() -> float:
        priced = priced_usage(ledger)
        return float(priced.loc[priced["provider"] == "openai", "spend_usd"].sum())

    before = openai_spend()
    at = open_models("Your prices")
    at.selectbox(key="models-override-provider").set_value("openai")
    at.number_input(key="models-override-discount").set_value(10.0)
    at.button(key="FormSubmitter:models-override-Save price").click().run()
    assert not at.exception, at.exception
    assert [o.discount_pct for o in list_overrides(ledger)] == [10.0]
    assert openai_spend() == pytest.approx(before * 0.9)
    assert any("openai / all models" in m.value for m in at.markdown)

    at.button(key=f"models-override-delete-{list_overrides(ledger)[0].id}").click().run()
    assert not at.exception, at.exception
    assert list_overrides(ledger) == []
    assert openai_spend() == pytest.approx(before)


def test_a_bad_price_is_a_message_not_an_exception(ledger: Engine) -> None:
    at = open_models("Your prices")
    at.selectbox(key="models-override-provider").set_value("openai")
    at.number_input(key="models-override-discount").set_value(120.0)
    at.number_input(key="models-override-input_mtok").set_value(-1.0)
    at.button(key="FormSubmitter:models-override-Save price").click().run()
    assert not at.exception, at.exception
    assert "below 100%" in at.error[0].value and "cannot be negative" in at.error[0].value
    assert list_overrides(ledger) == []


def test_price_history_of_a_chosen_model() -> None:
    at = open_models("Price history")
    # genai-prices dates grok-4.20's price from 2026-04-30: a history to chart.
    at.selectbox(key="models-h-host").set_value("x-ai").run()
    at.selectbox(key="models-h-model").set_value("grok-4.20").run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 1
    history = _dataframe(at)
    assert date(2026, 4, 30) in set(history["as_of"])
