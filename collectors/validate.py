"""Checks every record must pass, whatever its source: the canonical measures must be consistent, and
every dimension must fit the ledger."""

from __future__ import annotations

import pandas as pd

from collectors.normalise import first_reason
from collectors.records import TEXT_COLUMNS
from db.schema import usage

__all__ = ["validate"]

# The longest value each text dimension may hold: the ledger's column sizes. A longer value is an
# oversized field (a log line or a JSON blob in the wrong column), rejected rather than truncated.
MAX_TEXT = {name: usage.c[name].type.length for name in TEXT_COLUMNS}


def validate(records: pd.DataFrame) -> pd.Series:
    """Per record, why it must be rejected (null when it is fine), keeping a reason the format gave."""
    r = records
    checks: list[tuple[pd.Series, str]] = [
        (r["timestamp"].isna(), "no usable date/time"),
        (r["provider"].isna(), "provider is missing"),
        (r["model"].isna(), "model is missing"),
        (
            r["cache_read_tokens"] + r["cache_write_tokens"] > r["input_tokens"],
            "cache tokens exceed input tokens (input must include cache reads and writes)",
        ),
        (r["cache_write_1h_tokens"] > r["cache_write_tokens"], "1-hour cache writes exceed all cache writes"),
        (r["reasoning_tokens"] > r["output_tokens"], "reasoning tokens exceed output tokens"),
        (r["latency_ms"] < 0, "latency is negative"),
        (r["ttft_ms"] < 0, "time to first token is negative"),
    ]
    for name, limit in MAX_TEXT.items():
        lengths = r[name].str.len() if r[name].notna().any() else pd.Series(0, index=r.index)
        checks.append((lengths > limit, f"{name} is too long (over {limit} characters)"))
    reasons = [r["reason"]]
    for failed, message in checks:
        failed = failed.fillna(False).astype(bool)
        reasons.append(pd.Series(None, index=r.index, dtype=object).mask(failed, message))
    return first_reason(*reasons)
