"""OpenAI costs: Admin API ``/v1/organization/costs`` pages and the dashboard cost CSV export.

Costs are reported-cost rows: no tokens (unknown, not 0), the amount in dollars, attributed to the model a
line item names (``"gpt-4o-2024-08-06, input"``). Line items are not enumerated by OpenAI; the raw model
part is kept and unresolvable names stay unpriced rather than guessed. Line items of the built-in tools
(``"web search tool calls"``, ``"file search tool calls"``, ``"code interpreter sessions"``, vector store
storage) name no model: they are labelled ``tool charge (<line item>)``, as the Anthropic cost report's
non-token lines are ``unattributed (<description>)``, so they never pass for a model.

The dashboard CSV writes a day without costs as a row with only its time columns: skipped as an
``empty bucket``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd

from collectors.csvfile import read_csv
from collectors.format import Format, Peek
from collectors.jsonfile import load_json
from collectors.normalise import first_reason, not_usd, parse_money, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import IngestError, Source
from db.measures import TOOL_CHARGE

__all__ = ["API_FORMAT", "CSV_FORMAT", "TOOL_CHARGE", "cost_records", "line_item_model"]

UNATTRIBUTED = "unattributed (not grouped by line item)"
EMPTY_BUCKET = "empty bucket"
# Line items of OpenAI's built-in tools, however the API or the dashboard spells them.
_TOOL_ITEM = re.compile(
    r"\btool[ _]calls?\b|\b(?:web|file)[ _]search\b|\bcode[ _]interpreter\b|\bcomputer[ _]use\b"
    r"|\bvector[ _]stores?\b|\bcontainers?\b",
    re.IGNORECASE,
)


def line_item_model(line_items: pd.Series) -> pd.Series:
    """The model a line item names: the part before ``", "`` (``"gpt-4o, input"`` → ``gpt-4o``); a tool's
    line item is a tool charge, not a model.

    >>> line_item_model(pd.Series(["gpt-4o, cached input", "web search tool calls", None])).tolist()
    ['gpt-4o', 'tool charge (web search tool calls)', 'unattributed (not grouped by line item)']
    """
    items = text(line_items)
    model = items.str.split(", ", n=1).str[0]
    # Only the part that would name the model is looked at: "gpt-4o-search-preview, input" is a model.
    tool = model.str.contains(_TOOL_ITEM).fillna(False).astype(bool)
    model = model.mask(tool, items.map(TOOL_CHARGE.format, na_action="ignore"))
    return model.where(items.notna(), UNATTRIBUTED).astype(object)


def cost_records(
    frame: pd.DataFrame,
    times: pd.Series,
    time_reasons: pd.Series,
    amount: pd.Series,
    currency: pd.Series,
    skipped: pd.Series | None = None,
) -> pd.DataFrame:
    """Reported-cost records (no tokens) from cost rows; rows ``skipped`` names a kind for are skipped."""
    value = parse_money(amount, "amount")
    currency_reason = not_usd(currency)
    project = frame["project_id"] if "project_id" in frame.columns else None
    api_key = frame["api_key_id"] if "api_key_id" in frame.columns else None
    line_item = frame["line_item"] if "line_item" in frame.columns else pd.Series(None, index=frame.index)
    return make_records(
        frame.index,
        timestamp=times,
        provider="openai",
        model=line_item_model(line_item),
        project=project,
        api_key=api_key,
        reported_cost_usd=value.values,
        skipped=skipped,
        reason=first_reason(time_reasons, value.reasons, currency_reason),
    )


def _sniff_api(peek: Peek) -> bool:
    return peek.is_json_document and '"organization.costs.result"' in peek.text


def _read_api(source: Source) -> Iterator[Batch]:
    document = load_json(source)
    pages = document if isinstance(document, list) else [document]
    if not all(isinstance(page, dict) and isinstance(page.get("data"), list) for page in pages):
        raise IngestError(f"{source.name}: not an OpenAI costs page (expected an object with a 'data' list)")
    rows, raws, locations = [], [], []
    for p, page in enumerate(pages, start=1):
        for b, bucket in enumerate(page["data"], start=1):
            for r, result in enumerate(bucket.get("results") or [], start=1):
                amount = result.get("amount") or {}
                rows.append(
                    {
                        "start_time": bucket.get("start_time"),
                        "value": amount.get("value"),
                        "currency": amount.get("currency"),
                        "line_item": result.get("line_item"),
                        "project_id": result.get("project_id"),
                        "api_key_id": result.get("api_key_id"),
                    }
                )
                raws.append(json.dumps(result))
                locations.append(f"page {p}, bucket {b}, result {r}")
    columns = ["start_time", "value", "currency", "line_item", "project_id", "api_key_id"]
    frame = pd.DataFrame.from_records(rows, columns=columns)
    time = parse_timestamps(frame["start_time"], "bucket start_time", unit="s")
    yield Batch(
        cost_records(frame, time.values, time.reasons, frame["value"], frame["currency"]),
        pd.DataFrame({"raw": raws}, index=frame.index),
        len(frame),
        locations=pd.Series(locations, index=frame.index, dtype=object),
    )


def _sniff_csv(peek: Peek) -> bool:
    return peek.has_columns("start_time", "amount_value", "amount_currency")


def _read_csv(source: Source) -> Iterator[Batch]:
    for chunk in read_csv(source, required=(("start_time", "start_time_iso"), ("amount_value",))):
        frame = chunk.frame
        if "start_time_iso" in frame.columns:
            time = parse_timestamps(frame["start_time_iso"], "start_time_iso")
        else:
            time = parse_timestamps(frame["start_time"], "start_time", unit="s")
        currency = (
            frame["amount_currency"] if "amount_currency" in frame.columns else pd.Series("usd", index=frame.index)
        )
        # A day without costs: only the time columns are filled.
        filled = [c for c in frame.columns if c not in ("start_time", "end_time", "start_time_iso", "end_time_iso")]
        empty = (frame[filled].apply(lambda col: col.str.strip()) == "").all(axis=1)
        skipped = pd.Series(None, index=frame.index, dtype=object).mask(empty, EMPTY_BUCKET)
        yield chunk.batch(cost_records(frame, time.values, time.reasons, frame["amount_value"], currency, skipped))


API_FORMAT = Format("openai_costs_api", "OpenAI Costs API pages", _sniff_api, _read_api)
CSV_FORMAT = Format("openai_costs_csv", "OpenAI dashboard cost export (CSV)", _sniff_csv, _read_csv)
