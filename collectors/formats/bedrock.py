"""AWS Bedrock model invocation logs: one JSON object per invocation (JSON lines, FORMATS.md §4.1).

Logs arrive from CloudWatch Logs or S3 (``.json.gz`` objects, decompressed by the source). Each line is
one request (``requests`` = 1) at its ``timestamp``:

- ``provider`` is ``aws``; ``host`` is ``region``, the region the request was sent to and billed in (a
  cross-region inference profile may be served elsewhere, ``inferenceRegion``, at the same price).
- ``model`` is ``modelId`` as logged: inference-profile prefixes (``us.anthropic…``) and application
  inference-profile ARNs are kept, since they are what the price book and the user recognise.
- ``input.inputTokenCount`` does **not** include the prompt-cache counts: ``cacheReadInputTokenCount``
  and ``cacheWriteInputTokenCount`` are separate fields (§0 pitfall 1, §4.1), so canonical input is their
  sum. Bedrock does not split cache writes by TTL.
- ``user`` is ``identity.arn`` (the IAM user or role session that called); ``project`` is the AWS account
  ``accountId``; ``feature`` follows the tag rule (see :mod:`collectors.formats.attribution`) over
  ``requestMetadata``, the caller's Converse tags.
- ``latency_ms`` is ``output.outputBodyJson.metrics.latencyMs``, which only Converse responses carry.
- Not in this source: the reasoning part of the output and the 1-hour part of cache writes (unknown).
- Not usage, skipped: a logged failure (``errorCode``, as ``failed invocation (<code>)``: it is not billed)
  and a record of another schema (``schemaType``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from collectors.format import Format, Peek
from collectors.formats.attribution import tags_feature
from collectors.jsonfile import read_json_lines
from collectors.normalise import first_reason, parse_counts, parse_numbers, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import Source

__all__ = ["FORMAT", "bedrock_records"]

_SCHEMA = "ModelInvocationLog"


def _dig(record: object, *path: str) -> object:
    """The value at ``path`` in nested JSON objects, or None where any step is missing.

    >>> _dig({"input": {"inputTokenCount": 12}}, "input", "inputTokenCount")
    12
    """
    for key in path:
        if not isinstance(record, dict):
            return None
        record = record.get(key)
    return record


def _sniff(peek: Peek) -> bool:
    line = peek.first_json_line
    return isinstance(line, dict) and (
        line.get("schemaType") == _SCHEMA or ("modelId" in line and isinstance(_dig(line, "input"), dict))
    )


def _fields(record: dict[str, object]) -> dict[str, object]:
    metadata = record.get("requestMetadata")
    return {
        "schema": record.get("schemaType"),
        "timestamp": record.get("timestamp"),
        "account": record.get("accountId"),
        "arn": _dig(record, "identity", "arn"),
        "region": record.get("region"),
        "model": record.get("modelId"),
        "input": _dig(record, "input", "inputTokenCount"),
        "cache_read": _dig(record, "input", "cacheReadInputTokenCount"),
        "cache_write": _dig(record, "input", "cacheWriteInputTokenCount"),
        "output": _dig(record, "output", "outputTokenCount"),
        "latency": _dig(record, "output", "outputBodyJson", "metrics", "latencyMs"),
        "feature": tags_feature(metadata) if isinstance(metadata, dict) else None,
        "error": record.get("errorCode"),
    }


_COLUMNS = list(_fields({}))


def bedrock_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Records from a frame of the fields taken from each log line (see ``_fields``)."""
    time = parse_timestamps(frame["timestamp"], "timestamp")
    uncached = parse_counts(frame["input"], "input.inputTokenCount", required=True)
    cache_read = parse_counts(frame["cache_read"], "input.cacheReadInputTokenCount")
    cache_write = parse_counts(frame["cache_write"], "input.cacheWriteInputTokenCount")
    output = parse_counts(frame["output"], "output.outputTokenCount")
    latency = parse_numbers(frame["latency"], "metrics.latencyMs")
    schema = text(frame["schema"])
    error = text(frame["error"])
    not_usage = (
        pd.Series(None, index=frame.index, dtype=object)
        .mask(error.notna(), "failed invocation (" + error.astype(str) + ")")
        .mask(schema.notna() & (schema != _SCHEMA), "not an invocation log (schemaType " + schema.astype(str) + ")")
    )
    return make_records(
        frame.index,
        timestamp=time.values,
        provider="aws",
        host=frame["region"],
        model=frame["model"],
        project=frame["account"],
        user=frame["arn"],
        feature=frame["feature"],
        requests=1,
        # The cache counts are outside inputTokenCount (FORMATS.md §4.1): canonical input adds them.
        input_tokens=uncached.values + cache_read.values + cache_write.values,
        cache_read_tokens=cache_read.values,
        cache_write_tokens=cache_write.values,
        output_tokens=output.values,
        latency_ms=latency.values,
        skipped=not_usage,
        reason=first_reason(
            time.reasons,
            uncached.reasons,
            cache_read.reasons,
            cache_write.reasons,
            output.reasons,
            latency.reasons,
        ),
    )


def _read(source: Source) -> Iterator[Batch]:
    for chunk in read_json_lines(source):
        frame = pd.DataFrame.from_records([_fields(r) for r in chunk.records], columns=_COLUMNS)
        yield chunk.batch(bedrock_records(frame))


FORMAT = Format("bedrock_invocation_logs", "AWS Bedrock model invocation logs (JSON lines)", _sniff, _read)
