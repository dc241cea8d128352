"""LiteLLM's model price registry, fetched from its public URL and checked before it may replace the bundle.

The checks are LiteLLM's own (PRICING.md §1.2): a usable registry is a JSON object with at least
:data:`MIN_MODEL_COUNT` model entries, and it must not have shrunk to less than half of the bundled copy
(``pricing/data/litellm_model_prices.json``), which is how a truncated or half-migrated file shows. The
body is returned byte for byte as served, so identical downloads hash alike and are stored once.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import httpx

from collectors.api.http import Sleep
from collectors.prices.fetch import PriceFetchError, get_registry, parse_json

__all__ = [
    "LITELLM_URL",
    "MAX_SHRINK_RATIO",
    "MIN_MODEL_COUNT",
    "RESERVED_KEYS",
    "check_litellm",
    "fetch_litellm",
    "litellm_model_count",
]

LITELLM_URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
# Top-level keys that document the schema or hold routing rules; they are not models.
RESERVED_KEYS = frozenset({"sample_spec", "fallback_generalizations"})
# LiteLLM's defaults for MODEL_COST_MAP_MIN_MODEL_COUNT and MODEL_COST_MAP_MAX_SHRINK_RATIO.
MIN_MODEL_COUNT = 50
MAX_SHRINK_RATIO = 0.5


def litellm_model_count(registry: Mapping[str, Any]) -> int:
    """Model entries in a parsed registry: object-valued keys other than the reserved ones.

    Alias rows (``{"alias_of": …}``) count, as they do in LiteLLM's own check.

    >>> litellm_model_count({"sample_spec": {}, "gpt-4o": {"mode": "chat"}, "claude-x": {"mode": "chat"}})
    2
    """
    return sum(1 for key, value in registry.items() if key not in RESERVED_KEYS and isinstance(value, dict))


def check_litellm(body: bytes, *, baseline_count: int, where: str = "LiteLLM registry") -> int:
    """The number of model entries in ``body``, or a :class:`PriceFetchError` when it is not a usable registry.

    ``baseline_count`` is the bundled copy's :func:`litellm_model_count`.
    """
    count = litellm_model_count(parse_json(body, where=where))
    if count < MIN_MODEL_COUNT:
        raise PriceFetchError(
            f"{where}: only {count:,} model entries, fewer than the {MIN_MODEL_COUNT} "
            "a complete registry has; not stored"
        )
    if count < baseline_count * MAX_SHRINK_RATIO:
        raise PriceFetchError(
            f"{where}: {count:,} model entries against {baseline_count:,} in the bundled copy; a registry that "
            "shrinks by more than half is most likely truncated; not stored"
        )
    return count


def fetch_litellm(
    client: httpx.Client, url: str = LITELLM_URL, *, baseline_count: int, sleep: Sleep = time.sleep
) -> bytes:
    """Download the LiteLLM registry, check it (:func:`check_litellm`) and return its bytes as served.

    Raises :class:`PriceFetchError` when the download fails after its retries or the body is not a usable
    registry.
    """
    where = f"LiteLLM registry ({url})"
    body = get_registry(client, url, where=where, sleep=sleep)
    check_litellm(body, baseline_count=baseline_count, where=where)
    return body
