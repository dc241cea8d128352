"""OpenAI's older usage exports as CSV: the 2023-era "Activity" export of platform.openai.com's usage page,
and the legacy ``/v1/usage`` records that older tools saved as CSV (FORMATS.md §1.6–1.7).

Both carry the legacy API's fields. The Activity export seen in the wild is
``organization_id,n_requests,operation,n_context_tokens_total,n_generated_tokens_total,usage_type,model,
timestamp,user`` (Unix seconds); tools that saved ``/v1/usage`` wrote ``aggregation_timestamp``,
``snapshot_id`` and the rest of its record (``n_cached_context_tokens_total``, ``email``, ``api_key_id``,
``project_id`` …). OpenAI never documented the export's columns (FORMATS.md §11), so columns are matched by
these names, any order, either spelling.

Token semantics are the legacy API's, which are OpenAI's: ``n_context_tokens_total`` is every prompt token,
cached ones included → input tokens; ``n_cached_context_tokens_total`` is the cached part of them → cache
reads; ``n_generated_tokens_total`` is every generated token → output tokens; ``n_requests`` → requests.
``n_context`` and ``n_generated`` count prompts and completions (a request with ``n=3`` generates three),
not tokens, and are not read. The time is the row's aggregation bucket (``aggregation_timestamp`` or
``timestamp``, Unix seconds or ISO 8601); the model is ``snapshot_id`` (else ``model``); the user is
``user`` (else ``email``, else ``user_id``); the API key is ``api_key_id`` (else ``api_key_name``); the
project is ``project_id``. ``operation`` (``completion``, ``completion-realtime``, ``embeddings`` …) names the
endpoint; every one of them is token usage. A ``usage_type`` of images, audio or speech (the legacy API's
DALL·E, Whisper and TTS records) is usage without tokens, which the ledger has no measure for: such a row is
skipped as ``not token usage (usage_type <type>)``.

Not in this source: cache writes, the reasoning part of the output and the 1-hour part of cache writes are
unknown, and so are cache reads in a file without ``n_cached_context_tokens_total`` (the Activity export);
where the column is there, a blank cell is none.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from collectors.csvfile import csv_batches
from collectors.format import Format, Peek
from collectors.normalise import first_present, first_reason, parse_counts, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import Source

__all__ = ["FORMAT", "NOT_TOKEN_USAGE"]

_TIME = ("aggregation_timestamp", "timestamp")
_MODEL = ("snapshot_id", "model")
_COUNTS = ("n_requests", "n_context_tokens_total", "n_generated_tokens_total")
# The legacy API's records that are not tokens: DALL·E images, Whisper audio, TTS speech.
NOT_TOKEN_USAGE = frozenset({"dalle", "image", "images", "whisper", "audio", "tts", "speech"})


def _sniff(peek: Peek) -> bool:
    header = set(peek.csv_header)
    return peek.has_columns(*_COUNTS) and bool(header & set(_TIME)) and bool(header & set(_MODEL))


def _column(frame: pd.DataFrame, *names: str) -> pd.Series:
    """The first of ``names`` the file has, as text (missing when it has none)."""
    present = [text(frame[name]) for name in names if name in frame.columns]
    return first_present(*present) if present else pd.Series(None, index=frame.index, dtype=object)


def _times(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    name = next(name for name in _TIME if name in frame.columns)
    cells = text(frame[name])
    # The export writes Unix seconds; rows a spreadsheet or a script touched may hold ISO text instead.
    epoch = pd.to_numeric(cells, errors="coerce").notna()
    seconds = parse_timestamps(cells.where(epoch, None), name, unit="s", optional=True)
    iso = parse_timestamps(cells.where(~epoch, None), name, optional=True)
    missing = pd.Series(None, index=frame.index, dtype=object).mask(cells.isna(), f"{name} is missing")
    return seconds.values.where(epoch, iso.values), first_reason(missing, seconds.reasons, iso.reasons)


def to_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical records from a frame of the export's text cells."""
    timestamps, time_reasons = _times(frame)
    counts = {
        "requests": parse_counts(frame["n_requests"], "n_requests", default=None),
        "input_tokens": parse_counts(frame["n_context_tokens_total"], "n_context_tokens_total", required=True),
        "cache_read_tokens": parse_counts(
            _column(frame, "n_cached_context_tokens_total"),
            "n_cached_context_tokens_total",
            default=0 if "n_cached_context_tokens_total" in frame.columns else None,
        ),
        "output_tokens": parse_counts(frame["n_generated_tokens_total"], "n_generated_tokens_total", required=True),
    }
    cached, prompt = counts["cache_read_tokens"].values, counts["input_tokens"].values
    too_many_cached = pd.Series(None, index=frame.index, dtype=object).mask(
        (cached > prompt).fillna(False).astype(bool),
        "n_cached_context_tokens_total is more than n_context_tokens_total, which includes it",
    )
    usage_type = _column(frame, "usage_type").str.lower()
    not_tokens = pd.Series(None, index=frame.index, dtype=object).mask(
        usage_type.isin(NOT_TOKEN_USAGE).fillna(False).astype(bool),
        "not token usage (usage_type " + usage_type.fillna("") + ")",
    )
    model = _column(frame, *_MODEL)
    no_model = pd.Series(None, index=frame.index, dtype=object).mask(model.isna(), "snapshot_id/model is missing")
    return make_records(
        frame.index,
        timestamp=timestamps,
        provider="openai",
        model=model,
        project=_column(frame, "project_id"),
        api_key=_column(frame, "api_key_id", "api_key_name"),
        user=_column(frame, "user", "email", "user_id"),
        **{name: parsed.values for name, parsed in counts.items()},
        skipped=not_tokens,
        reason=first_reason(time_reasons, no_model, *(p.reasons for p in counts.values()), too_many_cached),
    )


def _read(source: Source) -> Iterator[Batch]:
    yield from csv_batches(source, to_records, required=(_TIME, _MODEL, *((name,) for name in _COUNTS)))


FORMAT = Format("openai_activity_csv", "OpenAI usage Activity export (older CSV)", _sniff, _read)
