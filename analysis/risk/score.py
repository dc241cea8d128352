"""The risk score: a 0–100 weighted sum of the factors' risks, with its breakdown — for the company, for each
workload, and for the actions that would lower it most (each scored again, never claimed).

Every factor's points are its weight's share of all weights × its risk × 100, so the points add up to the
score. The default weights and why:

| factor | weight | why |
|---|---|---|
| retirement | 20 | a shutdown date forces a move on the vendor's schedule, not yours |
| exit options | 15 | a workload nothing else can do is the core of "not easily substitutable" |
| provider concentration (HHI) | 15 | the standard measure of concentration, over every provider |
| top provider's share | 10 | the figure governance targets are written in |
| critical workloads on one provider | 10 | what stops the business if that provider stops |
| lock-in features | 10 | what turns a move into a project (retraining, re-embedding) |
| model concentration (HHI) | 5 | one model family everywhere: one behaviour change is a regression everywhere |
| concentration trend | 5 | dependence that is growing |
| price volatility | 5 | a budget that moves with the vendor's price list |
| incidents | 5 | outages felt today; a status page history is a partial view |

Users change the weights on the Risk page (stored in the ledger); a weight of 0 leaves a factor out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from analysis.money import usd
from analysis.risk.exposure import UNASSIGNED, Exposure
from analysis.risk.factors import Factor, factors

__all__ = [
    "DEFAULT_WEIGHTS",
    "Action",
    "RiskReport",
    "RiskScore",
    "Scored",
    "actions",
    "risk_report",
    "score",
    "weights_of",
]

DEFAULT_WEIGHTS: dict[str, float] = {
    "retirement": 20.0,
    "exit_options": 15.0,
    "hhi_vendors": 15.0,
    "top_vendor_share": 10.0,
    "critical_concentration": 10.0,
    "lock_in": 10.0,
    "hhi_families": 5.0,
    "concentration_trend": 5.0,
    "price_volatility": 5.0,
    "incidents": 5.0,
}


@dataclass(frozen=True)
class Scored:
    """A factor with its weight and the points it adds to the score."""

    factor: Factor
    weight: float
    points: float

    def as_dict(self) -> dict[str, object]:
        value = self.factor.value
        return {
            "name": self.factor.name,
            "label": self.factor.label,
            "value": round(value, 4) if value is not None else None,
            "risk": round(self.factor.risk, 4),
            "weight": self.weight,
            "points": round(self.points, 2),
            "explanation": self.factor.explanation,
        }


@dataclass(frozen=True)
class RiskScore:
    """A score from 0 (no dependency risk the factors can see) to 100, and the factors that make it."""

    score: float
    factors: tuple[Scored, ...]


def weights_of(stored: Mapping[str, float] | None) -> dict[str, float]:
    """The defaults, with what the user stored in their place (unknown names are ignored)."""
    return {**DEFAULT_WEIGHTS, **{k: float(v) for k, v in (stored or {}).items() if k in DEFAULT_WEIGHTS}}


def score(exposure: Exposure, weights: Mapping[str, float] | None = None, workload: str | None = None) -> RiskScore:
    """The score of the company (or of one ``workload``) under ``weights`` (the defaults where None)."""
    weights = weights_of(weights)
    total = sum(max(w, 0.0) for w in weights.values())
    scored = []
    for factor in factors(exposure, workload):
        weight = max(weights[factor.name], 0.0)
        points = 100.0 * weight / total * factor.risk if total > 0 else 0.0
        scored.append(Scored(factor, weight, points))
    return RiskScore(sum(s.points for s in scored), tuple(scored))


@dataclass(frozen=True)
class Action:
    """A move that would lower the score, with the score it would leave — computed by scoring again."""

    workload: str
    description: str
    score_after: float
    points: float  # the change in score (negative: lower)
    monthly_change_usd: float | None

    def as_dict(self) -> dict[str, object]:
        return {"description": self.description, "score_after": round(self.score_after, 1)}


def actions(exposure: Exposure, weights: Mapping[str, float] | None = None, limit: int = 3) -> list[Action]:
    """The ``limit`` moves that lower the company's score most, at most one per workload: each workload to
    the exit option (the cheapest eligible candidate on each other host whose evidence meets its floor)
    whose move lowers the score most, each move scored again."""
    before = score(exposure, weights).score
    total = exposure.total_usd
    found = []
    for name, options in exposure.exit_options.items():
        rows = exposure.spend[exposure.spend["workload"] == name]
        if rows.empty or not options.per_host:
            continue
        scored = [(score(exposure.moved(name, option), weights).score, option) for option in options.per_host]
        after, best = min(scored, key=lambda pair: (pair[0], pair[1].monthly_cost_usd.base or 0.0))
        # Less than half a point is no action worth a line: the score is read in whole points.
        if after > before - 0.5:
            continue
        spend = float(rows["monthly_usd"].sum())
        cost = best.monthly_cost_usd.base
        change = cost - spend if cost is not None else None
        share = f"{spend / total:.0%} of spend" if total > 0 else "no priced spend"
        money = "" if change is None else f", {usd(abs(change))} a month {'less' if change < 0 else 'more'}"
        move = f"Move {name} ({share}) to {best.model} on {best.host}"
        found.append(
            Action(
                workload=name,
                description=f"{move}: {after - before:+.0f} points{money}",
                score_after=after,
                points=after - before,
                monthly_change_usd=change,
            )
        )
    return sorted(found, key=lambda a: a.points)[:limit]


@dataclass(frozen=True)
class RiskReport:
    """The company's score, each workload's, and the actions that would lower the company's most."""

    company: RiskScore
    workloads: tuple[tuple[str, RiskScore], ...]
    actions: tuple[Action, ...]
    weights: dict[str, float]

    def as_dict(self) -> dict[str, object]:
        return {
            "score": round(self.company.score, 1),
            "factors": [s.as_dict() for s in self.company.factors],
            "actions": [a.as_dict() for a in self.actions],
            "workloads": [{"name": name, "score": round(s.score, 1)} for name, s in self.workloads],
        }


def risk_report(exposure: Exposure, weights: Mapping[str, float] | None = None) -> RiskReport:
    """Everything the Risk page and ``exitplan risk`` show, from one exposure."""
    names = [n for n in dict.fromkeys(exposure.spend["workload"]) if n != UNASSIGNED]
    spend = exposure.spend.groupby("workload")["monthly_usd"].sum()
    names.sort(key=lambda n: -float(spend.get(n, 0.0)))
    return RiskReport(
        company=score(exposure, weights),
        workloads=tuple((name, score(exposure, weights, name)) for name in names),
        actions=tuple(actions(exposure, weights)),
        weights=weights_of(weights),
    )
