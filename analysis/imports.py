"""What an import did, in the words the Data page and ``exitplan ingest`` / ``imports`` show a person.

Every row read ends one of three ways, and the sentence says all three so that they add up: *accepted*
(usage, now in the ledger), *rejected* (it should have been usage and could not be read — each kept with its
reason) and *skipped* (not usage by the source's own definition, counted per kind: a SPAN observation, a
storage line of a cloud bill, an empty bucket). A Langfuse export of 427 observations reads "427 rows read,
239 accepted, 0 rejected, 188 skipped as not usage (150 SPAN observation, 38 EVENT observation)", not as an
import that failed on 188 rows.

Where a count is not in a source (a cost report's tokens), it reads "not in this source", never 0.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["NOT_IN_SOURCE", "count_words", "outcome_words", "skipped_words"]

NOT_IN_SOURCE = "not in this source"


def skipped_words(kinds: Mapping[str, int], most: int | None = None) -> str:
    """Skipped rows per kind, most first: ``"150 SPAN observation, 38 EVENT observation"``; with ``most``, only
    that many kinds and how many more.

    >>> skipped_words({"EVENT observation": 38, "SPAN observation": 150})
    '150 SPAN observation, 38 EVENT observation'
    >>> skipped_words({"a": 3, "b": 2, "c": 1}, most=1)
    '3 a, and 2 more kinds'
    """
    ordered = sorted(((n, kind) for kind, n in kinds.items() if n), key=lambda item: (-item[0], item[1]))
    shown = ordered if most is None else ordered[:most]
    words = ", ".join(f"{n:,} {kind}" for n, kind in shown)
    if len(shown) < len(ordered):
        words += f", and {len(ordered) - len(shown)} more kinds"
    return words


def outcome_words(read: int, accepted: int, rejected: int, skipped: Mapping[str, int]) -> str:
    """The rows of an import in one phrase: read, accepted, rejected and, when any, skipped by kind.

    >>> outcome_words(43, 42, 0, {"empty bucket": 1})
    '43 rows read, 42 accepted, 0 rejected, 1 skipped as not usage (1 empty bucket)'
    >>> outcome_words(4, 3, 1, {})
    '4 rows read, 3 accepted, 1 rejected'
    """
    words = f"{read:,} rows read, {accepted:,} accepted, {rejected:,} rejected"
    total = sum(skipped.values())
    if total:
        words += f", {total:,} skipped as not usage ({skipped_words(skipped, most=5)})"
    return words


def count_words(value: int | None, unknown_rows: int = 0, rows: int = 0) -> str:
    """A summed count as a person reads it: ``not in this source`` where no row's source reports it, and the
    known part marked where only some do.

    >>> count_words(None), count_words(1234), count_words(1234, 3, 10)
    ('not in this source', '1,234', '1,234 (not in the source of 3 of 10 rows)')
    """
    if value is None:
        return NOT_IN_SOURCE
    if unknown_rows:
        return f"{value:,} (not in the source of {unknown_rows:,} of {rows:,} rows)"
    return f"{value:,}"
