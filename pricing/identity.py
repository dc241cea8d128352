"""Model identity: which provider a name means, and which canonical model a raw model id is."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from genai_prices import data_snapshot

__all__ = ["canonical_model", "canonical_models", "provider_id"]

# Names users and sources give providers, mapped onto genai-prices provider ids.
_PROVIDER_ALIASES = {
    "open ai": "openai",
    "openai": "openai",
    "azure": "azure",
    "azure openai": "azure",
    "azure_openai": "azure",
    "azure.ai.openai": "azure",
    "azure.ai.inference": "azure",
    "anthropic": "anthropic",
    "claude": "anthropic",
    "bedrock": "aws",
    "aws": "aws",
    "aws bedrock": "aws",
    "aws.bedrock": "aws",
    "amazon bedrock": "aws",
    "google": "google",
    "gemini": "google",
    "vertex": "google",
    "vertex_ai": "google",
    "vertex ai": "google",
    "gcp.gemini": "google",
    "gcp.vertex_ai": "google",
    "gcp.gen_ai": "google",
    "x_ai": "x-ai",
    "xai": "x-ai",
    "mistral_ai": "mistral",
    "mistralai": "mistral",
    "together_ai": "together",
    "togetherai": "together",
    "fireworks_ai": "fireworks",
    "fireworks-ai": "fireworks",
}


def provider_id(name: str) -> str:
    """A provider name as a genai-prices provider id.

    >>> provider_id("Azure OpenAI")
    'azure'
    """
    key = name.strip().lower()
    return _PROVIDER_ALIASES.get(key, key.replace(" ", "-"))


@lru_cache(maxsize=4096)
def canonical_model(provider: str, model: str) -> str | None:
    """The canonical model id a raw id resolves to at ``provider``, or None when it is unknown.

    >>> canonical_model("openai", "gpt-4o-2024-08-06")
    'gpt-4o'
    """
    try:
        _, info = data_snapshot.get_snapshot().find_provider_model(model, None, provider, None)
    except LookupError:
        return None
    return info.id


def canonical_models(providers: pd.Series, models: pd.Series) -> pd.Series:
    """:func:`canonical_model` over aligned columns, resolving each distinct pair once."""
    pairs = pd.DataFrame({"provider": providers.astype(object), "model": models.astype(object)})
    distinct = pairs.drop_duplicates().copy()
    distinct["canonical"] = [
        canonical_model(p, m) if isinstance(p, str) and isinstance(m, str) else None
        for p, m in distinct.itertuples(index=False)
    ]
    resolved = pairs.merge(distinct, on=["provider", "model"], how="left")["canonical"]
    return pd.Series(resolved.to_numpy(dtype=object), index=providers.index, dtype=object)
