"""The cost CSV exported from the Claude Console's Cost page (FORMATS.md §2.3, observed headers).

Header::

    usage_date_utc,model,workspace,api_key,usage_type,context_window,token_type,cost_usd,list_price_usd,
    cost_type,inference_geo,speed

The newest exports add ``api_key_id,api_key_status``; the oldest stop at ``…,token_type,cost_usd``.
All are read.

Each row is a reported-cost row: no tokens, ``requests`` missing, ``reported_cost_usd`` = ``cost_usd``,
which is in **dollars** here (unlike the cost API's cents, §0 pitfall 4). ``cost_usd`` is what was
billed; ``list_price_usd`` (before discounts) is not kept. Web-search cost lines are not seen in observed
exports, so this file's total can fall short of the cost API's for the same days.

``model`` is a **display name** (``Claude Sonnet 4.5``) and is kept as written; a row naming no model
is kept under ``unattributed (<cost_type or token_type>)``. ``workspace`` (a name) → project,
``api_key`` (the key's name, as in the usage CSV, so the two exports agree) → api key,
``usage_type`` → service tier only when it names a tier (observed exports say ``message``, which is
not one), ``context_window`` (``≤ 200k`` → 0, ``> 200k`` → 200000) → prompt-size band,
``inference_geo`` → host. ``token_type`` and ``cost_type`` have no ledger column. No tags, so no ``feature``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from collectors.csvfile import csv_batches
from collectors.format import Format, Peek
from collectors.formats.anthropic_usage_api import context_window_bands, inference_geo_hosts, service_tiers
from collectors.normalise import first_reason, parse_numbers, parse_timestamps, text
from collectors.records import Batch, make_records
from collectors.source import Source

__all__ = ["FORMAT"]

PROVIDER = "anthropic"
UNATTRIBUTED = "unattributed (no model named)"


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series("", index=frame.index, dtype=object)


def _models(frame: pd.DataFrame) -> pd.Series:
    model = text(_column(frame, "model"))
    kind = text(_column(frame, "cost_type"))
    kind = kind.where(kind.notna(), text(_column(frame, "token_type")))
    label = ("unattributed (" + kind.astype(str) + ")").where(kind.notna(), UNATTRIBUTED)
    return model.where(model.notna(), label).astype(object)


def _records(frame: pd.DataFrame) -> pd.DataFrame:
    time = parse_timestamps(frame["usage_date_utc"], "usage_date_utc")
    # Dollars, unlike the API's cents; required, since a cost row without its cost says nothing.
    cost = parse_numbers(frame["cost_usd"], "cost_usd", required=True)
    tier, batch = service_tiers(_column(frame, "usage_type"))
    return make_records(
        frame.index,
        timestamp=time.values,
        provider=PROVIDER,
        host=inference_geo_hosts(_column(frame, "inference_geo")),
        model=_models(frame),
        project=_column(frame, "workspace"),
        api_key=_column(frame, "api_key"),
        service_tier=tier,
        batch=batch,
        reported_cost_usd=cost.values,
        prompt_band=context_window_bands(_column(frame, "context_window")),
        reason=first_reason(time.reasons, cost.reasons),
    )


def _sniff(peek: Peek) -> bool:
    return peek.has_columns("usage_date_utc", "model", "token_type", "cost_usd")


def _read(source: Source) -> Iterator[Batch]:
    yield from csv_batches(source, _records, required=(("usage_date_utc",), ("cost_usd",)))


FORMAT = Format("anthropic_console_cost_csv", "Claude Console cost export (CSV)", _sniff, _read)
