"""Langfuse observations: model calls traced by Langfuse, one row per observation (FORMATS.md §7.2).

Two shapes: API pages (``langfuse_observations_api``) — ``{"data": [observations…], "meta": {…}}`` from
``GET /api/public/v2/observations`` (v1 pages read the same), or a JSON list of pages — and a CSV of
generations (``langfuse_generations_csv``) whose header is the API's field names, with JSON objects in
the ``usageDetails``, ``costDetails``, ``modelParameters`` and ``metadata`` cells.

Only ``GENERATION`` observations (and the newer ``EMBEDDING`` type, which Langfuse also prices) are model
calls; spans, events, tools, agents … are not usage and are skipped as ``<TYPE> observation``, as is a
failed generation (``level`` ERROR) that used no tokens (``failed generation, no usage``). A row without a
``type`` is taken as a generation (a generations export).

Measures come from ``usageDetails``, a map of free-form usage types. Langfuse's types are *additive*:
its integrations move each detail out of its parent (OpenAI ``prompt_tokens_details.cached_tokens``
becomes ``input_cached_tokens`` and is subtracted from ``input``; Anthropic's ``input`` already excludes
``cache_read_input_tokens`` and ``cache_creation_input_tokens``), and ``total`` is the sum of all other
types — as every row of the sample shows (``input + output + input_cached_tokens = total``). Per key:

- ``total`` (any key starting with ``total``) is never counted;
- a key mentioning reasoning or thinking → reasoning, part of output;
- a key mentioning cache → cache write if it says creation/write (its 1-hour part if it says ``1h``),
  else cache read; both part of input. ``ephemeral_5m/1h_*`` keys are cache writes, or only the TTL
  breakdown of a cache-write key given beside them;
- other keys starting with ``input``/``prompt`` → input; with ``output``/``completion`` → output;
- anything else (``image``, ``requests``, …) is not a token count and is not imported.

So ``input_tokens`` = ``input`` + cache reads + cache writes + other input keys, and ``output_tokens`` =
``output`` + reasoning + other output keys. One exception keeps a hand-written map from being counted
twice: when ``total`` equals ``input + output`` alone although detail keys are non-zero, the details are
inside ``input``/``output`` and are not added again. Without ``usageDetails`` the legacy ``usage``
object's ``input``/``output`` are read. A usage type the map leaves out is none of it (the integrations
write only the types they saw); but an observation with no usage at all has unknown tokens, not 0, and cache
writes not split by TTL (no ``1h``/``ephemeral_*`` key) have an unknown 1-hour part.

Cost: ``totalCost`` (v1: ``calculatedTotalCost``; else ``costDetails.total``) in USD → reported cost.
Timings are in **seconds**: ``latency`` × 1000 → latency (``endTime − startTime`` when absent),
``timeToFirstToken`` × 1000 → time to first token (``completionStartTime − startTime`` when absent).
``startTime`` (ISO 8601, UTC) → timestamp. One request per observation.

Dimensions: ``providedModelName`` (v1: ``model``) → model; ``projectId`` → project; ``userId`` → user.
Langfuse does not record which API served a call, so the provider is ``metadata.provider`` (or
``ls_provider``, ``gen_ai.system``) when the caller logged one, else the model's router prefix
(``openai/gpt-4o``), else the maker whose catalogue knows the model name (genai-prices, via
``pricing.identity``), else ``unknown``. Feature: a ``feature`` / ``feature_tag`` / ``use_case`` /
``workload`` key in ``metadata``; otherwise the trace ``tags`` (``fields=trace_context``) joined with ",";
otherwise missing. The observation ``name`` is not a feature by this rule and is not kept.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import pandas as pd

from collectors.csvfile import csv_batches
from collectors.format import Format, Peek
from collectors.formats.request_logs import (
    UNKNOWN_PROVIDER,
    column,
    document_batch,
    milliseconds_between,
    optional_timestamps,
    providers_from_models,
    reason_where,
)
from collectors.json_cells import json_column
from collectors.normalise import first_present, first_reason, parse_money, parse_numbers, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import Source
from db.measures import TOKEN_MEASURES
from pricing.identity import provider_id

__all__ = ["API_FORMAT", "CSV_FORMAT", "MODEL_TYPES", "observation_records", "usage_measures"]

# Observation types that are model calls; Langfuse tracks usage and cost on these.
MODEL_TYPES = frozenset({"GENERATION", "EMBEDDING"})
FAILED = "failed generation, no usage"
_OBSERVATION = re.compile(r'"traceId"\s*:')
_USAGE_FIELDS = re.compile(r'"(usageDetails|providedModelName|calculatedTotalCost)"\s*:')


def _sniff_api(peek: Peek) -> bool:
    return peek.is_json_document and bool(_OBSERVATION.search(peek.text)) and bool(_USAGE_FIELDS.search(peek.text))


def _sniff_csv(peek: Peek) -> bool:
    header = set(peek.csv_header)
    return {"traceid", "starttime"} <= header and bool({"usagedetails", "providedmodelname"} & header)


def _kind(key: str) -> str | None:
    """Which canonical part a usageDetails key counts toward (None: not counted)."""
    if key.startswith("total"):
        return None
    if "reasoning" in key or "thinking" in key:
        return "reasoning"
    if key.startswith("ephemeral_"):
        return "ephemeral_1h" if "1h" in key else "ephemeral"
    if "cache" in key:
        if any(word in key for word in ("creat", "write")):
            return "cache_write_1h" if "1h" in key else "cache_write"
        return "cache_read"
    if key.startswith(("input", "prompt")):
        return "input"
    if key.startswith(("output", "completion")):
        return "output"
    return None


def usage_measures(details: object) -> tuple[dict[str, int | None], str | None]:
    """Canonical token measures of one ``usageDetails`` map (None: unknown), and why it cannot be read (or None).

    >>> usage_measures({"input": 4989, "output": 71, "input_cached_tokens": 1663, "total": 6723})[0]["input_tokens"]
    6652
    """
    measures: dict[str, int | None] = dict.fromkeys(TOKEN_MEASURES)
    if details is None:
        return measures, None
    if not isinstance(details, dict):
        return measures, "usageDetails is not an object"
    parts: dict[str, int] = {}
    total: int | None = None
    for raw_key, value in details.items():
        key = str(raw_key).strip().lower()
        if value is None:
            continue
        number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
        if number is None or not math.isfinite(number) or number < 0 or number != int(number):
            if _kind(key) is None and not key.startswith("total"):
                continue  # a non-token type (e.g. a unit label) that is not imported anyway
            return measures, f"usageDetails.{raw_key} is not a whole, non-negative number: {value!r}"
        if key in ("total", "total_tokens"):
            total = int(number)
        kind = _kind(key)
        if kind is not None:
            parts[kind] = parts.get(kind, 0) + int(number)
    # ephemeral_5m/1h keys are the cache writes themselves, or only their split by TTL when a
    # cache-write key is given beside them.
    writes = parts.get("cache_write", 0) + parts.get("cache_write_1h", 0)
    writes_1h = parts.get("cache_write_1h", 0) or parts.get("ephemeral_1h", 0)
    if not writes:
        writes = parts.get("ephemeral", 0) + parts.get("ephemeral_1h", 0)
    split_by_ttl = any(kind in parts for kind in ("cache_write_1h", "ephemeral", "ephemeral_1h"))
    reads, reasoning = parts.get("cache_read", 0), parts.get("reasoning", 0)
    plain_input, plain_output = parts.get("input", 0), parts.get("output", 0)
    nested = total is not None and total == plain_input + plain_output and (reads + writes + reasoning) > 0
    measures.update(
        input_tokens=plain_input + (0 if nested else reads + writes),
        cache_read_tokens=reads,
        cache_write_tokens=writes,
        # Writes not split by TTL: their 1-hour part is unknown (of no writes, none).
        cache_write_1h_tokens=writes_1h if split_by_ttl or not writes else None,
        output_tokens=plain_output + (0 if nested else reasoning),
        reasoning_tokens=reasoning,
    )
    return measures, None


_LEGACY_UNKNOWN = ("cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens", "reasoning_tokens")


def _legacy_tokens(usage: object) -> dict[str, object] | None:
    """The token counts of a legacy v1 ``usage`` object; a unit other than tokens counts no tokens."""
    if not isinstance(usage, dict) or str(usage.get("unit") or "TOKENS").upper() != "TOKENS":
        return None
    return {key: usage.get(key) for key in ("input", "output")}


def _usage(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    details = json_column(column(frame, "usagedetails"), "usageDetails")
    legacy = json_column(column(frame, "usage"), "usage")
    results = []
    for detail, usage in zip(details.objects(), legacy.objects(), strict=True):
        if isinstance(detail, dict) and detail:
            results.append(usage_measures(detail))
            continue
        tokens = _legacy_tokens(usage)
        measures, reason = usage_measures(tokens)
        if tokens is not None:
            # The legacy object has input and output only: the cache and reasoning parts are not in it.
            measures.update(dict.fromkeys(_LEGACY_UNKNOWN))
        results.append((measures, reason))
    measures = pd.DataFrame([m for m, _ in results], index=frame.index, columns=list(TOKEN_MEASURES)).astype("Int64")
    reasons = pd.Series([r for _, r in results], index=frame.index, dtype=object)
    return measures, first_reason(details.reasons, legacy.reasons, reasons)


def _seconds_as_ms(
    frame: pd.DataFrame, name: str, label: str, start: pd.Series, end: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """A duration the source gives in seconds, in milliseconds; ``end − start`` where it gives none."""
    seconds = parse_numbers(column(frame, name), label)
    # Rounded to the microsecond: seconds × 1000 in binary floats leaves noise like 7916.000000000001.
    measured = (seconds.values * 1000.0).round(3)
    return measured.where(measured.notna(), milliseconds_between(start, end)), seconds.reasons


def observation_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical records from observations (lower-cased field names; text cells or JSON values)."""
    measures, usage_reasons = _usage(frame)
    start = parse_timestamps(column(frame, "starttime"), "startTime")
    end = optional_timestamps(column(frame, "endtime"), "endTime")
    first_token = optional_timestamps(column(frame, "completionstarttime"), "completionStartTime")
    latency, latency_reasons = _seconds_as_ms(frame, "latency", "latency", start.values, end.values)
    ttft, ttft_reasons = _seconds_as_ms(frame, "timetofirsttoken", "timeToFirstToken", start.values, first_token.values)
    cost = parse_money(column(frame, "totalcost", "calculatedtotalcost"), "totalCost")
    cost_details = json_column(column(frame, "costdetails"), "costDetails")
    detail_total = parse_money(cost_details.get(("total",)), "costDetails.total")
    metadata = json_column(column(frame, "metadata"), "metadata")
    tags = json_column(column(frame, "tags"), "tags")

    model = text(column(frame, "providedmodelname"))
    model = model.where(model.notna(), text(column(frame, "model")))
    stated = text(metadata.get(("provider",), ("ls_provider",), ("gen_ai.system",)))
    provider = stated.map(provider_id, na_action="ignore")
    provider = provider.where(provider.notna(), providers_from_models(model))

    kind = text(column(frame, "type")).str.upper()
    level = text(column(frame, "level")).str.upper()
    no_tokens = measures[["input_tokens", "output_tokens"]].fillna(0).sum(axis=1) == 0
    # Only generations and embeddings are model calls; a failed one that used no tokens did no model work.
    not_usage = first_reason(
        reason_where(kind.notna() & ~kind.isin(sorted(MODEL_TYPES)), kind.astype(str) + " observation"),
        reason_where(level.eq("ERROR") & no_tokens, FAILED),
    )
    return make_records(
        frame.index,
        timestamp=start.values,
        provider=provider.where(provider.notna(), UNKNOWN_PROVIDER),
        model=model,
        project=column(frame, "projectid"),
        user=column(frame, "userid"),
        feature=first_present(metadata.feature(()), tags.tags()),
        requests=1,
        **{name: measures[name] for name in TOKEN_MEASURES},
        reported_cost_usd=cost.values.where(cost.values.notna(), detail_total.values),
        latency_ms=latency,
        ttft_ms=ttft,
        skipped=not_usage,
        reason=first_reason(
            start.reasons,
            usage_reasons,
            end.reasons,
            first_token.reasons,
            latency_reasons,
            ttft_reasons,
            cost.reasons,
            cost_details.reasons,
            detail_total.reasons,
            metadata.reasons,
            tags.reasons,
        ),
    )


def _read_api(source: Source) -> Iterator[Batch]:
    return document_batch(source, "Langfuse observations", observation_records)


def _read_csv(source: Source) -> Iterator[Batch]:
    required = (("starttime",), ("usagedetails", "usage"), ("providedmodelname", "model"))
    yield from csv_batches(source, observation_records, required=required)


API_FORMAT = Format(
    "langfuse_observations_api", "Langfuse observations (public API pages, JSON)", _sniff_api, _read_api
)
CSV_FORMAT = Format("langfuse_generations_csv", "Langfuse generations (CSV, API field names)", _sniff_csv, _read_csv)
