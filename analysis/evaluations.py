"""The user's own evaluation results: a score per model on a workload or a task category (a pass rate from
replaying their prompts, an accuracy, a judge's mean score), uploaded as a CSV. Where they score both
today's model and a candidate, they decide the candidate's quality (:mod:`analysis.quality`).

Parsing checks every row here; storing and reading them is ``db.evaluations``.
"""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd
from sqlalchemy import Engine

from analysis.uploads import Row, positive_number, read_rows, whole_number
from analysis.workload_rules import TASK_CATEGORIES
from db.errors import InvalidInput
from db.evaluations import EVALUATION_COLUMNS, delete_evaluations, list_evaluations, replace_evaluations

__all__ = ["EVALUATION_COLUMNS", "delete_evaluations", "list_evaluations", "parse_evaluations", "save_evaluations"]

_HEADER_ALIASES = {
    "workload": "workload",
    "task": "task_category",
    "task_category": "task_category",
    "category": "task_category",
    "model": "model",
    "score": "score",
    "n": "n",
}
_CATEGORY_ALIASES = {
    "summarization": "summarisation",
    "summary": "summarisation",
    "coding": "code",
    "extraction": "classification",
}


def parse_evaluations(content: bytes) -> pd.DataFrame:
    """Evaluation results from a CSV: columns ``workload`` or ``task`` (a task category), ``model``,
    ``score`` and optionally ``n`` (cases scored). Headers are case-insensitive; other columns are ignored.

    Scores are "higher is better" on a ratio scale (pass rate, accuracy, mean judge score). A bad row
    raises :class:`~db.errors.InvalidInput` naming it, counting rows as a spreadsheet shows them (the header is row 1).

    >>> parse_evaluations(b"Task,Model,Score,N\\ncode,gpt-4o,0.82,150\\n").to_dict("records")
    [{'workload': None, 'task_category': 'code', 'model': 'gpt-4o', 'score': 0.82, 'n': 150}]
    """
    names, rows = read_rows(content, _HEADER_ALIASES, "workload or task, model, score, n (optional)")
    for needed in ("model", "score"):
        if needed not in names:
            raise InvalidInput(f"missing column '{needed}' (the header must name workload or task, model, score)")
    if "workload" not in names and "task_category" not in names:
        raise InvalidInput("missing column 'workload' or 'task': say what each score was measured on")
    records = [_evaluation_row(where, cells) for where, cells in rows]
    if not records:
        raise InvalidInput("the file has a header but no evaluation rows")
    return pd.DataFrame(
        {
            # object columns keep None for "not given" (pandas' string dtype would turn it into NaN)
            "workload": pd.Series([r.workload for r in records], dtype=object),
            "task_category": pd.Series([r.task_category for r in records], dtype=object),
            "model": pd.Series([r.model for r in records], dtype=object),
            "score": pd.Series([r.score for r in records], dtype="float64"),
            "n": pd.Series([r.n for r in records], dtype="Int64"),
        }
    )


class _Evaluation(NamedTuple):
    """One row of the file, checked."""

    workload: str | None
    task_category: str | None
    model: str
    score: float
    n: int | None


def _evaluation_row(where: str, cells: Row) -> _Evaluation:
    workload = cells.get("workload") or None
    task = (cells.get("task_category") or "").lower() or None
    model = cells.get("model") or ""
    if not model:
        raise InvalidInput(f"{where}: model is empty")
    if workload is None and task is None:
        raise InvalidInput(f"{where}: give the workload or the task the score is for")
    if task is not None:
        task = _CATEGORY_ALIASES.get(task, task)
        if task not in TASK_CATEGORIES:
            raise InvalidInput(f"{where}: task '{task}' is not one of {', '.join(TASK_CATEGORIES)}")
    score = positive_number(cells.get("score") or "", where, "score", zero=True)
    n = whole_number(cells.get("n") or "", where, "n")
    return _Evaluation(workload, task, model, score, n)


def save_evaluations(engine: Engine, frame: pd.DataFrame, source: str) -> int:
    """Store results from :func:`parse_evaluations` under ``source`` (e.g. the file name), replacing earlier
    results from it; returns how many were stored."""
    return replace_evaluations(engine, frame, source)
