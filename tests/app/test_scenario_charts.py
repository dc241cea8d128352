"""The Scenarios page's charts, built from hand-made frames: what each draws, and where."""

from __future__ import annotations

from datetime import date

import pandas as pd

from app.components.charts import cumulative_chart, projection_chart, savings_waterfall, tornado_chart


def test_the_waterfall_adds_each_changed_workload_then_the_total() -> None:
    workloads = pd.DataFrame(
        {
            "workload": ["Stays", "Small", "Big", "Unpriced", "Loses"],
            "savings_usd": [0.0, 1_000.0, 5_000.0, float("nan"), -500.0],
        }
    )
    bars = savings_waterfall(workloads).data[0]
    assert list(bars.x) == ["Big", "Small", "Loses", "Total"]
    assert list(bars.y) == [5_000.0, 1_000.0, -500.0, 5_500.0]
    assert list(bars.measure) == ["relative", "relative", "relative", "total"]
    assert list(bars.text) == ["$5,000", "$1,000", "-$500", "$5,500"]  # one precision


def test_the_tornado_puts_the_widest_swing_on_top_around_the_base() -> None:
    figure = tornado_chart([("narrow", 90.0, 110.0), ("wide", 50.0, 160.0), ("none", 100.0, 100.0)], 100.0)
    low, high = figure.data
    assert list(low.y) == ["wide", "narrow", "none"] and figure.layout.yaxis.autorange == "reversed"
    assert list(low.base) == [100.0] * 3
    assert list(low.x) == [-50.0, -10.0, 0.0] and list(high.x) == [60.0, 10.0, 0.0]


def test_the_projection_has_costs_above_and_savings_so_far_below() -> None:
    monthly = pd.DataFrame(
        {
            "month": [date(2027, 1, 1), date(2027, 2, 1)],
            "baseline_usd": [1_000.0, 1_000.0],
            "scenario_usd": [200.0, 200.0],
            "one_time_usd": [2_000.0, 0.0],
            "savings_usd": [-1_200.0, 800.0],
            "cumulative_usd": [-1_200.0, -400.0],
        }
    )
    figure = projection_chart(monthly)
    names = {trace.name: trace.yaxis for trace in figure.data}
    assert names == {
        "If nothing moves": "y",
        "Under the scenario": "y",
        "One-time costs": "y",
        "Net savings so far": "y2",
    }


def test_the_comparison_chart_has_one_line_per_scenario() -> None:
    frame = pd.DataFrame(
        {
            "scenario": ["A", "A", "B", "B"],
            "month": [date(2027, 1, 1), date(2027, 2, 1)] * 2,
            "cumulative_usd": [-100.0, 50.0, -300.0, -100.0],
        }
    )
    assert sorted(trace.name for trace in cumulative_chart(frame).data) == ["A", "B"]
