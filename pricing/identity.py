"""Model identity: which provider a name means, and which model a raw model id is.

One model has many names — ``gpt-4o-2024-08-06``, ``openai/gpt-4o``, ``azure/<deployment>``,
``us.anthropic.claude-3-5-sonnet-20241022-v2:0``, ``claude-3-5-sonnet-v2@20241022``, "Claude Sonnet 4.5"
in a console CSV. :func:`identify` reduces a raw id to its *family* (host- and snapshot-independent,
e.g. ``gpt-4o``, ``claude-sonnet-4-5``), its *version* (a dated snapshot), its *author* and what the id says
about the host (a Bedrock geography). The family is what the ledger stores as ``canonical_model``, so the
same model on two hosts, or two snapshots of it, are recognised as one.

An id exitplan cannot place (an Azure deployment named by the user, a gateway alias) is *unresolved*: it is
listed for the user to map, never priced at $0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from genai_prices import data_snapshot

__all__ = [
    "ModelIdentity",
    "author_of",
    "canonical_model",
    "canonical_models",
    "family_of",
    "identify",
    "is_known_provider",
    "provider_id",
]

# Names users and sources give providers, mapped onto genai-prices provider ids.
_PROVIDER_ALIASES = {
    "open ai": "openai",
    "openai": "openai",
    "azure": "azure",
    "azure openai": "azure",
    "azure_openai": "azure",
    "azure_ai": "azure",
    "azure.ai.openai": "azure",
    "azure.ai.inference": "azure",
    "microsoft": "azure",
    "anthropic": "anthropic",
    "claude": "anthropic",
    "bedrock": "aws",
    "bedrock_converse": "aws",
    "aws": "aws",
    "aws bedrock": "aws",
    "aws.bedrock": "aws",
    "amazon bedrock": "aws",
    "amazon": "aws",
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


@lru_cache(maxsize=1)
def _genai_prices_providers() -> frozenset[str]:
    return frozenset(provider.id for provider in data_snapshot.get_snapshot().providers)


def is_known_provider(provider: str) -> bool:
    """Whether ``provider`` (a provider id, see :func:`provider_id`) is one genai-prices prices.

    >>> is_known_provider(provider_id("Anthropic")), is_known_provider("status")
    (True, False)
    """
    return provider in _genai_prices_providers()


# Who made a model, from how its family is spelled (first match wins).
_AUTHORS = (
    (r"^(gpt|o\d|chatgpt|text-embedding|davinci|babbage|codex|dall-e|whisper|tts|omni-moderation)", "openai"),
    (r"^claude", "anthropic"),
    (r"^(gemini|gemma|palm-|palm2|text-bison|chat-bison|textembedding-gecko|text-multilingual-embedding)", "google"),
    (r"^(llama|meta-llama|muse)", "meta"),
    (r"^(mistral|mixtral|codestral|ministral|pixtral|magistral|devstral|open-mistral)", "mistral"),
    (r"^deepseek", "deepseek"),
    (r"^(qwen|qwq)", "alibaba"),
    (r"^grok", "x-ai"),
    (r"^(command|embed-|rerank)", "cohere"),
    (r"^(nova|titan)", "amazon"),
    (r"^phi-", "microsoft"),
    (r"^(kimi|moonshot)", "moonshotai"),
    (r"^(glm|chatglm)", "zhipuai"),
    (r"^jamba", "ai21"),
    (r"^gpt-oss", "openai"),
)
# Families whose weights are published: they can be self-hosted or run by many hosts.
_OPEN_WEIGHTS = re.compile(
    r"^(llama|meta-llama|gemma|mistral-7b|mixtral|mistral-small|mistral-nemo|ministral|pixtral-12b|codestral-mamba|"
    r"deepseek|qwen|qwq|phi-|gpt-oss|kimi|glm|olmo|falcon|yi-)"
)
_BEDROCK = re.compile(
    r"^(?:(?P<geo>us|eu|apac|global|us-gov|jp|au|ca|apne\d?)\.)?"
    r"(?P<author>anthropic|meta|amazon|mistral|cohere|ai21|deepseek|qwen|openai|writer|twelvelabs)\.(?P<model>.+)$"
)
_VERSION = re.compile(r"-(?P<v>\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|latest|preview(?:-\d{2}-\d{2})?|exp(?:-\d{4})?)$")


@dataclass(frozen=True)
class ModelIdentity:
    """What a raw model id at a provider is. ``family`` is None for an id exitplan cannot place."""

    provider: str
    model: str
    family: str | None
    version: str | None
    author: str | None
    geography: str | None
    open_weights: bool

    @property
    def resolved(self) -> bool:
        return self.family is not None


def _strip(raw: str) -> tuple[str, str | None, str | None]:
    """(cleaned id, version, geography) of a raw id, before it is checked against any catalog."""
    text = raw.strip()
    if " " in text:
        # A console display name ("Claude Sonnet 4.5", "GPT-4o mini"): Anthropic's ids use dashes for dots.
        text = text.lower().replace(" ", "-")
        if text.startswith("claude"):
            text = text.replace(".", "-")
    text = text.lower()
    if "/" in text:
        # Registry and router prefixes (openai/…, azure/…, together_ai/meta-llama/…): the last part is the model.
        text = text.rsplit("/", 1)[-1]
    geography = None
    if match := _BEDROCK.match(text):
        geography = match["geo"]
        text = match["model"]
    # Bedrock's model version suffix ("-v1:0"), wherever the id came from — unless it is the model's own
    # generation ("claude-v2:1" is Claude 2).
    unversioned = re.sub(r"-v\d+(:\d+)?$", "", text)
    text = unversioned if re.search(r"[\d-]", unversioned) else re.sub(r":\d+$", "", text)
    version = None
    if "@" in text:
        # Vertex: "claude-3-5-sonnet-v2@20241022" pins a snapshot; "@default" pins nothing.
        text, _, pinned = text.partition("@")
        text = re.sub(r"-v\d+$", "", text)
        version = pinned if re.fullmatch(r"\d{8}", pinned) else None
    if match := _VERSION.search(text):
        version = version or match["v"]
        text = text[: match.start()]
    # Anthropic's own API alias "claude-sonnet-4-0" is claude-sonnet-4.
    text = re.sub(r"^(claude-(?:opus|sonnet|haiku)-\d+)-0$", r"\1", text)
    return text, version, geography


def family_of(raw: str) -> str:
    """The host- and snapshot-independent id of a raw model id.

    >>> [family_of(m) for m in ["gpt-4o-2024-08-06", "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
    ...                         "claude-3-5-sonnet-v2@20241022", "Claude Sonnet 4.5", "openai/gpt-4o-mini"]]
    ['gpt-4o', 'claude-3-5-sonnet', 'claude-3-5-sonnet', 'claude-sonnet-4-5', 'gpt-4o-mini']
    """
    return _strip(raw)[0]


def author_of(family: str) -> str | None:
    """Who made a model family, or None when its name does not say.

    >>> author_of("claude-sonnet-4-5"), author_of("llama-3.3-70b-instruct"), author_of("chat-prod")
    ('anthropic', 'meta', None)
    """
    for pattern, author in _AUTHORS:
        if re.match(pattern, family):
            return author
    return None


@lru_cache(maxsize=8192)
def _in_genai_prices(provider: str, model: str) -> bool:
    try:
        data_snapshot.get_snapshot().find_provider_model(model, None, provider, None)
    except LookupError:
        return False
    return True


@lru_cache(maxsize=8192)
def identify(provider: str, model: str) -> ModelIdentity:
    """The identity of ``model`` as served by ``provider``.

    An id resolves when a price registry knows it or its name says who made it; an id that is neither
    (``chat-prod``, an Azure deployment) keeps ``family`` None.

    >>> who = identify("aws", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0")
    >>> who.family, who.version, who.author, who.geography
    ('claude-sonnet-4-5', '20250929', 'anthropic', 'eu')
    """
    family, version, geography = _strip(model)
    author = author_of(family)
    known = author is not None or _in_genai_prices(provider, model) or _in_catalog(provider, family)
    return ModelIdentity(
        provider=provider,
        model=model,
        family=family if known and family else None,
        version=version,
        author=author,
        geography=geography,
        open_weights=bool(_OPEN_WEIGHTS.match(family)),
    )


def _in_catalog(provider: str, family: str) -> bool:
    return (provider, family) in _catalog_families()


@lru_cache(maxsize=1)
def _catalog_families() -> frozenset[tuple[str, str]]:
    # The registry is large: it is read only when a name does not say who made the model.
    from pricing.litellm import vendored_catalog

    catalog = vendored_catalog()
    return frozenset(zip(catalog["provider"], catalog["model"].map(family_of), strict=True))


def canonical_model(provider: str, model: str) -> str | None:
    """The family a raw id resolves to at ``provider``, or None when it is unresolved.

    >>> canonical_model("openai", "gpt-4o-2024-08-06"), canonical_model("azure", "chat-prod")
    ('gpt-4o', None)
    """
    return identify(provider, model).family


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
