"""Whether genai-prices lists a model id at a provider, asked for a million ids as cheaply as for one.

genai-prices answers by trying each of its ~2,300 models' match clauses in turn (about 0.3 ms an id), and
its snapshot remembers every id it was asked about, without bound. A usage file can carry a million distinct
model ids (a gateway that writes a request id into the name): asked one by one, that is minutes of matching
and hundreds of megabytes of remembered misses. So each id first meets :class:`_Clauses`, every model's
clauses at once in a form no looser than needed to say "no model can match this" (an ``and`` reduced to its
first clause, each kind of clause tested in one C-level call); only an id that might match is looked up,
at the provider itself, which remembers nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from genai_prices import data_snapshot, types

__all__ = ["listed"]

# An id with a compact date ("-20251211") is also tried by genai-prices in its dashed form; such ids are
# looked up without the prefilter rather than by copying that rewrite.
_COMPACT_DATE = re.compile(r"\d{8}")


@dataclass
class _Clauses:
    """Every model's match clauses, by kind; :meth:`may_match` is True for any id some clause matches."""

    equals: set[str] = field(default_factory=set)
    starts: list[str] = field(default_factory=list)
    ends: list[str] = field(default_factory=list)
    contains: list[str] = field(default_factory=list)
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    anything: bool = False  # a clause of a kind not known here: every id might match

    def add(self, clause: types.MatchLogic) -> None:
        if isinstance(clause, types.ClauseEquals):
            self.equals.add(clause.equals.lower())
        elif isinstance(clause, types.ClauseStartsWith):
            self.starts.append(clause.starts_with.lower())
        elif isinstance(clause, types.ClauseEndsWith):
            self.ends.append(clause.ends_with.lower())
        elif isinstance(clause, types.ClauseContains):
            self.contains.append(clause.contains.lower())
        elif isinstance(clause, types.ClauseRegex):
            self.patterns.append(re.compile(clause.regex))
        elif isinstance(clause, types.ClauseOr):
            for each in clause.or_:
                self.add(each)
        elif isinstance(clause, types.ClauseAnd) and clause.and_:
            # What matches all of them matches the first.
            self.add(clause.and_[0])
        else:
            self.anything = True

    def may_match(self, ref: str) -> bool:
        return (
            self.anything
            or ref in self.equals
            or ref.startswith(tuple(self.starts))
            or ref.endswith(tuple(self.ends))
            or any(pattern.search(ref) for pattern in self.searches)
        )

    @cached_property
    def searches(self) -> list[re.Pattern[str]]:
        """Every ``contains`` and every regex without groups joined into one pattern each (built at the first
        :meth:`may_match`, once every clause is added), so an id meets them in one C-level search, not a few
        hundred Python-level ones. A regex with groups stays on its own (joined, its back-references would
        count another's groups), and so does each regex when they cannot be joined (an inline flag only holds
        at a pattern's start)."""
        plain = [pattern for pattern in self.patterns if not pattern.groups]
        searches = [pattern for pattern in self.patterns if pattern.groups]
        if self.contains:
            searches.append(re.compile("|".join(map(re.escape, self.contains))))
        if plain:
            try:
                searches.append(re.compile("|".join(f"(?:{pattern.pattern})" for pattern in plain)))
            except re.error:
                searches.extend(plain)
        return searches


# The clauses of the snapshot in use, kept beside it: genai-prices can be handed another snapshot (an update
# of its data, a test's own), and the clauses must be that one's.
_built: list[tuple[data_snapshot.DataSnapshot, _Clauses]] = []


def _clauses() -> _Clauses:
    snapshot = data_snapshot.get_snapshot()
    if not _built or _built[0][0] is not snapshot:
        clauses = _Clauses()
        for provider in snapshot.providers:
            for model in provider.models:
                clauses.add(model.match)
        _built[:] = [(snapshot, clauses)]
    return _built[0][1]


def listed(provider: str, model: str) -> bool:
    """Whether genai-prices lists ``model`` at ``provider`` (its id, or one of the names it matches).

    >>> listed("openai", "gpt-4o-2024-08-06"), listed("openai", "m-0000001"), listed("nowhere", "gpt-4o")
    (True, False, False)
    """
    ref = model.lower()
    if provider.lower() == "litellm":
        # genai-prices reads a provider out of a LiteLLM-style "provider/model" id: its own lookup.
        return _looked_up(provider, model)
    if not _COMPACT_DATE.search(ref) and not _clauses().may_match(ref):
        return False
    snapshot = data_snapshot.get_snapshot()
    host = data_snapshot.find_provider_by_id(snapshot.providers, provider)
    return host is not None and host.find_model(ref, all_providers=snapshot.providers) is not None


def _looked_up(provider: str, model: str) -> bool:
    try:
        data_snapshot.get_snapshot().find_provider_model(model, None, provider, None)
    except LookupError:
        return False
    return True
