"""OpenAI's own model list, ``GET /v1/models``: the one machine-readable source of OpenAI shutdown dates
(each model's ``shutdown_date``, PRICING.md §4.1). It needs an API key, read from the environment by the
caller and used only in this request's header."""

from __future__ import annotations

import time

import httpx

from collectors.api import openai_admin
from collectors.api.http import ApiError, KeyRejected, Sleep, get_response
from collectors.prices.fetch import PriceFetchError, parse_json

__all__ = ["WHERE", "check_openai_models", "fetch_openai_models", "openai_client"]

WHERE = "OpenAI /v1/models"


def openai_client(key: str) -> httpx.Client:
    """A client for api.openai.com carrying ``key`` (the admin collectors' client: same host and headers)."""
    return openai_admin.client(key)


def check_openai_models(body: bytes) -> int:
    """How many models the list holds; a :class:`PriceFetchError` when it is not a model list.

    >>> check_openai_models(b'{"object": "list", "data": [{"id": "gpt-4o", "shutdown_date": null}]}')
    1
    """
    listing = parse_json(body, where=WHERE)
    models = listing.get("data")
    if not isinstance(models, list) or not all(isinstance(m, dict) and "id" in m for m in models):
        raise PriceFetchError(f"{WHERE}: not a model list (no 'data' list of models with ids)")
    return len(models)


def fetch_openai_models(client: httpx.Client, *, sleep: Sleep = time.sleep) -> bytes:
    """The model list as served; ``client`` carries the key (see :func:`openai_client`)."""
    try:
        body = get_response(client, "/v1/models", [], where=WHERE, sleep=sleep).content
    except KeyRejected:
        raise PriceFetchError(f"{WHERE}: the API key was rejected (set a valid OPENAI_API_KEY)") from None
    except ApiError as exc:
        raise PriceFetchError(str(exc)) from None
    check_openai_models(body)
    return body
