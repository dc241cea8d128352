"""Cache writes on a host that bills them, for traffic that comes from one that does not.

OpenAI's prompt cache writes for free, so an OpenAI workload's usage has cache reads and no writes.
Anthropic (on its API, Bedrock and Vertex) bills a 5-minute write at 1.25× the input price and a 1-hour
write at 2× (PRICING.md §5.3), and newer GPT-5.6+ models bill 1.25×. Moving that workload there means every
cached prefix is written before it is read, so the repricing adds writes in proportion to the reads.

The proportion is the company's own where the ledger has it — tokens written per token read over its
traffic on hosts that report writes — else a stated default (:data:`DEFAULT_WRITES_PER_READ`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from db.usage import read_usage

__all__ = ["DEFAULT_WRITES_PER_READ", "CacheWriteRatio", "cache_write_ratio"]

# One token written for every ten read: a cached prefix written once per 5-minute cache lifetime serves
# about ten requests before it expires — the density at which a cache pays for itself (ten reads at 0.1×
# save 9× input against a write's 0.25× premium). A workload whose traffic is sparser reads less from
# cache to begin with.
DEFAULT_WRITES_PER_READ = 0.1


@dataclass(frozen=True)
class CacheWriteRatio:
    """Tokens written to a prompt cache per token read from it, and where the figure comes from."""

    writes_per_read: float
    basis: str


def cache_write_ratio(engine: Engine, start: date, end: date) -> CacheWriteRatio:
    """The company's own writes per read over ``start``–``end`` on the models that report cache writes,
    else :data:`DEFAULT_WRITES_PER_READ`.

    Only rollups with both reads and writes count: a model that reads from cache but reports no writes is
    on a host that does not bill them, and would pull the ratio towards zero.
    """
    usage = read_usage(engine, ["provider", "model"], since=start, until=end)
    both = usage[(usage["cache_write_tokens"] > 0) & (usage["cache_read_tokens"] > 0)]
    reads, writes = float(both["cache_read_tokens"].sum()), float(both["cache_write_tokens"].sum())
    if reads > 0:
        hosts = ", ".join(sorted(set(both["provider"])))
        return CacheWriteRatio(
            writes / reads,
            f"{writes / reads:.2f} tokens written per token read, as in your own traffic on {hosts} "
            f"({start:%d %b} – {end:%d %b %Y})",
        )
    return CacheWriteRatio(
        DEFAULT_WRITES_PER_READ,
        f"{DEFAULT_WRITES_PER_READ:.2f} tokens written per token read (exitplan's default: your ledger has no "
        "traffic on a host that reports cache writes)",
    )
