"""The priced ledger as a FinOps FOCUS 1.2 cost and usage CSV, so FinOps tools can take exitplan's figures in.

FOCUS (≤1.2) has no token columns: as the clouds do, each day's usage of a model is one charge row per part
of its price — uncached input, cache reads, cache writes, output (reasoning included) and per-request fees —
told apart by ``SkuMeter``, with the tokens in ``ConsumedQuantity`` and per million in ``PricingQuantity``.

What the columns hold here:

- the costs (``BilledCost``, ``EffectiveCost``, ``ListCost``, ``ContractedCost``) are exitplan's price of the
  usage at the prices in force on its day — the user's own prices and discounts included — not an invoice;
  ``x_ExitplanCostStatus`` says "priced", "reported" (a cost the source itself reported, where exitplan has
  no price) or "unpriced";
- an **unpriced** row keeps its tokens and leaves every cost **empty**: it is never $0, and its
  ``ChargeDescription`` says no price source knows the model;
- a cost-only row (a cost report, a cloud bill) is a "reported" charge with no quantity, on the days its
  provider has no token usage in the ledger; where it has, the tokens carry the cost and the report is left
  out, as exitplan's spend leaves it out (:mod:`analysis.spend`);
- ``ProviderName``/``InvoiceIssuerName`` are the provider, ``ResourceName`` the host (an Azure account, a
  region), ``SubAccountName`` the project, ``Tags`` the feature tag — the fields exitplan's own FOCUS
  importer reads back.

Text a user named (projects, features, hosts) is neutralised for spreadsheets (:mod:`reports.safety`).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any, cast

import pandas as pd

from reports.safety import neutralise

__all__ = ["EXTENSION_COLUMNS", "FOCUS_COLUMNS", "focus_csv"]

# FOCUS 1.2's columns (the specification's, in its alphabetical order).
FOCUS_COLUMNS: tuple[str, ...] = (
    "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingAccountType",
    "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "CapacityReservationId",
    "CapacityReservationStatus", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
    "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId",
    "CommitmentDiscountName", "CommitmentDiscountQuantity", "CommitmentDiscountStatus", "CommitmentDiscountType",
    "CommitmentDiscountUnit", "ConsumedQuantity", "ConsumedUnit", "ContractedCost", "ContractedUnitPrice",
    "EffectiveCost", "InvoiceId", "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory",
    "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost",
    "PricingCurrencyListUnitPrice", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId",
    "RegionName", "ResourceId", "ResourceName", "ResourceType", "ServiceCategory", "ServiceName",
    "ServiceSubcategory", "SkuId", "SkuMeter", "SkuPriceDetails", "SkuPriceId", "SubAccountId", "SubAccountName",
    "SubAccountType", "Tags",
)  # fmt: skip
# Extension columns ("x_" by the specification's rule): what exitplan knows that FOCUS has no column for.
EXTENSION_COLUMNS: tuple[str, ...] = ("x_ExitplanCostStatus", "x_ExitplanPriceSource", "x_ExitplanModel")

# Numbers are written as numbers: only text is neutralised.
_NUMBERS = frozenset(
    {
        "BilledCost",
        "EffectiveCost",
        "ListCost",
        "ContractedCost",
        "ListUnitPrice",
        "ContractedUnitPrice",
        "ConsumedQuantity",
        "PricingQuantity",
    }
)
# Each part of a price: its meter, its cost column, its unit.
_PARTS = (
    ("input tokens", "input_usd", "Tokens"),
    ("cache read tokens", "cache_read_usd", "Tokens"),
    ("cache write tokens", "cache_write_usd", "Tokens"),
    ("output tokens", "output_usd", "Tokens"),
    ("requests", "requests_usd", "Requests"),
)


def _decimal(value: float) -> str:
    """A FOCUS Decimal: plain digits, no exponent, no float noise.

    >>> _decimal(13.2413240000001), _decimal(2e-07), _decimal(5.0)
    ('13.241324', '0.0000002', '5')
    """
    text = f"{round(value, 10):.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _month(day: date, later: int = 0) -> date:
    total = day.year * 12 + day.month - 1 + later
    return date(total // 12, total % 12 + 1, 1)


def _number(row: dict[str, Any], name: str) -> float:
    value = row.get(name)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    return float(value)


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _quantities(row: dict[str, Any]) -> dict[str, float]:
    """Each part's quantity: the ledger's input counts cache reads and writes inside it (ARCHITECTURE §3)."""
    cache_read, cache_write = _number(row, "cache_read_tokens"), _number(row, "cache_write_tokens")
    return {
        "input tokens": _number(row, "input_tokens") - cache_read - cache_write,
        "cache read tokens": cache_read,
        "cache write tokens": cache_write,
        "output tokens": _number(row, "output_tokens"),
        "requests": _number(row, "requests"),
    }


def _charges(row: dict[str, Any]) -> Iterator[dict[str, str]]:
    day = row["day"] if isinstance(row["day"], date) else pd.Timestamp(row["day"]).date()
    provider, model = _text(row.get("provider")), _text(row.get("model"))
    host, project, feature = _text(row.get("host")), _text(row.get("project")), _text(row.get("feature"))
    details = {
        "ServiceTier": _text(row.get("service_tier")) or "standard",
        "Batch": bool(row.get("batch")) if _text(row.get("batch")) else False,
        "PromptTokensAbove": int(_number(row, "prompt_band")),
    }
    common = {
        "BillingAccountId": provider,
        "BillingAccountName": provider,
        "BillingCurrency": "USD",
        "BillingPeriodStart": _stamp(_month(day)),
        "BillingPeriodEnd": _stamp(_month(day, 1)),
        "ChargeCategory": "Usage",
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodStart": _stamp(day),
        "ChargePeriodEnd": _stamp(day + timedelta(days=1)),
        "InvoiceIssuerName": provider,
        "PricingCategory": "Standard",
        "ProviderName": provider,
        "PublisherName": provider,
        "ResourceId": host,
        "ResourceName": host,
        "ServiceCategory": "AI and Machine Learning",
        "ServiceName": f"{provider} models" if provider else "",
        "ServiceSubcategory": "Generative AI",
        "SkuPriceDetails": json.dumps(details, sort_keys=True),
        "SubAccountId": project,
        "SubAccountName": project,
        "SubAccountType": "Project" if project else "",
        "Tags": json.dumps({"feature": feature}, sort_keys=True) if feature else "",
        "x_ExitplanModel": model,
    }
    quantities = _quantities(row)
    has_usage = any(q > 0 for q in quantities.values())
    unpriced = bool(row.get("unpriced")) or (has_usage and math.isnan(_number_or_nan(row, "cost_usd")))
    source = _text(row.get("price_source"))
    for meter, cost_column, unit in _PARTS:
        quantity = quantities[meter]
        cost = _number_or_nan(row, cost_column)
        # A request is a charge only where the model has a per-request fee; tokens always are.
        if (quantity <= 0 and not cost > 0) or (unit == "Requests" and not cost > 0):
            continue
        per = 1e6 if unit == "Tokens" else 1e3
        charge = {
            **common,
            "ChargeDescription": f"{model} {meter}, priced by exitplan ({source})"
            if not unpriced
            else f"{model} {meter}: unpriced — no price source knows this model; cost left empty, not $0",
            "ConsumedQuantity": _decimal(quantity),
            "ConsumedUnit": unit,
            "PricingQuantity": _decimal(quantity / per),
            "PricingUnit": f"{per:.0f} {unit}",
            "SkuId": f"{provider}/{model}/{meter.replace(' ', '-')}",
            "SkuMeter": f"{model} {meter}",
            "x_ExitplanCostStatus": "unpriced" if unpriced else "priced",
            "x_ExitplanPriceSource": "" if unpriced else source,
        }
        if not unpriced and not math.isnan(cost):
            money = _decimal(cost)
            charge.update(BilledCost=money, EffectiveCost=money, ListCost=money, ContractedCost=money)
            if quantity > 0:
                price = _decimal(cost / (quantity / per))
                charge.update(ListUnitPrice=price, ContractedUnitPrice=price)
        yield charge
    reported = _number_or_nan(row, "reported_cost_usd")
    spend = _number_or_nan(row, "spend_usd")
    # A cost the source reported counts where exitplan has no price for the usage, or for a cost-only row
    # on a day its provider has no tokens (spend then equals it; where tokens cover the day, spend is 0).
    if not math.isnan(reported) and reported > 0 and (unpriced or not has_usage) and spend > 0:
        money = _decimal(spend)
        yield {
            **common,
            "BilledCost": money,
            "EffectiveCost": money,
            "ListCost": money,
            "ContractedCost": money,
            "ChargeDescription": f"{model or 'usage'}: cost as the source reported it",
            "SkuId": f"{provider}/{model}/reported-cost",
            "SkuMeter": f"{model} reported cost".strip(),
            "x_ExitplanCostStatus": "reported",
            "x_ExitplanPriceSource": "the source's own cost report",
        }


def _number_or_nan(row: dict[str, Any], name: str) -> float:
    value = row.get(name)
    if value is None or value is pd.NA:
        return math.nan
    return float(value)


def focus_csv(priced: pd.DataFrame) -> bytes:
    """``priced`` (from :func:`analysis.spend.priced_usage`, ideally by host, project and feature) as a FOCUS
    1.2 CSV: the specification's 57 columns then exitplan's extensions, one charge per row, UTF-8. Rows are
    sorted, so the same ledger gives the same bytes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    columns = (*FOCUS_COLUMNS, *EXTENSION_COLUMNS)
    writer.writerow(columns)
    records = cast(list[dict[str, Any]], priced.to_dict("records"))
    charges = [charge for row in records for charge in _charges(row)]
    charges.sort(
        key=lambda c: (
            c["ChargePeriodStart"],
            c["ProviderName"],
            c["x_ExitplanModel"],
            c["ResourceName"],
            c["SubAccountName"],
            c["Tags"],
            c["SkuPriceDetails"],
            c["SkuId"],
        )
    )
    for charge in charges:
        writer.writerow([charge.get(c, "") if c in _NUMBERS else neutralise(charge.get(c, "")) for c in columns])
    return out.getvalue().encode()
