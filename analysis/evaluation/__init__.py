"""Evaluating candidates on the company's own prompts: choose a workload's samples, replay them on each
candidate, measure latency and answer length, judge quality against today's answers, and keep the results as
the company's evidence for Alternatives, scenarios and the leadership pack.

- :mod:`~analysis.evaluation.samples` — a workload's kept prompts;
- :mod:`~analysis.evaluation.replay` — the run (through injected chat and price functions), the estimate
  before it and the budget during it;
- :mod:`~analysis.evaluation.judging` — the pairwise judge's prompt and verdicts, the exact-match and JSON checks;
- :mod:`~analysis.evaluation.statistics` — win rate and Wilson interval, percentiles, decode speed, length ratio;
- :mod:`~analysis.evaluation.workflow` — planning from the ledger, prices from the book, storing the results.
"""

from analysis.evaluation.judging import CHECKS
from analysis.evaluation.replay import (
    CandidateResult,
    Chat,
    CostEstimate,
    EvaluationResult,
    Plan,
    Pricer,
    Reply,
    Target,
    cost_words,
    estimate_cost,
    parse_target,
    run_evaluation,
)
from analysis.evaluation.samples import (
    Sample,
    purge_samples,
    sample_count,
    sample_summary,
    workload_groups,
    workload_samples,
)
from analysis.evaluation.workflow import book_pricer, default_check, plan_evaluation, save_evaluation

__all__ = [
    "CHECKS",
    "CandidateResult",
    "Chat",
    "CostEstimate",
    "EvaluationResult",
    "Plan",
    "Pricer",
    "Reply",
    "Sample",
    "Target",
    "book_pricer",
    "cost_words",
    "default_check",
    "estimate_cost",
    "parse_target",
    "plan_evaluation",
    "purge_samples",
    "run_evaluation",
    "sample_count",
    "sample_summary",
    "save_evaluation",
    "workload_groups",
    "workload_samples",
]
