"""Names in charts are shown as written: a tag in a model, feature, workload or scenario name (they come from
usage logs and from what users type) is never drawn by Plotly as bold, a line break or a link."""

from __future__ import annotations

from datetime import date

import pandas as pd

from app.components.charts import (
    concentration_chart,
    cumulative_chart,
    risk_heat_map,
    savings_waterfall,
    spend_chart,
    tornado_chart,
)

TAGGED = '<a href="https://phish.example">Support</a> <b>bot</b>'
SHOWN = '&lt;a href="https://phish.example"&gt;Support&lt;/a&gt; &lt;b&gt;bot&lt;/b&gt;'


def test_a_feature_name_in_the_spend_legend_is_shown_as_written() -> None:
    series = pd.DataFrame(
        {"period": ["2026-11", "2026-11"], "feature": [TAGGED, "search & rank"], "spend_usd": [5.0, 9.0]}
    )
    names = [trace.name for trace in spend_chart(series, "feature", "Month").data]
    assert names == ["search &amp; rank", SHOWN]  # largest first, as before


def test_workload_and_provider_names_are_shown_as_written() -> None:
    waterfall = savings_waterfall(pd.DataFrame({"workload": [TAGGED], "savings_usd": [250.0]})).data[0]
    assert list(waterfall.x) == [SHOWN, "Total"]

    risks = pd.DataFrame({"lock-in": [0.5]}, index=[TAGGED])
    assert list(risk_heat_map(risks).data[0].y) == [SHOWN]

    history = pd.DataFrame({"month": [date(2026, 11, 1)], "provider": ["<i>openai</i>"], "share": [1.0], "hhi": [1e4]})
    assert concentration_chart(history).data[0].name == "&lt;i&gt;openai&lt;/i&gt;"


def test_an_amount_under_a_cent_reads_so_on_a_bar() -> None:
    low, high = tornado_chart([("volume", 0.003, 0.004)], 0.0035).data
    assert list(low.text) == ["&lt; $0.01"] and list(high.text) == ["&lt; $0.01"]  # priced, not "$0.00"


def test_a_scenario_name_typed_by_a_user_is_shown_as_written() -> None:
    cumulative = pd.DataFrame(
        {
            "scenario": ["Move <br> to Claude"] * 2,
            "month": [date(2027, 1, 1), date(2027, 2, 1)],
            "cumulative_usd": [1.0, 2.0],
        }
    )
    assert [trace.name for trace in cumulative_chart(cumulative).data] == ["Move &lt;br&gt; to Claude"]
