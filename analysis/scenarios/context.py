"""What a scenario is run against, gathered once from the ledger: each workload's cost today, its retirement
and successor, every eligible candidate it could move to (from its alternatives), its growth (from the
forecast), the corpus an embedding move would embed again, and the company's risk exposure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from analysis.alternatives import Alternatives, Option, alternatives
from analysis.evaluations import list_evaluations
from analysis.latency_measurements import list_measurements
from analysis.retirement import Retirement
from analysis.risk.exposure import Exposure, exposure
from analysis.risk.incidents import incident_summary
from analysis.scenarios.forecast import Forecast, daily_spend, forecast_spend
from analysis.workload_proposals import last_days
from analysis.workloads import Workload, list_workloads, workload_usage
from db.incidents import list_incidents
from db.risk_weights import load_risk_weights
from pricing.book import PriceBook

__all__ = ["ScenarioContext", "WorkloadCase", "scenario_context"]

# Far enough back to hold every day of the ledger: the corpus an embedding model has embedded so far.
_ALL_DAYS = 100_000


@dataclass(frozen=True)
class WorkloadCase:
    """A workload's starting point: today's model and cost, what retirement forces, and where it could go."""

    workload: Workload
    host: str
    model: str
    today_usd: float | None
    retirement: Retirement | None
    options: Mapping[tuple[str, str], Option]
    top: Option | None
    successor: Option | None
    monthly_growth: float
    growth_error: float | None  # the forecast's standard error of the growth; None when no trend was fitted
    monthly_tokens: float  # input and output tokens in an average month of the window
    corpus_tokens: float  # every input token the workload ever sent (an embedding workload's corpus)
    quality_today: str
    latency_today_s: float | None

    @property
    def name(self) -> str:
        return self.workload.name

    def option(self, host: str, model: str) -> Option | None:
        return self.options.get((host, model))


@dataclass(frozen=True)
class ScenarioContext:
    today: date
    last_day: date  # the ledger's last day with usage: month 1 is the month after it
    cases: Mapping[str, WorkloadCase]
    forecasts: Mapping[str, Forecast] = field(default_factory=dict)
    exposure: Exposure | None = None
    risk_weights: Mapping[str, float] = field(default_factory=dict)

    def case(self, workload: str) -> WorkloadCase:
        from db.errors import NotFound

        if workload not in self.cases:
            raise NotFound(f"no workload {workload!r} with usage; workloads: {', '.join(self.cases) or 'none'}")
        return self.cases[workload]


def _case(result: Alternatives, forecast: Forecast | None, corpus: float) -> WorkloadCase | None:
    profile = result.profile
    today = result.incumbent
    if today is None:
        return None
    options = {(c.host, c.model): c for c in result.candidates}
    return WorkloadCase(
        workload=result.workload,
        host=today.host,
        model=today.model,
        today_usd=today.monthly_cost_usd.base,
        retirement=result.retirement,
        options=options,
        top=result.top,
        successor=next((c for c in result.candidates if c.successor), None),
        monthly_growth=forecast.monthly_growth if forecast is not None else 0.0,
        growth_error=forecast.monthly_growth_error if forecast is not None else None,
        monthly_tokens=(profile.input_tokens + profile.output_tokens) * profile.monthly_factor,
        corpus_tokens=corpus,
        quality_today=today.quality.summary(),
        latency_today_s=today.latency.p95_s,
    )


def scenario_context(
    engine: Engine, *, book: PriceBook, today: date, workloads: Sequence[Workload] | None = None
) -> ScenarioContext | None:
    """The context of the ledger's saved workloads (None without usage or workloads)."""
    workloads = list(workloads) if workloads is not None else list_workloads(engine)
    window = last_days(engine, 1)
    if not workloads or window is None:
        return None
    last_day = window[1]
    forecasts = forecast_spend(daily_spend(engine, workloads), 36, last_day)
    evaluations, measurements = list_evaluations(engine), list_measurements(engine)
    cases, results = {}, {}
    for workload in workloads:
        result = alternatives(
            engine,
            workload,
            workloads,
            book=book,
            today=today,
            evaluations=evaluations,
            latency_measurements=measurements,
        )
        results[workload.name] = result
        usage = workload_usage(engine, workload, workloads, days=_ALL_DAYS, latency_bins=False)
        case = _case(result, forecasts.get(workload.name), float(usage["input_tokens"].sum()))
        if case is not None:
            cases[workload.name] = case
    risk = exposure(
        engine,
        workloads,
        book=book,
        today=today,
        incidents=incident_summary(list_incidents(engine), today),
        evaluations=evaluations,
        latency_measurements=measurements,
        found=results,
    )
    return ScenarioContext(today, last_day, cases, forecasts, risk, load_risk_weights(engine))
