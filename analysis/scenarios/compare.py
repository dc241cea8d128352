"""Kept scenarios side by side: one column per scenario, one row per figure a decision weighs — each row's
money in one precision, so the columns read against each other — and their cumulative savings month by
month, for one chart."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.money import usd_range, usd_together
from analysis.scenarios.business_case import payback_words, percent
from analysis.scenarios.engine import ScenarioResult

__all__ = ["MAX_COMPARED", "comparison", "cumulative"]

MAX_COMPARED = 4


def _risk(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def comparison(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """Figures as rows, scenarios as columns (in the order given), every cell text.

    The horizon and the discount rate are rows too: an NPV over 12 months and one over 36 are not alike."""
    columns = [r.scenario.name for r in results]

    def spread(result: ScenarioResult) -> str:
        found = result.monthly_savings_range
        return usd_range(found[0], found[2]) if found is not None else "—"

    rows = {
        "Horizon": [f"{r.scenario.horizon_months} months" for r in results],
        "Saves a month once done": usd_together([r.monthly_savings_usd for r in results]),
        "P10–P90 a month": [spread(r) for r in results],
        "Net savings over the horizon": usd_together([r.total_savings_usd for r in results]),
        "One-time cost": usd_together([r.one_time_cost_usd for r in results]),
        "Payback": [payback_words(r.payback_months) for r in results],
        "NPV": usd_together([r.npv_usd for r in results]),
        "Discount rate": [f"{percent(r.scenario.assumptions.discount_rate)} a year" for r in results],
        "3-year TCO": usd_together([r.tco_3y_scenario_usd for r in results]),
        "3-year TCO staying": usd_together([r.tco_3y_baseline_usd for r in results]),
        "Dependency risk after": [_risk(r.risk_after) for r in results],
        "Moves": [str(len(r.scenario.moves)) for r in results],
    }
    return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def cumulative(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """Each scenario's cumulative net savings by month: scenario, month, cumulative_usd."""
    parts = [
        r.monthly[["month", "cumulative_usd"]].assign(scenario=r.scenario.name)[["scenario", "month", "cumulative_usd"]]
        for r in results
    ]
    if not parts:
        return pd.DataFrame(columns=["scenario", "month", "cumulative_usd"])
    return pd.concat(parts, ignore_index=True)
