"""Anthropic Admin API cost report pages: ``GET /v1/organizations/cost_report`` (FORMATS.md §2.2).

A file holds one page (``{"data": [buckets…], "has_more", "next_page"}``) or a JSON list of pages.
Each result is a reported-cost row at its bucket's ``starting_at``: no tokens, ``requests`` missing.

``amount`` is a decimal **string in cents** (§0 pitfall 4): ``"123.45"`` with currency ``USD`` is
$1.2345, so ``reported_cost_usd = amount / 100``. Any other currency is rejected with its reason
rather than mixed into USD totals.

The model is the API model id the line names. Non-token costs (web search, code execution, session
usage) name no model; they are kept under ``unattributed (<description>)`` (or the ``cost_type``), so
they stay visible in reported totals without being priced. A token line with a null ``model`` but a
description (``"Claude Sonnet 4 Usage - Input Tokens"``) is attributed to the display name it names;
a report not grouped by description names neither and lands under :data:`UNATTRIBUTED`.

Dimensions: ``workspace_id`` → project (null unless grouped, or the default workspace),
``service_tier`` as is (``batch`` also sets ``batch``), ``context_window`` → prompt-size band
(``0-200k`` → 0, ``200k-1M`` → 200000), ``inference_geo`` → host. ``token_type``, ``cost_type`` and
``description`` only shape the model label; there is no ledger column for them. No tags, so no
``feature``. Priority Tier costs are not in this endpoint; code execution is only here (§2.2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd

from collectors.format import Format, Peek
from collectors.formats.anthropic_usage_api import (
    api_results,
    context_window_bands,
    inference_geo_hosts,
    service_tiers,
)
from collectors.jsonfile import load_json
from collectors.normalise import first_reason, not_usd, parse_numbers, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import Source

__all__ = ["FORMAT", "UNATTRIBUTED", "cost_models"]

PROVIDER = "anthropic"
UNATTRIBUTED = "unattributed (not grouped by description)"
_FIELDS = (
    "starting_at",
    "amount",
    "currency",
    "cost_type",
    "description",
    "model",
    "service_tier",
    "token_type",
    "context_window",
    "inference_geo",
    "workspace_id",
)
_AMOUNT_TEXT = re.compile(r'"amount"\s*:\s*"')
# A cost line's description names its model before this: "Claude Sonnet 4 Usage - Input Tokens".
_USAGE_OF = " Usage - "


def cost_models(models: pd.Series, descriptions: pd.Series, cost_types: pd.Series) -> pd.Series:
    """The model each cost line is attributed to, or a label saying why it has none.

    >>> cost_models(
    ...     pd.Series(["claude-sonnet-4-20250514", None, None]),
    ...     pd.Series([None, "Web Search Usage", "Claude Opus 4 Usage - Output Tokens"]),
    ...     pd.Series(["tokens", "web_search", "tokens"]),
    ... ).tolist()
    ['claude-sonnet-4-20250514', 'unattributed (Web Search Usage)', 'Claude Opus 4']
    """
    model = text(models)
    description = text(descriptions)
    cost_type = text(cost_types)
    named = description.str.split(_USAGE_OF, n=1).str[0].where(description.str.contains(_USAGE_OF, regex=False))
    # Only token lines name a model in their description; "Code Execution Usage" does not.
    named = named.where(cost_type.isna() | (cost_type == "tokens"))
    why = description.where(description.notna(), cost_type)
    label = ("unattributed (" + why.astype(str) + ")").where(why.notna(), UNATTRIBUTED)
    return model.where(model.notna(), named.where(named.notna(), label)).astype(object)


def _records(frame: pd.DataFrame) -> pd.DataFrame:
    time = parse_timestamps(frame["starting_at"], "bucket starting_at")
    # Required: a cost line without its amount says nothing (parse_money would let it pass as missing).
    cents = parse_numbers(frame["amount"], "amount", required=True)
    currency_reason = not_usd(frame["currency"])
    tier, batch = service_tiers(frame["service_tier"])
    return make_records(
        frame.index,
        timestamp=time.values,
        provider=PROVIDER,
        host=inference_geo_hosts(frame["inference_geo"]),
        model=cost_models(frame["model"], frame["description"], frame["cost_type"]),
        project=frame["workspace_id"],
        service_tier=tier,
        batch=batch,
        # The API reports cents (lowest currency unit) as a decimal string.
        reported_cost_usd=cents.values / 100,
        prompt_band=context_window_bands(frame["context_window"]),
        reason=first_reason(
            time.reasons,
            frame["problem"].astype(object),
            cents.reasons,
            currency_reason,
        ),
    )


def _row(result: object, starting_at: object) -> dict[str, object]:
    if not isinstance(result, dict):
        return {"starting_at": starting_at, "problem": "result is not an object"}
    row: dict[str, object] = {name: result.get(name) for name in _FIELDS}
    row["starting_at"] = starting_at
    row["problem"] = None
    return row


def _sniff(peek: Peek) -> bool:
    # An amount given as a string sets it apart from OpenAI's costs ({"amount": {"value": …}}).
    return (
        peek.is_json_document
        and _AMOUNT_TEXT.search(peek.text) is not None
        and '"currency"' in peek.text
        and ('"starting_at"' in peek.text or '"ending_at"' in peek.text)
    )


def _read(source: Source) -> Iterator[Batch]:
    rows: list[dict[str, object]] = []
    raws: list[str] = []
    locations: list[str] = []
    for where, starting_at, result in api_results(load_json(source), source, "cost report"):
        rows.append(_row(result, starting_at))
        raws.append(json.dumps(result))
        locations.append(where)
    frame = pd.DataFrame.from_records(rows, columns=[*_FIELDS, "problem"])
    yield Batch(
        _records(frame),
        pd.DataFrame({"raw": raws}, index=frame.index),
        len(frame),
        locations=pd.Series(locations, index=frame.index, dtype=object),
    )


FORMAT = Format("anthropic_cost_api", "Anthropic Admin API cost report pages", _sniff, _read)
