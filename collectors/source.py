"""A file to import: its name, its content stream (decompressed), its fingerprint and its text encoding."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

__all__ = ["IngestError", "Source", "source_from_bytes", "source_from_path"]

_GZIP_MAGIC = b"\x1f\x8b"
_HASH_BLOCK = 1 << 20


class IngestError(Exception):
    """A file that cannot be imported at all. The message names the file and says what is wrong."""


@dataclass
class Source:
    """Where an import's bytes come from. ``open()`` always yields the decompressed content."""

    name: str
    _open_raw: Callable[[], BinaryIO] = field(repr=False)
    size: int | None = None

    def open(self) -> BinaryIO:
        raw = self._open_raw()
        if raw.read(2) == _GZIP_MAGIC:
            raw.seek(0)
            return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
        raw.seek(0)
        return raw

    def head(self, n: int = 65_536) -> bytes:
        """The first ``n`` bytes of the content, for sniffing its format."""
        with self.open() as stream:
            try:
                return stream.read(n)
            except (OSError, EOFError, zlib.error) as exc:
                raise IngestError(f"{self.name}: damaged compressed file ({exc})") from exc

    def sha256(self) -> str:
        """Fingerprint of the (decompressed) content, so the same data is recognised however it arrives."""
        digest = hashlib.sha256()
        with self.open() as stream:
            try:
                while block := stream.read(_HASH_BLOCK):
                    digest.update(block)
            except (OSError, EOFError, zlib.error) as exc:
                raise IngestError(f"{self.name}: damaged or truncated compressed file ({exc})") from exc
        return digest.hexdigest()

    def encoding(self) -> str:
        """The text encoding, from the byte-order mark (UTF-8 when there is none)."""
        head = self.head(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        return "utf-8"

    def text(self, n: int = 65_536) -> str:
        """The first ``n`` bytes decoded (a partial character at the cut is dropped)."""
        return self.head(n).decode(self.encoding(), errors="ignore")

    def open_text(self) -> io.TextIOWrapper:
        return io.TextIOWrapper(self.open(), encoding=self.encoding(), newline="")


def source_from_path(path: str | Path) -> Source:
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    return Source(str(path), lambda: open(path, "rb"), path.stat().st_size)


def source_from_bytes(name: str, content: bytes) -> Source:
    return Source(name, lambda: io.BytesIO(content), len(content))
