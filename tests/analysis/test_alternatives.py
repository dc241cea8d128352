"""Estimates on a candidate, each with a hand-computed case, and the ranking on the demo company."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.alternatives import CandidateFilter, alternatives
from analysis.eligibility import kind_of
from analysis.quality import GRADES
from analysis.repricing import reprice
from analysis.selfhost import SelfHostedOption, break_even_tokens, usd_per_mtok
from analysis.workloads import Rule, Workload, ensure_workloads, save_workload
from collectors import ingest, source_from_bytes, source_from_path
from collectors.demo import load_demo
from db.errors import InvalidInput
from pricing.cost import offline_book
from tests.conftest import FIXTURES

DAY = date(2025, 9, 1)


def _mix(**measures: float) -> pd.DataFrame:
    row = {
        "service_tier": None,
        "batch": None,
        "prompt_band": 0,
        "requests": 1,
        "input_tokens": 0,
        "cache_read_tokens": 0,
        "cache_write_tokens": 0,
        "cache_write_1h_tokens": 0,
        "output_tokens": 0,
        "reasoning_tokens": 0,
    }
    row.update(measures)
    return pd.DataFrame([row])


def _plan(
    provider: str,
    model: str,
    ratio: float = 1.0,
    *,
    keep_cache: bool = True,
    batch: bool = False,
    verbosity: float = 1.0,
) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "plan": "p",
                "provider": provider,
                "model": model,
                "token_ratio": ratio,
                "verbosity": verbosity,
                "keep_cache": keep_cache,
                "use_batch": batch,
                "keep_tier": False,
            }
        ]
    )


def _monthly(mix: pd.DataFrame, plan: pd.DataFrame) -> float:
    return float(reprice(mix, plan, day=DAY, book=offline_book(), monthly_factor=1.0)["monthly_usd"].iloc[0])


def test_tokenizer_ratio_scales_input_and_output() -> None:
    # gpt-4o: $2.50 input, $10 output. 10% more tokens on both sides: 1.1M × 2.5 + 110k × 10 = $2.75 + $1.10.
    mix = _mix(input_tokens=1_000_000, output_tokens=100_000)
    assert _monthly(mix, _plan("openai", "gpt-4o", 1.1)) == pytest.approx(3.85)
    # Verbosity applies to output only: 20% longer answers, 120k × $10.
    assert _monthly(mix, _plan("openai", "gpt-4o", 1.0, verbosity=1.2)) == pytest.approx(2.5 + 1.2)


def test_a_ratio_above_one_can_cross_a_long_context_cliff() -> None:
    # Ten 190k-token prompts; on claude-sonnet-4-5 prompts above 200k cost $6 instead of $3 per million.
    mix = _mix(requests=10, input_tokens=1_900_000, prompt_band=128_000)
    assert _monthly(mix, _plan("anthropic", "claude-sonnet-4-5", 1.0)) == pytest.approx(1.9 * 3)
    # 10% more tokens: 209k per prompt, above the cliff, so every token costs $6.
    assert _monthly(mix, _plan("anthropic", "claude-sonnet-4-5", 1.1)) == pytest.approx(2.09 * 6)


def test_cache_reads_become_plain_input_where_the_target_has_no_caching() -> None:
    # 40% of 1M input read from cache: $1.25 on gpt-4o with caching, $2.50 without.
    mix = _mix(input_tokens=1_000_000, cache_read_tokens=400_000)
    assert _monthly(mix, _plan("openai", "gpt-4o", keep_cache=True)) == pytest.approx(0.6 * 2.5 + 0.4 * 1.25)
    assert _monthly(mix, _plan("openai", "gpt-4o", keep_cache=False)) == pytest.approx(2.5)


def test_batch_halves_the_price_where_the_target_offers_it() -> None:
    # claude-sonnet-4-5 in batch: $1.50/$7.50 against $3/$15 (ten 100k prompts, below the 200k cliff).
    mix = _mix(requests=10, input_tokens=1_000_000, output_tokens=1_000_000)
    assert _monthly(mix, _plan("anthropic", "claude-sonnet-4-5")) == pytest.approx(18.0)
    assert _monthly(mix, _plan("anthropic", "claude-sonnet-4-5", batch=True)) == pytest.approx(9.0)


def test_self_hosting_cost_per_million_and_break_even() -> None:
    # 2× H100 at $2.99/h, 2,500 tokens/s at 60%: $5.98 / (2,500 × 0.6 × 3600 / 1M) = $1.107 per million.
    option = SelfHostedOption("llama on 2 GPUs", "llama-3.3-70b-instruct", "H100", 2.99, 2, 2500.0, 0.6, 2000.0)
    assert usd_per_mtok(option) == pytest.approx(5.98 / 5.4)
    assert break_even_tokens(option, 0.5) is None  # never cheaper than $0.50 per million


HEADER = "timestamp,provider,model,project,requests,input_tokens,output_tokens,cached_input_tokens,latency_ms\n"


def _ledger_with(ledger: Engine, rows: str) -> None:
    ingest(ledger, source_from_bytes("usage.csv", (HEADER + rows).encode()))


def test_a_batch_tolerant_workload_is_priced_on_the_batch_api(ledger: Engine) -> None:
    _ledger_with(ledger, "2025-09-01T10:00:00Z,openai,gpt-4o-mini,triage,1000,1000000,20000,0,800\n")
    workload = save_workload(
        ledger, Workload(None, "Triage", (Rule(project="triage"),), task_category="classification", batch_tolerant=True)
    )
    result = alternatives(
        ledger, workload, [workload], today=DAY, filters=CandidateFilter(hosts=frozenset({"anthropic"}))
    )
    haiku = next(c for c in result.candidates if c.model == "claude-haiku-4-5")
    assert "the batch API is used" in haiku.reasons[0]


def test_unknown_models_have_no_reference_not_a_guess(ledger: Engine) -> None:
    _ledger_with(ledger, "2025-09-01T10:00:00Z,openai,gpt-4o,chat,100,100000,20000,0,900\n")
    workload = save_workload(ledger, Workload(None, "Chat", (Rule(project="chat"),)))
    option = SelfHostedOption("in-house", "acme-llm-7b", "L4", 0.8, 1, 300.0, 0.5, 500.0, 32_000)
    result = alternatives(
        ledger, workload, [workload], today=DAY, filters=CandidateFilter(hosts=frozenset({"x"})), self_hosted=[option]
    )
    [own] = result.candidates
    assert own.self_hosted and own.quality.grade == "unrated" and own.quality.evidence is None
    assert own.monthly_cost_usd.base == pytest.approx(option.fixed_monthly_usd + 0.8 * 730, rel=0.01)


def test_a_reader_of_each_demo_workloads_top_five_finds_nothing_absurd(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    workloads = ensure_workloads(ledger)
    assert len(workloads) == 7
    for workload in workloads:
        result = alternatives(ledger, workload, workloads, today=date(2026, 10, 31))
        assert result.incumbent is not None and result.incumbent.monthly_cost_usd.base > 0
        top_five = result.candidates[:5]
        for option in top_five:
            # Nothing at $0, nothing that cannot do the task, every one explained.
            assert option.monthly_cost_usd.base and option.monthly_cost_usd.base > 0, option
            assert option.eligible and kind_of(option.model) is None and option.fits, option
            assert len(option.reasons) == 4
        # The top candidate stands on evidence that meets the floor, and heads the list.
        assert result.top is not None and result.top is result.candidates[0], workload.name
        assert result.top.quality.evidence is not None and result.top.quality.grade in ("ok", "at risk")
        assert result.what_changes()[0].startswith(f"Moving {workload.name}")
        # Ranked by evidence: what meets the floor, then the unrated, then what falls below it.
        grades = [c.quality.grade for c in result.candidates if c.fits]
        assert grades == sorted(grades, key=GRADES.index)
        rated = [c.monthly_cost_usd.base for c in result.candidates if c.fits and c.quality.grade == "ok"]
        assert rated == sorted(rated)


def test_a_verbosity_factor_lengthens_the_answers_only(ledger: Engine) -> None:
    _ledger_with(ledger, "2025-09-01T10:00:00Z,openai,gpt-4o,chat,100,1000000,100000,0,900\n")
    workload = save_workload(ledger, Workload(None, "Chat", (Rule(project="chat"),)))
    only_openai = CandidateFilter(hosts=frozenset({"openai"}))

    def mini(verbosity: float) -> float:
        result = alternatives(ledger, workload, [workload], today=DAY, filters=only_openai, verbosity=verbosity)
        option = next(c for c in result.candidates if c.model == "gpt-4o-mini")
        assert ("(your setting)" in option.reasons[0]) == (verbosity != 1.0)
        return option.monthly_cost_usd.base

    # gpt-4o-mini ($0.15 in, $0.60 out; the same tokenizer): 1M input = $0.15 and 100k output = $0.06 a day;
    # answers a fifth longer make the output $0.072, whatever the month's scale.
    assert mini(1.2) / mini(1.0) == pytest.approx((0.15 + 0.072) / (0.15 + 0.06))
    with pytest.raises(InvalidInput, match="verbosity factor must be a number above 0"):
        alternatives(ledger, workload, [workload], today=DAY, filters=only_openai, verbosity=0)


def test_a_cost_report_alone_says_what_to_import_not_zero_candidates(ledger: Engine) -> None:
    ingest(ledger, source_from_path(FIXTURES / "openai_costs.json"))
    [workload, *_] = ensure_workloads(ledger)
    result = alternatives(ledger, workload, [workload])
    assert result.incumbent is None and result.candidates == []
    assert "no token counts" in (result.no_estimate() or "")
    nothing = save_workload(ledger, Workload(None, "Nothing", (Rule(project="none"),)))
    empty = alternatives(ledger, nothing, [nothing])
    assert empty.no_estimate() == "Nothing has no usage in the last 30 days with usage."
