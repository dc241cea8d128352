"""The business case as the page reads it, on a scenario worked out by hand:

Chat pays $1,000 a month on openai/big and moves whole to deepinfra/small ($200) in month 1 of 12, with 2
engineering days at $1,000 and no evaluation; nothing grows, no price changes, money is not discounted.
Month 1 saves 1,000 − 200 − 2,000 = −1,200; every later month 800. Cumulative: −1,200, −400, +400 → payback
in month 3 (Feb 2027). Over 12 months: −1,200 + 11 × 800 = 7,600 (the NPV at 0%). Over 36 months: 36,000
staying, 36 × 200 + 2,000 = 9,200 moving.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from analysis.scenarios.business_case import (
    assumption_words,
    horizon_words,
    payback_words,
    tiles,
    workloads_frame,
)
from analysis.scenarios.engine import ScenarioResult, run
from analysis.scenarios.model import Assumptions, Move, Scenario
from tests.analysis.scenario_cases import case, chat, context, option

FLAT = Assumptions(discount_rate=0.0, day_rate_usd=1000.0)
MOVE = Move("Chat", "deepinfra", "small", engineering_days=2, evaluation_usd=0)


def chat_result() -> ScenarioResult:
    return run(Scenario("Chat to small", (MOVE,), 12, FLAT), context(chat()), uncertainty=False)


def test_the_tiles_read_the_hand_worked_case() -> None:
    shown = {t.label: t for t in tiles(chat_result())}
    assert [(label, t.value) for label, t in shown.items()] == [
        ("Saves a month once done", "$800"),
        ("One-time cost", "$2,000"),
        ("Payback", "month 3"),
        ("NPV", "$7,600"),
        ("3-year TCO", "$9,200"),
        ("Dependency risk", "—"),
    ]
    assert shown["Payback"].delta == "Feb 2027"
    assert shown["NPV"].delta == "at 0% a year"
    assert shown["One-time cost"].delta == "1 move"
    tco = shown["3-year TCO"]
    assert (tco.delta, tco.delta_description, tco.delta_color) == ("-$26,800", "against $36,000 staying", "inverse")
    # Without the uncertainty run there is no range to show; the help says which month the figure is.
    savings = shown["Saves a month once done"]
    assert savings.delta is None and savings.help is not None and "range" not in savings.help
    assert "Nov 2027" in savings.help and "$1,000 if nothing moves against $200 under the scenario" in savings.help


def test_the_savings_tile_carries_its_range_and_the_risk_tile_its_change() -> None:
    result = replace(chat_result(), monthly_savings_range=(100.0, 800.0, 1500.0), risk_before=59.4, risk_after=56.2)
    shown = {t.label: t for t in tiles(result)}
    assert shown["Saves a month once done"].delta == "P10–P90 $100–$1,500"
    risk = shown["Dependency risk"]
    assert (risk.value, risk.delta, risk.delta_color, risk.delta_arrow) == ("59 → 56", "-3", "inverse", "auto")
    same = {t.label: t for t in tiles(replace(result, risk_after=59.0))}["Dependency risk"]
    assert (same.value, same.delta, same.delta_arrow) == ("59 → 59", "no change", "off")


def test_a_plan_without_moves_reads_as_no_change() -> None:
    result = run(Scenario("Stay", (), 12, FLAT), context(chat()))
    shown = {t.label: t for t in tiles(result)}
    # $0 beside the $36,000 TCO: one precision for the row of tiles.
    assert shown["Saves a month once done"].value == "$0" and shown["Payback"].value == "at once"
    assert result.monthly_savings_range is None
    assert "moves nothing, so there is no range" in (shown["Saves a month once done"].help or "")


@pytest.mark.parametrize(("months", "words"), [(1, "month 1"), (0, "at once"), (None, "not within the horizon")])
def test_payback_in_words(months: int | None, words: str) -> None:
    assert payback_words(months) == words


def test_the_workloads_frame_leaves_unknown_money_empty_never_zero() -> None:
    unpriced = case("Legacy", "openai", "old", None, [option("deepinfra", "small", 5.0)])
    ctx = context(chat(), unpriced)
    result = run(Scenario("Chat to small", (MOVE,), 12, FLAT), ctx, uncertainty=False)
    frame = workloads_frame(result).set_index("workload")
    chat_row, legacy = frame.loc["Chat"], frame.loc["Legacy"]
    assert chat_row["moved_to"] == "small on deepinfra" and chat_row["share"] == 1.0
    assert (chat_row["baseline_usd"], chat_row["scenario_usd"], chat_row["one_time_usd"]) == (12_000, 2_400, 2_000)
    assert chat_row["savings_usd"] == 7_600
    assert (chat_row["latency_before_s"], chat_row["latency_after_s"]) == (2.0, 1.5)
    assert legacy["moved_to"] == "stays" and math.isnan(legacy["share"])
    assert all(math.isnan(legacy[c]) for c in ("baseline_usd", "scenario_usd", "one_time_usd", "savings_usd"))


def test_the_assumptions_in_a_sentence() -> None:
    fixed = Scenario("x", assumptions=Assumptions(growth=0.03, price_change_per_year={"openai": -0.1, "*": 0.05}))
    assert assumption_words(fixed) == (
        "Usage grows at 3% a month; prices change -10% a year at openai, 5% elsewhere; an engineering day costs "
        "$1,000; money is discounted at 10% a year."
    )
    assert "prices stay as they are" in assumption_words(Scenario("x"))
    assert "each workload's own forecast" in assumption_words(Scenario("x"))


def test_the_horizon_is_anchored_on_what_the_workloads_cost_today() -> None:
    ctx = context(chat(), case("Legacy", "openai", "old", None, []))
    result = run(Scenario("x", (MOVE,), 12, Assumptions(growth=0.1)), ctx, uncertainty=False)
    # $1,000 today (the unpriced workload adds nothing); 1,000 × 1.1^12 = 3,138.43 in month 12.
    assert horizon_words(result, ctx) == (
        "12 months, Dec 2026 – Nov 2027. The workloads cost $1,000 a month today; if nothing moves, $3,138 in Nov 2027."
    )
