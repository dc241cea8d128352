"""OpenRouter's model list (``GET /api/v1/models``, no key), every page of it, as one body to store.

The envelope is ``{data, total_count?, links?: {next}}`` (PRICING.md §2.1). Snapshots seen so far came in
one page, but the SDK documents ``links.next``, so it is followed; the pages are combined into one
``{"data": [...]}`` body, which is what :func:`pricing.openrouter.openrouter_catalog` reads. Only the shape
the parser relies on is checked here (a list of objects with an ``id``); prices are read there, and
unknown keys are allowed everywhere, since OpenRouter adds fields without notice.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from collectors.api.http import Sleep
from collectors.prices.fetch import PriceFetchError, get_registry, parse_json

__all__ = ["MAX_PAGES", "MIN_MODEL_COUNT", "OPENROUTER_URL", "check_openrouter", "fetch_openrouter"]

OPENROUTER_URL = "https://openrouter.ai/api/v1/models"
# OpenRouter lists hundreds of models (364 in 2026-05, 446 in 2026-09); far fewer means a broken answer,
# and storing it would make every other model look withdrawn. Same floor as LiteLLM's check.
MIN_MODEL_COUNT = 50
# ~500 models a page: 100 pages is far beyond any real listing and stops a server that pages forever.
MAX_PAGES = 100


def _models_of(page: dict[str, Any], where: str) -> list[dict[str, Any]]:
    models = page.get("data")
    if not isinstance(models, list):
        raise PriceFetchError(f"{where}: the answer has no 'data' list of models")
    for number, model in enumerate(models, start=1):
        if not isinstance(model, dict) or not isinstance(model.get("id"), str) or not model["id"]:
            raise PriceFetchError(f"{where}: model {number} in 'data' is not an object with an 'id'")
    return models


def _next_url(page: dict[str, Any], current: str) -> str | None:
    links = page.get("links")
    following = links.get("next") if isinstance(links, dict) else None
    if not isinstance(following, str) or not following:
        return None
    # The documented value is a path ("/api/v1/models?offset=500&limit=500"); resolve it against this page.
    return str(httpx.URL(current).join(following))


def check_openrouter(body: bytes, *, where: str = "OpenRouter models") -> int:
    """The number of models in a stored ``{"data": [...]}`` body, or a :class:`PriceFetchError`."""
    count = len(_models_of(parse_json(body, where=where), where))
    if count < MIN_MODEL_COUNT:
        raise PriceFetchError(
            f"{where}: only {count:,} models, fewer than the {MIN_MODEL_COUNT} a complete listing has; not stored"
        )
    return count


def fetch_openrouter(client: httpx.Client, url: str = OPENROUTER_URL, *, sleep: Sleep = time.sleep) -> bytes:
    """Download every page of OpenRouter's model list and return it as one ``{"data": [...]}`` JSON body.

    A model listed on two pages (the list moved while it was paged) is kept once, as first seen. Raises
    :class:`PriceFetchError` when a page fails after its retries, is not the documented shape, or the
    listing is implausibly short.
    """
    models: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    seen_urls: set[str] = set()
    current: str | None = url
    number = 0
    while current is not None:
        number += 1
        if number > MAX_PAGES:
            raise PriceFetchError(f"OpenRouter models: more than {MAX_PAGES} pages; stopped without storing")
        where = f"OpenRouter models ({current})" if number == 1 else f"OpenRouter models, page {number} ({current})"
        seen_urls.add(current)
        page = parse_json(get_registry(client, current, where=where, sleep=sleep), where=where)
        for model in _models_of(page, where):
            if model["id"] not in seen_ids:
                seen_ids.add(model["id"])
                models.append(model)
        current = _next_url(page, current)
        if current in seen_urls:
            raise PriceFetchError(f"{where}: 'links.next' points back to a page already read ({current})")
    body = json.dumps({"data": models}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    check_openrouter(body)
    return body
