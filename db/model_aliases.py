"""Model aliases: what a user says an unresolved model id is, e.g. an Azure deployment named "chat-prod"
is gpt-4o. The ledger's canonical model follows the alias as soon as it is saved."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select, update

from db.schema import model_aliases, usage

__all__ = ["list_aliases", "save_alias"]


def list_aliases(engine: Engine) -> dict[tuple[str, str], tuple[str, str]]:
    """(provider, model) → (target provider, target model)."""
    with engine.connect() as conn:
        rows = conn.execute(select(model_aliases)).all()
    return {(r.provider, r.model): (r.target_provider, r.target_model) for r in rows}


def save_alias(
    engine: Engine, provider: str, model: str, target_provider: str, target_model: str, canonical: str | None
) -> None:
    """Remember the alias and relabel the ledger's rollups of that id with ``canonical``."""
    values = {
        "target_provider": target_provider,
        "target_model": target_model,
        "updated_at": datetime.now(UTC).replace(tzinfo=None),
    }
    with engine.begin() as conn:
        key = (model_aliases.c.provider == provider) & (model_aliases.c.model == model)
        if not conn.execute(update(model_aliases).where(key).values(**values)).rowcount:
            conn.execute(model_aliases.insert().values(provider=provider, model=model, **values))
        conn.execute(
            update(usage)
            .where((usage.c.provider == provider) & (usage.c.model == model))
            .values(canonical_model=canonical)
        )
