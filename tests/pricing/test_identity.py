"""Model identity: real ids as vendors, clouds and routers spell them, and what each one is.

Every expectation is what someone who knows the vendor would answer. Where exitplan answers otherwise the
case is a strict xfail naming the fault, so the table shows the bug and turns red once it is fixed.
"""

from __future__ import annotations

import pandas as pd
import pytest
from genai_prices import data_snapshot

from pricing import identity
from pricing.identity import (
    ModelIdentity,
    author_of,
    canonical_model,
    canonical_models,
    family_of,
    identify,
    is_known_provider,
    provider_id,
)


def wrong(*values: object, reason: str, id: str | None = None) -> pytest.ParameterSet:
    """A case exitplan gets wrong today: the right answer, expected to fail until the fault is fixed."""
    return pytest.param(*values, marks=pytest.mark.xfail(strict=True, reason=reason), id=id)


def test_public_surface() -> None:
    # A new public name needs its table here.
    assert sorted(identity.__all__) == [
        "ModelIdentity",
        "author_of",
        "canonical_model",
        "canonical_models",
        "family_of",
        "identify",
        "is_known_provider",
        "provider_id",
    ]


# provider_id ------------------------------------------------------------------------------------------

PROVIDER_NAMES = [
    # Vendors as people write them.
    ("openai", "openai"),
    ("OpenAI", "openai"),
    ("  OpenAI  ", "openai"),
    ("Anthropic", "anthropic"),
    ("Claude", "anthropic"),
    ("Google", "google"),
    ("Cohere", "cohere"),
    ("DeepSeek", "deepseek"),
    ("Groq", "groq"),
    ("OpenRouter", "openrouter"),
    ("xAI", "x-ai"),
    # Clouds: AWS Bedrock, Azure, Vertex.
    ("Bedrock", "aws"),
    ("bedrock", "aws"),
    ("bedrock_converse", "aws"),
    ("AWS", "aws"),
    ("Amazon Bedrock", "aws"),
    ("Azure OpenAI", "azure"),
    ("azure", "azure"),
    ("Microsoft", "azure"),
    ("Vertex AI", "google"),
    ("vertex_ai", "google"),
    ("gemini", "google"),
    # LiteLLM's provider names.
    ("azure_ai", "azure"),
    ("together_ai", "together"),
    ("fireworks_ai", "fireworks"),
    ("mistral", "mistral"),
    ("x_ai", "x-ai"),
    # OpenTelemetry's gen_ai.provider.name (and the older gen_ai.system).
    ("aws.bedrock", "aws"),
    ("azure.ai.openai", "azure"),
    ("azure.ai.inference", "azure"),
    ("gcp.vertex_ai", "google"),
    ("gcp.gemini", "google"),
    ("gcp.gen_ai", "google"),
    ("mistral_ai", "mistral"),
    ("xai", "x-ai"),
    ("az.ai.openai", "azure"),
    ("az.ai.inference", "azure"),
    # Company names with "AI" in them, as their own sites and genai-prices' display names write them.
    ("Mistral AI", "mistral"),
    ("Together AI", "together"),
    ("Fireworks AI", "fireworks"),
]


@pytest.mark.parametrize(("name", "expected"), PROVIDER_NAMES)
def test_provider_id(name: str, expected: str) -> None:
    assert provider_id(name) == expected


def test_every_alias_lands_on_a_genai_prices_provider() -> None:
    # The right answers of the xfail cases too: each names a provider the price registry has.
    known = {provider.id for provider in data_snapshot.get_snapshot().providers}
    cases = [case.values if isinstance(case, pytest.ParameterSet) else case for case in PROVIDER_NAMES]
    assert {expected for _, expected in cases} <= known


@pytest.mark.parametrize(("name", "expected"), [("Acme Gateway", "acme-gateway"), ("perplexity", "perplexity")])
def test_an_unknown_provider_name_is_kept_lower_case_and_dashed(name: str, expected: str) -> None:
    assert provider_id(name) == expected


# is_known_provider: what a status page's name or address may be taken for -------------------------------

KNOWN = ("openai", "anthropic", "google", "aws", "azure", "mistral", "x-ai", "together", "fireworks", "groq")
# Not ids: a spelling before provider_id, a company name it does not know, a word of a page's address.
NOT_IDS = ("OpenAI", "claude", "mistral-ai", "acme-gateway", "status", "", "com")
KNOWN_PROVIDERS = [*((name, True) for name in KNOWN), *((name, False) for name in NOT_IDS)]


@pytest.mark.parametrize(("provider", "expected"), KNOWN_PROVIDERS)
def test_is_known_provider(provider: str, expected: bool) -> None:
    assert is_known_provider(provider) is expected


# family_of and identify().family ------------------------------------------------------------------------

FAMILIES = [
    # OpenAI: dated snapshots, aliases, router prefixes, dashboard names.
    ("openai", "gpt-4o-2024-08-06", "gpt-4o"),
    ("openai", "gpt-4o", "gpt-4o"),
    ("openai", "openai/gpt-4o", "gpt-4o"),
    ("openai", "  gpt-4o  ", "gpt-4o"),
    ("openai", "GPT-4o mini", "gpt-4o-mini"),
    ("openai", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
    ("openai", "gpt-4-turbo-2024-04-09", "gpt-4-turbo"),
    ("openai", "gpt-4-0613", "gpt-4"),
    ("openai", "gpt-3.5-turbo-0125", "gpt-3.5-turbo"),
    ("openai", "gpt-4.1-2025-04-14", "gpt-4.1"),
    ("openai", "gpt-5-mini-2025-08-07", "gpt-5-mini"),
    ("openai", "o1-2024-12-17", "o1"),
    ("openai", "o1-preview-2024-09-12", "o1-preview"),
    ("openai", "o3-mini-2025-01-31", "o3-mini"),
    ("openai", "chatgpt-4o-latest", "chatgpt-4o"),
    ("openai", "gpt-oss-120b", "gpt-oss-120b"),
    ("openai", "text-embedding-3-small", "text-embedding-3-small"),
    # OpenAI's usage exports name ada-002 so.
    ("openai", "text-embedding-ada-002-v2", "text-embedding-ada-002"),
    ("openai", "o1-preview", "o1-preview"),
    # Azure: router prefixes and data-zone / global deployments (LiteLLM's ids).
    ("azure", "azure/gpt-4o", "gpt-4o"),
    ("azure", "eu/gpt-4o", "gpt-4o"),
    ("azure", "azure/eu/gpt-4o-2024-08-06", "gpt-4o"),
    ("azure", "global-standard/gpt-4o-2024-08-06", "gpt-4o"),
    ("azure", "azure_ai/Llama-3.3-70B-Instruct", "llama-3.3-70b-instruct"),
    ("azure", "Phi-3.5-mini-instruct", "phi-3.5-mini-instruct"),
    ("azure", "gpt-35-turbo", "gpt-3.5-turbo"),
    ("azure", "gpt-35-turbo-16k", "gpt-3.5-turbo-16k"),
    ("azure", "Meta-Llama-3.1-405B-Instruct", "llama-3.1-405b-instruct"),
    # Bedrock: on-demand ids, cross-region inference profiles, a router prefix, a profile ARN.
    ("aws", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet"),
    ("aws", "anthropic.claude-3-5-sonnet-20240620-v1:0", "claude-3-5-sonnet"),
    ("aws", "eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet"),
    ("aws", "global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5"),
    ("aws", "bedrock/us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet"),
    (
        "aws",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0",
        "claude-3-5-sonnet",
    ),
    ("aws", "amazon.nova-pro-v1:0", "nova-pro"),
    ("aws", "us.amazon.nova-lite-v1:0", "nova-lite"),
    ("aws", "amazon.titan-text-express-v1", "titan-text-express"),
    ("aws", "mistral.mistral-large-2407-v1:0", "mistral-large"),
    ("aws", "cohere.command-r-plus-v1:0", "command-r-plus"),
    ("aws", "meta.llama3-1-70b-instruct-v1:0", "llama-3.1-70b-instruct"),
    ("aws", "us.meta.llama3-3-70b-instruct-v1:0", "llama-3.3-70b-instruct"),
    ("aws", "deepseek.r1-v1:0", "deepseek-r1"),
    ("aws", "openai.gpt-oss-120b-1:0", "gpt-oss-120b"),
    # Vertex: '@' pins a snapshot; Google's own API ids; resource paths.
    ("google", "claude-sonnet-4-5@20250929", "claude-sonnet-4-5"),
    ("google", "claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet"),
    ("google", "claude-opus-4@20250514", "claude-opus-4"),
    ("google", "gemini-2.5-pro", "gemini-2.5-pro"),
    ("google", "gemini-1.5-pro-latest", "gemini-1.5-pro"),
    ("google", "models/gemini-1.5-pro-latest", "gemini-1.5-pro"),
    ("google", "publishers/google/models/gemini-2.5-flash", "gemini-2.5-flash"),
    ("google", "vertex_ai/gemini-2.5-pro", "gemini-2.5-pro"),
    ("google", "gemini-2.5-flash-preview-05-20", "gemini-2.5-flash"),
    ("google", "gemma-2-9b-it", "gemma-2-9b-it"),
    ("google", "gemini-1.5-pro-002", "gemini-1.5-pro"),
    ("openrouter", "google/gemini-2.0-flash-001", "gemini-2.0-flash"),
    # OpenRouter, Together and Fireworks paths.
    ("openrouter", "meta-llama/llama-3.3-70b-instruct", "llama-3.3-70b-instruct"),
    ("openrouter", "anthropic/claude-sonnet-4", "claude-sonnet-4"),
    ("openrouter", "openai/gpt-4o-mini", "gpt-4o-mini"),
    ("openrouter", "x-ai/grok-2-1212", "grok-2"),
    ("openrouter", "deepseek/deepseek-chat", "deepseek-chat"),
    ("openrouter", "anthropic/claude-3.5-sonnet", "claude-3-5-sonnet"),
    ("openrouter", "anthropic/claude-sonnet-4.5", "claude-sonnet-4-5"),
    ("openrouter", "qwen/qwen-2.5-72b-instruct", "qwen2.5-72b-instruct"),
    ("together", "deepseek-ai/DeepSeek-V3", "deepseek-v3"),
    ("together", "deepseek-ai/DeepSeek-R1", "deepseek-r1"),
    ("fireworks", "accounts/fireworks/models/deepseek-v3", "deepseek-v3"),
    ("fireworks", "accounts/fireworks/models/mixtral-8x7b-instruct", "mixtral-8x7b-instruct"),
    ("fireworks", "accounts/fireworks/models/llama-v3p1-70b-instruct", "llama-3.1-70b-instruct"),
    ("fireworks", "accounts/fireworks/models/qwen2p5-72b-instruct", "qwen2.5-72b-instruct"),
    # Groq: its own names for the models it hosts.
    ("groq", "deepseek-r1-distill-llama-70b", "deepseek-r1-distill-llama-70b"),
    ("groq", "meta-llama/llama-4-scout-17b-16e-instruct", "llama-4-scout-17b-16e-instruct"),
    ("groq", "llama-3.3-70b-versatile", "llama-3.3-70b-instruct"),
    ("groq", "llama-3.1-8b-instant", "llama-3.1-8b-instruct"),
    ("groq", "llama3-70b-8192", "llama-3-70b-instruct"),
    ("groq", "gemma2-9b-it", "gemma-2-9b-it"),
    ("groq", "llama2-70b-4096", "llama-2-70b-chat"),
    ("groq", "whisper-large-v3", "whisper-large-v3"),
    # Anthropic: API ids, aliases, console display names.
    ("anthropic", "claude-3-5-sonnet-20241022", "claude-3-5-sonnet"),
    ("anthropic", "claude-3-5-sonnet-latest", "claude-3-5-sonnet"),
    ("anthropic", "claude-sonnet-4-0", "claude-sonnet-4"),
    ("anthropic", "claude-sonnet-4-20250514", "claude-sonnet-4"),
    ("anthropic", "claude-opus-4-1-20250805", "claude-opus-4-1"),
    ("anthropic", "claude-haiku-4-5", "claude-haiku-4-5"),
    ("anthropic", "Claude Sonnet 4", "claude-sonnet-4"),
    ("anthropic", "Claude Sonnet 4.5", "claude-sonnet-4-5"),
    ("anthropic", "Claude Opus 4.1", "claude-opus-4-1"),
    ("anthropic", "Claude 3.5 Sonnet", "claude-3-5-sonnet"),
    ("anthropic", "Claude Haiku 3.5", "claude-3-5-haiku"),
    ("anthropic", "Claude Sonnet 3.7", "claude-3-7-sonnet"),
    # Mistral (YYMM snapshots), xAI (MMDD), Cohere (MM-YYYY).
    ("mistral", "mistral-large-2411", "mistral-large"),
    ("mistral", "mistral-large-latest", "mistral-large"),
    ("mistral", "codestral-2405", "codestral"),
    ("mistral", "ministral-8b-2410", "ministral-8b"),
    ("x-ai", "grok-4-0709", "grok-4"),
    ("cohere", "command-r-plus-08-2024", "command-r-plus"),
    # Known to a price registry only: no name pattern says who made it.
    ("perplexity", "sonar-pro", "sonar-pro"),
    ("voyageai", "voyage-3", "voyage-3"),
]


@pytest.mark.parametrize(("provider", "model", "family"), FAMILIES)
def test_family(provider: str, model: str, family: str) -> None:
    assert family_of(model) == family
    assert identify(provider, model).family == family
    assert canonical_model(provider, model) == family


# identify().version --------------------------------------------------------------------------------------

VERSIONS = [
    ("openai", "gpt-4o-2024-08-06", "2024-08-06"),
    ("openai", "gpt-4o", None),
    ("openai", "gpt-4-0613", "0613"),
    ("openai", "gpt-3.5-turbo-0125", "0125"),
    ("azure", "azure/eu/gpt-4o-2024-08-06", "2024-08-06"),
    ("anthropic", "claude-3-5-sonnet-20241022", "20241022"),
    ("anthropic", "claude-3-5-sonnet-latest", "latest"),
    ("anthropic", "Claude Sonnet 4.5", None),
    ("aws", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "20241022"),
    ("aws", "anthropic.claude-3-haiku-20240307-v1:0", "20240307"),
    # Bedrock's "-v1:0" is the id's revision on Bedrock, not a snapshot of the model.
    ("aws", "meta.llama3-1-70b-instruct-v1:0", None),
    ("aws", "mistral.mistral-large-2407-v1:0", "2407"),
    ("google", "claude-3-5-sonnet-v2@20241022", "20241022"),
    ("google", "claude-sonnet-4-5@20250929", "20250929"),
    # Vertex's "@001" is its revision; the model's own snapshot is 2503.
    ("google", "mistral-small-2503@001", "2503"),
    ("google", "gemini-2.5-flash-preview-05-20", "preview-05-20"),
    ("mistral", "mistral-large-2411", "2411"),
    ("x-ai", "grok-2-1212", "1212"),
    ("google", "gemini-1.5-pro-002", "002"),
    ("google", "text-bison@001", "001"),
    ("groq", "llama3-70b-8192", None),
    ("cohere", "command-r-plus-08-2024", "08-2024"),
]


@pytest.mark.parametrize(("provider", "model", "version"), VERSIONS)
def test_version(provider: str, model: str, version: str | None) -> None:
    assert identify(provider, model).version == version


# author_of, and identify().author --------------------------------------------------------------------------

AUTHORS = [
    ("gpt-4o", "openai"),
    ("chatgpt-4o", "openai"),
    ("o3-mini", "openai"),
    ("gpt-oss-120b", "openai"),
    ("text-embedding-3-small", "openai"),
    ("whisper-1", "openai"),
    ("dall-e-3", "openai"),
    ("claude-sonnet-4-5", "anthropic"),
    ("gemini-2.5-pro", "google"),
    ("gemma-2-9b-it", "google"),
    ("llama-3.3-70b-instruct", "meta"),
    ("meta-llama-3.1-8b-instruct", "meta"),
    ("mistral-large", "mistral"),
    ("mixtral-8x7b-instruct", "mistral"),
    ("codestral", "mistral"),
    ("deepseek-r1", "deepseek"),
    ("qwen2.5-72b-instruct", "alibaba"),
    ("qwq-32b", "alibaba"),
    ("grok-4", "x-ai"),
    ("command-r-plus", "cohere"),
    ("nova-pro", "amazon"),
    ("titan-text-express", "amazon"),
    ("phi-4", "microsoft"),
    ("kimi-k2-instruct", "moonshotai"),
    ("glm-4.5", "zhipuai"),
    ("jamba-1-5-large", "ai21"),
    ("chat-prod", None),
    ("sonar-pro", None),
    ("text-embedding-004", "google"),
    ("open-mixtral-8x22b", "mistral"),
]


@pytest.mark.parametrize(("family", "author"), AUTHORS)
def test_author_of(family: str, author: str | None) -> None:
    assert author_of(family) == author


@pytest.mark.parametrize(
    ("provider", "model", "author"),
    [
        ("aws", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "anthropic"),
        ("aws", "amazon.nova-pro-v1:0", "amazon"),
        ("google", "claude-sonnet-4-5@20250929", "anthropic"),
        ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", "meta"),
        ("together", "Qwen/Qwen2.5-72B-Instruct-Turbo", "alibaba"),
        ("fireworks", "accounts/fireworks/models/llama-v3p1-70b-instruct", "meta"),
        ("groq", "llama-3.3-70b-versatile", "meta"),
        ("azure", "Phi-3.5-mini-instruct", "microsoft"),
        ("perplexity", "sonar-pro", None),
        ("aws", "deepseek.r1-v1:0", "deepseek"),
    ],
)
def test_author_of_a_raw_id(provider: str, model: str, author: str | None) -> None:
    assert identify(provider, model).author == author


# identify().open_weights ---------------------------------------------------------------------------------

OPEN_WEIGHTS = [
    ("aws", "meta.llama3-1-70b-instruct-v1:0", True),
    ("aws", "mistral.mistral-7b-instruct-v0:2", True),
    ("together", "meta-llama/Llama-3.3-70B-Instruct-Turbo", True),
    ("together", "mistralai/Mixtral-8x7B-Instruct-v0.1", True),
    ("together", "deepseek-ai/DeepSeek-R1", True),
    ("together", "Qwen/Qwen2.5-72B-Instruct-Turbo", True),
    ("fireworks", "accounts/fireworks/models/llama-v3p1-70b-instruct", True),
    ("groq", "llama-3.3-70b-versatile", True),
    ("groq", "gemma2-9b-it", True),
    ("google", "gemma-2-9b-it", True),
    ("openai", "gpt-oss-120b", True),
    ("azure", "phi-4", True),
    ("moonshotai", "kimi-k2-instruct", True),
    ("openai", "gpt-4o-2024-08-06", False),
    ("azure", "azure/gpt-4o", False),
    ("aws", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", False),
    ("google", "claude-sonnet-4-5@20250929", False),
    ("google", "gemini-1.5-pro-002", False),
    ("aws", "amazon.nova-pro-v1:0", False),
    ("mistral", "mistral-medium-2505", False),
    ("azure", "chat-prod", False),
    ("mistral", "open-mistral-nemo", True),
    ("mistral", "open-mixtral-8x22b", True),
    ("aws", "deepseek.r1-v1:0", True),
]


@pytest.mark.parametrize(("provider", "model", "open_weights"), OPEN_WEIGHTS)
def test_open_weights(provider: str, model: str, open_weights: bool) -> None:
    assert identify(provider, model).open_weights is open_weights


# identify().geography ------------------------------------------------------------------------------------

GEOGRAPHIES = [
    ("aws", "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "us"),
    ("aws", "eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "eu"),
    ("aws", "apac.anthropic.claude-3-haiku-20240307-v1:0", "apac"),
    ("aws", "us-gov.anthropic.claude-3-5-sonnet-20240620-v1:0", "us-gov"),
    ("aws", "jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "jp"),
    ("aws", "global.anthropic.claude-sonnet-4-5-20250929-v1:0", "global"),
    ("aws", "us.meta.llama3-3-70b-instruct-v1:0", "us"),
    ("aws", "us.amazon.nova-lite-v1:0", "us"),
    ("aws", "bedrock/eu.anthropic.claude-3-7-sonnet-20250219-v1:0", "eu"),
    ("aws", "anthropic.claude-3-5-sonnet-20240620-v1:0", None),
    ("openai", "gpt-4o", None),
    ("google", "claude-sonnet-4-5@20250929", None),
    ("azure", "eu/gpt-4o", "eu"),
    ("azure", "azure/us/gpt-4o-2024-08-06", "us"),
]


@pytest.mark.parametrize(("provider", "model", "geography"), GEOGRAPHIES)
def test_geography(provider: str, model: str, geography: str | None) -> None:
    assert identify(provider, model).geography == geography


# The same model under different names, and different models under similar ones -----------------------------

SAME_MODEL = [
    pytest.param(
        [
            ("openai", "gpt-4o-2024-08-06"),
            ("openai", "GPT-4o"),
            ("azure", "azure/gpt-4o"),
            ("azure", "eu/gpt-4o"),
            ("openrouter", "openai/gpt-4o"),
        ],
        id="gpt-4o",
    ),
    pytest.param(
        [
            ("anthropic", "claude-3-5-sonnet-20241022"),
            ("anthropic", "Claude 3.5 Sonnet"),
            ("aws", "us.anthropic.claude-3-5-sonnet-20241022-v2:0"),
            ("google", "claude-3-5-sonnet-v2@20241022"),
        ],
        id="claude-3-5-sonnet",
    ),
    pytest.param(
        [
            ("anthropic", "claude-sonnet-4-5-20250929"),
            ("anthropic", "Claude Sonnet 4.5"),
            ("aws", "global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
            ("google", "claude-sonnet-4-5@20250929"),
        ],
        id="claude-sonnet-4-5",
    ),
    pytest.param(
        [("together", "deepseek-ai/DeepSeek-V3"), ("fireworks", "accounts/fireworks/models/deepseek-v3")],
        id="deepseek-v3",
    ),
    pytest.param([("anthropic", "claude-2.1"), ("aws", "anthropic.claude-v2:1")], id="claude-2.1"),
    pytest.param(
        [("openrouter", "meta-llama/llama-3.3-70b-instruct"), ("azure", "azure_ai/Llama-3.3-70B-Instruct")],
        id="llama-3.3-70b-instruct",
    ),
    pytest.param(
        [("anthropic", "claude-3-5-sonnet-20241022"), ("openrouter", "anthropic/claude-3.5-sonnet")],
        id="claude-3-5-sonnet-on-openrouter",
    ),
    pytest.param(
        [
            ("openrouter", "meta-llama/llama-3.1-70b-instruct"),
            ("aws", "meta.llama3-1-70b-instruct-v1:0"),
            ("fireworks", "accounts/fireworks/models/llama-v3p1-70b-instruct"),
        ],
        id="llama-3.1-70b-instruct",
    ),
    pytest.param(
        [("openrouter", "meta-llama/llama-3.3-70b-instruct"), ("groq", "llama-3.3-70b-versatile")],
        id="llama-3.3-70b-instruct-on-groq",
    ),
    pytest.param(
        [
            ("aws", "mistral.mixtral-8x7b-instruct-v0:1"),
            ("fireworks", "accounts/fireworks/models/mixtral-8x7b-instruct"),
            ("together", "mistralai/Mixtral-8x7B-Instruct-v0.1"),
            ("groq", "mixtral-8x7b-32768"),
        ],
        id="mixtral-8x7b-instruct",
    ),
    pytest.param([("openai", "gpt-3.5-turbo-0125"), ("azure", "gpt-35-turbo")], id="gpt-3.5-turbo"),
    pytest.param([("google", "gemini-1.5-pro"), ("google", "gemini-1.5-pro-002")], id="gemini-1.5-pro"),
    pytest.param([("google", "gemma-2-9b-it"), ("groq", "gemma2-9b-it")], id="gemma-2-9b-it"),
    pytest.param([("cohere", "embed-english-v3.0"), ("aws", "cohere.embed-english-v3")], id="embed-english-v3"),
    # OpenAI documents gpt-4-turbo-preview as pointing to gpt-4-0125-preview.
    pytest.param([("openai", "gpt-4-turbo-preview"), ("openai", "gpt-4-0125-preview")], id="gpt-4-turbo-preview"),
    pytest.param(
        [("openai", "gpt-4o-realtime-preview"), ("openai", "gpt-4o-realtime-preview-2024-12-17")],
        id="gpt-4o-realtime-preview",
    ),
]


@pytest.mark.parametrize("names", SAME_MODEL)
def test_one_model_under_many_names_is_one_family(names: list[tuple[str, str]]) -> None:
    families = {f"{provider}:{model}": identify(provider, model).family for provider, model in names}
    assert None not in families.values(), families
    assert len(set(families.values())) == 1, families


DIFFERENT_MODELS = [
    (("openai", "gpt-4o"), ("openai", "gpt-4o-mini")),
    (("openai", "gpt-4-0613"), ("openai", "gpt-4-turbo-2024-04-09")),
    (("openai", "o1-2024-12-17"), ("openai", "o1-mini")),
    (("openai", "o1-2024-12-17"), ("openai", "o1-preview-2024-09-12")),
    (("anthropic", "claude-opus-4-20250514"), ("anthropic", "claude-opus-4-1-20250805")),
    (("anthropic", "Claude Sonnet 4"), ("anthropic", "Claude Sonnet 4.5")),
    (("aws", "us.anthropic.claude-3-5-sonnet-20241022-v2:0"), ("aws", "anthropic.claude-3-5-haiku-20241022-v1:0")),
    (("google", "gemini-2.5-flash"), ("google", "gemini-2.5-flash-lite")),
    (("openrouter", "meta-llama/llama-3.1-70b-instruct"), ("openrouter", "meta-llama/llama-3.3-70b-instruct")),
    (("together", "deepseek-ai/DeepSeek-V3"), ("together", "deepseek-ai/DeepSeek-R1")),
    (("mistral", "mistral-large-2411"), ("mistral", "mistral-small-2409")),
    (("groq", "whisper-large-v3"), ("groq", "whisper-large-v3-turbo")),
    (("openai", "o1"), ("openai", "o1-preview")),
    # Titan Embeddings G1 ($0.10/M) and Titan Text Embeddings V2 ($0.02/M).
    (("aws", "amazon.titan-embed-text-v1"), ("aws", "amazon.titan-embed-text-v2:0")),
    # Bedrock's Claude 2.0 and Claude 2.1 (200k context).
    (("aws", "anthropic.claude-v2"), ("aws", "anthropic.claude-v2:1")),
    (("google", "gemini-exp-1121"), ("google", "gemini-exp-1206")),
]


def _host_and_id(value: object) -> str | None:
    return ":".join(value) if isinstance(value, tuple) else None


@pytest.mark.parametrize(("one", "other"), DIFFERENT_MODELS, ids=_host_and_id)
def test_different_models_are_different_families(one: tuple[str, str], other: tuple[str, str]) -> None:
    first, second = identify(*one).family, identify(*other).family
    assert first is not None and second is not None
    assert first != second


# Ids exitplan must not place ------------------------------------------------------------------------------

UNRESOLVED = [
    ("azure", "chat-prod"),
    ("azure", "azure/chat-prod"),
    ("azure", "my-deployment"),
    ("azure", "prod-east-1"),
    ("azure", "summarizer"),
    # A registry's id at a host that does not serve it.
    ("azure", "sonar-pro"),
    ("openai", ""),
    ("azure", "embed-prod"),
    ("azure", "gpt-4o-prod"),
    ("azure", "azure/gpt-4o-mini-prod"),
]


@pytest.mark.parametrize(("provider", "model"), UNRESOLVED)
def test_an_id_nothing_knows_is_unresolved(provider: str, model: str) -> None:
    who = identify(provider, model)
    assert (who.family, who.author, who.resolved) == (None, None, False)
    assert canonical_model(provider, model) is None


def test_identify_keeps_the_raw_id_and_its_host() -> None:
    who = identify("aws", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0")
    assert who == ModelIdentity(
        provider="aws",
        model="eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
        family="claude-sonnet-4-5",
        version="20250929",
        author="anthropic",
        geography="eu",
        open_weights=False,
    )
    assert who.resolved


# canonical_models ----------------------------------------------------------------------------------------


def test_canonical_models_follow_the_rows_and_their_index() -> None:
    index = [10, 11, 12, 13, 14]
    providers = pd.Series(["openai", "azure", None, "openai", "aws"], index=index)
    models = pd.Series(
        ["gpt-4o-2024-08-06", "chat-prod", "gpt-4o", None, "us.anthropic.claude-3-5-sonnet-20241022-v2:0"], index=index
    )
    result = canonical_models(providers, models)
    assert result.index.tolist() == index and result.dtype == object
    # Unresolved ids and rows missing a provider or a model have no canonical model.
    assert result.isna().tolist() == [False, True, True, True, False]
    assert result.dropna().tolist() == ["gpt-4o", "claude-3-5-sonnet"]


def test_canonical_models_resolve_each_distinct_pair_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def counted(provider: str, model: str) -> str | None:
        calls.append((provider, model))
        return canonical_model(provider, model)

    monkeypatch.setattr(identity, "canonical_model", counted)
    providers = pd.Series(["openai", "openai", "azure", "openai", "azure"], dtype="string")
    models = pd.Series(["gpt-4o", "gpt-4o", "gpt-4o", "gpt-4o-mini", "gpt-4o"], dtype="string")
    result = canonical_models(providers, models)
    assert result.tolist() == ["gpt-4o", "gpt-4o", "gpt-4o", "gpt-4o-mini", "gpt-4o"]
    assert sorted(calls) == [("azure", "gpt-4o"), ("openai", "gpt-4o"), ("openai", "gpt-4o-mini")]


def test_canonical_models_of_no_rows() -> None:
    empty = pd.Series([], dtype=object)
    assert canonical_models(empty, empty).empty
