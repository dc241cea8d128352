"""Which format a source is, decided from its content (never from its file name)."""

from __future__ import annotations

from collectors.format import Format, Peek
from collectors.formats import FORMATS
from collectors.source import IngestError, Source

__all__ = ["UnrecognisedFormat", "detect"]


class UnrecognisedFormat(IngestError):
    """No known format matches. ``header`` is the file's CSV header when it has one, so the user can map
    its columns instead."""

    def __init__(self, message: str, header: tuple[str, ...]) -> None:
        super().__init__(message)
        self.header = header


def detect(source: Source) -> Format:
    """The first format in :data:`collectors.formats.FORMATS` that recognises ``source``'s content."""
    peek = Peek(source.text())
    if not peek.text.strip("\ufeff \t\r\n"):
        raise IngestError(f"{source.name}: empty file")
    for fmt in FORMATS:
        if fmt.sniff(peek):
            return fmt
    start = peek.first_line[:80]
    header = peek.csv_header if len(peek.csv_header) > 1 else ()
    hint = "; if it is a usage CSV, map its columns on the Data page" if header else ""
    raise UnrecognisedFormat(f"{source.name}: unrecognised format (starts with {start!r}){hint}", header)
