"""The scenario editor's round trip: a scenario to form values and rows, and rows back to a scenario — an
untouched row keeps its exact figures and reason, a wrong row is named, blank rows are skipped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pytest

from analysis.scenarios.editing import (
    MOVE_COLUMNS,
    AssumptionValues,
    moves_frame,
    scenario_from_form,
    target_choices,
    targets_frame,
)
from analysis.scenarios.model import Assumptions, Move, Scenario, Split
from db.errors import InvalidInput
from tests.analysis.scenario_cases import chat, context, search

CONTEXT = context(chat(), search())
CHOICES = target_choices(CONTEXT)
ODD = Assumptions(growth=1 / 300, price_change_per_year={"openai": -0.1, "*": 0.05}, discount_rate=0.08)
PLAN = Scenario(
    "Plan",
    (
        Move("Chat", "deepinfra", "small", share=1 / 3, start_month=2, ramp_months=3, reason="cheapest"),
        Move("Search", "fireworks", "embed-s", engineering_days=4, evaluation_usd=250, dual_running_months=1),
    ),
    24,
    ODD,
)


def rows(scenario: Scenario = PLAN) -> list[dict[str, object]]:
    return moves_frame(scenario).to_dict("records")


def back(edited: list[dict[str, object]] | list[Mapping[str, object]], **values: object) -> Scenario:
    form = replace(AssumptionValues.of(PLAN.assumptions), **values)
    return scenario_from_form("Plan", 24, form, edited, CONTEXT, CHOICES, kept=PLAN)


def test_the_targets_a_plan_may_pick_cheapest_rated_and_not_today() -> None:
    # Unrated and below-the-floor candidates are not offered; neither is a workload's own model.
    assert list(CHOICES) == ["embed-s on fireworks", "small on deepinfra", "tiny on fireworks"]
    assert CHOICES["small on deepinfra"] == ("deepinfra", "small")
    # A kept scenario's own target stays choosable, whatever its evidence.
    odd = Scenario("x", (Move("Chat", "novita", "mystery", split=Split("groq", "weak", 0.2)),))
    assert {"mystery on novita", "weak on groq"} <= set(target_choices(CONTEXT, odd))


def test_the_form_shows_percentages_without_float_noise() -> None:
    values = AssumptionValues.of(ODD)
    assert values == AssumptionValues(growth_pct=0.333333, discount_pct=8.0, day_rate_usd=1000.0, price_change_pct=5.0)
    frame = moves_frame(PLAN)
    assert list(frame.columns) == list(MOVE_COLUMNS)
    assert frame["share_pct"].tolist() == [33.333333, 100.0]
    assert frame["target"].tolist() == ["small on deepinfra", "embed-s on fireworks"]
    assert frame["engineering_days"].isna().tolist() == [True, False]


def test_an_untouched_form_gives_the_scenario_back_exactly() -> None:
    # 1/3 and 1/300 are shown rounded, and still come back as they were; the per-host rate and the reason stay.
    assert back(rows()) == PLAN


def test_a_changed_row_loses_the_reason_the_others_keep_it() -> None:
    edited = rows()
    edited[0]["share_pct"] = 50.0
    after = back(edited)
    assert after.moves[0].share == 0.5 and after.moves[0].reason is None
    assert after.moves[1] == PLAN.moves[1]


def test_a_suggested_plans_words_hold_until_an_edit_undoes_them() -> None:
    # The plan moves Search only: Chat stays, and a cap was not met.
    suggested = replace(PLAN, moves=PLAN.moves[1:], stays={"Chat": "no move saves money"}, unmet=("openai at 90%",))
    untouched = moves_frame(suggested).to_dict("records")
    form = AssumptionValues.of(PLAN.assumptions)
    assert scenario_from_form("Plan", 24, form, untouched, CONTEXT, CHOICES, kept=suggested) == suggested
    blank = dict.fromkeys(MOVE_COLUMNS)
    moved = [*untouched, {**blank, "workload": "Chat", "target": "tiny on fireworks"}]
    after = scenario_from_form("Plan", 24, form, moved, CONTEXT, CHOICES, kept=suggested)
    # Chat is moved by hand: it no longer stays; the moves changed, so whether the cap is met is not known.
    assert (after.stays, after.unmet) == ({}, ())


def test_changed_assumptions() -> None:
    after = back(rows(), growth_pct=None, discount_pct=12.0, price_change_pct=-7.0, day_rate_usd=800.0)
    assert after.assumptions == Assumptions(
        growth="forecast", price_change_per_year={"openai": -0.1, "*": -0.07}, discount_rate=0.12, day_rate_usd=800.0
    )
    assert back(rows(), growth_pct=2.0).assumptions.growth == 0.02


def test_a_new_row_takes_the_json_defaults_and_blank_rows_are_skipped() -> None:
    blank = dict.fromkeys(MOVE_COLUMNS)
    added = {**blank, "workload": "Chat", "target": "tiny on fireworks"}
    after = back([blank, added, {**blank, "share_pct": float("nan"), "target": "  "}])
    assert after.moves == (Move("Chat", "fireworks", "tiny"),)


def test_a_split() -> None:
    edited = rows()
    edited[0].update(split_target="tiny on fireworks", split_share_pct=30.0)
    assert back(edited).moves[0].split == Split("fireworks", "tiny", 0.3)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"target": "embed-s on fireworks"},
            "Row 1 (Chat): embed-s on fireworks is not a candidate for this workload; "
            "its cheapest targets: tiny on fireworks ($100.00 a month), small on deepinfra ($200.00 a month).",
        ),
        ({"target": None}, "Row 1 (Chat): choose its target."),
        ({"workload": None}, "Row 1: choose the workload it moves."),
        ({"workload": "Gone"}, "Row 1: no workload 'Gone' with usage; workloads: Chat, Search."),
        ({"start_month": 30.0}, "Row 1 (Chat): it starts in month 30, after the 24-month horizon."),
        ({"split_target": "tiny on fireworks"}, "Row 1 (Chat): give the split's share"),
        ({"split_share_pct": 30.0}, "Row 1 (Chat): choose its split target."),
    ],
)
def test_a_wrong_row_is_named(change: dict[str, object], message: str) -> None:
    edited = rows()
    edited[0].update(change)
    with pytest.raises(InvalidInput) as raised:
        back(edited)
    assert str(raised.value).startswith(message)


def test_every_wrong_row_is_named_at_once_and_the_rest_is_checked_as_a_file_is() -> None:
    edited = rows()
    edited[0]["target"] = "embed-s on fireworks"
    edited[1]["target"] = "small on deepinfra"
    with pytest.raises(InvalidInput, match=r"^Row 1 \(Chat\): .* Row 2 \(Search\): "):
        back(edited)
    twice = [rows()[0], {**rows()[0], "target": "tiny on fireworks"}]
    with pytest.raises(InvalidInput, match="a workload moves once per scenario: Chat moves twice"):
        back(twice)


def test_what_the_editor_shows_beside_the_moves() -> None:
    frame = targets_frame(CONTEXT).set_index("workload")
    assert frame.loc["Chat", "today"] == "big on openai" and frame.loc["Chat", "today_usd"] == 1000.0
    assert frame.loc["Chat", "engineering_days"] == 10.0 and frame.loc["Search", "engineering_days"] == 5.0
    assert frame.loc["Chat", "cheapest"] == "tiny on fireworks ($100.00); small on deepinfra ($200.00)"
    assert frame["retires"].isna().all()
