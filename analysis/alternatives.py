"""Alternatives: for a workload, what every candidate model and host would cost, how fast and how good it
would be — answered from the workload's own traffic (ARCHITECTURE.md §5).

Each candidate gets a monthly cost range (low / base / high: the tokenizer ratio over the content types
the task suggests, and output length 10% shorter to 15% longer), a latency estimate against the
workload's SLO, a quality grade against its floor, a fit check (context window, capabilities, retirement
within the horizon) and the reasons in sentences. Candidates are ranked best first: those that fit, then
by quality grade, then by the SLO (met or none set, unknown, missed), then by cost.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from analysis.assumptions import OUTPUT_LENGTH_RANGE, WINDOW_DAYS, output_length_words
from analysis.candidates import candidate_set
from analysis.latency import LatencyEstimate, candidate_latency, incumbent_latency, observed_latency
from analysis.latency_measurements import measured_latency
from analysis.models import model_catalog
from analysis.profile import WorkloadProfile, profile_of
from analysis.quality import QualityEstimate, quality_estimate
from analysis.reference import RatioRange, token_ratio_range, tokenizer_of
from analysis.repricing import reprice
from analysis.selfhost import SelfHostedOption, monthly_cost, usd_per_mtok
from analysis.workloads import Workload, workload_usage
from pricing.book import PriceBook
from pricing.identity import identify

__all__ = [
    "Alternatives",
    "CandidateFilter",
    "CostRange",
    "Option",
    "alternatives",
    "options_frame",
    "pareto_frontier",
]

# Each plan's row (candidate key, scenario) → its fields and price.
Plans = dict[tuple[str, str], dict[str, Any]]
GRADE_ORDER = {"ok": 0, "at risk": 1, "no reference": 2, "below floor": 3}
_CAPABILITIES = {
    "needs_tools": ("supports_tools", "tool calling"),
    "needs_vision": ("supports_vision", "image input"),
    "needs_json_schema": ("supports_json_schema", "JSON schema output"),
    "needs_caching": ("supports_caching", "prompt caching"),
}
_UNCHANGED = RatioRange(0.85, 1.0, 1.15, "no tokenizer reference for this pair: token counts assumed unchanged, ±15%")


@dataclass(frozen=True)
class CostRange:
    low: float | None
    base: float | None
    high: float | None

    def as_dict(self) -> dict[str, float | None]:
        return {k: (round(v, 2) if v is not None else None) for k, v in vars(self).items()}


@dataclass(frozen=True)
class CandidateFilter:
    """Which candidates to consider: some hosts only, open-weights models only, a data region (None:
    global endpoints; ``"any"``: every region), and how far ahead a retirement rules a candidate out."""

    hosts: frozenset[str] | None = None
    open_weights_only: bool = False
    region: str | None = None
    horizon_days: int = 365


@dataclass(frozen=True)
class Option:
    """Today's model or a candidate, with every estimate and the reasons behind it."""

    model: str
    host: str
    family: str | None
    monthly_cost_usd: CostRange
    latency: LatencyEstimate
    quality: QualityEstimate
    fits: bool
    fit_problems: tuple[str, ...]
    reasons: tuple[str, ...]
    price_source: str | None = None
    region: str | None = None
    open_weights: bool | None = None
    self_hosted: bool = False
    delta_usd: float | None = None
    delta_pct: float | None = None
    context_window: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "model": self.model,
            "host": self.host,
            "family": self.family,
            "monthly_cost_usd": self.monthly_cost_usd.as_dict(),
            "delta_usd": round(self.delta_usd, 2) if self.delta_usd is not None else None,
            "delta_pct": round(self.delta_pct, 4) if self.delta_pct is not None else None,
            "latency_p50_s": self.latency.p50_s,
            "latency_p95_s": self.latency.p95_s,
            "latency_source": self.latency.source,
            "meets_slo": self.latency.meets_slo,
            "quality_grade": self.quality.grade,
            "quality_relative_pct": self.quality.relative_pct,
            "quality_source": self.quality.source,
            "fits": self.fits,
            "fit_problems": list(self.fit_problems),
            "reasons": list(self.reasons),
            "price_source": self.price_source,
            "region": self.region,
            "open_weights": self.open_weights,
            "self_hosted": self.self_hosted,
            "context_window": self.context_window,
        }


@dataclass
class Alternatives:
    workload: Workload
    profile: WorkloadProfile
    incumbent: Option | None
    candidates: list[Option] = field(default_factory=list)

    def as_dict(self, top: int | None = None) -> dict[str, object]:
        return {
            "workload": {
                "id": self.workload.id,
                "name": self.workload.name,
                "task_category": self.workload.task_category,
                "criticality": self.workload.criticality,
                "window": [str(self.profile.start), str(self.profile.end)],
            },
            "incumbent": self.incumbent.as_dict() if self.incumbent else None,
            "candidates": [c.as_dict() for c in self.candidates[:top]],
        }

    def what_changes(self) -> list[str]:
        """Sentences on the best candidate, for a reader deciding whether to move."""
        if self.incumbent is None or not self.candidates:
            return []
        best = self.candidates[0]
        today, then = self.incumbent, best
        lead = f"Moving {self.workload.name} from {today.model} ({today.host}) to {then.model} ({then.host})"
        return [lead + ":", *best.reasons]


def _money(value: float | None) -> str:
    return "unpriced" if value is None else f"${value:,.0f}" if value >= 100 else f"${value:,.2f}"


def _fit_problems(
    row: dict[str, Any], workload: Workload, profile: WorkloadProfile, ratio: float, horizon: date
) -> list[str]:
    problems = []
    window = row.get("context_window")
    needed = profile.largest_prompt * ratio
    if pd.isna(window):
        problems.append("its context window is not published")
    elif needed > float(window):
        problems.append(
            f"its {int(window):,}-token context window is smaller than your largest prompts (~{needed:,.0f})"
        )
    for need, (flag, words) in _CAPABILITIES.items():
        if getattr(workload, need):
            value = row.get(flag)
            if pd.isna(value) or not bool(value):
                problems.append(f"{words} is not listed for it")
    retires = row.get("deprecation_date")
    if isinstance(retires, date) and retires <= horizon:
        problems.append(f"it retires on {retires:%Y-%m-%d}")
    return problems


def _range(plans: Plans, key: str) -> CostRange:
    def value(scenario: str) -> float | None:
        v = plans.get((key, scenario), {}).get("monthly_usd")
        return None if v is None or pd.isna(v) else float(v)

    return CostRange(value("low"), value("base"), value("high"))


def alternatives(
    engine: Engine,
    workload: Workload,
    workloads: Sequence[Workload],
    *,
    book: PriceBook | None = None,
    today: date | None = None,
    filters: CandidateFilter | None = None,
    evaluations: pd.DataFrame | None = None,
    latency_measurements: pd.DataFrame | None = None,
    self_hosted: Sequence[SelfHostedOption] = (),
    verbosity: float = 1.0,
) -> Alternatives:
    """Every candidate for ``workload``, estimated and ranked best first; the user's ``evaluations`` and
    ``latency_measurements`` win over the public references. ``verbosity`` is the candidates' answer length
    against today's model's (1.0: as long; 1.2: a fifth longer), the middle of the output-length range."""
    if not (math.isfinite(verbosity) and verbosity > 0):
        raise ValueError(f"the output verbosity factor must be a number above 0, not {verbosity}")
    from pricing.sources import load_book

    book = book or load_book(engine)
    today = today or datetime.now(UTC).date()
    filters = filters or CandidateFilter()
    profile = profile_of(workload_usage(engine, workload, workloads, days=WINDOW_DAYS), WINDOW_DAYS)
    if profile.empty:
        return Alternatives(workload, profile, None)
    assert profile.provider is not None and profile.model is not None
    category = workload.task_category
    source_tokenizer = tokenizer_of(profile.provider, profile.model)
    incumbent_family = identify(profile.provider, profile.model).family

    pool = candidate_set(model_catalog(book), embeddings=category == "embeddings")
    pool = pool[~((pool["provider"] == profile.provider) & (pool["family"] == incumbent_family))]
    if filters.hosts:
        pool = pool[pool["provider"].isin(filters.hosts)]
    if filters.open_weights_only:
        pool = pool[pool["open_weights"].fillna(False).astype(bool)]
    if filters.region != "any":
        pool = pool[pool["region"].isna()] if filters.region is None else pool[pool["region"] == filters.region]
    pool = pool.reset_index(drop=True)

    ratios = [
        token_ratio_range(source_tokenizer, tokenizer_of(p, m), category) or _UNCHANGED
        for p, m in zip(pool["provider"], pool["model"], strict=True)
    ]
    had_cache = profile.cache_read_share > 0
    wants_batch = workload.batch_tolerant or profile.batch_share > 0.5
    plans: list[tuple[object, ...]] = [
        ("incumbent", "base", profile.provider, profile.model, 1.0, 1.0, True, False, True)
    ]
    rows: list[dict[str, Any]] = pool.to_dict("records")  # type: ignore[assignment]
    for i, row in enumerate(rows):
        caching = had_cache and _flag(row, "supports_caching")
        batch = wants_batch and _flag(row, "supports_batch")
        ratio = ratios[i]
        for scenario, token_ratio in (("low", ratio.low), ("base", ratio.base), ("high", ratio.high)):
            plans.append((str(i), scenario, row["provider"], row["model"], token_ratio,
                          OUTPUT_LENGTH_RANGE[scenario] * verbosity, caching, batch, False))  # fmt: skip
    plan_frame = pd.DataFrame(
        plans,
        columns=["candidate", "scenario", "provider", "model", "token_ratio", "verbosity", "keep_cache", "use_batch",
                 "keep_tier"],
    )  # fmt: skip
    plan_frame["plan"] = plan_frame["candidate"] + ":" + plan_frame["scenario"]
    priced = reprice(profile.mix, plan_frame, day=today, book=book, monthly_factor=profile.monthly_factor)
    plan_frame = plan_frame.merge(priced, on="plan", how="left")
    records: list[dict[str, Any]] = plan_frame.to_dict("records")  # type: ignore[assignment]
    by_plan: Plans = {(str(c), str(sc)): row for c, sc, row in zip(plan_frame["candidate"], plan_frame["scenario"],
                                                  records, strict=True)}  # fmt: skip

    observed = observed_latency(profile.latency_bins)
    # Today's cost is what it is: priced at today's prices, with no range.
    today_cost = _range(by_plan, "incumbent").base
    incumbent_cost = CostRange(today_cost, today_cost, today_cost)
    incumbent_row = by_plan[("incumbent", "base")]
    incumbent = Option(
        model=profile.model,
        host=profile.provider,
        family=incumbent_family,
        monthly_cost_usd=incumbent_cost,
        latency=incumbent_latency(profile.latency_bins, workload.latency_slo_p95_s),
        quality=quality_estimate(
            (profile.provider, profile.model),
            (profile.provider, profile.model),
            category,
            workload.quality_floor_pct,
            evaluations,
            workload.name,
        ),
        fits=True,
        fit_problems=(),
        reasons=(
            f"Today: {_money(incumbent_cost.base)} a month at today's prices for "
            f"{profile.requests * profile.monthly_factor:,.0f} requests.",
        ),
        price_source=incumbent_row["price_source"],
    )
    horizon = today + timedelta(days=filters.horizon_days)
    options = [
        _candidate(rows[i], ratios[i], by_plan, str(i), workload, profile, incumbent, observed, horizon, evaluations,
                   latency_measurements, had_cache, wants_batch, verbosity)
        for i in range(len(rows))
    ]  # fmt: skip
    options += [_self_hosted(option, workload, profile, incumbent, source_tokenizer, evaluations, verbosity)
                for option in self_hosted if category != "embeddings"]  # fmt: skip
    options.sort(key=_rank)
    return Alternatives(workload, profile, incumbent, options)


# A candidate known to miss the SLO ranks below one whose latency nobody has measured yet. Without an SLO
# every verdict is None, so the SLO does not reorder anything.
SLO_ORDER = {True: 0, None: 1, False: 2}


def _rank(option: Option) -> tuple[bool, int, int, float]:
    base = option.monthly_cost_usd.base
    return (not option.fits, GRADE_ORDER.get(option.quality.grade, 9), SLO_ORDER[option.latency.meets_slo],
            base if base is not None else float("inf"))  # fmt: skip


def _delta(cost: CostRange, incumbent: Option) -> tuple[float | None, float | None]:
    base, today = cost.base, incumbent.monthly_cost_usd.base
    if base is None or today is None:
        return None, None
    return base - today, (base - today) / today if today else None


def _cost_sentence(cost: CostRange, incumbent: Option, ratio: RatioRange, extra: list[str], verbosity: float) -> str:
    _, share = _delta(cost, incumbent)
    if cost.base is None:
        return "It cannot be priced: no source has a price for it."
    change = f" ({share:+.0%} against today's {_money(incumbent.monthly_cost_usd.base)})" if share is not None else ""
    factors = [ratio.basis, output_length_words(verbosity), *extra]
    return (f"Costs about {_money(cost.base)} a month{change}, between {_money(cost.low)} and {_money(cost.high)}: "
            + "; ".join(factors) + ".")  # fmt: skip


def _flag(row: dict[str, Any], name: str) -> bool:
    value = row.get(name)
    return bool(value) if value is not None and not pd.isna(value) else False


def _candidate(
    row: dict[str, Any],
    ratio: RatioRange,
    plans: Plans,
    key: str,
    workload: Workload,
    profile: WorkloadProfile,
    incumbent: Option,
    observed: tuple[float, float] | None,
    horizon: date,
    evaluations: pd.DataFrame | None,
    latency_measurements: pd.DataFrame | None,
    had_cache: bool,
    wants_batch: bool,
    verbosity: float,
) -> Option:
    provider, model = str(row["provider"]), str(row["model"])
    cost = _range(plans, key)
    base_plan = plans[(key, "base")]
    problems = _fit_problems(row, workload, profile, ratio.base, horizon)
    output = profile.output_per_request * ratio.base * verbosity
    latency = candidate_latency(provider, model, output, incumbent=observed, slo_p95_s=workload.latency_slo_p95_s,
                                measured=measured_latency(latency_measurements, provider, model))  # fmt: skip
    quality = quality_estimate((incumbent.host, incumbent.model), (provider, model), workload.task_category,
                               workload.quality_floor_pct, evaluations, workload.name)  # fmt: skip
    extra = []
    if had_cache:
        extra.append("prompt caching carries over" if base_plan["keep_cache"]
                     else f"no prompt caching here, so the {profile.cache_read_share:.0%} of input read from cache "
                          "today is billed in full")  # fmt: skip
    if wants_batch:
        extra.append("the batch API is used" if base_plan["use_batch"] else "no batch price here")
    if isinstance(base_plan["price_note"], str):
        extra.append(base_plan["price_note"])
    reasons = [_cost_sentence(cost, incumbent, ratio, extra, verbosity), f"Quality: {quality.evidence}",
               f"Latency: {latency.evidence}"]  # fmt: skip
    reasons.append("Fits: " + "; ".join(problems) + "." if problems else _fits_sentence(row, profile, ratio))
    delta, share = _delta(cost, incumbent)
    window = row.get("context_window")
    return Option(
        model=model,
        host=provider,
        family=row.get("family"),
        monthly_cost_usd=cost,
        latency=latency,
        quality=quality,
        fits=not problems and cost.base is not None,
        fit_problems=tuple(problems),
        reasons=tuple(reasons),
        price_source=str(base_plan["price_source"]) if base_plan["price_source"] else None,
        region=row.get("region") if isinstance(row.get("region"), str) else None,
        open_weights=_flag(row, "open_weights") if row.get("open_weights") is not None else None,
        delta_usd=delta,
        delta_pct=share,
        context_window=int(window) if isinstance(window, (int, float)) and not pd.isna(window) else None,
    )


def _fits_sentence(row: dict[str, Any], profile: WorkloadProfile, ratio: RatioRange) -> str:
    window = int(row["context_window"])
    largest = profile.largest_prompt * ratio.base
    return (f"Fits: a {window:,}-token context window for prompts of up to ~{largest:,.0f} tokens, and every "
            "capability the workload needs.")  # fmt: skip


def _self_hosted(
    option: SelfHostedOption,
    workload: Workload,
    profile: WorkloadProfile,
    incumbent: Option,
    source_tokenizer: str | None,
    evaluations: pd.DataFrame | None,
    verbosity: float,
) -> Option:
    ratio = token_ratio_range(source_tokenizer, tokenizer_of("self-hosted", option.model), workload.task_category)
    ratio = ratio or _UNCHANGED

    def tokens(scenario: str) -> float:
        output = profile.output_tokens * verbosity * OUTPUT_LENGTH_RANGE[scenario]
        return (profile.input_tokens + output) * getattr(ratio, scenario) * profile.monthly_factor

    cost = CostRange(*(monthly_cost(option, tokens(scenario)) for scenario in ("low", "base", "high")))
    problems = []
    if option.context_window is not None and profile.largest_prompt * ratio.base > option.context_window:
        problems.append(f"its {option.context_window:,}-token context window is smaller than your largest prompts")
    quality = quality_estimate((incumbent.host, incumbent.model), ("self-hosted", option.model),
                               workload.task_category, workload.quality_floor_pct, evaluations,
                               workload.name)  # fmt: skip
    output = profile.output_per_request * ratio.base * verbosity
    decode = output / option.tokens_per_second
    latency = LatencyEstimate(decode, None, "your self-hosting figures", None,
                              f"about {decode:.1f} s to generate {output:,.0f} tokens at "
                              f"{option.tokens_per_second:,.0f} tokens/s; time to first token not known")  # fmt: skip
    delta, share = _delta(cost, incumbent)
    reasons = (
        f"Self-hosted on {option.gpus_per_replica}× {option.gpu_type}: ${usd_per_mtok(option):,.2f} per million "
        f"tokens plus {_money(option.fixed_monthly_usd)} a month fixed; about {_money(cost.base)} a month "
        f"for {tokens('base') / 1e6:,.0f}M tokens.",
        f"Quality: {quality.evidence}",
        f"Latency: {latency.evidence}",
    )
    return Option(
        model=option.model,
        host="self-hosted",
        family=option.model,
        monthly_cost_usd=cost,
        latency=latency,
        quality=quality,
        fits=not problems,
        fit_problems=tuple(problems),
        reasons=reasons,
        price_source="your self-hosting figures",
        open_weights=True,
        self_hosted=True,
        delta_usd=delta,
        delta_pct=share,
        context_window=option.context_window,
    )


def pareto_frontier(cost: pd.Series, quality: pd.Series) -> pd.Series:
    """True for the points no other point beats on both cost (lower) and quality (higher).

    >>> pareto_frontier(pd.Series([10.0, 5.0, 8.0, 12.0]), pd.Series([100.0, 90.0, 80.0, 100.0])).tolist()
    [True, True, False, False]
    """
    order = sorted(range(len(cost)), key=lambda i: (cost.iloc[i], -quality.iloc[i]))
    best = float("-inf")
    frontier = pd.Series(False, index=cost.index)
    for i in order:
        if quality.iloc[i] > best:
            frontier.iloc[i] = True
            best = quality.iloc[i]
    return frontier


def options_frame(result: Alternatives) -> pd.DataFrame:
    """Today's model and every candidate as rows a table or a chart draws, best first."""
    rows = []
    options = ([result.incumbent] if result.incumbent else []) + result.candidates
    for rank, option in enumerate(options):
        cost = option.monthly_cost_usd
        rows.append(
            {
                "rank": rank,
                "today": option is result.incumbent,
                "host": option.host,
                "model": option.model,
                "monthly_usd": cost.base,
                "low_usd": cost.low,
                "high_usd": cost.high,
                "delta_pct": option.delta_pct,
                "p95_s": option.latency.p95_s,
                "meets_slo": option.latency.meets_slo,
                "quality_pct": option.quality.relative_pct,
                "quality": option.quality.grade,
                "fits": option.fits,
                "why_not": "; ".join(option.fit_problems),
                "open_weights": option.open_weights,
                "region": option.region,
                "price_source": option.price_source,
                "quality_source": option.quality.source,
                "latency_source": option.latency.source,
            }
        )
    return pd.DataFrame(rows)
