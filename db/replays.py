"""What replaying a workload's sample prompts on a candidate found, one row per workload and candidate:
running the evaluation again replaces it. How the figures are measured and judged belongs to
``analysis.evaluation``; Alternatives reads them as the company's own evidence."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, and_, delete, insert, select

from db.schema import replay_results

__all__ = ["REPLAY_COLUMNS", "delete_replays", "list_replays", "save_replays"]

# The columns a result is given by; ``id`` and ``created_at`` are the ledger's. Money is ``cost_usd`` here
# and integer nano-dollars in the table.
REPLAY_COLUMNS: tuple[str, ...] = (
    "workload",
    "incumbent_host",
    "incumbent_model",
    "host",
    "model",
    "n",
    "judge",
    "wins",
    "ties",
    "losses",
    "win_rate",
    "win_rate_low",
    "win_rate_high",
    "ttft_p50_s",
    "ttft_p95_s",
    "tokens_per_s",
    "output_ratio",
    "output_ratio_low",
    "output_ratio_high",
    "cost_usd",
)
_FLOATS = (
    "win_rate",
    "win_rate_low",
    "win_rate_high",
    "ttft_p50_s",
    "ttft_p95_s",
    "tokens_per_s",
    "output_ratio",
    "output_ratio_low",
    "output_ratio_high",
    "cost_usd",
)
_NANO = 1_000_000_000


def _stored(result: Mapping[str, object], now: datetime) -> dict[str, object]:
    row = {name: result.get(name) for name in REPLAY_COLUMNS if name != "cost_usd"}
    cost = result.get("cost_usd")
    row["cost_nano_usd"] = None if cost is None else round(float(str(cost)) * _NANO)
    return {**row, "created_at": now}


def save_replays(engine: Engine, results: Iterable[Mapping[str, object]]) -> int:
    """Store ``results`` (mappings with the columns of :data:`REPLAY_COLUMNS`), each replacing what was
    stored for its workload and candidate, in one transaction. Returns how many were stored."""
    now = datetime.now(UTC).replace(tzinfo=None)
    rows = [_stored(result, now) for result in results]
    with engine.begin() as conn:
        for row in rows:
            same = and_(
                replay_results.c.workload == row["workload"],
                replay_results.c.host == row["host"],
                replay_results.c.model == row["model"],
            )
            conn.execute(delete(replay_results).where(same))
        if rows:
            conn.execute(insert(replay_results), rows)
    return len(rows)


def list_replays(engine: Engine) -> pd.DataFrame:
    """Every stored result, oldest first: id, the columns of :data:`REPLAY_COLUMNS` and ``created_at``.
    Counts are Int64 (missing where not judged), figures float64 (NaN where not measured)."""
    with engine.connect() as conn:
        frame = pd.read_sql(select(replay_results).order_by(replay_results.c.id), conn)
    frame["cost_usd"] = frame.pop("cost_nano_usd").astype("float64") / _NANO
    for name in ("n", "wins", "ties", "losses"):
        frame[name] = frame[name].astype("Int64")
    for name in _FLOATS:
        frame[name] = frame[name].astype("float64")
    for name in ("judge", "incumbent_host", "incumbent_model"):
        frame[name] = frame[name].astype(object).where(frame[name].notna(), None)
    return frame


def delete_replays(engine: Engine, workload: str | None = None) -> int:
    """Delete the results of ``workload``, or every result when it is None; returns how many went."""
    statement = delete(replay_results)
    if workload is not None:
        statement = statement.where(replay_results.c.workload == workload)
    with engine.begin() as conn:
        return int(conn.execute(statement).rowcount)
