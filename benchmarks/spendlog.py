"""A deterministic LiteLLM spend-log CSV of any size, shaped like a real ``LiteLLM_SpendLogs`` export.

The file has the exact header of ``tests/fixtures/litellm_spendlogs.csv`` and what a busy proxy logs over
30 days: 21 deployments across OpenAI, Anthropic, Azure, Bedrock, Vertex and Groq (five of them embedding
models), 30 virtual keys of 10 teams with a long-tailed share of the traffic, lognormal prompt and
completion sizes, prompt-cache reads (and Anthropic cache writes) on part of the traffic, reasoning tokens
on o3-mini, spend at list prices, streamed and non-streamed latencies, the JSON ``metadata`` a proxy writes
(key alias, team, the caller's ``spend_logs_metadata``, client IP, ``additional_usage_values``) and JSON
``request_tags``. About 2% of rows are proxy cache hits and 0.3% failed calls with no tokens: the importer
rejects both, so the file also exercises the rejected-rows path.

Rows are built column-wise with NumPy and Arrow string kernels, one chunk at a time, and each chunk draws
from its own seeded stream: the same ``rows`` and ``seed`` always give the same bytes, and the generator
holds one chunk in memory whatever the file size.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from benchmarks.deployments import MODELS

__all__ = ["HEADER", "MODELS", "SpendLogFile", "write_spend_log"]

SEED = 20250901
START = datetime(2025, 9, 1, tzinfo=UTC)
DAYS = 30
CHUNK_ROWS = 50_000
CACHE_HIT_SHARE = 0.02
FAILURE_SHARE = 0.003

# The header of LiteLLM's spend-log table as the proxy's Postgres exports it (same as the test fixture).
HEADER: tuple[str, ...] = (
    "request_id",
    "call_type",
    "api_key",
    "spend",
    "total_tokens",
    "prompt_tokens",
    "completion_tokens",
    "startTime",
    "endTime",
    "request_duration_ms",
    "completionStartTime",
    "model",
    "model_id",
    "model_group",
    "custom_llm_provider",
    "api_base",
    "user",
    "metadata",
    "cache_hit",
    "cache_key",
    "request_tags",
    "team_id",
    "organization_id",
    "end_user",
    "requester_ip_address",
    "messages",
    "response",
    "session_id",
    "status",
    "mcp_namespaced_tool_name",
    "agent_id",
    "proxy_server_request",
)


_TEAMS = (
    ("team-support-01", "Support"),
    ("team-research-02", "Research"),
    ("team-search-03", "Search"),
    ("team-growth-04", "Growth"),
    ("team-platform-05", "Platform"),
    ("team-data-06", "Data"),
    ("team-legal-07", "Legal"),
    ("team-sales-08", "Sales"),
    ("team-eng-09", "Engineering"),
    ("team-mobile-10", "Mobile"),
)
_FEATURES = (
    "support-chat",
    "ticket-summary",
    "classifier",
    "rag-answer",
    "rag-index",
    "code-review",
    "sql-agent",
    "email-draft",
    "translation",
    "moderation",
    "lead-scoring",
    "contract-review",
    "meeting-notes",
    "search-rerank",
    "onboarding-bot",
)
_ENVIRONMENTS = ("prod", "staging", "eval")
_KEYS = 30
_USERS = 400
_IPS = 64


@dataclass(frozen=True)
class _Catalogue:
    """The proxy's fixed population: keys, their teams, features, users and model mixes."""

    key_share: np.ndarray  # (keys,) share of all requests
    model_cdf: np.ndarray  # (keys, models) cumulative model mix per key
    key_features: np.ndarray  # (keys, 3) feature indices; a key draws among its first n
    key_feature_count: np.ndarray  # (keys,)
    feature_place: np.ndarray  # (keys,) 0: spend_logs_metadata, 1: request metadata, 2: tags only
    key_sets_user: np.ndarray  # (keys,) bool
    key_environment: np.ndarray  # (keys,)
    key_hash: pa.Array  # (keys,) hashed virtual key, as LiteLLM stores it
    key_team: pa.Array
    metadata_head: pa.Array  # (keys,) the fixed start of the metadata JSON
    model_id: pa.Array  # (models,) deployment id


def _catalogue(seed: int) -> _Catalogue:
    rng = np.random.default_rng([seed, 0])
    weights = np.array([m.weight for m in MODELS])
    # A long tail of keys: the busiest few carry most of the traffic, as on a real proxy.
    share = 1.0 / np.arange(1, _KEYS + 1) ** 1.1
    share /= share.sum()
    teams = rng.integers(0, len(_TEAMS), _KEYS)
    mixes = np.zeros((_KEYS, len(MODELS)))
    for k in range(_KEYS):
        chosen = rng.choice(len(MODELS), rng.integers(2, 6), replace=False, p=weights / weights.sum())
        mixes[k, chosen] = weights[chosen] * rng.uniform(0.5, 1.5, len(chosen))
    cdf = np.cumsum(mixes / mixes.sum(axis=1, keepdims=True), axis=1)
    cdf[:, -1] = 1.0
    features = np.stack([rng.choice(len(_FEATURES), 3, replace=False) for _ in range(_KEYS)])
    hashes = [hashlib.sha256(f"sk-bench-{seed}-{k}".encode()).hexdigest() for k in range(_KEYS)]
    aliases = [f"{_FEATURES[features[k, 0]]}-{k:02d}" for k in range(_KEYS)]
    heads = [
        f'{{"user_api_key": "{hashes[k]}", "user_api_key_alias": "{aliases[k]}", '
        f'"user_api_key_team_id": "{_TEAMS[teams[k]][0]}", "user_api_key_org_id": null, '
        f'"user_api_key_user_id": "default_user_id", "user_api_key_team_alias": "{_TEAMS[teams[k]][1]}", '
        for k in range(_KEYS)
    ]
    ids = [f"{hashlib.sha256(f'{seed}-{m.model}'.encode()).hexdigest()[:8]}-{m.group}" for m in MODELS]
    return _Catalogue(
        key_share=share,
        model_cdf=cdf,
        key_features=features,
        key_feature_count=rng.integers(1, 4, _KEYS),
        feature_place=rng.choice(3, _KEYS, p=[0.6, 0.25, 0.15]),
        key_sets_user=rng.random(_KEYS) < 0.5,
        key_environment=rng.choice(len(_ENVIRONMENTS), _KEYS, p=[0.7, 0.15, 0.15]),
        key_hash=pa.array(hashes),
        key_team=pa.array([_TEAMS[t][0] for t in teams]),
        metadata_head=pa.array(heads),
        model_id=pa.array(ids),
    )


def _hour_cdf(days: int) -> np.ndarray:
    """Cumulative share of the traffic by hour: a working-day peak around 15:00 UTC, quieter weekends,
    and a little growth over the period."""
    hours = np.arange(days * 24)
    of_day = hours % 24
    diurnal = 0.3 + np.exp(-(((of_day - 15) / 4.5) ** 2))
    weekday = (START.weekday() + hours // 24) % 7
    weekly = np.where(weekday >= 5, 0.45, 1.0)
    growth = 1.0 + 0.2 * hours / len(hours)
    cdf = np.concatenate([[0.0], np.cumsum(diurnal * weekly * growth)])
    return cdf / cdf[-1]


def _text(values: np.ndarray | list[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def _number(values: np.ndarray) -> pa.Array:
    return pa.array(values).cast(pa.string())


def _join(*parts: pa.Array | str, skip_nulls: bool = False) -> pa.Array:
    """Element-wise concatenation; a null part makes the result null unless ``skip_nulls``."""
    if skip_nulls:
        # Filled by hand: Arrow's own null_handling="skip" drops rows whose parts are all null.
        parts = tuple(part if isinstance(part, str) else pc.fill_null(part, "") for part in parts)
    return pc.binary_join_element_wise(*parts, "")


def _where(mask: np.ndarray, values: pa.Array | str) -> pa.Array:
    """``values`` where ``mask`` holds, null elsewhere."""
    if isinstance(values, str):
        values = pa.array(np.full(len(mask), values, dtype=object), type=pa.string())
    return pc.if_else(pa.array(mask), values, pa.nulls(len(mask), pa.string()))


def _uuids(rng: np.random.Generator, n: int) -> pa.Array:
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    hexed = _text([row.hex() for row in raw.view("S16").ravel()])
    cut = [pc.utf8_slice_codeunits(hexed, a, b) for a, b in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))]
    return pc.binary_join_element_wise(*cut, "-")


def _times(milliseconds: np.ndarray) -> pa.Array:
    return pa.array(milliseconds.astype("int64")).cast(pa.timestamp("ms")).cast(pa.string())


def _quoted(values: pa.Array) -> pa.Array:
    """CSV quoting for cells holding JSON: quotes doubled, the cell wrapped in quotes."""
    return _join('"', pc.replace_substring(values, '"', '""'), '"')


@dataclass
class _Chunk:
    lines: pa.Array
    cache_hits: int
    failures: int


def _chunk(cat: _Catalogue, hour_cdf: np.ndarray, first: int, n: int, total: int, seed: int) -> _Chunk:
    rng = np.random.default_rng([seed, 1, first])
    m = len(MODELS)
    start_ms = START.timestamp() * 1000
    # Row i sits at quantile (i + u) / total of the traffic curve, so the file is in time order.
    quantile = (first + np.arange(n) + rng.random(n)) / total
    hours = np.interp(quantile, hour_cdf, np.arange(len(hour_cdf)))
    start = np.floor(start_ms + hours * 3_600_000.0)

    key = rng.choice(_KEYS, n, p=cat.key_share)
    u = rng.random(n)
    model = np.minimum((u[:, None] > cat.model_cdf[key]).sum(axis=1), m - 1)
    # Per-deployment figures as arrays, taken to the rows by their model index.
    fields = (
        "embeddings",
        "reasoning",
        "prompt_median",
        "output_median",
        "input_usd",
        "output_usd",
        "ttft_ms",
        "tokens_per_s",
    )
    table = {field: np.array([getattr(d, field) for d in MODELS]) for field in fields}
    embeddings = table["embeddings"][model].astype(bool)
    cacheable = np.array([d.cache_read_usd is not None for d in MODELS])[model]
    writes_cache = np.array([d.cache_write_usd is not None for d in MODELS])[model]

    prompt = np.minimum(np.round(table["prompt_median"][model] * rng.lognormal(0.0, 1.0, n)), 1_000_000).astype("int64")
    prompt = np.maximum(prompt, 1)
    output = np.round(table["output_median"][model] * rng.lognormal(0.0, 0.8, n)).astype("int64")
    output = np.where(embeddings, 0, np.maximum(output, 1))
    reasoning = np.where(table["reasoning"][model].astype(bool), np.floor(output * rng.uniform(0.5, 0.9, n)), 0)
    reasoning = reasoning.astype("int64")
    # Prompt caching: providers cache in blocks, and only prompts of 1,024 tokens or more.
    cached = cacheable & (prompt >= 1_024) & (rng.random(n) < 0.35)
    reads = np.where(cached, np.floor(prompt * rng.uniform(0.3, 0.9, n) / 128) * 128, 0).astype("int64")
    written = writes_cache & cached & (rng.random(n) < 0.3)
    writes = np.where(written, np.floor((prompt - reads) * rng.uniform(0.1, 0.5, n)), 0).astype("int64")

    failed = rng.random(n) < FAILURE_SHARE
    hit = ~failed & (rng.random(n) < CACHE_HIT_SHARE)
    prompt, output = np.where(failed, 0, prompt), np.where(failed, 0, output)
    reads, writes, reasoning = (np.where(failed, 0, x) for x in (reads, writes, reasoning))
    cache_read_price = np.array([d.cache_read_usd or 0.0 for d in MODELS])[model]
    cache_write_price = np.array([d.cache_write_usd or 0.0 for d in MODELS])[model]
    spend = (
        (prompt - reads - writes) * table["input_usd"][model]
        + reads * cache_read_price
        + writes * cache_write_price
        + output * table["output_usd"][model]
    ) / 1e6
    # A proxy cache hit called no provider: LiteLLM logs it at no spend.
    spend = np.round(np.where(hit | failed, 0.0, spend), 10)

    ttft = table["ttft_ms"][model] * rng.lognormal(0.0, 0.5, n)
    generation = output / table["tokens_per_s"][model] * 1000 * rng.lognormal(0.0, 0.3, n)
    latency = np.where(embeddings, 150 * rng.lognormal(0.0, 0.6, n), ttft + generation)
    latency = np.where(hit, rng.uniform(5, 40, n), latency)
    latency = np.maximum(np.round(latency), 1)
    end = start + latency
    streamed = ~embeddings & ~hit & (rng.random(n) < 0.6)
    # LiteLLM writes the end time as completionStartTime when the call was not streamed.
    first_token = np.where(streamed, start + np.minimum(np.round(ttft), latency - 1), end)

    feature = cat.key_features[key, rng.integers(0, 3, n) % cat.key_feature_count[key]]
    place = cat.feature_place[key]
    sets_user = cat.key_sets_user[key] & (rng.random(n) < 0.9)
    users = np.minimum(rng.zipf(1.3, n), _USERS)
    ip = rng.integers(0, _IPS, n)
    keys, models = pa.array(key), pa.array(model)

    feature_names = pc.take(_text(list(_FEATURES)), pa.array(feature))
    environment = pc.take(_text(list(_ENVIRONMENTS)), pa.array(cat.key_environment[key]))
    trace = pc.utf8_slice_codeunits(_uuids(rng, n), 0, 8)
    spend_metadata = pc.if_else(
        pa.array(place == 0),
        _join('{"feature": "', feature_names, '", "environment": "', environment, '", "trace_id": "', trace, '"}'),
        _join('{"trace_id": "', trace, '"}'),
    )
    request_feature = _where(place == 1, _join('"feature": "', feature_names, '", '))
    status = pc.if_else(pa.array(failed), "failure", "success")
    ip_text = _join("10.20.", _number(ip // 16), ".", _number(ip % 16 + 10))
    usage_parts = [
        _where(reads > 0, _join('"prompt_tokens_details": {"cached_tokens": ', _number(reads), "}")),
        _where(reasoning > 0, _join('"completion_tokens_details": {"reasoning_tokens": ', _number(reasoning), "}")),
        _where(
            writes_cache & (reads > 0),
            _join('"cache_creation_input_tokens": ', _number(writes), ', "cache_read_input_tokens": ', _number(reads)),
        ),
    ]
    # Each part ends in ", "; the last one's is trimmed (parts end in a digit or a brace, never in ", ").
    usage_list = pc.utf8_rtrim(_join(*(_join(part, ", ") for part in usage_parts), skip_nulls=True), ", ")
    additional = _join("{", usage_list, "}")
    metadata = _join(
        pc.take(cat.metadata_head, keys),
        request_feature,
        '"spend_logs_metadata": ',
        spend_metadata,
        ', "requester_ip_address": "',
        ip_text,
        '", "applied_guardrails": [], "status": "',
        status,
        '", "additional_usage_values": ',
        additional,
        "}",
        skip_nulls=True,
    )
    tags = pc.if_else(
        pa.array(place == 2),
        _join('["', environment, '", "', feature_names, '"]'),
        _join('["', environment, '"]'),
    )
    request_ids = _uuids(rng, n)
    request_ids = pc.if_else(pa.array(embeddings), request_ids, _join("chatcmpl-", request_ids))
    call_types = np.array(
        [
            "aembedding" if d.embeddings else "anthropic_messages" if d.provider == "anthropic" else "acompletion"
            for d in MODELS
        ]
    )
    cache_keys = _where(hit, pc.utf8_slice_codeunits(_join(_uuids(rng, n), _uuids(rng, n)), 0, 64))
    empty = pa.nulls(n, pa.string())
    columns: dict[str, pa.Array] = {
        "request_id": request_ids,
        "call_type": pc.take(_text(call_types), models),
        "api_key": pc.take(cat.key_hash, keys),
        "spend": _number(spend),
        "total_tokens": _number(prompt + output),
        "prompt_tokens": _number(prompt),
        "completion_tokens": _number(output),
        "startTime": _times(start),
        "endTime": _times(end),
        "request_duration_ms": _number(latency.astype("int64")),
        "completionStartTime": _times(first_token),
        "model": pc.take(_text([d.model for d in MODELS]), models),
        "model_id": pc.take(cat.model_id, models),
        "model_group": pc.take(_text([d.group for d in MODELS]), models),
        "custom_llm_provider": pc.take(_text([d.provider for d in MODELS]), models),
        "api_base": pc.take(_text([d.api_base for d in MODELS]), models),
        "user": _where(sets_user, _join("cust_", pc.utf8_lpad(_number(users), 4, "0"))),
        "metadata": _quoted(metadata),
        "cache_hit": pc.if_else(pa.array(hit), "True", "False"),
        "cache_key": cache_keys,
        "request_tags": _quoted(tags),
        "team_id": pc.take(cat.key_team, keys),
        "organization_id": empty,
        "end_user": empty,
        "requester_ip_address": ip_text,
        "messages": pa.array(["{}"] * n),
        "response": pa.array(["{}"] * n),
        "session_id": _uuids(rng, n),
        "status": status,
        "mcp_namespaced_tool_name": empty,
        "agent_id": empty,
        "proxy_server_request": pa.array(["{}"] * n),
    }
    cells = [pc.fill_null(columns[name], "") for name in HEADER]
    lines = _join(pc.binary_join_element_wise(*cells, ","), "\n")
    return _Chunk(lines, int(hit.sum()), int(failed.sum()))


def _write(stream: object, lines: pa.Array) -> int:
    """Write a string array's characters as they lie in its data buffer (each line ends in a newline)."""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4)
    data = lines.buffers()[2]
    view = memoryview(data)[int(offsets[0]) : int(offsets[-1])]
    stream.write(view)  # type: ignore[attr-defined]
    return len(view)


@dataclass(frozen=True)
class SpendLogFile:
    """A generated file and what the importer should make of it."""

    path: Path
    rows: int
    cache_hits: int
    failures: int
    bytes: int

    @property
    def usage_rows(self) -> int:
        """Rows that are model usage: neither proxy cache hits nor failed calls without tokens."""
        return self.rows - self.cache_hits - self.failures


def write_spend_log(path: Path, rows: int, *, seed: int = SEED, chunk_rows: int = CHUNK_ROWS) -> SpendLogFile:
    """Write ``rows`` spend-log rows to ``path`` (CSV, LiteLLM's header), deterministically from ``seed``.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_spend_log(Path(tmp) / "s.csv", 10).rows
    10
    """
    cat = _catalogue(seed)
    hour_cdf = _hour_cdf(DAYS)
    hits = failures = size = 0
    with path.open("wb") as stream:
        size += stream.write((",".join(HEADER) + "\n").encode())
        for first in range(0, rows, chunk_rows):
            chunk = _chunk(cat, hour_cdf, first, min(chunk_rows, rows - first), rows, seed)
            size += _write(stream, chunk.lines)
            hits += chunk.cache_hits
            failures += chunk.failures
    return SpendLogFile(path, rows, hits, failures, size)
