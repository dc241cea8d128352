"""The ledger's canonical measures and dimensions (ARCHITECTURE.md §3).

Every importer maps its source onto these names, so totals compare across vendors:

- ``input_tokens`` is *all* input, cache reads and cache writes included (OpenAI semantics);
- ``cache_read_tokens`` and ``cache_write_tokens`` are parts of it; ``cache_write_1h_tokens`` is the
  part of the writes with a one-hour TTL;
- ``output_tokens`` is all output, reasoning included; ``reasoning_tokens`` is part of it.

Two derived dimensions make rollups priceable and latency percentiles mergeable:

- the *prompt-size band*: long-context prices are cliffs (above 128k/200k/272k every token of the
  request costs more), so a rollup keeps how many requests fell in each band;
- the *latency histogram*: log-spaced bins whose counts add up across rollups, so p50/p95 survive
  any aggregation.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

__all__ = [
    "COUNT_MEASURES",
    "DIMENSIONS",
    "LATENCY_BIN_COLUMNS",
    "LATENCY_EDGES_MS",
    "PROMPT_BANDS",
    "SUMMED_MEASURES",
    "TIME_SUMS",
    "TOKEN_MEASURES",
    "TOOL_CHARGE",
    "TOOL_CHARGE_PREFIX",
    "band_label",
    "latency_bin_midpoints_ms",
    "prompt_bands",
]

# How a tool's charge (a line item of a cost report that names no model: web search, file search) stands in
# the model column: ``tool charge (web search tool calls)``. No token row carries its money.
TOOL_CHARGE = "tool charge ({})"
TOOL_CHARGE_PREFIX = TOOL_CHARGE.split("{", 1)[0]

# Additive token measures, in the order reports show them.
TOKEN_MEASURES: tuple[str, ...] = (
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
)

# What a usage record counts in whole numbers: its requests (missing where the source has no count) and
# its tokens.
COUNT_MEASURES: tuple[str, ...] = ("requests", *TOKEN_MEASURES)

# Every measure of a usage rollup that adds up across rollups, the latency histogram's bins aside, in
# the ledger's column order. What the source said a row cost is kept in integer nano-dollars.
SUMMED_MEASURES: tuple[str, ...] = (
    *COUNT_MEASURES,
    "reported_cost_nano_usd",
    "latency_count",
    "latency_sum_ms",
    "ttft_count",
    "ttft_sum_ms",
)

# Latencies and times to first token summed in milliseconds, each over its own count (the mean is the
# sum over the count): the only summed measures that are not whole numbers.
TIME_SUMS: tuple[str, ...] = ("latency_sum_ms", "ttft_sum_ms")

# What a usage rollup is keyed by, besides its time bucket.
DIMENSIONS: tuple[str, ...] = (
    "provider",
    "host",
    "model",
    "canonical_model",
    "project",
    "api_key",
    "user",
    "feature",
    "service_tier",
    "batch",
    "prompt_band",
)

# Lower bounds (exclusive) of the prompt-size bands, in tokens. A request whose prompt has p tokens
# falls in the highest band whose bound is below p. The bounds are every threshold where a vendor's
# long-context cliff sits in genai-prices and LiteLLM (OpenAI 128k and 272k, Anthropic and Google 200k,
# others at 32k, 100k, 256k, 512k …), so a band says exactly which side of each cliff its requests are.
PROMPT_BANDS: tuple[int, ...] = (0, 32_000, 100_000, 128_000, 199_999, 200_000, 256_000, 272_000, 512_000, 524_288)


def prompt_bands(prompt_tokens: pd.Series) -> pd.Series:
    """The prompt-size band (see :data:`PROMPT_BANDS`) of each prompt size; missing stays missing.

    >>> prompt_bands(pd.Series([0, 128_000, 128_001, 300_000, None])).tolist()
    [0, 100000, 128000, 272000, <NA>]
    """
    bounds = np.asarray(PROMPT_BANDS, dtype="float64")
    sizes = pd.to_numeric(prompt_tokens, errors="coerce").astype("float64")
    index = np.clip(np.searchsorted(bounds, sizes.fillna(0).to_numpy(), side="left") - 1, 0, None)
    bands = pd.Series(bounds[index].astype("int64"), index=prompt_tokens.index).astype("Int64")
    return bands.mask(sizes.isna())


def _tokens(n: int) -> str:
    return f"{n / 1000:g}k" if n else "0"


def band_label(band: int | None) -> str:
    """A prompt-size band as a user reads it.

    >>> band_label(128_000), band_label(524_288)
    ('128k–199.999k', '>524.288k')
    """
    if band is None:
        return "unknown"
    i = PROMPT_BANDS.index(band)
    if i + 1 == len(PROMPT_BANDS):
        return f">{_tokens(band)}"
    return f"{_tokens(band)}–{_tokens(PROMPT_BANDS[i + 1])}"


# Latency histogram: 32 bins, edges 10 ms × √2^k (k = 0…30), so bin 0 holds < 10 ms and bin 31 holds
# ≥ ~328 s. Adjacent edges differ by √2, which bounds a percentile read from the bins to about ±19%.
LATENCY_EDGES_MS: tuple[float, ...] = tuple(10.0 * math.sqrt(2) ** k for k in range(31))
LATENCY_BIN_COLUMNS: tuple[str, ...] = tuple(f"latency_bin_{i:02d}" for i in range(len(LATENCY_EDGES_MS) + 1))


def latency_bin_midpoints_ms() -> tuple[float, ...]:
    """A representative latency per bin (geometric middle; the open ends use their one edge)."""
    edges = LATENCY_EDGES_MS
    middles = [edges[0] / math.sqrt(2)]
    middles += [math.sqrt(a * b) for a, b in itertools.pairwise(edges)]
    middles.append(edges[-1] * math.sqrt(2))
    return tuple(middles)
