"""Scenarios on the demo company's ledger: a whole move costs what Alternatives says the target costs, and the
suggested plan is one a reader can follow — each move with its reason, each stay with its own, every number
adding up."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import Engine

from analysis.alternatives import alternatives
from analysis.scenarios.context import ScenarioContext, scenario_context
from analysis.scenarios.engine import run
from analysis.scenarios.model import Assumptions, Move, Scenario
from analysis.scenarios.optimiser import suggest, targets
from analysis.workloads import list_workloads, propose_workloads, replace_with_proposals
from collectors.demo import load_demo
from db import open_ledger
from pricing.book import PriceBook
from pricing.sources import load_book
from tests.analysis.test_scenarios import end_shares

TODAY = date(2026, 11, 5)


@dataclass(frozen=True)
class Demo:
    engine: Engine
    book: PriceBook
    context: ScenarioContext


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("demo")
    engine = open_ledger(f"sqlite:///{folder / 'ledger.db'}")
    load_demo(engine, folder, date(2026, 10, 31))
    replace_with_proposals(engine, propose_workloads(engine))
    book = load_book(engine)
    found = scenario_context(engine, book=book, today=TODAY)
    assert found is not None
    yield Demo(engine, book, found)
    engine.dispose()


def test_moving_all_of_a_workload_costs_its_repriced_cost_from_alternatives(demo: Demo) -> None:
    workloads = list_workloads(demo.engine)
    for workload in workloads:
        case = demo.context.cases[workload.name]
        if not targets(case):
            continue
        target = targets(case)[0]
        # Growth and price changes off: every month after the move costs exactly the target's estimate.
        scenario = Scenario("All of it", (Move(workload.name, target.host, target.model),), 12, Assumptions(growth=0.0))
        outcome = next(
            w for w in run(scenario, demo.context, uncertainty=False).workloads if w.workload == workload.name
        )
        found = alternatives(demo.engine, workload, workloads, book=demo.book, today=TODAY)
        repriced = next(c for c in found.candidates if (c.host, c.model) == (target.host, target.model))
        assert repriced.monthly_cost_usd.base is not None
        assert outcome.scenario_usd == pytest.approx(12 * repriced.monthly_cost_usd.base)
        assert outcome.moved_to == f"{target.model} on {target.host}"


def test_the_demo_plan_is_one_a_reader_can_follow(demo: Demo) -> None:
    suggestion = suggest(demo.context, horizon_months=24)
    plan = suggestion.scenario
    assert plan.moves, "the demo company has moves that pay for themselves"
    # Every workload either moves with a reason or stays with one.
    assert {m.workload for m in plan.moves} | set(suggestion.stays) == set(demo.context.cases)
    assert all(m.reason and "meets the floor" in m.reason for m in plan.moves)
    # One move starts each month, the largest saving first.
    assert [m.start_month for m in plan.moves] == list(range(1, len(plan.moves) + 1))
    for move in plan.moves:
        target = demo.context.cases[move.workload].option(move.host, move.model)
        assert target is not None and target.eligible and target.quality.grade in {"ok", "at risk"}
    result = run(plan, demo.context)
    # The totals are the sums of their parts.
    assert result.total_savings_usd == pytest.approx(sum(w.savings_usd for w in result.workloads))
    assert result.one_time_cost_usd == pytest.approx(sum(w.one_time_usd for w in result.workloads))
    assert all(w.savings_usd > 0 for w in result.workloads if w.moved_to)
    assert result.npv_usd > 0 and result.payback_months is not None
    assert result.savings_range is not None
    p10, p50, p90 = result.savings_range
    assert p10 <= p50 <= p90
    assert result.risk_before is not None and result.risk_after is not None


def test_a_vendor_cap_on_the_demo_holds_or_says_why(demo: Demo) -> None:
    suggestion = suggest(demo.context, max_vendor_share=0.5, critical_on_two_vendors=True)
    assert suggestion.unmet or max(end_shares(suggestion.scenario, demo.context).values()) <= 0.5 + 1e-9
    moves = {m.workload: m for m in suggestion.scenario.moves}
    critical = [c for c in demo.context.cases.values() if c.workload.criticality == "high"]
    for case in critical:
        move = moves.get(case.name)
        assert move is not None
        hosts = {move.host} | ({move.split.host} if move.split else set()) | ({case.host} if move.share < 1 else set())
        assert len(hosts) >= 2
