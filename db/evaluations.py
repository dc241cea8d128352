"""The user's evaluation results: a score per model on a workload or a task category, kept by the file
(``source``) they came from, so uploading a file again replaces its rows. What a valid result is belongs
to ``analysis.evaluations``, which parses the files."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from db.schema import evaluations

__all__ = ["EVALUATION_COLUMNS", "delete_evaluations", "list_evaluations", "replace_evaluations"]

# The columns a result is given by; ``id``, ``source`` and ``created_at`` are the ledger's.
EVALUATION_COLUMNS: tuple[str, ...] = ("workload", "task_category", "model", "score", "n")


def replace_evaluations(engine: Engine, frame: pd.DataFrame, source: str) -> int:
    """Store ``frame``'s results (columns :data:`EVALUATION_COLUMNS`; others are ignored) under ``source``,
    replacing the results stored from it before, in one transaction. Returns how many were stored."""
    rows = [
        {
            "workload": _text(r["workload"]),
            "task_category": _text(r["task_category"]),
            "model": str(r["model"]),
            "score": float(r["score"]),
            "n": None if pd.isna(r["n"]) else int(r["n"]),
        }
        for r in frame.reindex(columns=list(EVALUATION_COLUMNS)).to_dict("records")
    ]
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(delete(evaluations).where(evaluations.c.source == source))
        if rows:
            conn.execute(insert(evaluations), [{**r, "source": source, "created_at": now} for r in rows])
    return len(rows)


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else str(value)


def list_evaluations(engine: Engine) -> pd.DataFrame:
    """Every stored result, oldest first: id, workload, task_category, model, score, n, source, created_at.

    ``n`` is Int64 (missing where not given) and a workload or task category not given is None.
    """
    with engine.connect() as conn:
        frame = pd.read_sql(select(evaluations).order_by(evaluations.c.id), conn)
    frame["n"] = frame["n"].astype("Int64")
    frame["score"] = frame["score"].astype("float64")
    for name in ("workload", "task_category"):
        frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def delete_evaluations(engine: Engine, source: str | None = None) -> int:
    """Delete the results from ``source``, or every result when it is None; returns how many went."""
    statement = delete(evaluations)
    if source is not None:
        statement = statement.where(evaluations.c.source == source)
    with engine.begin() as conn:
        return int(conn.execute(statement).rowcount)
