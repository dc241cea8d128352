"""Vendors' incident histories from their status pages, in Statuspage's public shape.

Most LLM vendors publish a status page whose ``/api/v2/incidents.json`` answers, without a key,
``{"page": {"id", "name", "url", …}, "incidents": [{"id", "name", "status", "impact", "created_at",
"started_at", "resolved_at", "components": [{"name", …}], "incident_updates": […], …}]}``: the page's most
recent incidents (Statuspage serves the last 50), newest first, with times in the page's own time zone.
:func:`parse_status_history` reads that shape from a file or a fetch, :func:`fetch_status_history` gets it
from a page, and :func:`save_status_history` stores it under its source (the page's URL or the file's
name), replacing what that source brought before. ``exitplan collect status``, ``exitplan incidents
import``, the dashboard's upload and the demo all go through these.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import Engine

from collectors.api.http import ApiError, KeyRejected, Sleep, get_response
from db.errors import InvalidInput, ProviderError
from db.incidents import replace_incidents
from pricing.identity import is_known_provider, provider_id

__all__ = [
    "API_PATH",
    "IMPACTS",
    "TIMEOUT",
    "ClientFactory",
    "StatusHistory",
    "StatusIncident",
    "collect_status",
    "default_client",
    "fetch_status_history",
    "incidents_line",
    "parse_status_history",
    "save_status_history",
    "source_label",
    "status_api_url",
]

API_PATH = "/api/v2/incidents.json"
# The impacts Statuspage rates an incident with, mildest first.
IMPACTS: tuple[str, ...] = ("none", "minor", "major", "critical")
# Scheduled maintenance is planned work the vendor announced, not a failure: it is left out.
_MAINTENANCE = "maintenance"
# Statuses of an incident that is over; "completed" is the one maintenance ends with.
_CLOSED = frozenset({"resolved", "postmortem", "completed"})
# Words of a page's name or host that say nothing about whose page it is.
_NOISE = frozenset({"status", "www", "api", "com", "io", "ai", "net", "org", "inc", "inc."})

# A status page answers in well under a second; a slow connect is a dead host.
TIMEOUT = httpx.Timeout(30.0, connect=10.0)

ClientFactory = Callable[[], httpx.Client]


@dataclass(frozen=True)
class StatusIncident:
    """One incident as a status page published it; times are naive UTC, ``resolved_at`` None while ongoing."""

    incident_id: str
    name: str
    impact: str
    status: str
    started_at: datetime
    resolved_at: datetime | None
    components: tuple[str, ...]


@dataclass(frozen=True)
class StatusHistory:
    """A status page's incident history: whose page it is and its incidents, oldest first.

    ``source`` is the page's URL or the file's name; ``maintenances`` counts the scheduled maintenances
    the page listed, which are not incidents and are left out.
    """

    source: str
    provider: str
    page_name: str | None
    page_url: str | None
    incidents: tuple[StatusIncident, ...]
    maintenances: int = 0

    @property
    def ongoing(self) -> int:
        return sum(incident.resolved_at is None for incident in self.incidents)

    def rows(self) -> list[dict[str, object]]:
        """The incidents as ``db.incidents.replace_incidents`` takes them."""
        return [{"provider": self.provider, **incident.__dict__} for incident in self.incidents]

    def message(self) -> str:
        """One line for a person: what the history holds.

        >>> StatusHistory("https://status.openai.com", "openai", "OpenAI", None, ()).message()
        'status.openai.com: no incidents (openai)'
        """
        starts = [incident.started_at for incident in self.incidents]
        line = incidents_line(
            source_label(self.source), len(starts), min(starts, default=None), max(starts, default=None), self.provider
        )
        return line + (f", {self.ongoing} still open" if self.ongoing else "")


def source_label(source: str) -> str:
    """A source as a person reads it: a page's URL without its scheme, a file's name as it is.

    >>> source_label("https://status.openai.com")
    'status.openai.com'
    """
    for scheme in ("https://", "http://"):
        if source.startswith(scheme):
            return source.removeprefix(scheme).rstrip("/")
    return source


def incidents_line(label: str, count: int, first: datetime | None, last: datetime | None, provider: str) -> str:
    """The line every command and the dashboard print for an incident history.

    >>> incidents_line("status.openai.com", 37, datetime(2025, 6, 2, 9), datetime(2025, 12, 1), "openai")
    'status.openai.com: 37 incidents from 2025-06-02 to 2025-12-01 (openai)'
    """
    if count == 0 or first is None or last is None:
        return f"{label}: no incidents ({provider})"
    if count == 1:
        return f"{label}: 1 incident on {first:%Y-%m-%d} ({provider})"
    return f"{label}: {count:,} incidents from {first:%Y-%m-%d} to {last:%Y-%m-%d} ({provider})"


# --- reading the shape -----------------------------------------------------------------------------------


def parse_status_history(content: bytes, name: str, provider: str | None = None) -> StatusHistory:
    """Read a Statuspage ``incidents.json`` body; ``name`` (the file's name or the page's URL) starts every
    error message and becomes the history's source.

    The provider is ``provider`` when given (any spelling :func:`pricing.identity.provider_id` knows),
    else the one the page's name or URL names (OpenAI → openai, Claude → anthropic). Raises
    :class:`InvalidInput`, one line, when ``content`` is not this shape or names no provider exitplan knows.
    """
    body = _json_object(content, name)
    incidents = body.get("incidents")
    if not isinstance(incidents, list):
        raise InvalidInput(f"{name}: not a Statuspage incident history (no 'incidents' list)")
    page = body.get("page")
    if page is not None and not isinstance(page, dict):
        raise InvalidInput(f"{name}: not a Statuspage incident history ('page' is not an object)")
    page = page or {}
    page_name = _text(page.get("name"))
    page_url = _text(page.get("url"))
    parsed: list[StatusIncident] = []
    maintenances = 0
    seen: set[str] = set()
    for number, raw in enumerate(incidents, start=1):
        incident = _incident(raw, f"{name}: incident {number}")
        if incident is None:
            maintenances += 1
            continue
        if incident.incident_id in seen:
            raise InvalidInput(f"{name}: incident {incident.incident_id!r} is listed twice")
        seen.add(incident.incident_id)
        parsed.append(incident)
    parsed.sort(key=lambda incident: (incident.started_at, incident.incident_id))
    return StatusHistory(
        source=name,
        provider=_provider(provider, page_name, page_url, name),
        page_name=page_name,
        page_url=page_url,
        incidents=tuple(parsed),
        maintenances=maintenances,
    )


def _json_object(content: bytes, name: str) -> dict[str, Any]:
    try:
        # utf-8-sig: a file saved by a Windows editor starts with a byte-order mark json.loads refuses.
        body = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        start = " ".join(content[:40].decode("utf-8", "replace").split())
        raise InvalidInput(
            f"{name}: not a Statuspage incident history (not JSON: {type(exc).__name__}; starts {start!r})"
        ) from None
    if not isinstance(body, dict):
        raise InvalidInput(f"{name}: not a Statuspage incident history (JSON, but not an object)")
    return body


def _text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _incident(raw: object, where: str) -> StatusIncident | None:
    """One incident of the list, or None for a scheduled maintenance."""
    if not isinstance(raw, dict):
        raise InvalidInput(f"{where} is not an object")
    incident_id = raw.get("id")
    if not isinstance(incident_id, str | int) or isinstance(incident_id, bool) or str(incident_id).strip() == "":
        raise InvalidInput(f"{where} has no 'id'")
    where = f"{where} ({incident_id})"
    impact = raw.get("impact")
    if impact == _MAINTENANCE:
        return None
    if impact not in IMPACTS:
        raise InvalidInput(f"{where}: impact {impact!r} is not one of {', '.join(IMPACTS)}")
    status = _text(raw.get("status"))
    if status is None:
        raise InvalidInput(f"{where} has no 'status'")
    # Older pages have no started_at: an incident starts when it was opened.
    started = _moment(raw.get("started_at"), where, "started_at") or _moment(raw.get("created_at"), where, "created_at")
    if started is None:
        raise InvalidInput(f"{where} has no start time ('started_at' or 'created_at')")
    resolved = _moment(raw.get("resolved_at"), where, "resolved_at")
    if resolved is None and status in _CLOSED:
        # Closed without a resolution time (an edited or imported incident): it ended by its last update.
        resolved = _moment(raw.get("updated_at"), where, "updated_at") or started
    if resolved is not None and resolved < started:
        # A start time edited after the fact can land past the resolution; the incident lasted no time.
        resolved = started
    return StatusIncident(
        incident_id=str(incident_id).strip(),
        name=_text(raw.get("name")) or "(no name)",
        impact=str(impact),
        status=status,
        started_at=started,
        resolved_at=resolved,
        components=_components(raw.get("components"), where),
    )


def _moment(value: object, where: str, field: str) -> datetime | None:
    """An ISO 8601 time as naive UTC; a time without an offset is taken as UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: {field} is not a time ({value!r})")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{where}: {field} is not a time ({value[:40]!r})") from None
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _components(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InvalidInput(f"{where}: 'components' is not a list")
    names = []
    for component in value:
        name = _text(component.get("name")) if isinstance(component, dict) else _text(component)
        if name is None:
            raise InvalidInput(f"{where}: a component has no name")
        names.append(name)
    return tuple(dict.fromkeys(names))


def _provider(explicit: str | None, page_name: str | None, page_url: str | None, name: str) -> str:
    if explicit is not None and explicit.strip():
        return provider_id(explicit)
    for candidate in _candidates(page_name, page_url):
        if is_known_provider(candidate):
            return candidate
    page = f"the status page {page_name!r}" if page_name else "a status page without a name"
    raise InvalidInput(f"{name}: {page} is not a provider exitplan knows; name it with --provider (e.g. openai)")


def _candidates(page_name: str | None, page_url: str | None) -> list[str]:
    """Provider ids the page may be: its whole name, its name without the noise words, each word of it,
    then each label of its URL's host (status.claude.com → claude → anthropic)."""
    names: list[str] = []
    if page_name:
        words = [w for w in page_name.replace("-", " ").split() if w.lower() not in _NOISE]
        names += [page_name, " ".join(words), *words]
    if page_url:
        host = urlsplit(page_url if "//" in page_url else f"//{page_url}").hostname or ""
        names += [label for label in host.split(".") if label not in _NOISE]
    return [provider_id(n) for n in names if n.strip()]


# --- fetching and storing --------------------------------------------------------------------------------


def status_api_url(url: str) -> str:
    """The incidents endpoint of a status page given as its address, with or without a scheme, or as the
    endpoint itself.

    >>> status_api_url("status.openai.com/")
    'https://status.openai.com/api/v2/incidents.json'
    """
    text = url.strip()
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{url}: not a status page address (e.g. https://status.openai.com)")
    path = parts.path.rstrip("/")
    if path.endswith(API_PATH):
        path = path.removesuffix(API_PATH)
    return f"{parts.scheme}://{parts.netloc}{path}{API_PATH}"


def _page_url(url: str) -> str:
    """The page a status URL belongs to: the source its incidents are stored under, however it was typed."""
    return status_api_url(url).removesuffix(API_PATH)


def _user_agent() -> str:
    try:
        version = metadata.version("exitplan")
    except metadata.PackageNotFoundError:
        version = "dev"
    return f"exitplan/{version} (status page incident history)"


def default_client() -> httpx.Client:
    """The real client: timeouts, a User-Agent, and redirects followed (status pages move: a vendor renames
    its domain and redirects the old one)."""
    return httpx.Client(
        timeout=TIMEOUT, headers={"User-Agent": _user_agent(), "Accept": "application/json"}, follow_redirects=True
    )


def fetch_status_history(client: httpx.Client, url: str, *, sleep: Sleep = time.sleep) -> bytes:
    """The body of a status page's ``/api/v2/incidents.json`` (``url`` is the page or the endpoint),
    retried on 429, 5xx, timeouts and dropped connections as the admin collectors are.

    Raises :class:`ProviderError` naming the endpoint's URL when the page cannot be read.
    """
    target = status_api_url(url)
    try:
        return get_response(client, target, (), where=target, sleep=sleep).content
    except KeyRejected as exc:
        # A status page needs no key: a 401/403 is the host refusing us (a block, a private page).
        raise ProviderError(f"{target}: the status page refused the request (HTTP {exc.status})") from None
    except ApiError as exc:
        if exc.status == 404:
            raise ProviderError(f"{target}: HTTP 404: no Statuspage incident history at this address") from None
        raise ProviderError(str(exc)) from None
    except httpx.HTTPError as exc:
        # What the retry loop does not own (a redirect loop, a body that fails to decompress).
        raise ProviderError(f"{target}: {type(exc).__name__}: {exc}") from None


def save_status_history(engine: Engine, history: StatusHistory) -> int:
    """Store ``history``'s incidents under its source, replacing that source's earlier import, in one
    transaction. Returns how many were stored."""
    return replace_incidents(engine, history.source, history.rows())


def collect_status(
    engine: Engine,
    url: str,
    provider: str | None = None,
    *,
    client_factory: ClientFactory | None = None,
    sleep: Sleep = time.sleep,
) -> StatusHistory:
    """Fetch a status page's incident history, read it and store it under the page's URL.

    Nothing is stored when the fetch fails (:class:`ProviderError`) or the answer is not an incident
    history (:class:`InvalidInput`); both name the URL.
    """
    page = _page_url(url)
    # Looked up at call time so a test can replace the module's default_client.
    with (client_factory or default_client)() as client:
        body = fetch_status_history(client, page, sleep=sleep)
    history = parse_status_history(body, page, provider)
    save_status_history(engine, history)
    return history
