"""Azure Monitor platform metrics of an Azure OpenAI / Foundry resource, as the Metrics REST API returns them
(FORMATS.md §3.1).

A file holds one response (``{"value": [metric…], "interval": "PT1H", …}``), a JSON list of them, or a
``metrics:getBatch`` response (``{"values": [response…]}``). Each metric has one time series per
dimension combination (``metadatavalues``) and one point per time grain. exitplan pivots them into one
row per (resource, deployment, model, time grain) — ``rows_read`` counts those cells; a cell with no
data in any metric (an idle hour) holds no usage and is skipped as an ``idle time grain``:

- input tokens: ``ProcessedPromptTokens``, else the Foundry ``InputTokens``; output tokens:
  ``GeneratedTokens``, else ``OutputTokens``; requests: ``AzureOpenAIRequests``, else ``ModelRequests``
  (``total`` aggregation). The two names of each measure describe the same tokens, so one is taken,
  never both.
- ``TokenTransaction`` and ``TotalTokens`` are prompt + generated: they are never added to the split
  measures. A cell with only a total cannot be split into input and output and is rejected with a reason.
- The metrics carry no cache split: ``AzureOpenAIContextTokensCacheMatchRate`` is a rate and the
  Foundry cache metrics' relation to ``InputTokens`` is not documented, so cache reads and writes are
  unknown, as is the reasoning part of the output.
- ``latency_ms`` is the ``average`` of ``AzureOpenAITTLTInMS`` (time to last byte, else
  ``TimeToLastByte``); ``ttft_ms`` the ``average`` of ``AzureOpenAITimeToResponse`` (time to the first
  response, else ``TimeToResponse``), each the mean over the grain's requests.
- ``provider`` is ``azure``; ``model`` is the ``ModelName`` dimension where the query split by it, else
  the ``ModelDeploymentName`` (user-chosen, mapped by the user when it does not resolve); ``host`` is
  the account (from the metric's resource id); ``project`` its resource group. The metrics carry no
  cost and no key or user attribution.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pandas as pd

from collectors.format import Format, Peek
from collectors.jsonfile import load_json
from collectors.normalise import first_reason, parse_counts, parse_numbers, parse_timestamps
from collectors.records import Batch, make_records
from collectors.source import IngestError, Source

__all__ = ["FORMAT", "IDLE", "MEASURE_METRICS", "UNSPLIT"]

# Canonical measure → the metrics that report it, in order of preference (lower-cased REST names).
MEASURE_METRICS: dict[str, tuple[str, ...]] = {
    "input": ("processedprompttokens", "inputtokens"),
    "output": ("generatedtokens", "outputtokens"),
    "requests": ("azureopenairequests", "modelrequests"),
    "total": ("tokentransaction", "totaltokens"),
}
_AVERAGED: dict[str, tuple[str, ...]] = {
    "latency": ("azureopenaittltinms", "timetolastbyte"),
    "ttft": ("azureopenaitimetoresponse", "timetoresponse"),
}
_KNOWN = {name for names in (*MEASURE_METRICS.values(), *_AVERAGED.values()) for name in names}
UNSPLIT = "unknown (metrics not split by deployment)"
IDLE = "idle time grain"
_MARKER = "/providers/microsoft.insights/metrics"


def _sniff(peek: Peek) -> bool:
    return (
        peek.is_json_document
        and '"timeseries"' in peek.text
        and ("Microsoft.Insights/metrics" in peek.text or "Microsoft.CognitiveServices" in peek.text)
    )


def _responses(document: object, source: Source) -> list[dict[str, Any]]:
    if isinstance(document, dict) and isinstance(document.get("values"), list):
        document = document["values"]
    responses = document if isinstance(document, list) else [document]
    if not all(isinstance(r, dict) and isinstance(r.get("value"), list) for r in responses):
        raise IngestError(f"{source.name}: not an Azure Monitor metrics response (expected a 'value' list)")
    return responses  # type: ignore[return-value]


def _resource(metric: dict[str, Any], response: dict[str, Any]) -> str:
    """The resource id a metric belongs to (its own id up to the metrics provider, or the batch's)."""
    metric_id = str(metric.get("id") or "")
    cut = metric_id.lower().find(_MARKER)
    return metric_id[:cut] if cut >= 0 else str(response.get("resourceid") or "")


def _objects(items: object) -> list[dict[str, Any]]:
    """The JSON objects in a list (anything else in it is not a metric, series or point)."""
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _segment(resource_id: str, after: str) -> str | None:
    parts = resource_id.strip("/").split("/")
    lowered = [p.lower() for p in parts]
    return parts[lowered.index(after) + 1] if after in lowered and lowered.index(after) + 1 < len(parts) else None


def _cells(responses: list[dict[str, Any]]) -> dict[tuple[str, str, str, str], dict[str, float]]:
    """Per (resource, deployment, model name, time): each known metric's value, summed over other splits."""
    cells: dict[tuple[str, str, str, str], dict[str, float]] = {}
    for response in responses:
        for metric in _objects(response["value"]):
            name = str((metric.get("name") or {}).get("value") or "").lower()
            if name not in _KNOWN:
                continue
            field = "average" if any(name in names for names in _AVERAGED.values()) else "total"
            resource = _resource(metric, response)
            for series in _objects(metric.get("timeseries")):
                dims = {
                    str((d.get("name") or {}).get("value") or "").lower(): str(d.get("value") or "")
                    for d in _objects(series.get("metadatavalues"))
                }
                for point in _objects(series.get("data")):
                    key = (
                        resource,
                        dims.get("modeldeploymentname", ""),
                        dims.get("modelname", ""),
                        str(point.get("timeStamp") or ""),
                    )
                    cell = cells.setdefault(key, {})
                    value = point.get(field)
                    if isinstance(value, (int, float)) and math.isfinite(value):
                        # Averages of several splits are not additive; the first one stands.
                        cell[name] = cell.get(name, 0.0) + value if field == "total" else cell.get(name, value)
    return cells


def _pick(cell: dict[str, float], names: tuple[str, ...]) -> float | None:
    return next((cell[name] for name in names if name in cell), None)


def _read(source: Source) -> Iterator[Batch]:
    responses = _responses(load_json(source), source)
    cells = _cells(responses)
    named = {str((m.get("name") or {}).get("value") or "").lower() for r in responses for m in _objects(r["value"])}
    if not named & _KNOWN:
        raise IngestError(
            f"{source.name}: no token metrics in this response; query ProcessedPromptTokens, GeneratedTokens "
            "and AzureOpenAIRequests (aggregation Total)"
        )
    rows, raws, locations = [], [], []
    idle = 0
    for (resource, deployment, model_name, moment), cell in cells.items():
        if not cell:
            idle += 1
            continue
        account = _segment(resource, "accounts") or resource.rsplit("/", 1)[-1] or None
        row = {"time": moment, **{m: _pick(cell, names) for m, names in (*MEASURE_METRICS.items(), *_AVERAGED.items())}}
        row |= {
            "model": model_name or deployment or UNSPLIT,
            "host": account,
            "project": _segment(resource, "resourcegroups"),
        }
        rows.append(row)
        raws.append(
            json.dumps(
                {
                    "resource": resource,
                    "deployment": deployment,
                    "modelName": model_name,
                    "timeStamp": moment,
                    "metrics": cell,
                }
            )
        )
        locations.append(f"{account or 'resource'}, {deployment or 'all deployments'}, {moment}")
    columns = ["time", *MEASURE_METRICS, *_AVERAGED, "model", "host", "project"]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    time = parse_timestamps(frame["time"], "timeStamp")
    # A metric not in the response is unknown for the cell, not 0.
    input_tokens = parse_counts(frame["input"], "input tokens", default=None)
    output_tokens = parse_counts(frame["output"], "output tokens", default=None)
    requests = parse_counts(frame["requests"], "requests", default=None)
    latency = parse_numbers(frame["latency"], "time to last byte")
    ttft = parse_numbers(frame["ttft"], "time to response")
    total_only = frame["input"].isna() & frame["output"].isna() & frame["total"].notna()
    unsplit = pd.Series(None, index=frame.index, dtype=object).mask(
        total_only,
        "only total tokens (TokenTransaction/TotalTokens), which cannot be split into input and output; "
        "query ProcessedPromptTokens and GeneratedTokens",
    )
    records = make_records(
        frame.index,
        timestamp=time.values,
        provider="azure",
        host=frame["host"],
        model=frame["model"],
        project=frame["project"],
        requests=requests.values,
        input_tokens=input_tokens.values,
        output_tokens=output_tokens.values,
        latency_ms=latency.values,
        ttft_ms=ttft.values,
        reason=first_reason(
            unsplit,
            time.reasons,
            input_tokens.reasons,
            output_tokens.reasons,
            requests.reasons,
            latency.reasons,
            ttft.reasons,
        ),
    )
    yield Batch(
        records,
        pd.DataFrame({"raw": raws}, index=frame.index),
        len(cells),
        locations=pd.Series(locations, index=frame.index, dtype=object),
        skipped={IDLE: idle} if idle else {},
    )


FORMAT = Format("azure_monitor_metrics", "Azure Monitor metrics of Azure OpenAI / Foundry (REST JSON)", _sniff, _read)
