"""OpenAI Admin API: usage (completions, embeddings) and costs, pulled page by page (FORMATS.md §1.1–1.5).

Each function takes a client made by :func:`client` (or any ``httpx.Client`` with the same base URL and
auth) and yields the raw pages, which the ``openai_usage_api`` and ``openai_costs_api`` formats read.
Times are naive or aware UTC datetimes on whole days; the API wants Unix seconds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from collectors.api.http import Params, Sleep, get_pages, range_label

__all__ = [
    "BASE_URL",
    "COMPLETIONS_GROUPS",
    "COSTS_GROUPS",
    "EMBEDDINGS_GROUPS",
    "client",
    "completions_pages",
    "cost_pages",
    "embeddings_pages",
]

BASE_URL = "https://api.openai.com"
COMPLETIONS_PATH = "/v1/organization/usage/completions"
EMBEDDINGS_PATH = "/v1/organization/usage/embeddings"
COSTS_PATH = "/v1/organization/costs"

# Every dimension the ledger keeps: ungrouped results come back with these fields null (FORMATS.md §0).
COMPLETIONS_GROUPS = ("model", "project_id", "api_key_id", "batch", "service_tier")
# The embeddings endpoint has no batch or service-tier dimension (FORMATS.md §1.4).
EMBEDDINGS_GROUPS = ("model", "project_id", "api_key_id")
COSTS_GROUPS = ("line_item", "project_id")
# The largest page each endpoint allows for daily buckets, so a month is one request.
USAGE_LIMIT = 31
COSTS_LIMIT = 180

# Usage queries over many groups can take a while on OpenAI's side; connecting should not.
TIMEOUT = httpx.Timeout(60.0, connect=10.0)


def client(key: str, *, transport: httpx.BaseTransport | None = None, timeout: httpx.Timeout = TIMEOUT) -> httpx.Client:
    """A client for the OpenAI Admin API authenticated with an organization admin ``key``."""
    return httpx.Client(
        base_url=BASE_URL,
        headers={"Authorization": f"Bearer {key}"},
        timeout=timeout,
        transport=transport,
    )


def _seconds(moment: datetime) -> int:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(aware.timestamp())


def _where(path: str, start: datetime, end: datetime) -> str:
    return f"OpenAI {path} ({range_label(start, end)})"


def _params(start: datetime, end: datetime, groups: tuple[str, ...], limit: int) -> Params:
    # Arrays go as repeated parameters (group_by=model&group_by=project_id), as OpenAI's cookbook sends them.
    return [
        ("start_time", _seconds(start)),
        ("end_time", _seconds(end)),
        ("bucket_width", "1d"),
        ("limit", limit),
        *(("group_by", group) for group in groups),
    ]


def _usage(
    client: httpx.Client, path: str, groups: tuple[str, ...], start: datetime, end: datetime, sleep: Sleep
) -> Iterator[dict[str, Any]]:
    return get_pages(
        client, path, _params(start, end, groups, USAGE_LIMIT), where=_where(path, start, end), sleep=sleep
    )


def completions_pages(
    client: httpx.Client, start: datetime, end: datetime, *, sleep: Sleep = time.sleep
) -> Iterator[dict[str, Any]]:
    """Daily completions usage in [start, end), grouped by model, project, API key, batch and service tier."""
    return _usage(client, COMPLETIONS_PATH, COMPLETIONS_GROUPS, start, end, sleep)


def embeddings_pages(
    client: httpx.Client, start: datetime, end: datetime, *, sleep: Sleep = time.sleep
) -> Iterator[dict[str, Any]]:
    """Daily embeddings usage in [start, end), grouped by model, project and API key."""
    return _usage(client, EMBEDDINGS_PATH, EMBEDDINGS_GROUPS, start, end, sleep)


def cost_pages(
    client: httpx.Client, start: datetime, end: datetime, *, sleep: Sleep = time.sleep
) -> Iterator[dict[str, Any]]:
    """Daily costs in [start, end), grouped by line item and project."""
    params = _params(start, end, COSTS_GROUPS, COSTS_LIMIT)
    return get_pages(client, COSTS_PATH, params, where=_where(COSTS_PATH, start, end), sleep=sleep)
