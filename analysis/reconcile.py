"""Reconciliation: exitplan's price of usage next to what a source itself said it cost.

The first place a user sees whether exitplan prices their usage correctly. Two cases:

- an import that carries tokens *and* cost (gateway logs, observability exports, a FOCUS file's token
  charges): its own rows that carry tokens are compared, per model — a charge of the same import whose tokens
  are not in the source (provisioned-throughput hours, a meter that names no direction) has nothing computed
  to set against its cost, and is left out rather than counted as a gap;
- a cost-only import (a cost report, a cloud bill): its amounts are compared with exitplan's price of the
  usage other imports hold for the same provider, model and days.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import Engine

from analysis.spend import PRICING_KEYS, price_usage
from db.measures import TOKEN_MEASURES
from db.usage import read_usage

__all__ = ["GAP_THRESHOLD", "reconcile"]

# A gap above this share of the reported cost is flagged.
GAP_THRESHOLD = 0.02

COLUMNS = ["provider", "model", "computed_usd", "reported_usd", "gap_usd", "gap_share", "flagged", "unpriced"]
_KEYS = ["provider", "model_key", "day"]


def _priced(
    engine: Engine,
    *,
    import_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    known: str | None = None,
) -> pd.DataFrame:
    keys = [*PRICING_KEYS, "canonical_model"]
    usage = read_usage(engine, keys, grain="day", since=since, until=until, import_id=import_id, known=known)
    frame = price_usage(usage)
    # Models are matched by canonical id where one is known, so a cost line's "gpt-4o-2024-08-06" meets
    # usage of the same model however each source spells it.
    frame["model_key"] = frame["canonical_model"].where(frame["canonical_model"].notna(), frame["model"])
    frame["has_tokens"] = frame[list(TOKEN_MEASURES)].sum(axis=1) > 0
    return frame


def _table(frame: pd.DataFrame, computed: str, reported: str) -> pd.DataFrame:
    """``frame``'s ``computed`` and ``reported`` costs side by side per provider and model, with the gap."""
    grouped = frame.groupby(["provider", "model"], dropna=False)
    table = pd.DataFrame(
        {
            "computed_usd": grouped[computed].sum(min_count=1),
            "reported_usd": grouped[reported].sum(),
            "unpriced": grouped["unpriced"].any(),
        }
    ).reset_index()
    table["gap_usd"] = table["computed_usd"] - table["reported_usd"]
    table["gap_share"] = table["gap_usd"] / table["reported_usd"].where(table["reported_usd"] != 0)
    table["flagged"] = table["unpriced"] | (table["gap_share"].abs() > GAP_THRESHOLD)
    return table[COLUMNS].sort_values("reported_usd", ascending=False).reset_index(drop=True)


def reconcile(engine: Engine, import_id: int) -> pd.DataFrame:
    """Per provider and model: computed vs reported cost, the gap, and whether it is over
    :data:`GAP_THRESHOLD`. Empty when the import reports no cost."""
    tokens = _priced(engine, import_id=import_id, known="input_tokens")
    usage_with_cost = tokens[tokens["reported_cost_usd"].notna() & tokens["has_tokens"]]
    if not usage_with_cost.empty:
        return _table(usage_with_cost, "cost_usd", "reported_cost_usd")
    own = _priced(engine, import_id=import_id)
    with_cost = own[own["reported_cost_usd"].notna()]
    if with_cost.empty:
        return pd.DataFrame(columns=COLUMNS)
    reported = with_cost.groupby(_KEYS, dropna=False).agg(
        model=("model", "first"), reported_usd=("reported_cost_usd", "sum")
    )
    others = _priced(engine, since=min(with_cost["day"]), until=max(with_cost["day"]))
    usage = (
        others[others["has_tokens"]]
        .groupby(_KEYS, dropna=False)
        .agg(computed_usd=("cost_usd", lambda s: s.sum(min_count=1)), unpriced=("unpriced", "any"))
    )
    joined = reported.join(usage, how="left").reset_index()
    joined["unpriced"] = joined["unpriced"].fillna(False).astype(bool)
    # A model with no usage imported for those days has nothing to compare with: computed is $0.
    joined["computed_usd"] = joined["computed_usd"].where(joined["unpriced"] | joined["computed_usd"].notna(), 0.0)
    return _table(joined, "computed_usd", "reported_usd")
