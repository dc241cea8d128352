"""What a workload is: a named slice of the ledger, defined by rules, with what it needs from a model.

A rule names any of a project, a feature tag, an API key and a model; a rollup matches a rule when it has
every value the rule names. A workload claims the rollups that match any of its rules and that no workload
before it (by position) has claimed: first match wins, so a narrow workload placed before a broad one
carves its slice out of it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime

import pandas as pd

from pricing.identity import family_of

__all__ = [
    "CRITICALITIES",
    "RULE_FIELDS",
    "TASK_CATEGORIES",
    "Rule",
    "Workload",
    "assign_workloads",
    "describe_rules",
    "rules_from_json",
    "rules_to_json",
    "workload_problems",
]

TASK_CATEGORIES: dict[str, str] = {
    "chat": "Chat / assistant",
    "rag": "RAG answer",
    "summarisation": "Summarisation",
    "classification": "Classification / extraction",
    "code": "Code",
    "embeddings": "Embeddings",
    "reasoning": "Reasoning",
}
CRITICALITIES = ("low", "medium", "high")
RULE_FIELDS = ("project", "feature", "api_key", "model")


@dataclass(frozen=True)
class Rule:
    """Every field given must match; None matches anything. ``model`` matches the raw model id or its
    canonical family, so ``gpt-4o`` covers every snapshot of it on every host."""

    project: str | None = None
    feature: str | None = None
    api_key: str | None = None
    model: str | None = None

    def given(self) -> dict[str, str]:
        """The fields this rule names."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def covers(self, other: Rule) -> bool:
        """Whether every rollup ``other`` matches also matches this rule (so this one must come after it).

        >>> Rule(project="a").covers(Rule(project="a", model="gpt-4o")), Rule(model="x").covers(Rule())
        (True, False)
        """
        theirs = other.given()
        return all(theirs.get(k) == v for k, v in self.given().items())


@dataclass(frozen=True)
class Workload:
    """A workload as it stands (or as it was at ``saved_at``). ``id`` is None until it is saved.

    ``quality_floor_pct`` is the most a replacement may fall short of today's model on quality, in %;
    ``latency_slo_p95_s`` None means no latency objective.
    """

    id: int | None
    name: str
    rules: tuple[Rule, ...]
    task_category: str = "chat"
    criticality: str = "medium"
    quality_floor_pct: float = 5.0
    latency_slo_p95_s: float | None = None
    needs_tools: bool = False
    needs_vision: bool = False
    needs_json_schema: bool = False
    needs_caching: bool = False
    batch_tolerant: bool = False
    position: int = 0
    saved_at: datetime | None = None

    def definition(self) -> dict[str, object]:
        """What the user decides about the workload: everything but its id and save time."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("id", "saved_at")}


def rules_to_json(rules: Sequence[Rule]) -> str:
    """Rules as stored: a JSON list of the fields each names.

    >>> rules_to_json([Rule(project="p", model="gpt-4o")])
    '[{"project": "p", "model": "gpt-4o"}]'
    """
    return json.dumps([rule.given() for rule in rules])


def rules_from_json(text: str) -> tuple[Rule, ...]:
    return tuple(Rule(**{k: v for k, v in item.items() if k in RULE_FIELDS}) for item in json.loads(text))


def describe_rules(rules: Sequence[Rule]) -> str:
    """Rules in words, for a page or a report.

    >>> describe_rules([Rule(project="support-bot", feature="support-chat", model="gpt-4o"), Rule()])
    'project support-bot, feature support-chat, model gpt-4o; or all usage'
    """
    if not rules:
        return "no usage (it has no rules)"
    words = {"project": "project", "feature": "feature", "api_key": "API key", "model": "model"}
    parts = [", ".join(f"{words[k]} {v}" for k, v in rule.given().items()) or "all usage" for rule in rules]
    return "; or ".join(parts)


def workload_problems(workload: Workload) -> list[str]:
    """What stops ``workload`` from being saved, in the user's words; empty when it can be.

    >>> workload_problems(Workload(None, " ", (), criticality="urgent", quality_floor_pct=-1))[:2]
    ['Give the workload a name.', 'Give it at least one rule, or it covers no usage.']
    """
    problems = []
    if not workload.name.strip():
        problems.append("Give the workload a name.")
    elif len(workload.name) > 200:
        problems.append("Keep the name under 200 characters.")
    if not workload.rules:
        problems.append("Give it at least one rule, or it covers no usage.")
    if workload.task_category not in TASK_CATEGORIES:
        problems.append(f"The task category must be one of: {', '.join(TASK_CATEGORIES)}.")
    if workload.criticality not in CRITICALITIES:
        problems.append(f"The criticality must be one of: {', '.join(CRITICALITIES)}.")
    if not 0 <= workload.quality_floor_pct <= 100:
        problems.append("The quality floor is a share of today's quality: between 0% and 100%.")
    if workload.latency_slo_p95_s is not None and workload.latency_slo_p95_s <= 0:
        problems.append("The p95 latency objective must be above 0 seconds (or empty for none).")
    return problems


def _model_names(frame: pd.DataFrame) -> list[pd.Series]:
    """Every name a row's model goes by: its raw id, the family the id's name says, and the ledger's
    canonical model (which follows the user's mappings of unresolved ids)."""
    models = frame["model"].astype(object)
    named = models.map({m: family_of(m) for m in models.dropna().unique() if isinstance(m, str)})
    names = [models, named]
    if "canonical_model" in frame.columns:
        names.append(frame["canonical_model"].astype(object))
    return names


def assign_workloads(frame: pd.DataFrame, workloads: Sequence[Workload]) -> pd.Series:
    """The id of the workload that claims each row of ``frame`` (usage rollups with the rule fields as
    columns), or None where none does. Workloads are tried by position (then id); the first match wins.

    Vectorised: one mask per rule, however many rows.
    """
    if any(w.id is None for w in workloads):
        raise ValueError("only saved workloads (with an id) can claim usage")
    needed = {k for w in workloads for rule in w.rules for k in rule.given()}
    missing = needed - set(frame.columns)
    if missing:
        raise ValueError(f"usage lacks the columns the rules need: {', '.join(sorted(missing))}")
    claimed = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    free = pd.Series(True, index=frame.index)
    model_names = _model_names(frame) if "model" in needed else []
    for workload in sorted(workloads, key=lambda w: (w.position, w.id or 0)):
        matches = pd.Series(False, index=frame.index)
        for rule in workload.rules:
            mask = free.copy()
            for name, value in rule.given().items():
                columns = model_names if name == "model" else [frame[name]]
                same = pd.Series(False, index=frame.index)
                for column in columns:
                    same |= column.eq(value).fillna(False).astype(bool)
                mask &= same
            matches |= mask
        claimed[matches] = workload.id
        free &= ~matches
    return claimed
