"""A workload's usage profile: what its own traffic says — the model it runs on today, its token mix,
prompt sizes, cache use, batch use and latency — the inputs every estimate on a candidate starts from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from analysis.assumptions import DAYS_PER_MONTH
from db.measures import LATENCY_BIN_COLUMNS, TOKEN_MEASURES

__all__ = ["PROFILE_KEYS", "WorkloadProfile", "profile_of"]

# What a workload's rollups are summed by before they are repriced: the price tier and the prompt size.
PROFILE_KEYS = ["service_tier", "batch", "prompt_band"]


@dataclass(frozen=True)
class WorkloadProfile:
    """A workload's traffic over its window, summed by price tier and prompt-size band (``mix``)."""

    provider: str | None  # the incumbent: the host and model with most of the workload's tokens
    model: str | None
    start: date | None
    end: date | None
    days: int
    mix: pd.DataFrame
    requests: float
    input_tokens: float
    output_tokens: float
    cache_read_share: float  # of input tokens
    batch_share: float  # of input tokens sent through the batch API
    largest_prompt: float  # the largest mean prompt of any rollup, tokens per request
    output_per_request: float
    latency_bins: pd.Series  # summed latency histogram of the workload's measured requests
    monthly_factor: float  # multiplies the window's totals into an average month

    @property
    def empty(self) -> bool:
        return self.provider is None


def profile_of(usage: pd.DataFrame, days: int) -> WorkloadProfile:
    """The profile of a workload's daily rollups over a window of ``days`` days."""
    if usage.empty or (usage[list(TOKEN_MEASURES)].sum().sum() == 0 and usage["requests"].fillna(0).sum() == 0):
        empty = pd.DataFrame(columns=[*PROFILE_KEYS, "requests", *TOKEN_MEASURES])
        bins = pd.Series(0, index=list(LATENCY_BIN_COLUMNS))
        return WorkloadProfile(None, None, None, None, days, empty, 0, 0, 0, 0, 0, 0, 0, bins, DAYS_PER_MONTH / days)
    tokens = usage["input_tokens"] + usage["output_tokens"]
    by_model = tokens.groupby([usage["provider"], usage["model"]]).sum().sort_values(ascending=False)
    provider, model = by_model.index[0]
    keys = usage[PROFILE_KEYS].astype(object).where(usage[PROFILE_KEYS].notna(), None)
    frame = usage.assign(**{k: keys[k] for k in PROFILE_KEYS})
    measures = ["requests", *TOKEN_MEASURES]
    mix = frame.groupby(PROFILE_KEYS, dropna=False, sort=False)[measures].sum(min_count=1).reset_index()
    requests = usage["requests"].astype("float64")
    per_request = usage["input_tokens"].astype("float64") / requests.where(requests > 0)
    input_total = float(usage["input_tokens"].sum())
    batch = usage["batch"].astype("boolean").fillna(False).astype(bool)
    summed = usage[list(LATENCY_BIN_COLUMNS)].sum() if set(LATENCY_BIN_COLUMNS) <= set(usage.columns) else None
    return WorkloadProfile(
        provider=str(provider),
        model=str(model),
        start=min(usage["day"]),
        end=max(usage["day"]),
        days=days,
        mix=mix,
        requests=float(requests.fillna(0).sum()),
        input_tokens=input_total,
        output_tokens=float(usage["output_tokens"].sum()),
        cache_read_share=float(usage["cache_read_tokens"].sum()) / input_total if input_total else 0.0,
        batch_share=float(usage.loc[batch, "input_tokens"].sum()) / input_total if input_total else 0.0,
        largest_prompt=float(per_request.max()) if per_request.notna().any() else 0.0,
        output_per_request=float(usage["output_tokens"].sum()) / float(requests.sum()) if requests.sum() else 0.0,
        latency_bins=summed if summed is not None else pd.Series(0, index=list(LATENCY_BIN_COLUMNS)),
        monthly_factor=DAYS_PER_MONTH / days,
    )
