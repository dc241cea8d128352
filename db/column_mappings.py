"""Column mappings a user confirmed for CSVs of unknown layout, found again by the file's header."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from db.schema import column_mappings
from db.strings import without_nul

__all__ = ["find_mapping", "header_key", "save_mapping"]


def header_key(header: Sequence[str]) -> str:
    """A digest of a header, ignoring case, surrounding spaces and column order.

    >>> header_key(["Date", " Tokens"]) == header_key(["tokens", "date"])
    True
    """
    names = sorted(name.strip().lower() for name in header)
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()


def find_mapping(engine: Engine, header: Sequence[str]) -> dict[str, str] | None:
    """The saved mapping (canonical column → file column) for files with this header, if any."""
    with engine.connect() as conn:
        saved = conn.execute(
            select(column_mappings.c.mapping).where(column_mappings.c.header_key == header_key(header))
        ).scalar_one_or_none()
    return json.loads(saved) if saved else None


def save_mapping(engine: Engine, header: Sequence[str], mapping: dict[str, str]) -> None:
    """Remember ``mapping`` for files with this header (replacing an earlier one)."""
    key = header_key(header)
    values = {
        "header": without_nul(",".join(header)),
        "mapping": json.dumps(mapping, sort_keys=True),
        "updated_at": datetime.now(UTC).replace(tzinfo=None),
    }
    with engine.begin() as conn:
        updated = conn.execute(column_mappings.update().where(column_mappings.c.header_key == key).values(**values))
        if not updated.rowcount:
            conn.execute(column_mappings.insert().values(header_key=key, **values))
