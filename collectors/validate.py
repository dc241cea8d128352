"""Checks every record must pass, whatever its source: the canonical measures must be consistent, and
every dimension must fit the ledger. A measure the source does not report (null) has nothing to check: a part
known beside an unknown whole, or an unknown part beside a known whole, passes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from collectors.records import TEXT_COLUMNS
from db.usage import TEXT_LENGTHS

__all__ = ["validate"]

# The longest value each text dimension may hold: the ledger's column sizes. A longer value is an
# oversized field (a log line or a JSON blob in the wrong column), rejected rather than truncated.
MAX_TEXT = {name: TEXT_LENGTHS[name] for name in TEXT_COLUMNS}


def validate(records: pd.DataFrame) -> pd.Series:
    """Per record, why it must be rejected (null when it is fine), keeping a reason the format gave."""
    r = records
    checks: list[tuple[pd.Series | np.ndarray, str]] = [
        (r["timestamp"].isna(), "no usable date/time"),
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
