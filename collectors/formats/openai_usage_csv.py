"""The usage CSV exported from platform.openai.com (one file per endpoint, e.g. completions_usage_…csv).

Its columns are the Usage API's result fields plus the bucket times; counts are printed as floats
(``217.0``). A bucket with no usage is a row with only the four time columns filled: it is read and
skipped, since it carries no usage (FORMATS.md §1.6).
"""

from __future__ import annotations

from collections.abc import Iterator

from collectors.csvfile import read_csv
from collectors.format import Format, Peek
from collectors.formats.openai_usage_api import usage_records
from collectors.normalise import parse_timestamps
from collectors.records import Batch
from collectors.source import Source

__all__ = ["FORMAT"]

_TIME_COLUMNS = {"start_time", "end_time", "start_time_iso", "end_time_iso"}


def _sniff(peek: Peek) -> bool:
    return peek.has_columns("start_time", "start_time_iso", "num_model_requests", "input_tokens")


def _read(source: Source) -> Iterator[Batch]:
    for chunk in read_csv(source, required=(("start_time", "start_time_iso"), ("input_tokens",))):
        frame = chunk.frame
        usage_columns = [c for c in frame.columns if c not in _TIME_COLUMNS]
        empty_bucket = (frame[usage_columns].apply(lambda col: col.str.strip()) == "").all(axis=1)
        kept = frame[~empty_bucket]
        if "start_time_iso" in kept.columns:
            time = parse_timestamps(kept["start_time_iso"], "start_time_iso")
        else:
            time = parse_timestamps(kept["start_time"], "start_time", unit="s")
        positions = chunk.first_row + kept.index.to_series() - frame.index[0]
        yield Batch(
            usage_records(kept, time.values, time.reasons),
            kept,
            len(frame) + len(chunk.rejected),
            locations="row " + positions.astype(str),
            rejected=chunk.rejected,
        )


FORMAT = Format("openai_usage_csv", "OpenAI dashboard usage export (CSV)", _sniff, _read)
