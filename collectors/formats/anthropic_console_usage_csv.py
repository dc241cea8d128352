"""The usage CSV exported from the Claude Console's Usage page (FORMATS.md §2.3, observed headers).

Current header::

    usage_date_utc,model_version,api_key,workspace,usage_type,context_window,
    usage_input_tokens_no_cache,usage_input_tokens_cache_write_5m,usage_input_tokens_cache_write_1h,
    usage_input_tokens_cache_read,usage_output_tokens,web_search_count,inference_geo,speed

Older exports have one ``usage_input_tokens_cache_write`` column (5-minute writes, the only TTL then)
instead of the 5m/1h pair, and lack ``context_window``, ``inference_geo`` and ``speed``; all are read.

As in the usage report (§2.1), ``usage_input_tokens_no_cache`` excludes cache reads and writes, so the
canonical ``input_tokens`` = no_cache + cache writes (5m + 1h) + cache reads; ``cache_write_1h_tokens``
is the 1h column. There is no request count (``requests`` missing) and no cost; ``web_search_count``
counts tool calls, not tokens, and is not imported.

One row per day × model × key × workspace × tier × window: ``usage_date_utc`` (a date, UTC) is the
timestamp, ``model_version`` the API model id, ``api_key`` the key's **name** (not its id) → api key,
``workspace`` the workspace's name → project (``Default`` for the default workspace), ``usage_type``
the service tier (``batch`` also sets ``batch``), ``context_window`` (``≤ 200k`` → band 0, ``> 200k`` →
200000) the prompt-size band, ``inference_geo`` the host (``not_available`` is none). No tags, so no
``feature``; ``speed`` has no canonical column.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from collectors.csvfile import csv_batches
from collectors.format import Format, Peek
from collectors.formats.anthropic_usage_api import context_window_bands, inference_geo_hosts, service_tiers
from collectors.normalise import first_reason, parse_counts, parse_timestamps
from collectors.records import Batch, make_records
from collectors.source import Source

__all__ = ["FORMAT"]

PROVIDER = "anthropic"
_NO_CACHE = "usage_input_tokens_no_cache"
_WRITE_5M = "usage_input_tokens_cache_write_5m"
_WRITE_1H = "usage_input_tokens_cache_write_1h"
# Older exports: one column of cache writes, all of them 5-minute writes.
_WRITE_OLD = "usage_input_tokens_cache_write"
_READ = "usage_input_tokens_cache_read"


def _column(frame: pd.DataFrame, *names: str) -> tuple[pd.Series, str]:
    """The first of ``names`` the frame has (blank when none), and the name it goes by."""
    for name in names:
        if name in frame.columns:
            return frame[name], name
    return pd.Series("", index=frame.index, dtype=object), names[0]


def _counts(frame: pd.DataFrame, *names: str) -> tuple[pd.Series, pd.Series]:
    raw, name = _column(frame, *names)
    return parse_counts(raw, name)


def _records(frame: pd.DataFrame) -> pd.DataFrame:
    time = parse_timestamps(frame["usage_date_utc"], "usage_date_utc")
    no_cache = parse_counts(frame[_NO_CACHE], _NO_CACHE, required=True)
    writes_5m, writes_5m_reasons = _counts(frame, _WRITE_5M, _WRITE_OLD)
    writes_1h, writes_1h_reasons = _counts(frame, _WRITE_1H)
    reads, reads_reasons = _counts(frame, _READ)
    output, output_reasons = _counts(frame, "usage_output_tokens")
    tier, batch = service_tiers(_column(frame, "usage_type")[0])
    return make_records(
        frame.index,
        timestamp=time.values,
        provider=PROVIDER,
        host=inference_geo_hosts(_column(frame, "inference_geo")[0]),
        model=frame["model_version"],
        project=_column(frame, "workspace")[0],
        api_key=_column(frame, "api_key")[0],
        service_tier=tier,
        batch=batch,
        # Cache reads and writes are outside the no-cache column: add them once, here.
        input_tokens=no_cache.values + writes_5m + writes_1h + reads,
        cache_read_tokens=reads,
        cache_write_tokens=writes_5m + writes_1h,
        cache_write_1h_tokens=writes_1h,
        output_tokens=output,
        prompt_band=context_window_bands(_column(frame, "context_window")[0]),
        reason=first_reason(
            time.reasons, no_cache.reasons, writes_5m_reasons, writes_1h_reasons, reads_reasons, output_reasons
        ),
    )


def _sniff(peek: Peek) -> bool:
    return peek.has_columns("usage_date_utc", "model_version", _NO_CACHE)


def _read(source: Source) -> Iterator[Batch]:
    yield from csv_batches(source, _records, required=(("usage_date_utc",), ("model_version",), (_NO_CACHE,)))


FORMAT = Format("anthropic_console_usage_csv", "Claude Console usage export (CSV)", _sniff, _read)
