"""Exposure: what the risk score reads, gathered once from the ledger, the price book and the alternatives.

The core is the company's monthly spend split by workload × host × model over the estimate window, each
row with the usage that does not move for free (fine-tuning, embeddings, prompt caching, batch). Beside it,
the facts about each model and host: its retirement at the host, its price changes, the host's incidents,
and per workload its exit options — the eligible candidates on another host whose evidence meets the
floor. A scenario (an action to consider) is the same exposure with some rows moved, so the score of an
action is computed by scoring again, never written by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine

from analysis.alternatives import Alternatives, Option, alternatives
from analysis.assumptions import DAYS_PER_MONTH, WINDOW_DAYS
from analysis.ranking import MEETS_FLOOR
from analysis.retirement import Retirement, retirement_of
from analysis.spend import priced_usage
from analysis.workload_proposals import last_days
from analysis.workload_rules import Workload, assign_workloads
from db.usage import read_usage
from pricing.book import PriceBook
from pricing.comparison import price_history
from pricing.identity import family_of

__all__ = [
    "TREND_DAYS",
    "ExitOptions",
    "Exposure",
    "PriceChanges",
    "exit_options_of",
    "exposure",
    "price_changes_of",
    "spend_rows",
]

# The trend compares the window with the 90 days before it: a quarter, long enough not to be a blip.
TREND_DAYS = 90
# Price changes count over two years: long enough to see a vendor reprice, short enough to be today's vendor.
PRICE_CHANGE_DAYS = 730
UNASSIGNED = "Unassigned"


@dataclass(frozen=True)
class ExitOptions:
    """A workload's exit options: eligible candidates on another host that fit and whose quality evidence
    meets its floor (and that do not miss its latency objective); ``best`` is the cheapest of them, and
    ``per_host`` the cheapest on each host."""

    workload: str
    count: int
    best: Option | None
    today_host: str | None
    per_host: tuple[Option, ...] = ()

    @property
    def substitutable(self) -> bool:
        return self.count > 0


@dataclass(frozen=True)
class PriceChanges:
    """The dated changes of a model's blended price recorded by the price sources, over the last two years:
    each (day, relative change)."""

    changes: tuple[tuple[date, float], ...]

    @property
    def total(self) -> float:
        """Sum of the absolute relative changes: 0.5 is one 50% change or two of 25%."""
        return sum(abs(change) for _, change in self.changes)


@dataclass(frozen=True)
class Exposure:
    """Everything the score reads. ``spend`` has one row per workload × host × model: ``workload``,
    ``criticality``, ``provider``, ``model``, ``family``, ``monthly_usd``, ``embedding`` (bool),
    ``fine_tuned`` (bool), ``cache_share`` (of input read from a prompt cache) and ``batch_share`` (of input
    sent in batch)."""

    today: date
    window: tuple[date, date]
    spend: pd.DataFrame
    previous_shares: pd.Series  # provider → share of spend over the TREND_DAYS before the window
    retirements: dict[tuple[str, str], Retirement] = field(default_factory=dict)
    exit_options: dict[str, ExitOptions] = field(default_factory=dict)
    price_changes: dict[tuple[str, str], PriceChanges] = field(default_factory=dict)
    # (host, model) → the successor's blended price against the model's (0.2: a fifth dearer), where both priced
    successor_price_changes: dict[tuple[str, str], float] = field(default_factory=dict)
    incidents: pd.DataFrame = field(default_factory=pd.DataFrame)  # per provider: analysis.risk.incidents
    embedded_tokens: float = 0.0  # every embedding token in the ledger: the corpus to embed again elsewhere
    reembedding_usd: float | None = None  # what embedding it again costs on the best exit option

    @property
    def total_usd(self) -> float:
        return float(self.spend["monthly_usd"].sum())

    def moved(self, workload: str, to: Option, share: float = 1.0) -> Exposure:
        """This exposure with ``share`` of ``workload``'s traffic on ``to`` instead: that share becomes one row
        on the target, with the target's retirement and price changes (gathered with the exit options);
        fine-tuning does not carry over, embeddings, caching and batch do; the rest stays where it is.

        The workload keeps its weight — today's spend. Shares of spend stand for how much of the business
        runs on each provider, and a move does not change how much runs on the workload: a cheaper target
        must not make a workload vanish from the concentration, nor a dearer one dilute it."""
        rows = self.spend[self.spend["workload"] == workload]
        if rows.empty:
            return self
        weight = float(rows["monthly_usd"].sum()) or 1.0
        moved = {
            "workload": workload,
            "criticality": rows["criticality"].iloc[0],
            "provider": to.host,
            "model": to.model,
            "family": to.family or family_of(to.model),
            "monthly_usd": float(rows["monthly_usd"].sum()),
            "embedding": bool(rows["embedding"].any()),
            "fine_tuned": False,
            "cache_share": float((rows["cache_share"] * rows["monthly_usd"]).sum() / weight),
            "batch_share": float((rows["batch_share"] * rows["monthly_usd"]).sum() / weight),
        }
        moved["monthly_usd"] *= share
        staying = rows.assign(monthly_usd=rows["monthly_usd"] * (1.0 - share))
        rest = self.spend[self.spend["workload"] != workload]
        parts = [rest, staying[staying["monthly_usd"] > 0], pd.DataFrame([moved])]
        return replace(self, spend=pd.concat(parts, ignore_index=True))


def spend_rows(priced: pd.DataFrame, workloads: Sequence[Workload], days: int) -> pd.DataFrame:
    """Priced daily usage (:func:`analysis.spend.priced_usage` by the workload rule fields) as the monthly
    spend of each workload × host × model, with the usage that does not move for free."""
    frame = priced.copy()
    claimed = assign_workloads(frame, workloads) if workloads else pd.Series(None, index=frame.index, dtype=object)
    names = {w.id: w.name for w in workloads}
    levels = {w.id: w.criticality for w in workloads}
    frame["workload"] = claimed.map(names).fillna(UNASSIGNED)
    frame["criticality"] = claimed.map(levels).fillna("")
    frame["spend"] = frame["spend_usd"].fillna(0.0)
    frame["cached"] = frame["cache_read_tokens"].fillna(0)
    frame["batched"] = frame["input_tokens"].where(frame["batch"].astype("boolean").fillna(False).astype(bool), 0)
    keys = ["workload", "criticality", "provider", "model"]
    sums = frame.groupby(keys, sort=False)[["spend", "input_tokens", "output_tokens", "cached", "batched"]].sum()
    sums = sums.reset_index()
    inputs = sums["input_tokens"].astype("float64")
    return pd.DataFrame(
        {
            "workload": sums["workload"],
            "criticality": sums["criticality"],
            "provider": sums["provider"],
            "model": sums["model"],
            "family": sums["model"].map(family_of),
            "monthly_usd": sums["spend"] / days * DAYS_PER_MONTH,
            # An embedding model answers nothing: input only.
            "embedding": (sums["output_tokens"] == 0) & (sums["input_tokens"] > 0),
            "fine_tuned": sums["model"].astype(str).str.contains(r"^ft:|:ft-|/ft:", regex=True),
            "cache_share": (sums["cached"] / inputs.where(inputs > 0)).fillna(0.0),
            "batch_share": (sums["batched"] / inputs.where(inputs > 0)).fillna(0.0),
        }
    )


def exit_options_of(result: Alternatives) -> ExitOptions:
    """The exit options in a workload's alternatives: candidates on another host that fit, whose evidence
    meets the floor and that do not miss the latency objective."""
    today = result.incumbent.host if result.incumbent else None
    options = [
        c
        for c in result.candidates
        if c.eligible
        and c.fits
        and c.quality.grade in MEETS_FLOOR
        and c.latency.meets_slo is not False
        and c.host != today
        and c.monthly_cost_usd.base
    ]
    cheapest = sorted(options, key=lambda c: c.monthly_cost_usd.base or 0.0)
    per_host = {c.host: c for c in reversed(cheapest)}
    best = cheapest[0] if cheapest else None
    return ExitOptions(result.workload.name, len(options), best, today, tuple(per_host.values()))


def price_changes_of(book: PriceBook, provider: str, model: str, today: date, input_share: float) -> PriceChanges:
    """The changes of ``model``'s blended price (at ``input_share`` input) that the sources date within
    :data:`PRICE_CHANGE_DAYS` of ``today``."""
    history = price_history(book, provider, model)
    dated = history[history["as_of"].notna()].copy()
    if dated.empty:
        return PriceChanges(())
    dated["blended"] = dated["input_mtok"] * input_share + dated["output_mtok"] * (1 - input_share)
    dated = dated.dropna(subset=["blended"]).sort_values("as_of", kind="stable")
    since = today - timedelta(days=PRICE_CHANGE_DAYS)
    changes: dict[date, float] = {}
    # Each source against itself: two sources that round one price differently are not a price change.
    for _, prices in dated.groupby("source", sort=False):
        previous = None
        for day, price in zip(prices["as_of"], prices["blended"], strict=True):
            # Under half a percent is rounding, not a change of price.
            moved = previous is not None and previous > 0 and abs(price - previous) / previous > 0.005
            if moved and day >= since:
                changes.setdefault(day, (price - previous) / previous)
            previous = price
    return PriceChanges(tuple(sorted(changes.items())))


def _window_shares(priced: pd.DataFrame) -> pd.Series:
    by_provider = priced.groupby("provider")["spend_usd"].sum()
    total = float(by_provider.sum())
    return by_provider / total if total > 0 else by_provider * 0.0


def exposure(
    engine: Engine,
    workloads: Sequence[Workload],
    *,
    book: PriceBook,
    today: date,
    incidents: pd.DataFrame | None = None,
    evaluations: pd.DataFrame | None = None,
    latency_measurements: pd.DataFrame | None = None,
    found: Mapping[str, Alternatives] | None = None,
) -> Exposure | None:
    """The company's exposure over the estimate window ending on the ledger's last day with usage, or None
    on an empty ledger. ``found`` are the workloads' alternatives where the caller has them already."""
    window = last_days(engine, WINDOW_DAYS)
    if window is None:
        return None
    start, end = window
    by = ["project", "feature", "api_key", "canonical_model"]
    priced = priced_usage(engine, by, since=start, until=end)
    spend = spend_rows(priced, workloads, WINDOW_DAYS)
    before = priced_usage(engine, since=start - timedelta(days=TREND_DAYS), until=start - timedelta(days=1))
    total_in = float(priced["input_tokens"].sum())
    total_tokens = total_in + float(priced["output_tokens"].sum())
    input_share = total_in / total_tokens if total_tokens else 0.75
    pairs = set(zip(spend["provider"], spend["model"], strict=True))
    results = {
        w.name: (found or {}).get(w.name)
        or alternatives(
            engine,
            w,
            workloads,
            book=book,
            today=today,
            evaluations=evaluations,
            latency_measurements=latency_measurements,
        )
        for w in workloads
    }

    exits = {name: exit_options_of(result) for name, result in results.items()}
    pairs |= {(option.host, option.model) for e in exits.values() for option in e.per_host}
    retirements = {(p, m): retirement_of(book, p, m) for p, m in pairs}
    # Every token ever sent to an embedding model: the corpus (and its queries) to embed again elsewhere.
    models = read_usage(engine, ["provider", "model"])
    embedded_tokens = float(models.loc[models["output_tokens"] == 0, "input_tokens"].sum())
    return Exposure(
        today=today,
        window=(start, end),
        spend=spend,
        previous_shares=_window_shares(before) if not before.empty else pd.Series(dtype="float64"),
        retirements=retirements,
        successor_price_changes=_successor_price_changes(book, retirements, today, input_share),
        exit_options=exits,
        price_changes={(p, m): price_changes_of(book, p, m, today, input_share) for p, m in pairs},
        incidents=incidents if incidents is not None else pd.DataFrame(),
        embedded_tokens=embedded_tokens,
        reembedding_usd=_reembedding(book, exits, results, embedded_tokens, today),
    )


def _successor_price_changes(
    book: PriceBook, retirements: dict[tuple[str, str], Retirement], today: date, input_share: float
) -> dict[tuple[str, str], float]:
    """For each retiring model with a successor, the successor's blended price at the same host against the
    model's, both at today's prices and the company's own input share."""
    changes = {}
    for (host, model), gone in retirements.items():
        if gone.retires_on is None or gone.successor is None:
            continue
        now, then = book.price(host, model, today), book.price(host, gone.successor, today)
        if now is None or then is None:
            continue
        before = now.input_mtok * input_share + now.output_mtok * (1 - input_share)
        after = then.input_mtok * input_share + then.output_mtok * (1 - input_share)
        if before > 0:
            changes[(host, model)] = after / before - 1
    return changes


def _reembedding(
    book: PriceBook,
    exits: dict[str, ExitOptions],
    results: dict[str, Alternatives],
    tokens: float,
    today: date,
) -> float | None:
    """What embedding the ledger's embedding tokens again costs on the embeddings workloads' best exit."""
    for name, result in results.items():
        best = exits[name].best
        if result.workload.task_category == "embeddings" and best is not None:
            price = book.price(best.host, best.model, today)
            if price is not None:
                return tokens / 1e6 * price.input_mtok
    return None
