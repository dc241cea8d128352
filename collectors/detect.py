"""Which format a source is, decided from its content (never from its file name)."""

from __future__ import annotations

from collectors.format import Format, Peek
from collectors.formats import FORMATS
from collectors.source import IngestError, Source

__all__ = ["detect"]


def detect(source: Source) -> Format:
    """The first format in :data:`collectors.formats.FORMATS` that recognises ``source``'s content."""
    peek = Peek(source.text())
    if not peek.text.strip("\ufeff \t\r\n"):
        raise IngestError(f"{source.name}: empty file")
    for fmt in FORMATS:
        if fmt.sniff(peek):
            return fmt
    start = peek.first_line[:80]
    raise IngestError(f"{source.name}: unrecognised format (starts with {start!r})")
