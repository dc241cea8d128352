"""Rolling records up: hours, prompt-size bands, latency histograms, missing dimensions."""

from __future__ import annotations

import pandas as pd
import pytest

from collectors.records import make_records
from collectors.rollup import Rollup
from db.measures import LATENCY_BIN_COLUMNS, LATENCY_EDGES_MS, prompt_bands


def _rolled(*chunks: pd.DataFrame, hold_rows: int = 200_000) -> tuple[pd.DataFrame, Rollup]:
    """Everything a rollup wrote for ``chunks``, as one frame; finished hours are written at once."""
    written: list[pd.DataFrame] = []
    rollup = Rollup(written.append, hold_rows=hold_rows, write_rows=1)
    for chunk in chunks:
        rollup.add(chunk)
    rollup.finish()
    return pd.concat(written, ignore_index=True), rollup


def _records(n: int, **columns: object) -> pd.DataFrame:
    defaults = {"timestamp": pd.Timestamp("2025-09-01T10:20:00Z"), "provider": "openai", "model": "gpt-4o"}
    return make_records(n, **{**defaults, **columns})


def test_prompt_bands_follow_the_cliff_thresholds() -> None:
    sizes = pd.Series([1, 32_000, 128_000, 128_001, 199_999, 200_000, 200_001, 272_000, 272_001, 900_000])
    bands = [0, 0, 100_000, 128_000, 128_000, 199_999, 200_000, 256_000, 272_000, 524_288]
    assert prompt_bands(sizes).tolist() == bands


def test_rows_merge_per_hour_and_dimensions_and_band_uses_tokens_per_request() -> None:
    records = _records(
        3,
        timestamp=pd.Series(pd.to_datetime(["2025-09-01T10:20Z", "2025-09-01T10:59Z", "2025-09-01T11:00Z"])),
        input_tokens=pd.Series([150_000, 10_000, 300_000]),
        requests=pd.Series([1, 1, 2]),
    )
    result, _ = _rolled(records.iloc[:2], records.iloc[2:])
    result = result.sort_values(["bucket_start", "prompt_band"]).reset_index(drop=True)
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
    row = _rolled(records)[0].iloc[0]
    assert row["requests"] == 9
    assert row["latency_count"] == 5
    assert row["latency_sum_ms"] == 2 * 5.0 + 3 * 1000.0
    bins = row[list(LATENCY_BIN_COLUMNS)]
    assert bins.sum() == 5
    assert bins["latency_bin_00"] == 2
    one_second = sum(edge <= 1000.0 for edge in LATENCY_EDGES_MS)
    assert bins[LATENCY_BIN_COLUMNS[one_second]] == 3


def test_unknown_request_count_stays_unknown() -> None:
    row = _rolled(_records(2, requests=None, input_tokens=10))[0].iloc[0]
    assert pd.isna(row["requests"]) and pd.isna(row["prompt_band"])
    assert row["input_tokens"] == 20


def _hourly(hours: list[int], **columns: object) -> pd.DataFrame:
    stamps = pd.Series(pd.Timestamp("2025-09-01T00:30Z") + pd.to_timedelta(hours, unit="h"))
    return _records(len(hours), timestamp=stamps, requests=1, input_tokens=10, output_tokens=1, **columns)


def test_hours_the_file_has_passed_are_written_before_the_end() -> None:
    written: list[pd.DataFrame] = []
    rollup = Rollup(written.append, write_rows=1)
    rollup.add(_hourly([0, 0, 1]))
    assert written == []
    rollup.add(_hourly([3, 4]))  # more than an hour past 0 and 1
    assert [frame["bucket_start"].dt.hour.tolist() for frame in written] == [[0, 1]]
    assert written[0]["requests"].tolist() == [2, 1]
    rollup.finish()
    assert written[-1]["bucket_start"].dt.hour.tolist() == [3, 4]
    assert rollup.reopened == set()


def test_an_hour_seen_again_after_it_was_written_is_reported() -> None:
    result, rollup = _rolled(_hourly([0]), _hourly([5]), _hourly([0, 5]))
    assert [hour.hour for hour in rollup.reopened] == [0]
    # Written in two pieces, summing to the hour's requests.
    zero = result[result["bucket_start"].dt.hour == 0]
    assert len(zero) == 2 and zero["requests"].sum() == 2


def test_a_file_far_from_time_order_is_written_once_too_many_rows_are_open() -> None:
    some, others = (_hourly([0] * 30, user=pd.Series([f"u{n}" for n in range(first, first + 30)])) for first in (0, 30))
    result, rollup = _rolled(some, others, some, hold_rows=40)
    assert rollup.reopened == {pd.Timestamp("2025-09-01T00:00Z")}
    assert result["requests"].sum() == 90


def test_records_that_know_a_measure_and_records_that_do_not_stay_apart() -> None:
    """A cost-only record (no tokens) and a token record of the same hour and dimensions are two rows: their sum
    would pass the known tokens off as the whole. Records alike in what they know still merge."""
    records = _records(
        4,
        input_tokens=pd.Series([100, 200, None, None], dtype="Int64"),
        output_tokens=pd.Series([10, 20, None, None], dtype="Int64"),
        reported_cost_usd=pd.Series([None, None, 1.5, 2.5]),
    )
    result = _rolled(records)[0].sort_values("input_tokens", na_position="last").reset_index(drop=True)
    assert len(result) == 2
    assert result["input_tokens"].tolist() == [300, pd.NA]
    assert result["output_tokens"].tolist() == [30, pd.NA]
    # Neither kind of record says how many cache reads or how much reasoning: unknown, never 0.
    assert result["cache_read_tokens"].isna().all() and result["reasoning_tokens"].isna().all()
    assert result["reported_cost_nano_usd"].tolist() == [pd.NA, 4_000_000_000]


def test_a_part_of_a_measure_known_to_be_zero_is_zero() -> None:
    records = _records(2, input_tokens=pd.Series([0, 5]), output_tokens=pd.Series([0, 5]))
    assert records["cache_read_tokens"].tolist() == [0, pd.NA]
    assert records["cache_write_1h_tokens"].tolist() == [0, pd.NA]
    assert records["reasoning_tokens"].tolist() == [0, pd.NA]


def test_a_file_of_distinct_names_holds_only_the_open_hours_names() -> None:
    """A million distinct model names (a gateway writing a request id into the name) must not all stay in
    memory to the end: names of written rows are let go of, and the rows still come out right — each name
    once per hour, with its own tokens, across every time the rollup let go."""
    written: list[pd.DataFrame] = []
    rollup = Rollup(written.append, hold_rows=2_000, write_rows=200, keep_values=1_000)
    largest = 0
    for chunk in range(40):
        first = chunk * 300
        names = pd.Series([f"req-{n:06d}" for n in range(first, first + 300)])
        # Two chunks an hour: the last two hours stay open while earlier ones are written.
        hour = pd.Timestamp("2025-09-01T00:30Z") + pd.Timedelta(hours=chunk // 2)
        rollup.add(_records(300, timestamp=hour, model=names, input_tokens=pd.Series(range(first, first + 300))))
        largest = max(largest, len(rollup._vocabulary))
    rollup.finish()
    result = pd.concat(written, ignore_index=True)
    assert largest <= 3_000  # of 12,000 names (and the provider's)
    assert len(result) == 12_000 and result["model"].is_unique
    assert (result["model"].str.removeprefix("req-").astype(int) == result["input_tokens"]).all()
    assert (result["bucket_start"].dt.hour == result["input_tokens"] // 600).all()


def test_many_finished_rows_are_written_a_slice_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each write holds at most the slice's rows (a stored row is some forty columns wide), and a row's
    latency histogram is never split between two writes."""
    monkeypatch.setattr("collectors.rollup._WRITE_ROWS", 3)
    latencies = pd.Series([10.0, 900.0, 5_000.0] * 4)
    users = pd.Series([f"u{n % 5}" for n in range(12)])
    records = _records(12, user=users, latency_ms=latencies, requests=1, input_tokens=1, output_tokens=1)
    written: list[pd.DataFrame] = []
    rollup = Rollup(written.append)
    rollup.add(records)
    rollup.finish()
    assert [len(frame) for frame in written] == [3, 2]
    result = pd.concat(written, ignore_index=True)
    assert result["user"].tolist() == ["u0", "u1", "u2", "u3", "u4"]
    assert result["requests"].tolist() == [3, 3, 2, 2, 2]
    assert (result[list(LATENCY_BIN_COLUMNS)].sum(axis=1) == result["requests"]).all()
