"""Reconciliation: exitplan's price of an import's usage next to what the source itself said it cost.

The first place a user sees whether exitplan prices their usage correctly. Only rows that carry both
tokens and a reported cost are compared (cost-only rows have nothing to price).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from analysis.spend import PRICING_KEYS, price_usage
from db.measures import TOKEN_MEASURES
from db.usage import read_usage

__all__ = ["GAP_THRESHOLD", "reconcile"]

# A gap above this share of the reported cost is flagged.
GAP_THRESHOLD = 0.02

COLUMNS = ["provider", "model", "computed_usd", "reported_usd", "gap_usd", "gap_share", "flagged", "unpriced"]


def reconcile(engine: Engine, import_id: int) -> pd.DataFrame:
    """Per provider and model of one import: computed vs reported cost, the gap, and whether it is
    over :data:`GAP_THRESHOLD`. Empty when the import reports no cost for any usage it holds."""
    priced = price_usage(read_usage(engine, PRICING_KEYS, grain="day", import_id=import_id))
    has_tokens = priced[list(TOKEN_MEASURES)].sum(axis=1) > 0
    comparable = priced[has_tokens & priced["reported_cost_usd"].notna()]
    if comparable.empty:
        return pd.DataFrame(columns=COLUMNS)
    grouped = comparable.groupby(["provider", "model"], dropna=False)
    table = pd.DataFrame(
        {
            "computed_usd": grouped["cost_usd"].sum(min_count=1),
            "reported_usd": grouped["reported_cost_usd"].sum(),
            "unpriced": grouped["unpriced"].any(),
        }
    ).reset_index()
    table["gap_usd"] = table["computed_usd"] - table["reported_usd"]
    table["gap_share"] = table["gap_usd"] / table["reported_usd"].where(table["reported_usd"] != 0)
    table["flagged"] = table["unpriced"] | (table["gap_share"].abs() > GAP_THRESHOLD)
    return table[COLUMNS].sort_values("reported_usd", ascending=False).reset_index(drop=True)
