"""How far to trust the baseline: each workload's forecast — its method, growth and the growth's standard
error — and its backtest (the last 30 days held out and predicted from the days before), as a table, a
sentence and JSON, for the Scenarios page, ``exitplan scenario`` and the reports."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.scenarios.forecast import BACKTEST_DAYS, FIT_DAYS, Forecast, company_forecast

__all__ = ["METHOD", "forecast_as_dict", "forecast_frame", "forecast_words"]

METHOD = (
    f"each workload's daily spend fitted with a log-linear trend × day-of-week factors on its last {FIT_DAYS} days "
    "(a short history is projected flat; each workload's own method says which)"
)


def forecast_frame(forecasts: Mapping[str, Forecast]) -> pd.DataFrame:
    """One row per workload (Unassigned usage included): growth a month and its standard error, the days
    fitted, the backtest's daily MAPE and its error on the held-out total, the method and any note."""
    rows = [
        {
            "workload": f.workload,
            "monthly_growth": f.monthly_growth,
            "growth_error": f.monthly_growth_error,
            "fitted_days": f.fitted_days,
            "backtest_mape": f.backtest_mape,
            "backtest_total_error": f.backtest_total_error,
            "method": f.method,
            "note": f.note,
        }
        for f in forecasts.values()
    ]
    columns = ["workload", "monthly_growth", "growth_error", "fitted_days", "backtest_mape", "backtest_total_error"]
    return pd.DataFrame(rows, columns=[*columns, "method", "note"])


def forecast_words(forecasts: Mapping[str, Forecast]) -> str:
    """The company's backtest in a sentence, or why there is none.

    >>> forecast_words({})
    'No forecast: there is no spend to project.'
    """
    if not forecasts:
        return "No forecast: there is no spend to project."
    total = company_forecast(forecasts)
    if total.backtest_total_error is None or total.backtest_mape is None:
        return (
            f"Too little history to hold out {BACKTEST_DAYS} days and check the forecast: treat the baseline as a "
            "rough projection."
        )
    return (
        f"Checked on the last {BACKTEST_DAYS} days, held out and predicted from the days before: the company's "
        f"total came within {abs(total.backtest_total_error):.1%} ({total.backtest_total_error:+.1%}), and a "
        f"day's spend within {total.backtest_mape:.1%} on average (MAPE)."
    )


def forecast_as_dict(forecasts: Mapping[str, Forecast]) -> dict[str, object]:
    """The forecast as the JSON of ``exitplan scenario`` carries it."""
    total = company_forecast(forecasts) if forecasts else None

    def rounded(value: float | None, digits: int = 4) -> float | None:
        return None if value is None else round(value, digits)

    return {
        "method": METHOD,
        "backtest_days": BACKTEST_DAYS,
        "backtest_mape": rounded(total.backtest_mape) if total else None,
        "backtest_total_error": rounded(total.backtest_total_error) if total else None,
        "workloads": [
            {
                "workload": f.workload,
                "monthly_growth": rounded(f.monthly_growth),
                "growth_error": rounded(f.monthly_growth_error),
                "fitted_days": f.fitted_days,
                "backtest_mape": rounded(f.backtest_mape),
                "backtest_total_error": rounded(f.backtest_total_error),
                "method": f.method,
                "note": f.note,
            }
            for f in forecasts.values()
        ],
    }
