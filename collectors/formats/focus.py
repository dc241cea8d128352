"""FinOps FOCUS 1.0–1.2 cost and usage CSV, from any provider that exports it (FORMATS.md §9).

A FOCUS file holds every charge of a billing account, with no token columns (≤1.2): exitplan imports
the AI charges as reported-cost rows (no tokens, ``requests`` missing) and rejects the rest with a
reason, so the row counts reconcile:

- AI rows: ``ServiceCategory`` "AI and Machine Learning" or ``ServiceSubcategory`` "Generative AI"
  (v1.1+). Others are rejected as "not AI usage (ServiceCategory …)".
- Only ``ChargeCategory`` "Usage" is usage; Purchase, Tax, Credit and Adjustment rows are rejected.
- ``reported_cost_usd`` is ``EffectiveCost`` (``BilledCost`` where it is blank): the spec defines it as
  the amortised cost after all discounts, with the applicable share of prepaid commitments spread onto
  the usage they covered — the cost of that usage, which is what a move would change. ``BilledCost`` is
  cash-basis: it leaves usage covered by a commitment at 0 and bills the purchase on its own row.
  ``BillingCurrency`` must be USD; rows in another (or no stated) currency are rejected.
- ``provider`` maps ``ProviderName`` (or ``ServiceProviderName``, its name in the 1.3 drafts) through
  the cloud names below, then :func:`pricing.identity.provider_id`: "Microsoft" → azure, "AWS" → aws,
  "Google Cloud" → google.
- ``model`` is the model ``SkuMeter`` (else ``ChargeDescription``) names, read as in
  :mod:`collectors.formats.attribution`, else ``unattributed (<meter or service>)``.
- ``host`` is ``ResourceName`` (an Azure account) else ``RegionId`` (an AWS or GCP region), matching the
  provider-native importers; ``project`` is ``SubAccountName`` (subscription, member account, GCP
  project) else ``SubAccountId``; ``feature`` follows the tag rule over ``Tags`` (JSON). Extension
  (``x_…``) and other columns are tolerated and ignored.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from collectors.csvfile import csv_batches
from collectors.format import Format, Peek
from collectors.formats.attribution import model_named, tags_feature
from collectors.normalise import first_reason, not_usd, parse_money, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import Source
from pricing.identity import provider_id

__all__ = ["CLOUD_PROVIDERS", "FORMAT", "focus_provider"]

# FOCUS ProviderName values of the clouds, as genai-prices provider ids (pricing.identity knows the
# API vendors' names but not the billing names of the clouds).
CLOUD_PROVIDERS: dict[str, str] = {
    "microsoft": "azure",
    "microsoft azure": "azure",
    "aws": "aws",
    "amazon web services": "aws",
    "amazon": "aws",
    "google cloud": "google",
    "google cloud platform": "google",
    "gcp": "google",
}
_PROVIDER = ("providername", "serviceprovidername")
_COST = ("effectivecost", "billedcost")
_AI_CATEGORY = "ai and machine learning"
_GENERATIVE = "generative ai"


def focus_provider(name: str) -> str:
    """A FOCUS ``ProviderName`` as a genai-prices provider id.

    >>> focus_provider("Microsoft"), focus_provider("Google Cloud"), focus_provider("Anthropic")
    ('azure', 'google', 'anthropic')
    """
    return CLOUD_PROVIDERS.get(name.strip().lower()) or provider_id(name)


def _sniff(peek: Peek) -> bool:
    header = set(peek.csv_header)
    return peek.has_columns("billedcost", "chargeperiodstart", "servicecategory") and bool(header & set(_PROVIDER))


def _column(frame: pd.DataFrame, *names: str) -> pd.Series:
    for name in names:
        if name in frame.columns:
            return frame[name]
    return pd.Series("", index=frame.index, dtype=object)


def _either(first: pd.Series, second: pd.Series) -> pd.Series:
    return first.where(first.notna(), second)


def focus_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Records from a FOCUS chunk (lower-cased header, text cells)."""
    time = parse_timestamps(_column(frame, "chargeperiodstart"), "ChargePeriodStart")
    effective = text(_column(frame, "effectivecost"))
    cost = parse_money(_either(effective, text(_column(frame, "billedcost"))), "EffectiveCost")
    currency = text(_column(frame, "billingcurrency")).str.upper()
    category = text(_column(frame, "servicecategory"))
    subcategory = text(_column(frame, "servicesubcategory"))
    charge = text(_column(frame, "chargecategory"))
    meter = _either(text(_column(frame, "skumeter")), text(_column(frame, "chargedescription")))
    named = meter.map(model_named, na_action="ignore")
    label = _either(meter, text(_column(frame, "servicename"))).fillna("no SKU meter")
    providers = _either(text(_column(frame, "providername")), text(_column(frame, "serviceprovidername")))
    is_ai = (category.str.lower() == _AI_CATEGORY) | (subcategory.str.lower() == _GENERATIVE)
    nothing = pd.Series(None, index=frame.index, dtype=object)
    not_ai = nothing.mask(
        ~is_ai.fillna(False).astype(bool),
        "not AI usage (ServiceCategory " + category.fillna("not given").astype(str) + ")",
    )
    not_usage = nothing.mask(
        charge.notna() & (charge.str.lower() != "usage"), "not usage (ChargeCategory " + charge.astype(str) + ")"
    )
    no_cost = nothing.mask(cost.values.isna() & cost.reasons.isna(), "EffectiveCost and BilledCost are missing")
    wrong_currency = not_usd(currency, required=True)
    return make_records(
        frame.index,
        timestamp=time.values,
        provider=providers.map(focus_provider, na_action="ignore"),
        host=_either(text(_column(frame, "resourcename")), text(_column(frame, "regionid"))),
        model=named.where(named.notna(), "unattributed (" + label.astype(str) + ")"),
        project=_either(text(_column(frame, "subaccountname")), text(_column(frame, "subaccountid"))),
        feature=_column(frame, "tags").map(tags_feature),
        reported_cost_usd=cost.values,
        reason=first_reason(not_ai, not_usage, time.reasons, cost.reasons, no_cost, wrong_currency),
    )


def _read(source: Source) -> Iterator[Batch]:
    required = (("chargeperiodstart",), _COST, _PROVIDER, ("servicecategory",))
    yield from csv_batches(source, focus_records, required=required)


FORMAT = Format("focus_csv", "FinOps FOCUS 1.0–1.2 cost and usage export (CSV)", _sniff, _read)
