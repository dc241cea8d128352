"""Recommendations a head of engineering would sign, on hand-made catalogs: only models that can do the task
are candidates, evidence ranks before price, a retiring model cannot be kept, and cache writes are priced
where a host bills them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.alternatives import CandidateFilter, alternatives
from analysis.cache_writes import DEFAULT_WRITES_PER_READ, cache_write_ratio
from analysis.eligibility import Reason
from analysis.repricing import reprice
from analysis.workloads import Rule, Workload, save_workload
from collectors import ingest, source_from_bytes
from pricing.book import PriceBook
from pricing.cost import offline_book
from pricing.litellm import vendored_catalog

DAY = date(2025, 9, 1)
HEADER = "timestamp,provider,model,project,requests,input_tokens,output_tokens,cached_input_tokens,latency_ms\n"


def _catalog(*rows: dict[str, Any]) -> PriceBook:
    """A book whose only registry is ``rows``: each a catalog row like the vendored gpt-4o's, changed."""
    base = vendored_catalog()
    template = base[(base["provider"] == "openai") & (base["model"] == "gpt-4o")].iloc[0].to_dict()
    # Only the prices a row gives: none of gpt-4o's cache, tier or long-context prices.
    template.update(deprecation_date=None, successor=None, deprecation_source=None, tier_prices={}, long_context={})
    template.update(
        dict.fromkeys(
            ["cache_read_mtok", "cache_write_mtok", "cache_write_1h_mtok", "reasoning_mtok", "requests_kcount"]
        )
    )
    frame = pd.DataFrame([{**template, "key": row["model"], **row} for row in rows])
    return PriceBook(litellm=[(DAY, frame)])


def _chat(ledger: Engine, model: str = "gpt-4o", provider: str = "openai", cached: int = 0) -> Workload:
    row = f"2025-09-01T10:00:00Z,{provider},{model},chat,1000,1000000,100000,{cached},900\n"
    ingest(ledger, source_from_bytes("usage.csv", (HEADER + row).encode()))
    return save_workload(ledger, Workload(None, "Chat", (Rule(project="chat"),)))


def test_only_models_that_can_answer_are_candidates_for_a_chat_workload(ledger: Engine) -> None:
    workload = _chat(ledger)
    book = _catalog(
        {"provider": "together", "model": "meta-llama/Llama-Guard-3-8B", "input_mtok": 0.2, "output_mtok": 0.2},
        {"provider": "novita", "model": "paddlepaddle/paddleocr-vl", "input_mtok": 0.1, "output_mtok": 0.1},
        {"provider": "openai", "model": "text-embedding-3-large", "mode": "embedding", "input_mtok": 0.13},
        {"provider": "google", "model": "gemini-exp-1206", "input_mtok": 0.3, "output_mtok": 2.5},
        {"provider": "together", "model": "free-tier-llm", "input_mtok": 0.0, "output_mtok": 0.0},
        {
            "provider": "together",
            "model": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "input_mtok": 0.88,
            "output_mtok": 0.88,
        },
    )
    result = alternatives(ledger, workload, [workload], book=book, today=DAY)
    assert [c.model for c in result.candidates] == ["meta-llama/Llama-3.3-70B-Instruct-Turbo"]
    assert result.excluded == {
        Reason.GUARD: 1,
        Reason.OCR: 1,
        Reason.EMBEDDING: 1,
        Reason.EXPERIMENTAL: 1,
        Reason.FREE: 1,
    }
    # --all lists them, each with its reason; an experimental model is a candidate only when asked for.
    everything = alternatives(ledger, workload, [workload], book=book, today=DAY, include_excluded=True)
    reasons = {c.model: c.excluded_reason for c in everything.excluded_candidates}
    assert reasons["meta-llama/Llama-Guard-3-8B"] == Reason.GUARD and reasons["free-tier-llm"] == Reason.FREE
    assert not any(c.eligible for c in everything.excluded_candidates)


def test_a_zero_price_listing_never_prices_a_paid_model() -> None:
    # Google's free AI Studio row for gemini-exp-1206 sits before Vertex's paid one in the registry.
    book = _catalog(
        {
            "provider": "google",
            "model": "gemini-exp-1206",
            "key": "gemini/gemini-exp-1206",
            "input_mtok": 0.0,
            "output_mtok": 0.0,
        },
        {"provider": "google", "model": "gemini-exp-1206", "input_mtok": 0.3, "output_mtok": 2.5},
        {"provider": "together", "model": "free-only-llm", "input_mtok": 0.0, "output_mtok": 0.0},
    )
    price = book.price("google", "gemini-exp-1206", DAY)
    assert price is not None and (price.input_mtok, price.output_mtok) == (0.3, 2.5)
    # A model listed only at $0 has no price: unpriced, never $0.
    assert book.price("together", "free-only-llm", DAY) is None


def test_an_unrated_candidate_never_heads_the_list(ledger: Engine) -> None:
    workload = _chat(ledger)
    book = _catalog(
        {"provider": "together", "model": "mystery-llm-9000", "input_mtok": 0.01, "output_mtok": 0.01},
        {"provider": "anthropic", "model": "claude-3-5-sonnet-20241022", "input_mtok": 3.0, "output_mtok": 15.0},
    )
    result = alternatives(ledger, workload, [workload], book=book, today=DAY)
    first, second = result.candidates
    assert (first.model, first.quality.grade) == ("claude-3-5-sonnet-20241022", "ok")
    assert (second.model, second.quality.grade) == ("mystery-llm-9000", "unrated")
    assert result.top is first
    # Without evidence that meets the floor there is no recommendation at all.
    alone = _catalog({"provider": "together", "model": "mystery-llm-9000", "input_mtok": 0.01, "output_mtok": 0.01})
    nothing = alternatives(ledger, workload, [workload], book=alone, today=DAY)
    assert nothing.top is None and nothing.what_changes() == []
    assert nothing.headline()[0].startswith("No candidate has quality evidence that meets the floor")


def test_a_retiring_model_cannot_stay_and_its_successor_is_priced(ledger: Engine) -> None:
    workload = _chat(ledger)
    retires = DAY + timedelta(days=40)
    book = _catalog(
        {"provider": "openai", "model": "gpt-4o", "deprecation_date": retires, "successor": "gpt-4.1"},
        {"provider": "openai", "model": "gpt-4.1", "input_mtok": 2.0, "output_mtok": 8.0},
        {
            "provider": "together",
            "model": "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "input_mtok": 0.88,
            "output_mtok": 0.88,
        },
    )
    # A host filter that leaves the successor out does not hide what staying means.
    result = alternatives(
        ledger, workload, [workload], book=book, today=DAY, filters=CandidateFilter(hosts=frozenset({"together"}))
    )
    assert result.incumbent is not None and not result.incumbent.fits
    assert result.incumbent.fit_problems == ("it retires on 2025-10-11 at openai",)
    as_json = result.as_dict()
    assert as_json["incumbent"]["retires_on"] == "2025-10-11"  # type: ignore[index]
    assert as_json["incumbent"]["successor"] == "gpt-4.1"  # type: ignore[index]
    [successor] = [c for c in result.candidates if c.successor]
    # gpt-4.1 on the window's one day of traffic: 1M input at $2 + 100k output at $8 = $2.80; the 30-day window
    # is 30 / 30.4375 of a month, so $2.80 × 30.4375 / 30 = $2.84 a month.
    assert successor.model == "gpt-4.1" and successor.monthly_cost_usd.base == pytest.approx(2.8 * 30.4375 / 30)
    staying = result.staying()
    assert staying is not None and staying.startswith("Staying is not an option after 2025-10-11")
    assert "gpt-4.1" in staying and "$2.84 a month" in staying


def _mix(**measures: float) -> pd.DataFrame:
    row = {
        "service_tier": None,
        "batch": None,
        "prompt_band": 0,
        "requests": 10,
        "input_tokens": 0,
        "cache_read_tokens": 0,
        "cache_write_tokens": 0,
        "cache_write_1h_tokens": 0,
        "output_tokens": 0,
        "reasoning_tokens": 0,
    }
    return pd.DataFrame([{**row, **measures}])


def _to_sonnet(mix: pd.DataFrame, **plan: object) -> float:
    frame = pd.DataFrame(
        [
            {
                "plan": "p",
                "provider": "anthropic",
                "model": "claude-sonnet-4-5",
                "token_ratio": 1.0,
                "verbosity": 1.0,
                "keep_cache": True,
                "use_batch": False,
                "keep_tier": False,
                **plan,
            }
        ]
    )
    return float(reprice(mix, frame, day=DAY, book=offline_book(), monthly_factor=1.0)["monthly_usd"].iloc[0])


def test_openai_to_anthropic_repricing_carries_cache_writes() -> None:
    # OpenAI traffic: 1M input, 400k of it read from cache, no writes reported (OpenAI writes for free).
    mix = _mix(input_tokens=1_000_000, cache_read_tokens=400_000)
    # Without writes, as before: 400k reads at $0.30 + 600k input at $3 = $1.92.
    assert _to_sonnet(mix) == pytest.approx(0.12 + 1.80)
    # Anthropic bills writes at $3.75 (1.25× input): one written per ten read = 40k written = $0.15, and the
    # plain input shrinks to 560k ($1.68): $0.12 + $0.15 + $1.68 = $1.95.
    assert _to_sonnet(mix, writes_per_read=0.1) == pytest.approx(1.95)
    # The high end of the range keeps half the hits: 200k reads ($0.06), 40k writes ($0.15), 760k input ($2.28).
    assert _to_sonnet(mix, writes_per_read=0.1, cache_hit=0.5) == pytest.approx(2.49)
    # Writes the traffic reports are kept as they are, not estimated.
    reported = _mix(input_tokens=1_000_000, cache_read_tokens=400_000, cache_write_tokens=100_000)
    assert _to_sonnet(reported, writes_per_read=0.1) == pytest.approx(0.12 + 0.375 + 1.5)


def test_the_writes_ratio_is_the_companys_own_where_it_has_one(ledger: Engine) -> None:
    assert cache_write_ratio(ledger, DAY, DAY).writes_per_read == DEFAULT_WRITES_PER_READ
    header = "timestamp,provider,model,input_tokens,output_tokens,cached_input_tokens,cache_write_tokens\n"
    rows = (
        "2025-09-01T10:00:00Z,anthropic,claude-sonnet-4-5,1000000,1000,300000,60000\n"
        # OpenAI reads without writes: left out of the ratio.
        "2025-09-01T10:00:00Z,openai,gpt-4o,1000000,1000,500000,0\n"
    )
    ingest(ledger, source_from_bytes("usage.csv", (header + rows).encode()))
    ratio = cache_write_ratio(ledger, DAY, DAY)
    assert ratio.writes_per_read == pytest.approx(60_000 / 300_000)
    assert "your own traffic on anthropic" in ratio.basis


def test_moving_cached_openai_traffic_to_anthropic_names_the_write_estimate(ledger: Engine) -> None:
    workload = _chat(ledger, cached=400_000)
    result = alternatives(
        ledger, workload, [workload], today=DAY, filters=CandidateFilter(hosts=frozenset({"anthropic"}))
    )
    sonnet = next(c for c in result.candidates if c.model.startswith("claude-sonnet-4-5"))
    assert "this host bills cache writes: 0.10 tokens written per token read" in sonnet.reasons[0]
    assert "cache hits as today's, or 50% of them at the high end" in sonnet.reasons[0]
    assert sonnet.monthly_cost_usd.high > sonnet.monthly_cost_usd.base  # type: ignore[operator]
