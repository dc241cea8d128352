"""The price book of a ledger: the user's overrides and aliases, genai-prices, and every registry
snapshot — the vendored LiteLLM copy plus those ``exitplan prices refresh`` stored."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

import pandas as pd
from sqlalchemy import Engine

from db.model_aliases import list_aliases
from db.price_overrides import list_overrides
from db.price_snapshots import list_snapshots, snapshot_body
from pricing.book import PriceBook
from pricing.lifecycle import openai_shutdowns
from pricing.litellm import VENDORED_AS_OF, litellm_catalog, vendored_catalog

__all__ = ["load_book", "snapshot_catalog"]


@lru_cache(maxsize=16)
def _parsed(source: str, snapshot_id: int, sha256: str, as_of: date, body: bytes) -> pd.DataFrame:
    if source == "litellm":
        return litellm_catalog(json.loads(body), as_of)
    from pricing.openrouter import openrouter_catalog

    return openrouter_catalog(body, as_of)


def snapshot_catalog(engine: Engine, source: str) -> list[tuple[date, pd.DataFrame]]:
    """Catalogs of ``source``'s stored snapshots, oldest first (each parsed once per process)."""
    catalogs = []
    for info in list_snapshots(engine, source):
        as_of = info.fetched_at.date()
        catalogs.append((as_of, _parsed(source, info.id, info.sha256, as_of, snapshot_body(engine, info.id))))
    return catalogs


def load_book(engine: Engine) -> PriceBook:
    """The price book for pricing this ledger's usage."""
    litellm = [(VENDORED_AS_OF, vendored_catalog()), *snapshot_catalog(engine, "litellm")]
    litellm.sort(key=lambda pair: pair[0])
    openai = list_snapshots(engine, "openai_models")[-1:]
    return PriceBook(
        overrides=list_overrides(engine),
        aliases=list_aliases(engine),
        litellm=litellm,
        openrouter=snapshot_catalog(engine, "openrouter"),
        openai_shutdowns=openai_shutdowns(snapshot_body(engine, openai[0].id)) if openai else {},
    )
