"""What a cloud source says a charge or a request was for: the model, and the feature.

Cloud billing exports name the model only in free text — a Vertex AI SKU description
(``Gemini 2.5 Flash GA Text Input - Predictions``, FORMATS.md §5.2), an Azure meter name
(``gpt 4o 0806 cached Inp glbl Tokens``, §3.2), a FOCUS ``SkuMeter`` (§9) — with inconsistent spelling,
so :func:`model_named` reads them defensively and says so (None) when a line names no model.

Request logs and billing rows carry tags (Bedrock ``requestMetadata``, GCP ``labels``, Azure and FOCUS
``Tags``). :func:`tags_feature` applies the project's rule for the ``feature`` dimension: the value of a
tag named ``feature`` (or ``feature_tag``, ``use_case``, ``workload``) when there is one, otherwise every
tag as ``key=value`` joined with ``","`` in the source's order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

__all__ = ["FEATURE_KEYS", "feature_named", "joined_tags", "model_named", "parse_tags", "tags_feature"]

# Tag keys that name the feature outright, most specific first (matched without regard to case).
FEATURE_KEYS: tuple[str, ...] = ("feature", "feature_tag", "use_case", "workload")
# A feature made of many joined tags is cut here (the ledger's column size), so a long tag list labels
# the usage instead of getting it rejected as an oversized field.
MAX_FEATURE_CHARS = 300


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that start a model's name in a SKU or meter; text before them ("Generate content output token
# count gemini 2.5 flash …") is the billing line's wording, not the model.
_FAMILIES = _word_set(
    "gpt chatgpt o1 o3 o4 claude gemini gemma llama mistral mixtral codestral ministral pixtral phi deepseek "
    "grok command cohere titan nova jamba qwen kimi glm imagen veo dall whisper davinci babbage"
)
# Words that describe the charge rather than the model: the model's name ends at the first of them.
# Azure abbreviates freely (Inp, Inpt, Outp, glbl, Gl, DZone), so the abbreviations are listed too.
# Token-charge words (direction, cache, deployment type) mark a line as a model's token meter even
# without a family word ("R1 Inp glbl Tokens"); the other qualifiers only end a name.
_TOKEN_CHARGE = _word_set(
    "inp inpt input inputs outp outpt output outputs cached cache caching cchd cch glbl global gl regional "
    "rgnl regnl dzone datazone dz batch ptu provisioned tokens token tok toks"
)
_QUALIFIERS = _TOKEN_CHARGE | _word_set(
    "out managed ga text audio video thinking nonthinking non predictions prediction long short priority "
    "flex usage count generate generation requests request characters chars hours hour 1k 1m per ft "
    "finetuned training hosting grounding"
)
_PARENTHESISED = re.compile(r"\([^)]*\)")
_WORDS = re.compile(r"[^\s_\-]+")


@lru_cache(maxsize=4096)
def model_named(line: str | None) -> str | None:
    """The model a billing line's SKU or meter names, as a lower-case hyphenated id; None if it names none.

    The name runs from a model family word (or the start) up to the first word that describes the charge.
    A name that does not start with a model family word must be followed by a token-charge word
    (direction, cache, deployment type), so a meter like ``S0 Speech to Text`` is not taken for a model.

    >>> model_named("Gemini 2.5 Flash GA Text Input - Predictions")
    'gemini-2.5-flash'
    >>> model_named("gpt 4o 0806 cached Inp glbl Tokens")
    'gpt-4o-0806'
    >>> model_named("Generate content output token count gemini 2.5 flash lite short output text non-thinking")
    'gemini-2.5-flash-lite'
    >>> model_named("Standard Storage") is None
    True
    """
    if not line or not isinstance(line, str):
        return None
    words = _WORDS.findall(_PARENTHESISED.sub(" ", line).lower())
    start = next((i for i in range(len(words)) if _starts_model(words, i)), None)
    rest = words[start or 0 :]
    # A family word is never the end of the name ("text" of "text-embedding-3-small" is one).
    first = 0 if start is None else 1
    end = next((i for i in range(first, len(rest)) if rest[i] in _QUALIFIERS), None)
    if end == 0 or (start is None and (end is None or rest[end] not in _TOKEN_CHARGE)):
        return None
    return "-".join(rest[:end])


def _starts_model(words: list[str], i: int) -> bool:
    return words[i] in _FAMILIES or (words[i] == "text" and words[i + 1 : i + 2] == ["embedding"])


def parse_tags(raw: object) -> list[tuple[str, str]]:
    """Tags as (key, value) pairs in source order, from a mapping, a list of ``{key, value}`` objects,
    or JSON text of either. Azure writes tags without the enclosing braces (``"env": "prod"``), so
    those are tolerated too. Anything unreadable gives no tags.

    >>> parse_tags('{"team": "support", "env": "prod"}')
    [('team', 'support'), ('env', 'prod')]
    >>> parse_tags([{"key": "team", "value": "support"}])
    [('team', 'support')]
    """
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return []
        if not text.startswith(("{", "[")):
            text = "{" + text + "}"
        try:
            raw = json.loads(text)
        except (ValueError, RecursionError):  # nested deeper than the parser recurses: no labels to read
            return []
    if isinstance(raw, Mapping):
        return [(str(key), "" if value is None else str(value)) for key, value in raw.items()]
    if isinstance(raw, Iterable) and not isinstance(raw, (str, bytes)):
        pairs = []
        for item in raw:
            if isinstance(item, Mapping) and "key" in item:
                value = item.get("value")
                pairs.append((str(item["key"]), "" if value is None else str(value)))
        return pairs
    return []


def feature_named(mapping: object) -> str | None:
    """The value of a key that names the feature outright (see :data:`FEATURE_KEYS`), in any case.

    >>> feature_named({"team": "support", "Use_Case": "triage"})
    'triage'
    """
    if not isinstance(mapping, Mapping):
        return None
    by_key = {str(key).strip().lower(): value for key, value in mapping.items()}
    for name in FEATURE_KEYS:
        value = by_key.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def joined_tags(tags: Iterable[str]) -> str | None:
    """Tags joined with ``","`` in source order, cut to the ledger's column size; None for no tags."""
    text = ",".join(tag for tag in tags if tag)
    if len(text) > MAX_FEATURE_CHARS:
        text = text[: MAX_FEATURE_CHARS - 1] + "…"
    return text or None


def tags_feature(tags: object) -> str | None:
    """The feature a row's tags give (see the module docstring); None when it has no tags.

    >>> tags_feature({"team": "support", "Use_Case": "triage"})
    'triage'
    >>> tags_feature({"team": "support", "costCenter": "CC-7788"})
    'team=support,costCenter=CC-7788'
    """
    pairs = [(key.strip(), value.strip()) for key, value in parse_tags(tags) if key.strip()]
    if not pairs:
        return None
    named = feature_named(dict(reversed(pairs)))
    if named is not None:
        return named
    return joined_tags(f"{key}={value}" if value else key for key, value in pairs)
