"""The user's own evidence as the ledger keeps it: evaluation results and latency measurements replaced
by the file they came from, self-hosting options inserted, updated and deleted by id. Frames and dicts go
in with missing values in pandas' spellings (NaN, NA, None) and come back with one spelling per column."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from db.evaluations import EVALUATION_COLUMNS, delete_evaluations, list_evaluations, replace_evaluations
from db.latency_measurements import (
    MEASUREMENT_COLUMNS,
    delete_measurements,
    list_measurements,
    replace_measurements,
)
from db.self_hosted import delete_self_hosted_row, save_self_hosted_row, self_hosted_rows


def test_evaluations_are_replaced_by_source_and_read_back_typed(ledger: Engine) -> None:
    frame = pd.DataFrame(
        {
            "workload": ["Support bot", np.nan],
            "task_category": [None, "code"],
            "model": ["gpt-4o", "claude-sonnet-4-5"],
            "score": [0.8, 85],
            "n": pd.array([200, pd.NA], dtype="Int64"),
            "ignored": ["x", "y"],
        }
    )
    assert replace_evaluations(ledger, frame, "a.csv") == 2
    assert replace_evaluations(ledger, frame.head(1), "b.csv") == 1
    assert replace_evaluations(ledger, frame.tail(1), "a.csv") == 1  # a.csv's two rows become one
    stored = list_evaluations(ledger)
    assert list(stored.columns) == ["id", *EVALUATION_COLUMNS, "source", "created_at"]
    assert stored[["workload", "task_category", "model", "score", "source"]].values.tolist() == [
        ["Support bot", None, "gpt-4o", 0.8, "b.csv"],
        [None, "code", "claude-sonnet-4-5", 85.0, "a.csv"],
    ]
    assert str(stored["n"].dtype) == "Int64" and stored["n"].iloc[0] == 200 and pd.isna(stored["n"].iloc[1])
    assert delete_evaluations(ledger, "nothing.csv") == 0
    assert delete_evaluations(ledger, "b.csv") == 1
    assert delete_evaluations(ledger) == 1 and list_evaluations(ledger).empty


def test_measurements_are_replaced_by_source_and_read_back_typed(ledger: Engine) -> None:
    frame = pd.DataFrame(
        {
            "host": ["deepinfra", "groq"],
            "model": ["openai/gpt-oss-120b", "llama-3.3-70b-versatile"],
            "ttft_s": [0.4, 0.15],
            "ttft_p95_s": [0.9, None],
            "tokens_per_s": [120.0, 300.0],
            "n": [200, None],
            "measured_on": [date(2026, 11, 20), None],
        },
        dtype=object,
    )
    assert replace_measurements(ledger, frame, "replay.csv") == 2
    assert replace_measurements(ledger, frame.head(1), "replay.csv") == 1
    assert replace_measurements(ledger, frame.tail(1), "other.csv") == 1
    stored = list_measurements(ledger)
    assert list(stored.columns) == ["id", *MEASUREMENT_COLUMNS, "source", "created_at"]
    assert stored[["host", "source"]].values.tolist() == [["deepinfra", "replay.csv"], ["groq", "other.csv"]]
    assert stored["ttft_p95_s"].dtype == "float64" and stored["ttft_p95_s"].isna().tolist() == [False, True]
    assert str(stored["n"].dtype) == "Int64" and stored["n"].iloc[0] == 200 and pd.isna(stored["n"].iloc[1])
    assert pd.Timestamp(stored["measured_on"].iloc[0]).date() == date(2026, 11, 20)
    assert delete_measurements(ledger) == 2 and list_measurements(ledger).empty


OPTION = {
    "name": "Llama 3.3 70B on 8× H100",
    "model": "llama-3.3-70b-instruct",
    "gpu_type": "H100 SXM",
    "usd_per_gpu_hour": 2.99,
    "gpus_per_replica": 8,
    "tokens_per_second": 2500.0,
    "utilisation": 0.6,
    "fixed_monthly_usd": 3000.0,
    "context_window": None,
}


def test_self_hosted_options_are_inserted_updated_and_deleted_by_id(ledger: Engine) -> None:
    first = save_self_hosted_row(ledger, OPTION)
    second = save_self_hosted_row(ledger, {**OPTION, "name": "Small", "gpus_per_replica": 1})
    assert first != second
    assert save_self_hosted_row(ledger, {**OPTION, "usd_per_gpu_hour": 2.49}, first) == first
    rows = self_hosted_rows(ledger)
    assert rows["id"].tolist() == [first, second]
    assert rows["usd_per_gpu_hour"].tolist() == [2.49, 2.99] and rows["name"].tolist()[1] == "Small"
    assert rows["created_at"].notna().all()
    assert delete_self_hosted_row(ledger, first) is True
    assert delete_self_hosted_row(ledger, first) is False
    # An edit of an option deleted meanwhile is kept as a new option rather than lost.
    third = save_self_hosted_row(ledger, OPTION, first)
    assert third not in (first, second)
    assert self_hosted_rows(ledger)["id"].tolist() == [second, third]
