"""The user's own prices: discounts, negotiated or custom prices, self-hosted models."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from db.schema import price_overrides

__all__ = ["PriceOverride", "add_override", "delete_override", "list_overrides"]


@dataclass(frozen=True)
class PriceOverride:
    """A discount (``discount_pct``, e.g. 15 for 15% off) and/or prices in USD per million tokens for a
    provider's models (``model`` None) or one model, from ``valid_from`` (None: always)."""

    provider: str
    model: str | None = None
    discount_pct: float | None = None
    input_mtok: float | None = None
    cache_read_mtok: float | None = None
    cache_write_mtok: float | None = None
    output_mtok: float | None = None
    requests_kcount: float | None = None
    valid_from: date | None = None
    note: str | None = None
    id: int | None = None
    entered_on: date | None = None  # the day the user entered it: its as-of date where it has no valid_from


def add_override(engine: Engine, override: PriceOverride) -> int:
    values = {k: v for k, v in asdict(override).items() if k not in ("id", "entered_on")}
    with engine.begin() as conn:
        result = conn.execute(
            insert(price_overrides).values(**values, created_at=datetime.now(UTC).replace(tzinfo=None))
        )
        key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def list_overrides(engine: Engine) -> list[PriceOverride]:
    with engine.connect() as conn:
        frame = pd.read_sql(select(price_overrides).order_by(price_overrides.c.id), conn)
    fields = set(PriceOverride.__dataclass_fields__)
    overrides = []
    for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        values = {k: v for k, v in row.items() if k in fields}
        if isinstance(row.get("created_at"), (datetime, pd.Timestamp)):
            values["entered_on"] = row["created_at"].date()
        if isinstance(values.get("valid_from"), (datetime, pd.Timestamp)):
            values["valid_from"] = values["valid_from"].date()
        overrides.append(PriceOverride(**values))
    return overrides


def delete_override(engine: Engine, override_id: int) -> bool:
    with engine.begin() as conn:
        return bool(conn.execute(delete(price_overrides).where(price_overrides.c.id == override_id)).rowcount)
