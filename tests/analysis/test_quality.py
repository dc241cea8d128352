"""Quality estimates: ratings as win rates, grades in each unit, the user's evaluations, parsing and storage."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.quality import (
    GRADES,
    QualityEvidence,
    delete_evaluations,
    floor_words,
    grade,
    list_evaluations,
    parse_evaluations,
    quality_estimate,
    save_evaluations,
    win_rate,
)
from db.errors import InvalidInput

GPT4O = ("openai", "gpt-4o-2024-08-06")
SONNET = ("anthropic", "claude-3-5-sonnet-20241022")


def test_win_rate_from_ratings() -> None:
    assert win_rate(1300, 1300) == 0.5
    # +100 points: P = 1 / (1 + 10^(-0.25)) = 0.64006.
    assert win_rate(1400, 1300) == pytest.approx(0.64006, abs=1e-5)
    # -35 points: P = 1 / (1 + 10^(0.0875)) = 1 / 2.22321 = 0.44980.
    assert win_rate(1265, 1300) == pytest.approx(0.44980, abs=1e-5)


def test_grades_at_the_boundaries() -> None:
    # A share of today's score, floor 10%: ok from 95, at risk from 90.
    assert grade(95.0, 10) == "ok"
    assert grade(94.99, 10) == "at risk"
    assert grade(90.0, 10) == "at risk"
    assert grade(89.99, 10) == "below floor"
    assert grade(120.0, 10) == "ok"
    assert grade(100.0, 0) == "ok"
    assert grade(99.9, 0) == "below floor"
    # A win rate, floor 10%: ok from 47.5%, at risk from 45%.
    assert grade(47.5, 10, parity=50) == "ok"
    assert grade(47.49, 10, parity=50) == "at risk"
    assert grade(45.0, 10, parity=50) == "at risk"
    assert grade(44.99, 10, parity=50) == "below floor"
    # In rank order: evidence that meets the floor, none, evidence below it.
    assert GRADES == ("ok", "at risk", "unrated", "below floor")


def test_the_floor_in_each_unit() -> None:
    # Floor 10%: 90% of today's score; a 45% win rate = 400 × log10(55 / 45) = 34.9 points lower.
    words = floor_words(10)
    assert "at least 90% of today's score" in words and "at least 45% against today's model" in words
    assert "at most 35 points lower" in words


def test_same_model_is_as_good_on_any_host() -> None:
    estimate = quality_estimate(GPT4O, ("azure", "gpt-4o-2024-08-06"), "chat", 5)
    assert (estimate.grade, estimate.source, estimate.relative_pct) == ("ok", "same model", 100.0)
    assert estimate.evidence == QualityEvidence("same model as today's", None, "same_model", 1.0, 1.0)


def test_public_rating_reads_one_board_and_shows_the_evidence() -> None:
    # Coding board 2025-12-11: claude-3-5-sonnet-20241022 1341.2, gpt-4o-2024-08-06 1283.1 (+58.1 points):
    # P = 1 / (1 + 10^(-58.1/400)) = 0.58284, above the 5% floor's 48.75%.
    estimate = quality_estimate(GPT4O, SONNET, "code", 5)
    assert estimate.evidence is not None
    assert estimate.evidence.as_dict() == {
        "source": "LMArena coding board",
        "as_of": "2025-12-11",
        "metric": "rating",
        "value": 1341.2,
        "incumbent_value": 1283.1,
    }
    assert estimate.evidence.win_rate == pytest.approx(0.58284, abs=1e-5)
    assert estimate.relative_pct is None  # a rating has no ratio
    assert estimate.grade == "ok"
    assert estimate.source == "LMArena coding board, 2025-12-11"
    assert "1341" in estimate.explanation and "1283" in estimate.explanation and "+58 points" in estimate.explanation
    assert estimate.summary() == "1341 vs 1283 (+58 pts, wins 58%)"
    # The other way round on the same board: P = 0.41716, below a 10% floor's 45%.
    back = quality_estimate(SONNET, GPT4O, "code", 10)
    assert back.evidence is not None and back.evidence.win_rate == pytest.approx(0.41716, abs=1e-5)
    assert back.grade == "below floor"


def test_public_rating_names_the_stand_in_for_an_alias() -> None:
    # Style-controlled: gpt-4o-mini-2024-07-18 1317.3 vs gpt-4o (as 2024-08-06) 1335.8, -18.5 points:
    # P = 1 / (1 + 10^(18.5/400)) = 0.47340, under the 10% floor's 47.5% for "ok" but above its 45%.
    estimate = quality_estimate(("openai", "gpt-4o"), ("openai", "gpt-4o-mini"), "chat", 10)
    assert estimate.evidence is not None and estimate.evidence.win_rate == pytest.approx(0.47340, abs=1e-5)
    assert estimate.grade == "at risk"
    assert "gpt-4o (as gpt-4o-2024-08-06)" in estimate.explanation


def test_overlapping_intervals_are_flagged_as_noise() -> None:
    # Style-controlled: gpt-4-1106-preview 1315.3 [1311.6, 1319.1], gpt-4-0125-preview 1315.2 [1311.2, 1319.2].
    estimate = quality_estimate(("openai", "gpt-4-1106-preview"), ("openai", "gpt-4-0125-preview"), "chat", 5)
    assert estimate.grade == "ok"
    assert "intervals overlap" in estimate.explanation


def test_embeddings_are_read_on_mteb() -> None:
    # MTEB English v1: text-embedding-3-large 64.59 against text-embedding-3-small 62.26 = 103.7% of today's.
    estimate = quality_estimate(
        ("openai", "text-embedding-3-small"), ("azure", "text-embedding-3-large"), "embeddings", 5
    )
    assert estimate.evidence is not None and estimate.evidence.metric == "score"
    assert (estimate.evidence.value, estimate.evidence.incumbent_value) == (64.59, 62.26)
    assert estimate.relative_pct == pytest.approx(64.59 / 62.26 * 100)
    assert estimate.grade == "ok"


def test_unrated_when_there_is_no_evidence() -> None:
    embeddings = quality_estimate(
        ("openai", "text-embedding-3-small"), ("google", "gemini-embedding-001"), "embeddings", 5
    )
    assert (embeddings.evidence, embeddings.grade) == (None, "unrated")
    assert "no MTEB score" in embeddings.explanation
    unknown = quality_estimate(GPT4O, ("azure", "chat-prod"), "chat", 5)
    assert (unknown.evidence, unknown.grade, unknown.source) == (None, "unrated", "no public rating")
    assert "chat-prod is not on the LMArena overall board" in unknown.explanation
    assert unknown.summary() == "unrated — evaluate before moving"


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
    assert estimate.evidence is not None and estimate.evidence.metric == "score"
    assert (estimate.evidence.value, estimate.evidence.incumbent_value) == (0.72, 0.80)
    assert "workload 'Support bot'" in estimate.explanation


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
    with pytest.raises(InvalidInput, match=message):
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
