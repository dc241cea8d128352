"""How numbers read on the dashboard (money reads as :mod:`analysis.money` says, everywhere)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command line reads names through this module; the styler (and jinja2) is the pages'
    import pandas as pd
    from pandas.io.formats.style import Styler

__all__ = ["count", "highlight_rows", "some_of"]

# Streamlit's red at a low alpha: readable in the light and the dark theme.
_HIGHLIGHT = "background-color: rgba(255, 75, 75, 0.15)"


def count(value: float | None) -> str:
    """A large count, abbreviated: 1.2M, 3.4B."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}{suffix}"
    return f"{value:,.0f}"


def some_of(names: Sequence[str], shown: int = 10) -> str:
    """Names for a sentence: at most ``shown`` of them, then how many more (a ledger can hold a million
    model names, a gateway's per-request ids).

    >>> some_of(["a", "b"]), some_of([f"m{n}" for n in range(1200)], 3)
    ('a, b', 'm0, m1, m2 and 1,197 more')
    """
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def highlight_rows(frame: pd.DataFrame, flag: str) -> Styler:
    """``frame`` with the rows whose boolean column ``flag`` is true tinted, for ``st.dataframe``."""
    return frame.style.apply(lambda row: [_HIGHLIGHT if row[flag] else ""] * len(row), axis=1)
