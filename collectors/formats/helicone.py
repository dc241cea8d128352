"""Helicone request exports, one row per request (FORMATS.md §7.1).

Two shapes: the CSV written by Helicone's export CLI (``npx @helicone/export``; ``helicone_requests_csv``)
and JSON lines of the rows its ``/v1/request/query-clickhouse`` API returns (``helicone_requests_jsonl``).

Measures. Helicone stores each part of the input and output once, apart from the others:

- ``prompt_tokens`` is the *uncached* input. Helicone's usage processors subtract cache reads (and
  audio) from the provider's prompt count before storing it (jawn ``OpenAIUsageProcessor``:
  ``input = prompt_tokens − cached_tokens − audio``; Anthropic's ``input_tokens`` already excludes the
  cache), and keep ``prompt_cache_read_tokens`` / ``prompt_cache_write_tokens`` beside it. FORMATS.md §0
  writes it "``prompt_tokens`` + ``prompt_cache_*``", the notation it uses for Bedrock's separate cache
  counts, and ``total_tokens`` (= prompt + completion + reasoning) has no cache term. The sample cannot
  tell the two readings apart (its reads are half of ``prompt_tokens``, its writes below it, its
  ``cost`` prices ``prompt_tokens`` at the full input price and ignores the cache columns), so the
  source code decides: canonical ``input_tokens`` = ``prompt_tokens`` + cache reads + cache writes
  (+ ``prompt_audio_tokens`` where an older row has it).
- ``completion_tokens`` excludes reasoning: ``total_tokens`` = prompt + completion + reasoning, and the
  processor stores ``output = completion_tokens − reasoning_tokens``. Canonical ``output_tokens`` =
  ``completion_tokens`` + ``reasoning_tokens`` (+ ``completion_audio_tokens``); reasoning is its part.
- ``cost`` (API rows; ``cost_usd`` or ``cost`` in the CLI's CSV) is USD → reported cost.

Times are UTC strings (``YYYY-MM-DD HH:MM:SS.mmm``): ``request_created_at`` → timestamp; ``delay_ms`` (CSV:
``latency``) → latency, or ``response_created_at − request_created_at`` when the cell is blank (the CLI
may leave it so); ``time_to_first_token`` (ms) → time to first token, where positive (0 means not
measured).

Dimensions: ``provider`` (``OPENAI``, ``ANTHROPIC``, …) → provider; the CSV has none, so there it comes
from the model name (``unknown`` when the name does not say). ``target_url``'s host → host;
``request_model`` (else ``model``, ``response_model``) → model; ``request_user_id`` → user. Feature: a
custom property (``request_properties``, else ``properties``) named ``feature`` / ``feature_tag`` /
``use_case`` / ``workload``, compared without case. Helicone has no tags, so without such a property
``feature`` stays missing; other properties (``app``, ``environment``, session ids) are not dimensions.
Helicone has no project or API-key dimension in these rows.

Not in this source: the export CLI's CSV has no cache or reasoning columns, so there cache reads, cache
writes and reasoning are unknown (and ``input_tokens`` is the uncached input it has); a blank count in
either shape is unknown too. Helicone keeps no 1-hour split of cache writes.

Not model usage, skipped: requests answered from Helicone's response cache (``cache_reference_id`` set —
Helicone stores them with zero tokens; ``answered from Helicone's cache``) and failed requests (HTTP status
400 or more) that used no tokens (``failed request, no usage``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from collectors.csvfile import csv_batches
from collectors.format import Format, Peek
from collectors.formats.request_logs import (
    UNKNOWN_PROVIDER,
    column,
    hosts,
    milliseconds_between,
    optional_timestamps,
    providers_from_models,
    reason_where,
    rows_frame,
)
from collectors.json_cells import json_column
from collectors.jsonfile import read_json_lines
from collectors.normalise import (
    first_present,
    first_reason,
    parse_counts,
    parse_money,
    parse_numbers,
    parse_timestamps,
    text,
)
from collectors.records import Batch, make_records
from collectors.source import Source
from pricing.identity import provider_id

__all__ = ["CSV_FORMAT", "JSONL_FORMAT", "request_records"]

# Helicone's cache_reference_id when the response did not come from its cache.
NOT_CACHED = "00000000-0000-0000-0000-000000000000"


def _sniff_csv(peek: Peek) -> bool:
    return peek.has_columns("response_id", "request_created_at", "request_properties", "prompt_tokens")


def _sniff_jsonl(peek: Peek) -> bool:
    row = peek.first_json_line
    return isinstance(row, dict) and {"request_id", "response_id", "request_created_at", "prompt_tokens"} <= set(row)


def _counts(frame: pd.DataFrame, name: str, default: int | None = None) -> tuple[pd.Series, pd.Series]:
    """A count column: blank, or a column the rows do not have, is unknown unless ``default`` says."""
    parsed = parse_counts(column(frame, name), name, default=default)
    return parsed.values, parsed.reasons


FAILED = "failed request, no usage"
CACHED = "answered from Helicone's cache"


def request_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical records from Helicone request rows (lower-cased names; text cells or JSON values)."""
    prompt, prompt_reasons = _counts(frame, "prompt_tokens")
    reads, read_reasons = _counts(frame, "prompt_cache_read_tokens")
    writes, write_reasons = _counts(frame, "prompt_cache_write_tokens")
    # Audio counts only add to input and output (older rows): none when absent.
    prompt_audio, prompt_audio_reasons = _counts(frame, "prompt_audio_tokens", 0)
    completion, completion_reasons = _counts(frame, "completion_tokens")
    reasoning, reasoning_reasons = _counts(frame, "reasoning_tokens")
    completion_audio, completion_audio_reasons = _counts(frame, "completion_audio_tokens", 0)
    # Unknown cache or reasoning parts add nothing: the input and output known are at least the rest.
    input_tokens = prompt + reads.fillna(0) + writes.fillna(0) + prompt_audio
    output_tokens = completion + reasoning.fillna(0) + completion_audio

    requested = parse_timestamps(column(frame, "request_created_at"), "request_created_at")
    responded = optional_timestamps(column(frame, "response_created_at"), "response_created_at")
    delay = parse_numbers(column(frame, "delay_ms", "latency"), "delay_ms")
    latency = delay.values.where(delay.values.notna(), milliseconds_between(requested.values, responded.values))
    first_token = parse_numbers(column(frame, "time_to_first_token"), "time_to_first_token")
    cost = parse_money(column(frame, "cost", "cost_usd", "costusd"), "cost")

    model = text(column(frame, "request_model"))
    for fallback in ("model", "response_model"):
        model = model.where(model.notna(), text(column(frame, fallback)))
    named = text(column(frame, "provider")).map(provider_id, na_action="ignore")
    provider = named.where(named.notna(), providers_from_models(model))
    properties = json_column(column(frame, "request_properties"), "request_properties")
    more_properties = json_column(column(frame, "properties"), "properties")

    cache_reference = text(column(frame, "cache_reference_id"))
    status = parse_numbers(column(frame, "response_status"), "response_status")
    no_tokens = (input_tokens.fillna(0) + output_tokens.fillna(0)) == 0
    # Answered from the cache, no provider was called; a failure that used no tokens did no model work.
    not_usage = first_reason(
        reason_where(cache_reference.notna() & (cache_reference != NOT_CACHED), CACHED),
        reason_where((status.values >= 400) & no_tokens, FAILED),
    )
    return make_records(
        frame.index,
        timestamp=requested.values,
        provider=provider.where(provider.notna(), UNKNOWN_PROVIDER),
        host=hosts(column(frame, "target_url")),
        model=model,
        user=column(frame, "request_user_id"),
        feature=first_present(properties.feature(()), more_properties.feature(())),
        requests=1,
        input_tokens=input_tokens,
        cache_read_tokens=reads,
        cache_write_tokens=writes,
        output_tokens=output_tokens,
        reasoning_tokens=reasoning,
        reported_cost_usd=cost.values,
        latency_ms=latency,
        # Helicone writes 0 for requests whose first token it did not time.
        ttft_ms=first_token.values.where(first_token.values > 0),
        reason=first_reason(
            requested.reasons,
            prompt_reasons,
            read_reasons,
            write_reasons,
            prompt_audio_reasons,
            completion_reasons,
            reasoning_reasons,
            completion_audio_reasons,
            responded.reasons,
            delay.reasons,
            first_token.reasons,
            cost.reasons,
            properties.reasons,
            more_properties.reasons,
        ),
        skipped=not_usage,
    )


def _read_csv(source: Source) -> Iterator[Batch]:
    required = (("request_created_at",), ("prompt_tokens",), ("completion_tokens",), ("model", "request_model"))
    yield from csv_batches(source, request_records, required=required)


def _read_jsonl(source: Source) -> Iterator[Batch]:
    for chunk in read_json_lines(source):
        frame, _ = rows_frame(chunk.records)  # read_json_lines already rejected lines that are not objects
        yield chunk.batch(request_records(frame))


CSV_FORMAT = Format("helicone_requests_csv", "Helicone request export (export CLI, CSV)", _sniff_csv, _read_csv)
JSONL_FORMAT = Format(
    "helicone_requests_jsonl", "Helicone request rows (query API, JSON lines)", _sniff_jsonl, _read_jsonl
)
