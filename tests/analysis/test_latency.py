"""Latency: percentiles from the ledger's histogram, and candidate estimates from the reference table."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.latency import candidate_latency, incumbent_latency, observed_latency
from db.measures import LATENCY_BIN_COLUMNS, LATENCY_EDGES_MS


def _bins(counts: dict[int, int]) -> list[int]:
    return [counts.get(i, 0) for i in range(len(LATENCY_BIN_COLUMNS))]


def test_percentiles_interpolate_geometrically_inside_a_bin() -> None:
    # Bin 20 holds [10·√2^19, 10·√2^20) ms = [7,240.8, 10,240) ms. With all 100 requests in it,
    # p50 is the geometric middle √(7,240.8 × 10,240) = 8,610.8 ms and p95 = 7,240.8 × √2^0.95 = 10,064.1 ms.
    p50, p95 = observed_latency(_bins({20: 100}))  # type: ignore[misc]
    assert p50 == pytest.approx(math.sqrt(LATENCY_EDGES_MS[19] * LATENCY_EDGES_MS[20]) / 1000)
    assert p50 == pytest.approx(8.6108, abs=1e-4)
    assert p95 == pytest.approx(LATENCY_EDGES_MS[19] * math.sqrt(2) ** 0.95 / 1000)


def test_percentiles_across_bins() -> None:
    # 60 requests in bin 10 ([226.3, 320) ms), 40 in bin 14 ([905.1, 1,280) ms).
    # p50: rank 50 of the first 60 -> 226.3 × √2^(50/60) = 302.0 ms.
    # p95: rank 95 -> 35th of the 40 in bin 14 -> 905.1 × √2^(35/40) = 1,225.7 ms.
    p50, p95 = observed_latency(pd.Series(_bins({10: 60, 14: 40}), index=list(LATENCY_BIN_COLUMNS)))  # type: ignore[misc]
    assert p50 == pytest.approx(LATENCY_EDGES_MS[9] * math.sqrt(2) ** (50 / 60) / 1000)
    assert p95 == pytest.approx(LATENCY_EDGES_MS[13] * math.sqrt(2) ** (35 / 40) / 1000)
    assert (round(p50, 4), round(p95, 4)) == (0.302, 1.2257)


def test_open_ended_bins_and_no_counts() -> None:
    # Bin 0 is read as [5, 10) ms: its middle is 7.07 ms.
    p50, _ = observed_latency(_bins({0: 10}))  # type: ignore[misc]
    assert p50 == pytest.approx(10 / math.sqrt(2) / 1000)
    assert observed_latency(_bins({})) is None
    with pytest.raises(ValueError, match="32 latency bin counts"):
        observed_latency([1, 2, 3])


def test_incumbent_latency_is_labelled_and_checked_against_the_slo() -> None:
    estimate = incumbent_latency(_bins({10: 60, 14: 40}), slo_p95_s=1.0)
    assert estimate.source == "your traffic (100 requests)"
    assert estimate.p95_s == pytest.approx(1.2257, abs=1e-4)
    assert estimate.meets_slo is False
    assert incumbent_latency(_bins({10: 60, 14: 40}), slo_p95_s=None).meets_slo is None
    empty = incumbent_latency(_bins({}), slo_p95_s=2.0)
    assert (empty.p50_s, empty.p95_s, empty.meets_slo) == (None, None, None)


def test_candidate_scaled_by_the_incumbents_spread() -> None:
    # Groq Llama 3 70B (thefastest.ai 2024-05-03): TTFT 0.178 s, 291.3 tokens/s.
    # 300 output tokens: p50 = 0.178 + 300 / 291.3 = 1.2079 s; incumbent p95/p50 = 3.0 / 1.5 = 2 -> p95 2.4158 s.
    estimate = candidate_latency("groq", "llama3-70b-8192", 300, incumbent=(1.5, 3.0), slo_p95_s=2.5)
    assert estimate.p50_s == pytest.approx(0.178 + 300 / 291.3)
    assert estimate.p95_s == pytest.approx(2 * (0.178 + 300 / 291.3))
    assert estimate.meets_slo is True
    assert estimate.source == "thefastest.ai (2024-05-03)"
    assert "your traffic's p95/p50" in estimate.evidence
    assert candidate_latency("groq", "llama3-70b-8192", 300, incumbent=(1.5, 3.0), slo_p95_s=2.4).meets_slo is False


def test_candidate_without_spread_uses_the_published_p90() -> None:
    # Bedrock Llama 2 70B (llmperf 2023-12): TTFT p50 0.388 s, p90 0.49 s, 21.6 tokens/s.
    # 150 output tokens: decode 6.9444 s; p50 = 7.3324 s; p95 ≈ 0.49 + 6.9444 = 7.4344 s.
    estimate = candidate_latency("aws", "meta.llama2-70b-chat-v1", 150, slo_p95_s=7.4)
    assert estimate.p50_s == pytest.approx(0.388 + 150 / 21.6)
    assert estimate.p95_s == pytest.approx(0.49 + 150 / 21.6)
    assert estimate.meets_slo is False
    assert "p90 standing in for p95" in estimate.evidence


def test_candidate_without_any_spread_has_no_p95() -> None:
    # OpenAI gpt-4o (llm-speed-benchmark 2024-07): 0.57 s + 500 / 64.3 = 8.3461 s.
    estimate = candidate_latency("openai", "gpt-4o-2024-08-06", 500, slo_p95_s=10)
    assert estimate.p50_s == pytest.approx(0.57 + 500 / 64.3)
    assert estimate.p95_s is None
    assert estimate.meets_slo is None
    # A median already beyond the SLO fails it whatever the tail.
    assert candidate_latency("openai", "gpt-4o-2024-08-06", 500, slo_p95_s=5).meets_slo is False


def test_candidate_with_no_reference() -> None:
    estimate = candidate_latency("azure", "chat-prod", 300, incumbent=(1.0, 2.0), slo_p95_s=3)
    assert (estimate.p50_s, estimate.p95_s, estimate.meets_slo, estimate.source) == (None, None, None, "no reference")


def test_candidate_with_unknown_output_length() -> None:
    estimate = candidate_latency("openai", "gpt-4o", float("nan"), slo_p95_s=3)
    assert (estimate.p50_s, estimate.p95_s, estimate.meets_slo) == (None, None, None)
    assert "unknown" in estimate.evidence
