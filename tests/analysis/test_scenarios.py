"""Scenarios on a hand-built company, every number worked out by hand: the baseline, ramps, splits, forced
moves, one-time costs, payback and NPV in closed form, the P10–P90 range, the optimiser's constraints, and
the scenario JSON's validation."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date

import pytest

from analysis.scenarios.context import ScenarioContext, WorkloadCase
from analysis.scenarios.engine import npv, project, run
from analysis.scenarios.model import (
    Assumptions,
    Move,
    Scenario,
    Split,
    scenario_from_dict,
    scenario_from_json,
    scenario_to_dict,
)
from analysis.scenarios.optimiser import suggest, targets
from analysis.scenarios.template import template
from db.errors import InvalidInput
from tests.analysis.scenario_cases import case, option
from tests.analysis.scenario_cases import context as cases_context

LAST_DAY = date(2026, 10, 31)  # month 1 is November 2026
TODAY = date(2026, 11, 5)
FLAT = Assumptions(growth=0.0)
# 1.5 engineering days at $1,000 and a $500 evaluation: $2,000 once.
ONCE = {"engineering_days": 1.5, "evaluation_usd": 500.0}


def context(*cases: WorkloadCase) -> ScenarioContext:
    return cases_context(*cases, last_day=LAST_DAY, today=TODAY)


CHAT = case(
    "Chat",
    "openai",
    "gpt-4o",
    1000.0,
    [option("deepinfra", "llama-70b", 600.0, low=480.0, high=780.0), option("groq", "llama-8b", 200.0)],
)


def test_moving_nothing_is_the_baseline_grown_and_repriced_month_by_month() -> None:
    # 2% a month and openai 12% cheaper a year: month m costs 1000 × 1.02^m × 0.88^(m/12).
    assumptions = Assumptions(growth=0.02, price_change_per_year={"openai": -0.12})
    result = run(Scenario("Stay", (), 12, assumptions), context(CHAT), uncertainty=False)
    for m, row in enumerate(result.months, start=1):
        assert row.baseline_usd == pytest.approx(1000 * 1.02**m * 0.88 ** (m / 12))
        assert row.scenario_usd == row.baseline_usd and row.one_time_usd == 0
    assert result.months[0].month == date(2026, 11, 1) and result.months[-1].month == date(2027, 10, 1)
    assert result.total_savings_usd == 0 and result.npv_usd == 0 and result.one_time_cost_usd == 0
    assert result.payback_months == 0
    assert result.as_dict()["savings_range"] is None


def test_the_forecasts_trend_is_damped_and_a_fixed_rate_is_not() -> None:
    # A 5% monthly trend at φ = 0.9: month m grows by 0.9 + 0.81 + … + 0.9^m months of it, at most nine.
    growing = case("Chat", "openai", "gpt-4o", 1000.0, [option("groq", "llama-8b", 200.0)], growth=0.05)
    damped = run(Scenario("Stay", (), 36, Assumptions()), context(growing), uncertainty=False)
    assert damped.months[0].baseline_usd == pytest.approx(1000 * 1.05**0.9)
    assert damped.months[1].baseline_usd == pytest.approx(1000 * 1.05 ** (0.9 + 0.81))
    assert damped.months[35].baseline_usd == pytest.approx(1000 * 1.05 ** (9 * (1 - 0.9**36)))
    assert damped.months[35].baseline_usd < 1000 * 1.05**9
    undamped = run(Scenario("Stay", (), 12, Assumptions(growth_damping=1.0)), context(growing), uncertainty=False)
    assert undamped.months[11].baseline_usd == pytest.approx(1000 * 1.05**12)
    fixed = run(Scenario("Stay", (), 12, Assumptions(growth=0.05)), context(growing), uncertainty=False)
    assert fixed.months[11].baseline_usd == pytest.approx(1000 * 1.05**12)


def test_a_whole_move_costs_the_targets_price_from_its_start_month() -> None:
    move = Move("Chat", "deepinfra", "llama-70b", start_month=3, **ONCE)
    result = run(Scenario("Move", (move,), 12, FLAT), context(CHAT), uncertainty=False)
    assert [round(r.scenario_usd, 2) for r in result.months[:4]] == [1000.0, 1000.0, 600.0, 600.0]
    assert result.months[2].one_time_usd == pytest.approx(2000.0)
    assert result.monthly_savings_usd == pytest.approx(400.0)
    assert result.total_savings_usd == pytest.approx(10 * 400.0 - 2000.0)
    (chat,) = result.workloads
    assert chat.moved_to == "llama-70b on deepinfra"
    assert (chat.baseline_usd, chat.scenario_usd, chat.one_time_usd) == pytest.approx((12000.0, 8000.0, 2000.0))


def test_a_ramp_moves_its_share_linearly_and_the_rest_stays() -> None:
    # Half the traffic over 2 months: a quarter in the start month, then half.
    move = Move("Chat", "deepinfra", "llama-70b", share=0.5, start_month=1, ramp_months=2, **ONCE)
    result = run(Scenario("Ramp", (move,), 12, FLAT), context(CHAT), uncertainty=False)
    assert result.months[0].scenario_usd == pytest.approx(0.75 * 1000 + 0.25 * 600)
    assert result.months[1].scenario_usd == pytest.approx(0.5 * 1000 + 0.5 * 600)
    assert result.months[11].scenario_usd == pytest.approx(800.0)


def test_a_router_split_sends_its_share_to_the_cheaper_model() -> None:
    move = Move("Chat", "deepinfra", "llama-70b", split=Split("groq", "llama-8b", 0.3), **ONCE)
    result = run(Scenario("Split", (move,), 12, FLAT), context(CHAT), uncertainty=False)
    assert result.months[0].scenario_usd == pytest.approx(0.7 * 600 + 0.3 * 200)


def test_dual_running_pays_the_old_model_for_the_moved_traffic_once() -> None:
    move = Move("Chat", "deepinfra", "llama-70b", dual_running_months=2, **ONCE)
    result = run(Scenario("Dual", (move,), 12, FLAT), context(CHAT), uncertainty=False)
    assert [r.one_time_usd for r in result.months[:3]] == pytest.approx([2000.0 + 1000.0, 1000.0, 0.0])


def test_npv_and_payback_match_the_closed_form_of_constant_savings() -> None:
    # $400 a month saved from month 1, $2,000 spent in month 1: cumulative -1,600, -1,200, -800, -400, 0.
    move = Move("Chat", "deepinfra", "llama-70b", **ONCE)
    assumptions = replace(FLAT, discount_rate=0.10)
    result = run(Scenario("Constant", (move,), 12, assumptions), context(CHAT), uncertainty=False)
    assert result.payback_months == math.ceil(2000 / 400) == 5
    q = 1.10 ** (-1 / 12)
    closed = 400 * q * (1 - q**12) / (1 - q) - 2000 * q
    assert result.npv_usd == pytest.approx(closed)
    assert npv([400.0] * 12, 0.0) == pytest.approx(4800.0)


def test_a_move_that_never_recovers_its_cost_has_no_payback() -> None:
    move = Move("Chat", "deepinfra", "llama-70b", engineering_days=100.0, evaluation_usd=0.0)
    result = run(Scenario("Costly", (move,), 12, FLAT), context(CHAT), uncertainty=False)
    assert result.payback_months is None
    assert result.as_dict()["payback_months"] is None


def test_a_retiring_model_moves_the_baseline_to_its_successor_from_the_shutdown_day() -> None:
    # Shutdown on 11 December (month 2): 10 of December's 31 days at today's $1,000, 21 at the successor's $500.
    retiring = case(
        "Chat",
        "openai",
        "gpt-4o",
        1000.0,
        [option("openai", "gpt-6", 500.0, successor=True), option("deepinfra", "llama-70b", 600.0)],
        retires_on=date(2026, 12, 11),
    )
    stay = run(Scenario("Stay", (), 12, FLAT), context(retiring), uncertainty=False)
    assert [round(r.baseline_usd, 2) for r in stay.months[:3]] == [
        1000.0,
        round(10 / 31 * 1000 + 21 / 31 * 500, 2),
        500.0,
    ]
    assert stay.workloads[0].forced is not None and "retires 2026-12-11" in stay.workloads[0].forced
    # A half move from month 3: the half that stays pays the successor, as the baseline does.
    half = Move("Chat", "deepinfra", "llama-70b", share=0.5, start_month=3, **ONCE)
    moved = run(Scenario("Half", (half,), 12, FLAT), context(retiring), uncertainty=False)
    assert moved.months[2].scenario_usd == pytest.approx(0.5 * 500 + 0.5 * 600)


@pytest.mark.parametrize(("retires_on", "said"), [(date(2026, 11, 1), "retired"), (date(2026, 12, 11), "retires")])
def test_why_a_plan_leaves_a_workload_says_whether_its_model_has_retired(retires_on: date, said: str) -> None:
    # Today is 5 November 2026: staying costs the successor's price either way; no target saves enough to move.
    retiring = case(
        "Chat",
        "openai",
        "gpt-4o",
        1000.0,
        [option("openai", "gpt-6", 500.0, successor=True), option("deepinfra", "llama-70b", 490.0)],
        retires_on=retires_on,
    )
    why = suggest(context(retiring), horizon_months=12, assumptions=FLAT).stays["Chat"]
    assert f"gpt-4o {said} {retires_on:%Y-%m-%d}, and its successor gpt-6 costs" in why


def test_an_embeddings_move_embeds_the_corpus_again() -> None:
    # 10M tokens embedded so far; the target costs $50 for the 1M tokens of a month: $500 to embed them again.
    embed = case(
        "Search",
        "openai",
        "text-embedding-3-small",
        100.0,
        [option("fireworks", "nomic-embed", 50.0)],
        task="embeddings",
        tokens=(1_000_000, 10_000_000),
    )
    move = Move("Search", "fireworks", "nomic-embed", **ONCE)
    result = run(Scenario("Embed", (move,), 12, FLAT), context(embed), uncertainty=False)
    assert result.months[0].one_time_usd == pytest.approx(2000.0 + 500.0)


def test_a_workload_without_a_price_is_left_out_with_a_warning() -> None:
    unpriced = case("Mystery", "acme", "acme-1", None, [])
    result = run(Scenario("Stay", (), 12, FLAT), context(CHAT, unpriced), uncertainty=False)
    assert any("Mystery has no price today" in w for w in result.warnings)
    assert result.months[0].baseline_usd == pytest.approx(1000.0)


def test_a_move_to_a_model_that_is_not_a_candidate_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not an eligible candidate"):
        project(Scenario("Bad", (Move("Chat", "openai", "gpt-7"),), 12, FLAT), context(CHAT))
    with pytest.raises(InvalidInput, match="no workload 'Billing'"):
        project(Scenario("Bad", (Move("Billing", "groq", "llama-8b"),), 12, FLAT), context(CHAT))


def test_the_savings_range_is_ordered_and_the_same_for_the_same_seed() -> None:
    move = Move("Chat", "deepinfra", "llama-70b", **ONCE)
    scenario = Scenario("Move", (move,), 24, Assumptions(growth=0.02))
    first, again = run(scenario, context(CHAT)), run(scenario, context(CHAT))
    assert first.savings_range is not None and first.monthly_savings_range is not None
    p10, p50, p90 = first.savings_range
    assert p10 <= p50 <= p90 and p10 < p90
    assert first.savings_range == again.savings_range
    assert run(scenario, context(CHAT), seed=8).savings_range != first.savings_range
    # The tornado: each factor's NPV at its low and high setting, the widest swing first.
    swings = [abs(high - low) for _, low, high in first.tornado]
    assert swings == sorted(swings, reverse=True)
    names = {name for name, _, _ in first.tornado}
    assert any(name.startswith("target costs") for name in names) and any("growth" in n for n in names)


def test_the_result_json_has_what_the_command_line_promises() -> None:
    move = Move("Chat", "deepinfra", "llama-70b", **ONCE)
    data = run(Scenario("Move", (move,), 12, FLAT), context(CHAT)).as_dict()
    for key in (
        "baseline_monthly_usd",
        "scenario_monthly_usd",
        "monthly_savings_usd",
        "one_time_cost_usd",
        "payback_months",
        "npv_usd",
        "horizon_months",
    ):
        assert key in data
    assert data["monthly"][0] == {
        "month": "2026-11-01",
        "baseline_usd": 1000.0,
        "scenario_usd": 600.0,
        "one_time_usd": 2000.0,
        "savings_usd": -1600.0,
    }
    assert set(data["savings_range"]) == {"p10", "p50", "p90"}  # type: ignore[arg-type]
    json.dumps(data)


# The optimiser --------------------------------------------------------------------------------------------

SUPPORT = case(
    "Support",
    "openai",
    "gpt-4o",
    5000.0,
    [
        option("openai", "gpt-5-mini", 1000.0),
        option("deepinfra", "llama-70b", 1500.0),
        option("groq", "cheapest-but-unrated", 100.0, grade="unrated"),
        option("together", "below", 50.0, grade="below floor"),
    ],
    criticality="high",
)
TRIAGE = case("Triage", "openai", "gpt-4o-mini", 3000.0, [option("openai", "gpt-5-nano", 500.0)])
SUMMARY = case(
    "Summary", "anthropic", "claude-haiku", 2000.0, [option("deepinfra", "qwen", 1990.0), option("groq", "q", 2500.0)]
)


def end_shares(scenario: Scenario, ctx: ScenarioContext) -> dict[str, float]:
    """Each host's end-state share of spend, every workload weighed at its spend today."""
    shares: dict[str, float] = {}
    moves = {m.workload: m for m in scenario.moves}
    for name, c in ctx.cases.items():
        weight, move = c.today_usd or 0.0, moves.get(name)
        moved = move.share if move else 0.0
        shares[c.host] = shares.get(c.host, 0.0) + weight * (1 - moved)
        if move is not None:
            second = move.split.share if move.split else 0.0
            shares[move.host] = shares.get(move.host, 0.0) + weight * moved * (1 - second)
            if move.split:
                shares[move.split.host] = shares.get(move.split.host, 0.0) + weight * moved * second
    total = sum(shares.values())
    return {host: value / total for host, value in shares.items()}


def test_targets_are_rated_candidates_that_meet_the_floor_cheapest_first() -> None:
    assert [o.model for o in targets(SUPPORT)] == ["gpt-5-mini", "llama-70b"]


def test_the_plan_moves_what_pays_for_itself_largest_saving_first() -> None:
    ctx = context(SUPPORT, TRIAGE, SUMMARY)
    suggestion = suggest(ctx, horizon_months=12, assumptions=FLAT)
    moves = {m.workload: m for m in suggestion.scenario.moves}
    # Support saves $4,000 a month, Triage $2,500; Summary's $10 a month never repays its one-time cost.
    assert [m.workload for m in suggestion.scenario.moves] == ["Support", "Triage"]
    assert (moves["Support"].model, moves["Support"].start_month) == ("gpt-5-mini", 1)
    assert (moves["Triage"].model, moves["Triage"].start_month) == ("gpt-5-nano", 2)
    assert "cheapest candidate whose evidence meets the floor" in (moves["Support"].reason or "")
    assert "would lose" in suggestion.stays["Summary"]
    assert suggestion.unmet == ()
    result = run(suggestion.scenario, ctx, uncertainty=False)
    assert all(w.savings_usd > 0 for w in result.workloads if w.moved_to)
    # The business case says why the workload stays, as it says why the others move.
    assert next(w.reason for w in result.workloads if w.workload == "Summary") == suggestion.stays["Summary"]


def test_the_plan_never_picks_an_unrated_or_below_floor_target() -> None:
    only_unrated = case("Lonely", "openai", "gpt-4o", 900.0, [option("groq", "u", 1.0, grade="unrated")])
    suggestion = suggest(context(SUPPORT, only_unrated), assumptions=FLAT)
    picked = {(m.host, m.model) for m in suggestion.scenario.moves}
    assert ("groq", "cheapest-but-unrated") not in picked and ("together", "below") not in picked
    assert "Lonely" not in {m.workload for m in suggestion.scenario.moves}
    assert "no eligible candidate" in suggestion.stays["Lonely"]


@pytest.mark.parametrize("cap", [0.5, 0.6, 0.7])
def test_no_vendor_ends_above_the_cap_asked_for(cap: float) -> None:
    ctx = context(SUPPORT, TRIAGE, SUMMARY)
    suggestion = suggest(ctx, horizon_months=12, assumptions=FLAT, max_vendor_share=cap)
    assert suggestion.unmet == ()
    assert max(end_shares(suggestion.scenario, ctx).values()) <= cap + 1e-9


def test_a_cap_that_cannot_be_met_is_said_not_broken_silently() -> None:
    alone = case("Only", "openai", "gpt-4o", 1000.0, [option("openai", "gpt-5-mini", 100.0)])
    suggestion = suggest(context(alone), assumptions=FLAT, max_vendor_share=0.5)
    assert suggestion.unmet and "openai keeps 100% of the spend" in suggestion.unmet[0]


def test_critical_workloads_end_on_two_vendors() -> None:
    ctx = context(SUPPORT, TRIAGE, SUMMARY)
    suggestion = suggest(ctx, horizon_months=12, assumptions=FLAT, critical_on_two_vendors=True)
    support = next(m for m in suggestion.scenario.moves if m.workload == "Support")
    assert support.split is not None and support.split.host != support.host
    assert "second vendor" in (support.reason or "")


def test_the_suggested_plan_and_the_template_are_valid_scenario_json() -> None:
    ctx = context(SUPPORT, TRIAGE, SUMMARY)
    plan = suggest(ctx, assumptions=FLAT, max_vendor_share=0.01).scenario
    # Kept, the plan still says why the rest stay and what it could not meet.
    assert plan.stays and plan.unmet
    assert scenario_from_json(json.dumps(scenario_to_dict(plan))) == plan
    written = template(ctx)
    assert written["moves"][0]["workload"] == "Support"
    assert scenario_from_dict(written).moves[0].engineering_days == 10.0 * 1.5  # a high-criticality chat


# The JSON --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "a scenario is a JSON object"),
        ({"name": "x", "horizon_months": 18}, "horizon_months must be one of 12, 24, 36"),
        ({"name": "x", "move": []}, "unknown field 'move'"),
        ({"name": "x", "stays": ["Support"]}, "stays must be an object of workload → why it stays"),
        ({"name": "x", "unmet": "openai keeps 80%"}, "unmet must be a list of sentences"),
        ({"name": "x", "assumptions": {"grwoth": 0.1}}, "assumptions: unknown field 'grwoth'"),
        ({"name": "x", "moves": [{"workload": "a", "host": "h", "model": "m", "share": 1.5}]}, r"moves\[0\].share"),
        ({"name": "x", "moves": [{"workload": "a", "host": "h", "model": "m", "start_month": 30}]}, "after the 24"),
        ({"name": "x", "moves": [{"workload": "a", "host": "h", "model": "m", "ramp_months": 0.5}]}, "ramp_months"),
        (
            {
                "name": "x",
                "moves": [{"workload": "a", "host": "h", "model": "m"}, {"workload": "a", "host": "g", "model": "n"}],
            },
            "a moves twice",
        ),
        ({"name": " "}, "name must be a name"),
    ],
)
def test_a_wrong_scenario_names_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        scenario_from_dict(data)


def test_text_that_is_not_json_is_refused_clearly() -> None:
    with pytest.raises(InvalidInput, match="not JSON"):
        scenario_from_json("{moves: [")
