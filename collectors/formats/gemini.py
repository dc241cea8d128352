"""Gemini API / Vertex AI ``generateContent`` responses with ``usageMetadata``, one per line (FORMATS.md §5.1).

Each line is one response, so one request (``requests`` = 1), at Vertex's ``createTime``. Lines from a
Vertex batch prediction output (``{"request": …, "response": {…}, "processed_time": …}``) are read
from their ``response`` and marked ``batch`` (that wrapper is **[unconfirmed]** in FORMATS.md). Gemini
API responses have no ``createTime``; a logger that adds its own top-level ``timestamp`` (or
``latencyMs`` / ``latency_ms``) is honoured, otherwise the line is rejected for want of a time.

Token semantics (§5.1, ``totalTokenCount`` = prompt + candidates + toolUsePrompt + thoughts):

- ``promptTokenCount`` already **includes** ``cachedContentTokenCount``; ``toolUsePromptTokenCount``
  (tool results fed back) is input too but outside the prompt count. Canonical input = prompt + tool use;
  cache reads = cachedContentTokenCount. Gemini reports no cache writes.
- ``thoughtsTokenCount`` is **outside** ``candidatesTokenCount`` (it is added separately into the
  total) and billed as output: canonical output = candidates + thoughts, reasoning = thoughts.
- ``provider`` is ``google``; ``model`` is ``modelVersion``; ``trafficType`` gives ``service_tier``
  (``ON_DEMAND`` → default, ``ON_DEMAND_FLEX`` → flex, ``ON_DEMAND_PRIORITY`` → priority,
  ``PROVISIONED_THROUGHPUT`` → provisioned). Responses carry no project, key, user or tags.
- Not in this source: cache writes and their 1-hour part (unknown). ``usageMetadata`` leaves out a count
  that is 0, so a missing ``cachedContentTokenCount`` or ``thoughtsTokenCount`` is 0.

An error body (``{"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", …}}``, or a batch output line
whose ``status`` reports a failure and that has no response) is not usage: it is skipped as
``error response (<status>)``. A line that is neither a response with ``usageMetadata`` nor an error is
rejected: it cannot be read as usage.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from collectors.format import Format, Peek
from collectors.jsonfile import read_json_lines
from collectors.normalise import first_reason, parse_counts, parse_numbers, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import Source

__all__ = ["FORMAT", "TRAFFIC_TIERS"]

TRAFFIC_TIERS: dict[str, str] = {
    "ON_DEMAND": "default",
    "ON_DEMAND_FLEX": "flex",
    "ON_DEMAND_PRIORITY": "priority",
    "PROVISIONED_THROUGHPUT": "provisioned",
}
_USAGE = "usageMetadata"


def _response(record: dict[str, object]) -> dict[str, object] | None:
    """The generateContent response in a line: the line itself, or a batch output line's ``response``."""
    if isinstance(record.get(_USAGE), dict):
        return record
    inner = record.get("response")
    if isinstance(inner, dict) and isinstance(inner.get(_USAGE), dict):
        return inner
    return None


def _sniff(peek: Peek) -> bool:
    line = peek.first_json_line
    if not isinstance(line, dict):
        return False
    response = _response(line)
    return response is not None and ("modelVersion" in response or "candidates" in response)


def _fields(record: dict[str, object]) -> dict[str, object]:
    response = _response(record)
    usage: dict[str, object] = response.get(_USAGE) if response else {}  # type: ignore[assignment]
    latency = record.get("latencyMs", record.get("latency_ms"))
    return {
        "is_response": response is not None,
        "error": None if response is not None else _error(record),
        "batch": response is not record if response is not None else None,
        "time": (response or {}).get("createTime") or record.get("processed_time") or record.get("timestamp"),
        "model": (response or {}).get("modelVersion"),
        "prompt": usage.get("promptTokenCount"),
        "cached": usage.get("cachedContentTokenCount"),
        "tool_use": usage.get("toolUsePromptTokenCount"),
        "candidates": usage.get("candidatesTokenCount"),
        "thoughts": usage.get("thoughtsTokenCount"),
        "traffic": usage.get("trafficType"),
        "latency": latency,
    }


def _error(record: dict[str, object]) -> str | None:
    """What failed, when a line is an error body: its status (else its code) — a short list of names, so the
    kinds of skipped rows stay few — or None for any other line."""
    error = record.get("error")
    if isinstance(error, dict):
        return str(error.get("status") or error.get("code") or "no status")[:40]
    # A message (free text, different on every line) or a batch prediction output line of a failed request
    # (the failure in "status", no response): counted as one kind.
    status = record.get("status")
    failed_batch = "request" in record and isinstance(status, str) and bool(status.strip())
    if (isinstance(error, str) and error.strip()) or failed_batch:
        return "no status"
    return None


_COLUMNS = list(_fields({}))


def gemini_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Records from a frame of the fields taken from each response (see ``_fields``)."""
    time = parse_timestamps(frame["time"], "createTime")
    prompt = parse_counts(frame["prompt"], "promptTokenCount", required=True)
    cached = parse_counts(frame["cached"], "cachedContentTokenCount")
    tool_use = parse_counts(frame["tool_use"], "toolUsePromptTokenCount")
    candidates = parse_counts(frame["candidates"], "candidatesTokenCount")
    thoughts = parse_counts(frame["thoughts"], "thoughtsTokenCount")
    latency = parse_numbers(frame["latency"], "latencyMs")
    traffic = text(frame["traffic"])
    tier = traffic.map(lambda value: TRAFFIC_TIERS.get(value.upper(), value.lower()), na_action="ignore")
    error = text(frame["error"])
    no_usage = pd.Series(None, index=frame.index, dtype=object).mask(
        ~frame["is_response"].astype(bool), "no usageMetadata: not a generateContent response"
    )
    return make_records(
        frame.index,
        timestamp=time.values,
        provider="google",
        model=frame["model"],
        service_tier=tier,
        batch=frame["batch"].astype("boolean"),
        requests=1,
        # promptTokenCount includes the cached tokens; tool-use prompt tokens are counted apart from it.
        input_tokens=prompt.values + tool_use.values,
        cache_read_tokens=cached.values,
        # Thinking tokens are not in candidatesTokenCount, and are billed as output.
        output_tokens=candidates.values + thoughts.values,
        reasoning_tokens=thoughts.values,
        latency_ms=latency.values,
        skipped=("error response (" + error.astype(str) + ")").where(error.notna(), None),
        reason=first_reason(
            no_usage,
            time.reasons,
            prompt.reasons,
            cached.reasons,
            tool_use.reasons,
            candidates.reasons,
            thoughts.reasons,
            latency.reasons,
        ),
    )


def _read(source: Source) -> Iterator[Batch]:
    for chunk in read_json_lines(source):
        frame = pd.DataFrame.from_records([_fields(r) for r in chunk.records], columns=_COLUMNS)
        yield chunk.batch(gemini_records(frame))


FORMAT = Format("gemini_usage_metadata", "Gemini / Vertex AI generateContent responses (JSON lines)", _sniff, _read)
