"""How numbers read on the dashboard (money reads as :mod:`analysis.money` says, everywhere)."""

from __future__ import annotations

import math

import pandas as pd
from pandas.io.formats.style import Styler

__all__ = ["count", "highlight_rows"]

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


def highlight_rows(frame: pd.DataFrame, flag: str) -> Styler:
    """``frame`` with the rows whose boolean column ``flag`` is true tinted, for ``st.dataframe``."""
    return frame.style.apply(lambda row: [_HIGHLIGHT if row[flag] else ""] * len(row), axis=1)
