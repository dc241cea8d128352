"""The candidate set: every model × host in the catalog a workload could move to, one row per host,
family and region.

Registries list many ids per model at a host (dated snapshots, regional endpoints such as Azure's
``eu/gpt-4o``); a candidate is the current id of a family at a host, per region, so the table a user
reads has one line per real choice.
"""

from __future__ import annotations

import re

import pandas as pd

from pricing.identity import identify

__all__ = ["REGIONS", "candidate_set", "region_of"]

# Where a regional endpoint runs, from the prefix a registry gives it (Azure "eu/…", Bedrock "eu.…").
REGIONS: dict[str, str] = {"eu": "EU", "us": "US", "apac": "APAC", "jp": "Japan", "au": "Australia", "ca": "Canada"}
_REGIONAL = re.compile(r"^(?P<region>eu|us|apac|jp|au|ca|us-gov)[./]")


def region_of(model: str) -> str | None:
    """The data region a model id pins its traffic to, or None for a global endpoint.

    >>> region_of("eu/gpt-4o"), region_of("eu.anthropic.claude-sonnet-4-5-20250929-v1:0"), region_of("gpt-4o")
    ('EU', 'EU', None)
    """
    match = _REGIONAL.match(model.lower())
    return REGIONS.get(match["region"], match["region"].upper()) if match else None


def candidate_set(catalog: pd.DataFrame, *, embeddings: bool) -> pd.DataFrame:
    """One row per (provider, family, region) of chat models (or embedding models), with a price.

    The id kept for a family is its undated one where the registry has it (it stands for the current
    snapshot), else its newest-looking dated id.
    """
    modes = {"embedding"} if embeddings else {"chat", "responses", "completion"}
    rows = catalog[catalog["mode"].isin(modes) & catalog["input_mtok"].notna()].copy()
    if not embeddings:
        rows = rows[rows["output_mtok"].notna()]
    # Ids routed through commitment or fine-tune paths are not plain pay-as-you-go choices, and a listing
    # that costs nothing is a rate-limited free tier, not a home for production traffic.
    rows = rows[~rows["model"].str.contains(r"commitment|^ft:|/ft:", case=False, regex=True)]
    rows = rows[(rows["input_mtok"] > 0) | (rows["output_mtok"].fillna(0) > 0)]
    rows["region"] = rows["model"].map(region_of)
    rows["undated"] = [identify(p, m).version is None for p, m in zip(rows["provider"], rows["model"], strict=True)]
    rows = rows.sort_values(["undated", "model"], ascending=[False, False])
    picked = rows.drop_duplicates(["provider", "family", "region"], keep="first")
    return picked.drop(columns="undated").reset_index(drop=True)
