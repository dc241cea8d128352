"""Checks every record must pass, whatever its source: the canonical measures must be consistent, and
every dimension must fit the ledger. A measure the source does not report (null) has nothing to check: a part
known beside an unknown whole, or an unknown part beside a known whole, passes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from collectors.records import TEXT_COLUMNS
from db.usage import TEXT_LENGTHS

__all__ = ["EARLIEST", "FUTURE_SLACK", "MAX_COST_USD", "validate"]

# The longest value each text dimension may hold: the ledger's column sizes. A longer value is an
# oversized field (a log line or a JSON blob in the wrong column), rejected rather than truncated.
MAX_TEXT = {name: TEXT_LENGTHS[name] for name in TEXT_COLUMNS}
# The span of plausible usage dates. LLM APIs were sold from 2020 (GPT-3's API opened in June 2020), so an
# earlier date is a unit mistake (epoch seconds read as milliseconds, a blank read as 1970); a date more than
# a couple of days ahead of now (time zones and clock skew allow that much) has not happened. Either would
# stretch every chart, forecast and workload span to the year 1 or 9999.
EARLIEST = pd.Timestamp("2020-01-01", tz="UTC")
FUTURE_SLACK = pd.Timedelta(days=2)
# The most one row may cost, either way (a credit is negative): no usage row costs a billion dollars, and the
# ledger keeps costs in nano-dollars, a 64-bit integer that a sum of such rows would overflow.
MAX_COST_USD = 1e9


def validate(records: pd.DataFrame) -> pd.Series:
    """Per record, why it must be rejected (null when it is fine), keeping a reason the format gave."""
    r = records
    latest = pd.Timestamp.now(tz="UTC") + FUTURE_SLACK
    checks: list[tuple[pd.Series | np.ndarray, str]] = [
        (r["timestamp"].isna(), "no usable date/time"),
        (
            r["timestamp"] < EARLIEST,
            f"date is before {EARLIEST:%Y-%m-%d}, earlier than any LLM usage (a unit or format mistake?)",
        ),
        (r["timestamp"] > latest, f"date is after {latest:%Y-%m-%d}, in the future"),
        (r["provider"].isna(), "provider is missing"),
        (r["model"].isna(), "model is missing"),
        (
            # An unknown one of the two parts adds nothing: the known one alone must still fit.
            r["cache_read_tokens"].fillna(0) + r["cache_write_tokens"].fillna(0) > r["input_tokens"],
            "cache tokens exceed input tokens (input must include cache reads and writes)",
        ),
        (r["cache_write_1h_tokens"] > r["cache_write_tokens"], "1-hour cache writes exceed all cache writes"),
        (r["reasoning_tokens"] > r["output_tokens"], "reasoning tokens exceed output tokens"),
        (r["latency_ms"] < 0, "latency is negative"),
        (r["ttft_ms"] < 0, "time to first token is negative"),
        (r["reported_cost_usd"].abs() > MAX_COST_USD, f"cost is implausibly large (over ${MAX_COST_USD:,.0f} a row)"),
    ]
    for name, limit in MAX_TEXT.items():
        checks.append((_longer_than(r[name], limit), f"{name} is too long (over {limit} characters)"))
    reasons = r["reason"].to_numpy(dtype=object, copy=True)
    open_rows = pd.isna(reasons)
    for failed, message in checks:
        hit = open_rows & _true(failed)
        if hit.any():
            reasons[hit] = message
            open_rows &= ~hit
    reasons[open_rows] = None
    return pd.Series(reasons, index=r.index, dtype=object)


def _true(mask: pd.Series | np.ndarray) -> np.ndarray:
    """A comparison's result with missing values as false."""
    if isinstance(mask, pd.Series):
        return mask.to_numpy(dtype=bool, na_value=False)
    return np.asarray(mask, dtype=bool)


def _longer_than(values: pd.Series, limit: int) -> np.ndarray:
    """Which text values are over ``limit`` characters, measuring each distinct value once."""
    codes, uniques = pd.factorize(values)
    if not len(uniques):
        return np.zeros(len(values), dtype=bool)
    long = np.fromiter((len(str(value)) > limit for value in uniques), dtype=bool, count=len(uniques))
    return np.append(long, False)[codes]
