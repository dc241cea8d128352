"""Running a scenario: month by month, what the company pays if nothing moves (the baseline) and under the
scenario, what moving costs once, and what that adds up to — savings, payback, NPV, 3-year TCO, and
quality, latency and risk before and after.

Month 1 is the calendar month after the ledger's last day. For each workload:

- **Baseline**: today's monthly cost × (1 + growth)^g(m) × each host's price change^(m/12). Growth is the
  forecast's monthly trend (``analysis.scenarios.forecast``), damped so that g(m) = φ + … + φ^m, or the
  scenario's fixed rate, compounded (g(m) = m) — see :meth:`Assumptions.growth_months`. A model that retires within
  the horizon cannot be kept: from its shutdown day the baseline pays its successor's price at the same host
  (a forced move, pro-rated in the shutdown's month; left at today's price, with a warning, where the
  successor is unpriced).
- **Scenario**: the moved share ramps linearly from the start month over the ramp months; the moved traffic
  costs the target's monthly cost (a router split sends part of it to a second model); the rest follows the
  baseline, forced moves included.
- **One-time costs** fall in the start month: engineering days × the day rate (a default by task and
  criticality where the move sets none), an evaluation, the dual-running months (the old model keeps
  serving the moved traffic) and, for an embeddings move, embedding the workload's corpus again.

Savings are baseline − scenario − one-time, each month; payback is the first month the cumulative savings
are no longer negative; NPV discounts each month's savings at the yearly rate.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from analysis.alternatives import Option
from analysis.money import usd
from analysis.risk.score import score
from analysis.scenarios.context import ScenarioContext, WorkloadCase
from analysis.scenarios.model import Move, Scenario
from analysis.workload_rules import Workload
from db.errors import InvalidInput

__all__ = [
    "DEFAULT_ENGINEERING_DAYS",
    "DEFAULT_EVALUATION_USD",
    "Factors",
    "MonthRow",
    "ScenarioResult",
    "WorkloadOutcome",
    "engineering_days",
    "forced_month",
    "project",
    "reembedding_usd",
    "run",
]

# Engineering days a move takes by default: prompts to port and test, integration, rollout. Retrieval and
# agents take longest (retrieval pipelines to re-tune); a classifier or a summary least. A high-criticality
# workload takes half as long again (shadow traffic, sign-off).
DEFAULT_ENGINEERING_DAYS = {
    "chat": 10.0,
    "rag": 15.0,
    "summarisation": 5.0,
    "classification": 5.0,
    "code": 10.0,
    "reasoning": 10.0,
    "embeddings": 5.0,
}
HIGH_CRITICALITY_EFFORT = 1.5
# An evaluation run per move: replaying a few hundred of the workload's prompts on the target with a judge.
DEFAULT_EVALUATION_USD = 500.0
TCO_MONTHS = 36


def engineering_days(case: WorkloadCase) -> float:
    """The default engineering days of moving ``case``'s workload.

    >>> from analysis.workload_rules import Workload
    >>> engineering_days(replace_case(Workload(1, "w", (), task_category="rag", criticality="high")))
    22.5
    """
    days = DEFAULT_ENGINEERING_DAYS.get(case.workload.task_category, 10.0)
    return days * (HIGH_CRITICALITY_EFFORT if case.workload.criticality == "high" else 1.0)


def replace_case(workload: Workload) -> WorkloadCase:
    """A bare case of ``workload``, for examples."""
    return WorkloadCase(workload, "", "", None, None, {}, None, None, 0.0, None, 0.0, 0.0, "", None)


@dataclass(frozen=True)
class Factors:
    """What the projection may be run with other than its base case (the uncertainty and the tornado)."""

    cost: dict[str, float] = field(default_factory=dict)  # workload → multiplier on the target's cost
    growth: dict[str, float] = field(default_factory=dict)  # workload → added to its monthly growth
    price_shift: float = 0.0  # added to every host's yearly price change
    abandoned: frozenset[str] = frozenset()  # moves that fail their evaluation: one-time spent, no move
    one_time: float = 1.0  # multiplier on engineering and evaluation


@dataclass(frozen=True)
class MonthRow:
    month: date
    baseline_usd: float
    scenario_usd: float
    one_time_usd: float

    @property
    def savings_usd(self) -> float:
        return self.baseline_usd - self.scenario_usd - self.one_time_usd


@dataclass(frozen=True)
class WorkloadOutcome:
    """A workload over the horizon: what it costs on the baseline and under the scenario, what moving it
    costs once, and its quality, latency and risk before and after."""

    workload: str
    moved_to: str | None  # "model on host", None when it stays
    share: float
    baseline_usd: float | None  # None: the workload has no price today, so no money is known
    scenario_usd: float | None
    one_time_usd: float | None
    forced: str | None  # the forced move on the baseline, in words
    quality_before: str
    quality_after: str
    latency_before_s: float | None
    latency_after_s: float | None
    risk_before: float | None
    risk_after: float | None
    reason: str | None = None

    @property
    def savings_usd(self) -> float | None:
        if self.baseline_usd is None or self.scenario_usd is None or self.one_time_usd is None:
            return None
        return self.baseline_usd - self.scenario_usd - self.one_time_usd


@dataclass(frozen=True)
class ScenarioResult:
    scenario: Scenario
    months: tuple[MonthRow, ...]  # the horizon's months
    tco_months: tuple[MonthRow, ...]  # 36 months, for the TCO
    workloads: tuple[WorkloadOutcome, ...]
    risk_before: float | None
    risk_after: float | None
    warnings: tuple[str, ...] = ()
    savings_range: tuple[float, float, float] | None = None  # P10, P50, P90 of the horizon's net savings
    monthly_savings_range: tuple[float, float, float] | None = None  # of the last month's savings
    tornado: tuple[tuple[str, float, float], ...] = ()  # factor, NPV at its low and high setting

    @property
    def monthly(self) -> pd.DataFrame:
        rows = [
            {
                "month": m.month,
                "baseline_usd": m.baseline_usd,
                "scenario_usd": m.scenario_usd,
                "one_time_usd": m.one_time_usd,
                "savings_usd": m.savings_usd,
            }
            for m in self.months
        ]
        frame = pd.DataFrame(rows)
        frame["cumulative_usd"] = frame["savings_usd"].cumsum()
        return frame

    @property
    def one_time_cost_usd(self) -> float:
        return sum(m.one_time_usd for m in self.months)

    @property
    def baseline_monthly_usd(self) -> float:
        """The last month's baseline: what staying costs once the horizon is reached."""
        return self.months[-1].baseline_usd

    @property
    def scenario_monthly_usd(self) -> float:
        return self.months[-1].scenario_usd

    @property
    def monthly_savings_usd(self) -> float:
        """The last month's savings, after every ramp: what the plan saves a month once it is done."""
        return self.months[-1].baseline_usd - self.months[-1].scenario_usd

    @property
    def total_savings_usd(self) -> float:
        return sum(m.savings_usd for m in self.months)

    @property
    def payback_months(self) -> int | None:
        """The month the cumulative savings stop being negative for the first time; 0 when they never are
        (nothing spent up front, or savings from the first month), None when they are still negative at the
        horizon."""
        cumulative, negative = 0.0, False
        for number, month in enumerate(self.months, start=1):
            cumulative += month.savings_usd
            if cumulative < 0:
                negative = True
            elif negative:
                return number
        return None if negative else 0

    @property
    def npv_usd(self) -> float:
        return npv([m.savings_usd for m in self.months], self.scenario.assumptions.discount_rate)

    @property
    def tco_3y_baseline_usd(self) -> float:
        return sum(m.baseline_usd for m in self.tco_months)

    @property
    def tco_3y_scenario_usd(self) -> float:
        return sum(m.scenario_usd + m.one_time_usd for m in self.tco_months)

    def as_dict(self) -> dict[str, object]:
        def money(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        def spread(values: tuple[float, float, float] | None) -> dict[str, float] | None:
            if values is None:
                return None
            return dict(zip(("p10", "p50", "p90"), (round(v, 2) for v in values), strict=True))

        return {
            "name": self.scenario.name,
            "horizon_months": self.scenario.horizon_months,
            "baseline_monthly_usd": money(self.baseline_monthly_usd),
            "scenario_monthly_usd": money(self.scenario_monthly_usd),
            "monthly_savings_usd": money(self.monthly_savings_usd),
            "total_savings_usd": money(self.total_savings_usd),
            "one_time_cost_usd": money(self.one_time_cost_usd),
            "payback_months": self.payback_months,
            "npv_usd": money(self.npv_usd),
            "tco_3y_baseline_usd": money(self.tco_3y_baseline_usd),
            "tco_3y_scenario_usd": money(self.tco_3y_scenario_usd),
            "risk_score_before": None if self.risk_before is None else round(self.risk_before, 1),
            "risk_score_after": None if self.risk_after is None else round(self.risk_after, 1),
            "savings_range": spread(self.savings_range),
            "monthly_savings_range": spread(self.monthly_savings_range),
            "monthly": [
                {
                    "month": m.month.isoformat(),
                    "baseline_usd": money(m.baseline_usd),
                    "scenario_usd": money(m.scenario_usd),
                    "one_time_usd": money(m.one_time_usd),
                    "savings_usd": money(m.savings_usd),
                }
                for m in self.months
            ],
            "workloads": [
                {
                    "workload": w.workload,
                    "moved_to": w.moved_to,
                    "share": w.share,
                    "baseline_usd": money(w.baseline_usd),
                    "scenario_usd": money(w.scenario_usd),
                    "one_time_usd": money(w.one_time_usd),
                    "savings_usd": money(w.savings_usd),
                    "forced": w.forced,
                    "quality_before": w.quality_before,
                    "quality_after": w.quality_after,
                    "latency_p95_before_s": w.latency_before_s,
                    "latency_p95_after_s": w.latency_after_s,
                    "risk_before": w.risk_before,
                    "risk_after": w.risk_after,
                    "reason": w.reason,
                }
                for w in self.workloads
            ],
            "tornado": [
                {"factor": f, "npv_low_usd": money(lo), "npv_high_usd": money(hi)} for f, lo, hi in self.tornado
            ],
            "warnings": list(self.warnings),
        }


def npv(savings: list[float], yearly_rate: float) -> float:
    """Each month's savings discounted at ``yearly_rate``, month m at (1 + rate)^(m / 12).

    >>> round(npv([100.0] * 12, 0.0), 2), round(npv([100.0], 0.12), 2)
    (1200.0, 99.06)
    """
    return sum(s / math.pow(1.0 + yearly_rate, m / 12.0) for m, s in enumerate(savings, start=1))


def _month(first: date, offset: int) -> date:
    total = first.year * 12 + first.month - 1 + offset
    return date(total // 12, total % 12 + 1, 1)


def _moved_share(move: Move, month: int) -> float:
    """The share of the workload's traffic on the target in ``month`` (1-based)."""
    if month < move.start_month:
        return 0.0
    return move.share * min(1.0, (month - move.start_month + 1) / move.ramp_months)


@dataclass(frozen=True)
class _Plan:
    """A workload's path: its case, its move (if any) and the options it moves to."""

    case: WorkloadCase
    move: Move | None
    target: Option | None
    split: Option | None


def _plans(scenario: Scenario, context: ScenarioContext) -> list[_Plan]:
    moves = {m.workload: m for m in scenario.moves}
    plans = []
    for name, case in context.cases.items():
        move = moves.pop(name, None)
        target = split = None
        if move is not None:
            target = case.option(move.host, move.model)
            if target is None:
                raise InvalidInput(
                    f"{name} cannot move to {move.model} on {move.host}: it is not an eligible candidate for it "
                    "(see `exitplan alternatives`)"
                )
            if move.split is not None:
                split = case.option(move.split.host, move.split.model)
                if split is None:
                    raise InvalidInput(
                        f"{name}'s split target {move.split.model} on {move.split.host} is not a candidate"
                    )
        plans.append(_Plan(case, move, target, split))
    if moves:
        known = ", ".join(context.cases) or "none"
        raise InvalidInput(f"no workload {', '.join(map(repr, moves))} with usage; workloads: {known}")
    return plans


def forced_month(case: WorkloadCase, first: date) -> tuple[int, float] | None:
    """The month (1-based) the baseline starts paying the successor, and the share of that month it pays it:
    from the shutdown day on (the whole of month 1 when the model has retired already)."""
    retires = case.retirement.retires_on if case.retirement is not None else None
    if retires is None:
        return None
    month = (retires.year - first.year) * 12 + retires.month - first.month + 1
    if month < 1:
        return 1, 1.0
    days = calendar.monthrange(retires.year, retires.month)[1]
    return month, (days - retires.day + 1) / days


def project(
    scenario: Scenario, context: ScenarioContext, factors: Factors | None = None, months: int | None = None
) -> tuple[list[MonthRow], dict[str, tuple[float, float, float]], list[str]]:
    """Month rows over ``months`` (the scenario's horizon by default), each priced workload's (baseline,
    scenario, one-time) totals, and warnings (a workload without a price today is left out, and said so)."""
    factors = factors or Factors()
    months = months or scenario.horizon_months
    first = _month(date(context.last_day.year, context.last_day.month, 1), 1)
    assumptions = scenario.assumptions
    baseline = [0.0] * months
    planned = [0.0] * months
    one_time = [0.0] * months
    totals: dict[str, tuple[float, float, float]] = {}
    warnings: list[str] = []
    for plan in _plans(scenario, context):
        case, move = plan.case, plan.move
        if case.today_usd is None:
            warnings.append(f"{case.name} has no price today: it is left out of the money")
            continue
        growth = case.monthly_growth if assumptions.growth == "forecast" else float(assumptions.growth)
        growth += factors.growth.get(case.name, 0.0)
        forced = forced_month(case, first)
        successor = case.successor.monthly_cost_usd.base if case.successor is not None else None
        if forced is not None and forced[0] <= months and successor is None:
            warnings.append(
                f"{case.name}: {case.model} retires within the horizon and its successor has no price: the baseline "
                "keeps today's price"
            )
        abandoned = move is not None and move.workload in factors.abandoned
        w_base = w_plan = w_once = 0.0
        for m in range(1, months + 1):
            grown = (1.0 + growth) ** assumptions.growth_months(m)

            def priced(host: str, cost: float, m: int = m, grown: float = grown) -> float:
                yearly = 1.0 + assumptions.price_change(host) + factors.price_shift
                return cost * grown * math.pow(max(yearly, 0.0), m / 12.0)

            stay = priced(case.host, case.today_usd)
            if forced is not None and m >= forced[0] and case.successor is not None and successor is not None:
                # The shutdown's month pays the successor from the shutdown day, every later month in full.
                part = forced[1] if m == forced[0] else 1.0
                stay = (1.0 - part) * stay + part * priced(case.successor.host, successor)
            cost_now = stay
            if move is not None and plan.target is not None and not abandoned:
                share = _moved_share(move, m)
                target = (plan.target.monthly_cost_usd.base or 0.0) * factors.cost.get(case.name, 1.0)
                moved = priced(plan.target.host, target)
                if plan.split is not None and move.split is not None:
                    cheap = (plan.split.monthly_cost_usd.base or 0.0) * factors.cost.get(case.name, 1.0)
                    moved = (1 - move.split.share) * moved + move.split.share * priced(plan.split.host, cheap)
                cost_now = (1.0 - share) * stay + share * moved
                # Dual running: the old model keeps serving the moved traffic for a while.
                if move.start_month <= m < move.start_month + move.dual_running_months:
                    w_once += share * stay
                    one_time[m - 1] += share * stay
            baseline[m - 1] += stay
            planned[m - 1] += cost_now
            w_base += stay
            w_plan += cost_now
        if move is not None and move.start_month <= months:
            effort = move.engineering_days if move.engineering_days is not None else engineering_days(case)
            upfront = effort * assumptions.day_rate_usd + (
                move.evaluation_usd if move.evaluation_usd is not None else DEFAULT_EVALUATION_USD
            )
            upfront *= factors.one_time
            if case.workload.task_category == "embeddings" and plan.target is not None and not abandoned:
                upfront += reembedding_usd(case, plan.target)
            one_time[move.start_month - 1] += upfront
            w_once += upfront
        totals[case.name] = (w_base, w_plan, w_once)
    rows = [MonthRow(_month(first, i), baseline[i], planned[i], one_time[i]) for i in range(months)]
    return rows, totals, warnings


def reembedding_usd(case: WorkloadCase, target: Option) -> float:
    """Embedding the workload's corpus (every token it ever sent) again on the target, at the target's cost
    per token: its monthly cost over the monthly tokens it stands for."""
    cost = target.monthly_cost_usd.base
    if not cost or case.monthly_tokens <= 0:
        return 0.0
    return case.corpus_tokens * cost / case.monthly_tokens


def _forced_words(case: WorkloadCase, forced: tuple[int, float] | None, horizon: int) -> str | None:
    retires = case.retirement.retires_on if case.retirement is not None else None
    if forced is None or retires is None or forced[0] > horizon:
        return None
    successor = case.successor
    then = (
        f"{successor.model} ({usd(successor.monthly_cost_usd.base)} a month today)"
        if successor is not None
        else "its successor, unpriced"
    )
    return f"{case.name}: {case.model} retires {retires:%Y-%m-%d}, so the baseline moves to {then}"


def _risk(
    context: ScenarioContext, scenario: Scenario
) -> tuple[float | None, float | None, dict[str, tuple[float, float]]]:
    found = context.exposure
    if found is None:
        return None, None, {}
    weights = context.risk_weights
    after = found
    for move in scenario.moves:
        case = context.cases.get(move.workload)
        target = case.option(move.host, move.model) if case is not None else None
        if target is not None and move.share > 0:
            after = after.moved(move.workload, target, move.share)
    per_workload = {
        name: (score(found, weights, name).score, score(after, weights, name).score) for name in context.cases
    }
    return score(found, weights).score, score(after, weights).score, per_workload


def run(scenario: Scenario, context: ScenarioContext, *, uncertainty: bool = True, seed: int = 7) -> ScenarioResult:
    """The scenario's months, totals, and before/after; with ``uncertainty``, its P10–P90 range and tornado
    (:mod:`analysis.scenarios.uncertainty`, a fixed ``seed``)."""
    rows, totals, warnings = project(scenario, context)
    first = rows[0].month
    tco_rows, _, _ = project(scenario, context, months=TCO_MONTHS)
    risk_before, risk_after, by_workload = _risk(context, scenario)
    moves = {m.workload: m for m in scenario.moves}
    outcomes = []
    for name, case in context.cases.items():
        base, plan, once = totals.get(name, (None, None, None))
        move = moves.get(name)
        target = case.option(move.host, move.model) if move is not None else None
        forced = _forced_words(case, forced_month(case, first), scenario.horizon_months)
        risk = by_workload.get(name)
        outcomes.append(
            WorkloadOutcome(
                workload=name,
                moved_to=f"{target.model} on {target.host}" if target is not None and move is not None else None,
                share=move.share if move is not None else 0.0,
                baseline_usd=base,
                scenario_usd=plan,
                one_time_usd=once,
                forced=forced,
                quality_before=case.quality_today,
                quality_after=target.quality.summary() if target is not None else case.quality_today,
                latency_before_s=case.latency_today_s,
                latency_after_s=target.latency.p95_s if target is not None else case.latency_today_s,
                risk_before=risk[0] if risk else None,
                risk_after=risk[1] if risk else None,
                reason=move.reason if move is not None else scenario.stays.get(name),
            )
        )
    result = ScenarioResult(
        scenario, tuple(rows), tuple(tco_rows), tuple(outcomes), risk_before, risk_after, tuple(warnings)
    )
    if not uncertainty or not scenario.moves:
        return result
    from analysis.scenarios.uncertainty import ranges, tornado

    savings, monthly = ranges(scenario, context, seed=seed)
    return replace(result, savings_range=savings, monthly_savings_range=monthly, tornado=tornado(scenario, context))
