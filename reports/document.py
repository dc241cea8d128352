"""The summary as a sequence of plain blocks — headings, paragraphs, bullets, tables and the chart's place —
so Markdown and HTML say exactly the same thing, in the same order, each escaping in its own way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from analysis.money import usd, usd_together
from reports.pack import ReportPack
from reports.sentences import (
    assumptions_register,
    comparison_rows,
    comparison_verdict,
    contributor_words,
    day_words,
    directional_note,
    headline,
    key_assumptions,
    payback_words,
    recommendation,
    risk_words,
    shown,
    three_year_words,
)

__all__ = ["Block", "Bullets", "ChartSlot", "Heading", "Para", "Table", "summary_blocks"]


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    style: str = ""  # "lead" (the headline), "strong", "note"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    right: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ChartSlot:
    """Where the chart goes (HTML draws it there; Markdown points to the monthly table)."""


Block = Heading | Para | Bullets | Table | ChartSlot


def _scenario(pack: ReportPack, level: int, *, chart: bool) -> list[Block]:
    today, later = usd_together([pack.today_monthly_usd, pack.baseline_monthly_usd])
    blocks: list[Block] = [
        Para(headline(pack), "lead"),
        Para(three_year_words(pack), "strong"),
        Para(
            f"One-time costs {usd(pack.one_time_usd)}; {payback_words(pack)}; NPV {usd(pack.npv_usd)} at "
            f"{pack.discount_rate:.0%} a year over {pack.horizon_months} months. These workloads cost {today} a month "
            f"today; staying would cost {later} a month by {pack.last_month:%b %Y}.{contributor_words(pack)}"
        ),
        Para(f"Recommendation: {recommendation(pack)}", "strong"),
        Para(risk_words(pack), "strong"),
    ]
    if chart:
        blocks.append(ChartSlot())
    blocks += [
        Heading(level + 1, "The five assumptions that matter most"),
        Bullets(tuple(f"{k.name}: {k.value}" + (f" — {k.effect}" if k.effect else "") for k in key_assumptions(pack))),
        Heading(level + 1, "Retirements that force a move"),
        Bullets(pack.forced or ("None within the horizon: every model in use stays available.",)),
        Heading(level + 1, "Workloads"),
    ]
    rows = []
    for line in pack.workloads:
        w = line.outcome
        base, plan, once, saved = usd_together([w.baseline_usd, w.scenario_usd, w.one_time_usd, w.savings_usd])
        risk = "—" if w.risk_before is None or w.risk_after is None else f"{w.risk_before:.0f} → {w.risk_after:.0f}"
        latency = "–" if w.latency_after_s is None else f"{w.latency_after_s:.1f}"
        rows.append((w.workload, w.moved_to or "stays", base, plan, once, saved, w.quality_after, latency, risk))
    blocks.append(
        Table(
            (
                "Workload",
                "Moves to",
                "Baseline",
                "Scenario",
                "One-time",
                "Savings",
                "Quality evidence",
                "p95 (s)",
                "Risk",
            ),
            tuple(rows),
            frozenset({2, 3, 4, 5, 7, 8}),
        )
    )
    if pack.stays:
        blocks += [Heading(level + 1, "What stays, and why"), Bullets(pack.stays)]
    blocks.append(Heading(level + 1, "Month by month"))
    running, months = 0.0, []
    for m in pack.months:
        running += m.savings_usd
        months.append(
            (
                f"{m.month:%b %Y}",
                *usd_together([m.baseline_usd, m.scenario_usd, m.one_time_usd, m.savings_usd]),
                usd(running),
            )
        )
    blocks.append(
        Table(
            ("Month", "Baseline", "Scenario", "One-time", "Savings", "Cumulative"),
            tuple(months),
            frozenset({1, 2, 3, 4, 5}),
        )
    )
    if pack.warnings:
        blocks += [Heading(level + 1, "Warnings"), Bullets(pack.warnings)]
    blocks += [
        Heading(level + 1, "Assumptions register"),
        Table(
            ("Section", "Assumption", "Value", "Source"),
            tuple((a.section, a.name, shown(a.value, a.unit), a.source) for a in assumptions_register(pack)),
        ),
    ]
    return blocks


def summary_blocks(packs: Sequence[ReportPack], generated_at: datetime) -> list[Block]:
    """The summary of one scenario, or the comparison of two to four and then each one's summary."""
    first = packs[0]
    blocks: list[Block]
    if len(packs) == 1:
        blocks = [Heading(1, f"{first.name}: the business case for moving")]
        blocks.append(Para(f"exitplan executive summary · generated {day_words(generated_at.date())}", "note"))
        blocks += _scenario(first, 1, chart=True)
    else:
        blocks = [
            Heading(1, f"{len(packs)} migration scenarios compared"),
            Para(f"exitplan · generated {day_words(generated_at.date())}", "note"),
            Para(comparison_verdict(packs), "strong"),
        ]
        header, rows = comparison_rows(packs)
        blocks += [
            Table(tuple(header), tuple(tuple(r) for r in rows), frozenset(range(1, len(packs) + 1))),
            ChartSlot(),
        ]
        for pack in packs:
            blocks += [Heading(2, pack.name), *_scenario(pack, 2, chart=False)]
    blocks += [
        Heading(2, "Price sources"),
        Table(
            ("#", "Source", "As of", "What it supplies"),
            tuple(
                (str(s.precedence), s.name, s.as_of.isoformat() if s.as_of else "its version", s.supplies)
                for s in first.price_sources
            ),
        ),
        Para(directional_note(first), "note"),
    ]
    return blocks
