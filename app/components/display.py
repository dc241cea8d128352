"""How numbers read on the dashboard."""

from __future__ import annotations

import math

__all__ = ["count", "usd"]


def usd(value: float | None) -> str:
    """Dollars for a KPI (cents only below $1,000); a missing amount reads "unpriced", never $0.

    >>> usd(1234.6), usd(12.345)
    ('$1,235', '$12.35')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "unpriced"
    return f"${value:,.0f}" if abs(value) >= 1000 else f"${value:,.2f}"


def count(value: float | None) -> str:
    """A large count, abbreviated: 1.2M, 3.4B."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    for size, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}{suffix}"
    return f"{value:,.0f}"
