"""Every source format exitplan reads, one module each, in the order detection tries them.

Specific formats come before general ones: the canonical CSV accepts any CSV with its columns, so it
is tried last.
"""

from __future__ import annotations

from collectors.format import Format
from collectors.formats import (
    canonical_csv,
    openai_costs,
    openai_legacy_usage,
    openai_usage_api,
    openai_usage_csv,
)

__all__ = ["FORMATS", "format_named"]

FORMATS: tuple[Format, ...] = (
    openai_usage_api.FORMAT,
    openai_costs.API_FORMAT,
    openai_legacy_usage.FORMAT,
    openai_usage_csv.FORMAT,
    openai_costs.CSV_FORMAT,
    canonical_csv.FORMAT,
)


def format_named(name: str) -> Format:
    """The format called ``name``; raises ``KeyError`` listing the known names."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(f"unknown format {name!r}; known formats: {', '.join(f.name for f in FORMATS)}")
