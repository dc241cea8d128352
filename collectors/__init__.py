"""Getting usage into the ledger: sources, format detection, one module per format, the ingest pipeline."""

from collectors.detect import UnrecognisedFormat
from collectors.pipeline import IngestResult, ingest
from collectors.source import (
    IngestError,
    Source,
    source_from_bytes,
    source_from_path,
    sources_from_bytes,
    sources_from_path,
)

__all__ = [
    "IngestError",
    "IngestResult",
    "Source",
    "UnrecognisedFormat",
    "ingest",
    "source_from_bytes",
    "source_from_path",
    "sources_from_bytes",
    "sources_from_path",
]
