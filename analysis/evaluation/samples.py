"""A workload's prompt samples: the ones kept under its name (``exitplan samples add``) and the ones kept
from imported logs whose dimensions its rules claim, as the ledger's usage is claimed (first match wins).

Samples are stored with a uniform priority (``db.prompt_samples``); a workload's first n by priority are a
uniform sample of its kept prompts, the same n every time, so evaluations of several candidates, run one
after another, replay the same prompts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from analysis.workload_rules import Workload, assign_workloads
from db.prompt_samples import delete_samples, read_samples, sample_index

__all__ = ["Sample", "purge_samples", "sample_count", "sample_summary", "workload_groups", "workload_samples"]


@dataclass(frozen=True)
class Sample:
    """A prompt to replay (chat messages) and today's answer to it, where the log kept one."""

    id: int
    messages: tuple[dict[str, str], ...]
    response: str | None


def _claimed(index: pd.DataFrame, workloads: Sequence[Workload]) -> pd.Series:
    """The name of the workload each sample belongs to (None: none)."""
    named = index["workload"].astype(object)
    saved = [w for w in workloads if w.id is not None]
    if index.empty or not saved:
        return named.where(named.notna(), None)
    ids = assign_workloads(index[["project", "feature", "api_key", "model"]], saved)
    names = {w.id: w.name for w in saved}
    by_rules = ids.map(lambda i: names.get(i) if i is not None and not pd.isna(i) else None)
    return named.where(named.notna(), by_rules)


def _of(engine: Engine, name: str, workloads: Sequence[Workload]) -> pd.DataFrame:
    index = sample_index(engine)
    return index[_claimed(index, workloads).eq(name).fillna(False).astype(bool)]


def workload_groups(workloads: Sequence[Workload]) -> Callable[[pd.DataFrame], pd.Series] | None:
    """How prompts kept from a log are grouped for the reservoir: by the saved workload that claims each
    request (``workload:NAME``, as ``exitplan samples add`` groups them; None where none does, and the request
    is grouped by its slice), so that the limit is per workload. None when no workload is saved yet.

    >>> from analysis.workload_rules import Rule
    >>> group = workload_groups([Workload(1, "Support", (Rule(project="support"),))])
    >>> frame = pd.DataFrame({"project": ["support", "other"], "feature": None, "api_key": None, "model": "gpt-4o"})
    >>> group(frame).tolist()
    ['workload:Support', None]
    """
    saved = [w for w in workloads if w.id is not None]
    if not saved:
        return None
    names = {w.id: w.name for w in saved}

    def group(records: pd.DataFrame) -> pd.Series:
        ids = assign_workloads(records[["project", "feature", "api_key", "model"]], saved)
        labels = [f"workload:{names[i]}" if i is not None and not pd.isna(i) else None for i in ids]
        return pd.Series(labels, index=records.index, dtype=object)

    return group


def _claimants(workload: Workload, workloads: Sequence[Workload]) -> list[Workload]:
    claimants = [workload if w.id == workload.id else w for w in workloads]
    if workload.id is not None and all(w.id != workload.id for w in workloads):
        claimants.append(workload)
    return claimants


def sample_count(engine: Engine, workload: Workload, workloads: Sequence[Workload]) -> int:
    """How many samples ``workload`` has."""
    return len(_of(engine, workload.name, _claimants(workload, workloads)))


def workload_samples(engine: Engine, workload: Workload, workloads: Sequence[Workload], n: int) -> list[Sample]:
    """Up to ``n`` of ``workload``'s samples, with their content, in priority order."""
    if n < 1:
        raise ValueError("an evaluation replays at least one prompt")
    chosen = _of(engine, workload.name, _claimants(workload, workloads)).sort_values("sample_key").head(n)
    frame = read_samples(engine, [int(i) for i in chosen["id"]])
    return [
        Sample(int(row["id"]), tuple(json.loads(str(row["messages"]))), row["response"])
        for row in frame.to_dict("records")
    ]


def sample_summary(engine: Engine, workloads: Sequence[Workload]) -> pd.DataFrame:
    """How many samples each workload has: ``workload`` (None for samples no workload claims), ``samples``,
    ``with_response`` (today's answer kept), ``redacted``, ``sources`` (the files they came from) and
    ``newest``; one row per workload, by name."""
    index = sample_index(engine)
    columns = ["workload", "samples", "with_response", "redacted", "sources", "newest"]
    if index.empty:
        return pd.DataFrame(columns=columns)
    index["owner"] = _claimed(index, workloads).fillna("")
    rows = []
    for owner, group in index.groupby("owner", sort=True):
        rows.append(
            {
                "workload": owner or None,
                "samples": len(group),
                "with_response": int(group["has_response"].sum()),
                "redacted": int(group["redacted"].sum()),
                "sources": sorted(set(group["source"])),
                "newest": pd.Timestamp(group["created_at"].max()).to_pydatetime(),
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    # None, not NaN, for the samples no workload claims (pandas' string dtype would make it NaN).
    frame["workload"] = pd.Series([row["workload"] for row in rows], index=frame.index, dtype=object)
    return frame


def purge_samples(engine: Engine, workloads: Sequence[Workload], name: str | None = None) -> int:
    """Delete the samples of the workload called ``name`` (those kept under the name, and those the rules of
    the saved workload of that name claim), or every sample when it is None; returns how many went."""
    if name is None:
        return delete_samples(engine)
    return delete_samples(engine, [int(i) for i in _of(engine, name, workloads)["id"]])
