"""The dependency-risk report of a ledger, and what the Risk page draws beside it: the workloads × factors heat
map, the retirement timeline of the models in use, and concentration over time. One function serves the page,
``exitplan risk`` and the exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from analysis.evaluations import list_evaluations
from analysis.latency_measurements import list_measurements
from analysis.risk.exposure import Exposure, exposure
from analysis.risk.factors import hhi, models_by_spend
from analysis.risk.incidents import incident_summary
from analysis.risk.score import RiskReport, risk_report
from analysis.spend import priced_usage
from analysis.workloads import list_workloads
from db.incidents import list_incidents
from db.risk_weights import load_risk_weights
from pricing.book import PriceBook

__all__ = ["CompanyRisk", "company_risk", "concentration_over_time", "heat_map", "retirement_timeline"]


@dataclass(frozen=True)
class CompanyRisk:
    """The report and the exposure it was computed from."""

    report: RiskReport
    exposure: Exposure


def company_risk(engine: Engine, *, book: PriceBook, today: date) -> CompanyRisk | None:
    """The ledger's risk report under the stored weights (None on a ledger without usage or workloads)."""
    workloads = list_workloads(engine)
    if not workloads:
        return None
    found = exposure(
        engine,
        workloads,
        book=book,
        today=today,
        incidents=incident_summary(list_incidents(engine), today),
        evaluations=list_evaluations(engine),
        latency_measurements=list_measurements(engine),
    )
    if found is None:
        return None
    return CompanyRisk(risk_report(found, load_risk_weights(engine)), found)


def heat_map(report: RiskReport) -> pd.DataFrame:
    """Workloads (rows, largest spend first) × factors (columns, by label): each factor's risk, 0 to 1."""
    rows = {name: {s.factor.label: s.factor.risk for s in scored.factors} for name, scored in report.workloads}
    return pd.DataFrame.from_dict(rows, orient="index")


def retirement_timeline(found: Exposure) -> pd.DataFrame:
    """The models in use with a shutdown date at their host, soonest first: host, model, retires_on,
    days_left, successor and the monthly spend on it."""
    rows = []
    for provider, model, monthly in models_by_spend(found.spend):
        gone = found.retirements.get((provider, model))
        if gone is None or gone.retires_on is None:
            continue
        rows.append(
            {
                "host": provider,
                "model": model,
                "retires_on": gone.retires_on,
                "days_left": gone.days_left(found.today),
                "successor": gone.successor or "—",
                "monthly_usd": monthly,
            }
        )
    columns = ["host", "model", "retires_on", "days_left", "successor", "monthly_usd"]
    return pd.DataFrame(rows, columns=columns).sort_values("retires_on", kind="stable").reset_index(drop=True)


def concentration_over_time(engine: Engine) -> pd.DataFrame:
    """Each month of the ledger: each provider's share of spend, and the month's HHI over providers."""
    priced = priced_usage(engine, ["provider"])
    if priced.empty:
        return pd.DataFrame(columns=["month", "provider", "share", "hhi"])
    priced["month"] = pd.to_datetime(priced["day"]).dt.to_period("M").dt.to_timestamp()
    sums = priced.groupby(["month", "provider"])["spend_usd"].sum().reset_index()
    totals = sums.groupby("month")["spend_usd"].transform("sum")
    sums["share"] = (sums["spend_usd"] / totals.where(totals > 0)).fillna(0.0)
    index = sums.groupby("month")["share"].apply(hhi).rename("hhi")
    return sums.merge(index, on="month")[["month", "provider", "share", "hhi"]]
