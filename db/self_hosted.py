"""Self-hosting options the user defines: an open model on GPUs they would rent or own.

Rows are plain dicts here (columns as in ``db.schema.self_hosted_options``): what an option *is*, and
whether it can be saved, belongs to ``analysis.selfhost``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from db.schema import self_hosted_options

__all__ = ["delete_self_hosted_row", "save_self_hosted_row", "self_hosted_rows"]


def save_self_hosted_row(engine: Engine, values: Mapping[str, object], option_id: int | None = None) -> int:
    """Update the stored option ``option_id`` with ``values``, or insert them as a new option when
    ``option_id`` is None or no longer stored (deleted meanwhile: the user's edit is kept, not lost).
    Returns the option's id."""
    row = {k: v for k, v in values.items() if k not in ("id", "created_at")}
    table = self_hosted_options
    with engine.begin() as conn:
        if option_id is not None and conn.execute(update(table).where(table.c.id == option_id).values(**row)).rowcount:
            return option_id
        now = datetime.now(UTC).replace(tzinfo=None)
        key = conn.execute(insert(table).values(**row, created_at=now)).inserted_primary_key
    assert key is not None
    return int(key[0])


def self_hosted_rows(engine: Engine) -> pd.DataFrame:
    """Every stored option, oldest first: id, the option's columns, created_at."""
    with engine.connect() as conn:
        return pd.read_sql(select(self_hosted_options).order_by(self_hosted_options.c.id), conn)


def delete_self_hosted_row(engine: Engine, option_id: int) -> bool:
    """Delete an option; False when there was none with that id."""
    table = self_hosted_options
    with engine.begin() as conn:
        return bool(conn.execute(delete(table).where(table.c.id == option_id)).rowcount)
