"""What the Alternatives page and ``exitplan alternatives`` show of a result: the tiles, the ranked table
and the cost-against-quality chart — built here, so the page and the command only draw them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from analysis.alternatives import Alternatives, Option
from analysis.explanation import change_words
from analysis.money import usd_range, usd_together
from analysis.quality import QualityEvidence
from analysis.ranking import pareto_frontier

__all__ = ["QualityChart", "Tile", "candidates_frame", "quality_chart", "tiles"]


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    help: str | None = None


def tiles(result: Alternatives) -> list[Tile]:
    """The headline figures, money in one precision: today, the top candidate, the change, and how many fit."""
    today = result.incumbent.monthly_cost_usd.base if result.incumbent else None
    top = result.top
    candidate = top.monthly_cost_usd.base if top else None
    change = candidate - today if candidate is not None and today is not None else None
    today_text, top_text, change_text = usd_together([today, candidate, abs(change) if change is not None else None])
    shown = [Tile("Today, per month", today_text)]
    if top is not None:
        shown.append(Tile("Top candidate, per month", top_text, f"{top.model} on {top.host}"))
    if change is not None:
        shown.append(Tile("Monthly saving" if change <= 0 else "Monthly increase", change_text))
    fitting = sum(1 for c in result.candidates if c.fits)
    shown.append(
        Tile(
            f"Candidates that fit (of {len(result.candidates):,})",
            f"{fitting:,}",
            f"{sum(result.excluded.values()):,} more could not do this task and were left out",
        )
    )
    return shown


def _model_label(option: Option) -> str:
    labels = [option.maturity] if option.maturity != "ga" else []
    if option.successor:
        labels.append("named successor")
    return option.model + (f" ({', '.join(labels)})" if labels else "")


def candidates_frame(result: Alternatives, options: list[Option] | None = None) -> pd.DataFrame:
    """Candidates as table rows, best first: numbers stay numbers (missing ones empty, never 0), words are
    filled in ("—" where there is nothing to say)."""
    rows = []
    for rank, option in enumerate(result.candidates if options is None else options, start=1):
        cost = option.monthly_cost_usd
        rows.append(
            {
                "rank": rank,
                "host": option.host,
                "model": _model_label(option),
                "monthly_usd": cost.base,
                "range": usd_range(cost.low, cost.high),
                "vs_today_pct": option.delta_pct * 100 if option.delta_pct is not None else None,
                "vs_today": change_words(option.delta_pct),
                "p95_s": option.latency.p95_s,
                "meets_slo": option.latency.meets_slo,
                "grade": option.quality.grade,
                "evidence": option.quality.summary(),
                "fits": option.fits,
                "why_not": "; ".join(option.fit_problems) or "—",
                "open_weights": option.open_weights,
                "region": option.region or "global",
                "price_source": option.price_source or "—",
                "quality_source": option.quality.source,
                "latency_source": option.latency.source,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class QualityChart:
    """Points to draw (``monthly_usd``, ``quality``, ``label``, ``today``, ``fits``, ``frontier``) on one
    evidence axis, named by ``axis``."""

    points: pd.DataFrame
    axis: str


def _on_axis(evidence: QualityEvidence | None, source: str, metric: str) -> bool:
    return evidence is not None and evidence.source == source and evidence.metric == metric


def quality_chart(result: Alternatives) -> QualityChart | None:
    """Cost against quality on the evidence most candidates share (the top candidate's, where it has one):
    the ratings of one board, or the scores of one evaluation. The same model on another host sits at
    today's value. The frontier runs only through candidates that fit."""
    if result.incumbent is None:
        return None
    rated = [
        c.quality.evidence
        for c in result.candidates
        if c.quality.evidence and c.quality.evidence.metric != "same_model"
    ]
    if not rated:
        return None
    top = result.top
    if top is not None and top.quality.evidence is not None and top.quality.evidence.metric != "same_model":
        axis_source, axis_metric = top.quality.evidence.source, top.quality.evidence.metric
    else:
        (axis_source, axis_metric), _ = Counter((e.source, e.metric) for e in rated).most_common(1)[0]
    points = []
    today_value = None
    for option in result.candidates:
        evidence = option.quality.evidence
        if option.monthly_cost_usd.base is None or option.monthly_cost_usd.base <= 0 or evidence is None:
            continue
        if _on_axis(evidence, axis_source, axis_metric):
            value, today_value = evidence.value, evidence.incumbent_value
        elif evidence.metric == "same_model":
            value = None  # placed at today's value below, once it is known
        else:
            continue
        points.append(
            {
                "monthly_usd": option.monthly_cost_usd.base,
                "quality": value,
                "today": False,
                "fits": option.fits,
                "label": f"{option.host} · {option.model}",
            }
        )
    if today_value is None or len(points) < 2:
        return None
    frame = pd.DataFrame(points)
    frame["quality"] = frame["quality"].fillna(today_value)
    today_cost = result.incumbent.monthly_cost_usd.base
    if today_cost is not None and today_cost > 0:
        today_row = {
            "monthly_usd": today_cost,
            "quality": today_value,
            "today": True,
            "fits": True,
            "label": f"today: {result.incumbent.host} · {result.incumbent.model}",
        }
        frame = pd.concat([frame, pd.DataFrame([today_row])], ignore_index=True)
    frame["frontier"] = False
    fitting = frame[frame["fits"] & ~frame["today"]]
    frame.loc[fitting.index, "frontier"] = pareto_frontier(fitting["monthly_usd"], fitting["quality"])
    unit = {"rating": "rating", "win_rate": "win rate against today"}.get(axis_metric, "score")
    as_of = next((e.as_of for e in rated if e.source == axis_source and e.as_of), None)
    axis = f"{axis_source}{f' ({as_of})' if as_of else ''}: {unit}"
    return QualityChart(frame, axis)
