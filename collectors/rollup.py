"""Roll accepted records up to (hour, dimensions): the shape the ledger stores.

Partial rollups of each chunk are merged as the import streams, so memory is bounded by the number of
distinct (hour, dimensions) keys, never by the size of the file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from collectors.records import TEXT_COLUMNS
from db.measures import LATENCY_BIN_COLUMNS, LATENCY_EDGES_MS, TOKEN_MEASURES, prompt_bands
from pricing.identity import canonical_models

__all__ = ["KEYS", "Rollup"]

KEYS: list[str] = ["bucket_start", *TEXT_COLUMNS, "batch", "prompt_band"]
_SUMS: list[str] = [
    "requests",
    *TOKEN_MEASURES,
    "reported_cost_nano_usd",
    "latency_count",
    "latency_sum_ms",
    "ttft_count",
    "ttft_sum_ms",
]
_NO_TEXT = ""  # stands for a missing dimension while grouping (blank text never survives normalising)
_NO_NUMBER = -1
# Merge partial rollups once they hold this many rows.
_COMPACT_AT = 250_000


def _keyed(records: pd.DataFrame) -> pd.DataFrame:
    """Records with grouping keys (missing values as sentinels) and additive measures only."""
    frame = pd.DataFrame(index=records.index)
    frame["bucket_start"] = records["timestamp"].dt.floor("h")
    for name in TEXT_COLUMNS:
        frame[name] = records[name].fillna(_NO_TEXT).astype(object)
    frame["batch"] = records["batch"].astype("Int8").fillna(_NO_NUMBER).astype("int8")
    requests = records["requests"]
    per_request = records["input_tokens"].astype("float64") / requests.astype("float64").where(requests > 0)
    band = records["prompt_band"].fillna(prompt_bands(per_request))
    frame["prompt_band"] = band.fillna(_NO_NUMBER).astype("int64")
    for name in ("requests", *TOKEN_MEASURES):
        frame[name] = records[name]
    frame["reported_cost_nano_usd"] = (records["reported_cost_usd"] * 1e9).round().astype("Int64")
    latency = records["latency_ms"]
    timed = latency.notna()
    # A row standing for several requests counts each at the row's mean latency.
    weight = requests.astype("float64").fillna(1.0).where(timed, 0.0)
    frame["latency_count"] = weight.round().astype("int64")
    frame["latency_sum_ms"] = (latency.fillna(0.0) * weight).astype("float64")
    ttft = records["ttft_ms"]
    ttft_weight = requests.astype("float64").fillna(1.0).where(ttft.notna(), 0.0)
    frame["ttft_count"] = ttft_weight.round().astype("int64")
    frame["ttft_sum_ms"] = (ttft.fillna(0.0) * ttft_weight).astype("float64")
    bins = np.searchsorted(np.asarray(LATENCY_EDGES_MS), latency.fillna(0).to_numpy(), side="right")
    frame["latency_bin"] = np.where(timed.to_numpy(), bins, _NO_NUMBER).astype("int64")
    return frame


def _group(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return frame.groupby(keys, sort=False, observed=True).sum(min_count=1).reset_index()


class Rollup:
    """Accumulates records chunk by chunk; :meth:`result` gives the rows to store."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []
        self._rows = 0

    def add(self, records: pd.DataFrame) -> None:
        if records.empty:
            return
        part = _group(_keyed(records), [*KEYS, "latency_bin"])
        self._parts.append(part)
        self._rows += len(part)
        if self._rows > _COMPACT_AT:
            self._compact()

    def _compact(self) -> None:
        if len(self._parts) > 1:
            self._parts = [_group(pd.concat(self._parts, ignore_index=True), [*KEYS, "latency_bin"])]
        self._rows = len(self._parts[0]) if self._parts else 0

    def result(self) -> pd.DataFrame:
        """One row per (hour, dimensions) with summed measures and latency histogram columns."""
        if not self._parts:
            return _empty_result()
        long = pd.concat(self._parts, ignore_index=True)
        totals = _group(long.drop(columns="latency_bin"), KEYS)
        timed = long[long["latency_bin"] >= 0]
        histogram = (
            timed.groupby([*KEYS, "latency_bin"], sort=False)["latency_count"]
            .sum()
            .unstack("latency_bin", fill_value=0)
            .reindex(columns=range(len(LATENCY_BIN_COLUMNS)), fill_value=0)
        )
        histogram.columns = list(LATENCY_BIN_COLUMNS)
        result = totals.merge(histogram.reset_index(), on=KEYS, how="left")
        result[list(LATENCY_BIN_COLUMNS)] = result[list(LATENCY_BIN_COLUMNS)].fillna(0).astype("int64")
        return _restore_missing(result)


def _restore_missing(frame: pd.DataFrame) -> pd.DataFrame:
    for name in TEXT_COLUMNS:
        frame[name] = frame[name].astype(object).where(frame[name] != _NO_TEXT, None)
    frame["batch"] = frame["batch"].astype("Int8").mask(frame["batch"] == _NO_NUMBER).astype("boolean")
    frame["prompt_band"] = frame["prompt_band"].astype("Int64").mask(frame["prompt_band"] == _NO_NUMBER)
    frame["canonical_model"] = canonical_models(frame["provider"], frame["model"])
    for name in ("requests", "reported_cost_nano_usd", *TOKEN_MEASURES, "latency_count", "ttft_count"):
        frame[name] = frame[name].astype("Int64")
    frame[list(TOKEN_MEASURES)] = frame[list(TOKEN_MEASURES)].fillna(0)
    return frame


def _empty_result() -> pd.DataFrame:
    columns = [*KEYS, "canonical_model", *_SUMS, *LATENCY_BIN_COLUMNS]
    return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
