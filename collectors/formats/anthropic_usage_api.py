"""Anthropic Admin API usage report pages: ``GET /v1/organizations/usage_report/messages`` (FORMATS.md §2.1).

A file holds one page (``{"data": [buckets…], "has_more", "next_page"}``) or a JSON list of pages, as
the Anthropic admin collector pulls them. Each bucket's results become records at the bucket's
``starting_at`` (an RFC 3339 string).

Anthropic's ``uncached_input_tokens`` *excludes* cache reads and cache writes (§0 pitfall 1), so the
canonical ``input_tokens`` is their sum::

    input = uncached_input_tokens + cache_read_input_tokens
            + cache_creation.ephemeral_5m_input_tokens + cache_creation.ephemeral_1h_input_tokens

``cache_write_tokens`` is the 5-minute plus the 1-hour writes, ``cache_write_1h_tokens`` the 1-hour part.
The report has no request count (``requests`` stays missing) and no cost. ``server_tool_use.web_search_requests``
counts web searches, not tokens, and the ledger has no measure for tool calls, so it is not imported;
their cost appears in the cost report (§2.2).

Dimensions (each null unless the pull grouped by it): ``workspace_id`` → project (null also means the
default workspace), ``api_key_id`` → api key, ``account_id`` (else ``service_account_id``) → user,
``service_tier`` as is (the ``batch`` tier also sets ``batch``), ``context_window`` → the prompt-size band
it states (``0-200k`` → 0, ``200k-1M`` → 200000), ``inference_geo`` (``global``, ``us``) → host. A model of
null (not grouped by model) is kept under :data:`UNKNOWN_MODEL`: the tokens count but cannot be priced.
The report carries no tags, so ``feature`` stays missing. ``speed`` has no canonical column and is not kept.

The Console CSV and cost formats share the dimension helpers defined here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import numpy as np
import pandas as pd

from collectors.format import Format, Peek
from collectors.jsonfile import load_json
from collectors.normalise import first_reason, parse_counts, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import IngestError, Source
from db.measures import PROMPT_BANDS

__all__ = [
    "FORMAT",
    "UNKNOWN_MODEL",
    "api_results",
    "context_window_bands",
    "inference_geo_hosts",
    "service_tiers",
]

PROVIDER = "anthropic"
UNKNOWN_MODEL = "unknown (not grouped by model)"

# The key, not the value: the cost report names ``uncached_input_tokens`` as a token_type value.
_USAGE_KEY = re.compile(r'"uncached_input_tokens"\s*:')
# Anthropic's documented service tiers (§2.1); Console exports put them in ``usage_type``.
_TIERS = frozenset({"standard", "batch", "flex", "flex_discount", "priority", "priority_on_demand"})
# inference_geo values that say where a request ran; ``not_available`` says nothing about it.
_NO_GEO = frozenset({"not_available", "n/a", "none", "null"})
_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([km]?)$")


def _tokens(size: str) -> float | None:
    match = _SIZE.match(size)
    if match is None:
        return None
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)]
    return float(match.group(1)) * scale


def _lower_bound(window: str) -> float | None:
    """The smallest prompt a context-window bucket holds, in tokens (None when unrecognised)."""
    value = window.strip().lower().replace(" ", "").replace("tokens", "")
    if value.startswith(("≤", "<")):
        return 0.0
    if value.startswith(("≥", ">")):
        return _tokens(value.lstrip("≥>="))
    if value.endswith("+"):
        return _tokens(value[:-1])
    if "-" in value:
        return _tokens(value.split("-", 1)[0])
    return None


def context_window_bands(windows: pd.Series) -> pd.Series:
    """The prompt-size band a context-window bucket states: its lower bound, as a ledger band.

    Unrecognised or blank buckets stay missing (the tokens still import, unbanded).

    >>> context_window_bands(pd.Series(["0-200k", "200k-1M", "≤ 200k", "> 200k", None])).tolist()
    [0, 200000, 0, 200000, <NA>]
    """
    values = text(windows)
    bounds = np.asarray(PROMPT_BANDS, dtype="float64")
    bands: dict[str, int] = {}
    for window in values.dropna().unique():
        low = _lower_bound(str(window))
        if low is not None:
            # The widest ledger band that starts at or below the bucket's lower bound.
            bands[window] = int(bounds[max(int(np.searchsorted(bounds, low, side="right")) - 1, 0)])
    return values.map(bands).astype("Int64")


def service_tiers(tiers: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``(service_tier, batch)`` from a tier column: known tiers kept (lower-cased), ``batch`` → batch.

    Values that are not a tier (the Console cost CSV's ``usage_type`` is ``message``) say nothing about
    the tier, so both stay missing there.

    >>> tier, batch = service_tiers(pd.Series(["standard", "batch", "message", None]))
    >>> tier.tolist(), batch.tolist()
    (['standard', 'batch', None, None], [False, True, <NA>, <NA>])
    """
    values = text(tiers).str.lower()
    known = values.isin(_TIERS)
    tier = values.where(known, None).astype(object)
    batch = pd.Series(pd.NA, index=tiers.index, dtype="boolean")
    batch[known.to_numpy()] = (values[known] == "batch").to_numpy()
    return tier, batch


def inference_geo_hosts(geos: pd.Series) -> pd.Series:
    """The host an ``inference_geo`` names (``us``, ``global``); ``not_available`` and blank are missing."""
    values = text(geos)
    return values.where(~values.str.lower().isin(_NO_GEO), None).astype(object)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(None, index=frame.index, dtype=object)


def api_results(document: object, source: Source, what: str) -> Iterator[tuple[str, object, object]]:
    """Every result of an Admin API document (one page object, or a JSON list of pages), as
    ``(location, bucket starting_at, result)``. Empty buckets have none; a document of another shape
    fails the import.
    """
    pages = document if isinstance(document, list) else [document]
    if not pages or not all(isinstance(page, dict) and isinstance(page.get("data"), list) for page in pages):
        raise IngestError(f"{source.name}: not an Anthropic {what} page (expected an object with a 'data' list)")
    for p, page in enumerate(pages, start=1):
        for b, bucket in enumerate(page["data"], start=1):
            results = bucket.get("results") if isinstance(bucket, dict) else None
            if not isinstance(bucket, dict) or not isinstance(results, list | None):
                raise IngestError(f"{source.name}: page {p}, bucket {b} is not a bucket with a 'results' list")
            for r, result in enumerate(results or [], start=1):
                yield f"page {p}, bucket {b}, result {r}", bucket.get("starting_at"), result


def _flatten(result: object, starting_at: object) -> dict[str, object]:
    """One result's fields, with the nested cache writes lifted out; what cannot be read is a ``problem``."""
    if not isinstance(result, dict):
        return {"starting_at": starting_at, "problem": "result is not an object"}
    row = {k: v for k, v in result.items() if k not in ("cache_creation", "server_tool_use", "problem")}
    row["starting_at"] = starting_at
    creation = result.get("cache_creation")
    if isinstance(creation, dict):
        row["cache_write_5m"] = creation.get("ephemeral_5m_input_tokens")
        row["cache_write_1h"] = creation.get("ephemeral_1h_input_tokens")
    elif creation is not None:
        row["problem"] = "cache_creation is not an object: " + json.dumps(creation)[:40]
    return row


def _records(frame: pd.DataFrame) -> pd.DataFrame:
    time = parse_timestamps(_column(frame, "starting_at"), "bucket starting_at")
    uncached = parse_counts(_column(frame, "uncached_input_tokens"), "uncached_input_tokens", required=True)
    reads = parse_counts(_column(frame, "cache_read_input_tokens"), "cache_read_input_tokens")
    writes_5m = parse_counts(_column(frame, "cache_write_5m"), "cache_creation.ephemeral_5m_input_tokens")
    writes_1h = parse_counts(_column(frame, "cache_write_1h"), "cache_creation.ephemeral_1h_input_tokens")
    output = parse_counts(_column(frame, "output_tokens"), "output_tokens")
    tier, batch = service_tiers(_column(frame, "service_tier"))
    model = text(_column(frame, "model"))
    user = text(_column(frame, "account_id"))
    user = user.where(user.notna(), text(_column(frame, "service_account_id")))
    return make_records(
        frame.index,
        timestamp=time.values,
        provider=PROVIDER,
        host=inference_geo_hosts(_column(frame, "inference_geo")),
        model=model.where(model.notna(), UNKNOWN_MODEL),
        project=_column(frame, "workspace_id"),
        api_key=_column(frame, "api_key_id"),
        user=user,
        service_tier=tier,
        batch=batch,
        # Cache reads and writes are outside uncached_input_tokens: add them once, here.
        input_tokens=uncached.values + reads.values + writes_5m.values + writes_1h.values,
        cache_read_tokens=reads.values,
        cache_write_tokens=writes_5m.values + writes_1h.values,
        cache_write_1h_tokens=writes_1h.values,
        output_tokens=output.values,
        prompt_band=context_window_bands(_column(frame, "context_window")),
        reason=first_reason(
            time.reasons,
            _column(frame, "problem").astype(object),
            uncached.reasons,
            reads.reasons,
            writes_5m.reasons,
            writes_1h.reasons,
            output.reasons,
        ),
    )


def _sniff(peek: Peek) -> bool:
    return peek.is_json_document and _USAGE_KEY.search(peek.text) is not None


def _read(source: Source) -> Iterator[Batch]:
    rows: list[dict[str, object]] = []
    raws: list[str] = []
    locations: list[str] = []
    for where, starting_at, result in api_results(load_json(source), source, "usage report"):
        rows.append(_flatten(result, starting_at))
        raws.append(json.dumps(result))
        locations.append(where)
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame({"starting_at": []})
    yield Batch(
        _records(frame),
        pd.DataFrame({"raw": raws}, index=frame.index),
        len(frame),
        locations=pd.Series(locations, index=frame.index, dtype=object),
    )


FORMAT = Format("anthropic_usage_api", "Anthropic Admin API usage report pages", _sniff, _read)
