"""The company's own evidence from replaying a workload's prompts on a candidate (``exitplan evaluate``): the
judged win rate against today's answers and the answers' measured length. Alternatives ranks the first above
every public board (:mod:`analysis.quality`) and uses the second in place of the assumed answer-length range
in that candidate's cost (:mod:`analysis.costing`); the latency the run measured is a latency measurement
(:mod:`analysis.latency_measurements`).

Storing and reading the results is ``db.replays`` (re-exported here); what the figures mean is
:mod:`analysis.evaluation`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.reference import reference_key
from db.replays import REPLAY_COLUMNS, delete_replays, list_replays, save_replays
from pricing.identity import provider_id

__all__ = ["REPLAY_COLUMNS", "ReplayFinding", "delete_replays", "list_replays", "replay_finding", "save_replays"]


@dataclass(frozen=True)
class ReplayFinding:
    """What an evaluation found for a workload on a candidate. ``win_rate`` (ties count half) and its 95%
    ``interval`` are None when the answers were not judged; ``output_ratio`` (low, ratio, high) is None when
    there were no answers of today's to compare lengths with."""

    workload: str
    host: str
    model: str
    n: int
    judge: str | None
    wins: int | None
    ties: int | None
    losses: int | None
    win_rate: float | None
    interval: tuple[float, float] | None
    output_ratio: tuple[float, float, float] | None
    as_of: str | None
    incumbent_model: str | None

    @property
    def judged(self) -> int:
        return (self.wins or 0) + (self.ties or 0) + (self.losses or 0)


def _number(value: object) -> float | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    number = float(str(value))
    return None if number != number else number  # NaN: not measured


def _present(value: object) -> bool:
    return value is not pd.NaT and value is not pd.NA and value == value


def _count(value: object) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def replay_finding(replays: pd.DataFrame | None, workload: str, host: str, model: str) -> ReplayFinding | None:
    """The newest evaluation of ``model`` on ``host`` for ``workload`` — the same name, else the same model
    family as the reference tables spell it — or None.

    >>> from datetime import datetime
    >>> frame = pd.DataFrame([{"workload": "Support", "host": "groq", "model": "llama-3.3-70b-versatile", "n": 50,
    ...     "judge": "openai/gpt-4.1", "wins": 20, "ties": 10, "losses": 20, "win_rate": 0.5, "win_rate_low": 0.37,
    ...     "win_rate_high": 0.63, "output_ratio": 1.1, "output_ratio_low": 1.0, "output_ratio_high": 1.2,
    ...     "incumbent_model": "gpt-4o", "created_at": datetime(2026, 12, 1)}])
    >>> found = replay_finding(frame, "Support", "groq", "llama-3.3-70b-versatile")
    >>> found.win_rate, found.interval, found.output_ratio, found.as_of
    (0.5, (0.37, 0.63), (1.0, 1.1, 1.2), '2026-12-01')
    >>> replay_finding(frame, "Support", "together", "llama-3.3-70b-versatile") is None
    True
    """
    if replays is None or replays.empty:
        return None
    rows = replays[(replays["workload"] == workload) & (replays["host"] == provider_id(host))]
    exact = rows[rows["model"] == model]
    if exact.empty and not rows.empty:
        key = reference_key(model)[0]
        exact = rows[[reference_key(str(m))[0] == key for m in rows["model"]]]
    if exact.empty:
        return None
    row = exact.iloc[-1]  # oldest first: the newest run wins
    rate, low, high = (_number(row.get(name)) for name in ("win_rate", "win_rate_low", "win_rate_high"))
    ratio = tuple(_number(row.get(f"output_ratio{end}")) for end in ("_low", "", "_high"))
    created = row.get("created_at")
    incumbent = row.get("incumbent_model")
    return ReplayFinding(
        workload=workload,
        host=str(row["host"]),
        model=str(row["model"]),
        n=int(row["n"]),
        judge=row["judge"] if isinstance(row.get("judge"), str) else None,
        wins=_count(row.get("wins")),
        ties=_count(row.get("ties")),
        losses=_count(row.get("losses")),
        win_rate=rate,
        interval=(low, high) if rate is not None and low is not None and high is not None else None,
        output_ratio=(ratio[0], ratio[1], ratio[2]) if ratio[0] and ratio[1] and ratio[2] else None,
        as_of=str(pd.Timestamp(str(created)).date()) if created is not None and _present(created) else None,
        incumbent_model=incumbent if isinstance(incumbent, str) else None,
    )
