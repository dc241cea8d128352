"""A file to import: its name, its content stream (decompressed), its fingerprint and its text encoding."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from db.errors import InvalidInput

__all__ = [
    "MAX_LINE_BYTES",
    "IngestError",
    "Source",
    "source_from_bytes",
    "source_from_path",
    "sources_from_bytes",
    "sources_from_path",
]

_GZIP_MAGIC = b"\x1f\x8b"
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"  # an archive of no files is its end record alone
_HASH_BLOCK = 1 << 20
_PEEK_BYTES = 65_536
# The longest line (a CSV header, a row) a file may hold: the block Arrow reads, which one row must fit in.
MAX_LINE_BYTES = 8 << 20
_LINE_ENDS = ("\n", "\r")


class IngestError(InvalidInput):
    """A file that cannot be imported at all. The message names the file and says what is wrong."""


@dataclass
class Source:
    """Where an import's bytes come from. ``open()`` always yields the decompressed content."""

    name: str
    _open_raw: Callable[[], BinaryIO] = field(repr=False)
    size: int | None = None

    def open(self) -> BinaryIO:
        raw = self._open_raw()
        if isinstance(raw, zipfile.ZipExtFile):
            # A zip member is inflated as it is read, from its first byte (the gzip check below): damage is met
            # there already, and must be this member's error, not a crash that stops the archive's others.
            member = _decompressed(self.name, raw)  # type: ignore[arg-type]
            if member.peek(2)[:2] == _GZIP_MAGIC:  # type: ignore[attr-defined]
                return _decompressed(self.name, gzip.GzipFile(fileobj=member, mode="rb"))  # type: ignore[arg-type]
            return member
        if raw.read(2) == _GZIP_MAGIC:
            raw.seek(0)
            return _decompressed(self.name, gzip.GzipFile(fileobj=raw, mode="rb"))  # type: ignore[arg-type]
        raw.seek(0)
        return raw

    def content_size(self) -> int | None:
        """The size of the (decompressed) content, when it is known without reading it all: a gzip file's
        trailer holds it modulo 4 GiB, taken as the smallest such size at least the compressed one."""
        if self.size is None:
            return None
        with self._open_raw() as raw:
            if raw.read(2) != _GZIP_MAGIC or not raw.seekable():
                return self.size
            raw.seek(-4, 2)
            (modulo,) = struct.unpack("<I", raw.read(4))
        wraps = max(0, -(-(self.size - modulo) // (1 << 32)))
        return modulo + wraps * (1 << 32)

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

    def text(self, n: int = _PEEK_BYTES) -> str:
        """The first ``n`` bytes decoded (a partial character at the cut is dropped), and at least the whole
        first line: a CSV header of thousands of columns is longer than a peek, and cut short it would name
        columns that are not there (so that every row is rejected).

        Raises :class:`IngestError` when the first line of a text that is not JSON is longer than
        :data:`MAX_LINE_BYTES`.
        """
        head = self.head(n)
        text = head.decode(self.encoding(), errors="ignore")
        if len(head) < n or any(end in text for end in _LINE_ENDS) or _starts_json(text):
            # The whole file, a whole first line, or a JSON document (which may be one long line: only its start
            # is needed to recognise it).
            return text
        head = self.head(max(n, MAX_LINE_BYTES))
        text = head.decode(self.encoding(), errors="ignore")
        if len(head) >= MAX_LINE_BYTES and not any(end in text for end in _LINE_ENDS):
            raise IngestError(
                f"{self.name}: the first line is longer than {MAX_LINE_BYTES >> 20} MB, the most a header or a row "
                "may hold; this is not a usage export exitplan can read"
            )
        return text

    def open_text(self) -> io.TextIOWrapper:
        return io.TextIOWrapper(self.open(), encoding=self.encoding(), newline="")


def _starts_json(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n").startswith(("{", "["))


def source_from_path(path: str | Path, name: str | None = None) -> Source:
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"{path}: no such file")
    return Source(name or str(path), lambda: open(path, "rb"), path.stat().st_size)


def source_from_bytes(name: str, content: bytes) -> Source:
    return Source(name, lambda: io.BytesIO(content), len(content))


class _Decompressing(io.RawIOBase):
    """A decompressed stream whose damage (a bad CRC, a truncated member, corrupt deflate data) is an
    :class:`IngestError` naming the file, wherever it is read: the hash, a CSV reader's thread, a JSON parser.
    Each reader would otherwise meet zipfile's, gzip's or zlib's own exception, which none of them expects."""

    def __init__(self, name: str, stream: BinaryIO) -> None:
        super().__init__()
        self._name = name
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        try:
            data = self._stream.read(len(buffer))
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
            raise IngestError(f"{self._name}: damaged or truncated compressed file ({exc})") from exc
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


def _decompressed(name: str, stream: BinaryIO) -> BinaryIO:
    return io.BufferedReader(_Decompressing(name, stream), buffer_size=_HASH_BLOCK)  # type: ignore[return-value]


def _zip_members(name: str, open_raw: Callable[[], BinaryIO]) -> list[Source]:
    """One source per file inside a zip archive, named ``archive.zip!member``."""
    try:
        with zipfile.ZipFile(open_raw()) as archive:
            members = [
                info.filename
                for info in archive.infolist()
                if not info.is_dir() and not info.filename.startswith("__MACOSX/")
            ]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise IngestError(f"{name}: damaged zip archive ({exc})") from exc
    if not members:
        raise IngestError(f"{name}: the zip archive holds no files")

    def opener(member: str) -> Callable[[], BinaryIO]:
        def open_member() -> BinaryIO:
            try:
                return zipfile.ZipFile(open_raw()).open(member)  # type: ignore[return-value]
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise IngestError(f"{name}!{member}: damaged zip archive ({exc})") from exc

        return open_member

    return [Source(f"{name}!{member}", opener(member)) for member in members]


def _sources(source: Source) -> list[Source]:
    with source._open_raw() as raw:
        is_zip = raw.read(4) in (_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)
    return _zip_members(source.name, source._open_raw) if is_zip else [source]


def sources_from_path(path: str | Path) -> list[Source]:
    """The sources in a file: the file itself, or each file inside it when it is a zip archive."""
    return _sources(source_from_path(path))


def sources_from_bytes(name: str, content: bytes) -> list[Source]:
    """As :func:`sources_from_path`, for content already in memory (an upload)."""
    return _sources(source_from_bytes(name, content))
