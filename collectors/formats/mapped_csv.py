"""Any other CSV, read through a column mapping the user confirms (canonical column → file column).

exitplan guesses the mapping from the header (:func:`guess_mapping`); the user corrects it on the Data
page, and it is saved and reused for the next file with the same header. A mapping value is either a
file column or ``=text``, a constant for every row (a file from one vendor rarely says which vendor it
is). The option ``input_includes_cache`` says whether the file's input count already includes cache
reads and writes (as OpenAI's does) or not (as Anthropic's does); canonical input always does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import pandas as pd

from collectors.csvfile import read_csv
from collectors.format import Format, Peek
from collectors.formats.canonical_csv import to_records
from collectors.records import Batch
from collectors.source import IngestError, Source

__all__ = ["FIELDS", "INPUT_INCLUDES_CACHE", "REQUIRED", "guess_mapping", "mapped_format", "mapping_problems"]

# Canonical columns, each with header names that usually mean it (compared after normalising case and
# punctuation), most specific first.
FIELDS: dict[str, tuple[str, ...]] = {
    "timestamp": (
        "timestamp",
        "date",
        "datetime",
        "time",
        "created_at",
        "start_time",
        "starttime",
        "usage_date",
        "request_time",
        "day",
    ),
    "provider": ("provider", "vendor", "custom_llm_provider", "llm_provider", "api_provider"),
    "model": ("model", "model_name", "model_id", "engine", "deployment", "llm_model"),
    "input_tokens": ("input_tokens", "prompt_tokens", "tokens_in", "input", "tokens_input", "prompt"),
    "output_tokens": ("output_tokens", "completion_tokens", "tokens_out", "output", "tokens_output", "completion"),
    "requests": ("requests", "request_count", "num_requests", "n_requests", "calls", "count"),
    "cached_input_tokens": (
        "cached_input_tokens",
        "cache_read_tokens",
        "cached_tokens",
        "cache_read_input_tokens",
        "prompt_cache_hit_tokens",
    ),
    "cache_write_tokens": ("cache_write_tokens", "cache_creation_input_tokens", "cache_creation_tokens"),
    "cache_write_1h_tokens": ("cache_write_1h_tokens",),
    "reasoning_tokens": ("reasoning_tokens", "thinking_tokens", "thoughts_tokens"),
    "project": ("project", "project_id", "team", "team_id", "workspace", "application", "app"),
    "api_key": ("api_key", "api_key_id", "key", "key_name", "api_key_name"),
    "user": ("user", "user_id", "end_user", "customer"),
    "feature": ("feature", "feature_tag", "tag", "tags", "use_case", "workload", "endpoint_name"),
    "service_tier": ("service_tier", "tier"),
    "batch": ("batch", "is_batch"),
    "latency_ms": ("latency_ms", "latency", "duration_ms", "response_time_ms"),
    "cost_usd": ("cost_usd", "cost", "spend", "amount_usd", "price_usd", "total_cost"),
}
REQUIRED: tuple[str, ...] = ("timestamp", "provider", "model", "input_tokens", "output_tokens")
INPUT_INCLUDES_CACHE = "input_includes_cache"


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def guess_mapping(header: Sequence[str]) -> dict[str, str]:
    """The likeliest file column for each canonical column (only those found).

    >>> guess_mapping(["Created At", "Model Name", "Prompt Tokens", "Completion Tokens", "Spend"])["input_tokens"]
    'Prompt Tokens'
    """
    by_normal = {_normal(name): name for name in header}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for field, names in FIELDS.items():
        for candidate in names:
            column = by_normal.get(candidate)
            if column is not None and column not in taken:
                mapping[field] = column
                taken.add(column)
                break
    return mapping


def mapping_problems(mapping: dict[str, str], header: Sequence[str]) -> list[str]:
    """What is wrong with a mapping for files with ``header`` (empty when it can be used)."""
    present = {name.strip().lower() for name in header}
    problems = [f"map a column (or give a value) for {field}" for field in REQUIRED if not mapping.get(field)]
    for field, column in mapping.items():
        if field == INPUT_INCLUDES_CACHE:
            continue
        if field not in FIELDS:
            problems.append(f"{field} is not a column exitplan knows")
        elif column and not column.startswith("=") and column.strip().lower() not in present:
            problems.append(f"{field}: the file has no column {column!r}")
    return problems


def _canonical_frame(frame: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    columns = {}
    for field in FIELDS:
        choice = mapping.get(field)
        if not choice:
            continue
        if choice.startswith("="):
            columns[field] = pd.Series(choice[1:], index=frame.index, dtype=object)
        else:
            columns[field] = frame[choice.strip().lower()]
    return pd.DataFrame(columns, index=frame.index)


def _includes_cache(mapping: dict[str, str]) -> bool:
    return mapping.get(INPUT_INCLUDES_CACHE, "true").lower() not in ("false", "0", "no")


def mapped_format(mapping: dict[str, str]) -> Format:
    """A format that reads CSVs through ``mapping``."""

    def read(source: Source) -> Iterator[Batch]:
        header = Peek(source.text()).csv_header
        if problems := mapping_problems(mapping, header):
            raise IngestError(f"{source.name}: the column mapping does not fit this file ({'; '.join(problems)})")
        for chunk in read_csv(source):
            records = to_records(_canonical_frame(chunk.frame, mapping))
            if not _includes_cache(mapping):
                # The file counts input without the cache; canonical input includes reads and writes (an unmapped
                # one is unknown and adds nothing).
                records["input_tokens"] += records["cache_read_tokens"].fillna(0) + records[
                    "cache_write_tokens"
                ].fillna(0)
            yield chunk.batch(records)

    return Format("mapped_csv", "CSV read through a column mapping", lambda peek: False, read)
