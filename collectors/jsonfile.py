"""Read JSON sources: whole documents (API pages), or JSON lines streamed in chunks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

from collectors.records import Batch
from collectors.source import IngestError, Source
from db.imports import Rejection

__all__ = ["JsonLines", "load_json", "read_json_lines"]

CHUNK_LINES = 50_000


def load_json(source: Source) -> object:
    """The whole document. API pages are bounded by the API's page size, so they fit in memory."""
    try:
        with source.open_text() as stream:
            return json.load(stream)
    except IngestError:
        # A damaged archive member already says what is wrong; IngestError is a ValueError too, so without
        # this it would be reworded as invalid JSON below.
        raise
    except ValueError as exc:
        raise IngestError(f"{source.name}: not valid JSON, the file may be truncated ({exc})") from exc
    except RecursionError:
        raise IngestError(f"{source.name}: not valid JSON: nested too deeply to read") from None
    except (OSError, EOFError) as exc:
        raise IngestError(f"{source.name}: cannot be read ({exc})") from exc


@dataclass
class JsonLines:
    """A chunk of JSON-lines records, each with its line's text and number."""

    records: list[dict[str, object]]
    lines: list[str]
    line_numbers: list[int]
    rejected: list[Rejection] = field(default_factory=list)

    def batch(self, records: pd.DataFrame) -> Batch:
        """The chunk as a pipeline batch, ``records`` made from :attr:`records` in the same order."""
        index = records.index
        return Batch(
            records,
            pd.DataFrame({"raw": self.lines}, index=index),
            len(self.records) + len(self.rejected),
            locations=pd.Series([f"line {n}" for n in self.line_numbers], index=index, dtype=object),
            rejected=self.rejected,
        )


def read_json_lines(source: Source, *, chunk_lines: int = CHUNK_LINES) -> Iterator[JsonLines]:
    """Stream JSON-lines records; a line that is not a JSON object is rejected with its line number."""
    chunk = JsonLines([], [], [])
    try:
        with source.open_text() as stream:
            for number, line in enumerate(stream, start=1):
                text = line.strip()
                if not text:
                    continue
                try:
                    record = json.loads(text)
                except ValueError as exc:
                    chunk.rejected.append(Rejection(f"line {number}", text, f"not valid JSON ({exc})"))
                    continue
                except RecursionError:
                    chunk.rejected.append(Rejection(f"line {number}", text, "not valid JSON: nested too deeply"))
                    continue
                if not isinstance(record, dict):
                    chunk.rejected.append(Rejection(f"line {number}", text, "not a JSON object"))
                    continue
                chunk.records.append(record)
                chunk.lines.append(text)
                chunk.line_numbers.append(number)
                if len(chunk.records) >= chunk_lines:
                    yield chunk
                    chunk = JsonLines([], [], [])
    except (OSError, EOFError, UnicodeError) as exc:
        raise IngestError(f"{source.name}: cannot be read ({exc})") from exc
    if chunk.records or chunk.rejected:
        yield chunk
