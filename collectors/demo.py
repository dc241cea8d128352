"""Demo data: six months of LLM usage of a fictional company, Lumen Labs, written as real export files
and imported through the same pipeline a user's files go through.

Lumen Labs runs seven workloads, about 85% of spend on OpenAI and the rest on Anthropic. Its OpenAI
traffic outside the gateway is exported from OpenAI's Usage API (daily buckets grouped by project,
model, API key, batch and service tier); the support bot and the Anthropic workloads go through the
company's gateway, whose log is exported as exitplan's canonical CSV with feature tags and latency.
Volumes grow month on month, dip at weekends, and use prompt caching and the batch API as real teams
do. Both vendors' status pages had their share of incidents over the six months; their histories are
written as the pages' ``/api/v2/incidents.json`` and imported as a user's would be. Everything is drawn
from a seeded generator: the same end date gives the same files.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import Engine

from collectors.pipeline import IngestResult, ingest
from collectors.source import source_from_path
from collectors.status import IMPACTS, parse_status_history, save_status_history
from db.imports import delete_import, list_imports
from db.incidents import delete_incidents, stored_sources

__all__ = [
    "SOURCE_PREFIX",
    "STATUS_PAGES",
    "WORKLOADS",
    "DemoRemoved",
    "StatusPage",
    "Workload",
    "demo_imports",
    "demo_in_ledger",
    "demo_loaded",
    "load_demo",
    "remove_demo",
    "write_demo_files",
    "write_demo_status_files",
]

DAYS = 183
SEED = 20231117  # the day of the boardroom crisis that made "what if we had to move?" a real question


@dataclass(frozen=True)
class Workload:
    name: str
    project: str
    api_key: str
    feature: str
    provider: str
    model: str
    via_gateway: bool
    requests_per_day: float  # on a weekday at the end of the period
    monthly_growth: float
    weekend_share: float
    input_tokens: float  # mean per request
    output_tokens: float
    cached_share: float  # of input, read from the prompt cache
    cache_write_share: float = 0.0  # of input, written to the cache
    cache_write_1h: bool = False
    reasoning_share: float = 0.0  # of output
    batch: bool = False
    embeddings: bool = False
    ttft_ms: float = 400.0
    tokens_per_s: float = 80.0


WORKLOADS: tuple[Workload, ...] = (
    Workload(
        name="Support bot",
        project="proj_support_bot",
        api_key="key_support_prod",
        feature="support-chat",
        provider="openai",
        model="gpt-4o-2024-08-06",
        via_gateway=True,
        requests_per_day=30_000,
        monthly_growth=0.07,
        weekend_share=0.75,
        input_tokens=3_000,
        output_tokens=350,
        cached_share=0.5,
        ttft_ms=450,
        tokens_per_s=85,
    ),
    Workload(
        name="RAG search",
        project="proj_rag_search",
        api_key="key_search_prod",
        feature="rag-answer",
        provider="openai",
        model="gpt-4o-2024-08-06",
        via_gateway=False,
        requests_per_day=18_000,
        monthly_growth=0.05,
        weekend_share=0.45,
        input_tokens=6_000,
        output_tokens=500,
        cached_share=0.3,
    ),
    Workload(
        name="Ticket classification",
        project="proj_ticket_triage",
        api_key="key_triage_batch",
        feature="ticket-classify",
        provider="openai",
        model="gpt-4o-mini-2024-07-18",
        via_gateway=False,
        requests_per_day=200_000,
        monthly_growth=0.04,
        weekend_share=0.55,
        input_tokens=800,
        output_tokens=20,
        cached_share=0.0,
        batch=True,
    ),
    Workload(
        name="Analytics agent",
        project="proj_analytics",
        api_key="key_analytics",
        feature="analytics-agent",
        provider="openai",
        model="o3-mini-2025-01-31",
        via_gateway=False,
        requests_per_day=3_000,
        monthly_growth=0.10,
        weekend_share=0.25,
        input_tokens=4_000,
        output_tokens=2_500,
        cached_share=0.2,
        reasoning_share=0.8,
    ),
    Workload(
        name="Document embeddings",
        project="proj_rag_search",
        api_key="key_indexer",
        feature="rag-index",
        provider="openai",
        model="text-embedding-3-small",
        via_gateway=False,
        requests_per_day=400_000,
        monthly_growth=0.06,
        weekend_share=0.9,
        input_tokens=600,
        output_tokens=0,
        cached_share=0.0,
        embeddings=True,
    ),
    Workload(
        name="Code review",
        project="code-review",
        api_key="gw-engineering",
        feature="code-review",
        provider="anthropic",
        model="claude-sonnet-4-5-20250929",
        via_gateway=True,
        requests_per_day=2_200,
        monthly_growth=0.08,
        weekend_share=0.15,
        input_tokens=14_000,
        output_tokens=800,
        cached_share=0.55,
        cache_write_share=0.08,
        cache_write_1h=True,
        ttft_ms=900,
        tokens_per_s=60,
    ),
    Workload(
        name="Ticket summaries",
        project="support-ops",
        api_key="gw-support",
        feature="ticket-summary",
        provider="anthropic",
        model="claude-haiku-4-5-20251001",
        via_gateway=True,
        requests_per_day=9_000,
        monthly_growth=0.05,
        weekend_share=0.6,
        input_tokens=3_000,
        output_tokens=300,
        cached_share=0.25,
        cache_write_share=0.05,
        ttft_ms=350,
        tokens_per_s=140,
    ),
)

# The gateway log keeps this many latency samples per workload and day; each row stands for a share of
# that day's requests at one observed latency, so the histogram sees a real distribution.
_GATEWAY_SLICES = 12


def _daily_requests(workload: Workload, days: list[date], rng: np.random.Generator) -> np.ndarray:
    months_before_end = np.array([(days[-1] - d).days / 30.4 for d in days])
    trend = (1 + workload.monthly_growth) ** (-months_before_end)
    weekend = np.array([d.weekday() >= 5 for d in days])
    season = np.where(weekend, workload.weekend_share, 1.0)
    noise = rng.lognormal(0.0, 0.08, len(days))
    return np.maximum(np.round(workload.requests_per_day * trend * season * noise), 0).astype(np.int64)


@dataclass
class _Day:
    requests: int
    input_tokens: int
    cached: int
    cache_write: int
    output: int
    reasoning: int


def _usage(workload: Workload, requests: int, rng: np.random.Generator) -> _Day:
    input_tokens = int(requests * workload.input_tokens * rng.lognormal(0.0, 0.05))
    output = int(requests * workload.output_tokens * rng.lognormal(0.0, 0.07))
    cached = int(input_tokens * workload.cached_share * rng.uniform(0.9, 1.1))
    cache_write = int(input_tokens * workload.cache_write_share * rng.uniform(0.8, 1.2))
    cached = min(cached, input_tokens - cache_write)
    reasoning = int(output * workload.reasoning_share)
    return _Day(requests, input_tokens, cached, cache_write, output, reasoning)


def _epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _openai_pages(buckets: list[tuple[date, list[dict[str, object]]]]) -> list[dict[str, object]]:
    """Usage API pages of up to 31 daily buckets, chained by next_page cursors as the API returns them."""
    pages = []
    for start in range(0, len(buckets), 31):
        chunk = buckets[start : start + 31]
        more = start + 31 < len(buckets)
        pages.append(
            {
                "object": "page",
                "data": [
                    {
                        "object": "bucket",
                        "start_time": _epoch(d),
                        "end_time": _epoch(d + timedelta(days=1)),
                        "results": results,
                    }
                    for d, results in chunk
                ],
                "has_more": more,
                "next_page": f"page_{start + 31:06d}" if more else None,
            }
        )
    return pages


def _completion_result(w: Workload, u: _Day) -> dict[str, object]:
    uncached = u.input_tokens - u.cached - u.cache_write
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": u.input_tokens,
        "input_cached_tokens": u.cached,
        "input_cache_write_tokens": u.cache_write,
        "input_uncached_tokens": uncached,
        "output_tokens": u.output,
        "input_text_tokens": uncached,
        "output_text_tokens": u.output,
        "input_cached_text_tokens": u.cached,
        "input_audio_tokens": 0,
        "input_cached_audio_tokens": 0,
        "output_audio_tokens": 0,
        "input_image_tokens": 0,
        "input_cached_image_tokens": 0,
        "output_image_tokens": 0,
        "num_model_requests": u.requests,
        "project_id": w.project,
        "user_id": None,
        "api_key_id": w.api_key,
        "model": w.model,
        "batch": w.batch,
        "service_tier": "default",
    }


def _embedding_result(w: Workload, u: _Day) -> dict[str, object]:
    return {
        "object": "organization.usage.embeddings.result",
        "input_tokens": u.input_tokens,
        "num_model_requests": u.requests,
        "project_id": w.project,
        "user_id": None,
        "api_key_id": w.api_key,
        "model": w.model,
        "batch": False,
    }


_GATEWAY_COLUMNS = [
    "timestamp",
    "provider",
    "model",
    "project",
    "api_key",
    "feature",
    "requests",
    "input_tokens",
    "cached_input_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
    "latency_ms",
]


def _gateway_rows(w: Workload, day: date, u: _Day, rng: np.random.Generator) -> Iterator[list[object]]:
    """A day's requests split into slices, each at one latency drawn from the workload's distribution."""
    shares = rng.dirichlet(np.full(_GATEWAY_SLICES, 4.0))
    requests = np.floor(shares * u.requests).astype(np.int64)
    requests[-1] += u.requests - requests.sum()
    hours = np.sort(rng.choice(np.arange(7, 23), _GATEWAY_SLICES))
    for i in range(_GATEWAY_SLICES):
        if requests[i] == 0:
            continue
        part = requests[i] / u.requests
        output_per_request = u.output / max(u.requests, 1)
        generation_ms = output_per_request / w.tokens_per_s * 1000
        latency = (w.ttft_ms + generation_ms) * rng.lognormal(0.0, 0.35)
        write = int(u.cache_write * part)
        yield [
            f"{day.isoformat()}T{hours[i]:02d}:{rng.integers(0, 60):02d}:00Z",
            w.provider,
            w.model,
            w.project,
            w.api_key,
            w.feature,
            int(requests[i]),
            int(u.input_tokens * part),
            int(u.cached * part),
            write,
            write if w.cache_write_1h else 0,
            int(u.output * part),
            int(u.reasoning * part),
            round(float(latency), 1),
        ]


def write_demo_files(folder: Path, end: date | None = None) -> list[Path]:
    """Write the demo export files for the six months up to ``end`` (default: yesterday, UTC)."""
    end = end or (datetime.now(UTC).date() - timedelta(days=1))
    days = [end - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
    rng = np.random.default_rng(SEED)
    completions: dict[date, list[dict[str, object]]] = {d: [] for d in days}
    embeddings: dict[date, list[dict[str, object]]] = {d: [] for d in days}
    gateway: list[list[object]] = []
    for w in WORKLOADS:
        for day, requests in zip(days, _daily_requests(w, days, rng), strict=True):
            if requests == 0:
                continue
            u = _usage(w, int(requests), rng)
            if w.via_gateway:
                gateway.extend(_gateway_rows(w, day, u, rng))
            elif w.embeddings:
                embeddings[day].append(_embedding_result(w, u))
            else:
                completions[day].append(_completion_result(w, u))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, buckets in (("completions", completions), ("embeddings", embeddings)):
        path = folder / f"openai_usage_{name}_{days[0]:%Y%m%d}_{end:%Y%m%d}.json"
        path.write_text(json.dumps(_openai_pages(sorted(buckets.items())), indent=1))
        written.append(path)
    path = folder / f"gateway_requests_{days[0]:%Y%m%d}_{end:%Y%m%d}.csv"
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(_GATEWAY_COLUMNS)
        writer.writerows(sorted(gateway, key=lambda row: str(row[0])))
    written.append(path)
    return written


# --- the vendors' status pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusPage:
    """A vendor's status page as the demo draws it: how often it reports an incident, on what."""

    slug: str
    name: str
    url: str
    page_id: str
    incidents_per_day: float
    components: tuple[str, ...]
    # Incident titles; {model} and {component} are filled in.
    titles: tuple[str, ...]
    models: tuple[str, ...]


STATUS_PAGES: tuple[StatusPage, ...] = (
    StatusPage(
        "openai",
        "OpenAI",
        "https://status.openai.com",
        "01jmyfnyxqkv",
        0.17,
        (
            "Chat Completions",
            "Responses",
            "Embeddings",
            "Batch",
            "Files",
            "Fine-tuning",
            "Realtime",
            "ChatGPT",
            "Login",
        ),
        (
            "Elevated error rates for {model}",
            "Increased latency for {component}",
            "Degraded performance for {component}",
            "{component} unavailable for some users",
            "Elevated errors on {component}",
            "Delays in {component} processing",
        ),
        ("GPT-4o", "GPT-4o mini", "o3-mini", "text-embedding-3-small"),
    ),
    StatusPage(
        "anthropic",
        "Anthropic",
        "https://status.anthropic.com",
        "tymt9n04zgry",
        0.22,
        (
            "Claude API (api.anthropic.com)",
            "claude.ai",
            "platform.claude.com (formerly console.anthropic.com)",
            "Claude Code",
        ),
        (
            "Elevated errors on {model}",
            "Elevated errors on {component}",
            "Increased latency for {model}",
            "Degraded performance on {component}",
            "{component} unavailable for some users",
        ),
        ("Claude Sonnet 4.5", "Claude Haiku 4.5", "Claude Opus 4.1"),
    ),
)

# How the pages rate their incidents (Statuspage's none, minor, major, critical), and the median minutes
# one of each rating lasts.
_IMPACT_SHARES = (0.1, 0.6, 0.25, 0.05)
_MEDIAN_MINUTES = {"none": 30.0, "minor": 50.0, "major": 90.0, "critical": 120.0}
_ALPHABET = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))


def _stamp(moment: datetime) -> str:
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _status_id(rng: np.random.Generator) -> str:
    return "".join(rng.choice(_ALPHABET, 12))


def _status_incident(
    page: StatusPage, started: datetime, close_by: datetime, rng: np.random.Generator
) -> dict[str, object]:
    impact = str(rng.choice(IMPACTS, p=_IMPACT_SHARES))
    minutes = float(_MEDIAN_MINUTES[impact] * rng.lognormal(0.0, 0.6))
    resolved = min(started + timedelta(minutes=max(minutes, 8.0)), close_by)
    # The page is updated a few minutes after the trouble starts, and never after it ends.
    opened = started + min(timedelta(minutes=float(rng.uniform(2, 15))), (resolved - started) / 2)
    monitoring = resolved - (resolved - opened) * float(rng.uniform(0.2, 0.5))
    title = str(rng.choice(page.titles))
    if "{model}" in title:
        # A model's errors show on the page's API component.
        component_names = [page.components[0]]
    elif rng.random() < 0.1:
        # Some incidents name no component.
        component_names = []
    else:
        component_names = [str(c) for c in rng.choice(page.components, int(rng.integers(1, 3)), replace=False)]
    named = component_names[0].split(" (")[0] if component_names else "the API"
    title = title.format(model=rng.choice(page.models), component=named)
    incident_id = _status_id(rng)
    updates = [
        ("resolved", "This incident has been resolved.", resolved),
        ("monitoring", "A fix has been implemented and we are monitoring the results.", monitoring),
        ("investigating", "We are currently investigating this issue.", opened),
    ]
    return {
        "id": incident_id,
        "name": title,
        "status": "postmortem" if impact == "critical" else "resolved",
        "created_at": _stamp(opened),
        "updated_at": _stamp(resolved),
        "monitoring_at": _stamp(monitoring),
        "resolved_at": _stamp(resolved),
        "impact": impact,
        "shortlink": f"https://stspg.io/{incident_id[:8]}",
        "started_at": _stamp(started),
        "page_id": page.page_id,
        "incident_updates": [
            {
                "id": _status_id(rng),
                "status": status,
                "body": body,
                "incident_id": incident_id,
                "created_at": _stamp(at),
                "updated_at": _stamp(at),
                "display_at": _stamp(at),
                "affected_components": None,
                "deliver_notifications": True,
                "custom_tweet": None,
                "tweet_id": None,
            }
            for status, body, at in updates
        ],
        "components": [
            {
                "id": f"{page.page_id[:4]}{page.components.index(name):08d}",
                "name": name,
                "status": "operational",
                "created_at": "2023-01-01T00:00:00.000Z",
                "updated_at": _stamp(resolved),
                "position": page.components.index(name) + 1,
                "description": None,
                "showcase": True,
                "start_date": None,
                "group_id": None,
                "page_id": page.page_id,
                "group": False,
                "only_show_if_degraded": False,
            }
            for name in component_names
        ],
    }


def write_demo_status_files(folder: Path, end: date | None = None) -> list[Path]:
    """Write each vendor's status page history over the demo's six months (as ``/api/v2/incidents.json``
    answers: newest first) into ``folder``, one file per page."""
    end = end or (datetime.now(UTC).date() - timedelta(days=1))
    first = end - timedelta(days=DAYS - 1)
    close_by = datetime(end.year, end.month, end.day, 23, 59)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number, page in enumerate(STATUS_PAGES):
        # A generator per page, apart from the usage's, so the usage files stay as they were.
        rng = np.random.default_rng([SEED, number])
        incidents = []
        for offset in range(DAYS):
            day = first + timedelta(days=offset)
            for _ in range(int(rng.poisson(page.incidents_per_day))):
                started = datetime(day.year, day.month, day.day) + timedelta(minutes=float(rng.uniform(0, 24 * 60)))
                incidents.append(_status_incident(page, started.replace(microsecond=0), close_by, rng))
        incidents.sort(key=lambda incident: str(incident["started_at"]), reverse=True)
        body = {
            "page": {
                "id": page.page_id,
                "name": page.name,
                "url": page.url,
                "time_zone": "Etc/UTC",
                "updated_at": _stamp(close_by),
            },
            "incidents": incidents,
        }
        path = folder / f"statuspage_{page.slug}_incidents.json"
        path.write_text(json.dumps(body, indent=1))
        written.append(path)
    return written


# Demo imports are named under this prefix, so they can be told apart from the user's own.
SOURCE_PREFIX = "demo/"


def demo_imports(engine: Engine) -> list[int]:
    """The ids of the demo's imports (named under :data:`SOURCE_PREFIX`)."""
    found = list_imports(engine)
    return [int(i) for i in found.loc[found["source_name"].str.startswith(SOURCE_PREFIX), "id"]]


def _demo_incident_sources(engine: Engine) -> list[str]:
    return [source for source in stored_sources(engine) if source.startswith(SOURCE_PREFIX)]


def demo_loaded(engine: Engine) -> bool:
    """Whether the ledger holds demo imports (of any end date)."""
    return bool(demo_imports(engine))


def demo_in_ledger(engine: Engine) -> bool:
    """Whether anything the demo wrote is in the ledger: its imports, or its status pages' incidents (which
    stay, and weigh on the risk score, when only the demo's imports were deleted by hand)."""
    return bool(demo_imports(engine) or _demo_incident_sources(engine))


@dataclass(frozen=True)
class DemoRemoved:
    """What :func:`remove_demo` took out of the ledger."""

    imports: int
    incidents: int


def remove_demo(engine: Engine) -> DemoRemoved:
    """Take everything :func:`load_demo` wrote out of the ledger: every import named under
    :data:`SOURCE_PREFIX` (with its usage and rejected rows) and the incidents stored from the demo's status
    pages. The user's own imports and incidents stay. Workloads and scenarios are not the collectors' to
    judge: ``analysis.made_on`` finds those made on the demo alone, and is asked first (it reads the demo's
    usage). Running it again removes nothing more."""
    imports = sum(delete_import(engine, import_id) for import_id in demo_imports(engine))
    incidents = sum(delete_incidents(engine, source) for source in _demo_incident_sources(engine))
    return DemoRemoved(imports, incidents)


def _import_all(engine: Engine, folder: Path, end: date | None) -> list[IngestResult]:
    results = [ingest(engine, source_from_path(p, name=SOURCE_PREFIX + p.name)) for p in write_demo_files(folder, end)]
    for path in write_demo_status_files(folder, end):
        # The pages' names say whose they are, as a user's download would.
        save_status_history(engine, parse_status_history(path.read_bytes(), SOURCE_PREFIX + path.name))
    return results


def load_demo(engine: Engine, folder: Path | None = None, end: date | None = None) -> list[IngestResult]:
    """Write the demo files (into ``folder``, or a temporary one) and import them: the usage files through
    the ingest pipeline (their results are returned), the status pages' histories as incidents."""
    if folder is not None:
        return _import_all(engine, folder, end)
    with tempfile.TemporaryDirectory(prefix="exitplan-demo-") as tmp:
        return _import_all(engine, Path(tmp), end)
