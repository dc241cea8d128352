"""Every source format exitplan reads, one module each, in the order detection tries them.

Specific formats come before general ones: the canonical CSV accepts any CSV with its columns, so it
is tried last.
"""

from __future__ import annotations

from collectors.format import Format
from collectors.formats import (
    anthropic_console_cost_csv,
    anthropic_console_usage_csv,
    anthropic_cost_api,
    anthropic_usage_api,
    azure_cost,
    azure_monitor,
    bedrock,
    canonical_csv,
    focus,
    gcp_billing,
    gemini,
    helicone,
    langfuse,
    litellm,
    openai_activity_csv,
    openai_costs,
    openai_legacy_usage,
    openai_usage_api,
    openai_usage_csv,
    otel,
)
from db.errors import NotFound

__all__ = ["FORMATS", "format_named"]

FORMATS: tuple[Format, ...] = (
    openai_usage_api.FORMAT,
    openai_costs.API_FORMAT,
    openai_legacy_usage.FORMAT,
    anthropic_usage_api.FORMAT,
    anthropic_cost_api.FORMAT,
    bedrock.FORMAT,
    gemini.FORMAT,
    gcp_billing.FORMAT,
    azure_monitor.FORMAT,
    otel.FORMAT,
    litellm.JSON_FORMAT,
    helicone.JSONL_FORMAT,
    langfuse.API_FORMAT,
    openai_usage_csv.FORMAT,
    openai_activity_csv.FORMAT,
    openai_costs.CSV_FORMAT,
    anthropic_console_usage_csv.FORMAT,
    anthropic_console_cost_csv.FORMAT,
    litellm.CSV_FORMAT,
    helicone.CSV_FORMAT,
    langfuse.CSV_FORMAT,
    azure_cost.FORMAT,
    focus.FORMAT,
    canonical_csv.FORMAT,
)


def format_named(name: str) -> Format:
    """The format called ``name``; raises :class:`~db.errors.NotFound` listing the known names."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise NotFound(f"unknown format {name!r}; known formats: {', '.join(f.name for f in FORMATS)}")
