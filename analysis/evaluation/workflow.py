"""An evaluation from the ledger's side: what to replay for a workload (its samples, today's model, how to
judge), what a call costs at the price book's prices, and storing what the run found as the company's
evidence — a replay result per candidate (:mod:`analysis.replays`: its win rate and answer length) and a
latency measurement (:mod:`analysis.latency_measurements`: its time to first token and decode speed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import pandas as pd
from sqlalchemy import Engine

from analysis.assumptions import WINDOW_DAYS
from analysis.evaluation.replay import EvaluationResult, Plan, Pricer, Target
from analysis.evaluation.samples import workload_samples
from analysis.latency_measurements import save_measurements
from analysis.profile import profile_of
from analysis.replays import save_replays
from analysis.workload_rules import Workload
from analysis.workloads import workload_usage
from pricing.book import PriceBook
from pricing.quote import quote

__all__ = ["book_pricer", "default_check", "measurement_source", "plan_evaluation", "save_evaluation"]

# A measurement's source names the run, so that evaluating a candidate again replaces its figures.
_SOURCE_LENGTH = 300


def default_check(workload: Workload) -> str | None:
    """The check that judges a workload's answers when no judge model is named: an exact match for
    classification and extraction, the JSON structure where the workload needs JSON output, else none.

    >>> default_check(Workload(1, "Intent", (), task_category="classification"))
    'exact'
    """
    if workload.task_category == "classification":
        return "exact"
    return "json" if workload.needs_json_schema else None


def plan_evaluation(
    engine: Engine,
    workload: Workload,
    workloads: Sequence[Workload],
    candidates: Sequence[Target],
    *,
    n: int,
    judge: Target | None = None,
    check: str | None = None,
) -> Plan:
    """What replaying ``workload``'s first ``n`` samples on ``candidates`` involves: today's model (the one
    with most of its traffic in the window, replayed for samples with no logged answer), the judge or the
    check (``check`` None and no judge: :func:`default_check`), and today's typical answer length."""
    profile = profile_of(workload_usage(engine, workload, workloads, days=WINDOW_DAYS), WINDOW_DAYS)
    incumbent = None if profile.empty else Target(str(profile.provider), str(profile.model))
    if judge is None and check is None:
        check = default_check(workload)
    return Plan(
        workload=workload.name,
        samples=tuple(workload_samples(engine, workload, workloads, n)),
        candidates=tuple(dict.fromkeys(candidates)),
        incumbent=incumbent,
        judge=judge,
        check=check,
        answer_tokens=profile.output_per_request or None,
    )


def book_pricer(book: PriceBook, day: date) -> Pricer:
    """The cost of a call at ``book``'s prices in force on ``day`` (None where the target has no price)."""

    def price(target: Target, input_tokens: int, output_tokens: int) -> float | None:
        found = quote(
            target.host, target.model, day=day, input_tokens=input_tokens, output_tokens=output_tokens, book=book
        )
        return None if found is None or not math.isfinite(found.total_usd) else found.total_usd

    return price


def measurement_source(workload: str, target: Target) -> str:
    """The name a run's latency measurement is kept under.

    >>> measurement_source("Support", Target("groq", "llama-3.3-70b-versatile"))
    'exitplan evaluate Support: groq/llama-3.3-70b-versatile'
    """
    return f"exitplan evaluate {workload}: {target.label}"[:_SOURCE_LENGTH]


def save_evaluation(engine: Engine, result: EvaluationResult, *, today: date) -> int:
    """Keep what ``result`` found for each candidate that answered: its replay result (replacing an earlier
    run's for the workload and candidate) and, where it measured a decode speed, a latency measurement.
    Returns how many candidates were kept."""
    plan = result.plan
    incumbent = plan.incumbent
    rows = []
    for found in result.candidates:
        if found.answers == 0:
            continue
        counts, ratio = found.tally, found.output_ratio
        interval = counts.interval if counts is not None else None
        rows.append(
            {
                "workload": plan.workload,
                "incumbent_host": incumbent.host if incumbent is not None else None,
                "incumbent_model": incumbent.model if incumbent is not None else None,
                "host": found.target.host,
                "model": found.target.model,
                "n": found.answers,
                "judge": plan.judged_by,
                "wins": counts.wins if counts is not None else None,
                "ties": counts.ties if counts is not None else None,
                "losses": counts.losses if counts is not None else None,
                "win_rate": counts.win_rate if counts is not None else None,
                "win_rate_low": interval[0] if interval is not None else None,
                "win_rate_high": interval[1] if interval is not None else None,
                "ttft_p50_s": found.ttft_p50_s,
                "ttft_p95_s": found.ttft_p95_s,
                "tokens_per_s": found.tokens_per_s,
                "output_ratio": ratio[1] if ratio is not None else None,
                "output_ratio_low": ratio[0] if ratio is not None else None,
                "output_ratio_high": ratio[2] if ratio is not None else None,
                "cost_usd": found.cost_usd if found.priced else None,
            }
        )
        if found.ttft_p50_s is not None and found.tokens_per_s is not None:
            measurement = {
                "host": found.target.host,
                "model": found.target.model,
                "ttft_s": found.ttft_p50_s,
                "ttft_p95_s": found.ttft_p95_s,
                "tokens_per_s": found.tokens_per_s,
                "n": len(found.ttfts),
                "measured_on": today,
            }
            save_measurements(engine, pd.DataFrame([measurement]), measurement_source(plan.workload, found.target))
    return save_replays(engine, rows)
