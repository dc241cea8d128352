"""Azure Cost Management exports and the Cost Details API CSV (FORMATS.md §3.2).

The MCA layout (camelCase, ``costInBillingCurrency``, dates ``MM/DD/YYYY``) is the reference; EA exports
name the same fields in PascalCase (``Date``, ``MeterName``, ``CostInBillingCurrency``, ``ResourceGroup``)
and, as the header is read case-insensitively, read the same way. A cost export holds every Azure charge;
exitplan imports the AI ones as reported-cost rows (tokens and ``requests`` unknown) and skips the rest as
not usage, counted per kind, so the row counts reconcile:

- AI rows: ``consumedService`` ``Microsoft.CognitiveServices`` / ``Microsoft.MachineLearningServices``,
  ``serviceFamily`` "AI + Machine Learning", ``meterCategory`` "Cognitive Services" / "Foundry Models",
  or a ``meterSubCategory`` naming Azure OpenAI. Other rows are skipped as ``not AI: <meterCategory>``.
- Only ``chargeType`` ``Usage`` is usage; purchases (e.g. PTU reservations), refunds and taxes are skipped as
  ``not usage: <chargeType>``.
- ``reported_cost_usd`` is ``costInBillingCurrency`` (EA: ``CostInBillingCurrency`` or ``Cost``) when
  ``billingCurrency`` is USD; rows billed in another (or no stated) currency are rejected with a reason.
- ``model`` is the model the ``meterName`` names — its only home (``gpt-4o-0806-Inp-glbl Tokens`` →
  ``gpt-4o-0806``, spelled inconsistently, read defensively by :mod:`collectors.formats.attribution`),
  else ``unattributed (<meter>)``. The direction (input, output, cached) only matters for token counts,
  which a cost-only row does not record; ``quantity`` and ``unitOfMeasure`` (``1K``/``1M``) are left.
- ``provider`` is ``azure``; ``host`` is the account the charge is for (the last part of ``ResourceId``;
  the deployment is not in the export); ``project`` is ``resourceGroupName`` (else ``subscriptionName``);
  ``feature`` follows the tag rule over ``tags``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from collectors.csvfile import csv_batches
from collectors.format import Format, Peek
from collectors.formats.attribution import model_named, tags_feature
from collectors.normalise import first_reason, not_usd, parse_money, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import Source

__all__ = ["FORMAT", "azure_dates", "cost_rows_are_ai"]

_DATE = ("date", "usagedatetime")
_COST = ("costinbillingcurrency", "cost", "pretaxcost")
_CURRENCY = ("billingcurrency", "billingcurrencycode", "currency")
_GROUP = ("resourcegroupname", "resourcegroup")
_AI_SERVICES = {"microsoft.cognitiveservices", "microsoft.machinelearningservices"}
_AI_CATEGORIES = {"cognitive services", "foundry models", "azure openai"}
_US_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})")


def _sniff(peek: Peek) -> bool:
    header = set(peek.csv_header)
    return (
        peek.has_columns("metername", "metercategory")
        and bool(header & set(_COST))
        and bool(header & set(_DATE))
        and not peek.has_columns("billedcost")
    )


def _column(frame: pd.DataFrame, *names: str) -> pd.Series:
    for name in names:
        if name in frame.columns:
            return frame[name]
    return pd.Series("", index=frame.index, dtype=object)


def azure_dates(raw: pd.Series) -> pd.Series:
    """Azure's ``MM/DD/YYYY`` dates as ISO 8601 text; other text is left for the ISO parser.

    >>> azure_dates(pd.Series(["09/01/2025", "2025-09-02"])).tolist()
    ['2025-09-01', '2025-09-02']
    """
    return raw.astype(object).map(
        lambda v: _US_DATE.sub(lambda m: f"{m[3]}-{int(m[1]):02d}-{int(m[2]):02d}", v) if isinstance(v, str) else v
    )


def cost_rows_are_ai(frame: pd.DataFrame) -> pd.Series:
    """Which rows of a cost export are AI services (see the module docstring)."""
    service = text(_column(frame, "consumedservice")).str.lower()
    family = text(_column(frame, "servicefamily")).str.lower()
    category = text(_column(frame, "metercategory")).str.lower()
    subcategory = text(_column(frame, "metersubcategory")).str.lower()
    return (
        service.isin(_AI_SERVICES)
        | (family == "ai + machine learning")
        | category.isin(_AI_CATEGORIES)
        | subcategory.fillna("").str.contains("openai")
    )


def _account(resource_ids: pd.Series) -> pd.Series:
    """The resource's own name: the last segment of an ARM resource id."""
    return text(resource_ids).str.rstrip("/").str.rsplit("/", n=1).str[-1]


def azure_cost_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Records from a cost export chunk (lower-cased header, text cells)."""
    time = parse_timestamps(azure_dates(_column(frame, *_DATE)), "date")
    cost = parse_money(_column(frame, *_COST), "costInBillingCurrency")
    currency = text(_column(frame, *_CURRENCY)).str.upper()
    meter = text(_column(frame, "metername"))
    named = meter.map(model_named, na_action="ignore")
    model = named.where(named.notna(), "unattributed (" + meter.fillna("no meter").astype(str) + ")")
    category = text(_column(frame, "metercategory")).fillna("not given")
    charge = text(_column(frame, "chargetype"))
    group = text(_column(frame, *_GROUP))
    project = group.where(group.notna(), text(_column(frame, "subscriptionname")))
    nothing = pd.Series(None, index=frame.index, dtype=object)
    skipped = nothing.mask(~cost_rows_are_ai(frame), "not AI: " + category.astype(str)).mask(
        charge.notna() & (charge.str.lower() != "usage"), "not usage: " + charge.astype(str)
    )
    no_cost = nothing.mask(cost.values.isna() & cost.reasons.isna(), "costInBillingCurrency is missing")
    wrong_currency = not_usd(currency, required=True)
    return make_records(
        frame.index,
        timestamp=time.values,
        provider="azure",
        host=_account(_column(frame, "resourceid")),
        model=model,
        project=project,
        feature=_column(frame, "tags").map(tags_feature),
        reported_cost_usd=cost.values,
        skipped=skipped,
        reason=first_reason(time.reasons, cost.reasons, no_cost, wrong_currency),
    )


def _read(source: Source) -> Iterator[Batch]:
    yield from csv_batches(source, azure_cost_records, required=(_DATE, _COST, ("metername",)))


FORMAT = Format("azure_cost_export", "Azure Cost Management cost details export (CSV)", _sniff, _read)
