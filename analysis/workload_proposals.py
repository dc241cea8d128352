"""Workloads proposed from the ledger: one per project × model family × feature tag that carries a
noticeable share of spend, named in the user's own words, with a first guess at what each one does.

The guesses (task category, criticality, batch tolerance) are a starting point the user corrects on the
Workloads page; each comes from names the user chose (feature tags, projects) and facts in the ledger
(embedding models, reasoning models, the batch API).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Engine

from analysis.assumptions import DEFAULT_FLOOR_PCT, WINDOW_DAYS
from analysis.spend import priced_usage
from analysis.workload_rules import Rule, Workload
from db.measures import TOOL_CHARGE_PREFIX
from db.usage import usage_span
from pricing.identity import family_of

__all__ = [
    "PROPOSAL_MIN_SHARE",
    "guess_criticality",
    "guess_task_category",
    "is_embedding_family",
    "last_days",
    "order_by_precedence",
    "pretty_name",
    "propose_workloads",
]

# A slice of usage with less of the spend than this is folded into its project's other usage: a workload
# per 0.1% slice would bury the ones that matter.
PROPOSAL_MIN_SHARE = 0.01
# Keywords (prefixes of words in a feature tag or project name) per task category, tried in this order.
_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("code", ("code", "coding", "review", "copilot", "lint")),
    ("classification", ("class", "triage", "extract", "tag", "categor", "label", "moderat", "route")),
    ("summarisation", ("summar", "digest", "tldr")),
    ("rag", ("rag", "search", "retriev", "answer", "faq", "knowledge", "qa")),
)
_EMBEDDING_FAMILY = re.compile(r"embed|gecko|^bge-|^e5-|^gte-|^nomic-|^voyage-")
_REASONING_FAMILY = re.compile(r"^o\d(\b|-|$)|(^|-)r1(\b|-|$)|reason|thinking|^qwq")
# Names that usually mean customers see the answers: a wrong or slow one is a visible failure.
_CUSTOMER_FACING = ("support", "customer")
_ACRONYMS = {"rag", "llm", "ai", "api", "sql", "faq", "pdf", "qa", "hr", "crm", "seo", "ocr", "etl", "bi"}
# OpenAI project ids (proj_ and 24 random characters) are not names; they are shown as they are.
_OPAQUE_ID = re.compile(r"proj_[A-Za-z0-9]{16,}")


def _words(text: str | None) -> list[str]:
    return re.findall(r"[a-z0-9]+", (text or "").lower())


def pretty_name(text: str) -> str:
    """A project or feature tag as a person writes it.

    >>> pretty_name("proj_rag_search"), pretty_name("support-chat"), pretty_name("proj_abcdefghij0123456789")
    ('RAG search', 'Support chat', 'proj_abcdefghij0123456789')
    """
    if _OPAQUE_ID.fullmatch(text):
        return text
    stripped = re.sub(r"^(proj|prj|project)[_\-]", "", text.strip(), flags=re.IGNORECASE)
    words = [w.upper() if w.lower() in _ACRONYMS else w for w in re.split(r"[_\-\s]+", stripped) if w]
    if not words:
        return text
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])


def is_embedding_family(family: str) -> bool:
    """Whether a model family makes embeddings (it answers nothing, so it is never a chat candidate)."""
    return bool(_EMBEDDING_FAMILY.search(family))


def guess_task_category(names: Iterable[str | None], families: Iterable[str]) -> str:
    """The task a slice most likely serves: embeddings for embedding models, then what its feature tag or
    project says (the first name that says anything), then reasoning for reasoning models, else chat.

    >>> guess_task_category(["ticket-classify", "proj_triage"], ["gpt-4o-mini"])
    'classification'
    >>> guess_task_category([None, "proj_analytics"], ["o3-mini"]), guess_task_category(["rag"], ["bge-m3"])
    ('reasoning', 'embeddings')
    """
    families = list(families)
    if families and all(is_embedding_family(f) for f in families):
        return "embeddings"
    for name in names:
        words = _words(name)
        for category, keywords in _KEYWORDS:
            if any(word.startswith(k) for word in words for k in keywords):
                return category
    if families and all(_REASONING_FAMILY.search(f) for f in families):
        return "reasoning"
    return "chat"


def guess_criticality(name: str) -> str:
    """High for what customers usually see (support, customer-facing), else medium.

    >>> guess_criticality("Support chat · gpt-4o"), guess_criticality("Ticket summary · claude-haiku-4-5")
    ('high', 'medium')
    """
    return "high" if any(w.startswith(_CUSTOMER_FACING) for w in _words(name)) else "medium"


def last_days(engine: Engine, days: int, until: date | None = None) -> tuple[date, date] | None:
    """The first and last day of the ``days`` that end on ``until`` (default: the ledger's last day with
    usage), or None when the ledger is empty."""
    span = usage_span(engine)
    if span is None:
        return None
    end = until or span[1]
    return end - timedelta(days=days - 1), end


def order_by_precedence(workloads: Sequence[Workload], weights: Sequence[float]) -> list[Workload]:
    """``workloads`` largest ``weights`` first, except that one whose rules cover another's is preceded by
    it (first match wins, so a broad workload placed first would take the narrow one's usage)."""
    remaining = [w for w, _ in sorted(zip(workloads, weights, strict=True), key=lambda pair: -pair[1])]
    ordered: list[Workload] = []

    def place(workload: Workload, visiting: set[int]) -> None:
        visiting.add(id(workload))
        for other in list(remaining):
            covered = any(r.covers(s) for r in workload.rules for s in other.rules)
            # Visiting guards against two workloads covering each other (identical rules): the larger first.
            if other is not workload and covered and other in remaining and id(other) not in visiting:
                place(other, visiting)
        remaining.remove(workload)
        ordered.append(replace(workload, position=len(ordered)))

    while remaining:
        place(remaining[0], set())
    return ordered


@dataclass
class _Slice:
    project: str | None
    feature: str | None
    family: str
    weight: float
    batch_weight: float

    @property
    def label(self) -> str:
        return pretty_name(self.feature or self.project or "untagged")

    @property
    def rule(self) -> Rule:
        return Rule(project=self.project, feature=self.feature, model=self.family)


def _text(value: object) -> str | None:
    # Group keys are the ledger's text or NaN where it has none.
    return value if isinstance(value, str) else None


def _slices(engine: Engine) -> list[_Slice]:
    window = last_days(engine, WINDOW_DAYS)
    if window is None:
        return []
    frame = priced_usage(engine, ["project", "feature", "canonical_model"], since=window[0], until=window[1])
    # A tool's charge (web search calls) is not a model's work: no candidate model could take it over.
    frame = frame[~frame["model"].astype("string").str.startswith(TOOL_CHARGE_PREFIX, na=False)]
    if frame.empty:
        return []
    named = frame["model"].map(family_of)
    frame["family"] = frame["canonical_model"].astype(object).where(frame["canonical_model"].notna(), named)
    # Spend decides what matters; a ledger exitplan cannot price at all is weighed by its tokens instead.
    weight = frame["spend_usd"].fillna(0.0)
    if weight.sum() <= 0:
        weight = (frame["input_tokens"] + frame["output_tokens"]).astype("float64")
    frame["weight"] = weight
    frame["batch_weight"] = weight.where(frame["batch"].astype("boolean").fillna(False).astype(bool), 0.0)
    sums = frame.groupby(["project", "feature", "family"], dropna=False)[["weight", "batch_weight"]].sum()
    flat = sums.reset_index()
    columns = (flat[name] for name in ("project", "feature", "family", "weight", "batch_weight"))
    return [
        _Slice(_text(project), _text(feature), str(family), float(weight), float(batch))
        for project, feature, family, weight, batch in zip(*columns, strict=True)
    ]


def _proposal(name: str, rules: tuple[Rule, ...], parts: Sequence[_Slice], names: Sequence[str | None]) -> Workload:
    weight = sum(s.weight for s in parts)
    category = guess_task_category(names, sorted({s.family for s in parts}))
    criticality = guess_criticality(name)
    return Workload(
        id=None,
        name=name,
        rules=rules,
        task_category=category,
        criticality=criticality,
        # The more critical, the less quality a replacement may lose.
        quality_floor_pct=DEFAULT_FLOOR_PCT[criticality],
        # Agents call tools; a replacement without tool calling cannot run them.
        needs_tools="agent" in _words(name),
        batch_tolerant=weight > 0 and sum(s.batch_weight for s in parts) >= weight / 2,
    )


def propose_workloads(engine: Engine, *, min_share: float = PROPOSAL_MIN_SHARE) -> list[Workload]:
    """Workloads for the usage of the last :data:`~analysis.assumptions.WINDOW_DAYS` days (not saved), in the
    order they should claim it.

    Each (project, feature tag, model family) with at least ``min_share`` of the spend becomes a workload
    named after its feature tag (else its project) and family. A project's smaller slices are folded into
    one "<project> · other" workload that claims whatever else the project uses, so that nothing is left
    unassigned; a lone small slice keeps its own name.
    """
    slices = _slices(engine)
    total = sum(s.weight for s in slices)
    if not slices or total <= 0:
        return []
    threshold = min_share * total
    large = [s for s in slices if s.weight > 0 and s.weight >= threshold]
    small = [s for s in slices if 0 < s.weight < threshold]
    proposals: list[tuple[Workload, float]] = [
        (_proposal(f"{s.label} · {s.family}", (s.rule,), [s], [s.feature, s.project]), s.weight) for s in large
    ]
    for project in dict.fromkeys(s.project for s in small):
        parts = [s for s in small if s.project == project]
        if len(parts) == 1:
            s = parts[0]
            workload = _proposal(f"{s.label} · {s.family}", (s.rule,), parts, [s.feature, s.project])
        elif project is None:
            # Usage without a project has no project to catch it all: each slice keeps its own rule.
            rules = tuple(s.rule for s in parts)
            workload = _proposal("Other usage", rules, parts, [])
        else:
            workload = _proposal(f"{pretty_name(project)} · other", (Rule(project=project),), parts, [project])
        proposals.append((workload, sum(s.weight for s in parts)))
    ordered = order_by_precedence([w for w, _ in proposals], [weight for _, weight in proposals])
    return _distinct_names(ordered)


def _distinct_names(workloads: list[Workload]) -> list[Workload]:
    """Two projects with the same feature tag and model would propose one name twice: the later ones say
    which project they are."""
    seen: set[str] = set()
    result = []
    for w in workloads:
        name = w.name
        if name in seen:
            project = next((r.project for r in w.rules if r.project), None)
            name = f"{name} ({pretty_name(project)})" if project else name
        n = 2
        while name in seen:
            name, n = f"{w.name} ({n})", n + 1
        seen.add(name)
        result.append(replace(w, name=name))
    return result
