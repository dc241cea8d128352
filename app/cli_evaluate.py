"""``exitplan evaluate WORKLOAD --candidate HOST/MODEL …``: replay the workload's own prompts on candidates,
measure latency and answer length, judge against today's answers, and keep the results as the company's
evidence (Alternatives, scenarios and the leadership pack read them)."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from analysis.evaluation import (
    CHECKS,
    EvaluationResult,
    Plan,
    book_pricer,
    cost_words,
    estimate_cost,
    parse_target,
    plan_evaluation,
    run_evaluation,
    save_evaluation,
)
from analysis.workloads import list_workloads
from app.cli_alternatives import find_workload
from app.cli_common import MAX_SAMPLES, DbOption, JsonOption, err, fail, out, price_option, usd
from collectors.api.chat import ChatRouter, Endpoint, endpoint_for, endpoints_for, parse_base_urls
from db import open_ledger
from pricing.sources import load_book

__all__ = ["evaluate_command"]


def _endpoints(plan: Plan, base_urls: dict[str, str]) -> tuple[Plan, dict[str, Endpoint]]:
    """Where each host of the run is called; today's model is left out (its samples then measure latency
    only) when its host has no endpoint, any other host without one ends the command."""
    needed = [c.host for c in plan.candidates] + ([plan.judge.host] if plan.judge else [])
    endpoints = endpoints_for(needed, base_urls, os.environ)
    today = plan.incumbent
    if today is not None and any(not s.response for s in plan.samples):
        endpoint = endpoint_for(today.host, base_urls, os.environ)
        if endpoint is None:
            err.print(
                f"Today's model {today.label} has no endpoint: samples without a logged answer measure latency "
                f"only (give --base-url {today.host}=URL to replay it).",
                markup=False,
                highlight=False,
            )
            plan = replace(plan, incumbent=None)
        else:
            endpoints[today.host] = endpoint
    return plan, endpoints


def _confirm(yes: bool) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise fail("not run: no terminal to confirm the estimated cost on; add --yes to run it")
    if not typer.confirm("Run it?", err=True):
        raise typer.Exit(1)


def _print(result: EvaluationResult, day: date) -> None:
    plan = result.plan
    judge = plan.judged_by or "not judged (name --judge HOST/MODEL)"
    today = f", today's answers from {plan.incumbent.label}" if plan.incumbent is not None else ""
    out.print(
        f"{plan.workload}, evaluated {day.isoformat()}: {len(plan.samples)} prompts ({result.references} with "
        f"today's answer{today}), judge: {judge}",
        markup=False,
    )
    table = Table("host", "model", "n", "wins/ties/losses", "win rate (95%)", "TTFT p50/p95", "tokens/s", "length")
    for row in (c.as_dict() for c in result.candidates):
        interval = row["win_rate_ci"]
        rate = "—" if row["win_rate"] is None else f"{row['win_rate']:.0%}"
        if isinstance(interval, list):
            rate += f" ({interval[0]:.0%}–{interval[1]:.0%})"
        table.add_row(
            str(row["host"]),
            str(row["model"]),
            str(row["n"]),
            "—" if row["wins"] is None else f"{row['wins']}/{row['ties']}/{row['losses']}",
            rate,
            "—" if row["ttft_p50_s"] is None else f"{row['ttft_p50_s']:.2f} / {row['ttft_p95_s']:.2f} s",
            "—" if row["tokens_per_s"] is None else f"{row['tokens_per_s']:.0f}",
            "—" if row["output_ratio"] is None else f"{row['output_ratio']:.0%} of today's",
        )
    out.print(table)
    out.print(
        "n: prompts answered; wins/ties/losses against today's answer, ties counting half in the win rate "
        "(50% is parity), with its 95% Wilson interval.",
        markup=False,
    )
    shows = f"`exitplan alternatives {plan.workload!r}` now shows these"
    out.print(f"Spent {cost_words(result.spent_usd)}. {shows}.", markup=False)


def evaluate_command(
    workload: Annotated[str, typer.Argument(help="The workload's id or name (see `exitplan workloads list`).")],
    candidate: Annotated[
        list[str],
        typer.Option(help="A candidate as HOST/MODEL, e.g. groq/llama-3.3-70b-versatile (repeatable)."),
    ],
    n: Annotated[
        int, typer.Option("--n", min=1, max=MAX_SAMPLES, help="How many of the workload's prompt samples to replay.")
    ] = 50,
    budget_usd: Annotated[float, price_option("Stop before the calls would cost more than this (USD).")] = 5.0,
    judge: Annotated[
        str | None,
        typer.Option(help="The judge model as HOST/MODEL: compares each answer with today's, twice, swapped."),
    ] = None,
    check: Annotated[
        str | None,
        typer.Option(
            help="Judge without a model: exact (the same answer) or json (the same JSON structure). Default: "
            "exact for classification workloads, json for workloads that need JSON output."
        ),
    ] = None,
    base_url: Annotated[
        list[str] | None,
        typer.Option(help="HOST=URL: call HOST at this OpenAI-compatible base URL (repeatable)."),
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="Prompts in flight at once.")] = 4,
    yes: Annotated[bool, typer.Option("--yes", help="Run without confirming the estimated cost.")] = False,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Replay a workload's own prompts on candidates: time to first token, tokens/s, answer length and a win
    rate against today's answers. Keys come from $EXITPLAN_<HOST>_API_KEY or the host's usual variable and are
    never stored; a host without one is called without a key. The results feed `exitplan alternatives`."""
    engine = open_ledger(db)
    workloads = list_workloads(engine)
    if not workloads:
        raise fail(f"no workload {workload!r}: none is saved yet (`exitplan workloads propose` saves them)")
    chosen = find_workload(workloads, workload)
    if chosen is None:
        names = ", ".join(f"{w.id}: {w.name}" for w in workloads) or "none (import usage first)"
        raise fail(f"no workload {workload!r}; workloads: {names}")
    if check is not None and check not in CHECKS:
        raise fail(f"--check {check!r}: one of {', '.join(CHECKS)}")
    targets = [parse_target(c) for c in candidate]
    judge_target = parse_target(judge, "judge") if judge else None
    plan = plan_evaluation(engine, chosen, workloads, targets, n=n, judge=judge_target, check=check)
    plan, endpoints = _endpoints(plan, parse_base_urls(base_url or []))
    today = datetime.now(UTC).date()
    price = book_pricer(load_book(engine), today)
    estimate = estimate_cost(plan, price)
    for what, calls, cost in estimate.lines:
        err.print(f"  {what}: {calls:,} calls, {cost_words(cost)}", markup=False, highlight=False)
    priced = len(estimate.unpriced) < len(estimate.lines)
    total = cost_words(estimate.total_usd) + (" for the priced calls" if estimate.unpriced else "")
    total = total if priced else "unknown: no call has a price"
    summary = f"Estimated cost {total}, {len(plan.samples)} prompts (budget {usd(budget_usd)})"
    err.print(summary, markup=False, highlight=False)
    if estimate.unpriced:
        # A local server costs nothing; a paid host the price book does not know would spend unseen.
        err.print(
            f"No price for {'; '.join(estimate.unpriced)}: those calls do not count against the budget.",
            markup=False,
            highlight=False,
        )
    _confirm(yes)
    with ChatRouter(endpoints) as chat, Progress(console=err, transient=True) as progress:
        task = progress.add_task("Replaying", total=None)
        result = run_evaluation(
            plan,
            chat,
            price,
            budget_usd=budget_usd,
            concurrency=concurrency,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    if not any(c.answers for c in result.candidates):
        first = next((e for c in result.candidates for e in c.errors), "no prompt was replayed within the budget")
        raise fail(first)
    save_evaluation(engine, result, today=today)
    for note in result.notes:
        err.print(note, markup=False, highlight=False)
    if result.stopped_by_budget:
        err.print(f"The budget of {usd(budget_usd)} stopped the run.", markup=False, highlight=False)
    for found in result.candidates:
        if found.errors:
            err.print(
                f"{found.target.label}: {len(found.errors)} failed calls, e.g. {found.errors[0]}",
                markup=False,
                highlight=False,
            )
    if as_json:
        print(json.dumps(result.as_dict()))
        return
    _print(result, today)
