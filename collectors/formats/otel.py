"""OpenTelemetry GenAI spans exported as OTLP/JSON: one ``{"resourceSpans": […]}`` export per line, or a
single such document (FORMATS.md §8).

Every span is a row (``rows_read`` counts spans). Only inference spans — ``gen_ai.operation.name``
``chat``, ``generate_content``, ``text_completion`` or ``embeddings`` — are model requests with token
usage. The rest are not usage and are skipped, counted per kind, so a trace export's counts reconcile and
nothing is dropped silently: spans that are not GenAI at all (``non-GenAI span``), agent, tool, workflow and
retrieval spans (``<operation> span``), and inference spans that failed (``error.type``) without recording
tokens (``failed call, no usage``). An inference span that did not fail and recorded no token counts is
rejected: it should have been usage.

Attribute names changed over the conventions' life; both generations are read, the current one winning:

- provider: ``gen_ai.provider.name`` (semconv ≥ 1.37), else ``gen_ai.system``, mapped by
  :func:`pricing.identity.provider_id` (``aws.bedrock`` → aws, ``azure.ai.openai`` → azure,
  ``gcp.vertex_ai`` → google).
- input: ``gen_ai.usage.input_tokens``, else ``gen_ai.usage.prompt_tokens``; it includes cached input
  (SHOULD, per the spec), and ``gen_ai.usage.cache_read.input_tokens`` and
  ``gen_ai.usage.cache_creation.input_tokens`` are parts of it (semconv 1.40).
- output: ``gen_ai.usage.output_tokens``, else ``gen_ai.usage.completion_tokens``; reasoning is
  ``gen_ai.usage.reasoning.output_tokens``, part of it (1.41).
- A usage attribute a span does not carry is unknown, not 0: instrumentations older than 1.40 record no
  cache counts, and the conventions have no 1-hour split of cache writes. An ``embeddings`` span has no
  output, so its output (and cache and reasoning parts) are 0.

Also: ``model`` is ``gen_ai.response.model`` (what served) else ``gen_ai.request.model``; the time is
``startTimeUnixNano`` and ``latency_ms`` is end − start (int64 nanoseconds, strings in OTLP/JSON);
``ttft_ms`` is ``gen_ai.response.time_to_first_chunk`` (seconds) × 1000; ``host`` is the region or
resource in a cloud ``server.address`` (``bedrock-runtime.us-east-1.amazonaws.com`` → us-east-1,
``us-central1-aiplatform.googleapis.com`` → us-central1, ``acme.openai.azure.com`` → acme), missing for a
vendor's own API host, and the address itself otherwise (a gateway); ``project`` is the resource's
``service.name``; ``user`` is ``user.id`` (or the older ``enduser.id``); ``service_tier`` is
``openai.response.service_tier`` (else the request's); ``feature`` is an attribute named ``feature``,
``feature_tag``, ``use_case`` or ``workload`` on the span or its resource (spans have no tags).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pandas as pd

from collectors.format import Format, Peek
from collectors.formats.attribution import feature_named
from collectors.jsonfile import load_json, read_json_lines
from collectors.normalise import first_reason, parse_counts, parse_numbers, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import IngestError, Source
from db.imports import Rejection
from pricing.identity import provider_id

__all__ = ["FORMAT", "INFERENCE_OPERATIONS", "attribute_values", "span_host"]

INFERENCE_OPERATIONS = frozenset({"chat", "generate_content", "text_completion", "embeddings"})
NOT_GENAI = "non-GenAI span"
FAILED = "failed call, no usage"
# Current attribute name → the deprecated name read when it is absent.
_RENAMED = {
    "gen_ai.provider.name": "gen_ai.system",
    "gen_ai.usage.input_tokens": "gen_ai.usage.prompt_tokens",
    "gen_ai.usage.output_tokens": "gen_ai.usage.completion_tokens",
    "user.id": "enduser.id",
    "openai.response.service_tier": "openai.request.service_tier",
}
_CLOUD_HOSTS = (
    re.compile(r"^bedrock(?:-runtime|-agent-runtime)?(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com$"),
    re.compile(r"^([a-z0-9-]+)-aiplatform\.googleapis\.com$"),
    re.compile(r"^([a-z0-9-]+)\.(?:openai|services\.ai|cognitiveservices)\.azure\.com$"),
)
_VENDOR_APIS = frozenset(
    {
        "api.openai.com",
        "api.anthropic.com",
        "generativelanguage.googleapis.com",
        "aiplatform.googleapis.com",
        "api.mistral.ai",
        "api.cohere.com",
        "api.cohere.ai",
        "api.groq.com",
        "api.deepseek.com",
        "api.x.ai",
    }
)


def _value(typed: object) -> object:
    """An OTLP/JSON ``AnyValue`` as a Python value (int64 arrive as strings and stay text until parsed)."""
    if not isinstance(typed, dict) or not typed:
        return None
    kind, value = next(iter(typed.items()))
    if kind == "arrayValue":
        return [_value(v) for v in (value or {}).get("values") or []]
    if kind == "kvlistValue":
        return {kv.get("key"): _value(kv.get("value")) for kv in (value or {}).get("values") or []}
    return value


def attribute_values(attributes: object) -> dict[str, object]:
    """OTLP key/value attributes as a plain mapping.

    >>> attribute_values([{"key": "gen_ai.usage.input_tokens", "value": {"intValue": "384"}}])
    {'gen_ai.usage.input_tokens': '384'}
    """
    if not isinstance(attributes, list):
        return {}
    return {
        a["key"]: _value(a.get("value")) for a in attributes if isinstance(a, dict) and isinstance(a.get("key"), str)
    }


def span_host(address: object) -> str | None:
    """The finer location a span's ``server.address`` gives (see the module docstring).

    >>> span_host("bedrock-runtime.us-east-1.amazonaws.com"), span_host("api.openai.com")
    ('us-east-1', None)
    """
    if not isinstance(address, str) or not address.strip():
        return None
    address = address.strip().lower()
    for pattern in _CLOUD_HOSTS:
        if match := pattern.match(address):
            return match[1]
    return None if address in _VENDOR_APIS else address


def _nanos(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _milliseconds(seconds: object) -> object:
    """Seconds as milliseconds; text that is not a number is passed on for the parser to name."""
    try:
        return float(str(seconds)) * 1000 if seconds is not None else None
    except ValueError:
        return seconds


def _feature(attrs: dict[str, object], resource: dict[str, object]) -> object:
    return feature_named(attrs) or feature_named(resource)


def _get(attrs: dict[str, object], name: str) -> object:
    value = attrs.get(name)
    return attrs.get(_RENAMED[name]) if value is None and name in _RENAMED else value


def _fields(span: dict[str, object], resource: dict[str, object]) -> dict[str, object]:
    attrs = attribute_values(span.get("attributes"))
    start, end = _nanos(span.get("startTimeUnixNano")), _nanos(span.get("endTimeUnixNano"))
    # Subtracted as integers: nanoseconds since 1970 exceed a float's precision. An unfinished span has
    # no end (0): its duration is unknown, not negative.
    latency = (end - start) / 1e6 if start is not None and end is not None and end > 0 else None
    return {
        "operation": attrs.get("gen_ai.operation.name"),
        "provider": _get(attrs, "gen_ai.provider.name"),
        "model": attrs.get("gen_ai.response.model") or attrs.get("gen_ai.request.model"),
        "start": span.get("startTimeUnixNano"),
        "latency": latency,
        "ttft": _milliseconds(attrs.get("gen_ai.response.time_to_first_chunk")),
        "input": _get(attrs, "gen_ai.usage.input_tokens"),
        "output": _get(attrs, "gen_ai.usage.output_tokens"),
        "cache_read": attrs.get("gen_ai.usage.cache_read.input_tokens"),
        "cache_write": attrs.get("gen_ai.usage.cache_creation.input_tokens"),
        "reasoning": attrs.get("gen_ai.usage.reasoning.output_tokens"),
        "error": attrs.get("error.type"),
        "host": span_host(attrs.get("server.address")),
        "project": resource.get("service.name"),
        "user": _get(attrs, "user.id"),
        "tier": _get(attrs, "openai.response.service_tier"),
        "feature": _feature(attrs, resource),
    }


_COLUMNS = list(_fields({}, {}))


def _objects(items: object) -> list[dict[str, Any]]:
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _spans(export: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, object]]]:
    """Each span of one OTLP export, with its resource's attributes."""
    for resource_spans in _objects(export.get("resourceSpans")):
        resource = attribute_values((resource_spans.get("resource") or {}).get("attributes"))
        for scope_spans in _objects(resource_spans.get("scopeSpans")):
            for span in _objects(scope_spans.get("spans")):
                yield span, resource


def span_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Records from a frame of the fields taken from each span (see ``_fields``)."""
    time = parse_timestamps(frame["start"], "startTimeUnixNano", unit="ns")
    counts = {
        "input_tokens": parse_counts(frame["input"], "gen_ai.usage.input_tokens", default=None),
        "output_tokens": parse_counts(frame["output"], "gen_ai.usage.output_tokens", default=None),
        "cache_read_tokens": parse_counts(frame["cache_read"], "gen_ai.usage.cache_read.input_tokens", default=None),
        "cache_write_tokens": parse_counts(
            frame["cache_write"], "gen_ai.usage.cache_creation.input_tokens", default=None
        ),
        "reasoning_tokens": parse_counts(frame["reasoning"], "gen_ai.usage.reasoning.output_tokens", default=None),
    }
    values = {name: parsed.values for name, parsed in counts.items()}
    latency = parse_numbers(frame["latency"], "span duration")
    ttft = parse_numbers(frame["ttft"], "gen_ai.response.time_to_first_chunk")
    operation = text(frame["operation"])
    # An embedding has no output and uses no prompt cache: those are 0, not unknown (and reasoning follows as a
    # part of no output, in make_records).
    embeddings = (operation == "embeddings").to_numpy(dtype=bool)
    for name in ("output_tokens", "cache_read_tokens", "cache_write_tokens"):
        values[name] = values[name].mask(embeddings & values[name].isna().to_numpy(), 0)
    nothing = pd.Series(None, index=frame.index, dtype=object)
    unrecorded = frame["input"].isna() & frame["output"].isna()
    failed = text(frame["error"]).notna()
    not_usage = (
        nothing.mask(operation.isna(), NOT_GENAI)
        .mask(operation.notna() & ~operation.isin(INFERENCE_OPERATIONS), operation.astype(str) + " span")
        .mask(operation.isin(INFERENCE_OPERATIONS) & unrecorded & failed, FAILED)
    )
    no_usage = nothing.mask(unrecorded, "no token usage recorded on this span")
    return make_records(
        frame.index,
        timestamp=time.values,
        provider=text(frame["provider"]).map(provider_id, na_action="ignore"),
        host=frame["host"],
        model=frame["model"],
        project=frame["project"],
        user=frame["user"],
        feature=frame["feature"],
        service_tier=frame["tier"],
        requests=1,
        latency_ms=latency.values,
        ttft_ms=ttft.values,
        **values,
        skipped=not_usage,
        reason=first_reason(
            no_usage,
            time.reasons,
            *(parsed.reasons for parsed in counts.values()),
            latency.reasons,
            ttft.reasons,
        ),
    )


def _exports(source: Source) -> Iterator[tuple[list[dict[str, Any]], list[int], list[Rejection]]]:
    """Chunks of (exports, their line numbers, rejected lines): JSON lines, or one whole document."""
    if isinstance(Peek(source.text()).first_json_line, dict):
        for chunk in read_json_lines(source):
            exports: list[dict[str, Any]] = []
            numbers: list[int] = []
            rejected = list(chunk.rejected)
            for record, line, number in zip(chunk.records, chunk.lines, chunk.line_numbers, strict=True):
                if isinstance(record.get("resourceSpans"), list):
                    exports.append(record)
                    numbers.append(number)
                else:
                    rejected.append(Rejection(f"line {number}", line, "not an OTLP trace export (no resourceSpans)"))
            yield exports, numbers, rejected
        return
    document = load_json(source)
    whole = _objects(document if isinstance(document, list) else [document])
    if not whole or not all(isinstance(e.get("resourceSpans"), list) for e in whole):
        raise IngestError(f"{source.name}: not an OTLP/JSON trace export (expected 'resourceSpans')")
    yield whole, [1] * len(whole), []


def _sniff(peek: Peek) -> bool:
    line = peek.first_json_line
    if isinstance(line, dict):
        return "resourceSpans" in line
    return peek.is_json_document and '"resourceSpans"' in peek.text


def _read(source: Source) -> Iterator[Batch]:
    for exports, numbers, rejected in _exports(source):
        rows, raws, locations = [], [], []
        for export, number in zip(exports, numbers, strict=True):
            for k, (span, resource) in enumerate(_spans(export), start=1):
                rows.append(_fields(span, resource))
                raws.append(json.dumps(span))
                locations.append(f"line {number}, span {k}")
        frame = pd.DataFrame.from_records(rows, columns=_COLUMNS)
        yield Batch(
            span_records(frame),
            pd.DataFrame({"raw": raws}, index=frame.index),
            len(frame) + len(rejected),
            locations=pd.Series(locations, index=frame.index, dtype=object),
            rejected=rejected,
        )


FORMAT = Format("otel_genai_spans", "OpenTelemetry GenAI spans (OTLP/JSON)", _sniff, _read)
