"""Text every database accepts: PostgreSQL refuses the NUL character in text, which SQLite stores.

A NUL reaches the ledger only from a damaged file (a binary line, a mis-decoded export). It becomes U+FFFD,
the replacement character, on every database, so a ledger holds the same text whichever it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import overload

import pandas as pd

__all__ = ["REPLACEMENT", "as_text", "without_nul", "without_nul_columns"]

NUL = "\x00"
REPLACEMENT = "\ufffd"


def as_text(column: pd.Series) -> pd.Series:
    """``column`` as a series the ``.str`` accessor takes, whatever its dtype (an all-missing column may be
    float); values that are not strings count as missing."""
    return column if isinstance(column.dtype, pd.StringDtype) else column.astype(object)


@overload
def without_nul(value: str) -> str: ...
@overload
def without_nul(value: str | None) -> str | None: ...
def without_nul(value: str | None) -> str | None:
    """``value`` with each NUL character replaced.

    >>> without_nul("a\\x00b")
    'a\\ufffdb'
    """
    return value.replace(NUL, REPLACEMENT) if value is not None and NUL in value else value


def without_nul_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``frame`` with NUL characters replaced in the text of ``columns`` (the same frame when it has none).

    >>> frame = pd.DataFrame({"model": ["gpt\\x00-4o", None]}, dtype=object)
    >>> without_nul_columns(frame, ["model"])["model"].tolist() == ["gpt\\ufffd-4o", None]
    True
    """
    for name in columns:
        # Dimensions have few distinct values: look at those, and at every row only when one has a NUL.
        if not any(isinstance(value, str) and NUL in value for value in frame[name].unique()):
            continue
        column = as_text(frame[name])
        hits = column.str.contains(NUL, regex=False, na=False)
        cleaned = column[hits].str.replace(NUL, REPLACEMENT, regex=False)
        frame = frame.assign(**{name: column.mask(hits, cleaned)})
    return frame
