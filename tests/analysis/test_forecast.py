"""The baseline forecast: a known trend and weekly pattern recovered exactly and summed in closed form,
awkward histories (short, sparse, stopped, zeros, an odd day, runaway growth), a backtest that reads only
the held-out days, daily spend read from a ledger by workload, and the demo company within the issue's 10%."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.assumptions import DAYS_PER_MONTH
from analysis.scenarios import forecast as forecast_module
from analysis.scenarios.forecast import (
    BACKTEST_DAYS,
    COMPANY,
    FIT_DAYS,
    MAX_MONTHLY_GROWTH,
    UNASSIGNED,
    backtest,
    company_forecast,
    daily_spend,
    fit_spend,
    forecast_spend,
)
from analysis.workload_rules import Rule, Workload
from analysis.workloads import propose_workloads, replace_with_proposals, save_workload
from collectors import ingest, source_from_bytes
from collectors.demo import load_demo
from db.errors import InvalidInput

LAST = date(2026, 3, 31)  # a Tuesday
GROWTH = 0.002
# Monday first; they average 1, as the fit reports them.
FACTORS = (1.10, 1.20, 1.15, 1.10, 1.05, 0.70, 0.70)


def _days(n: int, last: date = LAST) -> pd.DatetimeIndex:
    return pd.date_range(last - timedelta(days=n - 1), last, freq="D")


def _synthetic(n: int, last: date = LAST) -> pd.Series:
    """100 × 1.002^t × the weekday's factor, t counted from the first day."""
    days = _days(n, last)
    weekday = np.asarray(days.day_of_week)
    return pd.Series(100.0 * (1 + GROWTH) ** np.arange(n) * np.asarray(FACTORS)[weekday], index=days)


def _closed_form_month(first_day: pd.Timestamp, month: pd.Timestamp) -> float:
    """The synthetic series' total over ``month``: for each weekday, a geometric series of its days
    (t0, t0 + 7, …): 100 × w × r^t0 × (1 − r^(7k)) / (1 − r^7)."""
    r = 1 + GROWTH
    days_in_month = month.days_in_month
    total = 0.0
    for offset in range(7):
        first = month + pd.Timedelta(days=offset)
        count = len(range(offset, days_in_month, 7))
        t0 = (first - first_day).days
        total += 100.0 * FACTORS[first.day_of_week] * r**t0 * (1 - r ** (7 * count)) / (1 - r**7)
    return total


def test_public_surface() -> None:
    assert sorted(forecast_module.__all__) == [
        "BACKTEST_DAYS",
        "Backtest",
        "COMPANY",
        "FIT_DAYS",
        "Fit",
        "Forecast",
        "MAX_MONTHLY_GROWTH",
        "MIN_TREND_DAYS",
        "STOPPED_DAYS",
        "UNASSIGNED",
        "WEEKDAYS",
        "backtest",
        "company_forecast",
        "daily_spend",
        "fit_spend",
        "forecast_spend",
    ]
    for name in forecast_module.__all__:
        assert hasattr(forecast_module, name)


# --- the fit -----------------------------------------------------------------------------------------------


def test_a_known_trend_and_weekly_pattern_are_recovered_and_summed_in_closed_form() -> None:
    spend = _synthetic(120)
    fit = fit_spend(spend, LAST)

    assert fit.fitted_days == FIT_DAYS
    assert fit.method == "log-linear trend on the last 90 days × day-of-week factors, fitted to daily spend"
    assert fit.note is None and fit.left_out == ()
    assert fit.daily_growth == pytest.approx(GROWTH, rel=1e-6)
    assert fit.monthly_growth == pytest.approx(1.002**DAYS_PER_MONTH - 1, rel=1e-6)
    assert fit.weekday_factors == pytest.approx(FACTORS, abs=1e-6)
    # The level is an average day's spend on the last day: 100 × r^119 (the factors average 1).
    assert fit.level == pytest.approx(100 * 1.002**119, rel=1e-9)

    monthly = fit.monthly(14)
    months = pd.date_range("2026-04-01", periods=14, freq="MS", name="month")
    assert monthly.index.equals(months)
    expected = [_closed_form_month(spend.index[0], month) for month in months]
    assert monthly.to_list() == pytest.approx(expected, rel=1e-9)


def test_the_projection_starts_the_month_after_the_last_day_even_mid_month() -> None:
    fit = fit_spend(_synthetic(120, date(2026, 3, 15)), date(2026, 3, 15))
    assert fit.monthly(12).index[0] == pd.Timestamp("2026-04-01")
    assert fit.monthly(12).index[-1] == pd.Timestamp("2027-03-01")


def test_a_flat_series_projects_flat() -> None:
    fit = fit_spend(pd.Series(250.0, index=_days(200)), LAST)
    assert fit.daily_growth == pytest.approx(0.0, abs=1e-12)
    assert fit.weekday_factors == pytest.approx((1.0,) * 7)
    monthly = fit.monthly(24)
    assert monthly.to_list() == pytest.approx([250.0 * m.days_in_month for m in monthly.index])


def test_a_short_history_is_projected_flat_at_its_daily_mean_and_says_so() -> None:
    spend = pd.Series([10.0, 30.0] * 10, index=_days(20))
    fit = fit_spend(spend, LAST)
    assert fit.method == "flat at the daily mean of the last 20 days"
    assert fit.note == "Only 20 days of history, fewer than 28: no trend fitted. Projected flat at $20.00 a day."
    assert (fit.daily_growth, fit.weekday_factors, fit.fitted_days) == (0.0, (1.0,) * 7, 20)
    assert fit.monthly(12).iloc[0] == pytest.approx(20.0 * 30)  # April


def test_a_history_shorter_than_the_window_is_fitted_on_what_there_is() -> None:
    fit = fit_spend(_synthetic(45), LAST)
    assert fit.fitted_days == 45
    assert fit.method.startswith("log-linear trend on the last 45 days")
    assert fit.note == "Fitted on 45 days, fewer than 90: its growth is less certain."
    assert fit.daily_growth == pytest.approx(GROWTH, rel=1e-6)


def test_missing_days_are_zeros_and_a_few_are_left_out_of_the_fit() -> None:
    spend = _synthetic(120)
    gaps = spend.drop([pd.Timestamp("2026-02-10"), pd.Timestamp("2026-03-03")])
    fit = fit_spend(gaps, LAST)
    assert fit.left_out == (date(2026, 2, 10), date(2026, 3, 3))
    assert fit.note == "Left out of the fit as days without spend: 2026-02-10, 2026-03-03."
    # Left out, they do not pull the pattern down: it is the one without them.
    assert fit.daily_growth == pytest.approx(GROWTH, rel=1e-6)
    assert fit.weekday_factors == pytest.approx(FACTORS, abs=1e-6)


def test_a_workload_idle_at_weekends_has_weekend_factors_of_zero() -> None:
    spend = _synthetic(120)
    spend[spend.index.day_of_week >= 5] = 0.0
    fit = fit_spend(spend, LAST)
    assert fit.left_out == () and fit.note is None
    assert fit.daily_growth == pytest.approx(GROWTH, rel=1e-6)
    assert fit.weekday_factors[5:] == (0.0, 0.0)
    weekdays = np.array(FACTORS[:5]) / np.mean((*FACTORS[:5], 0.0, 0.0))
    assert fit.weekday_factors[:5] == pytest.approx(tuple(weekdays), abs=1e-9)
    assert np.isfinite(fit.monthly(36)).all()


def test_sparse_spend_is_projected_flat() -> None:
    spend = pd.Series(0.0, index=_days(120))
    spend.iloc[::7] = 70.0  # one day a week: 12 of the last 90 days
    fit = fit_spend(spend, LAST)
    assert fit.method == "flat at the daily mean of the last 90 days"
    assert fit.note is not None and fit.note.startswith("Spend on only 13 of the last 90 days, fewer than 28")
    assert fit.level == pytest.approx(13 * 70.0 / 90)


def test_a_workload_silent_for_two_weeks_has_stopped() -> None:
    spend = _synthetic(120)
    spend.iloc[-20:] = 0.0
    fit = fit_spend(spend, LAST)
    assert fit.method == "stopped: no spend in the last 20 days"
    assert fit.monthly(12).sum() == 0.0
    # A pause no longer than before is not a stop: a weekly job with a week between runs spends on.
    weekly = pd.Series(0.0, index=_days(120))
    weekly.iloc[::8] = 50.0
    weekly.iloc[-14:] = 0.0
    assert fit_spend(weekly, LAST).method.startswith("flat")


def test_an_outlier_day_is_left_out_and_named() -> None:
    spend = pd.Series(100.0, index=_days(120))
    spend[pd.Timestamp("2026-03-10")] = 5_000.0
    spend[pd.Timestamp("2026-02-14")] = 3.0
    fit = fit_spend(spend, LAST)
    assert fit.left_out == (date(2026, 2, 14), date(2026, 3, 10))
    assert fit.note == "Left out of the fit as far off the pattern: 2026-02-14, 2026-03-10."
    assert fit.daily_growth == pytest.approx(0.0, abs=1e-12)
    assert fit.monthly(36).to_list() == pytest.approx([100.0 * m.days_in_month for m in fit.monthly(36).index])


def test_odd_days_that_are_common_are_the_pattern_and_stay_in() -> None:
    # Every other day at double: far off a smooth pattern, but half the days are not an accident.
    spend = pd.Series([100.0, 200.0] * 60, index=_days(120))
    fit = fit_spend(spend, LAST)
    assert fit.left_out == ()
    assert fit.monthly(1).iloc[0] == pytest.approx(150.0 * 30, rel=0.05)


def test_runaway_growth_is_held_at_the_cap() -> None:
    days = _days(40)
    fit = fit_spend(pd.Series(10.0 * 1.05 ** np.arange(40), index=days), LAST)
    assert fit.monthly_growth == pytest.approx(MAX_MONTHLY_GROWTH)
    assert fit.note is not None and "The fitted growth, 342% a month, is held at 25%." in fit.note
    # What the fitted days spent is kept: the level is set from them.
    assert fit.predict(days).sum() == pytest.approx(sum(10.0 * 1.05**t for t in range(40)))


def test_days_after_the_last_day_are_not_read() -> None:
    spend = _synthetic(120)
    later = pd.concat([spend, pd.Series(1e6, index=pd.date_range("2026-04-01", periods=10))])
    assert fit_spend(later, LAST) == fit_spend(spend, LAST)


# --- the backtest ------------------------------------------------------------------------------------------


def test_the_backtest_errors_by_hand() -> None:
    spend = pd.Series(100.0, index=_days(150))
    spend.iloc[-30:] = [80.0, 125.0] * 15
    spend.iloc[-3] = 0.0  # a day without spend has no percentage error
    test = backtest(spend, LAST)
    assert test.predicted.index.equals(pd.date_range("2026-03-02", LAST, name="day"))
    assert test.predicted.to_list() == pytest.approx([100.0] * 30)
    # 15 days at 80 (25% off), 14 at 125 (20% off): 2,950 spent against 3,000 predicted.
    assert test.mape == pytest.approx((15 * 0.25 + 14 * 0.20) / 29)
    assert test.total_error == pytest.approx(3000 / 2950 - 1)


def test_the_backtest_fits_on_days_before_the_held_out_ones_only() -> None:
    spend = _synthetic(150) * np.exp(np.random.default_rng(7).normal(0, 0.05, 150))
    test = backtest(spend, LAST)
    assert test.fit is not None and test.fit.last_day == LAST - timedelta(days=BACKTEST_DAYS)

    held_out_changed = spend.copy()
    held_out_changed.iloc[-10:] *= 1.5
    other = backtest(held_out_changed, LAST)
    assert other.fit == test.fit
    assert other.predicted.equals(test.predicted)
    assert other.mape != test.mape and other.total_error != test.total_error

    fitted_changed = spend.copy()
    fitted_changed.iloc[-40] *= 1.3
    assert backtest(fitted_changed, LAST).fit != test.fit


def test_a_workload_younger_than_the_held_out_days_was_predicted_at_nothing() -> None:
    test = backtest(pd.Series(100.0, index=_days(20)), LAST)
    assert test.predicted.sum() == 0.0
    assert (test.mape, test.total_error) == (1.0, -1.0)


# --- forecasts of workloads and the company --------------------------------------------------------------


def _daily(spends: dict[str, pd.Series]) -> pd.DataFrame:
    frames = [pd.DataFrame({"day": s.index, "workload": name, "spend_usd": s.to_numpy()}) for name, s in spends.items()]
    return pd.concat(frames, ignore_index=True)


def test_forecasts_by_workload_and_for_the_company() -> None:
    flat = pd.Series(100.0, index=_days(120))
    daily = _daily({"Support bot": _synthetic(150), "RAG search": flat})
    forecasts = forecast_spend(daily, 24, LAST)

    assert list(forecasts) == ["Support bot", "RAG search"]
    bot = forecasts["Support bot"]
    assert bot.workload == "Support bot" and bot.fitted_days == 90 and bot.note is None
    assert bot.monthly_growth == pytest.approx(1.002**DAYS_PER_MONTH - 1, rel=1e-6)
    assert len(bot.monthly) == 24 and bot.monthly.index[0] == pd.Timestamp("2026-04-01")
    assert bot.backtest_mape == pytest.approx(0.0, abs=1e-9)
    assert bot.backtest_total_error == pytest.approx(0.0, abs=1e-9)

    total = company_forecast(forecasts)
    assert total.workload == COMPANY
    assert total.monthly.to_list() == pytest.approx((bot.monthly + forecasts["RAG search"].monthly).to_list())
    assert total.daily_level == pytest.approx(bot.daily_level + 100.0)
    # The next month's growth: each workload's weighted by its spend today.
    expected = (bot.daily_level * (1 + bot.monthly_growth) + 100.0) / (bot.daily_level + 100.0) - 1
    assert total.monthly_growth == pytest.approx(expected)
    assert sum(total.weekday_factors) == pytest.approx(7.0)
    assert total.backtest.actual.sum() == pytest.approx(_synthetic(150).iloc[-30:].sum() + 3000.0)


def test_a_workload_that_ended_before_the_last_day_spent_nothing_since() -> None:
    daily = _daily({"Old bot": pd.Series(100.0, index=_days(100, LAST - timedelta(days=30)))})
    forecast = forecast_spend(daily, 12, LAST)["Old bot"]
    assert forecast.method == "stopped: no spend in the last 30 days"
    assert forecast.monthly.sum() == 0.0


def test_unpriced_usage_is_said() -> None:
    daily = _daily({"Bot": pd.Series(100.0, index=_days(60))}).assign(unpriced=False)
    daily.loc[50, "unpriced"] = True
    note = forecast_spend(daily, 12, LAST)["Bot"].note
    assert note is not None and note.endswith("less certain. Part of its usage has no price and counts as $0.")


def test_a_horizon_out_of_range_is_a_message() -> None:
    daily = _daily({"Bot": pd.Series(100.0, index=_days(60))})
    with pytest.raises(InvalidInput, match="1 to 120 months ahead, not 0"):
        forecast_spend(daily, 0, LAST)
    with pytest.raises(InvalidInput, match="no spend to forecast"):
        company_forecast(forecast_spend(daily.iloc[:0], 12, LAST))


# --- from the ledger -----------------------------------------------------------------------------------------

_CSV = (
    "timestamp,provider,model,project,feature,requests,input_tokens,output_tokens\n"
    "2026-03-01T10:00:00Z,openai,gpt-4o-mini-2024-07-18,support,chat,10,1000000,100000\n"
    "2026-03-01T11:00:00Z,openai,gpt-4o-mini-2024-07-18,search,rag,5,2000000,0\n"
    "2026-03-04T10:00:00Z,openai,gpt-4o-mini-2024-07-18,support,chat,20,2000000,200000\n"
    "2026-03-04T10:00:00Z,openai,gpt-4o-mini-2024-07-18,other,,1,1000000,0\n"
)


def test_daily_spend_by_workload_from_the_ledger(ledger: Engine) -> None:
    ingest(ledger, source_from_bytes("gateway.csv", _CSV.encode()))
    support = save_workload(ledger, Workload(None, "Support", (Rule(project="support"),), position=0))
    search = save_workload(ledger, Workload(None, "Search", (Rule(project="search"),), position=1))
    daily = daily_spend(ledger, [search, support])

    assert list(daily.columns) == ["day", "workload", "spend_usd", "requests", "tokens", "unpriced"]
    days = pd.to_datetime(["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"])
    support_rows = daily[daily["workload"] == "Support"]
    assert support_rows["day"].to_list() == days.to_list()
    # gpt-4o-mini at $0.15 in and $0.60 out a million tokens; the days between are zeros.
    assert support_rows["spend_usd"].to_list() == pytest.approx([0.15 + 0.06, 0.0, 0.0, 0.30 + 0.12])
    assert support_rows["requests"].to_list() == [10, 0, 0, 20]
    assert support_rows["tokens"].to_list() == [1_100_000, 0, 0, 2_200_000]
    assert daily["workload"].drop_duplicates().to_list() == ["Support", "Search", UNASSIGNED]
    assert daily[daily["workload"] == "Search"]["spend_usd"].to_list() == pytest.approx([0.30])
    assert daily[daily["workload"] == UNASSIGNED]["day"].to_list() == [pd.Timestamp("2026-03-04")]
    assert not daily["unpriced"].any()


def test_the_demo_company_total_is_within_ten_percent_over_the_held_out_month(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    workloads = replace_with_proposals(ledger, propose_workloads(ledger))
    daily = daily_spend(ledger, workloads)
    forecasts = forecast_spend(daily, 36, date(2026, 10, 31))
    total = company_forecast(forecasts)

    assert list(forecasts) == [w.name for w in workloads]  # every usage row is claimed: no Unassigned
    assert total.backtest_total_error is not None and abs(total.backtest_total_error) <= 0.10
    assert total.backtest_mape is not None and total.backtest_mape <= 0.10
    for forecast in forecasts.values():
        assert forecast.note is None and forecast.fitted_days == FIT_DAYS
        assert forecast.backtest_total_error is not None and abs(forecast.backtest_total_error) <= 0.10
        # The demo's weekends are quieter than its weekdays, and every workload grows.
        assert max(forecast.weekday_factors[5:]) < min(forecast.weekday_factors[:5])
        assert 0.0 < forecast.monthly_growth < 0.15
    assert math.isclose(total.monthly.sum(), sum(f.monthly.sum() for f in forecasts.values()))


def test_the_growth_comes_with_its_standard_error() -> None:
    # No noise: the trend is exact and its error nil.
    exact = fit_spend(_synthetic(FIT_DAYS), LAST)
    assert exact.monthly_growth_error is not None and exact.monthly_growth_error < 1e-6
    # 10% noise on the log of each day over 90 days: ordinary least squares with a level per weekday gives
    # σ / √Sxx, Sxx being the spread of the days around their weekday's mean (about 62,400 day²), so about
    # 0.1 / 250 a day, or 1.2 points a month.
    rng = np.random.default_rng(3)
    noisy = _synthetic(FIT_DAYS) * np.exp(rng.normal(0.0, 0.1, FIT_DAYS))
    fit = fit_spend(noisy, LAST)
    days = np.arange(FIT_DAYS)
    within = sum(float(((g - g.mean()) ** 2).sum()) for g in (days[days % 7 == d] for d in range(7)))
    expected = 0.1 / math.sqrt(within) * DAYS_PER_MONTH
    assert fit.monthly_growth_error == pytest.approx(expected, rel=0.25)
    true_monthly = (1 + GROWTH) ** DAYS_PER_MONTH - 1
    assert abs(fit.monthly_growth - true_monthly) < 3 * fit.monthly_growth_error
    # A flat projection has no trend, so no error to give.
    assert fit_spend(_synthetic(10), LAST).monthly_growth_error is None
