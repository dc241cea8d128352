"""What the Models page shows: the catalog of models on every host, the user's own models with their
deprecation dates, and the ids exitplan could not place, for the user to map."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
from sqlalchemy import Engine

from db.model_aliases import save_alias
from db.usage import read_usage
from pricing.book import PriceBook
from pricing.identity import author_of, family_of, identify
from pricing.lifecycle import lifecycles

__all__ = ["blended_price", "deprecation_calendar", "ledger_models", "map_model", "model_catalog", "unresolved_models"]


def blended_price(input_mtok: pd.Series, output_mtok: pd.Series, input_share: float) -> pd.Series:
    """USD per million tokens at a mix of ``input_share`` input tokens to ``1 - input_share`` output.

    >>> blended_price(pd.Series([2.5]), pd.Series([10.0]), 0.8).tolist()
    [4.0]
    """
    return input_mtok * input_share + output_mtok * (1 - input_share)


def model_catalog(book: PriceBook) -> pd.DataFrame:
    """Every chat and embedding model on every host the newest registries list, one row per (source,
    provider, model), with its family, author, open-weights flag, prices, capabilities and lifecycle."""
    frames = [book.latest(source) for source in ("litellm", "openrouter")]
    frame = pd.concat([f for f in frames if f is not None and not f.empty], ignore_index=True)
    frame["family"] = frame["model"].map(family_of)
    # The name's maker where it says one (OpenRouter writes "meta-llama", "mistralai" as authors).
    named = frame["family"].map(author_of)
    frame["author"] = named.where(named.notna(), frame["author"])
    identities = [identify(p, m) for p, m in zip(frame["provider"], frame["model"], strict=True)]
    known_open = pd.Series([who.open_weights for who in identities], index=frame.index, dtype="boolean")
    frame["open_weights"] = frame["open_weights"].fillna(known_open)
    return frame


def ledger_models(engine: Engine, since: date | None = None) -> pd.DataFrame:
    """The (provider, model) pairs in the ledger with their canonical model and volumes."""
    frame = read_usage(engine, ["provider", "model", "canonical_model"], since=since)
    frame["tokens"] = frame["input_tokens"] + frame["output_tokens"]
    return frame[["provider", "model", "canonical_model", "requests", "input_tokens", "output_tokens", "tokens"]]


def deprecation_calendar(engine: Engine, book: PriceBook, today: date | None = None) -> pd.DataFrame:
    """The user's models with a known deprecation or shutdown date at their host, soonest first, with the
    successor the registry names and the days left."""
    today = today or datetime.now(UTC).date()
    models = ledger_models(engine)
    models = models[models["tokens"] > 0]
    if models.empty:
        return models.assign(deprecation_date=None, successor=None, days_left=None)
    frame = lifecycles(book, models)
    frame = frame[frame["deprecation_date"].notna()].copy()
    frame["days_left"] = [(d - today).days for d in frame["deprecation_date"]]
    columns = ["provider", "model", "deprecation_date", "days_left", "successor", "deprecation_source", "tokens"]
    return frame.sort_values("deprecation_date")[columns].reset_index(drop=True)


def unresolved_models(engine: Engine) -> pd.DataFrame:
    """Model ids with usage that exitplan could not place (no canonical model), largest first."""
    models = ledger_models(engine)
    unresolved = models[models["canonical_model"].isna() & (models["tokens"] > 0)]
    return unresolved.sort_values("tokens", ascending=False).reset_index(drop=True)


def map_model(engine: Engine, provider: str, model: str, target_provider: str, target_model: str) -> str | None:
    """Record that ``model`` at ``provider`` is ``target_model`` at ``target_provider``, and relabel the
    ledger; returns the canonical model it now counts as."""
    canonical = identify(target_provider, target_model).family or family_of(target_model)
    save_alias(engine, provider, model, target_provider, target_model, canonical)
    return canonical
