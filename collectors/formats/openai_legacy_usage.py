"""OpenAI's legacy, undocumented ``GET /v1/usage?date=…`` JSON, still saved by older tools (FORMATS.md §1.7).

``n_context_tokens_total`` is all prompt tokens and ``n_cached_context_tokens_total`` the cached part of
them (unknown in older responses that lack it). The response has no cache writes, no reasoning split and no
1-hour cache split: those are unknown. Image, audio and speech arrays in the same response are usage without
tokens, which the ledger has no measure for: each entry is skipped as ``not token usage (<array>)``, so
nothing disappears silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pandas as pd

from collectors.format import Format, Peek
from collectors.jsonfile import load_json
from collectors.normalise import first_reason, parse_counts, parse_timestamps
from collectors.records import Batch, make_records
from collectors.source import IngestError, Source

__all__ = ["FORMAT"]


def _sniff(peek: Peek) -> bool:
    return peek.is_json_document and '"n_context_tokens_total"' in peek.text


def _read(source: Source) -> Iterator[Batch]:
    document = load_json(source)
    if not isinstance(document, dict) or not isinstance(document.get("data"), list):
        raise IngestError(f"{source.name}: not an OpenAI /v1/usage response (no 'data' list)")
    rows: list[dict[str, object]] = []
    raws: list[str] = []
    locations: list[str] = []
    for key, entries in document.items():
        if not isinstance(entries, list):
            continue
        for i, entry in enumerate(entries):
            rows.append({**entry, "_array": key} if isinstance(entry, dict) else {"_array": key})
            raws.append(json.dumps(entry))
            locations.append(f"{key}[{i}]")
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame({"_array": []})

    def column(name: str) -> pd.Series:
        return frame[name] if name in frame.columns else pd.Series(None, index=frame.index, dtype=object)

    time = parse_timestamps(column("aggregation_timestamp"), "aggregation_timestamp", unit="s")
    counts = {
        "requests": parse_counts(column("n_requests"), "n_requests", default=None),
        "input_tokens": parse_counts(column("n_context_tokens_total"), "n_context_tokens_total"),
        "cache_read_tokens": parse_counts(
            column("n_cached_context_tokens_total"), "n_cached_context_tokens_total", default=None
        ),
        "output_tokens": parse_counts(column("n_generated_tokens_total"), "n_generated_tokens_total"),
    }
    not_tokens = pd.Series(None, index=frame.index, dtype=object).mask(
        frame["_array"] != "data", "not token usage (" + frame["_array"].astype(str) + ")"
    )
    records = make_records(
        frame.index,
        timestamp=time.values,
        provider="openai",
        model=column("snapshot_id"),
        project=column("project_id"),
        api_key=column("api_key_id"),
        user=column("email"),
        **{name: parsed.values for name, parsed in counts.items()},
        skipped=not_tokens,
        reason=first_reason(time.reasons, *(p.reasons for p in counts.values())),
    )
    yield Batch(
        records,
        pd.DataFrame({"raw": raws}, index=frame.index),
        len(frame),
        locations=pd.Series(locations, index=frame.index, dtype=object),
    )


FORMAT = Format("openai_legacy_usage", "OpenAI legacy /v1/usage JSON", _sniff, _read)
