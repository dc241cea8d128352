"""The usage CSV exported from platform.openai.com (one file per endpoint, e.g. completions_usage_…csv).

Its columns are the Usage API's result fields plus the bucket times; counts are printed as floats
(``217.0``). A bucket with no usage is a row with only the four time columns filled: it is skipped as an
``empty bucket``, since it carries no usage (FORMATS.md §1.6). The export has no cache-write column: cache
writes are unknown here, as are reasoning and 1-hour writes (see :mod:`~collectors.formats.openai_usage_api`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from collectors.csvfile import read_csv
from collectors.format import Format, Peek
from collectors.formats.openai_usage_api import usage_records
from collectors.normalise import parse_timestamps
from collectors.records import Batch
from collectors.source import Source

__all__ = ["EMPTY_BUCKET", "FORMAT"]

EMPTY_BUCKET = "empty bucket"

_TIME_COLUMNS = {"start_time", "end_time", "start_time_iso", "end_time_iso"}


def _sniff(peek: Peek) -> bool:
    return peek.has_columns("start_time", "start_time_iso", "num_model_requests", "input_tokens")


def _read(source: Source) -> Iterator[Batch]:
    for chunk in read_csv(source, required=(("start_time", "start_time_iso"), ("input_tokens",))):
        frame = chunk.frame
        usage_columns = [c for c in frame.columns if c not in _TIME_COLUMNS]
        empty_bucket = (frame[usage_columns].apply(lambda col: col.str.strip()) == "").all(axis=1)
        if "start_time_iso" in frame.columns:
            time = parse_timestamps(frame["start_time_iso"], "start_time_iso")
        else:
            time = parse_timestamps(frame["start_time"], "start_time", unit="s")
        skipped = pd.Series(None, index=frame.index, dtype=object).mask(empty_bucket, EMPTY_BUCKET)
        yield chunk.batch(usage_records(frame, time.values, time.reasons, skipped))


FORMAT = Format("openai_usage_csv", "OpenAI dashboard usage export (CSV)", _sniff, _read)
