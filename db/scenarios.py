"""Migration scenarios the user keeps, by name: the scenario's JSON as ``analysis.scenarios.model`` writes it.
Saving a name again replaces its scenario (keeping when it was first saved)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Engine, delete, insert, select, update

from db.errors import InvalidInput
from db.schema import scenarios

__all__ = ["delete_scenario", "get_scenario", "list_scenarios", "save_scenario"]


def save_scenario(engine: Engine, name: str, body: str) -> None:
    """Keep ``body`` (JSON text) under ``name``, replacing what the name held."""
    if not name.strip():
        raise InvalidInput("a scenario needs a name")
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        updated = conn.execute(
            update(scenarios).where(scenarios.c.name == name).values(body=body, updated_at=now)
        ).rowcount
        if not updated:
            conn.execute(insert(scenarios).values(name=name, body=body, created_at=now, updated_at=now))


def get_scenario(engine: Engine, name: str) -> str | None:
    """The JSON kept under ``name``, or None."""
    with engine.connect() as conn:
        body = conn.execute(select(scenarios.c.body).where(scenarios.c.name == name)).scalar_one_or_none()
    return None if body is None else str(body)


def list_scenarios(engine: Engine) -> pd.DataFrame:
    """Every kept scenario: name, body, created_at, updated_at — the most recently saved first."""
    with engine.connect() as conn:
        return pd.read_sql(select(scenarios).order_by(scenarios.c.updated_at.desc(), scenarios.c.name), conn)


def delete_scenario(engine: Engine, name: str) -> bool:
    """Forget the scenario kept under ``name``; False when there is none."""
    with engine.begin() as conn:
        return bool(conn.execute(delete(scenarios).where(scenarios.c.name == name)).rowcount)
