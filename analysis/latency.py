"""Latency today and on a candidate: observed percentiles, and a reference-based estimate.

Today's p50/p95 come from the ledger's latency histogram (``db.measures``: log-spaced bins whose counts add
up across rollups). A candidate's come from a published measurement of the same model family on the same
host (``analysis/data/latency_reference.csv``: llmperf-leaderboard 2023-12, thefastest.ai 2024-05-03,
llm-speed-benchmark 2024-07), as time to first token plus the workload's output tokens at the measured
decode speed. Those figures are historical and taken with short prompts, so a long-prompt workload will
see a longer TTFT; the estimate says which measurement it stands on, and the user's own measurements win.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.reference import LatencyRef, latency_reference
from db.measures import LATENCY_BIN_COLUMNS, LATENCY_EDGES_MS

__all__ = ["LatencyEstimate", "candidate_latency", "incumbent_latency", "observed_latency"]

# The open-ended first and last bins are read as one √2-step wider on their open side, as
# ``latency_bin_midpoints_ms`` does: [5, 10) ms and [≈328, ≈655) s.
_LOWS = (LATENCY_EDGES_MS[0] / 2, *LATENCY_EDGES_MS)
_HIGHS = (*LATENCY_EDGES_MS, LATENCY_EDGES_MS[-1] * 2)


@dataclass(frozen=True)
class LatencyEstimate:
    """p50/p95 end-to-end seconds (None without evidence), where they come from, and the SLO verdict."""

    p50_s: float | None
    p95_s: float | None
    source: str
    meets_slo: bool | None
    evidence: str


def _counts(bins: Sequence[int] | pd.Series) -> np.ndarray:
    counts: np.ndarray = np.nan_to_num(np.asarray(bins, dtype="float64"), nan=0.0)
    if counts.shape != (len(LATENCY_BIN_COLUMNS),):
        raise ValueError(f"expected {len(LATENCY_BIN_COLUMNS)} latency bin counts, got shape {counts.shape}")
    return counts


def _percentile_ms(counts: np.ndarray, q: float) -> float:
    cumulative = np.cumsum(counts)
    target = q * cumulative[-1]
    i = min(int(np.searchsorted(cumulative, target, side="left")), len(counts) - 1)
    within = (target - (cumulative[i] - counts[i])) / counts[i]
    # Bins are log-spaced, so latencies inside one are spread evenly on a log scale.
    return float(_LOWS[i] * (_HIGHS[i] / _LOWS[i]) ** within)


def observed_latency(bins: Sequence[int] | pd.Series) -> tuple[float, float] | None:
    """(p50, p95) in seconds from summed latency-histogram counts, or None when there are none.

    >>> [round(s, 3) for s in observed_latency([0] * 10 + [100] + [0] * 21)]  # all in [226, 320) ms
    [0.269, 0.315]
    """
    return _observed(_counts(bins))


def _observed(counts: np.ndarray) -> tuple[float, float] | None:
    if counts.sum() <= 0:
        return None
    return _percentile_ms(counts, 0.50) / 1000.0, _percentile_ms(counts, 0.95) / 1000.0


def _verdict(p50: float | None, p95: float | None, slo_p95_s: float | None) -> tuple[bool | None, str]:
    if slo_p95_s is None:
        return None, ""
    if p95 is not None:
        met = p95 <= slo_p95_s
        return met, f" {'Meets' if met else 'Misses'} the {_s(slo_p95_s)} p95 SLO."
    if p50 is not None and p50 > slo_p95_s:
        return False, f" Misses the {_s(slo_p95_s)} p95 SLO: even the median is slower."
    return None, f" Whether it meets the {_s(slo_p95_s)} p95 SLO is unknown without a p95."


def _s(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.0f} s"


def incumbent_latency(bins: Sequence[int] | pd.Series, slo_p95_s: float | None) -> LatencyEstimate:
    """Today's latency, measured on the user's own requests."""
    counts = _counts(bins)
    observed = _observed(counts)
    if observed is None:
        return LatencyEstimate(
            None, None, "no latency data", None, "Your usage has no per-request latency (only request logs carry it)."
        )
    p50, p95 = observed
    requests = int(counts.sum())
    met, verdict = _verdict(p50, p95, slo_p95_s)
    evidence = (
        f"Measured on {requests:,} of your requests: p50 {_s(p50)}, p95 {_s(p95)} "
        f"(read from a histogram, within about ±19%).{verdict}"
    )
    return LatencyEstimate(p50, p95, f"your traffic ({requests:,} requests)", met, evidence)


def candidate_latency(
    provider: str,
    model: str,
    output_tokens_per_request: float,
    *,
    incumbent: tuple[float, float] | None = None,
    slo_p95_s: float | None = None,
    measured: LatencyRef | None = None,
) -> LatencyEstimate:
    """Estimated latency of ``model`` on ``provider`` for answers of ``output_tokens_per_request`` tokens.

    p50 = TTFT + output tokens ÷ decode speed, from the user's own measurement (``measured``) where there is
    one, else the published reference. p95 = p50 × the incumbent's own p95/p50 when ``incumbent`` (observed
    p50, p95 in seconds) is given — a workload's tail comes mostly from its own mix of answer lengths — else
    the measured tail TTFT (p95; p90 in the published tables) + output ÷ speed, else unknown.
    """
    ref = measured or latency_reference(provider, model)
    if ref is None:
        return LatencyEstimate(
            None,
            None,
            "no reference",
            None,
            f"No published latency for {model} on {provider}: measure it, e.g. by replaying sample prompts.",
        )
    source = f"{ref.source} ({ref.date})"
    who = "You" if ref.yours else ref.source
    basis = (
        f"{who} measured {ref.model} on {ref.host} ({ref.date}): TTFT {_s(ref.ttft_p50_s)}, "
        f"{ref.tokens_per_s:.0f} tokens/s"
    )
    if ref.source == "thefastest.ai":
        basis += " (decode speed from 20-token answers, noisy)"
    if output_tokens_per_request is None or not math.isfinite(output_tokens_per_request):
        return LatencyEstimate(
            None, None, source, None, f"{basis}. Output tokens per request are unknown, so no end-to-end time."
        )
    output = max(float(output_tokens_per_request), 0.0)
    decode = output / ref.tokens_per_s
    p50 = ref.ttft_p50_s + decode
    p95: float | None
    if incumbent is not None and incumbent[0] > 0 and incumbent[1] >= incumbent[0]:
        spread = incumbent[1] / incumbent[0]
        p95 = p50 * spread
        tail = f"p95 ≈ p50 × {spread:.1f} (your traffic's p95/p50) = {_s(p95)}"
    elif ref.ttft_tail_s is not None:
        p95 = ref.ttft_tail_s + decode
        tail = f"p95 ≈ p{ref.tail_percentile} TTFT {_s(ref.ttft_tail_s)} + the same decode = {_s(p95)}"
        if ref.tail_percentile != 95:
            tail += f" (p{ref.tail_percentile} standing in for p95)"
    else:
        p95 = None
        tail = "p95 unknown (no tail TTFT measured and no latency of your own to scale by)"
    met, verdict = _verdict(p50, p95, slo_p95_s)
    evidence = (
        f"{basis}. For {output:,.0f} output tokens: p50 ≈ {_s(ref.ttft_p50_s)} + {output:,.0f}/"
        f"{ref.tokens_per_s:.0f} = {_s(p50)}; {tail}.{verdict}"
    )
    return LatencyEstimate(p50, p95, source, met, evidence)
