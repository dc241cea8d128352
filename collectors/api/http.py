"""Paged GETs on an admin API: retries with backoff, ``Retry-After``, timeouts, and errors without the key.

Both admin APIs page the same way (``has_more`` / ``next_page`` → ``page``, FORMATS.md §1.2 and §2.1), so
one loop serves them. The client is injected (HOUSE_STYLE: httpx) and carries the base URL, the auth
headers and the timeouts; tests give it an ``httpx.MockTransport`` and a ``sleep`` that does not sleep.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from db.errors import ProviderError

__all__ = [
    "ATTEMPTS",
    "KEY_FRAGMENT",
    "MAX_WAIT_SECONDS",
    "ApiError",
    "KeyRejected",
    "Params",
    "Sleep",
    "get_json",
    "get_pages",
    "get_response",
    "range_label",
]

Sleep = Callable[[float], None]
Params = Sequence[tuple[str, str | int]]

# Five tries spread over ~15 s of backoff ride out a rate-limit window or a deploy blip; more would make a
# dead API look like a hung command.
ATTEMPTS = 5
BACKOFF_SECONDS = 1.0
# A Retry-After longer than this is not waited out in full: a sync the user is watching should fail with
# a message rather than sit silent for minutes.
MAX_WAIT_SECONDS = 60.0
MAX_PAGES = 10_000

_SENSITIVE_HEADERS = ("authorization", "x-api-key")
# No run of this many characters of a key reaches a message (and so no log, database row or export).
KEY_FRAGMENT = 8
# Keys of both vendors (sk-…, sk-ant-admin01-…), also as the masked echo some error bodies carry.
_KEY_PATTERN = re.compile(r"sk-[A-Za-z0-9_\-*.]{6,}")


class ApiError(ProviderError):
    """A request that failed for good. The message says where (endpoint, page, range) and never holds the key."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class KeyRejected(ApiError):
    """401/403: the key is wrong, expired or not an admin key. Retrying cannot help."""


def range_label(start: datetime, end: datetime) -> str:
    """Whole UTC days [start, end) as a person reads them, last day inclusive.

    >>> range_label(datetime(2025, 1, 1), datetime(2025, 2, 1))
    '2025-01-01 to 2025-01-31 UTC'
    """
    return f"{start:%Y-%m-%d} to {end - timedelta(days=1):%Y-%m-%d} UTC"


def _redact(text: str, client: httpx.Client) -> str:
    """``text`` without the client's key: whole, masked (``sk-…``), or any run of :data:`KEY_FRAGMENT` of its
    characters — a server may echo part of it ("a key ending in …"), and part of a key narrows a guess."""
    for name in _SENSITIVE_HEADERS:
        value = client.headers.get(name)
        if not value:
            continue
        secret = value.removeprefix("Bearer ").strip()
        if len(secret) >= 4:
            text = text.replace(value, "[redacted]").replace(secret, "[redacted]")
        text = _without_fragments(text, secret)
    return _KEY_PATTERN.sub("[redacted]", text)


def _without_fragments(text: str, secret: str) -> str:
    """``text`` with every run of at least :data:`KEY_FRAGMENT` characters of ``secret`` replaced, longest
    first (so a whole echo reads as one ``[redacted]``)."""
    for size in range(len(secret), KEY_FRAGMENT - 1, -1):
        for start in range(len(secret) - size + 1):
            part = secret[start : start + size]
            if part in text:
                text = text.replace(part, "[redacted]")
    return text


def _retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked us to wait: ``Retry-After`` as seconds or as an HTTP date."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _error_detail(response: httpx.Response) -> str:
    """The API's own explanation of a 4xx: ``error.message`` of either vendor's JSON, else the text."""
    try:
        body = response.json()
    except ValueError:
        body = None
    text = response.text
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = body["error"].get("message")
        if isinstance(message, str) and message:
            text = message
    # One line, bounded: it ends up in a CLI error line and on the dashboard.
    return " ".join(text.split())[:300]


def get_response(
    client: httpx.Client,
    path: str,
    params: Params,
    *,
    where: str,
    sleep: Sleep = time.sleep,
    attempts: int = ATTEMPTS,
    max_wait: float = MAX_WAIT_SECONDS,
) -> httpx.Response:
    """GET ``path`` and return the first 2xx response, retrying 429, 5xx, timeouts and dropped connections.

    The response is returned whole, body read, for callers that keep the bytes as served (price registries
    store them verbatim); :func:`get_json` is the usual entry. ``where`` starts every error message.
    401/403 raise :class:`KeyRejected` at once; other 4xx raise :class:`ApiError` at once.
    """
    status: int | None = None
    for attempt in range(1, attempts + 1):
        wait = min(BACKOFF_SECONDS * 2 ** (attempt - 1), max_wait)
        try:
            response = client.get(path, params=list(params))
        except httpx.TimeoutException:
            problem, status = "timed out waiting for the API", None
        except httpx.TransportError as exc:
            problem, status = f"could not reach the API ({type(exc).__name__}: {exc})", None
        else:
            status = response.status_code
            if status in (401, 403):
                raise KeyRejected(
                    f"{where}: the admin key was rejected (expired or not an admin key) (HTTP {status})", status=status
                )
            if status == 429 or status >= 500:
                problem = f"HTTP {status} ({response.reason_phrase or 'error'})"
                asked = _retry_after(response)
                if asked is not None:
                    wait = min(asked, max_wait)
            elif status >= 400:
                detail = _redact(_error_detail(response), client)
                raise ApiError(f"{where}: HTTP {status}: {detail}", status=status)
            else:
                return response
        if attempt == attempts:
            break
        sleep(wait)
    message = _redact(f"{where}: {problem}; gave up after {attempts} attempts", client)
    raise ApiError(message, status=status)


def get_json(
    client: httpx.Client,
    path: str,
    params: Params,
    *,
    where: str,
    sleep: Sleep = time.sleep,
    attempts: int = ATTEMPTS,
    max_wait: float = MAX_WAIT_SECONDS,
) -> dict[str, Any]:
    """GET ``path`` and return its JSON object, retrying as :func:`get_response` does.

    ``where`` starts every error message (endpoint, page, time range), so a failed sync says where it
    stopped. 401/403 raise :class:`KeyRejected` at once; other 4xx raise :class:`ApiError` at once.
    """
    response = get_response(client, path, params, where=where, sleep=sleep, attempts=attempts, max_wait=max_wait)
    try:
        body = response.json()
    except ValueError:
        raise ApiError(
            f"{where}: the API answered with something that is not JSON", status=response.status_code
        ) from None
    if not isinstance(body, dict):
        raise ApiError(f"{where}: the API answered with JSON that is not an object", status=response.status_code)
    return body


def get_pages(
    client: httpx.Client,
    path: str,
    params: Params,
    *,
    where: str,
    sleep: Sleep = time.sleep,
) -> Iterator[dict[str, Any]]:
    """Every page of a paged endpoint, following ``next_page`` (sent back as ``page``) until ``has_more`` is false.

    ``where`` names the endpoint and time range; errors add the page number.
    """
    cursor: str | None = None
    seen: set[str] = set()
    for number in range(1, MAX_PAGES + 1):
        query = [*params, ("page", cursor)] if cursor else list(params)
        page = get_json(client, path, query, where=f"{where}, page {number}", sleep=sleep)
        if not isinstance(page.get("data"), list):
            raise ApiError(f"{where}, page {number}: the answer is not a page of buckets (no 'data' list)")
        yield page
        following = page.get("next_page")
        if not page.get("has_more") or not following:
            return
        if not isinstance(following, str) or following in seen:
            # A cursor that repeats would page forever; stop with a message instead.
            raise ApiError(f"{where}, page {number}: the API returned a page cursor it had already given")
        seen.add(following)
        cursor = following
    raise ApiError(f"{where}: more than {MAX_PAGES:,} pages; pull a shorter range")
