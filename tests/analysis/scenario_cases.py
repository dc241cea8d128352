"""Small, hand-made scenario contexts: workloads with today's cost and a few candidates, no growth, no
retirement and no risk exposure unless asked for — so every figure of a business case can be worked out by
hand."""

from __future__ import annotations

from datetime import date

from analysis.alternatives import Option
from analysis.costing import CostRange
from analysis.latency import LatencyEstimate
from analysis.quality import QualityEstimate, QualityEvidence
from analysis.retirement import Retirement
from analysis.scenarios.context import ScenarioContext, WorkloadCase
from analysis.workload_rules import Workload

# Month 1 is December 2026, the month after the ledger's last day.
LAST_DAY = date(2026, 11, 30)


def option(
    host: str,
    model: str,
    monthly_usd: float,
    grade: str = "ok",
    p95_s: float | None = None,
    *,
    low: float | None = None,
    high: float | None = None,
    successor: bool = False,
) -> Option:
    """A candidate costing ``monthly_usd`` (from ``low``, else 0.8×, to ``high``, else 1.25×)."""
    evidence = None if grade == "unrated" else QualityEvidence("a board", None, "rating", 1300.0, 1290.0)
    return Option(
        model=model,
        host=host,
        family=None,
        monthly_cost_usd=CostRange(
            monthly_usd * 0.8 if low is None else low, monthly_usd, monthly_usd * 1.25 if high is None else high
        ),
        latency=LatencyEstimate(None, p95_s, "test", None, ""),
        quality=QualityEstimate(grade, evidence, "test", ""),
        fits=True,
        fit_problems=(),
        reasons=(),
        successor=successor,
    )


def case(
    name: str,
    host: str,
    model: str,
    today_usd: float | None,
    options: list[Option],
    *,
    task: str = "chat",
    criticality: str = "medium",
    retires_on: date | None = None,
    growth: float = 0.0,
    tokens: tuple[float, float] = (0.0, 0.0),
) -> WorkloadCase:
    """A workload on ``model`` at ``host``; ``tokens`` are its monthly tokens and its corpus so far."""
    return WorkloadCase(
        workload=Workload(None, name, (), task_category=task, criticality=criticality),
        host=host,
        model=model,
        today_usd=today_usd,
        retirement=Retirement(host, model, retires_on, None, None) if retires_on else None,
        options={(o.host, o.model): o for o in options},
        top=options[0] if options else None,
        successor=next((o for o in options if o.successor), None),
        monthly_growth=growth,
        growth_error=None,
        monthly_tokens=tokens[0],
        corpus_tokens=tokens[1],
        quality_today="same model",
        latency_today_s=2.0,
    )


def context(*cases: WorkloadCase, last_day: date = LAST_DAY, today: date = date(2026, 12, 5)) -> ScenarioContext:
    return ScenarioContext(today, last_day, {c.name: c for c in cases})


def chat() -> WorkloadCase:
    """$1,000 a month on openai/big; small on deepinfra costs $200, tiny on fireworks $100, both rated ok;
    an unrated one and one below the floor are candidates a plan may not pick."""
    return case(
        "Chat",
        "openai",
        "big",
        1000.0,
        [
            option("deepinfra", "small", 200.0, p95_s=1.5),
            option("fireworks", "tiny", 100.0),
            option("novita", "mystery", 50.0, grade="unrated"),
            option("groq", "weak", 20.0, grade="below floor"),
        ],
    )


def search() -> WorkloadCase:
    """An embeddings workload of $300 a month, whose only target is embed-s on fireworks at $30."""
    return case("Search", "openai", "embed-l", 300.0, [option("fireworks", "embed-s", 30.0)], task="embeddings")
