"""OpenAI Admin API usage pages: ``/v1/organization/usage/completions`` and ``…/embeddings``.

A file holds one page (``{"object": "page", "data": [buckets…]}``) or a JSON list of pages. Each
bucket's results become records at the bucket's start time. OpenAI counts cached tokens and cache
writes *inside* ``input_tokens`` (FORMATS.md §1.3), which is the canonical meaning, so they map as is.

Not in this source: the reasoning part of the output and the 1-hour part of the cache writes (OpenAI reports
neither), and cache writes in results older than ``input_cache_write_tokens`` (July 2026) — all unknown,
not 0. Embeddings and moderations have no output and no cache at all: those are 0. Results of the other
endpoints (images, audio, vector stores, tool calls …) are usage with no tokens, which the ledger has no
measure for: they are skipped as ``not token usage (<endpoint>)``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd

from collectors.format import Format, Peek
from collectors.jsonfile import load_json
from collectors.normalise import first_reason, parse_bools, parse_counts, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import IngestError, Source

__all__ = ["FORMAT", "usage_records"]

_COMPLETIONS = "organization.usage.completions.result"
_EMBEDDINGS = "organization.usage.embeddings.result"
_MODERATIONS = "organization.usage.moderations.result"
_TOKEN_RESULTS = (_COMPLETIONS, _EMBEDDINGS, _MODERATIONS)
# Results with input only: no output and no prompt cache, so those measures are 0, not unknown.
_INPUT_ONLY = (_EMBEDDINGS, _MODERATIONS)
# Used when a pull was not grouped by model: the tokens still count, but cannot be priced.
UNKNOWN_MODEL = "unknown (not grouped by model)"


_EMPTY_PAGE = re.compile(r'"object"\s*:\s*"page".*"object"\s*:\s*"bucket"', re.DOTALL)


def _sniff(peek: Peek) -> bool:
    if not peek.is_json_document:
        return False
    if '"organization.usage.' in peek.text:
        return True
    # A page whose buckets are all empty names no result type; it holds no usage either way.
    return "organization.costs.result" not in peek.text and _EMPTY_PAGE.search(peek.text) is not None


def _column(frame: pd.DataFrame, name: str, default: object = None) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(default, index=frame.index, dtype=object)


def usage_records(
    frame: pd.DataFrame, timestamps: pd.Series, time_reasons: pd.Series, skipped: pd.Series | None = None
) -> pd.DataFrame:
    """Records from rows named with the usage API's result fields (the dashboard CSV uses them too); rows
    ``skipped`` names a kind for are skipped as that.

    A field the rows do not have, or a blank one, is unknown: every field but ``input_tokens`` came and went
    over the API's life (FORMATS.md §1.3)."""
    input_tokens = parse_counts(_column(frame, "input_tokens"), "input_tokens", required=True)
    # Before July 2026 the spec counted audio input apart from input_tokens; only responses of that era
    # lack input_uncached_tokens, and only for them is audio added to make input_tokens all input.
    if "input_uncached_tokens" not in frame.columns and "input_audio_tokens" in frame.columns:
        audio = parse_counts(frame["input_audio_tokens"], "input_audio_tokens")
        input_tokens = input_tokens._replace(
            values=input_tokens.values + audio.values.fillna(0),
            reasons=first_reason(input_tokens.reasons, audio.reasons),
        )
    counts = {
        "input_tokens": input_tokens,
        "output_tokens": parse_counts(_column(frame, "output_tokens"), "output_tokens", default=None),
        "cache_read_tokens": parse_counts(_column(frame, "input_cached_tokens"), "input_cached_tokens", default=None),
        "cache_write_tokens": parse_counts(
            _column(frame, "input_cache_write_tokens"), "input_cache_write_tokens", default=None
        ),
        "requests": parse_counts(_column(frame, "num_model_requests"), "num_model_requests", default=None),
    }
    values = {name: parsed.values for name, parsed in counts.items()}
    input_only = _column(frame, "object").isin(_INPUT_ONLY).to_numpy(dtype=bool)
    if input_only.any():
        for name in ("output_tokens", "cache_read_tokens", "cache_write_tokens"):
            # Their reasoning and 1-hour writes follow as parts of a 0 (make_records).
            values[name] = values[name].mask(input_only & values[name].isna().to_numpy(), 0)
    batch = parse_bools(_column(frame, "batch"), "batch")
    model = _column(frame, "model").astype(object)
    model = model.where(model.notna() & (model.astype(str).str.strip() != ""), UNKNOWN_MODEL)
    return make_records(
        frame.index,
        timestamp=timestamps,
        provider="openai",
        model=model,
        project=_column(frame, "project_id"),
        api_key=_column(frame, "api_key_id"),
        user=_column(frame, "user_id"),
        service_tier=_column(frame, "service_tier"),
        batch=batch.values,
        **values,
        skipped=skipped,
        reason=first_reason(time_reasons, *(p.reasons for p in counts.values()), batch.reasons),
    )


def _pages(document: object, source: Source) -> list[dict[str, object]]:
    pages = document if isinstance(document, list) else [document]
    if not all(isinstance(page, dict) and isinstance(page.get("data"), list) for page in pages):
        raise IngestError(f"{source.name}: not an OpenAI usage page (expected an object with a 'data' list)")
    return pages  # type: ignore[return-value]


def _read(source: Source) -> Iterator[Batch]:
    rows: list[dict[str, object]] = []
    raws: list[str] = []
    locations: list[str] = []
    for p, page in enumerate(_pages(load_json(source), source), start=1):
        for b, bucket in enumerate(page["data"], start=1):  # type: ignore[arg-type]
            for r, result in enumerate(bucket.get("results") or [], start=1):
                rows.append({**result, "start_time": bucket.get("start_time")})
                raws.append(json.dumps(result))
                locations.append(f"page {p}, bucket {b}, result {r}")
    frame = pd.DataFrame.from_records(rows) if rows else pd.DataFrame({"start_time": []})
    time = parse_timestamps(_column(frame, "start_time"), "bucket start_time", unit="s")
    kind = text(_column(frame, "object"))
    unsupported = kind.notna() & ~kind.isin(_TOKEN_RESULTS)
    # "organization.usage.images.result" → "images": the endpoint, as the user knows it.
    endpoint = kind.str.removeprefix("organization.usage.").str.removesuffix(".result")
    skipped = pd.Series(None, index=frame.index, dtype=object).mask(
        unsupported, "not token usage (" + endpoint.astype(str) + ")"
    )
    records = usage_records(frame, time.values, time.reasons, skipped)
    yield Batch(
        records,
        pd.DataFrame({"raw": raws}, index=frame.index),
        len(frame),
        locations=pd.Series(locations, index=frame.index, dtype=object),
    )


FORMAT = Format("openai_usage_api", "OpenAI Usage API pages (completions, embeddings)", _sniff, _read)
