"""Prompt samples: prompts from the company's own traffic, kept only when the user asks, to replay on candidates.

Each sample belongs to a reservoir group (a workload, or the finest slice a workload can name) and has a
priority, ``sample_key``: a group keeps the N samples with the smallest keys. Keys come from a seeded hash
of the content, so they are uniform and reproducible, and a group filled from several files is still one
uniform sample of all of them. What a prompt is and how its key is made belong to ``collectors.samples``;
choosing a workload's samples, to ``analysis.evaluation``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from db.schema import prompt_samples

__all__ = ["SAMPLE_COLUMNS", "delete_samples", "keep_samples", "read_samples", "sample_index"]

# What a sample is given by; ``id`` and ``created_at`` are the ledger's.
SAMPLE_COLUMNS: tuple[str, ...] = (
    "import_id",
    "workload",
    "group_key",
    "sample_key",
    "provider",
    "model",
    "project",
    "feature",
    "api_key",
    "messages",
    "response",
    "redacted",
    "source",
)
# Everything but the content, for listing and choosing samples without reading the prompts.
_INDEX = [c for c in prompt_samples.c if c.name not in ("messages", "response")]


def keep_samples(engine: Engine, rows: Iterable[Mapping[str, object]], limit: int) -> int:
    """Merge ``rows`` (with the columns of :data:`SAMPLE_COLUMNS`) into their groups so that each group keeps
    the ``limit`` samples with the smallest ``sample_key`` of what it held and what is offered; a key a group
    already holds is the same prompt and is not stored twice. One transaction; returns how many were added.
    """
    if limit < 1:
        raise ValueError("a reservoir keeps at least one sample")
    offered: dict[str, dict[str, Mapping[str, object]]] = defaultdict(dict)
    for row in rows:
        offered[str(row["group_key"])].setdefault(str(row["sample_key"]), row)
    now = datetime.now(UTC).replace(tzinfo=None)
    added = 0
    with engine.begin() as conn:
        for group, candidates in offered.items():
            held = {
                str(key): int(sample_id)
                for sample_id, key in conn.execute(
                    select(prompt_samples.c.id, prompt_samples.c.sample_key).where(prompt_samples.c.group_key == group)
                )
            }
            kept = sorted(set(held) | set(candidates))[:limit]
            dropped = [held[key] for key in held if key not in kept]
            if dropped:
                conn.execute(delete(prompt_samples).where(prompt_samples.c.id.in_(dropped)))
            new = [
                {**{c: candidates[key].get(c) for c in SAMPLE_COLUMNS}, "created_at": now}
                for key in kept
                if key not in held
            ]
            if new:
                conn.execute(insert(prompt_samples), new)
            added += len(new)
    return added


def sample_index(engine: Engine) -> pd.DataFrame:
    """Every sample without its content: id, the columns of :data:`SAMPLE_COLUMNS` but ``messages`` and
    ``response``, ``has_response`` and ``created_at``, by group and priority."""
    has_response = (prompt_samples.c.response.is_not(None)).label("has_response")
    query = select(*_INDEX, has_response).order_by(prompt_samples.c.group_key, prompt_samples.c.sample_key)
    with engine.connect() as conn:
        frame = pd.read_sql(query, conn)
    for name in ("has_response", "redacted"):
        frame[name] = frame[name].astype(bool)
    frame["import_id"] = frame["import_id"].astype("Int64")
    return frame.astype({c: object for c in ("workload", "provider", "model", "project", "feature", "api_key")})


def read_samples(engine: Engine, ids: Sequence[int]) -> pd.DataFrame:
    """The samples ``ids`` with their content (``messages`` as stored JSON text, ``response`` or None), in
    the order of ``ids``."""
    if not ids:
        return pd.DataFrame(columns=["id", *SAMPLE_COLUMNS, "created_at"])
    with engine.connect() as conn:
        frame = pd.read_sql(select(prompt_samples).where(prompt_samples.c.id.in_(list(ids))), conn)
    order = {sample_id: i for i, sample_id in enumerate(ids)}
    frame = frame.sort_values("id", key=lambda s: s.map(order)).reset_index(drop=True)
    frame["response"] = frame["response"].astype(object).where(frame["response"].notna(), None)
    return frame


def delete_samples(engine: Engine, ids: Sequence[int] | None = None) -> int:
    """Delete the samples ``ids``, or every sample when it is None; returns how many went."""
    statement = delete(prompt_samples)
    if ids is not None:
        if not ids:
            return 0
        statement = statement.where(prompt_samples.c.id.in_(list(ids)))
    with engine.begin() as conn:
        return int(conn.execute(statement).rowcount)
