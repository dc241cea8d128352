"""Workload versions: every edit of a workload is a new row, so its history is the table itself.

The newest row of a ``workload_id`` is the workload as it stands; a newest row marked ``deleted`` means it
was removed. Rows are plain dicts here: what a workload *is* belongs to ``analysis.workloads``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import cast

import pandas as pd
from sqlalchemy import Engine, func, insert, select, update

from db.schema import workloads

__all__ = ["add_workload_versions", "any_workload_saved", "current_workload_rows", "workload_versions"]


def current_workload_rows(engine: Engine) -> pd.DataFrame:
    """The newest version of every workload, deleted ones included (``deleted`` says which)."""
    newest = select(func.max(workloads.c.id)).group_by(workloads.c.workload_id)
    query = select(workloads).where(workloads.c.id.in_(newest)).order_by(workloads.c.position, workloads.c.workload_id)
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def workload_versions(engine: Engine, workload_id: int) -> pd.DataFrame:
    """Every saved version of one workload, newest first."""
    query = select(workloads).where(workloads.c.workload_id == workload_id).order_by(workloads.c.id.desc())
    with engine.connect() as conn:
        return pd.read_sql(query, conn)


def any_workload_saved(engine: Engine) -> bool:
    """Whether a workload was ever saved (deleting them all is a choice, not a blank slate)."""
    with engine.connect() as conn:
        return conn.execute(select(workloads.c.id).limit(1)).first() is not None


def add_workload_versions(engine: Engine, rows: Sequence[Mapping[str, object]]) -> list[tuple[int, int, datetime]]:
    """Insert versions (columns as in ``db.schema.workloads``, without ``id`` and ``saved_at``) in one
    transaction, so a merge or a split happens whole or not at all; a ``workload_id`` of None starts a new
    workload. Returns (row id, workload id, saved at in naive UTC) per row, in order."""
    saved_at = datetime.now(UTC).replace(tzinfo=None)
    saved = []
    with engine.begin() as conn:
        for values in rows:
            row = {k: v for k, v in values.items() if k not in ("id", "saved_at")}
            workload_id = row.get("workload_id")
            result = conn.execute(
                insert(workloads).values({**row, "workload_id": workload_id or 0, "saved_at": saved_at})
            )
            key = result.inserted_primary_key
            assert key is not None
            row_id = int(key[0])
            if workload_id is None:
                # A new workload is numbered by its first version's row id: unique without a query racing
                # another writer for max(workload_id) + 1.
                conn.execute(update(workloads).where(workloads.c.id == row_id).values(workload_id=row_id))
                workload_id = row_id
            saved.append((row_id, int(cast(int, workload_id)), saved_at))
    return saved
