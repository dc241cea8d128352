"""Keeping prompt samples, only when the user asks: from an imported log that carries content
(``exitplan ingest --keep-prompts N``, the Data page's checkbox), or from a file of samples
(``exitplan samples add``).

An imported log is read a second time, apart from the import itself, by the same format reader (so a
sample's dimensions are the ledger's), and only its accepted rows are offered: a cached or failed call is
not a prompt worth replaying. Each prompt is redacted before anything else sees it, then offered to a
seeded reservoir of at most N per group (:mod:`collectors.samples.reservoir`); the group is the workload
that claims the request where the caller says (``PromptKeeping.group_by``), else the finest slice a
workload can name (provider, model, project, feature, API key).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from collectors.csvfile import csv_batches
from collectors.formats import format_named
from collectors.formats.litellm import spend_log_records
from collectors.jsonfile import read_json_lines
from collectors.records import Batch
from collectors.samples.content import CONTENT_FORMATS, Message, answer_text, chat_messages, content_of
from collectors.samples.redaction import redact
from collectors.samples.reservoir import Reservoir, sample_key
from collectors.source import IngestError, Source
from db.errors import InvalidInput
from db.prompt_samples import keep_samples

__all__ = ["DEFAULT_LIMIT", "AddedSamples", "KeptPrompts", "PromptKeeping", "add_sample_file", "keep_prompts"]

# Enough prompts for a win rate within about ±7 points (95%), few enough to replay in minutes.
DEFAULT_LIMIT = 200
_DIMENSIONS = ("provider", "model", "project", "feature", "api_key")

GroupBy = Callable[[pd.DataFrame], pd.Series]
"""Records (the ledger's dimension columns) → the group label of each, or None for its slice."""


@dataclass(frozen=True)
class PromptKeeping:
    """What the user asked for: at most ``limit`` prompts per workload, redacted (the default) or not,
    sampled with ``seed``; ``group_by`` names each request's workload (None: group by slice)."""

    limit: int
    redact: bool = True
    seed: int = 0
    group_by: GroupBy | None = field(default=None, compare=False)


@dataclass(frozen=True)
class KeptPrompts:
    """What keeping prompts from one imported file did: whether its format carries content at all, how many
    accepted requests had a prompt that can be replayed, how many had content that cannot (images, tools),
    and how many samples were added to the store."""

    file: str
    carries_content: bool
    replayable: int = 0
    not_replayable: int = 0
    kept: int = 0


@dataclass(frozen=True)
class AddedSamples:
    """What adding a file of samples did: lines read, samples added, and each line refused with why."""

    file: str
    read: int
    kept: int
    refused: list[tuple[str, str]]


def _clean(text: str | None, redacting: bool) -> str | None:
    return redact(text) if redacting and text is not None else text


def _sample(messages: list[Message], response: str | None, keeping: PromptKeeping) -> tuple[str, str, str | None]:
    """(priority, messages as stored JSON, response as stored): redacted first, so neither the store nor the
    priority ever sees what redaction removes."""
    stored = [{"role": m["role"], "content": _clean(m["content"], keeping.redact) or ""} for m in messages]
    text = json.dumps(stored, ensure_ascii=False)
    return sample_key(text, keeping.seed), text, _clean(response, keeping.redact)


def _batches(source: Source, format_name: str) -> Iterator[Batch]:
    if format_name == "litellm_spendlogs_csv":
        # Every column: the format's own reader leaves the logged messages and responses unread.
        return csv_batches(source, spend_log_records)
    return format_named(format_name).read(source)


def _raw_rows(batch: Batch) -> list[Mapping[str, Any]]:
    """Each row as the file held it: a JSON object (documents, JSON lines, spans) or a CSV row's cells."""
    frame = batch.source
    if list(frame.columns) == ["raw"]:
        rows = []
        for raw in frame["raw"]:
            try:
                row = json.loads(str(raw))
            except ValueError:
                row = None
            rows.append(row if isinstance(row, dict) else {})
        return rows
    return frame.astype(object).where(frame.notna(), None).to_dict("records")  # type: ignore[return-value]


def _slice(record: Mapping[str, Any]) -> str:
    return "slice:" + json.dumps([record.get(name) for name in _DIMENSIONS])


def _value(value: object) -> str | None:
    return None if value is None or value is pd.NA or (isinstance(value, float) and value != value) else str(value)


def keep_prompts(
    engine: Engine, source: Source, format_name: str, import_id: int | None, keeping: PromptKeeping
) -> KeptPrompts:
    """Keep a sample of the prompts in ``source`` (imported as ``import_id``, read as ``format_name``).

    A format that carries no content keeps nothing and says so (``carries_content`` false).
    """
    if format_name not in CONTENT_FORMATS:
        return KeptPrompts(source.name, carries_content=False)
    reservoir: Reservoir[dict[str, object]] = Reservoir(keeping.limit)
    replayable = not_replayable = 0
    for batch in _batches(source, format_name):
        records = batch.records.reset_index(drop=True)
        raws = _raw_rows(batch)
        accepted = records["reason"].isna().to_numpy()
        dims = records[list(_DIMENSIONS)].astype(object).where(records[list(_DIMENSIONS)].notna(), None)
        groups = keeping.group_by(dims) if keeping.group_by is not None else None
        for i, (record, raw) in enumerate(zip(dims.to_dict("records"), raws, strict=True)):
            if not accepted[i]:
                continue
            messages, response = content_of(format_name, raw)
            if messages is None:
                prompt, _ = CONTENT_FORMATS[format_name](raw)
                not_replayable += prompt not in (None, "", {}, [])
                continue
            replayable += 1
            key, text, answer = _sample(messages, response, keeping)
            group = groups.iloc[i] if groups is not None else None
            row = {name: _value(record.get(name)) for name in _DIMENSIONS}
            row |= {"import_id": import_id, "workload": None, "sample_key": key, "messages": text}
            row |= {"response": answer, "redacted": keeping.redact, "source": source.name}
            group_key = str(group) if isinstance(group, str) and group else _slice(row)
            reservoir.offer(group_key, key, {**row, "group_key": group_key})
    kept = keep_samples(engine, [item for _, _, item in reservoir.items()], keeping.limit)
    return KeptPrompts(source.name, True, replayable, not_replayable, kept)


def add_sample_file(
    engine: Engine, source: Source, keeping: PromptKeeping, workload: str | None = None
) -> AddedSamples:
    """Add the samples of a JSON-lines file, one object a line: ``{"messages": [{"role", "content"}, …],
    "response": "today's answer" (optional), "workload": "…" (optional), "model": "…" (optional)}``.

    ``workload`` names the workload of every line (else each line names its own); at most
    ``keeping.limit`` are kept per workload, merged with the samples it has.
    """
    reservoir: Reservoir[dict[str, object]] = Reservoir(keeping.limit)
    refused: list[tuple[str, str]] = []
    read = 0
    for chunk in read_json_lines(source):
        refused += [(r.location, r.reason) for r in chunk.rejected]
        read += len(chunk.records) + len(chunk.rejected)
        for record, number in zip(chunk.records, chunk.line_numbers, strict=True):
            name = workload or _value(record.get("workload"))
            messages = chat_messages(record.get("messages"))
            if not name:
                refused.append((f"line {number}", "no workload: name it on the line or with --workload"))
                continue
            if messages is None:
                refused.append((f"line {number}", "no messages a model can be sent as text (with a user message)"))
                continue
            key, text, answer = _sample(messages, answer_text(record.get("response")), keeping)
            row: dict[str, object] = dict.fromkeys(_DIMENSIONS)
            row |= {"model": _value(record.get("model")), "import_id": None, "workload": name, "sample_key": key}
            row |= {"messages": text, "response": answer, "redacted": keeping.redact, "source": source.name}
            reservoir.offer(f"workload:{name}", key, {**row, "group_key": f"workload:{name}"})
    if read == 0:
        raise IngestError(f"{source.name}: no samples in it (expected one JSON object a line)")
    if not any(True for _ in reservoir.items()):
        first = f" ({refused[0][0]}: {refused[0][1]})" if refused else ""
        raise InvalidInput(f"{source.name}: none of its {read:,} lines is a sample{first}")
    kept = keep_samples(engine, [item for _, _, item in reservoir.items()], keeping.limit)
    return AddedSamples(source.name, read, kept, refused)
