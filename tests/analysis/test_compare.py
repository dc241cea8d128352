"""Scenarios side by side, on two hand-worked plans for Chat ($1,000 a month on openai/big; no growth):

- "Small": all of it to deepinfra/small ($200) in month 1 of 12, 2 engineering days at $1,000, no
  evaluation — saves 800 a month; −1,200 in month 1, then 800 → 7,600 over 12 months; payback month 3.
- "Tiny, later": all of it to fireworks/tiny ($100) from month 4 of 24, 10 days — months 1–3 save 0,
  month 4 saves 900 − 10,000 = −9,100, months 5–24 save 900 → −9,100 + 20 × 900 = 8,900 over 24 months;
  cumulative −9,100 + 11 × 900 = 800 in month 15, so payback month 15. Its 3-year TCO: 3 × 1,000 + 33 × 100
  + 10,000 = 16,300.
"""

from __future__ import annotations

from datetime import date

from analysis.scenarios.compare import comparison, cumulative
from analysis.scenarios.engine import ScenarioResult, run
from analysis.scenarios.model import Assumptions, Move, Scenario
from tests.analysis.scenario_cases import chat, context

FLAT = Assumptions(discount_rate=0.0)


def results() -> list[ScenarioResult]:
    ctx = context(chat())
    small = Scenario("Small", (Move("Chat", "deepinfra", "small", engineering_days=2, evaluation_usd=0),), 12, FLAT)
    tiny = Scenario(
        "Tiny, later",
        (Move("Chat", "fireworks", "tiny", start_month=4, engineering_days=10, evaluation_usd=0),),
        24,
        FLAT,
    )
    return [run(small, ctx, uncertainty=False), run(tiny, ctx, uncertainty=False)]


def test_one_column_per_scenario_one_row_per_figure() -> None:
    table = comparison(results())
    assert list(table.columns) == ["Small", "Tiny, later"]
    assert table.loc["Horizon"].tolist() == ["12 months", "24 months"]
    assert table.loc["Saves a month once done"].tolist() == ["$800.00", "$900.00"]
    assert table.loc["Net savings over the horizon"].tolist() == ["$7,600", "$8,900"]
    assert table.loc["One-time cost"].tolist() == ["$2,000", "$10,000"]
    assert table.loc["Payback"].tolist() == ["month 3", "month 15"]
    assert table.loc["NPV"].tolist() == ["$7,600", "$8,900"]
    assert table.loc["Discount rate"].tolist() == ["0% a year", "0% a year"]
    assert table.loc["3-year TCO"].tolist() == ["$9,200", "$16,300"]
    assert table.loc["3-year TCO staying"].tolist() == ["$36,000", "$36,000"]
    assert table.loc["P10–P90 a month"].tolist() == ["—", "—"]
    assert table.loc["Dependency risk after"].tolist() == ["—", "—"]
    assert table.loc["Moves"].tolist() == ["1", "1"]


def test_cumulative_savings_month_by_month_per_scenario() -> None:
    frame = cumulative(results())
    small = frame[frame["scenario"] == "Small"]
    assert len(small) == 12 and len(frame) == 36
    assert small["cumulative_usd"].tolist()[:3] == [-1200.0, -400.0, 400.0]
    assert small["month"].iloc[0] == date(2026, 12, 1)
    assert cumulative([]).empty and list(cumulative([]).columns) == ["scenario", "month", "cumulative_usd"]
