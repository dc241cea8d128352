"""Quality estimates: ratings to relative quality, grades, the user's evaluations, parsing and storage."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.quality import (
    GRADES,
    delete_evaluations,
    grade,
    list_evaluations,
    parse_evaluations,
    quality_estimate,
    relative_quality_from_ratings,
    save_evaluations,
)

GPT4O = ("openai", "gpt-4o-2024-08-06")
SONNET = ("anthropic", "claude-3-5-sonnet-20241022")


def test_relative_quality_from_ratings() -> None:
    assert relative_quality_from_ratings(1300, 1300) == 100.0
    # +100 points: P = 1 / (1 + 10^(-0.25)) = 0.64006, so 2 × P × 100 = 128.01.
    assert relative_quality_from_ratings(1400, 1300) == pytest.approx(128.01, abs=0.01)
    # -35 points: P = 1 / (1 + 10^(0.0875)) = 0.4498 -> 89.96, "90 is about 35 points worse".
    assert relative_quality_from_ratings(1265, 1300) == pytest.approx(89.96, abs=0.01)


def test_grades_at_the_boundaries() -> None:
    # Floor 10%: ok from 95, at risk from 90.
    assert grade(95.0, 10) == "ok"
    assert grade(94.99, 10) == "at risk"
    assert grade(90.0, 10) == "at risk"
    assert grade(89.99, 10) == "below floor"
    assert grade(120.0, 10) == "ok"
    assert grade(100.0, 0) == "ok"
    assert grade(99.9, 0) == "below floor"
    assert set(GRADES) == {"ok", "at risk", "below floor", "no reference"}


def test_same_model_is_as_good_on_any_host() -> None:
    estimate = quality_estimate(GPT4O, ("azure", "gpt-4o-2024-08-06"), "chat", 5)
    assert (estimate.relative_pct, estimate.grade, estimate.source) == (100.0, "ok", "same model")


def test_public_reference_reads_one_column() -> None:
    # Coding board 2025-12-11: claude-3-5-sonnet-20241022 1341, gpt-4o-2024-08-06 1283 (+58 points):
    # P = 1 / (1 + 10^(-58/400)) = 0.5827 -> 116.54.
    estimate = quality_estimate(GPT4O, SONNET, "code", 5)
    assert estimate.relative_pct == pytest.approx(116.54, abs=0.01)
    assert estimate.grade == "ok"
    assert estimate.source == "LMArena coding board, 2025-12-11"
    assert "1341" in estimate.evidence and "1283" in estimate.evidence and "+58 points" in estimate.evidence
    # The other way round on the same board: -58 points -> 83.46, below a 10% floor.
    back = quality_estimate(SONNET, GPT4O, "code", 10)
    assert back.relative_pct == pytest.approx(83.46, abs=0.01)
    assert back.grade == "below floor"


def test_public_reference_names_the_stand_in_for_an_alias() -> None:
    # gpt-4o-mini-2024-07-18 style-controlled 1317 vs gpt-4o (as 2024-08-06) 1336: -19 points -> 94.5.
    estimate = quality_estimate(("openai", "gpt-4o"), ("openai", "gpt-4o-mini"), "chat", 10)
    assert estimate.relative_pct == pytest.approx(94.53, abs=0.01)
    assert estimate.grade == "at risk"
    assert "gpt-4o (as gpt-4o-2024-08-06)" in estimate.evidence


def test_small_gaps_are_flagged_as_noise() -> None:
    # Style-controlled: gpt-4-1106-preview 1315, gpt-4-0125-preview 1315.
    estimate = quality_estimate(("openai", "gpt-4-1106-preview"), ("openai", "gpt-4-0125-preview"), "chat", 5)
    assert estimate.relative_pct == 100.0
    assert "uncertainty" in estimate.evidence


def test_no_reference_for_embeddings_and_unknown_models() -> None:
    embeddings = quality_estimate(
        ("openai", "text-embedding-3-small"), ("google", "gemini-embedding-001"), "embeddings", 5
    )
    assert (embeddings.relative_pct, embeddings.grade) == (None, "no reference")
    assert "embeddings" in embeddings.evidence
    unknown = quality_estimate(GPT4O, ("azure", "chat-prod"), "chat", 5)
    assert (unknown.relative_pct, unknown.grade, unknown.source) == (None, "no reference", "no reference")
    assert "chat-prod is not rated" in unknown.evidence


def _evaluations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "workload": ["Support bot", "Support bot", None, None, None],
            "task_category": [None, None, "code", "code", "code"],
            "model": ["gpt-4o", "claude-3-5-sonnet-20241022", "gpt-4o", "claude-3-5-sonnet", "claude-3-5-sonnet"],
            "score": [0.80, 0.72, 0.50, 0.60, 0.40],
            "n": pd.array([200, 200, 100, 100, 300], dtype="Int64"),
        }
    )


def test_own_evaluation_of_the_workload_wins() -> None:
    # 0.72 / 0.80 = 90% -> "at risk" with a 10% floor, although Arena has the candidate ahead.
    estimate = quality_estimate(GPT4O, SONNET, "chat", 10, _evaluations(), workload="Support bot")
    assert estimate.relative_pct == pytest.approx(90.0)
    assert estimate.grade == "at risk"
    assert estimate.source == "your evaluation (n=200)"
    assert "workload 'Support bot'" in estimate.evidence


def test_own_evaluation_of_the_task_category_when_the_workload_has_none() -> None:
    # Candidate: two runs, (0.60 × 100 + 0.40 × 300) / 400 = 0.45; incumbent 0.50 -> 90%.
    estimate = quality_estimate(GPT4O, SONNET, "code", 5, _evaluations(), workload="Code review")
    assert estimate.relative_pct == pytest.approx(90.0)
    assert estimate.grade == "below floor"
    assert estimate.source == "your evaluation (n=400)"


def test_evaluation_without_both_models_falls_back_to_the_reference() -> None:
    frame = _evaluations()
    frame = frame[frame["model"] != "gpt-4o"]
    estimate = quality_estimate(GPT4O, SONNET, "code", 5, frame, workload="Support bot")
    assert estimate.source.startswith("LMArena")


def test_parse_evaluations() -> None:
    content = (
        b"\xef\xbb\xbfWorkload,TASK,Model,Score,n,notes\n"
        b"Support bot,,gpt-4o,0.8,200,first run\n"
        b",Code,claude-sonnet-4-5,85%,,\n\n"
    )
    frame = parse_evaluations(content)
    assert list(frame.columns) == ["workload", "task_category", "model", "score", "n"]
    assert frame[["workload", "task_category", "model", "score"]].to_dict("records") == [
        {"workload": "Support bot", "task_category": None, "model": "gpt-4o", "score": 0.8},
        {"workload": None, "task_category": "code", "model": "claude-sonnet-4-5", "score": 85.0},
    ]
    assert str(frame["n"].dtype) == "Int64"
    assert frame["n"].iloc[0] == 200 and pd.isna(frame["n"].iloc[1])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"task,model\ncode,gpt-4o\n", "missing column 'score'"),
        (b"model,score\ngpt-4o,1\n", "missing column 'workload' or 'task'"),
        (b"task,model,score\ncode,gpt-4o,0.8\ncode,,0.7\n", "row 3: model is empty"),
        (b"task,model,score\ncode,gpt-4o,high\n", "row 2: score 'high' is not a number"),
        (b"task,model,score\ncode,gpt-4o,-1\n", "row 2: score '-1' must be"),
        (b"task,model,score\npoetry,gpt-4o,1\n", "row 2: task 'poetry' is not one of"),
        (b"workload,task,model,score\n,,gpt-4o,1\n", "row 2: give the workload or the task"),
        (b"task,model,score,n\ncode,gpt-4o,1,2.5\n", "row 2: n '2.5' is not a positive whole number"),
        (b"task,model,score\ncode,gpt-4o,1,extra\n", "row 2: 4 values for 3 columns"),
        (b"task,model,score\n", "no evaluation rows"),
        (b"task,model,score\ncode,gpt-4o,\xff\n", "not UTF-8"),
    ],
)
def test_parse_evaluations_errors_name_the_row(content: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_evaluations(content)


def test_save_list_delete_evaluations(ledger: Engine) -> None:
    frame = parse_evaluations(b"task,model,score,n\ncode,gpt-4o,0.5,100\ncode,claude-3-5-sonnet,0.6,\n")
    assert save_evaluations(ledger, frame, "evals.csv") == 2
    assert save_evaluations(ledger, frame.head(1), "other.csv") == 1
    # Saving the same source again replaces its rows.
    assert save_evaluations(ledger, frame, "evals.csv") == 2
    stored = list_evaluations(ledger)
    assert len(stored) == 3
    assert stored[["task_category", "model", "score", "source"]].values.tolist() == [
        ["code", "gpt-4o", 0.5, "other.csv"],
        ["code", "gpt-4o", 0.5, "evals.csv"],
        ["code", "claude-3-5-sonnet", 0.6, "evals.csv"],
    ]
    assert stored["n"].tolist()[:2] == [100, 100] and pd.isna(stored["n"].iloc[2])
    assert stored["workload"].tolist() == [None, None, None]
    # Stored results feed the estimate directly.
    estimate = quality_estimate(GPT4O, SONNET, "code", 5, stored)
    assert estimate.source.startswith("your evaluation")
    assert delete_evaluations(ledger, "other.csv") == 1
    assert delete_evaluations(ledger) == 2
    assert list_evaluations(ledger).empty
