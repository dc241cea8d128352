"""The risk factors: each a value in its own unit, a normalised risk from 0 (none) to 1 (the most this factor
can say), and one sentence with its evidence. Pure functions of an :class:`~analysis.risk.exposure.Exposure`,
for the whole company or for one workload.

How each is normalised, and why:

- **Concentration** — the top provider's share of spend (risk = the share; governance frameworks set
  targets such as "no more than 60% of critical AI workflows on a single provider"); the HHI over providers
  and over model families as competition authorities compute it, the sum of squared percentage shares from
  0 to 10,000 (risk = HHI / 10,000; the 2023 US Merger Guidelines call a market above 1,800 highly
  concentrated); the top provider's share of the high-criticality workloads' spend; and the trend, the top
  provider's share now against the 90 days before (risk = its rise over 10 points, capped at 1).
- **Retirement** — spend on models whose shutdown at their host has passed or falls within 90 days
  (urgency 1), 6 months (0.75) or 12 months (0.5): a move needs about that long to plan, test and ship.
- **Lock-in** — spend on usage that does not move for free, by how much it takes to move: fine-tuned models
  (retrain: 1) and embeddings (re-embed the corpus: 1), prompt caching laid out for one vendor (0.5 × the
  share of input read from cache) and batch jobs (0.25 × the share sent in batch).
- **Exit options** — per workload, the eligible candidates on another host that fit and whose quality
  evidence meets its floor: none (1, "not easily substitutable" in the words of EU DORA Article 29), one
  (0.5), two or more (0).
- **Price volatility** — the changes of the models' blended prices the sources date in the last two
  years; risk = the sum of their absolute sizes, capped at 1 (one 50% cut and one 50% rise: 1).
- **Incidents** — minutes with an incident open per provider over 90 days, from imported status-page
  histories (:mod:`analysis.risk.incidents`); risk = those minutes over 259 (twice the 129.6 minutes a 99.9%
  availability allows in 90 days), capped at 1.

Spend-weighted factors weigh each row by its share of the spend in scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analysis.money import usd
from analysis.risk.exposure import UNASSIGNED, Exposure

__all__ = ["FACTORS", "Factor", "factors", "hhi", "models_by_spend"]

# Twice the downtime a 99.9% monthly availability allows over 90 days (0.1% of 129,600 minutes).
INCIDENT_MINUTES_FULL = 2 * 0.001 * 90 * 24 * 60
RETIREMENT_URGENCY = ((90, 1.0), (182, 0.75), (365, 0.5))
LOCK_IN_FRICTION = {"fine_tuned": 1.0, "embedding": 1.0, "cache_share": 0.5, "batch_share": 0.25}
TREND_FULL_POINTS = 10.0
HIGHLY_CONCENTRATED_HHI = 1800
# The unit of each factor's value: a share of spend, an HHI, points of share, or a count.
UNITS = {
    "top_vendor_share": "share",
    "hhi_vendors": "hhi",
    "hhi_families": "hhi",
    "critical_concentration": "share",
    "concentration_trend": "points",
    "retirement": "share",
    "lock_in": "share",
    "exit_options": "count",
    "price_volatility": "count",
    "incidents": "count",
}


@dataclass(frozen=True)
class Factor:
    """One factor: its machine name and label, its value in its own unit, its risk (0–1) and the sentence
    that says why."""

    name: str
    label: str
    value: float | None
    risk: float
    explanation: str

    @property
    def value_text(self) -> str:
        """The value in its own unit, as a reader reads it.

        >>> Factor("hhi_vendors", "", 7658.1, 0.77, "").value_text, Factor("retirement", "", 0.95, 0.9, "").value_text
        ('7,658', '95%')
        """
        if self.value is None:
            return "—"
        unit = UNITS.get(self.name, "count")
        if unit == "share":
            return f"{self.value:.0%}"
        if unit == "points":
            return f"{self.value:+.0f} pts"
        return f"{self.value:,.0f}"


def hhi(shares: pd.Series) -> float:
    """The Herfindahl-Hirschman index of shares (fractions summing to 1): Σ (100 × share)², 0 to 10,000.

    >>> hhi(pd.Series([0.85, 0.15])), hhi(pd.Series([0.25] * 4)), hhi(pd.Series([1.0]))
    (7450.0, 2500.0, 10000.0)
    """
    return float(((shares * 100) ** 2).sum())


def _shares(rows: pd.DataFrame, by: str) -> pd.Series:
    sums = rows.groupby(by)["monthly_usd"].sum().sort_values(ascending=False, kind="stable")
    total = float(sums.sum())
    return sums / total if total > 0 else sums.iloc[0:0]


def _top(rows: pd.DataFrame) -> tuple[str | None, float | None]:
    shares = _shares(rows, "provider")
    return (str(shares.index[0]), float(shares.iloc[0])) if len(shares) else (None, None)


def top_vendor_share(exposure: Exposure, rows: pd.DataFrame, scope: str) -> Factor:
    top, share = _top(rows)
    if top is None or share is None:
        return Factor("top_vendor_share", "Top provider's share", None, 0.0, f"No priced spend in {scope}.")
    return Factor(
        "top_vendor_share",
        "Top provider's share",
        share,
        share,
        f"{share:.0%} of {scope}'s spend is on {top}; governance frameworks set targets such as no more than 60% "
        "of critical AI workflows on a single provider.",
    )


def hhi_vendors(exposure: Exposure, rows: pd.DataFrame, scope: str) -> Factor:
    shares = _shares(rows, "provider")
    if shares.empty:
        return Factor("hhi_vendors", "Provider concentration (HHI)", None, 0.0, f"No priced spend in {scope}.")
    index = hhi(shares)
    parts = ", ".join(f"{p} {s:.0%}" for p, s in shares.head(4).items())
    verdict = "highly concentrated" if index > HIGHLY_CONCENTRATED_HHI else "not highly concentrated"
    return Factor(
        "hhi_vendors",
        "Provider concentration (HHI)",
        index,
        index / 10_000,
        f"HHI {index:,.0f} over {len(shares)} provider{'s' if len(shares) != 1 else ''} ({parts}): {verdict} by the "
        f"2023 US Merger Guidelines' line of {HIGHLY_CONCENTRATED_HHI:,}.",
    )


def hhi_families(exposure: Exposure, rows: pd.DataFrame, scope: str) -> Factor:
    shares = _shares(rows, "family")
    if shares.empty:
        return Factor("hhi_families", "Model concentration (HHI)", None, 0.0, f"No priced spend in {scope}.")
    index = hhi(shares)
    parts = ", ".join(f"{f} {s:.0%}" for f, s in shares.head(3).items())
    return Factor(
        "hhi_families",
        "Model concentration (HHI)",
        index,
        index / 10_000,
        f"HHI {index:,.0f} over {len(shares)} model famil{'ies' if len(shares) != 1 else 'y'} ({parts}).",
    )


def critical_concentration(exposure: Exposure, rows: pd.DataFrame, scope: str) -> Factor:
    critical = rows[rows["criticality"] == "high"]
    top, share = _top(critical)
    if top is None or share is None:
        return Factor(
            "critical_concentration",
            "Critical workloads on one provider",
            None,
            0.0,
            f"No high-criticality workload in {scope}: mark the workloads that must not stop on Workloads.",
        )
    names = sorted(set(critical["workload"]))
    vendors, families = hhi(_shares(critical, "provider")), hhi(_shares(critical, "family"))
    return Factor(
        "critical_concentration",
        "Critical workloads on one provider",
        share,
        share,
        f"{share:.0%} of the spend of the high-criticality workloads ({', '.join(names)}) is on {top}: HHI "
        f"{vendors:,.0f} over providers and {families:,.0f} over model families.",
    )


def concentration_trend(exposure: Exposure, rows: pd.DataFrame, scope: str) -> Factor:
    top, share = _top(rows)
    before = exposure.previous_shares
    if top is None or share is None or before.empty or scope != "the company":
        why = "a company-wide measure" if scope != "the company" else "no usage in the 90 days before the window"
        return Factor("concentration_trend", "Concentration trend", None, 0.0, f"Not scored: {why}.")
    earlier = float(before.get(top, 0.0))
    points = (share - earlier) * 100
    return Factor(
        "concentration_trend",
        "Concentration trend",
        points,
        min(1.0, max(0.0, points / TREND_FULL_POINTS)),
        f"{top}'s share of spend is {share:.0%} in the window against {earlier:.0%} in the 90 days before "
        f"({points:+.0f} points); a rise of {TREND_FULL_POINTS:.0f} points or more scores in full.",
    )


def models_by_spend(rows: pd.DataFrame) -> list[tuple[str, str, float]]:
    """(provider, model, monthly spend) of each model in ``rows``, the largest first."""
    sums = rows.groupby(["provider", "model"], sort=False)["monthly_usd"].sum().reset_index()
    sums = sums.sort_values("monthly_usd", ascending=False, kind="stable")
    columns = zip(sums["provider"], sums["model"], sums["monthly_usd"], strict=True)
    return [(str(p), str(m), float(s)) for p, m, s in columns]


def _urgency(days_left: int | None) -> float:
    if days_left is None:
        return 0.0
    return next((weight for limit, weight in RETIREMENT_URGENCY if days_left <= limit), 0.0)


def retirement(exposure: Exposure, rows: pd.DataFrame, scope: str) -> Factor:
    total = float(rows["monthly_usd"].sum())
    if total <= 0:
        return Factor("retirement", "Retirement exposure", None, 0.0, f"No priced spend in {scope}.")
    risk, exposed, named = 0.0, 0.0, []
    buckets = dict.fromkeys(("retired", "within 90 days", "within 6 months", "within 12 months"), 0.0)
    for provider, model, spend in models_by_spend(rows):
        gone = exposure.retirements.get((provider, model))
        left = gone.days_left(exposure.today) if gone is not None else None
        urgency = _urgency(left)
        risk += spend / total * urgency
        if urgency == 0 or gone is None or gone.retires_on is None or left is None:
            continue
        exposed += spend / total
        bucket = (
            "retired"
            if left <= 0
            else next(name for name, limit in zip(list(buckets)[1:], (90, 182, 365), strict=True) if left <= limit)
        )
        buckets[bucket] += spend / total
        verb = "retired" if left <= 0 else "retires"
        if gone.successor:
            change = exposure.successor_price_changes.get((provider, model))
            priced = f", {change:+.0%} on price" if change is not None else ", unpriced at the host"
            successor = f" (successor {gone.successor}{priced})"
        else:
            successor = " (no successor named)"
        named.append(f"{model} at {provider} {verb} {gone.retires_on:%Y-%m-%d}{successor}")
    if not named:
        return Factor(
            "retirement",
            "Retirement exposure",
            0.0,
            0.0,
            f"No model in {scope}'s use retires within 12 months at its host.",
        )
    split = ", ".join(f"{share:.0%} {name}" for name, share in buckets.items() if share > 0)
    return Factor(
        "retirement",
        "Retirement exposure",
        exposed,
        risk,
        f"{exposed:.0%} of {scope}'s spend is on models that retire within 12 months or have ({split}): "
        + "; ".join(named)
        + ".",
    )


def lock_in(exposure: Exposure, rows: pd.DataFrame, scope: str) -> Factor:
    total = float(rows["monthly_usd"].sum())
    if total <= 0:
        return Factor("lock_in", "Lock-in features", None, 0.0, f"No priced spend in {scope}.")
    share = rows["monthly_usd"] / total
    friction = (
        rows["fine_tuned"].astype(float) * LOCK_IN_FRICTION["fine_tuned"]
        + rows["embedding"].astype(float) * LOCK_IN_FRICTION["embedding"]
        + rows["cache_share"] * LOCK_IN_FRICTION["cache_share"]
        + rows["batch_share"] * LOCK_IN_FRICTION["batch_share"]
    ).clip(upper=1.0)
    weighted = float((share * friction).sum())
    parts = []
    for flag, words in (("fine_tuned", "fine-tuned models (retrain)"), ("embedding", "embeddings (re-embed)")):
        part = float(share[rows[flag].astype(bool)].sum())
        if part > 0:
            parts.append(f"{part:.0%} of spend on {words}")
    cached = float((share * rows["cache_share"]).sum())
    if cached > 0:
        parts.append(f"prompt caching laid out for its vendor on {cached:.0%} of input")
    batched = float((share * rows["batch_share"]).sum())
    if batched > 0:
        parts.append(f"batch jobs on {batched:.0%} of input")
    if not parts:
        return Factor("lock_in", "Lock-in features", 0.0, 0.0, f"Nothing in {scope}'s usage is tied to one vendor.")
    sentence = (
        f"{weighted:.0%} of {scope}'s spend, weighted by how much it takes to move, does not move for free: "
        + "; ".join(parts)
        + "."
    )
    if rows["embedding"].any() and exposure.reembedding_usd is not None:
        sentence += (
            f" Embedding the {exposure.embedded_tokens / 1e6:,.0f}M tokens sent to embedding models so far again "
            f"elsewhere would cost about {usd(exposure.reembedding_usd)} once."
        )
    sentence += " Vendor-only tools and stateful APIs do not show in usage data."
    return Factor("lock_in", "Lock-in features", weighted, weighted, sentence)


def exit_options(exposure: Exposure, rows: pd.DataFrame, scope: str) -> Factor:
    assigned = rows[rows["workload"] != UNASSIGNED]
    total = float(assigned["monthly_usd"].sum())
    spend = assigned.groupby("workload")["monthly_usd"].sum()
    known = [name for name in spend.index if name in exposure.exit_options]
    if total <= 0 or not known:
        return Factor("exit_options", "Exit options", None, 0.0, f"No workload with usage in {scope}.")
    risk, stuck = 0.0, []
    for name in known:
        count = exposure.exit_options[name].count
        weight = 1.0 if count == 0 else 0.5 if count == 1 else 0.0
        risk += float(spend[name]) / total * weight
        if count == 0:
            stuck.append(name)
    if stuck:
        sentence = (
            f"{', '.join(stuck)} {'has' if len(stuck) == 1 else 'have'} no candidate on another host whose quality "
            "evidence meets the floor: not easily substitutable, in the words of EU DORA Article 29."
        )
    else:
        counts = ", ".join(f"{n} {exposure.exit_options[n].count}" for n in known)
        sentence = f"Every workload has candidates on another host that meet its floor ({counts})."
    return Factor("exit_options", "Exit options", float(len(stuck)), risk, sentence)


def price_volatility(exposure: Exposure, rows: pd.DataFrame, scope: str) -> Factor:
    total = float(rows["monthly_usd"].sum())
    if total <= 0:
        return Factor("price_volatility", "Price volatility", None, 0.0, f"No priced spend in {scope}.")
    risk, count, named = 0.0, 0, []
    for provider, model, spend in models_by_spend(rows):
        changes = exposure.price_changes.get((provider, model))
        if changes is None or not changes.changes:
            continue
        risk += spend / total * min(1.0, changes.total)
        count += len(changes.changes)
        named.append(", ".join(f"{model} {change:+.0%} on {day:%Y-%m-%d}" for day, change in changes.changes))
    if not named:
        return Factor(
            "price_volatility",
            "Price volatility",
            0.0,
            0.0,
            f"No price change of the models in {scope}'s use is dated by the sources in the last two years.",
        )
    return Factor(
        "price_volatility",
        "Price volatility",
        float(count),
        risk,
        "Price changes in the last two years: " + "; ".join(named) + ".",
    )


def incidents(exposure: Exposure, rows: pd.DataFrame, scope: str) -> Factor:
    history = exposure.incidents
    if history.empty:
        return Factor(
            "incidents",
            "Incidents",
            None,
            0.0,
            "Not scored: no incident history imported (import a status page's on the Risk page, or "
            "`exitplan collect status URL`).",
        )
    shares = _shares(rows, "provider")
    columns = zip(
        history["provider"], history["incidents"], history["major_incidents"], history["impact_minutes"], strict=True
    )
    by_provider = {str(p): (float(n), float(major), float(m)) for p, n, major, m in columns}
    risk, count, named = 0.0, 0.0, []
    for provider, share in shares.items():
        if provider not in by_provider:
            continue
        found, major, minutes = by_provider[str(provider)]
        risk += float(share) * min(1.0, minutes / INCIDENT_MINUTES_FULL)
        count += found
        named.append(
            f"{provider} {found:.0f} incident{'s' if found != 1 else ''} ({major:.0f} major or critical), "
            f"{minutes:,.0f} minutes with one open"
        )
    missing = [str(p) for p in shares.index if p not in by_provider]
    sentence = (
        "In the last 90 days: " + "; ".join(named) + "."
        if named
        else "No incident of the providers in use in the last 90 days."
    )
    if missing:
        sentence += f" No history imported for {', '.join(missing)}."
    return Factor("incidents", "Incidents", count, risk, sentence)


FACTORS: dict[str, Callable[[Exposure, pd.DataFrame, str], Factor]] = {
    "top_vendor_share": top_vendor_share,
    "hhi_vendors": hhi_vendors,
    "hhi_families": hhi_families,
    "critical_concentration": critical_concentration,
    "concentration_trend": concentration_trend,
    "retirement": retirement,
    "lock_in": lock_in,
    "exit_options": exit_options,
    "price_volatility": price_volatility,
    "incidents": incidents,
}


def factors(exposure: Exposure, workload: str | None = None) -> list[Factor]:
    """Every factor, for the company or for one ``workload``."""
    rows = exposure.spend if workload is None else exposure.spend[exposure.spend["workload"] == workload]
    scope = "the company" if workload is None else workload
    return [compute(exposure, rows, scope) for compute in FACTORS.values()]
