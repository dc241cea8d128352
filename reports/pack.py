"""What a report says about one scenario, gathered once: every format (PDF, XLSX, PPTX, Markdown, HTML) renders
the same :class:`ReportPack`, so the figures in the deck are the figures in the spreadsheet.

The pack is built from what the Scenarios page and ``exitplan scenario show`` already have — the scenario,
its :class:`~analysis.scenarios.engine.ScenarioResult` and the :class:`~analysis.scenarios.context.ScenarioContext`
it ran against — plus three facts about the ledger a reader needs to judge it: the period the usage covers,
the day the prices are in force for, and where the prices come from. It adds what the result does not hold:
the 3-year savings range (the result's range covers the horizon), each workload's month-by-month projection
(for the spreadsheet's formulas and their cached values), and the inputs those formulas need.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from analysis.report_facts import LedgerFacts, PriceSource
from analysis.scenarios.context import ScenarioContext, WorkloadCase
from analysis.scenarios.engine import (
    DEFAULT_EVALUATION_USD,
    TCO_MONTHS,
    MonthRow,
    ScenarioResult,
    WorkloadOutcome,
    engineering_days,
    forced_month,
    project,
    reembedding_usd,
)
from analysis.scenarios.model import Move, Scenario
from analysis.scenarios.trust import forecast_words
from analysis.scenarios.uncertainty import ranges
from db.errors import InvalidInput

__all__ = [
    "MAX_COMPARED",
    "MoveInputs",
    "ReportPack",
    "WorkloadInputs",
    "WorkloadLine",
    "check_comparison",
    "month_of",
    "report_pack",
]

MAX_COMPARED = 4


@dataclass(frozen=True)
class MoveInputs:
    """A move as the cash flow uses it: its target's monthly cost today, its timing and its one-time costs,
    each with where it came from."""

    target_model: str
    target_host: str
    target_usd: float  # the target's base-case monthly cost today (0 where unpriced, as the engine takes it)
    target_low_usd: float | None
    target_high_usd: float | None
    split_model: str | None
    split_host: str | None
    split_share: float
    split_usd: float
    share: float
    start_month: int
    ramp_months: int
    dual_running_months: float
    engineering_days: float
    engineering_days_source: str
    evaluation_usd: float
    evaluation_source: str
    reembedding_usd: float
    starts: date  # the calendar month the move starts
    done: date  # the month its ramp completes
    reason: str | None

    @property
    def target(self) -> str:
        return f"{self.target_model} on {self.target_host}"


@dataclass(frozen=True)
class WorkloadInputs:
    """A workload's starting point and its move, as the projection reads them (the base case, no sampling)."""

    workload: str
    host: str
    model: str
    today_usd: float | None  # None: unpriced, left out of the money
    growth: float  # a month
    growth_source: str
    retires_on: date | None
    forced_month: int | None  # the month the baseline starts paying the successor (None: it never does)
    forced_part: float  # the share of that month it pays it
    successor_model: str | None
    successor_host: str | None
    successor_usd: float | None
    move: MoveInputs | None


@dataclass(frozen=True)
class WorkloadLine:
    """A workload in the report: its outcome over the horizon, its inputs and its own months."""

    outcome: WorkloadOutcome
    inputs: WorkloadInputs
    months: tuple[MonthRow, ...]

    @property
    def name(self) -> str:
        return self.outcome.workload


@dataclass(frozen=True)
class ReportPack:
    """Everything a report of one scenario shows. Money in USD (floats, rounded only when shown)."""

    name: str
    horizon_months: int
    months: tuple[MonthRow, ...]
    workloads: tuple[WorkloadLine, ...]
    data_period: tuple[date, date]
    prices_as_of: date
    price_sources: tuple[PriceSource, ...]
    growth: str | float  # "forecast" or a fixed monthly rate
    growth_damping: float  # φ: how much of the forecast's trend carries into each next month
    forecast_check: str  # the baseline forecast's backtest, in a sentence
    price_changes: tuple[tuple[str, float, str], ...]  # host, yearly change, where it comes from
    discount_rate: float
    day_rate_usd: float
    today_monthly_usd: float  # what the priced workloads cost a month today
    baseline_monthly_usd: float
    scenario_monthly_usd: float
    monthly_savings_usd: float
    monthly_savings_range: tuple[float, float, float] | None
    total_savings_usd: float
    savings_range: tuple[float, float, float] | None
    savings_3y_usd: float
    savings_3y_range: tuple[float, float, float] | None
    one_time_usd: float
    payback_months: int | None
    npv_usd: float
    tco_3y_baseline_usd: float
    tco_3y_scenario_usd: float
    risk_before: float | None
    risk_after: float | None
    tornado: tuple[tuple[str, float, float], ...]
    warnings: tuple[str, ...]

    @property
    def first_month(self) -> date:
        return self.months[0].month

    @property
    def last_month(self) -> date:
        return self.months[-1].month

    @property
    def moves(self) -> tuple[WorkloadLine, ...]:
        """The workloads that move, in the order they start."""
        moving = [w for w in self.workloads if w.inputs.move is not None]
        return tuple(sorted(moving, key=lambda w: w.inputs.move.start_month if w.inputs.move else 0))

    @property
    def forced(self) -> tuple[str, ...]:
        """The retirements that move a workload on the baseline within the horizon, in words."""
        return tuple(w.outcome.forced for w in self.workloads if w.outcome.forced)

    @property
    def stays(self) -> tuple[str, ...]:
        """Why each workload a suggested plan leaves where it is stays, in words (none for a plan by hand)."""
        return tuple(
            f"{w.name} stays: {w.outcome.reason}" for w in self.workloads if w.inputs.move is None and w.outcome.reason
        )

    @property
    def weighted_growth(self) -> float:
        """The workloads' monthly growth, weighed by what each costs today."""
        priced = [w.inputs for w in self.workloads if w.inputs.today_usd]
        total = sum(i.today_usd or 0.0 for i in priced)
        return sum((i.today_usd or 0.0) * i.growth for i in priced) / total if total else 0.0


def month_of(first: date, number: int) -> date:
    """The calendar month of month ``number`` (1-based) of a projection that starts in ``first``.

    >>> month_of(date(2027, 1, 1), 14)
    datetime.date(2028, 2, 1)
    """
    total = first.year * 12 + first.month - 1 + number - 1
    return date(total // 12, total % 12 + 1, 1)


def _forced(case: WorkloadCase, first: date) -> tuple[int, float] | None:
    """The month (1-based) and the share of it the baseline pays the successor, as the engine reckons it;
    None without a priced successor, where the baseline keeps today's price."""
    if case.successor is None or case.successor.monthly_cost_usd.base is None:
        return None
    return forced_month(case, first)


def _move_inputs(case: WorkloadCase, move: Move, scenario: Scenario, first: date) -> MoveInputs:
    target = case.option(move.host, move.model)
    if target is None:
        raise InvalidInput(f"{case.name} cannot move to {move.model} on {move.host}: it is not a candidate")
    split = case.option(move.split.host, move.split.model) if move.split is not None else None
    cost = target.monthly_cost_usd
    if move.engineering_days is not None:
        days, days_source = move.engineering_days, "the scenario"
    else:
        days = engineering_days(case)
        critical = ", high criticality" if case.workload.criticality == "high" else ""
        days_source = f"exitplan's default for a {case.workload.task_category or 'chat'} workload{critical}"
    evaluation = move.evaluation_usd if move.evaluation_usd is not None else DEFAULT_EVALUATION_USD
    reembedding = reembedding_usd(case, target) if case.workload.task_category == "embeddings" else 0.0
    return MoveInputs(
        target_model=target.model,
        target_host=target.host,
        target_usd=cost.base or 0.0,
        target_low_usd=cost.low,
        target_high_usd=cost.high,
        split_model=split.model if split is not None else None,
        split_host=split.host if split is not None else None,
        split_share=move.split.share if move.split is not None and split is not None else 0.0,
        split_usd=(split.monthly_cost_usd.base or 0.0) if split is not None else 0.0,
        share=move.share,
        start_month=move.start_month,
        ramp_months=move.ramp_months,
        dual_running_months=move.dual_running_months,
        engineering_days=days,
        engineering_days_source=days_source,
        evaluation_usd=evaluation,
        evaluation_source="the scenario" if move.evaluation_usd is not None else "exitplan's default",
        reembedding_usd=reembedding,
        starts=month_of(first, move.start_month),
        done=month_of(first, min(move.start_month + move.ramp_months - 1, scenario.horizon_months)),
        reason=move.reason,
    )


def _inputs(case: WorkloadCase, move: Move | None, scenario: Scenario, first: date) -> WorkloadInputs:
    fixed = scenario.assumptions.growth != "forecast"
    growth = float(scenario.assumptions.growth) if fixed else case.monthly_growth
    forced = _forced(case, first)
    successor = case.successor
    return WorkloadInputs(
        workload=case.name,
        host=case.host,
        model=case.model,
        today_usd=case.today_usd,
        growth=growth,
        growth_source="the scenario (a fixed rate)" if fixed else "the forecast of its last 90 days of spend",
        retires_on=case.retirement.retires_on if case.retirement is not None else None,
        forced_month=forced[0] if forced is not None and forced[0] <= scenario.horizon_months else None,
        forced_part=forced[1] if forced is not None else 0.0,
        successor_model=successor.model if successor is not None else None,
        successor_host=successor.host if successor is not None else None,
        successor_usd=successor.monthly_cost_usd.base if successor is not None else None,
        move=_move_inputs(case, move, scenario, first) if move is not None else None,
    )


def _own_months(scenario: Scenario, context: ScenarioContext, name: str) -> tuple[MonthRow, ...]:
    """One workload's months: the projection of the scenario with only this workload in it (each workload is
    projected on its own, so the company's months are the sum of these)."""
    alone = replace(context, cases={name: context.cases[name]})
    moves = tuple(m for m in scenario.moves if m.workload == name)
    rows, _, _ = project(replace(scenario, moves=moves), alone)
    return tuple(rows)


def _price_changes(scenario: Scenario, context: ScenarioContext) -> tuple[tuple[str, float, str], ...]:
    """Every host the cash flow touches (today's, successors', targets'), with its yearly price change."""
    hosts: list[str] = []
    for case in context.cases.values():
        hosts.append(case.host)
        if case.successor is not None:
            hosts.append(case.successor.host)
    for move in scenario.moves:
        hosts.append(move.host)
        if move.split is not None:
            hosts.append(move.split.host)
    given = scenario.assumptions.price_change_per_year
    found = []
    for host in dict.fromkeys(hosts):
        if host in given:
            source = "the scenario"
        elif "*" in given:
            source = 'the scenario ("*", every other host)'
        else:
            source = "none set: prices held"
        found.append((host, scenario.assumptions.price_change(host), source))
    return tuple(found)


def report_pack(
    scenario: Scenario,
    result: ScenarioResult,
    context: ScenarioContext,
    facts: LedgerFacts,
    *,
    three_year_range: bool = True,
) -> ReportPack:
    """The facts every format of ``scenario``'s report shows.

    ``result`` is ``run(scenario, context)``; ``facts`` the ledger's period, price day and price sources
    (:func:`analysis.report_facts.ledger_facts`). ``three_year_range`` samples the 3-year savings' P10–P90 as
    the result sampled the horizon's (400 seeded draws, seeded; off for a quick preview).
    """
    if result.scenario.name != scenario.name:
        raise InvalidInput(f"the result is of {result.scenario.name!r}, not of {scenario.name!r}")
    first = result.months[0].month
    moves = {m.workload: m for m in scenario.moves}
    cases = context.cases
    lines = tuple(
        WorkloadLine(
            outcome,
            _inputs(cases[outcome.workload], moves.get(outcome.workload), scenario, first),
            _own_months(scenario, context, outcome.workload),
        )
        for outcome in result.workloads
    )
    savings_3y = result.tco_3y_baseline_usd - result.tco_3y_scenario_usd
    if scenario.horizon_months == TCO_MONTHS:
        range_3y = result.savings_range
    elif three_year_range and scenario.moves and result.savings_range is not None:
        range_3y, _ = ranges(replace(scenario, horizon_months=TCO_MONTHS), context)
    else:
        range_3y = None
    return ReportPack(
        name=scenario.name,
        horizon_months=scenario.horizon_months,
        months=result.months,
        workloads=lines,
        data_period=facts.data_period,
        prices_as_of=facts.prices_as_of,
        price_sources=facts.price_sources,
        growth=scenario.assumptions.growth,
        growth_damping=scenario.assumptions.growth_damping,
        forecast_check=forecast_words(context.forecasts),
        price_changes=_price_changes(scenario, context),
        discount_rate=scenario.assumptions.discount_rate,
        day_rate_usd=scenario.assumptions.day_rate_usd,
        today_monthly_usd=sum(c.today_usd or 0.0 for c in cases.values()),
        baseline_monthly_usd=result.baseline_monthly_usd,
        scenario_monthly_usd=result.scenario_monthly_usd,
        monthly_savings_usd=result.monthly_savings_usd,
        monthly_savings_range=result.monthly_savings_range,
        total_savings_usd=result.total_savings_usd,
        savings_range=result.savings_range,
        savings_3y_usd=savings_3y,
        savings_3y_range=range_3y,
        one_time_usd=result.one_time_cost_usd,
        payback_months=result.payback_months,
        npv_usd=result.npv_usd,
        tco_3y_baseline_usd=result.tco_3y_baseline_usd,
        tco_3y_scenario_usd=result.tco_3y_scenario_usd,
        risk_before=result.risk_before,
        risk_after=result.risk_after,
        tornado=result.tornado,
        # What a suggested plan could not meet is a warning to whoever reads the case.
        warnings=(*result.warnings, *(f"Not met: {line}" for line in result.scenario.unmet)),
    )


def check_comparison(packs: Sequence[ReportPack]) -> tuple[ReportPack, ...]:
    """``packs`` as a report takes them: one scenario, or two to four compared side by side, each named
    once and all from the same ledger."""
    found = tuple(packs)
    if not 1 <= len(found) <= MAX_COMPARED:
        raise InvalidInput(f"a report shows one scenario or compares two to {MAX_COMPARED}, not {len(found)}")
    names = [p.name for p in found]
    if len(set(names)) != len(names):
        raise InvalidInput(
            f"each scenario is compared once: {', '.join(sorted({n for n in names if names.count(n) > 1}))}"
        )
    if len({p.data_period for p in found}) > 1:
        raise InvalidInput("the scenarios compared must come from the same ledger's usage")
    return found
