"""What the per-request logs of gateways and observability tools share: JSON in cells, tags, hosts, timings.

LiteLLM, Helicone and Langfuse each log one row per model call, with free-form metadata (JSON objects
inside CSV cells), timings as start/end times, and an upstream URL. Their format modules
(:mod:`~collectors.formats.litellm`, :mod:`~collectors.formats.helicone`,
:mod:`~collectors.formats.langfuse`) read their own fields and use these helpers for the common parts.

The ``feature`` rule (ARCHITECTURE.md §3): the value of a metadata/property key named ``feature``
(or ``feature_tag``, ``use_case``, ``workload``) when the row has one; otherwise the row's tags joined
with "," in source order; otherwise missing. JSON in cells is read with :mod:`collectors.json_cells`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from urllib.parse import urlsplit

import pandas as pd

from collectors.jsonfile import load_json
from collectors.normalise import Parsed, first_reason, map_distinct, parse_timestamps
from collectors.records import Batch
from collectors.source import IngestError, Source
from pricing.identity import author_of, family_of, provider_id

__all__ = [
    "UNKNOWN_PROVIDER",
    "column",
    "document_batch",
    "document_rows",
    "hosts",
    "milliseconds_between",
    "optional_timestamps",
    "providers_from_models",
    "reason_where",
    "rows_frame",
]

# When neither the source nor the model name tells which API served a call.
UNKNOWN_PROVIDER = "unknown"
# First-party APIs tried, in this order, when only a model name is known: a Claude model also resolves
# at Google (Vertex) and AWS, so its maker must come before the clouds that resell it.
_MAKERS: tuple[str, ...] = ("openai", "anthropic", "google", "mistral", "x-ai", "deepseek", "cohere")


def column(frame: pd.DataFrame, *names: str) -> pd.Series:
    """The first of ``names`` that is a column of ``frame`` (all missing when none is)."""
    for name in names:
        if name in frame.columns:
            return frame[name]
    return pd.Series(None, index=frame.index, dtype=object)


def _host(url: object) -> str | None:
    if not isinstance(url, str) or not url.strip():
        return None
    text = url.strip()
    # A bare host ("api.openai.com") has no scheme; urlsplit reads a host only after "//".
    try:
        parts = urlsplit(text if "//" in text else f"//{text}")
        return parts.hostname or None
    except ValueError:  # no URL ("http://[", a port that is not a number): no host to tell
        return None


def hosts(urls: pd.Series) -> pd.Series:
    """The host name of each URL (``https://x.openai.azure.com/v1`` → ``x.openai.azure.com``).

    >>> hosts(pd.Series(["https://api.anthropic.com/v1/messages", None])).tolist()
    ['api.anthropic.com', None]
    """
    return map_distinct(urls, _host)


def milliseconds_between(start: pd.Series, end: pd.Series) -> pd.Series:
    """``end - start`` in milliseconds as floats (missing where either time is)."""
    return ((end - start).dt.total_seconds() * 1000.0).astype("float64")


def optional_timestamps(raw: pd.Series, name: str) -> Parsed:
    """Timestamps that may be absent: blank is missing without a reason; text that is not a time is one."""
    return parse_timestamps(raw, name, optional=True)


def _provider_of_model(model: object) -> str | None:
    if not isinstance(model, str) or not model.strip():
        return None
    name = model.strip()
    # Routers prefix the upstream API: "openai/gpt-4o", "azure/my-deployment", "anthropic/claude-…".
    if "/" in name:
        return provider_id(name.split("/", 1)[0])
    # A bare name: the maker's own API, when the name says who made it and the maker sells access itself.
    author = author_of(family_of(name))
    return author if author in _MAKERS else None


def providers_from_models(models: pd.Series) -> pd.Series:
    """The API a model name implies (its router prefix, else the first maker whose catalogue knows it);
    missing when nothing does.

    >>> providers_from_models(pd.Series(["gemini-2.5-flash", "openai/gpt-4o", "my-finetune"])).tolist()
    ['google', 'openai', None]
    """
    return map_distinct(models, _provider_of_model)


def reason_where(mask: pd.Series, message: str | pd.Series) -> pd.Series:
    """A reasons series: ``message`` where ``mask`` holds, null elsewhere."""
    reasons = pd.Series(None, index=mask.index, dtype=object)
    return reasons.mask(mask.fillna(False).astype(bool), message)


def document_rows(document: object, source: Source, what: str) -> tuple[list[object], list[str]]:
    """The row objects of an API document and where each was: a JSON list of rows, an object with a
    ``data`` list (one API page), or a JSON list of such pages. Rows are returned as found, objects or
    not (see :func:`rows_frame`)."""
    if isinstance(document, dict):
        pages, paged = [document], False
    elif isinstance(document, list) and document and all(isinstance(p, dict) and "data" in p for p in document):
        pages, paged = document, True
    elif isinstance(document, list):
        pages, paged = [{"data": document}], False
    else:
        raise IngestError(f"{source.name}: not {what} (expected a list of rows or an object with a 'data' list)")
    rows: list[object] = []
    locations: list[str] = []
    for p, page in enumerate(pages, start=1):
        data = page.get("data")
        if not isinstance(data, list):
            raise IngestError(f"{source.name}: not {what} (expected an object with a 'data' list)")
        prefix = f"page {p}, " if paged else ""
        for i, row in enumerate(data):
            rows.append(row)
            locations.append(f"{prefix}data[{i}]" if isinstance(document, dict) or paged else f"{prefix}[{i}]")
    return rows, locations


def document_batch(source: Source, what: str, to_records: Callable[[pd.DataFrame], pd.DataFrame]) -> Iterator[Batch]:
    """A JSON document of rows (see :func:`document_rows`) as one batch of records made by ``to_records``;
    a row that is not an object is rejected, shown as its JSON text."""
    rows, locations = document_rows(load_json(source), source, what)
    frame, not_objects = rows_frame(rows)
    records = to_records(frame)
    records["reason"] = first_reason(not_objects, records["reason"])
    yield Batch(
        records,
        pd.DataFrame({"raw": [json.dumps(row, default=str) for row in rows]}, index=frame.index),
        len(frame),
        locations=pd.Series(locations, index=frame.index, dtype=object),
    )


def rows_frame(rows: Sequence[object]) -> tuple[pd.DataFrame, pd.Series]:
    """Row objects as a frame of Python objects (cells stay as the JSON gave them), with lower-cased
    column names, so a JSON row and a CSV row (whose header the CSV reader lower-cases) read alike;
    and a reasons series for rows that are not JSON objects (they stand as empty rows)."""
    lowered = [{str(key).lower(): value for key, value in row.items()} if isinstance(row, dict) else {} for row in rows]
    names = list(dict.fromkeys(key for row in lowered for key in row))
    index = pd.RangeIndex(len(rows))
    # Object Series keep lists (tags) as single cells, where an array would make them a second axis.
    frame = pd.DataFrame(
        {name: pd.Series([row.get(name) for row in lowered], index=index, dtype=object) for name in names},
        index=index,
    )
    not_objects = pd.Series([not isinstance(row, dict) for row in rows], index=index, dtype=bool)
    return frame, reason_where(not_objects, "not a JSON object")
