"""``exitplan prices refresh``: fetch each price registry and keep it as a dated snapshot in the ledger.

Each source is fetched, checked and stored on its own: one that fails (network, a truncated file) is
reported and stores nothing, and the others go ahead. A body identical to the source's latest snapshot
is not stored again (``db.price_snapshots.add_snapshot``), so refreshing often costs nothing, and each
change of a registry becomes a dated entry of price history.

The LiteLLM check compares against the bundled copy in ``pricing/data/`` (see its README), the offline
default that a refresh supersedes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from typing import Literal

import httpx
from sqlalchemy import Engine

from collectors.api.http import Sleep
from collectors.prices.fetch import PriceFetchError
from collectors.prices.litellm_registry import check_litellm, fetch_litellm, litellm_model_count
from collectors.prices.openai_models import check_openai_models, fetch_openai_models, openai_client
from collectors.prices.openrouter import check_openrouter, fetch_openrouter
from db.price_snapshots import add_snapshot, list_snapshots

__all__ = [
    "SOURCES",
    "TIMEOUT",
    "ClientFactory",
    "RefreshResult",
    "bundled_litellm",
    "bundled_litellm_count",
    "default_client",
    "refresh_prices",
]

ClientFactory = Callable[[], httpx.Client]
"""Makes the client the registries are fetched with (timeouts, User-Agent, transport)."""

SOURCES: tuple[str, ...] = ("litellm", "openrouter")
_TITLES = {"litellm": "LiteLLM", "openrouter": "OpenRouter", "openai_models": "OpenAI /v1/models"}

# The LiteLLM file is ~3.5 MB from a CDN and OpenRouter's list ~0.7 MB: a slow read is normal, a slow
# connect is not.
TIMEOUT = httpx.Timeout(60.0, connect=10.0)

Status = Literal["stored", "unchanged", "failed"]


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh did for one source.

    ``status`` is ``stored`` (a new snapshot), ``unchanged`` (identical to the latest, ``snapshot_id`` is
    that one) or ``failed`` (``error`` says why; nothing was stored). ``fetched_at`` is aware UTC.
    """

    source: str
    fetched_at: datetime
    status: Status
    entries: int | None = None
    snapshot_id: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def message(self) -> str:
        """One line for a person.

        >>> RefreshResult("litellm", datetime(2026, 11, 29, 9, tzinfo=UTC), "stored", 4876, 3).message()
        'LiteLLM: 4,876 entries stored as the snapshot of 2026-11-29 09:00 UTC.'
        """
        title = _TITLES.get(self.source, self.source)
        if self.status == "failed":
            return f"{title}: not refreshed: {self.error}"
        when = f"{self.fetched_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
        if self.status == "unchanged":
            return f"{title}: {self.entries:,} entries, unchanged since the last snapshot (checked {when})."
        return f"{title}: {self.entries:,} entries stored as the snapshot of {when}."


def bundled_litellm() -> Traversable:
    """The LiteLLM registry vendored in ``pricing/data/`` (shipped in the wheel)."""
    return resources.files("pricing").joinpath("data").joinpath("litellm_model_prices.json")


@lru_cache(maxsize=1)
def bundled_litellm_count() -> int:
    """Model entries in the vendored LiteLLM registry: the baseline a download must not shrink below half of."""
    return litellm_model_count(json.loads(bundled_litellm().read_bytes()))


def _user_agent() -> str:
    try:
        version = metadata.version("exitplan")
    except metadata.PackageNotFoundError:
        version = "dev"
    # Named, so a registry's operators can tell who is fetching (and how often) instead of seeing python-httpx.
    return f"exitplan/{version} (price registry refresh)"


def default_client() -> httpx.Client:
    """The real client: timeouts, a User-Agent, and redirects followed (raw.githubusercontent.com redirects)."""
    return httpx.Client(timeout=TIMEOUT, headers={"User-Agent": _user_agent()}, follow_redirects=True)


def _fetch(source: str, client: httpx.Client, *, baseline_count: int | None, sleep: Sleep) -> tuple[bytes, int]:
    """The checked body of ``source`` and how many entries it has."""
    if source == "litellm":
        baseline = bundled_litellm_count() if baseline_count is None else baseline_count
        body = fetch_litellm(client, baseline_count=baseline, sleep=sleep)
        return body, check_litellm(body, baseline_count=baseline)
    if source == "openrouter":
        body = fetch_openrouter(client, sleep=sleep)
        return body, check_openrouter(body)
    raise PriceFetchError(f"unknown price source {source!r}; choose from {', '.join(SOURCES)}")


def _store(engine: Engine, source: str, body: bytes, moment: datetime) -> tuple[Status, int]:
    latest = list_snapshots(engine, source)[-1:]
    info = add_snapshot(engine, source, body, fetched_at=moment)
    # add_snapshot hands back the latest snapshot when the body is identical to it.
    unchanged = bool(latest) and latest[0].id == info.id
    return ("unchanged" if unchanged else "stored"), info.id


def refresh_prices(
    engine: Engine,
    *,
    client_factory: ClientFactory | None = None,
    sources: Sequence[str] = SOURCES,
    now: datetime | None = None,
    sleep: Sleep = time.sleep,
    baseline_count: int | None = None,
    openai_key: str | None = None,
    openai_client_factory: Callable[[str], httpx.Client] | None = None,
) -> list[RefreshResult]:
    """Fetch each of ``sources`` and store it as a dated snapshot; one :class:`RefreshResult` per source.

    ``now`` (default: the time of each fetch) dates the snapshots; a naive value is taken as UTC.
    ``baseline_count`` replaces the vendored registry's entry count in the LiteLLM shrink check.
    A source that fails is reported in its result and does not stop the others. With ``openai_key``,
    OpenAI's own model list (its shutdown dates) is fetched too, with that key in its request only.
    """
    # Looked up at call time so a test can replace the module's default_client.
    factory = client_factory or default_client
    results: list[RefreshResult] = []
    with factory() as client:
        for source in sources:
            try:
                body, entries = _fetch(source, client, baseline_count=baseline_count, sleep=sleep)
            except PriceFetchError as exc:
                results.append(RefreshResult(source, _moment(now), "failed", error=str(exc)))
                continue
            moment = _moment(now)
            status, snapshot_id = _store(engine, source, body, moment)
            results.append(RefreshResult(source, moment, status, entries, snapshot_id))
    if openai_key:
        results.append(_refresh_openai_models(engine, openai_key, openai_client_factory or openai_client, now, sleep))
    return results


def _refresh_openai_models(
    engine: Engine, key: str, factory: Callable[[str], httpx.Client], now: datetime | None, sleep: Sleep
) -> RefreshResult:
    try:
        with factory(key) as client:
            body = fetch_openai_models(client, sleep=sleep)
    except PriceFetchError as exc:
        # The key never reaches the message: errors name the endpoint and the HTTP status only.
        return RefreshResult("openai_models", _moment(now), "failed", error=str(exc).replace(key, "…"))
    moment = _moment(now)
    status, snapshot_id = _store(engine, "openai_models", body, moment)
    return RefreshResult("openai_models", moment, status, check_openai_models(body), snapshot_id)


def _moment(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now.astimezone(UTC) if now.tzinfo else now.replace(tzinfo=UTC)
