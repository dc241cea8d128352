"""LiteLLM's model registry as catalog rows: the widest host coverage, tier and long-context prices,
capabilities, and deprecation dates with successors (PRICING.md §1).

The registry is one JSON object keyed by what you would pass to ``litellm.completion(model=…)``, with
prices in USD per token. A snapshot is vendored in ``pricing/data/`` (MIT, notice kept there) so exitplan
prices offline; ``exitplan prices refresh`` stores newer ones in the ledger.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pricing.catalog import as_catalog, empty_catalog

__all__ = ["VENDORED", "VENDORED_AS_OF", "litellm_catalog", "vendored_catalog"]

VENDORED = Path(__file__).with_name("data") / "litellm_model_prices.json"
# The day the vendored copy (from the litellm 1.110.2 wheel) was taken into the project.
VENDORED_AS_OF = date(2026, 11, 29)

# LiteLLM's host names, as genai-prices provider ids.
_HOSTS = {
    "openai": "openai",
    "text-completion-openai": "openai",
    "chatgpt": "openai",
    "azure": "azure",
    "azure_ai": "azure",
    "anthropic": "anthropic",
    "bedrock": "aws",
    "bedrock_converse": "aws",
    "bedrock_mantle": "aws",
    "vertex_ai": "google",
    "vertex_ai-language-models": "google",
    "vertex_ai-anthropic_models": "google",
    "vertex_ai-mistral_models": "google",
    "vertex_ai-llama_models": "google",
    "vertex_ai-deepseek_models": "google",
    "vertex_ai-qwen_models": "google",
    "vertex_ai-openai_models": "google",
    "vertex_ai-ai21_models": "google",
    "vertex_ai-embedding-models": "google",
    "vertex_ai-text-models": "google",
    "vertex_ai-chat-models": "google",
    "vertex_ai-code-text-models": "google",
    "vertex_ai-code-chat-models": "google",
    "gemini": "google",
    "together_ai": "together",
    "fireworks_ai": "fireworks",
    "fireworks_ai-embedding-models": "fireworks",
    "groq": "groq",
    "mistral": "mistral",
    "codestral": "mistral",
    "deepseek": "deepseek",
    "xai": "x-ai",
    "cohere": "cohere",
    "cohere_chat": "cohere",
    "openrouter": "openrouter",
    "perplexity": "perplexity",
    "cerebras": "cerebras",
    "databricks": "databricks",
    "deepinfra": "deepinfra",
    "novita": "novita",
    "nebius": "nebius",
    "baseten": "baseten",
    "cloudflare": "cloudflare",
    "moonshot": "moonshotai",
    "dashscope": "alibaba",
    "voyage": "voyageai",
}
_MODES = {"chat", "completion", "responses", "embedding"}
_BASES = (
    ("cache_creation_input_token_cost_above_1hr", "cache_write_1h_mtok", 1e6),
    ("cache_creation_input_token_cost", "cache_write_mtok", 1e6),
    ("cache_read_input_token_cost", "cache_read_mtok", 1e6),
    ("output_cost_per_reasoning_token", "reasoning_mtok", 1e6),
    ("input_cost_per_token", "input_mtok", 1e6),
    ("output_cost_per_token", "output_mtok", 1e6),
    ("input_cost_per_request", "requests_kcount", 1e3),
)
_TIERS = {"batches": "batch", "flex": "flex", "priority": "priority"}
_FIELD = re.compile(
    r"^(?P<base>" + "|".join(base for base, _, _ in _BASES) + r")"
    r"(?:_above_(?P<k>\d+)k_tokens)?(?:_(?P<tier>batches|flex|priority))?$"
)
_UNITS = {base: (name, scale) for base, name, scale in _BASES}


Prices = dict[str, float]


def _prices(entry: dict[str, object]) -> tuple[Prices, dict[str, Prices], dict[int, Prices]]:
    base: dict[str, float] = {}
    tiers: dict[str, dict[str, float]] = {}
    long_context: dict[int, dict[str, float]] = {}
    for field, value in entry.items():
        match = _FIELD.match(field)
        if match is None or not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        name, scale = _UNITS[match["base"]]
        price = round(float(value) * scale, 10)
        if match["k"] and match["tier"]:
            continue  # long-context prices of a tier: rare, and the tier's base prices already apply
        if match["k"]:
            long_context.setdefault(int(match["k"]) * 1000, {})[name] = price
        elif match["tier"]:
            tiers.setdefault(_TIERS[match["tier"]], {})[name] = price
        else:
            base[name] = price
    return base, tiers, long_context


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _flag(entry: dict[str, object], *names: str) -> bool | None:
    values = [entry.get(name) for name in names if name in entry]
    return bool(any(values)) if values else None


def _model_name(key: str) -> str:
    # "together_ai/meta-llama/Llama-3.3-70B" → "meta-llama/Llama-3.3-70B": the id the host itself uses.
    head, _, rest = key.partition("/")
    return rest if rest and (head in _HOSTS or head.replace("-", "_") in _HOSTS or head == "vertex_ai") else key


def litellm_catalog(registry: dict[str, object], as_of: date) -> pd.DataFrame:
    """Catalog rows (``pricing.catalog.CATALOG_COLUMNS``) for the text models of a LiteLLM registry."""
    rows = []
    for key, entry in registry.items():
        if not isinstance(entry, dict) or entry.get("mode") not in _MODES or "alias_of" in entry:
            continue
        host = _HOSTS.get(str(entry.get("litellm_provider")))
        if host is None:
            continue
        base, tiers, long_context = _prices(entry)
        if "input_mtok" not in base and "output_mtok" not in base:
            continue
        rows.append(
            {
                "source": "litellm",
                "as_of": as_of,
                "key": key,
                "provider": host,
                "model": _model_name(key),
                "mode": entry.get("mode"),
                **base,
                "tier_prices": tiers,
                "long_context": long_context,
                "context_window": entry.get("max_input_tokens") or entry.get("max_tokens"),
                "max_output_tokens": entry.get("max_output_tokens"),
                "supports_tools": _flag(entry, "supports_function_calling", "supports_tool_choice"),
                "supports_vision": _flag(entry, "supports_vision"),
                "supports_json_schema": _flag(entry, "supports_response_schema"),
                "supports_caching": bool(entry.get("supports_prompt_caching")) or "cache_read_mtok" in base,
                "supports_batch": "batch" in tiers,
                "supports_reasoning": _flag(entry, "supports_reasoning"),
                "deprecation_date": _day(entry.get("deprecation_date")),
                "successor": entry.get("successor_model"),
                "deprecation_source": entry.get("deprecation_source"),
            }
        )
    if not rows:
        return empty_catalog()
    return as_catalog(pd.DataFrame(rows))


@lru_cache(maxsize=1)
def vendored_catalog() -> pd.DataFrame:
    """The catalog of the LiteLLM snapshot shipped with exitplan."""
    return litellm_catalog(json.loads(VENDORED.read_text()), VENDORED_AS_OF)
