"""A report's words, written once for every format: the recommendation, the headline, the five assumptions that
matter most, the directional-estimate note, the assumptions register, and the comparison's verdict.

Money reads as :func:`analysis.money.usd` writes it, so "$61,294" in the PDF is "$61,294" in the deck.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from analysis.assumptions import CACHE_HIT_RANGE, OUTPUT_LENGTH_RANGE, WINDOW_DAYS
from analysis.money import usd, usd_range, usd_together
from analysis.scenarios.engine import DEFAULT_ENGINEERING_DAYS, DEFAULT_EVALUATION_USD, HIGH_CRITICALITY_EFFORT
from analysis.scenarios.uncertainty import FAILS, FAILURE_CHANCE, GROWTH_SPREAD, PRICE_SPREAD, SAMPLES
from reports.pack import ReportPack

__all__ = [
    "Assumption",
    "KeyAssumption",
    "assumptions_register",
    "comparison_rows",
    "comparison_verdict",
    "contributor_words",
    "day_words",
    "directional_note",
    "headline",
    "key_assumptions",
    "payback_words",
    "period_words",
    "recommendation",
    "risk_words",
    "shown",
    "three_year_words",
]

GROWTH_FACTOR = "usage growth (±1 standard error)"


@dataclass(frozen=True)
class KeyAssumption:
    """One of the assumptions that matter most: its name, its value in words, and what it does to the NPV."""

    name: str
    value: str
    effect: str | None = None


@dataclass(frozen=True)
class Assumption:
    """A line of the assumptions register: every input of the business case, with where it comes from."""

    section: str
    name: str
    value: float | str | date | None
    unit: str
    source: str


def day_words(day: date) -> str:
    """A day, as a reader says it.

    >>> day_words(date(2026, 12, 5))
    '5 Dec 2026'
    """
    return f"{day.day} {day:%b %Y}"


def shown(value: float | str | date | None, unit: str) -> str:
    """An assumption's value in words, by its unit.

    >>> shown(0.1, "a year"), shown(1000.0, "USD a day"), shown(24, "months"), shown(None, "USD a month")
    ('10% a year', '$1,000 a day', '24 months', 'unpriced')
    """
    if value is None:
        return "unpriced" if unit.startswith("USD") else "—"
    if isinstance(value, date):
        return f"{value:%b %Y}" if unit == "month" else value.isoformat()
    if isinstance(value, str):
        return value
    if unit in ("a year", "a month"):
        return f"{value:.1%} {unit}".replace(".0%", "%")
    if unit == "share":
        return f"{value:.0%}"
    if unit.startswith("USD"):
        return f"{usd(value)}{unit.removeprefix('USD')}"
    if unit == "month":
        return f"month {value:g}"
    return f"{value:g} {unit}".strip()


def period_words(first: date, last: date) -> str:
    """A period of days, as a reader says it.

    >>> period_words(date(2026, 6, 5), date(2026, 12, 4))
    '5 Jun – 4 Dec 2026'
    """
    start = f"{first.day} {first:%b}" + ("" if first.year == last.year else f" {first.year}")
    return f"{start} – {last.day} {last:%b %Y}"


def _range(values: tuple[float, float, float] | None) -> str:
    return f"P10–P90 {usd_range(values[0], values[2])}" if values is not None else "no range: nothing moves"


def payback_words(pack: ReportPack) -> str:
    """When the one-time costs are paid back.

    The engine's payback: 0 when the savings are never negative, None when still negative at the horizon.
    """
    if not pack.moves:
        return "nothing moves"
    if pack.payback_months is None:
        return f"not paid back within {pack.horizon_months} months"
    if pack.payback_months == 0:
        return "pays back at once"
    return f"pays back in month {pack.payback_months}"


def headline(pack: ReportPack) -> str:
    """The monthly savings once every move is done, with their range: "Saves $61,294 a month once done, by
    Dec 2028 (P10–P90 $1,937–$89,664)"."""
    if not pack.moves:
        return "Nothing moves: this scenario is the baseline"
    verb = "Saves" if pack.monthly_savings_usd >= 0 else "Costs"
    amount = usd(abs(pack.monthly_savings_usd))
    # "Once done" is the horizon's last month: say which, as growth makes it a different month from today's.
    return f"{verb} {amount} a month once done, by {pack.last_month:%b %Y} ({_range(pack.monthly_savings_range)})"


def three_year_words(pack: ReportPack) -> str:
    """The savings over three years, one-time costs included, with their range."""
    if not pack.moves:
        return f"3-year cost {usd(pack.tco_3y_baseline_usd)} either way"
    verb = "saves" if pack.savings_3y_usd >= 0 else "loses"
    amount = usd(abs(pack.savings_3y_usd))
    return f"Over 3 years it {verb} {amount}, one-time costs included ({_range(pack.savings_3y_range)})"


def risk_words(pack: ReportPack) -> str:
    if pack.risk_before is None or pack.risk_after is None:
        return "Dependency risk: not scored (no exposure in the ledger)"
    change = pack.risk_after - pack.risk_before
    how = "unchanged" if round(change) == 0 else f"{'down' if change < 0 else 'up'} {abs(change):.0f} points"
    return f"Dependency risk {pack.risk_before:.0f} → {pack.risk_after:.0f} out of 100 ({how})"


def _listed(names: Sequence[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def contributor_words(pack: ReportPack) -> str:
    """Which move makes most of the savings, when one makes more than half of them (with a leading space), so
    a reader knows which estimate to check first."""
    saving = {w.name: w.outcome.savings_usd for w in pack.moves if (w.outcome.savings_usd or 0.0) > 0}
    total = sum(v for v in saving.values() if v is not None)
    if not saving or total <= 0:
        return ""
    top = max(saving, key=lambda name: saving[name] or 0.0)
    share = (saving[top] or 0.0) / total
    if share <= 0.5 or len(pack.moves) == 1:
        return ""
    return f" {top} makes {share:.0%} of the moves' savings."


def recommendation(pack: ReportPack) -> str:
    """The recommendation, in one sentence a reader can act on."""
    moves = pack.moves
    if not moves:
        return f"Nothing moves in {pack.name}: it shows what staying costs, for comparison."
    if pack.payback_months is None or pack.npv_usd <= 0:
        return (
            f"Do not go ahead with {pack.name} as it stands: its {usd(pack.one_time_usd)} of one-time costs "
            f"{'are not paid back' if pack.payback_months is None else 'buy no value'} within "
            f"{pack.horizon_months} months (NPV {usd(pack.npv_usd)})."
        )
    largest = sorted(moves, key=lambda w: -(w.outcome.savings_usd or 0.0))
    named = [f"{w.name} to {w.inputs.move.target if w.inputs.move else ''}" for w in largest[:2]]
    if len(largest) > 2:
        named.append(f"{len(largest) - 2} more")
    total = len(pack.workloads)
    low = pack.monthly_savings_range[0] if pack.monthly_savings_range is not None else None
    caveat = (
        f", though in the low case (P10) it saves only {usd(low)} a month"
        if low is not None and low < 0.25 * pack.monthly_savings_usd
        else ""
    )
    return (
        f"Move {len(moves)} of {total} workload{'s' if total != 1 else ''} ({_listed(named)}) for "
        f"{usd(pack.one_time_usd)} one-time: it {payback_words(pack)} and saves {usd(pack.monthly_savings_usd)} "
        f"a month once done{caveat}."
    )


def directional_note(pack: ReportPack) -> str:
    """The line that says what kind of number this is, and what it rests on."""
    newest = max((s.as_of for s in pack.price_sources if s.as_of is not None), default=None)
    sources = f" (newest price data {day_words(newest)})" if newest is not None else ""
    return (
        f"A directional estimate, not a quote: from your usage of {period_words(*pack.data_period)}, priced at "
        f"the prices in force on {day_words(pack.prices_as_of)}{sources}. {pack.forecast_check} The figures "
        "move with the assumptions listed; the appendix gives every one and its source."
    )


def _growth_words(pack: ReportPack) -> str:
    if pack.growth == "forecast":
        damped = f", damped ({pack.growth_damping:g} a month)" if pack.growth_damping < 1 else ", compounded undamped"
        return (
            f"{pack.weighted_growth:+.1%} a month across the workloads, each by the trend of its last 90 days{damped}"
        )
    return f"{float(pack.growth):+.1%} a month for every workload (set in the scenario)"


# What each of the tornado's factors is set to at its low and high ends (analysis.scenarios.uncertainty).
FACTOR_SETTINGS = {
    "target costs (tokenizer, answer length, cache hits)": "each target at the low and the high end of its cost range",
    GROWTH_FACTOR: "each workload's growth one standard error lower and higher",
    "price changes": f"every host's yearly price change {PRICE_SPREAD:.0%} lower and higher",
    FAILS: "the move that saves most abandoned after its one-time cost",
    "one-time costs (±50%)": "engineering and evaluation at half and one and a half times",
}


def _npv_effect(low: float, high: float) -> str:
    first, second = sorted((low, high))
    return f"NPV {usd_range(first, second)}"


def key_assumptions(pack: ReportPack) -> tuple[KeyAssumption, ...]:
    """The five assumptions that matter most: usage growth, the horizon and the discount rate — which every
    figure rests on — and the two uncertain factors that move the NPV most (the tornado's top bars)."""
    bars = {name: (low, high) for name, low, high in pack.tornado}
    growth_bar = bars.pop(GROWTH_FACTOR, None)
    found = [
        KeyAssumption("Usage growth", _growth_words(pack), _npv_effect(*growth_bar) if growth_bar else None),
        KeyAssumption(
            "Horizon",
            f"{pack.horizon_months} months, {pack.first_month:%b %Y} to {pack.last_month:%b %Y} (month 1 is the month "
            "after the data ends)",
        ),
        KeyAssumption("Discount rate", f"{pack.discount_rate:.0%} a year, for the NPV"),
    ]
    for name, (low, high) in list(bars.items())[:2]:
        setting = FACTOR_SETTINGS.get(name, "at its low and high settings")
        found.append(KeyAssumption(name[0].upper() + name[1:], setting, _npv_effect(low, high)))
    if len(found) < 5:
        changes = ", ".join(f"{host} {change:+.0%}" for host, change, _ in pack.price_changes if change) or "none"
        found.append(KeyAssumption("Price changes a year", changes))
    if len(found) < 5:
        found.append(KeyAssumption("Engineering day rate", f"{usd(pack.day_rate_usd)} a day"))
    return tuple(found[:5])


def assumptions_register(pack: ReportPack) -> tuple[Assumption, ...]:
    """Every input of the business case with its source — the scenario's, the ledger's, exitplan's defaults
    and the sampling behind the P10–P90 range."""
    first, last = pack.data_period
    lines = [
        Assumption("Data", "Usage from", first, "date", "the ledger's first day with usage"),
        Assumption("Data", "Usage to", last, "date", "the ledger's last day with usage"),
        Assumption("Data", "Prices in force on", pack.prices_as_of, "date", "the day the report priced the usage"),
        Assumption(
            "Data", "Window of today's cost", WINDOW_DAYS, "days", "analysis.assumptions: the last days with usage"
        ),
        Assumption("Scenario", "Horizon", pack.horizon_months, "months", "the scenario"),
        Assumption("Scenario", "First month", pack.first_month, "month", "the month after the data ends"),
        Assumption("Scenario", "Discount rate", pack.discount_rate, "a year", "the scenario"),
        Assumption("Scenario", "Engineering day rate", pack.day_rate_usd, "USD a day", "the scenario"),
        Assumption(
            "Scenario",
            "Usage growth",
            pack.growth if isinstance(pack.growth, str) else float(pack.growth),
            "a month" if not isinstance(pack.growth, str) else "",
            "the scenario" + (": each workload's forecast" if pack.growth == "forecast" else ""),
        ),
    ]
    if pack.growth == "forecast":
        lines.append(
            Assumption(
                "Scenario",
                "Growth damping",
                pack.growth_damping,
                "φ a month",
                "the scenario: month m grows by φ + … + φ^m months of the trend (a damped trend)",
            )
        )
    lines += [
        Assumption("Price change a year", host, change, "a year", source) for host, change, source in pack.price_changes
    ]
    for line in pack.workloads:
        i = line.inputs
        lines.append(
            Assumption(
                "Workloads",
                f"{i.workload}: cost today",
                i.today_usd,
                "USD a month",
                f"{i.model} on {i.host}, the last {WINDOW_DAYS} days priced",
            )
        )
        lines.append(Assumption("Workloads", f"{i.workload}: growth", i.growth, "a month", i.growth_source))
        if i.retires_on is not None:
            successor = f"{i.successor_model} on {i.successor_host}" if i.successor_model else "no successor named"
            lines.append(
                Assumption(
                    "Workloads",
                    f"{i.workload}: retires",
                    i.retires_on,
                    "date",
                    f"the host's lifecycle data; successor {successor}",
                )
            )
        if i.successor_usd is not None and i.retires_on is not None:
            lines.append(
                Assumption(
                    "Workloads",
                    f"{i.workload}: successor's cost today",
                    i.successor_usd,
                    "USD a month",
                    "its usage repriced on the successor",
                )
            )
        move = i.move
        if move is None:
            continue
        lines += [
            Assumption("Moves", f"{i.workload}: target", move.target, "", "the scenario"),
            Assumption(
                "Moves",
                f"{i.workload}: target's cost today",
                move.target_usd,
                "USD a month",
                f"its usage repriced on the target (low {usd(move.target_low_usd)}, high {usd(move.target_high_usd)})",
            ),
            Assumption("Moves", f"{i.workload}: share moved", move.share, "share", "the scenario"),
            Assumption(
                "Moves", f"{i.workload}: start month", move.start_month, "month", f"the scenario ({move.starts:%b %Y})"
            ),
            Assumption("Moves", f"{i.workload}: ramp", move.ramp_months, "months", "the scenario"),
            Assumption(
                "Moves", f"{i.workload}: engineering days", move.engineering_days, "days", move.engineering_days_source
            ),
            Assumption("Moves", f"{i.workload}: evaluation", move.evaluation_usd, "USD", move.evaluation_source),
        ]
        if move.dual_running_months:
            lines.append(
                Assumption("Moves", f"{i.workload}: dual running", move.dual_running_months, "months", "the scenario")
            )
        if move.split_model is not None:
            lines.append(
                Assumption(
                    "Moves",
                    f"{i.workload}: router split",
                    move.split_share,
                    "share",
                    f"to {move.split_model} on {move.split_host} ({usd(move.split_usd)} a month)",
                )
            )
        if move.reembedding_usd:
            lines.append(
                Assumption(
                    "Moves",
                    f"{i.workload}: embedding the corpus again",
                    move.reembedding_usd,
                    "USD",
                    "every input token so far, at the target's price",
                )
            )
    days = ", ".join(f"{task} {value:g}" for task, value in DEFAULT_ENGINEERING_DAYS.items())
    lines += [
        Assumption(
            "Defaults",
            "Engineering days by task",
            days,
            "days",
            f"exitplan; ×{HIGH_CRITICALITY_EFFORT:g} for a high-criticality workload",
        ),
        Assumption(
            "Defaults",
            "Evaluation of a move",
            DEFAULT_EVALUATION_USD,
            "USD",
            "exitplan: a few hundred prompts replayed with a judge",
        ),
        Assumption(
            "Defaults",
            "Answer length on a target",
            f"{OUTPUT_LENGTH_RANGE['low']:g}–{OUTPUT_LENGTH_RANGE['high']:g}× today's",
            "",
            "exitplan: the low and high cost cases",
        ),
        Assumption(
            "Defaults",
            "Prompt-cache hits kept",
            f"{CACHE_HIT_RANGE['high']:.0%}–{CACHE_HIT_RANGE['low']:.0%}",
            "",
            "exitplan: the high and low cost cases",
        ),
        Assumption("Uncertainty", "Draws", SAMPLES, "draws", "seeded, so the same scenario gives the same range"),
        Assumption(
            "Uncertainty", "Price change spread", PRICE_SPREAD, "a year", "±1 standard deviation on every host's change"
        ),
        Assumption(
            "Uncertainty", "Growth spread", GROWTH_SPREAD, "a month", "where the forecast has no standard error"
        ),
    ]
    lines += [
        Assumption(
            "Uncertainty",
            f"Chance a move fails its evaluation ({evidence})",
            chance,
            "share",
            "exitplan, by the strength of the evidence",
        )
        for evidence, chance in FAILURE_CHANCE.items()
    ]
    return tuple(lines)


def comparison_verdict(packs: Sequence[ReportPack]) -> str:
    """Which of the compared scenarios is worth most, and which pays back soonest, in one sentence."""
    best = max(packs, key=lambda p: p.npv_usd)
    if best.npv_usd <= 0:
        return f"None of the {len(packs)} scenarios pays for itself within its horizon; staying costs least."
    words = f"{best.name} is worth most (NPV {usd(best.npv_usd)}, {usd(best.monthly_savings_usd)} a month once done)"
    paying = [p for p in packs if p.moves and p.payback_months is not None]
    soonest = min(paying, key=lambda p: p.payback_months or 0, default=None)
    if soonest is not None and soonest.name != best.name and (soonest.payback_months or 0) < (best.payback_months or 0):
        words += f"; {soonest.name} {payback_words(soonest)}, soonest"
    scored = [p for p in packs if p.risk_after is not None and p.risk_before is not None]
    safest = min(scored, key=lambda p: p.risk_after or 0.0, default=None)
    if safest is not None and safest.name != best.name and (safest.risk_after or 0.0) < (best.risk_after or 0.0) - 0.5:
        words += f"; {safest.name} lowers the dependency risk most ({safest.risk_before:.0f} → {safest.risk_after:.0f})"
    return words + "."


def comparison_rows(packs: Sequence[ReportPack]) -> tuple[list[str], list[list[str]]]:
    """The comparison table: one row per figure, one column per scenario."""

    def spread(values: tuple[float, float, float] | None) -> str:
        return "—" if values is None else "–".join(usd_together([values[0], values[2]]))

    def risk(p: ReportPack) -> str:
        return "—" if p.risk_before is None or p.risk_after is None else f"{p.risk_before:.0f} → {p.risk_after:.0f}"

    rows = [
        ["Moves", *(f"{len(p.moves)} of {len(p.workloads)} workloads" for p in packs)],
        ["Horizon", *(f"{p.horizon_months} months" for p in packs)],
        ["Saves a month once done", *(usd(p.monthly_savings_usd) for p in packs)],
        ["  P10–P90", *(spread(p.monthly_savings_range) for p in packs)],
        ["Saves over 3 years", *(usd(p.savings_3y_usd) for p in packs)],
        ["  P10–P90", *(spread(p.savings_3y_range) for p in packs)],
        ["One-time costs", *(usd(p.one_time_usd) for p in packs)],
        ["Payback", *(payback_words(p) for p in packs)],
        ["NPV", *(f"{usd(p.npv_usd)} at {p.discount_rate:.0%}" for p in packs)],
        ["Risk score", *(risk(p) for p in packs)],
    ]
    return ["", *(p.name for p in packs)], rows
