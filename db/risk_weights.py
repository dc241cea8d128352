"""The user's weights for the dependency-risk score's factors. A factor without a saved weight takes the
default that ``analysis.risk`` gives it, so an empty table means "the defaults" and a reset deletes rows."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime
from numbers import Real

from sqlalchemy import Engine, delete, insert, select

from db.errors import InvalidInput
from db.schema import risk_weights

__all__ = ["load_risk_weights", "reset_risk_weights", "save_risk_weights"]


def save_risk_weights(engine: Engine, weights: Mapping[str, float]) -> None:
    """Save each factor's weight in one transaction; factors not named keep what they had.

    Raises :class:`InvalidInput` (and saves nothing) for a blank factor or a weight that is not a finite
    number of 0 or more.
    """
    problems = [
        f"the weight of {factor!r} must be a number of 0 or more, not {weight!r}"
        for factor, weight in weights.items()
        if not _usable(weight)
    ]
    if any(not str(factor).strip() for factor in weights):
        problems.insert(0, "a risk factor needs a name")
    if problems:
        raise InvalidInput("; ".join(problems))
    if not weights:
        return
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        # Delete then insert: an upsert that reads the same on SQLite and PostgreSQL.
        conn.execute(delete(risk_weights).where(risk_weights.c.factor.in_(list(weights))))
        conn.execute(
            insert(risk_weights),
            [{"factor": factor, "weight": float(weight), "updated_at": now} for factor, weight in weights.items()],
        )


def _usable(weight: object) -> bool:
    if isinstance(weight, bool) or not isinstance(weight, Real):
        return False
    return math.isfinite(float(weight)) and float(weight) >= 0


def load_risk_weights(engine: Engine) -> dict[str, float]:
    """The saved weights by factor; empty when none were saved."""
    with engine.connect() as conn:
        rows = conn.execute(select(risk_weights.c.factor, risk_weights.c.weight).order_by(risk_weights.c.factor))
        return {str(factor): float(weight) for factor, weight in rows}


def reset_risk_weights(engine: Engine) -> None:
    """Forget every saved weight: each factor goes back to its default."""
    with engine.begin() as conn:
        conn.execute(delete(risk_weights))
