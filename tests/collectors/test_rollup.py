"""Rolling records up: hours, prompt-size bands, latency histograms, missing dimensions."""

from __future__ import annotations

import pandas as pd

from collectors.records import make_records
from collectors.rollup import Rollup
from db.measures import LATENCY_BIN_COLUMNS, LATENCY_EDGES_MS, prompt_bands


def _records(n: int, **columns: object) -> pd.DataFrame:
    defaults = {"timestamp": pd.Timestamp("2025-09-01T10:20:00Z"), "provider": "openai", "model": "gpt-4o"}
    return make_records(n, **{**defaults, **columns})


def test_prompt_bands_follow_the_cliff_thresholds() -> None:
    sizes = pd.Series([1, 32_000, 128_000, 128_001, 199_999, 200_000, 200_001, 272_000, 272_001, 900_000])
    assert prompt_bands(sizes).tolist() == [0, 0, 100_000, 128_000, 128_000, 199_999, 200_000, 256_000, 272_000,
                                            524_288]  # fmt: skip


def test_rows_merge_per_hour_and_dimensions_and_band_uses_tokens_per_request() -> None:
    records = _records(
        3,
        timestamp=pd.Series(pd.to_datetime(["2025-09-01T10:20Z", "2025-09-01T10:59Z", "2025-09-01T11:00Z"])),
        input_tokens=pd.Series([150_000, 10_000, 300_000]),
        requests=pd.Series([1, 1, 2]),
    )
    rollup = Rollup()
    rollup.add(records.iloc[:2])
    rollup.add(records.iloc[2:])
    result = rollup.result().sort_values(["bucket_start", "prompt_band"]).reset_index(drop=True)
    assert result["bucket_start"].dt.hour.tolist() == [10, 10, 11]
    # 150k tokens in one request is long context; 300k over two requests is 150k each.
    assert result["prompt_band"].tolist() == [0, 128_000, 128_000]
    assert result["canonical_model"].tolist() == ["gpt-4o"] * 3
    assert result["project"].isna().all()


def test_latency_histogram_counts_each_request_in_its_bin() -> None:
    records = _records(
        3,
        latency_ms=pd.Series([5.0, 1000.0, None]),
        requests=pd.Series([2, 3, 4]),
        input_tokens=1,
        output_tokens=1,
    )
    result = Rollup()
    result.add(records)
    row = result.result().iloc[0]
    assert row["requests"] == 9
    assert row["latency_count"] == 5
    assert row["latency_sum_ms"] == 2 * 5.0 + 3 * 1000.0
    bins = row[list(LATENCY_BIN_COLUMNS)]
    assert bins.sum() == 5
    assert bins["latency_bin_00"] == 2
    one_second = sum(edge <= 1000.0 for edge in LATENCY_EDGES_MS)
    assert bins[LATENCY_BIN_COLUMNS[one_second]] == 3


def test_unknown_request_count_stays_unknown() -> None:
    rollup = Rollup()
    rollup.add(_records(2, requests=None, input_tokens=10))
    row = rollup.result().iloc[0]
    assert pd.isna(row["requests"]) and pd.isna(row["prompt_band"])
    assert row["input_tokens"] == 20
