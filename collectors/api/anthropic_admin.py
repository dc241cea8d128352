"""Anthropic Admin API: the messages usage report and the cost report, page by page (FORMATS.md §2.1–2.2).

Each function takes a client made by :func:`client` (or any ``httpx.Client`` with the same base URL and
headers) and yields the raw pages, which the ``anthropic_usage_api`` and ``anthropic_cost_api`` formats
read. Times are whole UTC days; the API wants RFC 3339.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from collectors.api.http import Params, Sleep, get_pages, range_label

__all__ = [
    "ANTHROPIC_VERSION",
    "BASE_URL",
    "COSTS_GROUPS",
    "USAGE_GROUPS",
    "client",
    "cost_pages",
    "usage_pages",
]

BASE_URL = "https://api.anthropic.com"
USAGE_PATH = "/v1/organizations/usage_report/messages"
COSTS_PATH = "/v1/organizations/cost_report"
ANTHROPIC_VERSION = "2023-06-01"

# The dimensions the ledger keeps; anything not grouped by comes back null (FORMATS.md §0).
USAGE_GROUPS = ("model", "workspace_id", "api_key_id", "service_tier", "context_window")
# Grouping by description is what fills model, token type and service tier on cost rows (FORMATS.md §2.2).
COSTS_GROUPS = ("workspace_id", "description")
# The largest page of daily buckets both reports allow, so a month is one request.
LIMIT = 31

TIMEOUT = httpx.Timeout(60.0, connect=10.0)


def client(key: str, *, transport: httpx.BaseTransport | None = None, timeout: httpx.Timeout = TIMEOUT) -> httpx.Client:
    """A client for the Anthropic Admin API authenticated with an organization admin ``key``."""
    return httpx.Client(
        base_url=BASE_URL,
        headers={"x-api-key": key, "anthropic-version": ANTHROPIC_VERSION},
        timeout=timeout,
        transport=transport,
    )


def _rfc3339(moment: datetime) -> str:
    aware = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.strftime("%Y-%m-%dT%H:%M:%SZ")


def _params(start: datetime, end: datetime, groups: tuple[str, ...]) -> Params:
    # Arrays go with bracketed names, repeated (group_by[]=model&group_by[]=workspace_id), as the docs show.
    return [
        ("starting_at", _rfc3339(start)),
        ("ending_at", _rfc3339(end)),
        ("bucket_width", "1d"),
        ("limit", LIMIT),
        *(("group_by[]", group) for group in groups),
    ]


def _pages(
    client: httpx.Client, path: str, groups: tuple[str, ...], start: datetime, end: datetime, sleep: Sleep
) -> Iterator[dict[str, Any]]:
    where = f"Anthropic {path} ({range_label(start, end)})"
    return get_pages(client, path, _params(start, end, groups), where=where, sleep=sleep)


def usage_pages(
    client: httpx.Client, start: datetime, end: datetime, *, sleep: Sleep = time.sleep
) -> Iterator[dict[str, Any]]:
    """Daily messages usage in [start, end), grouped by model, workspace, API key, service tier and context window."""
    return _pages(client, USAGE_PATH, USAGE_GROUPS, start, end, sleep)


def cost_pages(
    client: httpx.Client, start: datetime, end: datetime, *, sleep: Sleep = time.sleep
) -> Iterator[dict[str, Any]]:
    """Daily costs in [start, end), grouped by workspace and description."""
    return _pages(client, COSTS_PATH, COSTS_GROUPS, start, end, sleep)
