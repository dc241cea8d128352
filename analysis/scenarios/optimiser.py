"""Suggesting a plan: per workload, the cheapest eligible target whose quality evidence meets its floor, that
fits and does not miss its latency objective — never an unrated one — under the constraints asked for, as
an ordinary scenario with the reason for each move.

- A workload moves when that move, on its own, saves money over the horizon after its one-time costs,
  against the baseline — which, for a model that retires within the horizon, already pays its successor.
- Moves are phased as a team would run them: the largest saving first, one move starting each month, each
  ramping over two months. A move that no longer pays for itself once it starts later is left out.
- "No vendor above X% of spend": while a host carries more than X% of the planned spend (weighed at each
  workload's spend today, as the risk score weighs it), the workload on it whose next-cheapest target on
  another host costs least extra moves there; a workload that cannot leave it stays, and the plan says the
  constraint could not be met.
- "Critical workloads on two vendors": a high-criticality workload runs on its target and on the best
  target of another host, split half and half by a router.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

from analysis.alternatives import Option
from analysis.money import usd
from analysis.ranking import MEETS_FLOOR
from analysis.scenarios.context import ScenarioContext, WorkloadCase
from analysis.scenarios.engine import project
from analysis.scenarios.model import Assumptions, Move, Scenario, Split

__all__ = ["PHASE_RAMP_MONTHS", "Suggestion", "suggest", "targets"]

PHASE_RAMP_MONTHS = 2


def targets(case: WorkloadCase) -> list[Option]:
    """The targets a plan may pick for ``case``: eligible, fit, evidence that meets the floor, latency not
    known to miss the objective, priced — cheapest first."""
    found = [
        option
        for option in case.options.values()
        if option.eligible
        and option.fits
        and option.quality.grade in MEETS_FLOOR
        and option.latency.meets_slo is not False
        and option.monthly_cost_usd.base is not None
        and not (option.host == case.host and option.model == case.model)
    ]
    return sorted(found, key=lambda o: o.monthly_cost_usd.base or 0.0)


def _staying(case: WorkloadCase, context: ScenarioContext, horizon: int) -> tuple[float | None, str]:
    """What the workload costs a month if it stays, and on what: its successor's price when its model retires
    within the horizon (and the successor is priced), else today's."""
    retires = case.retirement is not None and case.retirement.retires_within(context.today, horizon * 30)
    successor = case.successor.monthly_cost_usd.base if case.successor is not None else None
    if retires and case.successor is not None and successor is not None:
        when = case.retirement.retires_on if case.retirement is not None else None
        tense = "retired" if when is not None and when <= context.today else "retires"
        return successor, f"{case.model} {tense} {when:%Y-%m-%d}, and its successor {case.successor.model} costs"
    return case.today_usd, "today it costs"


def _net(move: Move, case: WorkloadCase, context: ScenarioContext, scenario: Scenario) -> tuple[float, float]:
    """The move's net savings over the horizon (after its one-time costs) and its one-time costs."""
    alone = replace(context, cases={case.name: case})
    _, totals, _ = project(replace(scenario, moves=(move,)), alone)
    baseline, planned, once = totals[case.name]
    return baseline - planned - once, once


@dataclass(frozen=True)
class Suggestion:
    """A suggested plan: its scenario keeps why each workload it leaves alone stays, and the constraints it
    could not meet."""

    scenario: Scenario

    @property
    def stays(self) -> Mapping[str, str]:
        """Workload → why it does not move."""
        return self.scenario.stays

    @property
    def unmet(self) -> tuple[str, ...]:
        return self.scenario.unmet


def _comparison(case: WorkloadCase, best: Option, context: ScenarioContext, horizon: int) -> str:
    staying, on_what = _staying(case, context, horizon)
    return (
        f"{best.model} on {best.host} is the cheapest candidate whose evidence meets the floor: "
        f"{usd(best.monthly_cost_usd.base)} a month where {on_what} {usd(staying)}"
    )


def _savings_moves(context: ScenarioContext, scenario: Scenario) -> tuple[dict[str, Move], dict[str, str]]:
    """Each workload's move to its cheapest target where it pays for itself, phased largest saving first;
    and why each other workload stays."""
    horizon = scenario.horizon_months
    found, stays = [], {}
    for case in context.cases.values():
        options = targets(case)
        if case.today_usd is None:
            stays[case.name] = f"{case.model} has no price today, so no move can be weighed against it"
            continue
        if not options:
            stays[case.name] = "no eligible candidate has quality evidence that meets its floor"
            continue
        move = Move(case.name, options[0].host, options[0].model, ramp_months=PHASE_RAMP_MONTHS)
        net, once = _net(move, case, context, scenario)
        if net > 0:
            found.append((net, case, options[0], move))
        else:
            stays[case.name] = (
                f"{_comparison(case, options[0], context, horizon)}; after {usd(once)} one-time it would lose "
                f"{usd(-net)} over {horizon} months"
            )
    found.sort(key=lambda item: -item[0])
    plan: dict[str, Move] = {}
    for _, case, best, move in found:
        phased = replace(move, start_month=len(plan) + 1)
        net, once = _net(phased, case, context, scenario)
        if phased.start_month > horizon or net <= 0:
            stays[case.name] = (
                f"{_comparison(case, best, context, horizon)}; it would start in month {phased.start_month}, "
                f"too late to pay back {usd(once)} one-time within {horizon} months"
            )
            continue
        plan[case.name] = replace(
            phased,
            reason=(
                f"{_comparison(case, best, context, horizon)}; after {usd(once)} one-time it saves {usd(net)} "
                f"over {horizon} months; quality {best.quality.grade}, {best.quality.summary()}"
            ),
        )
    return plan, stays


def _shares(plan: dict[str, Move], context: ScenarioContext) -> dict[str, float]:
    """Each host's share of the spend, each workload weighed at its spend today, on its planned host."""
    by_host: dict[str, float] = defaultdict(float)
    for name, case in context.cases.items():
        weight = case.today_usd or 0.0
        move = plan.get(name)
        moved = move.share if move is not None else 0.0
        by_host[case.host] += weight * (1 - moved)
        if move is not None:
            second = move.split.share if move.split is not None else 0.0
            by_host[move.host] += weight * moved * (1 - second)
            if move.split is not None:
                by_host[move.split.host] += weight * moved * second
    total = sum(by_host.values())
    return {host: value / total for host, value in by_host.items()} if total > 0 else {}


def _host_of(plan: dict[str, Move], case: WorkloadCase) -> str:
    move = plan.get(case.name)
    return move.host if move is not None else case.host


def suggest(
    context: ScenarioContext,
    *,
    name: str = "Suggested plan",
    horizon_months: int = 24,
    max_vendor_share: float | None = None,
    critical_on_two_vendors: bool = False,
    assumptions: Assumptions | None = None,
) -> Suggestion:
    """A plan under the constraints, why the workloads it leaves alone stay, and what it could not meet.

    Moves a constraint adds start after the ones that pay for themselves, one a month."""
    scenario = Scenario(name, (), horizon_months, assumptions or Assumptions())
    plan, stays = _savings_moves(context, scenario)
    unmet: list[str] = []
    if critical_on_two_vendors:
        for case in context.cases.values():
            if case.workload.criticality == "high":
                unmet += _second_vendor(plan, case)
    if max_vendor_share is not None:
        unmet += _cap_vendors(plan, context, max_vendor_share, horizon_months)
    kept = {name: why for name, why in stays.items() if name not in plan}
    return Suggestion(replace(scenario, moves=tuple(plan.values()), stays=kept, unmet=tuple(unmet)))


def _next_start(plan: dict[str, Move]) -> int:
    return max((m.start_month for m in plan.values()), default=0) + 1


def _second_vendor(plan: dict[str, Move], case: WorkloadCase) -> list[str]:
    """Put a high-criticality workload on two hosts: half its traffic to the best target on a second host —
    beside today's model when it does not move, beside its target when it does."""
    move = plan.get(case.name)
    home = move.host if move is not None else case.host
    other = next((o for o in targets(case) if o.host != home), None)
    if other is None:
        return [f"{case.name}: no second host has a candidate whose evidence meets the floor"]
    why = f"high criticality: half the traffic on {other.model} at {other.host}, a second vendor"
    if move is None:
        start = _next_start(plan)
        plan[case.name] = Move(
            case.name, other.host, other.model, 0.5, start, PHASE_RAMP_MONTHS, reason=f"{case.model} stays; {why}"
        )
    else:
        plan[case.name] = replace(move, split=Split(other.host, other.model, 0.5), reason=f"{move.reason}; {why}")
    return []


def _cap_vendors(plan: dict[str, Move], context: ScenarioContext, cap: float, horizon: int) -> list[str]:
    """Move workloads off any host above ``cap`` until none is: each time, of the workloads on the largest
    host, the one whose cheapest target on a host that stays within the cap costs least extra."""
    for _ in range(len(context.cases) * 3):
        shares = _shares(plan, context)
        over = [(host, share) for host, share in shares.items() if share > cap + 1e-9]
        if not over:
            return []
        host, share = max(over, key=lambda pair: pair[1])
        best: tuple[float, WorkloadCase, Option] | None = None
        for case in context.cases.values():
            earlier = plan.get(case.name)
            if _host_of(plan, case) != host or (earlier is not None and earlier.split is not None):
                continue
            for option in targets(case):
                trial = {**plan, case.name: Move(case.name, option.host, option.model)}
                if option.host == host or _shares(trial, context).get(option.host, 0.0) > cap + 1e-9:
                    continue
                extra = (option.monthly_cost_usd.base or 0.0) - (_staying(case, context, horizon)[0] or 0.0)
                if best is None or extra < best[0]:
                    best = (extra, case, option)
                break
        if best is None:
            return [
                f"{host} keeps {share:.0%} of the spend, above {cap:.0%}: no workload on it has a target on a host "
                "that stays within the cap"
            ]
        extra, case, option = best
        earlier = plan.get(case.name)
        plan[case.name] = Move(
            case.name,
            option.host,
            option.model,
            start_month=earlier.start_month if earlier is not None else _next_start(plan),
            ramp_months=PHASE_RAMP_MONTHS,
            reason=(
                f"{host} would carry {share:.0%} of the spend, above the {cap:.0%} asked for: {option.model} on "
                f"{option.host} is the cheapest target on another host that stays within it, whose evidence meets "
                f"the floor ({usd(option.monthly_cost_usd.base)} a month, {usd(abs(extra))} "
                f"{'more' if extra > 0 else 'less'} than staying)"
            ),
        )
    return ["the vendor cap could not be met within the moves tried"]
