"""The workloads table: what the Workloads page draws and ``exitplan workloads list`` prints, built once.

One row per workload, in the order they claim usage, with its cost (from
:func:`analysis.workloads.workload_costs`), its definition and the usage it claims in words; then one
"Unassigned" row for the usage no workload claims. Both the page and the command only pick columns from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd

from analysis.retirement import Retirement, retirement_of
from analysis.workload_rules import TASK_CATEGORIES, Workload, describe_rules
from pricing.book import PriceBook

__all__ = ["UNASSIGNED_USAGE", "WorkloadTotals", "workload_table", "workload_totals"]

# What the Unassigned row claims, in the words of the table's usage column.
UNASSIGNED_USAGE = "usage no rule matches"
# The definition fields each workload row carries, as the workload has them.
_DEFINITION = (
    "quality_floor_pct",
    "latency_slo_p95_s",
    "needs_tools",
    "needs_vision",
    "needs_json_schema",
    "needs_caching",
    "batch_tolerant",
    "position",
    "saved_at",
)
_COSTS = (
    "monthly_cost_usd",
    "spend_usd",
    "share",
    "requests",
    "input_tokens",
    "output_tokens",
    "top_model",
    "top_host",
    "top_model_id",
    "unpriced",
)


def workload_table(
    costs: pd.DataFrame, workloads: Sequence[Workload], book: PriceBook | None = None, today: date | None = None
) -> pd.DataFrame:
    """``workloads`` (saved or proposed) with their ``costs`` (:func:`~analysis.workloads.workload_costs` of
    the same workloads), one row each in order, and the Unassigned row last.

    Columns: ``id`` (missing for a proposal not saved yet and for the Unassigned row), ``name``,
    ``task_category`` and ``task`` (its label), ``criticality``, the cost columns of ``costs``, the
    workload's definition (``quality_floor_pct``, ``latency_slo_p95_s``, the needs flags, ``position``,
    ``saved_at``), ``rules`` (the fields each rule names) and ``rules_text`` (the usage it claims, in
    words), ``saved`` and ``unassigned``. With a price ``book``, the top model's retirement at its host:
    ``retires_on`` (a date or None), ``successor`` and ``retirement`` (in words, e.g. "retires 2027-01-14 →
    gpt-6-luna"). The Unassigned row has blanks, not "None", where it has no value (task, criticality, top
    model), and no definition. ``attrs["window"]`` is that of ``costs``.

    Raises ValueError when ``costs`` is not of these workloads (a bug: both come from one read).
    """
    ordered = sorted(workloads, key=lambda w: (w.position, w.id or 0))
    ids = [w.id for w in ordered]
    listed = [None if pd.isna(i) else int(i) for i in costs["workload_id"].iloc[:-1]]
    if len(costs) != len(ordered) + 1 or listed != ids or costs["name"].iloc[-1] != "Unassigned":
        raise ValueError("the costs are not those of these workloads")
    rows: list[dict[str, object]] = [
        {
            "id": w.id,
            "name": w.name,
            "task_category": w.task_category,
            "task": TASK_CATEGORIES.get(w.task_category, ""),
            "criticality": w.criticality,
            **{field: getattr(w, field) for field in _DEFINITION},
            "rules": [rule.given() for rule in w.rules],
            "rules_text": describe_rules(w.rules),
            "saved": w.id is not None,
            "unassigned": False,
        }
        for w in ordered
    ]
    rows.append(
        {
            "id": None,
            "name": "Unassigned",
            "task_category": None,
            "task": "",
            "criticality": "",
            **dict.fromkeys(_DEFINITION),
            "rules": None,
            "rules_text": UNASSIGNED_USAGE,
            "saved": False,
            "unassigned": True,
        }
    )
    table = pd.DataFrame(rows)
    for name in _COSTS:
        table[name] = costs[name].to_numpy()
    table["id"] = table["id"].astype("Int64")
    table["position"] = table["position"].astype("Int64")
    # As the workloads have them: pandas would make the save times a datetime64 column of Timestamps.
    table["saved_at"] = pd.Series([row["saved_at"] for row in rows], dtype=object)
    table["quality_floor_pct"] = table["quality_floor_pct"].astype("float64")
    table["latency_slo_p95_s"] = table["latency_slo_p95_s"].astype("float64")
    # A workload whose usage has no model (or none in the window) has no top model: blank, as the Unassigned row.
    table["top_model"] = table["top_model"].astype(object).where(table["top_model"].notna(), "")
    retirements = [
        retirement_of(book, str(host), str(model)) if book is not None and isinstance(model, str) else None
        for host, model in zip(table["top_host"], table["top_model_id"], strict=True)
    ]
    table["retires_on"] = [r.retires_on if r else None for r in retirements]
    table["successor"] = [r.successor if r else None for r in retirements]
    table["retirement"] = [_retirement_words(r, today or datetime.now(UTC).date()) for r in retirements]
    columns = [
        "id",
        "name",
        "task_category",
        "task",
        "criticality",
        *_COSTS,
        *_DEFINITION,
        "rules",
        "rules_text",
        "retires_on",
        "successor",
        "retirement",
        "saved",
        "unassigned",
    ]
    result = table[columns]
    result.attrs["window"] = costs.attrs.get("window")
    return result


def _retirement_words(retirement: Retirement | None, today: date) -> str:
    """A retirement in a table cell.

    >>> day = date(2026, 12, 5)
    >>> _retirement_words(Retirement("openai", "gpt-4o", date(2027, 1, 14), "gpt-6-luna", None), day)
    'retires 2027-01-14 → gpt-6-luna'
    >>> _retirement_words(Retirement("anthropic", "claude-sonnet-4-5", date(2026, 11, 30), None, None), day)
    'retired 2026-11-30'
    """
    if retirement is None or retirement.retires_on is None:
        return "—"
    verb = "retired" if retirement.retires_on <= today else "retires"
    then = f" → {retirement.successor}" if retirement.successor else ""
    return f"{verb} {retirement.retires_on:%Y-%m-%d}{then}"


@dataclass(frozen=True)
class WorkloadTotals:
    """The headline of a :func:`workload_table`: how many workloads, the monthly cost they cover, the share
    of spend none claims, the workloads (or Unassigned) with unpriced usage, and the window's first and last
    day (None on an empty ledger)."""

    workloads: int
    monthly_cost_usd: float | None  # None: none of their usage has a price or a reported cost
    unassigned_share: float
    unpriced: list[str]
    window: tuple[date, date] | None


def workload_totals(table: pd.DataFrame) -> WorkloadTotals:
    """The totals of ``table`` (a :func:`workload_table`).

    >>> costs = pd.DataFrame({"workload_id": [None], "name": ["Unassigned"], "monthly_cost_usd": [0.0],
    ...     "spend_usd": [0.0], "share": [0.0], "requests": [0], "input_tokens": [0], "output_tokens": [0],
    ...     "top_model": [None], "top_host": [None], "top_model_id": [None], "unpriced": [False]})
    >>> workload_totals(workload_table(costs, []))
    WorkloadTotals(workloads=0, monthly_cost_usd=0.0, unassigned_share=0.0, unpriced=[], window=None)
    """
    claimed = table[~table["unassigned"]]
    costs = claimed["monthly_cost_usd"]
    window = table.attrs.get("window")
    return WorkloadTotals(
        workloads=len(claimed),
        monthly_cost_usd=None if len(costs) and costs.isna().all() else float(costs.sum()),
        unassigned_share=float(table.loc[table["unassigned"], "share"].sum()),
        unpriced=[str(name) for name in table.loc[table["unpriced"], "name"]],
        window=(date.fromisoformat(window[0]), date.fromisoformat(window[1])) if window else None,
    )
