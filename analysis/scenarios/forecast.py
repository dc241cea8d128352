"""The baseline forecast: what each workload will spend, month by month, if nothing changes.

The method, in words
--------------------
Each workload's spend is taken day by day over the whole ledger, priced at the prices of each day. Its last
90 days (:data:`FIT_DAYS`) are described by a growth, a weekly pattern and a level:

* a **growth** per day, shown as growth per month (compounded over an average month, 30.44 days);
* **weekday factors**: what a Monday, …, a Sunday spends against an average day. They average 1, so a
  Sunday at 0.6 spends 60% of an average day;
* a **level**: what an average day spends on the ledger's last day.

The growth is fitted by least squares to the logarithm of each day's spend, with the weekday as a second
explanation: steady percentage growth is then a straight line, and quiet weekends do not bend it. The weekday
factors and the level come from the money itself: each weekday's factor is what was spent on that weekday
over the fitted days, divided by what the growth alone gives for those days, so the fit adds up to what was
actually spent on the days it fits. A day ahead is then level × (1 + growth) ^ days ahead × its weekday's
factor, and a month is the sum of its days: calendar months, from the month after the ledger's last day.

Ninety days because three months hold 13 of each weekday — enough to tell a Sunday from a Monday when any
one day is noisy — and enough growth to measure, while the fit still follows a change of course (a launch,
a migration) within a quarter: older usage says less about next year than last month does.

Awkward histories:

* **Young workloads.** With fewer than 90 days, the fit uses what there is and says so. Under 28 days
  (:data:`MIN_TREND_DAYS`, four of each weekday), or with spend on fewer than 28 of its days, there is no
  trend to speak of: the projection is flat at the daily mean of its days, and the note says why.
* **Odd days.** A day far off the pattern (more than twice or under half what the pattern expects, and well
  outside the workload's usual day-to-day swing: an outage, a one-off backfill), or a day with no spend at
  all, is left out of the fit and named in the note, as long as such days are rare: at most one in twenty of
  each kind. More than that is the pattern itself (a workload idle at weekends), and stays in.
* **Stopped workloads.** A workload without spend for its last 14 days (:data:`STOPPED_DAYS`), and for more
  than three times its longest pause before, has stopped — moved elsewhere, or switched off — and is
  projected at $0 rather than at the average of its busy and silent days.
* **Runaway growth.** Growth fitted above 25% a month (:data:`MAX_MONTHLY_GROWTH`, ×14.6 a year) is held at
  25% and said so: a ramp-up of a few weeks, compounded over three years, would be fiction.

How far to trust it: the **backtest** fits the same way on everything but the last 30 days
(:data:`BACKTEST_DAYS`), predicts those 30 days and compares them with what was spent: the mean absolute
percentage error of the 30 daily values (MAPE), and the error of their total, which is what a monthly budget
cares about. The company's forecast is the sum of its workloads' forecasts (each grows at its own rate), and
its backtest the sum of theirs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from analysis.assumptions import DAYS_PER_MONTH, WINDOW_DAYS
from analysis.money import usd
from analysis.spend import priced_usage
from analysis.workload_rules import Workload, assign_workloads
from db.errors import InvalidInput

__all__ = [
    "BACKTEST_DAYS",
    "COMPANY",
    "FIT_DAYS",
    "MAX_MONTHLY_GROWTH",
    "MIN_TREND_DAYS",
    "STOPPED_DAYS",
    "UNASSIGNED",
    "WEEKDAYS",
    "Backtest",
    "Fit",
    "Forecast",
    "backtest",
    "company_forecast",
    "daily_spend",
    "fit_spend",
    "forecast_spend",
]

# The days a trend is fitted on (the module docstring says why 90).
FIT_DAYS = 90
# Fewer days than this (four of each weekday), or fewer days with spend, and the projection is flat.
MIN_TREND_DAYS = 28
# The backtest holds out the window every estimate reads: a month of days, which a monthly budget is about.
BACKTEST_DAYS = WINDOW_DAYS
# A workload silent for this many days at the end, and for more than this many times its longest pause
# before, has stopped (moved elsewhere, or switched off).
STOPPED_DAYS = 14
STOPPED_PAUSES = 3
# Fitted growth above this, a month, is held here.
MAX_MONTHLY_GROWTH = 0.25
# A day is far off the pattern when it is more than this many times what the pattern expects (or under one
# over it), and further off than OUTLIER_SWINGS robust standard deviations of the workload's daily swing;
# at most one day in OUTLIER_SHARE is left out for it (and as many again for having no spend).
OUTLIER_RATIO = 2.0
OUTLIER_SWINGS = 5.0
OUTLIER_SHARE = 20
# A median absolute deviation times this is a standard deviation, for normally distributed swings.
_MAD_TO_SD = 1.4826
_MAX_HORIZON_MONTHS = 120

UNASSIGNED = "Unassigned"
COMPANY = "All workloads"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAILY_COLUMNS = ("day", "workload", "spend_usd", "requests", "tokens", "unpriced")


def daily_spend(engine: Engine, workloads: Sequence[Workload]) -> pd.DataFrame:
    """Each workload's spend by day over the whole ledger, priced at the prices of each day.

    One row per day and workload name: ``day`` (a UTC midnight timestamp), ``workload``, ``spend_usd``,
    ``requests``, ``tokens`` (input and output) and ``unpriced`` (part of the day's usage has no price and
    counts as $0). Usage goes to the first workload whose rules claim it, as everywhere else; what none claims
    goes to :data:`UNASSIGNED`. A day without usage between a workload's first and last day with usage is a
    row of zeros. Rows come in the workloads' order (Unassigned last), then by day; workloads that share a
    name are one. ``workloads`` may be proposals not saved yet.

    >>> from db import open_ledger
    >>> list(daily_spend(open_ledger("sqlite://"), []).columns)
    ['day', 'workload', 'spend_usd', 'requests', 'tokens', 'unpriced']
    """
    frame = priced_usage(engine, ["project", "feature", "api_key", "canonical_model"])
    if frame.empty:
        empty = {"day": pd.Series(dtype="datetime64[ns]"), "workload": pd.Series(dtype=object)}
        numbers = {"spend_usd": "float64", "requests": "int64", "tokens": "int64", "unpriced": "bool"}
        return pd.DataFrame({**empty, **{name: pd.Series(dtype=kind) for name, kind in numbers.items()}})
    ordered = sorted(workloads, key=lambda w: (w.position, w.id or 0))
    # Each workload claims under its place in the order, as in analysis.workloads.workload_costs: proposals
    # have no id yet.
    claimed = assign_workloads(frame, [replace(w, id=place) for place, w in enumerate(ordered)])
    names = [w.name for w in ordered]
    workload = [UNASSIGNED if place is None else names[int(place)] for place in claimed]
    parts = pd.DataFrame(
        {
            "day": pd.to_datetime(frame["day"]),
            "workload": pd.Categorical(workload, categories=list(dict.fromkeys([*names, UNASSIGNED]))),
            "spend_usd": frame["spend_usd"].fillna(0.0).astype("float64"),
            "requests": frame["requests"].fillna(0).astype("int64"),
            "tokens": (frame["input_tokens"].fillna(0) + frame["output_tokens"].fillna(0)).astype("int64"),
            "unpriced": (frame["unpriced"] & frame["spend_usd"].isna()).astype(bool),
        }
    )
    grouped = parts.groupby(["workload", "day"], observed=True)
    sums = grouped[["spend_usd", "requests", "tokens"]].sum()
    sums["unpriced"] = grouped["unpriced"].any()
    pieces = []
    for name, rows in sums.groupby(level="workload", observed=True):
        by_day = rows.droplevel("workload")
        days = pd.date_range(by_day.index.min(), by_day.index.max(), freq="D", name="day")
        filled = by_day[["spend_usd", "requests", "tokens"]].reindex(days, fill_value=0)
        filled["unpriced"] = by_day["unpriced"].reindex(days, fill_value=False)
        pieces.append(filled.assign(workload=str(name)))
    return pd.concat(pieces).reset_index()[list(_DAILY_COLUMNS)]


@dataclass(frozen=True)
class Fit:
    """A fitted daily spend: ``level`` × (1 + ``daily_growth``) ^ days after ``last_day`` × the weekday's
    factor (Monday first; they average 1). ``left_out`` holds the days the fit left out as far off the pattern
    or without spend; ``note`` says, in words, whatever a reader should know about the fit."""

    last_day: date
    level: float
    daily_growth: float
    weekday_factors: tuple[float, ...]
    fitted_days: int
    method: str
    note: str | None = None
    left_out: tuple[date, ...] = ()
    monthly_growth_error: float | None = None  # the fitted growth's standard error; None without a trend

    @property
    def monthly_growth(self) -> float:
        """The daily growth compounded over an average month."""
        return float((1.0 + self.daily_growth) ** DAYS_PER_MONTH - 1.0)

    def predict(self, days: pd.DatetimeIndex) -> pd.Series:
        """The fitted spend on each of ``days`` (USD), indexed by them."""
        ahead = np.asarray((days - pd.Timestamp(self.last_day)).days, dtype="float64")
        factors = np.asarray(self.weekday_factors)[np.asarray(days.day_of_week)]
        values = self.level * (1.0 + self.daily_growth) ** ahead * factors
        return pd.Series(values, index=days, name="spend_usd", dtype="float64")

    def monthly(self, horizon_months: int) -> pd.Series:
        """The fitted spend of each calendar month after ``last_day``'s, for ``horizon_months`` months,
        indexed by each month's first day."""
        return _by_month(self.predict(_days_ahead(self.last_day, horizon_months)))


def fit_spend(spend: pd.Series, last_day: date, *, days: int = FIT_DAYS) -> Fit:
    """Fit ``spend`` (USD, indexed by day) over its last ``days`` days up to ``last_day``, as the module
    docstring describes. A day missing between its first day and ``last_day`` spent nothing; days after
    ``last_day`` are not read.

    >>> days = pd.date_range("2026-01-01", "2026-03-31")
    >>> fit = fit_spend(pd.Series(100 * 1.002 ** np.arange(len(days)), index=days), date(2026, 3, 31))
    >>> fit.method
    'log-linear trend on the last 90 days × day-of-week factors, fitted to daily spend'
    >>> round(fit.daily_growth, 6), round(fit.monthly_growth, 4), round(fit.level, 2), fit.note
    (0.002, 0.0627, 119.46, None)
    """
    window = _daily(spend, last_day).iloc[-days:]
    n = len(window)
    values = window.to_numpy(dtype="float64")
    positive = values > 0
    if n == 0:
        return _flat(window, last_day, "No spend up to this day: nothing to project.")
    if (silent := _silence(values)) is not None:
        note = f"No spend in its last {silent} days, far longer than any pause before: taken as stopped."
        return Fit(last_day, 0.0, 0.0, (1.0,) * 7, n, f"stopped: no spend in the last {silent} days", note)
    if n < MIN_TREND_DAYS:
        return _flat(window, last_day, f"Only {n} days of history, fewer than {MIN_TREND_DAYS}: no trend fitted.")
    if positive.sum() < MIN_TREND_DAYS:
        note = f"Spend on only {positive.sum()} of the last {n} days, fewer than {MIN_TREND_DAYS}: no trend fitted."
        return _flat(window, last_day, note)

    index = pd.DatetimeIndex(window.index)
    ahead = np.asarray((index - pd.Timestamp(last_day)).days, dtype="float64")
    weekday = np.asarray(index.day_of_week)
    logs = np.log(np.where(positive, values, 1.0))
    rate, residuals, error = _log_trend(ahead[positive], weekday[positive], logs[positive])
    keep = np.ones(n, dtype=bool)
    notes = [] if n >= days else [f"Fitted on {n} days, fewer than {days}: its growth is less certain."]
    far = np.zeros(n, dtype=bool)
    far[positive] = _far_off(residuals)
    limit = n // OUTLIER_SHARE
    if 0 < far.sum() <= limit:
        keep &= ~far
        rate, _, error = _log_trend(ahead[keep & positive], weekday[keep & positive], logs[keep & positive])
        notes.append(f"Left out of the fit as far off the pattern: {_dates(index[far])}.")
    if 0 < (~positive).sum() <= limit:
        keep &= positive
        notes.append(f"Left out of the fit as days without spend: {_dates(index[~positive])}.")
    growth = math.expm1(rate)
    cap = (1.0 + MAX_MONTHLY_GROWTH) ** (1.0 / DAYS_PER_MONTH) - 1.0
    if growth > cap:
        fitted = (1.0 + growth) ** DAYS_PER_MONTH - 1.0
        notes.append(f"The fitted growth, {fitted:.0%} a month, is held at {MAX_MONTHLY_GROWTH:.0%}.")
        growth, rate = cap, math.log1p(cap)
    # Each weekday's spend over what the growth alone gives on those days: the fitted days then add up to
    # what was spent on them, zeros included.
    trend = np.exp(rate * ahead)
    spent_by_weekday = np.bincount(weekday[keep], weights=values[keep], minlength=7)
    trend_by_weekday = np.bincount(weekday[keep], weights=trend[keep], minlength=7)
    raw = spent_by_weekday / trend_by_weekday
    level = float(raw.mean())
    return Fit(
        last_day=last_day,
        level=level,
        daily_growth=growth,
        weekday_factors=tuple(float(f) for f in raw / level),
        fitted_days=n,
        method=f"log-linear trend on the last {n} days × day-of-week factors, fitted to daily spend",
        note=" ".join(notes) or None,
        left_out=tuple(day.date() for day in index[~keep]),
        # A month compounds DAYS_PER_MONTH days: to first order the monthly rate's error is that many times
        # the daily one.
        monthly_growth_error=error * DAYS_PER_MONTH,
    )


def _daily(spend: pd.Series, last_day: date) -> pd.Series:
    """``spend`` by day from its first day to ``last_day``, a missing day as 0, later days left out."""
    index = pd.DatetimeIndex(pd.to_datetime(spend.index)).normalize()
    values = pd.Series(spend.to_numpy(dtype="float64", na_value=0.0), index=index).groupby(level=0).sum()
    end = pd.Timestamp(last_day)
    values = values[values.index <= end]
    start = values.index.min() if len(values) else end + pd.Timedelta(days=1)
    return values.reindex(pd.date_range(start, end, freq="D", name="day"), fill_value=0.0)


def _silence(values: np.ndarray) -> int | None:
    """How many days the spend has been silent at the end of ``values``, when that is long enough to call the
    workload stopped: at least STOPPED_DAYS and more than STOPPED_PAUSES times its longest pause before."""
    spent = np.flatnonzero(values > 0)
    silent = len(values) - 1 - int(spent[-1]) if len(spent) else len(values)
    longest_pause = int(np.diff(spent).max()) - 1 if len(spent) > 1 else 0
    return silent if silent >= STOPPED_DAYS and silent > STOPPED_PAUSES * longest_pause else None


def _flat(window: pd.Series, last_day: date, note: str) -> Fit:
    n = len(window)
    mean = float(window.mean()) if n else 0.0
    method = f"flat at the daily mean of the last {n} days" if n else "no spend to project"
    note = f"{note} Projected flat at {usd(mean)} a day." if n else note
    return Fit(last_day, mean, 0.0, (1.0,) * 7, n, method, note)


def _log_trend(ahead: np.ndarray, weekday: np.ndarray, logs: np.ndarray) -> tuple[float, np.ndarray, float]:
    """The least-squares growth rate (log per day) of ``logs`` over ``ahead``, with a level per weekday, the
    residuals, and the rate's standard error (ordinary least squares: σ² (XᵀX)⁻¹)."""
    columns = [ahead, *((weekday == day).astype("float64") for day in np.unique(weekday))]
    design = np.column_stack(columns)
    coefficients = np.linalg.lstsq(design, logs, rcond=None)[0]
    residuals = logs - design @ coefficients
    freedom = len(logs) - design.shape[1]
    variance = float(residuals @ residuals) / freedom if freedom > 0 else math.inf
    spread = float(np.linalg.pinv(design.T @ design)[0, 0])
    return float(coefficients[0]), residuals, math.sqrt(variance * spread)


def _far_off(residuals: np.ndarray) -> np.ndarray:
    """Which days (log residuals) are far off the pattern: beyond OUTLIER_RATIO and OUTLIER_SWINGS swings."""
    swing = _MAD_TO_SD * float(np.median(np.abs(residuals - np.median(residuals))))
    return np.asarray(np.abs(residuals) > max(OUTLIER_SWINGS * swing, math.log(OUTLIER_RATIO)), dtype=bool)


def _dates(days: pd.DatetimeIndex) -> str:
    return ", ".join(day.date().isoformat() for day in days)


def _days_ahead(last_day: date, horizon_months: int) -> pd.DatetimeIndex:
    """Every day of the ``horizon_months`` calendar months after ``last_day``'s."""
    first = pd.Timestamp(last_day) + pd.offsets.MonthBegin(1)
    end = first + pd.DateOffset(months=horizon_months) - pd.Timedelta(days=1)
    return pd.date_range(first, end, freq="D", name="day")


def _by_month(daily: pd.Series) -> pd.Series:
    index = pd.DatetimeIndex(daily.index)
    months = index.to_period("M").to_timestamp()
    monthly = daily.groupby(months).sum()
    monthly.index = pd.DatetimeIndex(monthly.index, name="month")
    return monthly.rename("spend_usd")


@dataclass(frozen=True, eq=False)
class Backtest:
    """A forecast made ``BACKTEST_DAYS`` days ago against what was spent since: ``predicted`` and ``actual``
    spend on each held-out day (USD). ``fit`` is the fit the prediction came from, None for the company total
    (the sum of its workloads' backtests)."""

    fit: Fit | None
    predicted: pd.Series
    actual: pd.Series

    @property
    def mape(self) -> float | None:
        """The mean absolute percentage error over the held-out days with spend (0.05 = 5%); None without
        any."""
        spent = self.actual > 0
        if not spent.any():
            return None
        errors = (self.predicted[spent] - self.actual[spent]).abs() / self.actual[spent]
        return float(errors.mean())

    @property
    def total_error(self) -> float | None:
        """How far the predicted total of the held-out days is off the actual one (0.03 = 3% too high, -0.03
        too low); None when nothing was spent."""
        actual = float(self.actual.sum())
        return None if actual <= 0 else float(self.predicted.sum()) / actual - 1.0


def backtest(spend: pd.Series, last_day: date, *, holdout_days: int = BACKTEST_DAYS) -> Backtest:
    """Fit ``spend`` (USD by day, as :func:`fit_spend` reads it) on everything but the ``holdout_days`` that
    end on ``last_day``, and predict those days. A workload with no spend before them is predicted at $0.

    >>> days = pd.date_range("2026-01-01", "2026-04-30")
    >>> spend = pd.Series(100.0, index=days)
    >>> spend["2026-04-01":] = 110.0
    >>> test = backtest(spend, date(2026, 4, 30))
    >>> test.fit.last_day, len(test.predicted), f"{test.mape:.2%}", f"{test.total_error:.2%}"
    (datetime.date(2026, 3, 31), 30, '9.09%', '-9.09%')
    """
    cut = last_day - timedelta(days=holdout_days)
    fit = fit_spend(spend, cut)
    held = pd.date_range(cut + timedelta(days=1), last_day, freq="D", name="day")
    actual = _daily(spend, last_day).reindex(held, fill_value=0.0)
    return Backtest(fit, fit.predict(held), actual)


@dataclass(frozen=True, eq=False)
class Forecast:
    """A workload's (or the company's) projected spend: ``monthly`` holds each month's total (USD), indexed by
    the month's first day. ``daily_level`` is what an average day spends on the ledger's last day, growing by
    ``monthly_growth`` a month; ``weekday_factors`` (Monday first) average 1. ``method`` and ``note`` are
    sentences a page shows as they are."""

    workload: str
    method: str
    monthly_growth: float
    weekday_factors: tuple[float, ...]
    daily_level: float
    monthly: pd.Series
    backtest: Backtest
    fitted_days: int
    note: str | None
    monthly_growth_error: float | None = None  # the growth's standard error; None when no trend was fitted

    @property
    def backtest_mape(self) -> float | None:
        """The backtest's mean absolute percentage error over the held-out days."""
        return self.backtest.mape

    @property
    def backtest_total_error(self) -> float | None:
        """The backtest's error on the held-out days' total."""
        return self.backtest.total_error


def forecast_spend(daily: pd.DataFrame, horizon_months: int, last_day: date) -> dict[str, Forecast]:
    """Each workload's forecast over the ``horizon_months`` calendar months after ``last_day``'s (the ledger's
    last day), from ``daily`` as :func:`daily_spend` returns it, in its order. A workload whose last day with
    spend is before ``last_day`` spent nothing since.

    Raises :class:`InvalidInput` when the horizon is not 1 to 120 months.

    >>> days = pd.date_range("2026-07-03", "2026-09-30")
    >>> daily = pd.DataFrame({"day": days, "workload": "Support bot", "spend_usd": 100.0})
    >>> forecast = forecast_spend(daily, 12, date(2026, 9, 30))["Support bot"]
    >>> forecast.monthly.iloc[:2].round(2).to_dict(), f"{forecast.backtest_mape:.1%}"
    ({Timestamp('2026-10-01 00:00:00'): 3100.0, Timestamp('2026-11-01 00:00:00'): 3000.0}, '0.0%')
    """
    if not 1 <= horizon_months <= _MAX_HORIZON_MONTHS:
        raise InvalidInput(f"A forecast looks 1 to {_MAX_HORIZON_MONTHS} months ahead, not {horizon_months}.")
    frame = daily.reset_index(drop=True)
    days = pd.DatetimeIndex(pd.to_datetime(frame["day"]))
    if len(days) and days.max() > pd.Timestamp(last_day):
        raise ValueError(f"the daily spend runs past {last_day}, the day the forecast starts after")
    forecasts: dict[str, Forecast] = {}
    for name, rows in frame.groupby("workload", sort=False):
        on = days[rows.index.to_numpy()]
        spend = pd.Series(rows["spend_usd"].to_numpy(dtype="float64", na_value=0.0), index=on)
        fit = fit_spend(spend, last_day)
        notes = [fit.note] if fit.note else []
        fitted = on > pd.Timestamp(last_day) - pd.Timedelta(days=fit.fitted_days)
        if "unpriced" in rows and bool(rows["unpriced"].to_numpy(dtype=bool)[fitted].any()):
            notes.append("Part of its usage has no price and counts as $0.")
        forecasts[str(name)] = Forecast(
            workload=str(name),
            method=fit.method,
            monthly_growth=fit.monthly_growth,
            weekday_factors=fit.weekday_factors,
            daily_level=fit.level,
            monthly=fit.monthly(horizon_months),
            backtest=backtest(spend, last_day),
            fitted_days=fit.fitted_days,
            note=" ".join(notes) or None,
            monthly_growth_error=fit.monthly_growth_error,
        )
    return forecasts


def company_forecast(forecasts: Mapping[str, Forecast]) -> Forecast:
    """The company's forecast: the sum of its workloads' (from :func:`forecast_spend`), month by month and in
    the backtest. Its growth is the next month's; it rises over time as the fastest-growing workloads take a
    larger share. Raises :class:`InvalidInput` when there is nothing to add up.

    >>> days = pd.date_range("2026-07-03", "2026-09-30")
    >>> daily = pd.DataFrame({"day": days.append(days), "workload": ["A"] * 90 + ["B"] * 90, "spend_usd": 50.0})
    >>> total = company_forecast(forecast_spend(daily, 12, date(2026, 9, 30)))
    >>> total.workload, round(float(total.monthly.iloc[0]), 2), round(total.daily_level, 2)
    ('All workloads', 3100.0, 100.0)
    """
    parts = list(forecasts.values())
    if not parts:
        raise InvalidInput("There is no spend to forecast: import usage first.")
    if any(not p.monthly.index.equals(parts[0].monthly.index) for p in parts):
        raise ValueError("the forecasts cover different months")
    level = sum(p.daily_level for p in parts)
    if level > 0:
        factors = tuple(sum(p.daily_level * p.weekday_factors[d] for p in parts) / level for d in range(7))
        growth = sum(p.daily_level * (1.0 + p.monthly_growth) for p in parts) / level - 1.0
    else:
        factors, growth = (1.0,) * 7, 0.0
    predicted = sum((p.backtest.predicted for p in parts[1:]), parts[0].backtest.predicted)
    actual = sum((p.backtest.actual for p in parts[1:]), parts[0].backtest.actual)
    monthly = sum((p.monthly for p in parts[1:]), parts[0].monthly)
    return Forecast(
        workload=COMPANY,
        method="the sum of the workloads' forecasts",
        monthly_growth=growth,
        weekday_factors=factors,
        daily_level=level,
        monthly=monthly,
        backtest=Backtest(None, predicted, actual),
        fitted_days=max(p.fitted_days for p in parts),
        note=f"Each of its {len(parts)} workloads grows at its own rate; the growth shown is the next month's.",
    )
