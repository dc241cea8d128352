"""Public reference data for estimates on a candidate: tokenizer density and latency, and the name key
both tables (and the quality ratings of :mod:`analysis.ratings`) read models by.

Two tables ship in ``analysis/data`` (sources, licences and attribution in ``analysis/data/README.md``):

- ``tokenizer_density.csv`` — tokens per 1,000 characters of the same texts (English docs, legal text, Python
  code, JSON, Chinese and Japanese UI strings) under 13 tokenizers, measured offline (Claude counts are the
  unofficial ``ctok`` reconstruction; Gemma 4 stands in for Gemini). A migration multiplier is the ratio of
  two densities, so every source → target pair comes from one measurement of the same text.
- ``latency_reference.csv`` — TTFT and decode speed per host and model from llmperf-leaderboard (2023-12),
  thefastest.ai (2024-05-03) and llm-speed-benchmark (2024-07): historical, dated, and cited with each use.

Token ratios per task category (why, next to the constants below):

| category | token ratio base | range over |
|---|---|---|
| chat | English docs | English, legal, code, JSON |
| rag | English docs | English, legal, JSON |
| summarisation | English docs | English, legal |
| classification (and extraction) | English docs | English, legal, JSON |
| code | Python code | code, JSON, English |
| reasoning | English docs | English, legal, code |
| embeddings | English docs | English, legal, JSON |
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

import pandas as pd

from pricing.identity import author_of, family_of, identify, provider_id

__all__ = [
    "CONTENT_TYPES",
    "LatencyRef",
    "RatioRange",
    "latency_reference",
    "reference_key",
    "token_ratio",
    "token_ratio_range",
    "tokenizer_of",
]

CONTENT_TYPES = ("en_docs", "en_legal", "code_py", "json", "zh", "ja")

# Which content a category's tokens mostly are: the base case, then every type plausible for it. Input
# dominates token spend, so the types describe prompts. Classification is prose in (tickets, e-mails,
# reviews) and a short label or JSON object out, so its base is English prose with JSON in the range.
# Code prompts mix source with prose instructions and JSON configs. Chinese and Japanese are left out of
# the defaults: they move ratios by up to ±50% and only apply to workloads in those languages.
_CATEGORY_CONTENT: dict[str, tuple[str, tuple[str, ...]]] = {
    "chat": ("en_docs", ("en_docs", "en_legal", "code_py", "json")),
    "rag": ("en_docs", ("en_docs", "en_legal", "json")),
    "summarisation": ("en_docs", ("en_docs", "en_legal")),
    "classification": ("en_docs", ("en_docs", "en_legal", "json")),
    "code": ("code_py", ("code_py", "json", "en_docs")),
    "reasoning": ("en_docs", ("en_docs", "en_legal", "code_py")),
    "embeddings": ("en_docs", ("en_docs", "en_legal", "json")),
}
_CONTENT_LABELS = {
    "en_docs": ("English docs", "English"),
    "en_legal": ("English legal text", "legal"),
    "code_py": ("Python code", "code"),
    "json": ("JSON", "JSON"),
    "zh": ("Chinese", "Chinese"),
    "ja": ("Japanese", "Japanese"),
}
_CAVEATS = {
    "claude_3": "Claude counts are an unofficial offline reconstruction (ctok)",
    "claude_4_7": "Claude counts are an unofficial offline reconstruction (ctok)",
    "gemma4": "the Gemma 4 vocabulary stands in for Gemini's tokenizer",
}


def _data(name: str) -> pd.DataFrame:
    return pd.read_csv(files("analysis").joinpath("data", name).open("rb"))


@lru_cache(maxsize=1)
def _densities() -> dict[tuple[str, str], float]:
    frame = _data("tokenizer_density.csv")
    return {
        (t, c): float(d)
        for t, c, d in zip(frame["tokenizer"], frame["content_type"], frame["tokens_per_1000_chars"], strict=True)
    }


# --- model names ---------------------------------------------------------------------------------------

_ANNOTATION = re.compile(r"\s*\([^)]*\)")
# Suffixes hosts add to one model's name ("-instruct", Groq's "-versatile", Together's "-turbo", a context
# size): they name a packaging, not a different model.
_PACKAGING = re.compile(r"-(instruct|chat|it|hf|versatile|instant|preview|exp|fp8|fp16|\d+k|32768|8192|4096)$")


def reference_key(model: str) -> tuple[str, str | None]:
    """(family key, snapshot) of a model name, spelled alike for the reference tables and the ledger.

    >>> reference_key("meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo"), reference_key("meta.llama3-1-70b-instruct-v1:0")
    (('llama-3.1-70b', None), ('llama-3.1-70b', None))
    >>> reference_key("o3-mini (medium)"), reference_key("gemini-1.5-pro-002"), reference_key("gpt-4o-2024-08-06")
    (('o3-mini', None), ('gemini-1.5-pro', '002'), ('gpt-4o', '2024-08-06'))
    """
    text = _ANNOTATION.sub("", model).strip()
    # Only a name that says who made it is identified: for any other, identify() would load the price
    # registries to decide whether it is a model at all, and no reference row could match it anyway.
    identity = identify("", text) if author_of(family_of(text)) else None
    key = family_of(text)
    version = identity.version if identity else None
    key = re.sub(r":.*$", "", key)  # Replicate's ":<hash>" pins a build of the same model
    key = re.sub(r"^meta-(?=llama)", "", key)
    key = re.sub(r"^llama-?v?(\d)", r"llama-\1", key)
    key = re.sub(r"^llama-(\d)-(\d)-", r"llama-\1.\2-", key)  # Bedrock spells 3.1 as "3-1"
    # Google's "-001"/"-002" and Mistral's "-v0.2" are snapshots of one model ("deepseek-v3.1" is a model).
    if match := re.search(r"-(\d{3}|v0\.\d+)$", key):
        key, version = key[: match.start()], version or match[1]
    key = re.sub(r"^open-(?=mi)", "", key)  # Mistral's API names its open models "open-mistral-7b", …
    previous = None
    while previous != key:
        previous = key
        if key.startswith("gpt"):
            # gpt-3.5-turbo, gpt-4-turbo and gpt-5-chat are models; elsewhere "-turbo" and "-chat" are packagings.
            key = re.sub(r"-(?!chat$)" + _PACKAGING.pattern.removeprefix("-"), "", key)
        else:
            key = re.sub(r"-turbo$", "", _PACKAGING.sub("", key))
    return key, version


# --- tokenizers ----------------------------------------------------------------------------------------

_CLAUDE = re.compile(
    r"^claude-(?:(?P<tier>opus|sonnet|haiku)-)?(?P<major>\d)(?:[-.](?P<minor>\d)(?!\d))?(?:-(?P<tier2>opus|sonnet|haiku))?"
)
_MISTRAL_SPM = re.compile(r"^(open-)?(mistral-7b|mixtral)")
_MISTRAL_TEKKEN = re.compile(r"^(open-)?(mistral-nemo|ministral|pixtral)|^mistral-(small|medium|large)-[3-9](\b|\.|-)")


@lru_cache(maxsize=8192)
def tokenizer_of(provider: str, model: str) -> str | None:
    """The measured tokenizer a model uses, or None when the measurements do not cover it (never a guess).

    >>> [tokenizer_of(p, m) for p, m in [("openai", "gpt-4o-2024-08-06"), ("azure", "gpt-35-turbo"),
    ...     ("anthropic", "claude-sonnet-4-5"), ("anthropic", "claude-opus-4-7"), ("groq", "llama-3.3-70b-versatile"),
    ...     ("mistral", "mistral-large-2402"), ("mistral", "mistral-large-2411"), ("azure", "chat-prod")]]
    ['o200k', 'cl100k', 'claude_3', 'claude_4_7', 'llama3', 'mistral_spm', 'mistral_tekken', None]
    """
    del provider  # a model's tokenizer does not depend on who serves it
    text = _ANNOTATION.sub("", model).strip()
    family = re.sub(r":.*$", "", family_of(text))
    family = re.sub(r"^(meta-|c4ai-)", "", family)
    if re.match(r"^(gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o[1-9](-|$))", family):
        return "o200k"
    if re.match(r"^(gpt-4|gpt-3\.5|gpt-35|text-embedding-3|text-embedding-ada-002)", family):
        return "cl100k"
    if family.startswith("claude"):
        return _claude_tokenizer(family)
    if re.match(r"^(gemini|gemma)", family):
        return "gemma4"  # Google's SDK maps Gemini to Gemma tokenizers; Gemma 4 is the one measured
    if re.match(r"^(llama-?v?2|codellama)", family):
        return "llama2"
    if re.match(r"^llama-?v?[34]", family):
        return "llama3"  # Llama 4's vocabulary differs somewhat; Llama 3's is the nearest measured
    if family.startswith(("mistral", "mixtral", "open-m", "ministral", "pixtral")):
        return _mistral_tokenizer(text, family)
    if re.match(r"^(qwen|qwq)", family):
        # Qwen 1.5 to 3 share one 151k vocabulary; Qwen 3.5 introduced a new one, not measured.
        return None if re.match(r"^qwen-?(3\.[5-9]|[4-9])", family) else "qwen"
    if family.startswith("deepseek-llm"):
        return "deepseek_v1"  # V2 onwards use a different 128k vocabulary, not measured
    if re.match(r"^command-r(-plus)?(-\d{2})?$", family):
        return "command_r"
    if family.startswith("phi-3"):
        # Phi-3-small is built on tiktoken's cl100k; the other Phi-3 and 3.5 models on Llama 2's 32k vocabulary.
        return "cl100k" if family.startswith("phi-3-small") else "phi3"
    return None


def _claude_tokenizer(family: str) -> str | None:
    match = _CLAUDE.match(family.replace(".", "-"))
    if match is None:
        return None  # Claude 1/2 and Instant: an older tokenizer, not measured
    major, minor = int(match["major"]), int(match["minor"] or 0)
    tier = match["tier"] or match["tier2"]
    if major == 3 or (major == 4 and minor <= 6):
        return "claude_3"
    if major == 4 and tier == "opus":
        return "claude_4_7"
    # Other 4.7+ tiers and Claude 5 (its own family in ctok) were not measured.
    return None


def _mistral_tokenizer(model: str, family: str) -> str | None:
    if _MISTRAL_SPM.match(family):
        return "mistral_spm"  # v1 and v3 SentencePiece vocabularies measured identical
    if re.match(r"^mistral-(small|medium|large)", family):
        version = identify("mistral", model).version
        if version == "latest":
            return "mistral_tekken"
        if version and re.fullmatch(r"\d{4}", version):
            # Tekken arrived with NeMo and Large 2 in July 2024 (YYMM "2407").
            return "mistral_tekken" if int(version) >= 2407 else "mistral_spm"
    if _MISTRAL_TEKKEN.match(family):
        return "mistral_tekken"
    return None


# --- token ratios --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatioRange:
    """Tokens on the target per token on the source, for the same text: a base case and its range."""

    low: float
    base: float
    high: float
    basis: str


def token_ratio(source_tokenizer: str, target_tokenizer: str, content_type: str) -> float:
    """Tokens on ``target_tokenizer`` per token on ``source_tokenizer`` for ``content_type`` text.

    >>> round(token_ratio("o200k", "claude_3", "en_docs"), 3)  # 252 / 229 tokens per 1,000 characters
    1.1
    """
    densities = _densities()
    for tokenizer in (source_tokenizer, target_tokenizer):
        if (tokenizer, content_type) not in densities:
            raise ValueError(f"no measurement for tokenizer {tokenizer!r} on content type {content_type!r}")
    return densities[(target_tokenizer, content_type)] / densities[(source_tokenizer, content_type)]


@lru_cache(maxsize=8192)
def token_ratio_range(
    source_tokenizer: str | None, target_tokenizer: str | None, task_category: str
) -> RatioRange | None:
    """The token multiplier from source to target for a task category, or None when a tokenizer is unknown.

    The base is the content type the category mostly is; low and high span every type plausible for it.
    An unrecognised category gets the general mix of a chat workload, and its basis says so.

    >>> token_ratio_range("o200k", "claude_3", "chat").basis.split(";")[0]
    'o200k -> claude_3 on English docs 1.10 (range 1.05-1.23 over English, legal, code, JSON)'
    """
    if source_tokenizer is None or target_tokenizer is None:
        return None
    known = {t for t, _ in _densities()}
    if source_tokenizer not in known or target_tokenizer not in known:
        return None
    if source_tokenizer == target_tokenizer:
        return RatioRange(1.0, 1.0, 1.0, f"same tokenizer ({source_tokenizer}): token counts carry over unchanged")
    base_type, types = _CATEGORY_CONTENT.get(task_category, _CATEGORY_CONTENT["chat"])
    ratios = [token_ratio(source_tokenizer, target_tokenizer, t) for t in types]
    base = token_ratio(source_tokenizer, target_tokenizer, base_type)
    over = ", ".join(_CONTENT_LABELS[t][1] for t in types)
    basis = (
        f"{source_tokenizer} -> {target_tokenizer} on {_CONTENT_LABELS[base_type][0]} {base:.2f} "
        f"(range {min(ratios):.2f}-{max(ratios):.2f} over {over})"
    )
    if task_category not in _CATEGORY_CONTENT:
        basis += f"; task category {task_category!r} not recognised, so a general chat mix is assumed"
    caveats = dict.fromkeys(_CAVEATS[t] for t in (source_tokenizer, target_tokenizer) if t in _CAVEATS)
    if caveats:
        basis += "; " + "; ".join(caveats)
    return RatioRange(min(ratios), base, max(ratios), basis)


# --- latency -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatencyRef:
    """A latency measurement: median time to first token, a tail TTFT where measured (p90 in the
    published tables, p95 in the user's own), and the decode speed."""

    ttft_p50_s: float
    ttft_tail_s: float | None
    tokens_per_s: float
    source: str
    date: str
    host: str
    model: str
    tail_percentile: int = 90
    yours: bool = False


_SOURCE_NAMES = {
    "ray-project/llmperf-leaderboard": "llmperf-leaderboard",
    "fixie-ai/thefastest.ai": "thefastest.ai",
    "coder543/llm-speed-benchmark": "llm-speed-benchmark",
}


def _host_provider(host: str, model: str) -> str | None:
    """The genai-prices provider id of a host as the latency table spells it."""
    if host == "vendor API":
        # The benchmark called each model on its maker's API; Groq's ids ("-versatile", "-instant") are Groq's.
        if re.search(r"-(versatile|instant)$", model):
            return "groq"
        return author_of(family_of(model))
    if host.startswith("azure"):
        return "azure"
    if host == "bedrock":
        return "aws"
    return provider_id(re.sub(r"\.(com|ai)$", "", host))


@lru_cache(maxsize=1)
def _latency_table() -> pd.DataFrame:
    frame = _data("latency_reference.csv")
    # A row without a decode speed cannot give an end-to-end time.
    frame = frame[frame["out_tok_per_s_p50"].notna() & frame["ttft_p50_s"].notna()].copy()
    frame["provider"] = [_host_provider(h, m) for h, m in zip(frame["host"], frame["model"], strict=True)]
    frame["key"] = [reference_key(m)[0] for m in frame["model"]]
    return frame


@lru_cache(maxsize=1)
def _latency_by_host_and_key() -> dict[tuple[str, str], pd.DataFrame]:
    # Grouped once: a page ranks a thousand candidates, and a filter of the whole table each costs milliseconds.
    return {(str(p), str(k)): rows for (p, k), rows in _latency_table().groupby(["provider", "key"])}


@lru_cache(maxsize=8192)
def latency_reference(provider: str, model: str) -> LatencyRef | None:
    """The newest published latency of ``model``'s family on ``provider``, or None.

    Several rows of one date (one Azure model measured in five regions) give the row of median TTFT.

    >>> ref = latency_reference("groq", "llama3-70b-8192")
    >>> ref.ttft_p50_s, ref.tokens_per_s, ref.source, ref.host
    (0.178, 291.3, 'thefastest.ai', 'groq.com')
    """
    key, _ = reference_key(model)
    rows = _latency_by_host_and_key().get((provider_id(provider), key))
    if rows is None:
        return None
    newest = rows[rows["date"] == rows["date"].max()].sort_values("ttft_p50_s")
    row = newest.iloc[(len(newest) - 1) // 2]
    p90 = row["ttft_p90_s"]
    return LatencyRef(
        ttft_p50_s=float(row["ttft_p50_s"]),
        ttft_tail_s=None if pd.isna(p90) else float(p90),
        tokens_per_s=float(row["out_tok_per_s_p50"]),
        source=_SOURCE_NAMES.get(str(row["source"]), str(row["source"])),
        date=str(row["date"]),
        host=str(row["host"]),
        model=str(row["model"]),
    )
