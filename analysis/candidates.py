"""The candidate set: every model × host in the catalog a workload could move to, one row per host,
family and region.

Registries list many ids per model at a host (dated snapshots, regional endpoints such as Azure's
``eu/gpt-4o``); a candidate is the current id of a family at a host, per region, so the table a user
reads has one line per real choice. Which of them can do the workload's task is
:mod:`analysis.eligibility`'s call.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from analysis.eligibility import eligibility
from pricing.identity import identify

__all__ = ["REGIONS", "candidate_set", "region_of"]

# Where a regional endpoint runs, from the prefix a registry gives it (Azure "eu/…", Bedrock "eu.…").
REGIONS: dict[str, str] = {
    "eu": "EU",
    "us": "US",
    "apac": "APAC",
    "jp": "Japan",
    "au": "Australia",
    "ca": "Canada",
    "us-gov": "US GovCloud",
    "ap": "APAC",
    "sa": "South America",
    "me": "Middle East",
    "af": "Africa",
}
# A geography prefix ("eu/…", Bedrock's "eu.…"), or a cloud region ("us-west-2/…", "us-gov-west-1/…").
_REGIONAL = re.compile(r"^(?P<region>eu|us|apac|jp|au|ca|us-gov|ap|sa|me|af)(?:-(?P<cloud>[a-z]+-\d+))?[./]")


def region_of(model: str) -> str | None:
    """The data region a model id pins its traffic to, or None for a global endpoint.

    >>> region_of("eu/gpt-4o"), region_of("eu.anthropic.claude-sonnet-4-5-20250929-v1:0"), region_of("gpt-4o")
    ('EU', 'EU', None)
    >>> region_of("us-west-2/qwen.qwen3-coder-next"), region_of("us-gov-west-1/openai.gpt-oss-20b")
    ('US', 'US GovCloud')
    """
    match = _REGIONAL.match(model.lower())
    return REGIONS.get(match["region"], match["region"].upper()) if match else None


def candidate_set(catalog: pd.DataFrame, task_category: str, *, previews: bool, today: date) -> pd.DataFrame:
    """One row per (provider, family, region) of the catalog, with its eligibility for a ``task_category``
    workload (:func:`analysis.eligibility.eligibility`): ``maturity``, ``excluded_reason``, ``eligible``.

    The id kept for a family is an eligible one where the family has any (so a free or preview listing
    never shadows a paid, generally available one), then its undated id (it stands for the current
    snapshot), else its newest-looking dated id.
    """
    rows = eligibility(catalog, task_category, previews=previews, today=today)
    rows["region"] = rows["model"].map(region_of)
    rows["undated"] = [identify(p, m).version is None for p, m in zip(rows["provider"], rows["model"], strict=True)]
    rows = rows.sort_values(["eligible", "undated", "model"], ascending=[False, False, False])
    picked = rows.drop_duplicates(["provider", "family", "region"], keep="first")
    return picked.drop(columns="undated").reset_index(drop=True)
