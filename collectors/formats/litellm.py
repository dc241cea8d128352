"""LiteLLM proxy spend logs: the ``LiteLLM_SpendLogs`` table, one row per request (FORMATS.md §6).

Two shapes: a CSV dump of the table (``litellm_spendlogs_csv``; ``metadata`` and ``request_tags`` are JSON
text in their cells) and JSON (``litellm_spendlogs_json``): a list of rows, or ``{"data": [rows…]}`` as
the proxy's ``/spend/logs`` API pages them (or a list of such pages). Columns are matched without case,
so ``startTime`` and ``starttime`` are the same field.

Measures. ``prompt_tokens`` follows OpenAI semantics whatever the upstream: cache reads and cache writes
are *inside* it (LiteLLM adds Anthropic's ``cache_read_input_tokens`` and ``cache_creation_input_tokens``
to ``input_tokens``), so it is the canonical ``input_tokens`` as is. The cache detail lives in
``metadata.additional_usage_values``: reads at ``prompt_tokens_details.cached_tokens`` (else
``cache_read_input_tokens``), writes at ``cache_creation_input_tokens`` (else
``prompt_tokens_details.cache_creation_tokens``), their 1-hour part at
``…cache_creation_token_details.ephemeral_1h_input_tokens``. Some 2025 releases added only the reads to
Anthropic's prompt; a row whose reads plus writes exceed ``prompt_tokens`` is such a row, and its writes
are added to make the input whole. ``completion_tokens`` includes reasoning (OpenAI semantics);
``completion_tokens_details.reasoning_tokens`` is its part. ``spend`` is USD (LiteLLM's own price map,
not the provider's bill) → reported cost. One request per row.

Times are Postgres ``timestamp(3)`` without a time zone, written in UTC: ``startTime`` → timestamp,
``endTime − startTime`` → latency (``request_duration_ms`` when there is no end time),
``completionStartTime − startTime`` → time to first token, only when the first token came before the
end: for a call that was not streamed LiteLLM records the end time there, which measures no first token.

Dimensions: ``custom_llm_provider`` → provider (``azure/…``-style model prefixes or the model name when it
is blank), ``api_base``'s host → host, ``model`` (``model_group`` when blank) → model, ``team_id`` (else
``metadata.user_api_key_team_id``) → project, ``api_key`` (the hashed key LiteLLM stores, else
``metadata.user_api_key``) → api key, ``user`` (else ``end_user``) → user. Feature: a ``feature`` /
``feature_tag`` / ``use_case`` / ``workload`` key in ``metadata.spend_logs_metadata`` (the metadata the
caller sent) or in ``metadata`` itself; otherwise ``request_tags`` joined with ","; otherwise missing.

Not in this source: a row without ``metadata.additional_usage_values`` (older LiteLLM releases, or a
provider that returned no usage detail) has unknown cache reads, cache writes, their 1-hour part and
reasoning; where the block is there, a detail it leaves out is 0.

Not model usage, skipped: rows served from the proxy's own cache (``cache_hit`` true — no provider was
called; ``answered from LiteLLM's cache``) and failed calls that used no tokens (``failed request, no usage``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from collectors.csvfile import csv_batches
from collectors.format import Format, Peek
from collectors.formats.request_logs import (
    UNKNOWN_PROVIDER,
    column,
    document_batch,
    hosts,
    milliseconds_between,
    optional_timestamps,
    providers_from_models,
    reason_where,
)
from collectors.json_cells import json_column
from collectors.normalise import (
    first_present,
    first_reason,
    map_distinct,
    parse_bools,
    parse_counts,
    parse_money,
    parse_numbers,
    parse_timestamps,
    text,
)
from collectors.records import Batch, make_records
from collectors.source import Source
from pricing.identity import provider_id

__all__ = ["CSV_FORMAT", "JSON_FORMAT", "spend_log_records"]

# LiteLLM provider names genai-prices spells differently (the rest go through provider_id).
_PROVIDERS = {
    "azure_ai": "azure",
    "azure_text": "azure",
    "text-completion-openai": "openai",
    "vertex_ai_beta": "google",
    "cohere_chat": "cohere",
}
_USAGE = "additional_usage_values"
CACHED = "answered from LiteLLM's cache"
FAILED = "failed request, no usage"
# The columns read (lower-cased); the logged messages and responses are left unread.
_READ = (
    "request_id",
    "call_type",
    "starttime",
    "endtime",
    "completionstarttime",
    "request_duration_ms",
    "model",
    "model_group",
    "custom_llm_provider",
    "api_base",
    "user",
    "end_user",
    "team_id",
    "api_key",
    "metadata",
    "request_tags",
    "prompt_tokens",
    "completion_tokens",
    "spend",
    "cache_hit",
    "status",
)
_JSON_KEYS = tuple(re.compile(rf'"{key}"\s*:', re.IGNORECASE) for key in ("call_type", "spend", "starttime"))


def _sniff_csv(peek: Peek) -> bool:
    return peek.has_columns("call_type", "spend", "starttime", "prompt_tokens")


def _sniff_json(peek: Peek) -> bool:
    return peek.is_json_document and all(key.search(peek.text) for key in _JSON_KEYS)


def _providers(frame: pd.DataFrame, models: pd.Series) -> pd.Series:
    named = text(column(frame, "custom_llm_provider"))
    named = map_distinct(named, lambda name: _PROVIDERS.get(name.lower(), provider_id(name)))
    inferred = providers_from_models(models)
    return named.where(named.notna(), inferred).where(lambda p: p.notna(), UNKNOWN_PROVIDER)


def spend_log_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical records from spend-log rows (lower-cased column names; text cells or JSON values)."""
    metadata = json_column(column(frame, "metadata"), "metadata")
    tags = json_column(column(frame, "request_tags"), "request_tags")
    counts = {
        "input_tokens": parse_counts(column(frame, "prompt_tokens"), "prompt_tokens"),
        "output_tokens": parse_counts(column(frame, "completion_tokens"), "completion_tokens"),
        "cache_read_tokens": parse_counts(
            metadata.get((_USAGE, "prompt_tokens_details", "cached_tokens"), (_USAGE, "cache_read_input_tokens")),
            f"{_USAGE} cached_tokens",
        ),
        "cache_write_tokens": parse_counts(
            metadata.get(
                (_USAGE, "cache_creation_input_tokens"), (_USAGE, "prompt_tokens_details", "cache_creation_tokens")
            ),
            f"{_USAGE} cache_creation_input_tokens",
        ),
        "cache_write_1h_tokens": parse_counts(
            metadata.get(
                (_USAGE, "prompt_tokens_details", "cache_creation_token_details", "ephemeral_1h_input_tokens"),
                (_USAGE, "cache_creation", "ephemeral_1h_input_tokens"),
            ),
            f"{_USAGE} ephemeral_1h_input_tokens",
        ),
        "reasoning_tokens": parse_counts(
            metadata.get((_USAGE, "completion_tokens_details", "reasoning_tokens")), f"{_USAGE} reasoning_tokens"
        ),
    }
    values = {name: parsed.values for name, parsed in counts.items()}
    # The detail block is written when the provider returned any; without it the parts are unknown, not 0.
    detailed = metadata.has_object((_USAGE,)).to_numpy()
    for name in ("cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens", "reasoning_tokens"):
        values[name] = values[name].mask(~detailed)
    reads, writes = values["cache_read_tokens"].fillna(0), values["cache_write_tokens"].fillna(0)
    writes_outside = (reads + writes > values["input_tokens"]).fillna(False)
    values["input_tokens"] = values["input_tokens"] + writes.where(writes_outside, 0)

    start = parse_timestamps(column(frame, "starttime"), "startTime")
    end = optional_timestamps(column(frame, "endtime"), "endTime")
    first_token = optional_timestamps(column(frame, "completionstarttime"), "completionStartTime")
    duration = parse_numbers(column(frame, "request_duration_ms"), "request_duration_ms")
    latency = milliseconds_between(start.values, end.values)
    latency = latency.where(latency.notna(), duration.values)
    streamed = first_token.values.notna() & (end.values.isna() | (first_token.values < end.values))
    ttft = milliseconds_between(start.values, first_token.values).where(streamed)

    model = text(column(frame, "model"))
    model = model.where(model.notna(), text(column(frame, "model_group")))
    team = text(column(frame, "team_id"))
    key = text(column(frame, "api_key"))
    user = text(column(frame, "user"))
    spend = parse_money(column(frame, "spend"), "spend")
    cache_hit = parse_bools(column(frame, "cache_hit"), "cache_hit")
    status = text(column(frame, "status"))
    no_tokens = (values["input_tokens"].fillna(0) + values["output_tokens"].fillna(0)) == 0
    # Served from the proxy's cache, no provider was called; a failure that used no tokens did no model work.
    not_usage = first_reason(
        reason_where(cache_hit.values.fillna(False), CACHED),
        reason_where((map_distinct(status, str.lower) == "failure") & no_tokens, FAILED),
    )
    return make_records(
        frame.index,
        timestamp=start.values,
        provider=_providers(frame, model),
        host=hosts(column(frame, "api_base")),
        model=model,
        project=team.where(team.notna(), metadata.get(("user_api_key_team_id",))),
        api_key=key.where(key.notna(), metadata.get(("user_api_key",))),
        user=user.where(user.notna(), text(column(frame, "end_user"))),
        feature=first_present(metadata.feature(("spend_logs_metadata",), ()), tags.tags()),
        requests=1,
        **values,
        reported_cost_usd=spend.values,
        latency_ms=latency,
        ttft_ms=ttft,
        reason=first_reason(
            start.reasons,
            metadata.reasons,
            *(parsed.reasons for parsed in counts.values()),
            end.reasons,
            first_token.reasons,
            duration.reasons,
            spend.reasons,
            cache_hit.reasons,
            tags.reasons,
        ),
        skipped=not_usage,
    )


def _read_csv(source: Source) -> Iterator[Batch]:
    required = (("starttime",), ("prompt_tokens",), ("completion_tokens",), ("model", "model_group"))
    yield from csv_batches(source, spend_log_records, required=required, columns=_READ)


def _read_json(source: Source) -> Iterator[Batch]:
    return document_batch(source, "LiteLLM spend logs", spend_log_records)


CSV_FORMAT = Format(
    "litellm_spendlogs_csv", "LiteLLM proxy spend logs (LiteLLM_SpendLogs table, CSV)", _sniff_csv, _read_csv
)
JSON_FORMAT = Format(
    "litellm_spendlogs_json", "LiteLLM proxy spend logs (JSON rows or /spend/logs pages)", _sniff_json, _read_json
)
