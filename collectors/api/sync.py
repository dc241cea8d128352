"""One sync of a provider's admin API into the ledger, shared by ``exitplan collect`` and the Data page.

A sync pulls every page of every endpoint first and only then imports them all, with the new sync
cursors, in ONE transaction: a failure anywhere commits nothing and says where it stopped.

The range is whole UTC days [start, end). ``end`` is the start of today (or the day after ``until``, if
earlier), so only complete days are pulled and the cursor never claims a day still filling up. ``start``
is ``since``, else one day before the earliest point any endpoint's cursor reached (late-arriving usage
and costs of that day are picked up), else 30 days back. Each endpoint
imports as its own collector with ``replaces=(start, end)``, so a re-pull of an overlapping range
replaces what that endpoint stored for those days instead of adding to it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal, Protocol

import httpx
from sqlalchemy import Engine

from collectors.api import anthropic_admin, openai_admin
from collectors.api.http import ApiError, Sleep, range_label
from collectors.pipeline import ingest
from collectors.source import IngestError, source_from_bytes
from db.collector_state import save_synced_until, synced_until
from db.errors import ProviderError

__all__ = [
    "DEFAULT_DAYS",
    "PROVIDERS",
    "ClientFactory",
    "Endpoint",
    "EndpointResult",
    "Provider",
    "ProviderName",
    "SyncError",
    "SyncSummary",
    "default_client",
    "sync_provider",
    "sync_range",
]

ProviderName = Literal["openai", "anthropic"]
ClientFactory = Callable[[str, str], httpx.Client]
"""Makes the client for (provider name, admin key): base URL, auth headers, timeouts."""

DEFAULT_DAYS = 30
REPULL_DAYS = 1


class PageFetcher(Protocol):
    def __call__(
        self, client: httpx.Client, start: datetime, end: datetime, *, sleep: Sleep = ...
    ) -> Iterator[dict[str, Any]]: ...


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of an admin API: the collector name its imports carry, their format, how to pull it."""

    collector: str
    format_name: str
    title: str
    pages: PageFetcher


@dataclass(frozen=True)
class Provider:
    """An admin API: its name, where its key comes from, how to make its client, what it pulls."""

    name: ProviderName
    title: str
    key_env: str
    client: Callable[[str], httpx.Client]
    endpoints: tuple[Endpoint, ...]


PROVIDERS: dict[str, Provider] = {
    "openai": Provider(
        "openai",
        "OpenAI",
        "OPENAI_ADMIN_KEY",
        openai_admin.client,
        (
            Endpoint(
                "openai_admin:completions", "openai_usage_api", "completions usage", openai_admin.completions_pages
            ),
            Endpoint("openai_admin:embeddings", "openai_usage_api", "embeddings usage", openai_admin.embeddings_pages),
            Endpoint("openai_admin:costs", "openai_costs_api", "costs", openai_admin.cost_pages),
        ),
    ),
    "anthropic": Provider(
        "anthropic",
        "Anthropic",
        "ANTHROPIC_ADMIN_KEY",
        anthropic_admin.client,
        (
            Endpoint("anthropic_admin:usage", "anthropic_usage_api", "messages usage", anthropic_admin.usage_pages),
            Endpoint("anthropic_admin:costs", "anthropic_cost_api", "costs", anthropic_admin.cost_pages),
        ),
    ),
}


def default_client(provider: str, key: str) -> httpx.Client:
    """The real client for ``provider``: its base URL, the key in its auth header, timeouts."""
    return PROVIDERS[provider].client(key)


class SyncError(ProviderError):
    """A sync that saved nothing. The message says why and where it stopped, and never holds the key."""


@dataclass(frozen=True)
class EndpointResult:
    """What one endpoint's pull brought in."""

    collector: str
    title: str
    pages: int
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    import_id: int
    duplicate: bool
    # Results that are not token usage (an endpoint's images or tool calls), skipped and counted by kind.
    rows_skipped: int = 0


@dataclass(frozen=True)
class SyncSummary:
    """What a sync did: the range pulled and, per endpoint, what came in."""

    provider: str
    title: str
    start: datetime
    end: datetime
    synced_until: datetime | None
    endpoints: tuple[EndpointResult, ...]

    @property
    def rows_accepted(self) -> int:
        return sum(e.rows_accepted for e in self.endpoints)

    @property
    def rows_rejected(self) -> int:
        return sum(e.rows_rejected for e in self.endpoints)

    def message(self) -> str:
        """One line for a person: what was pulled."""
        pages = sum(e.pages for e in self.endpoints)
        rejected = f", {self.rows_rejected:,} rejected" if self.rows_rejected else ""
        return (
            f"{self.title}: {self.rows_accepted:,} rows{rejected} from {pages:,} pages "
            f"for {range_label(self.start, self.end)}."
        )


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def sync_range(
    engine: Engine, provider: Provider, *, since: date | None, until: date | None, now: datetime
) -> tuple[datetime, datetime]:
    """The whole UTC days [start, end) a sync pulls, as naive UTC datetimes (see the module docstring)."""
    today = _midnight(now.astimezone(UTC).date() if now.tzinfo else now.date())
    end = today if until is None else min(_midnight(until) + timedelta(days=1), today)
    if since is not None:
        if until is not None and since > until:
            raise SyncError(f"--since {since} is after --until {until}")
        if _midnight(since) >= end:
            last = end - timedelta(days=1)
            raise SyncError(f"nothing to pull from {since}: the last complete UTC day is {last:%Y-%m-%d}")
        return _midnight(since), end
    fallback = end - timedelta(days=DEFAULT_DAYS)
    cursors = [synced_until(engine, e.collector) for e in provider.endpoints]
    # Usage and cost reports keep filling in for a while after a day ends, so the last synced day is pulled
    # again; its buckets are replaced, not added to.
    return min(c - timedelta(days=REPULL_DAYS) if c is not None else fallback for c in cursors), end


def _advanced(previous: datetime | None, start: datetime, end: datetime) -> datetime:
    # The cursor means "everything before it is in": it moves only when this pull joins on to what is
    # already there, and never back (a backfill of an old month leaves it where it was).
    if previous is None:
        return end
    return max(previous, end) if start <= previous else previous


def _pull(
    client: httpx.Client, provider: Provider, start: datetime, end: datetime, sleep: Sleep
) -> list[list[dict[str, Any]]]:
    return [list(endpoint.pages(client, start, end, sleep=sleep)) for endpoint in provider.endpoints]


def sync_provider(
    engine: Engine,
    provider: str,
    key: str,
    *,
    since: date | None = None,
    until: date | None = None,
    client_factory: ClientFactory | None = None,
    sleep: Sleep = time.sleep,
    now: datetime | None = None,
) -> SyncSummary:
    """Pull ``provider``'s usage and costs for whole UTC days and import them in one transaction.

    The caller reads ``key`` (environment or Streamlit secrets); it is used only in the client's auth
    header. Raises :class:`SyncError`, with nothing saved, when the key is rejected, the API fails after
    its retries, or a page cannot be imported.
    """
    spec = PROVIDERS.get(provider)
    if spec is None:
        raise SyncError(f"unknown provider {provider!r}; choose one of {', '.join(PROVIDERS)}")
    if not key.strip():
        raise SyncError(f"{spec.title}: no admin key (set {spec.key_env})")
    if not (key.isascii() and key.isprintable()):
        # httpx would refuse the header with an error that may quote it; say so without the key.
        raise SyncError(f"{spec.title}: the admin key in {spec.key_env} has characters no API key has")
    start, end = sync_range(engine, spec, since=since, until=until, now=now or datetime.now(UTC))
    cursors = {e.collector: synced_until(engine, e.collector) for e in spec.endpoints}

    # Looked up at call time so a test can replace the module's default_client.
    factory = client_factory or default_client
    try:
        with factory(spec.name, key) as client:
            pulled = _pull(client, spec, start, end, sleep)
    except ApiError as exc:
        raise SyncError(_without(key, f"{spec.title} sync failed and saved nothing. Stopped at {exc}")) from None

    results: list[EndpointResult] = []
    saved: list[datetime] = []
    try:
        with engine.begin() as conn:
            for endpoint, pages in zip(spec.endpoints, pulled, strict=True):
                content = json.dumps(pages, separators=(",", ":")).encode()
                source = source_from_bytes(f"{endpoint.collector} {range_label(start, end)}", content)
                result = ingest(
                    engine,
                    source,
                    format_name=endpoint.format_name,
                    collector=endpoint.collector,
                    replaces=(start, end),
                    connection=conn,
                )
                results.append(
                    EndpointResult(
                        endpoint.collector,
                        endpoint.title,
                        len(pages),
                        result.rows_read,
                        result.rows_accepted,
                        result.rows_rejected,
                        result.import_id,
                        result.duplicate,
                        result.rows_skipped,
                    )
                )
                cursor = _advanced(cursors[endpoint.collector], start, end)
                save_synced_until(conn, endpoint.collector, cursor)
                saved.append(cursor)
    except IngestError as exc:
        raise SyncError(
            _without(key, f"{spec.title} sync saved nothing: a page could not be imported ({exc})")
        ) from None
    return SyncSummary(spec.name, spec.title, start, end, min(saved, default=None), tuple(results))


def _without(key: str, message: str) -> str:
    # The HTTP layer already redacts; this is the last check before a message leaves the collector.
    return message.replace(key, "[redacted]") if len(key) >= 4 else message
