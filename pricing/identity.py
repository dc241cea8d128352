"""Model identity: which provider a name means, and which model a raw model id is.

One model has many names — ``gpt-4o-2024-08-06``, ``openai/gpt-4o``, ``azure/<deployment>``,
``us.anthropic.claude-3-5-sonnet-20241022-v2:0``, ``claude-3-5-sonnet-v2@20241022``, "Claude Sonnet 4.5"
in a console CSV. :func:`identify` reduces a raw id to its *family* (host- and snapshot-independent,
e.g. ``gpt-4o``, ``claude-sonnet-4-5``), its *version* (a dated snapshot), its *author* and what the id says
about the host (a geography: Bedrock's "eu." prefix, Azure's "eu/" data zone). The family is what the ledger
stores as ``canonical_model``, so the same model on two hosts, or two snapshots of it, are recognised as one.

An id exitplan cannot place (an Azure deployment named by the user, a gateway alias) is *unresolved*: it is
listed for the user to map, never priced at $0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
from genai_prices import data_snapshot

from pricing import genai_names

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
    # OpenTelemetry's older gen_ai.system values.
    "az.ai.openai": "azure",
    "az.ai.inference": "azure",
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
    "mistral ai": "mistral",
    "together_ai": "together",
    "togetherai": "together",
    "together ai": "together",
    "fireworks_ai": "fireworks",
    "fireworks-ai": "fireworks",
    "fireworks ai": "fireworks",
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


# Who made a model, from how its family is spelled (first match wins). OpenAI's embeddings are
# text-embedding-3-* and -ada-002; Google's are numbered (text-embedding-004). Mistral's API names its
# Apache-2.0 models "open-…" (open-mixtral-8x22b). Cohere's embedding models are embed-english-…,
# embed-multilingual-… and embed-v4.0: "embed-" alone is any deployment's name (embed-prod).
_AUTHORS = (
    (r"^(gpt|o\d|chatgpt|text-embedding-(3|ada)|davinci|babbage|codex|dall-e|whisper|tts|omni-moderation)", "openai"),
    (r"^claude", "anthropic"),
    (
        r"^(gemini|gemma|palm-|palm2|text-bison|chat-bison|textembedding-gecko|text-embedding-(\d{3}|preview|large-exp)"
        r"|text-multilingual-embedding)",
        "google",
    ),
    (r"^(llama|meta-llama|muse)", "meta"),
    (r"^(open-)?(mistral|mixtral|codestral|ministral|pixtral|magistral|devstral)", "mistral"),
    (r"^deepseek", "deepseek"),
    (r"^(qwen|qwq)", "alibaba"),
    (r"^grok", "x-ai"),
    (r"^(command|embed-(english|multilingual|v)|rerank)", "cohere"),
    (r"^(nova|titan)", "amazon"),
    (r"^phi-", "microsoft"),
    (r"^(kimi|moonshot)", "moonshotai"),
    (r"^(glm|chatglm)", "zhipuai"),
    (r"^jamba", "ai21"),
    (r"^gpt-oss", "openai"),
)
# Families whose weights are published: they can be self-hosted or run by many hosts ("open-" is how
# Mistral's API names them: open-mistral-nemo, open-mixtral-8x22b).
_OPEN_WEIGHTS = re.compile(
    r"^(open-)?(llama|meta-llama|gemma|mistral-7b|mixtral|mistral-small|mistral-nemo|ministral|pixtral-12b|codestral-mamba|"
    r"deepseek|qwen|qwq|phi-|gpt-oss|kimi|glm|olmo|falcon|yi-)"
)
_BEDROCK = re.compile(
    r"^(?:(?P<geo>us|eu|apac|global|us-gov|jp|au|ca|apne\d?)\.)?"
    r"(?P<author>anthropic|meta|amazon|mistral|cohere|ai21|deepseek|qwen|openai|writer|twelvelabs)\.(?P<model>.+)$"
)
# A data zone as a path names it (Azure's "eu/gpt-4o", LiteLLM's "azure/us/…", "global-standard/…"): where the
# model runs, as Bedrock's "eu." prefix says. A cloud region ("us-east-1/…") is not a zone.
_DATA_ZONE = re.compile(r"(?P<geo>us|eu|apac|global|us-gov|jp|au|ca)(?:-standard)?")
# Makers whose Bedrock ids leave their own name out of the model's: "deepseek.r1-v1:0" is DeepSeek-R1.
_BEDROCK_UNNAMED = frozenset({"deepseek"})
# How hosts spell a model its maker spells otherwise, each rewritten to the maker's spelling (in this order).
_SPELLINGS = (
    # Fireworks writes a version's dot as "p": llama-v3p1-70b-instruct, qwen2p5-72b-instruct.
    (re.compile(r"(?<=\d)p(?=\d)"), "."),
    # Groq names some models by their context length: llama3-70b-8192 is Llama 3 70B Instruct,
    # mixtral-8x7b-32768 Mixtral 8x7B Instruct, llama2-70b-4096 Llama 2 70B Chat.
    (re.compile(r"^(llama-?2-.*)-4096$"), r"\1-chat"),
    (re.compile(r"-(?:8192|32768)$"), "-instruct"),
    # Llama as Meta writes it (llama-3.1-70b-instruct): Azure's and Together's "Meta-Llama-3.1-…", Bedrock's
    # "llama3-1-…", Fireworks' "llama-v3p1-…", Cerebras' "llama3.1-…", Groq's "llama3-…".
    (re.compile(r"^meta-(?=llama)"), ""),
    (re.compile(r"^llama-?v?(\d)[-._](\d)(?=-)"), r"llama-\1.\2"),
    (re.compile(r"^llama-?v?(\d)(?=-)"), r"llama-\1"),
    # Groq's names of Llama's instruct models: llama-3.3-70b-versatile, llama-3.1-8b-instant.
    (re.compile(r"^(llama-.+)-(?:versatile|instant)$"), r"\1-instruct"),
    # Groq's and Fireworks' "gemma2-9b-it" is Google's gemma-2-9b-it.
    (re.compile(r"^gemma(?=\d)"), "gemma-"),
    # OpenRouter's and Cerebras' "qwen-2.5-72b-instruct" (Fireworks' "qwen-v2p5-…") is Qwen's qwen2.5-72b-instruct;
    # a size after the dash is Qwen 1's own spelling (qwen-14b-chat).
    (re.compile(r"^qwen-v?(?=\d+(?:\.\d+)?-)"), "qwen"),
    # OpenAI documents gpt-4-turbo-preview as pointing to gpt-4-0125-preview: its 0125 snapshot. The earlier
    # gpt-4-1106-preview stays apart, as analysis.reference reads published latency by family, not snapshot.
    (re.compile(r"^gpt-4-0125-preview$"), "gpt-4-turbo-preview-0125"),
    # Azure's "gpt-35-turbo" is gpt-3.5-turbo.
    (re.compile(r"^gpt-35(?=-)"), "gpt-3.5"),
    # Bedrock writes Cohere's "embed-english-v3.0" as "embed-english-v3" and "embed-v4.0" as "embed-v4".
    (re.compile(r"^(embed-(?:(?:english|multilingual)(?:-light)?-)?v\d+)$"), r"\1.0"),
    # OpenAI's usage exports name ada-002 "text-embedding-ada-002-v2".
    (re.compile(r"^text-embedding-ada-002-v2$"), "text-embedding-ada-002"),
)
# A snapshot, last in an id: a date (2024-08-06, 20241022), MMDD or YYMM (0613, 2411), Cohere's MM-YYYY (08-2024),
# an alias (latest), a maturity and its date (preview, preview-05-20, Google's preview-09-2025, exp), Mistral's
# weight revision (v0.1). An experimental model named by its date stays whole (gemini-exp-1121, gemini-exp-1206).
_VERSION = re.compile(
    r"(?<!-exp)-(?P<v>\d{4}-\d{2}-\d{2}|\d{8}|(?:0[1-9]|1[0-2])-20\d{2}|\d{4}|latest"
    r"|preview(?:-\d{2}-(?:\d{2}|20\d{2}))?|exp|v0\.\d+)$"
)
# Google's stable versions of a Gemini or PaLM model: gemini-1.5-pro-002 is gemini-1.5-pro, version 002.
_GOOGLE_STABLE = re.compile(r"^(?:gemini|(?:text|chat|code|codechat)-bison)(?:-.+)?-(?P<v>\d{3})$")


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


@lru_cache(maxsize=16384)
def _strip(raw: str) -> tuple[str, str | None, str | None]:
    """(cleaned id, version, geography) of a raw id, before it is checked against any catalog. Cached: the
    catalogs' few thousand ids are read through :func:`family_of` by the price book, the Models page and
    the candidate set."""
    # A console display name ("Claude Sonnet 4.5", "GPT-4o mini") as an id.
    text = raw.strip().lower().replace(" ", "-")
    text, geography = _located(text)
    text, pinned = _pinned(_without_revision(text))
    text, version = _versioned(_respelled(text))
    if text.startswith("claude"):
        text = _claude(text)
    # A date pinned after "@" is the snapshot; Vertex's "@001" only where the name has none of its own
    # (mistral-small-2503@001 is the 2503 snapshot).
    return text, pinned if pinned and len(pinned) == 8 else version or pinned, geography


def _located(text: str) -> tuple[str, str | None]:
    """(the model's part of ``text``, the geography its prefix names)."""
    geography = None
    if "/" in text:
        # Registry and router prefixes (openai/…, azure/…, together_ai/meta-llama/…): the last part is the model.
        *path, text = text.split("/")
        zones = [zone["geo"] for part in path if (zone := _DATA_ZONE.fullmatch(part))]
        geography = zones[-1] if zones else None
    match = _BEDROCK.match(text)
    if match is None:
        return text, geography
    model = match["model"]
    if match["author"] in _BEDROCK_UNNAMED and not model.startswith(match["author"]):
        model = f"{match['author']}-{model}"
    return model, match["geo"] or geography


def _without_revision(text: str) -> str:
    """``text`` without Bedrock's revision of its id ("-v1:0", gpt-oss' "-1:0", "-v1"), wherever the id came from.

    A generation that is part of the model's own name stays: "whisper-large-v3", "cohere.embed-english-v3",
    "amazon.titan-embed-text-v2:0" (Titan Text Embeddings V2, not a revision of Titan Embeddings G1).
    """
    # Bedrock names Claude 1 and 2 "claude-v1" and "claude-v2", and Claude 2.1 "claude-v2:1".
    if match := re.fullmatch(r"claude-v(\d)(?::([1-9]))?", text):
        return "-".join(["claude", *filter(None, match.groups())])
    text = re.sub(r"(?:-\d+)?:\d+$", "", text)
    # A dated id's "-v2" (claude-3-5-sonnet-20241022-v2:0): the date already says which snapshot it is.
    text = re.sub(r"(?<=\d{8})-v\d+$", "", text)
    # Bedrock's first revision ("amazon.nova-pro-v1:0", "mistral.mixtral-8x7b-instruct-v0:1"), unless nothing
    # else names the model ("firefunction-v1").
    unrevised = re.sub(r"-v[01]$", "", text)
    return unrevised if re.search(r"[\d-]", unrevised) else text


def _pinned(text: str) -> tuple[str, str | None]:
    """(``text`` without Vertex's "@…", what it pins): a snapshot's date ("claude-3-5-sonnet-v2@20241022") or a
    revision ("text-bison@001"); "@default" pins nothing."""
    if "@" not in text:
        return text, None
    text, _, pin = text.partition("@")
    return re.sub(r"-v\d+$", "", text), pin if re.fullmatch(r"\d{8}|\d{3}", pin) else None


def _respelled(text: str) -> str:
    """``text`` as its maker spells the model (see :data:`_SPELLINGS`)."""
    for pattern, spelling in _SPELLINGS:
        text = pattern.sub(spelling, text)
    return text


def _versioned(text: str) -> tuple[str, str | None]:
    """(``text`` without its snapshot suffix, the snapshot)."""
    match = _VERSION.search(text) or _GOOGLE_STABLE.match(text)
    if match is None:
        return text, None
    family = text[: match.start("v") - 1]
    # OpenAI's "-preview" names a model of its own (o1-preview is not o1), as its snapshots keep it
    # (o1-preview-2024-09-12, gpt-4o-realtime-preview-2024-12-17).
    if match["v"] == "preview" and author_of(family) == "openai":
        return text, None
    return family, match["v"]


def _claude(text: str) -> str:
    """A Claude model as Anthropic's API ids spell it: "claude-3-5-sonnet", "claude-sonnet-4-5"."""
    # Dashes for dots: OpenRouter's "claude-3.5-sonnet", "claude-sonnet-4.5", a console's "Claude Sonnet 4.5".
    text = text.replace(".", "-")
    # Vertex's "claude-3-5-sonnet-v2" (Claude 3.5 Sonnet v2) is a snapshot of claude-3-5-sonnet.
    text = re.sub(r"^(claude-.+)-v\d+$", r"\1", text)
    # Claude 3 and earlier put the tier after the version; the newer display order ("Claude Haiku 3.5") does not.
    text = re.sub(r"^claude-(opus|sonnet|haiku)-([1-3](?:-\d)?)(?=-|$)", r"claude-\2-\1", text)
    # Anthropic's alias "claude-sonnet-4-0" is claude-sonnet-4, and "claude-2.0" is Claude 2.
    return re.sub(r"^(claude-(?:(?:opus|sonnet|haiku)-)?\d+)-0$", r"\1", text)


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
    return genai_names.listed(provider, model)


@lru_cache(maxsize=8192)
def identify(provider: str, model: str) -> ModelIdentity:
    """The identity of ``model`` as served by ``provider``.

    An id resolves when a price registry knows it or its name says who made it; an id that is neither
    (``chat-prod``, an Azure deployment) keeps ``family`` None, and has no author.

    >>> who = identify("aws", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0")
    >>> who.family, who.version, who.author, who.geography
    ('claude-sonnet-4-5', '20250929', 'anthropic', 'eu')
    """
    family, version, geography = _strip(model)
    author = author_of(family)
    known = bool(family) and _known(provider, model, family, author)
    return ModelIdentity(
        provider=provider,
        model=model,
        family=family if known else None,
        version=version,
        author=author if known else None,
        geography=geography,
        open_weights=known and bool(_OPEN_WEIGHTS.match(family)),
    )


# Hosts whose model ids are the names users give their deployments (Azure's "gpt-4o-prod").
_NAMED_BY_USERS = frozenset({"azure"})


def _known(provider: str, model: str, family: str, author: str | None) -> bool:
    """Whether ``model`` at ``provider`` is a model: a price registry knows it, or its name says who made it."""
    if author is not None and provider not in _NAMED_BY_USERS:
        return True
    if _in_genai_prices(provider, model) or (provider, family) in _catalog_families():
        return True
    # Where users name deployments, a listed model and words of their own ("gpt-4o-prod") is a deployment.
    return author is not None and (family in _listed_families() or not _extends_a_listed_model(family))


def _extends_a_listed_model(family: str) -> bool:
    """Whether ``family`` is a listed model's family and more words: "gpt-4o-prod" (gpt-4o), not
    "phi-3.5-mini-instruct". A prefix without a digit is a maker's brand ("gpt", "phi"), not a model."""
    parts = family.split("-")
    prefixes = ("-".join(parts[:end]) for end in range(1, len(parts)))
    return any(re.search(r"\d", prefix) and prefix in _listed_families() for prefix in prefixes)


@lru_cache(maxsize=1)
def _catalog_families() -> frozenset[tuple[str, str]]:
    # The registry is large: it is read only when a name does not say who made the model.
    from pricing.litellm import vendored_catalog

    catalog = vendored_catalog()
    return frozenset(zip(catalog["provider"], catalog["model"].map(family_of), strict=True))


@lru_cache(maxsize=1)
def _listed_families() -> frozenset[str]:
    """Every family a price registry lists, at any host."""
    genai = (info.id for provider in data_snapshot.get_snapshot().providers for info in provider.models)
    return frozenset({family for _, family in _catalog_families()} | {family_of(model) for model in genai})


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
