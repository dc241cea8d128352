"""Price-registry fetchers: LiteLLM's registry and OpenRouter's model list, stored as dated snapshots.

Only HTTP lives here, through an injected ``httpx.Client``; the parsing into the catalog is in
``pricing/`` (pure). :func:`refresh_prices` is what ``exitplan prices refresh`` runs.
"""

from __future__ import annotations

from collectors.prices.fetch import PriceFetchError
from collectors.prices.litellm_registry import LITELLM_URL, fetch_litellm
from collectors.prices.openrouter import OPENROUTER_URL, fetch_openrouter
from collectors.prices.refresh import SOURCES, RefreshResult, bundled_litellm_count, default_client, refresh_prices

__all__ = [
    "LITELLM_URL",
    "OPENROUTER_URL",
    "SOURCES",
    "PriceFetchError",
    "RefreshResult",
    "bundled_litellm_count",
    "default_client",
    "fetch_litellm",
    "fetch_openrouter",
    "refresh_prices",
]
