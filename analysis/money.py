"""How an amount of money reads, everywhere exitplan shows one: pages, commands, sentences and reports.

One rule: dollars with thousands separators; cents only where they matter (below $1,000), or wherever the
caller asks for them (a finance table to the cent). Figures read together — a row of tiles, a range —
share one precision, so "$7,521" never stands beside "$140.52". A missing amount is "unpriced", never $0.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["CENTS_BELOW", "usd", "usd_range", "usd_together"]

CENTS_BELOW = 1000.0


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def usd(value: float | None, *, cents: bool | None = None, missing: str = "unpriced") -> str:
    """An amount in dollars: cents below $1,000 unless ``cents`` says otherwise; ``missing`` for None.

    >>> usd(1234.6), usd(12.345), usd(1234.6, cents=True), usd(-140.52, cents=False), usd(None)
    ('$1,235', '$12.35', '$1,234.60', '-$141', 'unpriced')

    An amount too small for the precision is said to be so, never rounded to nothing: a priced embedding
    call costs money even when it is a fraction of a cent.

    >>> usd(0.0018), usd(-0.004), usd(0.3, cents=False), usd(0.0), usd(0.005)
    ('< $0.01', '> -$0.01', '< $1', '$0.00', '$0.01')
    """
    if _missing(value):
        return missing
    assert value is not None
    with_cents = abs(value) < CENTS_BELOW if cents is None else cents
    text = f"${abs(value):,.2f}" if with_cents else f"${abs(value):,.0f}"
    if value != 0 and not text.strip("$0.,"):
        unit = "$0.01" if with_cents else "$1"
        return f"< {unit}" if value > 0 else f"> -{unit}"
    # "-$141" rather than "$-141": the sign belongs before the currency.
    return f"-{text}" if value < 0 and text.strip("$0.,") else text


def usd_together(values: Sequence[float | None], *, missing: str = "unpriced") -> list[str]:
    """Amounts read side by side, in one precision: cents only when every one of them is below $1,000.

    >>> usd_together([7521.04, 140.52, None])
    ['$7,521', '$141', 'unpriced']
    >>> usd_together([12.5, 140.52])
    ['$12.50', '$140.52']
    """
    present = [abs(v) for v in values if v is not None and not _missing(v)]
    cents = bool(present) and max(present) < CENTS_BELOW
    return [usd(v, cents=cents, missing=missing) for v in values]


def usd_range(low: float | None, high: float | None, *, missing: str = "unpriced") -> str:
    """A low–high range in one precision.

    >>> usd_range(1094.0, 1412.36), usd_range(None, None)
    ('$1,094–$1,412', 'unpriced')
    """
    if _missing(low) and _missing(high):
        return missing
    first, second = usd_together([low, high], missing="?")
    return f"{first}–{second}"
