"""Google Cloud Billing export to BigQuery (``gcp_billing_export_v1_…``), exported as JSON lines (FORMATS.md §5.2).

A billing export holds every Google Cloud charge; exitplan imports the AI ones as reported-cost rows
(tokens and ``requests`` unknown) and skips the rest as not usage, counted per kind, so the row counts
reconcile:

- AI rows are those of Vertex AI, the Gemini API (Generative Language API) or AI Platform, or whose SKU
  names a model. Other services are skipped as ``not AI: <service>``.
- Only ``cost_type`` ``regular`` is usage; tax, adjustment and rounding-error rows are skipped as
  ``not usage: <cost_type>``.
- ``reported_cost_usd`` is ``cost``, the charge **before credits**: ``credits[]`` (free tier, committed-use
  and promotional credits) are not subtracted, because they are account-level offsets that would not
  follow the usage to another host. ``currency`` must be USD; other currencies are rejected.
- ``model`` is the model ``sku.description`` names (``Gemini 2.5 Flash GA Text Input - Predictions`` →
  ``gemini-2.5-flash``, see :mod:`collectors.formats.attribution`), else ``unattributed (<SKU>)``.
- ``provider`` is ``google``; ``host`` is ``location.region`` (or ``location.location``); ``project`` is
  ``project.id``; ``feature`` follows the tag rule over the row's ``labels``.
- The time is ``usage_start_time`` (``2025-09-01 09:00:00 UTC`` in the JSON export, ISO 8601 elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

from collectors.format import Format, Peek
from collectors.formats.attribution import model_named, tags_feature
from collectors.jsonfile import read_json_lines
from collectors.normalise import first_reason, not_usd, parse_money, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import Source

__all__ = ["AI_SERVICES", "FORMAT"]

# Service descriptions whose charges are AI usage (matched case-insensitively as words).
AI_SERVICES = re.compile(r"\b(?:vertex ai|gemini|generative language|ai platform)\b", re.IGNORECASE)


def _sniff(peek: Peek) -> bool:
    line = peek.first_json_line
    return isinstance(line, dict) and {"billing_account_id", "sku", "cost"} <= line.keys()


def _part(record: dict[str, object], name: str, key: str) -> object:
    value = record.get(name)
    return value.get(key) if isinstance(value, dict) else None


def _fields(record: dict[str, object]) -> dict[str, object]:
    return {
        "time": record.get("usage_start_time"),
        "service": _part(record, "service", "description"),
        "sku": _part(record, "sku", "description"),
        "cost_type": record.get("cost_type"),
        "cost": record.get("cost"),
        "currency": record.get("currency"),
        "project": _part(record, "project", "id"),
        "region": _part(record, "location", "region") or _part(record, "location", "location"),
        "feature": tags_feature(record.get("labels")),
    }


_COLUMNS = list(_fields({}))


def billing_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Records from a frame of the fields taken from each export row (see ``_fields``)."""
    # BigQuery's JSON export writes TIMESTAMPs as "YYYY-MM-DD HH:MM:SS[.ffffff] UTC".
    times = frame["time"].map(lambda v: v.removesuffix(" UTC") if isinstance(v, str) else v, na_action="ignore")
    time = parse_timestamps(times, "usage_start_time")
    cost = parse_money(frame["cost"], "cost")
    service = text(frame["service"])
    sku = text(frame["sku"])
    named = sku.map(model_named, na_action="ignore")
    model = named.where(named.notna(), "unattributed (" + sku.fillna("no SKU").astype(str) + ")")
    is_ai = service.fillna("").str.contains(AI_SERVICES) | named.notna()
    cost_type = text(frame["cost_type"]).str.lower()
    currency = text(frame["currency"]).str.upper()
    nothing = pd.Series(None, index=frame.index, dtype=object)
    skipped = nothing.mask(~is_ai, "not AI: " + service.fillna("no service").astype(str)).mask(
        cost_type.notna() & (cost_type != "regular"), "not usage: " + cost_type.astype(str)
    )
    no_cost = nothing.mask(cost.values.isna() & cost.reasons.isna(), "cost is missing")
    wrong_currency = not_usd(currency, required=True)
    return make_records(
        frame.index,
        timestamp=time.values,
        provider="google",
        host=frame["region"],
        model=model,
        project=frame["project"],
        feature=frame["feature"],
        reported_cost_usd=cost.values,
        skipped=skipped,
        reason=first_reason(time.reasons, cost.reasons, no_cost, wrong_currency),
    )


def _read(source: Source) -> Iterator[Batch]:
    for chunk in read_json_lines(source):
        frame = pd.DataFrame.from_records([_fields(r) for r in chunk.records], columns=_COLUMNS)
        yield chunk.batch(billing_records(frame))


FORMAT = Format("gcp_billing_export", "Google Cloud Billing export to BigQuery (JSON lines)", _sniff, _read)
