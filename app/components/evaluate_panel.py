"""The Alternatives page's Evaluate panel: replay the workload's own prompts on candidates picked from the
ranking (or named), judged against today's answers, within a budget — what `exitplan evaluate` does, with the
estimate shown before anything runs, a progress bar while it does, and the results after."""

from __future__ import annotations

import os
import shlex
from dataclasses import replace

import pandas as pd
import streamlit as st

from analysis.alternatives import Alternatives
from analysis.evaluation import (
    CHECKS,
    book_pricer,
    cost_words,
    estimate_cost,
    parse_target,
    plan_evaluation,
    run_evaluation,
    sample_count,
    save_evaluation,
)
from analysis.workload_rules import Workload
from app import cache
from app.components.escape import md
from collectors.api.chat import ChatRouter, endpoints_for, parse_base_urls
from db.errors import UserError

__all__ = ["evaluate_panel"]

_MAX_CANDIDATES = 5


def evaluate_panel(url: str, workload: Workload, result: Alternatives) -> None:
    """The form, the estimate, the run and its results, for ``workload``."""
    engine = cache.engine()
    workloads = cache.workloads(url)
    kept = sample_count(engine, workload, workloads)
    st.caption(
        "Replays a sample of this workload's own prompts on each candidate: time to first token, tokens/s, answer "
        "length against today's, and a win rate against today's answers (a judge model compares the two answers "
        "twice, swapped). The results become this workload's evidence. Keys come from the server's environment "
        "(`EXITPLAN_<HOST>_API_KEY` or the host's usual variable) and are never stored."
    )
    if "evaluate-results" in st.session_state:
        _last_results()
    if not kept:
        st.info(
            "No prompt samples for this workload yet: keep some when importing logs that carry prompts "
            "(`exitplan ingest FILE --keep-prompts 200`), or add a file of them:"
        )
        # A code block shows the name as typed (no Markdown there) and quoted for the shell.
        st.code(f"exitplan samples add FILE --workload {shlex.quote(workload.name)}", language="bash")
        return
    choices = [f"{c.host}/{c.model}" for c in result.candidates]
    with st.form("alternatives-evaluate"):
        picked = st.multiselect(
            "Candidates", choices, max_selections=_MAX_CANDIDATES, key="evaluate-candidates", placeholder="pick up to 5"
        )
        more = st.text_input(
            "Other models, as HOST/MODEL (comma-separated)", key="evaluate-more", placeholder="self-hosted/qwen2.5:7b"
        )
        left, right = st.columns(2)
        n = left.number_input("Prompts", min_value=1, max_value=kept, value=min(50, kept), key="evaluate-n")
        budget = right.number_input("Budget (USD)", min_value=0.0, value=5.0, step=1.0, key="evaluate-budget")
        judge = left.text_input(
            "Judge model, as HOST/MODEL",
            key="evaluate-judge",
            placeholder="openai/gpt-4.1",
            help="Empty: classification workloads are checked by exact match, JSON workloads by structure; others "
            "are measured but not judged.",
        )
        urls = right.text_input(
            "Base URLs, HOST=URL (comma-separated)",
            key="evaluate-urls",
            placeholder="self-hosted=http://127.0.0.1:11434/v1",
        )
        estimated = st.form_submit_button("Estimate the cost")
    if estimated:
        st.session_state["evaluate-asked"] = (tuple(picked), more, int(n), float(budget), judge, urls)
    asked = st.session_state.get("evaluate-asked")
    if not asked:
        return
    try:
        _estimate_and_run(url, workload, workloads, *asked)
    except UserError as exc:
        st.error(md(exc))


def _estimate_and_run(
    url: str,
    workload: Workload,
    workloads: list[Workload],
    picked: tuple[str, ...],
    more: str,
    n: int,
    budget: float,
    judge: str,
    urls: str,
) -> None:
    engine = cache.engine()
    named = [*picked, *(part.strip() for part in more.split(",") if part.strip())]
    targets = [parse_target(text) for text in named]
    judge_target = parse_target(judge, "judge") if judge.strip() else None
    plan = plan_evaluation(engine, workload, workloads, targets, n=n, judge=judge_target)
    base_urls = parse_base_urls(part.strip() for part in urls.split(",") if part.strip())
    hosts = [t.host for t in targets] + ([judge_target.host] if judge_target else [])
    endpoints = endpoints_for(hosts, base_urls, os.environ)
    if plan.incumbent is not None and any(not s.response for s in plan.samples):
        try:
            endpoints |= endpoints_for([plan.incumbent.host], base_urls, os.environ)
        except UserError:
            st.caption(
                f"Today's model {md(plan.incumbent.label)} has no endpoint: prompts without a logged answer are "
                "timed only."
            )
            plan = replace(plan, incumbent=None)  # as the command line does: not called, rather than failing
    price = book_pricer(cache.book(url), pd.Timestamp.now("UTC").date())
    estimate = estimate_cost(plan, price)
    lines = [f"- {md(what)}: {calls:,} calls, {cost_words(usd)}" for what, calls, usd in estimate.lines]
    if len(estimate.unpriced) == len(estimate.lines):
        total = "unknown: no call has a price"
    else:
        total = cost_words(estimate.total_usd) + (" for the priced calls" if estimate.unpriced else "")
    st.markdown(
        f"**Estimated cost {md(total)}** for {len(plan.samples)} prompts, judged by "
        f"{md(plan.judged_by or 'no one')} (budget ${budget:,.2f}; the run stops there):\n" + "\n".join(lines)
    )
    if estimate.unpriced:
        st.caption(f"No price for {md('; '.join(estimate.unpriced))}: those calls do not count against the budget.")
    if not st.button("Run the evaluation", key="evaluate-run", type="primary"):
        return
    bar = st.progress(0.0, text="Replaying…")
    with ChatRouter(endpoints) as chat:
        found = run_evaluation(
            plan,
            chat,
            price,
            budget_usd=budget,
            on_progress=lambda done, total: bar.progress(done / total, text=f"Replaying… {done:,} of {total:,}"),
        )
    bar.empty()
    said = list(found.notes)
    if found.stopped_by_budget:
        said.append(f"The budget of ${budget:,.2f} stopped the run after {cost_words(found.spent_usd)}.")
    said += [
        f"{c.target.label}: {len(c.errors)} failed calls, e.g. {c.errors[0]}" for c in found.candidates if c.errors
    ]
    if any(c.answers for c in found.candidates):
        save_evaluation(engine, found, today=pd.Timestamp.now("UTC").date())
        cache.clear()
        st.session_state["alternatives-flash"] = (
            f"Evaluated on {len(plan.samples)} of {workload.name}'s prompts: the ranking now stands on the results."
        )
    st.session_state.pop("evaluate-asked", None)
    st.session_state["evaluate-results"] = ([c.as_dict() for c in found.candidates], said, plan.judged_by)
    st.rerun()


def _last_results() -> None:
    """What the last run found, shown once after it (the page reruns to rank on the new evidence)."""
    rows, said, judged_by = st.session_state.pop("evaluate-results")
    for message in said:
        st.warning(md(message))
    st.dataframe(pd.DataFrame(rows), hide_index=True, placeholder="—")
    checks = " or ".join(CHECKS.values())
    nobody = f"no one (name a judge, or a {checks} check applies by task)"
    st.caption(f"Judged by {md(judged_by) if judged_by else nobody}.")
