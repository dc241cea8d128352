"""Workloads: named slices of the ledger that the user keeps (ARCHITECTURE.md §5).

Every edit saves a new version, so a workload's history is kept and any estimate can say which definition
it used. Merging and splitting are edits too: the old workloads get a deleted version, the new ones a first.
What a workload *is* (rules, fields, first-match assignment) lives in :mod:`analysis.workload_rules`; how
exitplan proposes them from the ledger, in :mod:`analysis.workload_proposals`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine

from analysis.assumptions import DAYS_PER_MONTH, WINDOW_DAYS
from analysis.spend import PRICING_KEYS, price_usage, priced_usage
from analysis.workload_proposals import (
    PROPOSAL_MIN_SHARE,
    guess_task_category,
    is_embedding_family,
    last_days,
    propose_workloads,
)
from analysis.workload_rules import (
    CRITICALITIES,
    TASK_CATEGORIES,
    Rule,
    Workload,
    assign_workloads,
    describe_rules,
    rules_from_json,
    rules_to_json,
    workload_problems,
)
from db.errors import InvalidInput, NotFound
from db.usage import read_usage
from db.workloads import add_workload_versions, any_workload_saved, current_workload_rows, workload_versions
from pricing.identity import family_of
from pricing.sources import load_book

__all__ = [
    "CRITICALITIES",
    "SPLIT_DIMENSIONS",
    "TASK_CATEGORIES",
    "USAGE_KEYS",
    "Rule",
    "Workload",
    "assign_workloads",
    "delete_workload",
    "describe_rules",
    "ensure_workloads",
    "get_workload",
    "list_workloads",
    "merge_workloads",
    "propose_workloads",
    "replace_with_proposals",
    "rule_values",
    "save_workload",
    "split_workload",
    "workload_costs",
    "workload_history",
    "workload_problems",
    "workload_usage",
]

# What a workload's usage is read by: the rule fields, and what pricing needs.
USAGE_KEYS: tuple[str, ...] = tuple(
    dict.fromkeys(["project", "feature", "api_key", "model", "canonical_model", *PRICING_KEYS])
)
SPLIT_DIMENSIONS: dict[str, str] = {
    "model": "model",
    "feature": "feature tag",
    "project": "project",
    "api_key": "API key",
}
FLAGS = ("needs_tools", "needs_vision", "needs_json_schema", "needs_caching", "batch_tolerant")
_UNASSIGNED = -1


def _from_row(row: Mapping[str, Any]) -> Workload:
    slo = row["latency_slo_p95_s"]
    return Workload(
        id=int(row["workload_id"]),
        name=str(row["name"]),
        rules=rules_from_json(str(row["rules"])),
        task_category=str(row["task_category"]),
        criticality=str(row["criticality"]),
        quality_floor_pct=float(row["quality_floor_pct"]),
        latency_slo_p95_s=None if slo is None else float(slo),
        needs_tools=bool(row["needs_tools"]),
        needs_vision=bool(row["needs_vision"]),
        needs_json_schema=bool(row["needs_json_schema"]),
        needs_caching=bool(row["needs_caching"]),
        batch_tolerant=bool(row["batch_tolerant"]),
        position=int(row["position"]),
        saved_at=pd.Timestamp(row["saved_at"]).to_pydatetime(),
    )


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], frame.astype(object).where(frame.notna(), None).to_dict("records"))


def _values(workload: Workload, *, deleted: bool = False) -> dict[str, object]:
    values = workload.definition()
    return {**values, "rules": rules_to_json(workload.rules), "workload_id": workload.id, "deleted": deleted}


def list_workloads(engine: Engine) -> list[Workload]:
    """The workloads as they stand (deleted ones left out), in the order they claim usage."""
    return [_from_row(row) for row in _rows(current_workload_rows(engine)) if not row["deleted"]]


def get_workload(engine: Engine, workload_id: int) -> Workload | None:
    """One workload as it stands, or None when there is none (or it was deleted)."""
    return next((w for w in list_workloads(engine) if w.id == workload_id), None)


def _save_all(engine: Engine, versions: Sequence[tuple[Workload, bool]]) -> list[Workload]:
    saved = add_workload_versions(engine, [_values(w, deleted=deleted) for w, deleted in versions])
    return [replace(w, id=wid, saved_at=at) for (w, _), (_, wid, at) in zip(versions, saved, strict=True)]


def _check(workload: Workload) -> None:
    if problems := workload_problems(workload):
        raise InvalidInput(" ".join(problems))


def save_workload(engine: Engine, workload: Workload) -> Workload:
    """Save ``workload`` as its newest version (a new workload when its id is None) and return it as saved.

    Saving what is already its current definition adds no version. Raises :class:`InvalidInput`, in the
    user's words, when the workload is not valid, and :class:`NotFound` when its id is unknown.
    """
    _check(workload)
    if workload.id is not None:
        versions = workload_versions(engine, workload.id)
        if versions.empty:
            raise NotFound(f"There is no workload {workload.id}.")
        current = _from_row(_rows(versions)[0])
        if not versions["deleted"].iloc[0] and current.definition() == workload.definition():
            return current
    return _save_all(engine, [(workload, False)])[0]


def delete_workload(engine: Engine, workload_id: int) -> bool:
    """Mark a workload deleted (its history stays); False when there is no such workload."""
    current = get_workload(engine, workload_id)
    if current is None:
        return False
    _save_all(engine, [(current, True)])
    return True


def workload_history(engine: Engine, workload_id: int) -> pd.DataFrame:
    """Every version of a workload, newest first: its number (1 = first), when it was saved (UTC), and
    its definition then, rules in words."""
    frame = workload_versions(engine, workload_id)
    frame.insert(0, "version", range(len(frame), 0, -1))
    frame["rules"] = [describe_rules(rules_from_json(text)) for text in frame["rules"]]
    columns = [
        "version",
        "saved_at",
        "name",
        "rules",
        "task_category",
        "criticality",
        "quality_floor_pct",
        "latency_slo_p95_s",
        *FLAGS,
        "position",
        "deleted",
    ]
    return frame[columns].reset_index(drop=True)


def ensure_workloads(engine: Engine) -> list[Workload]:
    """The saved workloads; on a ledger where none was ever saved, the proposals, saved first. (Once the
    user has deleted them all, that choice stands: nothing is proposed again unasked.)"""
    if any_workload_saved(engine):
        return list_workloads(engine)
    return _save_all(engine, [(w, False) for w in propose_workloads(engine)])


def replace_with_proposals(
    engine: Engine, proposals: Sequence[Workload] | None = None, *, min_share: float = PROPOSAL_MIN_SHARE
) -> list[Workload]:
    """Delete every current workload and save ``proposals`` (default: fresh ones), in one transaction;
    returns the new workloads."""
    if proposals is None:
        proposals = propose_workloads(engine, min_share=min_share)
    gone = [(w, True) for w in list_workloads(engine)]
    return _save_all(engine, [*gone, *((w, False) for w in proposals)])[len(gone) :]


def merge_workloads(engine: Engine, ids: Sequence[int], name: str) -> Workload:
    """One workload from several: all their rules, at the place of the first; the strictest of their
    needs (highest criticality, smallest quality floor, tightest latency objective, every capability any
    needs; batch-tolerant only if all are). The merged ones are deleted."""
    current = {w.id: w for w in list_workloads(engine)}
    if len(set(ids)) < 2:
        raise InvalidInput("Pick at least two workloads to merge.")
    if unknown := [i for i in ids if i not in current]:
        raise NotFound(f"There is no workload {', '.join(map(str, unknown))}.")
    chosen = sorted({current[i] for i in ids}, key=lambda w: (w.position, w.id or 0))
    slos = [w.latency_slo_p95_s for w in chosen if w.latency_slo_p95_s is not None]
    merged = replace(
        chosen[0],
        id=None,
        name=name.strip(),
        rules=tuple(dict.fromkeys(rule for w in chosen for rule in w.rules)),
        criticality=max((w.criticality for w in chosen), key=CRITICALITIES.index),
        quality_floor_pct=min(w.quality_floor_pct for w in chosen),
        latency_slo_p95_s=min(slos) if slos else None,
        needs_tools=any(w.needs_tools for w in chosen),
        needs_vision=any(w.needs_vision for w in chosen),
        needs_json_schema=any(w.needs_json_schema for w in chosen),
        needs_caching=any(w.needs_caching for w in chosen),
        batch_tolerant=all(w.batch_tolerant for w in chosen),
        saved_at=None,
    )
    _check(merged)
    return _save_all(engine, [(merged, False), *((w, True) for w in chosen)])[0]


def split_workload(engine: Engine, workload_id: int, by: str) -> list[Workload]:
    """Split a workload into one per value of ``by`` (model family, feature, project or API key) in its
    usage over the last :data:`~analysis.assumptions.WINDOW_DAYS` days, largest spend first; usage without
    a value stays with a "<name> · other" workload placed after them. Each part keeps the workload's
    settings; the workload is deleted. The workloads after it move down to make room (a new version each,
    since their precedence changed)."""
    if by not in SPLIT_DIMENSIONS:
        raise InvalidInput(f"Split by one of: {', '.join(SPLIT_DIMENSIONS)}.")
    workloads = list_workloads(engine)
    workload = next((w for w in workloads if w.id == workload_id), None)
    if workload is None:
        raise NotFound(f"There is no workload {workload_id}.")
    usage = workload_usage(engine, workload, workloads, latency_bins=False)
    if usage.empty:
        raise InvalidInput(f"{workload.name} has no usage in the last {WINDOW_DAYS} days to split.")
    values = _families(usage) if by == "model" else usage[by].astype(object)
    priced = price_usage(usage.copy(), load_book(engine))
    sizes = pd.DataFrame(
        {"spend": priced["spend_usd"].fillna(0.0), "tokens": usage["input_tokens"] + usage["output_tokens"]}
    )
    order = sizes.groupby(values).sum().sort_values(["spend", "tokens"], ascending=False).index
    has_rest = bool(values.isna().any())
    if len(order) + has_rest < 2:
        raise InvalidInput(f"{workload.name} has one {SPLIT_DIMENSIONS[by]} in its usage: nothing to split it by.")
    parts = []
    for value in order:
        rows = usage[values.eq(value).fillna(False).astype(bool)]
        rules = tuple(_narrow(rule, by, str(value)) for rule in workload.rules if _claims(rule, rows))
        category = workload.task_category
        if by == "model" and (is_embedding_family(str(value)) or category == "embeddings"):
            category = guess_task_category([workload.name], [str(value)])
        name = f"{workload.name} · {value}"
        parts.append(replace(workload, id=None, name=name, rules=rules, task_category=category, saved_at=None))
    if has_rest:
        # Rules cannot say "no feature tag": the original rules, after the parts, claim what they leave.
        parts.append(replace(workload, id=None, name=f"{workload.name} · other", saved_at=None))
    for part in parts:
        _check(part)
    # The parts take the workload's place; those after it move down only as far as needed to make room.
    i = workloads.index(workload)
    placed = _from_position(workload.position, [*parts, *workloads[i + 1 :]])
    moved = [(w, False) for w, old in zip(placed[len(parts) :], workloads[i + 1 :], strict=True) if w != old]
    return _save_all(engine, [*((p, False) for p in placed[: len(parts)]), *moved, (workload, True)])[: len(parts)]


def _from_position(first: int, workloads: Sequence[Workload]) -> list[Workload]:
    """``workloads`` in this order from position ``first``, each keeping its position where it is free.

    >>> [w.position for w in _from_position(3, [Workload(None, "a", ()), Workload(None, "b", (), position=9)])]
    [3, 9]
    """
    placed: list[Workload] = []
    for w in workloads:
        position = max(w.position, placed[-1].position + 1) if placed else first
        placed.append(replace(w, position=position))
    return placed


def _families(frame: pd.DataFrame) -> pd.Series:
    named = frame["model"].map(family_of)
    return frame["canonical_model"].astype(object).where(frame["canonical_model"].notna(), named).astype(object)


def _narrow(rule: Rule, by: str, value: str) -> Rule:
    return replace(rule, **{by: value}) if getattr(rule, by) is None else rule


def _claims(rule: Rule, rows: pd.DataFrame) -> bool:
    return bool(assign_workloads(rows, [Workload(0, "", (rule,))]).notna().any())


def workload_usage(
    engine: Engine,
    workload: Workload,
    workloads: Sequence[Workload],
    *,
    days: int = WINDOW_DAYS,
    until: date | None = None,
    latency_bins: bool = True,
) -> pd.DataFrame:
    """The daily rollups (by :data:`USAGE_KEYS`) of the ``days`` ending on ``until`` (default: the ledger's
    last day with usage) that ``workload`` claims among ``workloads``. An edited ``workload`` takes the
    place of its saved version in ``workloads``; one not among them is tried after them."""
    if workload.id is None:
        raise ValueError("only a saved workload (with an id) has usage")
    window = last_days(engine, days, until)
    since, end = window if window is not None else (None, None)
    frame = read_usage(engine, USAGE_KEYS, grain="day", since=since, until=end, latency_bins=latency_bins)
    claimants = [workload if w.id == workload.id else w for w in workloads]
    if all(w.id != workload.id for w in workloads):
        claimants.append(replace(workload, position=max((w.position for w in workloads), default=0) + 1))
    claimed = assign_workloads(frame, claimants)
    return frame[claimed.eq(workload.id).fillna(False).astype(bool)].reset_index(drop=True)


def workload_costs(engine: Engine, workloads: Sequence[Workload], *, days: int = WINDOW_DAYS) -> pd.DataFrame:
    """One row per workload (in order) and one "Unassigned" row (``workload_id`` None) for the usage no
    workload claims, over the ``days`` ending on the ledger's last day: priced spend, ``monthly_cost_usd``
    (that spend for an average month), requests, input and output tokens, ``share`` of spend, the
    ``top_model`` (family) by spend with the ``top_host`` and ``top_model_id`` it is spent on, and ``unpriced``
    where part of the usage has no price. ``attrs["window"]`` holds
    the first and last day (ISO dates), None on an empty ledger.

    ``workloads`` may be proposals not saved yet (``id`` None, as :func:`propose_workloads` makes them):
    their rows come in the same order, with ``workload_id`` None like the Unassigned row, which stays last.
    """
    window = last_days(engine, days)
    since, end = window if window is not None else (None, None)
    frame = priced_usage(engine, ["project", "feature", "api_key", "canonical_model"], since=since, until=end)
    ordered = sorted(workloads, key=lambda w: (w.position, w.id or 0))
    # Each workload claims under its place in the order, not its id: proposals have no id yet. The places
    # are 0, 1, …, so -1 stands for "no workload" where None cannot be a key.
    claimed = assign_workloads(frame, [replace(w, id=place) for place, w in enumerate(ordered)])
    frame["key"] = pd.Series(claimed.tolist(), index=frame.index, dtype="Int64").fillna(_UNASSIGNED)
    frame["family"] = _families(frame)
    frame["spend"] = frame["spend_usd"].fillna(0.0)
    frame["no_price"] = frame["unpriced"] & frame["spend_usd"].isna()
    grouped = frame.groupby("key")
    sums = grouped[["spend", "requests", "input_tokens", "output_tokens"]].sum()
    sums["unpriced"] = grouped["no_price"].any()
    sums["known_spend_rows"] = grouped["spend_usd"].count()
    by_model = frame.groupby(["key", "family"])["spend"].sum().reset_index()
    top = by_model.sort_values("spend", ascending=False, kind="stable").drop_duplicates("key")
    sums["top_model"] = top.set_index("key")["family"]
    # The id and host the most is spent on: what retires, at its host, is that id.
    by_id = frame.groupby(["key", "provider", "model"])["spend"].sum().reset_index()
    top_id = by_id.sort_values("spend", ascending=False, kind="stable").drop_duplicates("key").set_index("key")
    sums["top_host"], sums["top_model_id"] = top_id["provider"], top_id["model"]
    keys = [*range(len(ordered)), _UNASSIGNED]
    table = sums.reindex(keys)
    table.index.name = "key"
    table = table.reset_index()
    table.insert(0, "workload_id", [w.id for w in ordered] + [None])
    table.insert(1, "name", [w.name for w in ordered] + ["Unassigned"])
    table.insert(2, "task_category", [w.task_category for w in ordered] + [None])
    table.insert(3, "criticality", [w.criticality for w in ordered] + [None])
    table["spend_usd"] = table.pop("spend").fillna(0.0)
    # Usage of which nothing has a price or a reported cost has no known spend: unpriced, never $0 (a
    # workload without usage in the window does cost $0).
    nothing_known = table.pop("known_spend_rows").eq(0)
    table.loc[nothing_known, "spend_usd"] = float("nan")
    table["monthly_cost_usd"] = table["spend_usd"] / days * DAYS_PER_MONTH
    total = float(table["spend_usd"].sum())
    table["share"] = table["spend_usd"] / total if total > 0 else table["spend_usd"] * 0.0
    for name in ("requests", "input_tokens", "output_tokens"):
        table[name] = table[name].fillna(0).astype("int64")
    table["unpriced"] = table["unpriced"].astype("boolean").fillna(False).astype(bool)
    table["workload_id"] = table["workload_id"].astype("Int64")
    columns = [
        "workload_id",
        "name",
        "task_category",
        "criticality",
        "monthly_cost_usd",
        "spend_usd",
        "share",
        "requests",
        "input_tokens",
        "output_tokens",
        "top_model",
        "top_host",
        "top_model_id",
        "unpriced",
    ]
    result = table[columns]
    # ISO dates: attrs travel with the frame into Arrow (st.dataframe), which needs them JSON-serialisable.
    result.attrs["window"] = [day.isoformat() for day in window] if window is not None else None
    return result


def rule_values(engine: Engine) -> dict[str, list[str]]:
    """The values each rule field takes in the ledger (models by raw id and canonical model), sorted, for
    the user to pick from."""
    frame = read_usage(engine, ["project", "feature", "api_key", "model", "canonical_model"])
    values = {name: sorted(set(frame[name].dropna().astype(str))) for name in ("project", "feature", "api_key")}
    values["model"] = sorted(
        set(frame["model"].dropna().astype(str)) | set(frame["canonical_model"].dropna().astype(str))
    )
    return values
