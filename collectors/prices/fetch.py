"""One GET of a public price registry, on the admin collectors' retry loop, with errors a person can read.

The registries need no key, so the admin API's "key rejected" wording would mislead: a 401/403 here means
the host refused us (a proxy, a block, a moved file). Every failure becomes a :class:`PriceFetchError`
whose message starts with where it happened, and nothing is stored for that source.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from collectors.api.http import ApiError, KeyRejected, Params, Sleep, get_response
from db.errors import ProviderError

__all__ = ["PriceFetchError", "get_registry", "parse_json"]


class PriceFetchError(ProviderError):
    """A registry fetch that failed or returned something not to be trusted; nothing was stored for it."""


def get_registry(
    client: httpx.Client, url: str, params: Params = (), *, where: str, sleep: Sleep = time.sleep
) -> bytes:
    """The body of one GET of ``url``, retried on 429, 5xx and timeouts as the admin collectors do.

    ``url`` may carry its own query string (``links.next`` does); httpx would drop it if ``params`` were
    passed beside it, so the query is moved into ``params``.
    """
    target = httpx.URL(url)
    query = [*target.params.multi_items(), *params]
    try:
        response = get_response(client, str(target.copy_with(query=None)), query, where=where, sleep=sleep)
        return response.content
    except KeyRejected as exc:
        raise PriceFetchError(f"{where}: the server refused the request (HTTP {exc.status})") from None
    except ApiError as exc:
        raise PriceFetchError(str(exc)) from None
    except httpx.HTTPError as exc:
        # Errors the retry loop does not own (a bad URL, a body that fails to decompress).
        raise PriceFetchError(f"{where}: {type(exc).__name__}: {exc}") from None


def parse_json(body: bytes, *, where: str) -> dict[str, Any]:
    """``body`` as a JSON object, or a :class:`PriceFetchError` saying what it was instead.

    >>> parse_json(b'{"a": 1}', where="test")
    {'a': 1}
    """
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        # An HTML error page or a cut-off download: say so, with the start of what came back.
        start = body[:60].decode("utf-8", "replace")
        raise PriceFetchError(f"{where}: the answer is not JSON ({exc.__class__.__name__}; starts {start!r})") from None
    if not isinstance(parsed, dict):
        raise PriceFetchError(f"{where}: the answer is JSON but not an object (a {type(parsed).__name__})")
    return parsed
