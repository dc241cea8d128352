"""Alternatives: for a workload, what every candidate model and host would cost, how fast and how good it
would be — answered from the workload's own traffic (ARCHITECTURE.md §5) — and what staying means.

The steps, each in its own module:

1. the candidate set and who can do the task at all (:mod:`analysis.candidates`, :mod:`analysis.eligibility`);
2. the monthly cost range of each (:mod:`analysis.costing`);
3. latency (:mod:`analysis.latency`), quality against the floor (:mod:`analysis.quality`), and fit (context
   window, capabilities, retirement) — here;
4. the order, the top candidate and the frontier (:mod:`analysis.ranking`);
5. the sentences (:mod:`analysis.explanation`).

Today's model is an option too: its cost at today's prices, its measured latency, and its retirement at its
host (:mod:`analysis.retirement`) — a model that retires cannot be kept, and its named successor is always
among the candidates, priced.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any, cast

import pandas as pd
from sqlalchemy import Engine

from analysis.assumptions import RETIREMENT_HORIZON_DAYS, WINDOW_DAYS, window_words
from analysis.cache_writes import CacheWriteRatio, cache_write_ratio
from analysis.candidates import candidate_set
from analysis.costing import CandidateCost, CostRange, cost_candidates, self_hosted_cost
from analysis.eligibility import Reason
from analysis.explanation import cost_sentence, fits_sentence, self_hosted_sentence, today_sentence
from analysis.latency import LatencyEstimate, candidate_latency, incumbent_latency, observed_latency
from analysis.latency_measurements import measured_latency
from analysis.models import model_catalog
from analysis.money import usd
from analysis.profile import WorkloadProfile, profile_of
from analysis.quality import QualityEstimate, floor_words, quality_estimate
from analysis.ranking import rank_key, top_candidate
from analysis.reference import RatioRange, token_ratio_range, tokenizer_of
from analysis.replays import list_replays, replay_finding
from analysis.retirement import Retirement, retirement_of
from analysis.selfhost import SelfHostedOption
from analysis.workloads import Workload, workload_usage
from db.errors import InvalidInput
from pricing.book import PriceBook
from pricing.identity import family_of, identify

__all__ = ["Alternatives", "CandidateFilter", "CostRange", "Option", "alternatives"]

_CAPABILITIES = {
    "needs_tools": ("supports_tools", "tool calling"),
    "needs_vision": ("supports_vision", "image input"),
    "needs_json_schema": ("supports_json_schema", "JSON schema output"),
    "needs_caching": ("supports_caching", "prompt caching"),
}
_UNCHANGED = RatioRange(0.85, 1.0, 1.15, "no tokenizer reference for this pair: token counts assumed unchanged, ±15%")


@dataclass(frozen=True)
class CandidateFilter:
    """Which candidates to consider: some hosts only, open-weights models only, a data region (None:
    global endpoints; ``"any"``: every region), preview and experimental models too, and how far ahead a
    retirement rules a candidate out."""

    hosts: frozenset[str] | None = None
    open_weights_only: bool = False
    region: str | None = None
    previews: bool = False
    horizon_days: int = RETIREMENT_HORIZON_DAYS


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
    eligible: bool = True
    excluded_reason: str | None = None
    maturity: str = "ga"
    successor: bool = False  # the host's named successor of today's model
    # The answers' length against today's, measured by replaying the workload's prompts (None: assumed).
    output_ratio: float | None = None

    @property
    def monthly_base_usd(self) -> float | None:
        return self.monthly_cost_usd.base

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
            "quality_evidence": self.quality.evidence.as_dict() if self.quality.evidence else None,
            "fits": self.fits,
            "fit_problems": list(self.fit_problems),
            "reasons": list(self.reasons),
            "price_source": self.price_source,
            "region": self.region,
            "open_weights": self.open_weights,
            "self_hosted": self.self_hosted,
            "context_window": self.context_window,
            "eligible": self.eligible,
            "excluded_reason": self.excluded_reason,
            "maturity": self.maturity,
            "successor": self.successor,
            "output_ratio": round(self.output_ratio, 4) if self.output_ratio is not None else None,
        }


@dataclass
class Alternatives:
    """Today's model, the ranked candidates and what was left out, for one workload."""

    workload: Workload
    profile: WorkloadProfile
    incumbent: Option | None
    candidates: list[Option] = field(default_factory=list)
    excluded: dict[str, int] = field(default_factory=dict)
    retirement: Retirement | None = None
    today: date | None = None
    excluded_candidates: list[Option] = field(default_factory=list)
    cost_only: bool = False  # its usage has cost but no counts (a cost report): nothing to price candidates on

    def no_estimate(self) -> str | None:
        """Why there is nothing to compare, in one sentence; None when there is."""
        if self.incumbent is not None:
            return None
        if self.cost_only:
            return (
                f"{self.workload.name}'s usage in {window_words()} comes from a cost report, with no token counts "
                "to price candidates on: import a usage export of the same period (tokens per model) as well."
            )
        return f"{self.workload.name} has no usage in {window_words()}."

    @property
    def top(self) -> Option | None:
        """The candidate to act on: it fits and its quality evidence meets the floor (None when none does)."""
        return top_candidate(self.candidates)

    @property
    def high_criticality(self) -> bool:
        return self.workload.criticality == "high"

    def as_dict(self, top: int | None = None, *, everything: bool = False) -> dict[str, object]:
        incumbent = self.incumbent.as_dict() if self.incumbent else None
        if incumbent is not None:
            retirement = self.retirement
            incumbent["retires_on"] = str(retirement.retires_on) if retirement and retirement.retires_on else None
            incumbent["successor"] = retirement.successor if retirement else None
        shown = self.candidates[:top] + (self.excluded_candidates if everything else [])
        return {
            "workload": {
                "id": self.workload.id,
                "name": self.workload.name,
                "task_category": self.workload.task_category,
                "criticality": self.workload.criticality,
                "quality_floor_pct": self.workload.quality_floor_pct,
                "window": [str(self.profile.start), str(self.profile.end)],
            },
            "incumbent": incumbent,
            "top_candidate": {"host": self.top.host, "model": self.top.model} if self.top else None,
            "candidates": [c.as_dict() for c in shown],
            "excluded": dict(self.excluded),
        }

    def staying(self) -> str | None:
        """Whether staying is an option, when today's model retires within the horizon (or has retired)."""
        retirement, today = self.retirement, self.today
        if retirement is None or today is None or not retirement.retires_within(today, RETIREMENT_HORIZON_DAYS):
            return None
        sentence = retirement.sentence(today) or ""
        if retirement.successor:
            successor = next((c for c in self.candidates if c.successor), None)
            if successor is None or successor.monthly_cost_usd.base is None:
                sentence += f" No source has a price for {retirement.successor} at {retirement.host}."
            else:
                change = f", {successor.delta_pct:+.0%} against today" if successor.delta_pct is not None else ""
                sentence += (
                    f" At today's traffic it would cost about {usd(successor.monthly_cost_usd.base)} a "
                    f"month{change} (quality: {successor.quality.summary()})."
                )
        return sentence

    def headline(self) -> list[str]:
        """What a reader must know next: what the evidence recommends, and what is still unmeasured."""
        sentences = []
        top = self.top
        if top is None:
            unrated = sum(1 for c in self.candidates if c.fits and c.quality.grade == "unrated")
            sentences.append(
                "No candidate has quality evidence that meets the floor"
                + (
                    f": {unrated:,} that fit are unrated — evaluate them on your own prompts before moving."
                    if unrated
                    else "."
                )
            )
            return sentences
        today_cost = self.incumbent.monthly_cost_usd.base if self.incumbent else None
        change = ""
        if today_cost and top.monthly_cost_usd.base is not None:
            change = f" ({top.delta_pct:+.0%} against today)" if top.delta_pct is not None else ""
        sentences.append(
            f"Top candidate with evidence: {top.model} on {top.host}, about {usd(top.monthly_cost_usd.base)} a "
            f"month{change}; quality {top.quality.grade}: {top.quality.summary()} ({top.quality.source})."
        )
        if top.latency.p95_s is None:
            warning = f"Latency of {top.model} on {top.host} is unmeasured: measure it before moving"
            sentences.append(warning + (" this high-criticality workload." if self.high_criticality else "."))
        if self.high_criticality and self.workload.latency_slo_p95_s is None:
            sentences.append("This high-criticality workload has no p95 latency objective: set one on Workloads.")
        return sentences

    def what_changes(self) -> list[str]:
        """Sentences on the top candidate, for a reader deciding whether to move."""
        top = self.top
        if self.incumbent is None or top is None:
            return []
        today = self.incumbent
        lead = f"Moving {self.workload.name} from {today.model} ({today.host}) to {top.model} ({top.host})"
        return [lead + ":", *top.reasons]

    def floor_words(self) -> str:
        return floor_words(self.workload.quality_floor_pct)


def _flag(row: dict[str, Any], name: str) -> bool:
    value = row.get(name)
    return bool(value) if value is not None and not pd.isna(value) else False


def _fit_problems(
    row: dict[str, Any], workload: Workload, profile: WorkloadProfile, ratio: float, horizon: date
) -> list[str]:
    problems = []
    window = row.get("context_window")
    needed = profile.largest_prompt * ratio
    if window is None or pd.isna(window):
        problems.append("its context window is not published")
    elif needed > float(window):
        problems.append(
            f"its {int(window):,}-token context window is smaller than your largest prompts (~{needed:,.0f})"
        )
    for need, (flag, words) in _CAPABILITIES.items():
        if getattr(workload, need) and not _flag(row, flag):
            problems.append(f"{words} is not listed for it")
    retires = row.get("deprecation_date")
    if isinstance(retires, date) and retires <= horizon:
        problems.append(f"it retires on {retires:%Y-%m-%d}")
    return problems


def _delta(cost: CostRange, today: float | None) -> tuple[float | None, float | None]:
    if cost.base is None or today is None:
        return None, None
    return cost.base - today, (cost.base - today) / today if today else None


def _pool(
    catalog: pd.DataFrame,
    workload: Workload,
    profile: WorkloadProfile,
    filters: CandidateFilter,
    retirement: Retirement,
    today: date,
) -> pd.DataFrame:
    """The candidate set for the workload under the user's filters, with a ``successor`` flag; today's model
    at today's host is not a candidate, its named successor always is."""
    assert profile.provider is not None and profile.model is not None
    everything = candidate_set(catalog, workload.task_category, previews=filters.previews, today=today)
    incumbent_family = identify(profile.provider, profile.model).family or family_of(profile.model)
    at_home = everything["provider"] == profile.provider
    everything["successor"] = False
    if retirement.successor:
        named = at_home & (
            (everything["model"] == retirement.successor) | (everything["family"] == family_of(retirement.successor))
        )
        everything.loc[named, "successor"] = True
        # A successor in preview is still where the host sends its traffic: shown, labelled.
        maturity_only = everything["excluded_reason"].isin([Reason.PREVIEW, Reason.EXPERIMENTAL])
        everything.loc[named & maturity_only, ["eligible", "excluded_reason"]] = [True, None]
    pool = everything[~(at_home & (everything["family"] == incumbent_family)) | everything["successor"]]
    keep = pd.Series(True, index=pool.index)
    if filters.hosts:
        keep &= pool["provider"].isin(filters.hosts)
    if filters.open_weights_only:
        keep &= pool["open_weights"].fillna(False).astype(bool)
    if filters.region != "any":
        keep &= pool["region"].isna() if filters.region is None else pool["region"] == filters.region
    # When today's model retires within the horizon, its successor is what staying means: always shown.
    if retirement.retires_within(today, filters.horizon_days):
        keep |= pool["successor"]
    return pool[keep].reset_index(drop=True)


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
    include_excluded: bool = False,
    replays: pd.DataFrame | None = None,
) -> Alternatives:
    """Every eligible candidate for ``workload``, estimated and ranked best first, with a count of the
    excluded ones per reason (and, with ``include_excluded``, their estimates too). The user's
    ``evaluations`` and ``latency_measurements`` win over the public references. ``verbosity`` is the
    candidates' answer length against today's model's (1.0: as long), the middle of the output-length range.

    ``replays`` are the company's replays of workloads' prompts on candidates (``exitplan evaluate``; read
    from the ledger when not given): for a candidate replayed on this workload, its win rate is its quality
    evidence and its measured answer length replaces ``verbosity`` and the assumed range in its cost.
    """
    if not (math.isfinite(verbosity) and verbosity > 0):
        raise InvalidInput(f"the output verbosity factor must be a number above 0, not {verbosity}")
    from pricing.sources import load_book

    book = book or load_book(engine)
    today = today or datetime.now(UTC).date()
    filters = filters or CandidateFilter()
    usage = workload_usage(engine, workload, workloads, days=WINDOW_DAYS)
    profile = profile_of(usage, WINDOW_DAYS)
    if profile.empty:
        cost_only = bool(usage["reported_cost_nano_usd"].notna().any()) if not usage.empty else False
        return Alternatives(workload, profile, None, today=today, cost_only=cost_only)
    assert profile.provider is not None and profile.model is not None and profile.start and profile.end
    retirement = retirement_of(book, profile.provider, profile.model)
    pool = _pool(model_catalog(book), workload, profile, filters, retirement, today)
    if not include_excluded:
        excluded_rows = pool[~pool["eligible"]]
        pool = pool[pool["eligible"]].reset_index(drop=True)
    else:
        excluded_rows = pool[~pool["eligible"]]
    excluded = dict(Counter(excluded_rows["excluded_reason"]).most_common())

    source_tokenizer = tokenizer_of(profile.provider, profile.model)
    rows = cast(list[dict[str, Any]], pool.to_dict("records"))  # the pool's columns are named by str
    ratios = [
        token_ratio_range(source_tokenizer, tokenizer_of(r["provider"], r["model"]), workload.task_category)
        or _UNCHANGED
        for r in rows
    ]
    writes = cache_write_ratio(engine, profile.start, profile.end)
    replays = list_replays(engine) if replays is None else replays
    measured = [_measured_output(replays, workload, profile.model, str(r["provider"]), str(r["model"])) for r in rows]
    costs = cost_candidates(
        profile,
        rows,
        ratios,
        book=book,
        today=today,
        verbosity=verbosity,
        writes=writes,
        batch_tolerant=workload.batch_tolerant,
        measured_output=measured,
    )
    incumbent = _incumbent(workload, profile, costs.today, costs.today_price_source, retirement, today, evaluations)
    horizon = today + timedelta(days=filters.horizon_days)
    estimate = _Estimator(
        workload, profile, incumbent, evaluations, latency_measurements, verbosity, writes, costs.wants_batch, replays
    )
    options = [
        estimate.candidate(row, ratio, priced, horizon)
        for row, ratio, priced in zip(rows, ratios, costs.candidates, strict=True)
    ]
    if workload.task_category != "embeddings":
        options += [estimate.self_hosted(option, source_tokenizer) for option in self_hosted]
    options.sort(key=lambda option: rank_key(option, costs.today))
    eligible = [o for o in options if o.eligible]
    return Alternatives(
        workload, profile, incumbent, eligible, excluded, retirement, today, [o for o in options if not o.eligible]
    )


def _measured_output(
    replays: pd.DataFrame, workload: Workload, today_model: str, host: str, model: str
) -> tuple[float, float, float] | None:
    """A candidate's answer length against today's as replaying the workload's prompts measured it, where
    it was measured against today's model."""
    found = replay_finding(replays, workload.name, host, model)
    if found is None or found.output_ratio is None:
        return None
    if found.incumbent_model is not None and family_of(found.incumbent_model) != family_of(today_model):
        return None
    return found.output_ratio


def _incumbent(
    workload: Workload,
    profile: WorkloadProfile,
    cost: float | None,
    price_source: str | None,
    retirement: Retirement,
    today: date,
    evaluations: pd.DataFrame | None,
) -> Option:
    """Today's model as an option: today's cost (no range), its measured latency, and whether it can stay."""
    assert profile.provider is not None and profile.model is not None
    model = (profile.provider, profile.model)
    problems = []
    if retirement.retires_within(today, RETIREMENT_HORIZON_DAYS):
        assert retirement.retires_on is not None
        verb = "retired" if retirement.retires_on <= today else "retires"
        problems.append(f"it {verb} on {retirement.retires_on:%Y-%m-%d} at {profile.provider}")
    reasons = [today_sentence(cost, profile)]
    if said := retirement.sentence(today):
        reasons.append(said)
    return Option(
        model=profile.model,
        host=profile.provider,
        family=identify(*model).family,
        monthly_cost_usd=CostRange.point(cost),
        latency=incumbent_latency(profile.latency_bins, workload.latency_slo_p95_s),
        quality=quality_estimate(
            model, model, workload.task_category, workload.quality_floor_pct, evaluations, workload.name
        ),
        fits=not problems,
        fit_problems=tuple(problems),
        reasons=tuple(reasons),
        price_source=price_source,
    )


@dataclass(frozen=True)
class _Estimator:
    """Latency, quality, fit and reasons of each candidate, against one workload and today's model."""

    workload: Workload
    profile: WorkloadProfile
    incumbent: Option
    evaluations: pd.DataFrame | None
    latency_measurements: pd.DataFrame | None
    verbosity: float
    writes: CacheWriteRatio
    wants_batch: bool
    replays: pd.DataFrame | None = None

    @cached_property
    def observed(self) -> tuple[float, float] | None:
        """Today's p50 and p95 on the workload's own requests: read once, not per candidate."""
        return observed_latency(self.profile.latency_bins)

    def _quality(self, host: str, model: str) -> QualityEstimate:
        w = self.workload
        return quality_estimate(
            (self.incumbent.host, self.incumbent.model),
            (host, model),
            w.task_category,
            w.quality_floor_pct,
            self.evaluations,
            w.name,
            self.replays,
        )

    def candidate(self, row: dict[str, Any], ratio: RatioRange, priced: CandidateCost, horizon: date) -> Option:
        provider, model = str(row["provider"]), str(row["model"])
        profile, cost = self.profile, priced.cost
        problems = _fit_problems(row, self.workload, profile, ratio.base, horizon)
        measured_output = priced.measured_output[1] if priced.measured_output is not None else None
        output = profile.output_per_request * ratio.base * (measured_output or self.verbosity)
        latency = candidate_latency(
            provider,
            model,
            output,
            incumbent=self.observed,
            slo_p95_s=self.workload.latency_slo_p95_s,
            measured=measured_latency(self.latency_measurements, provider, model),
        )
        quality = self._quality(provider, model)
        window = row.get("context_window")
        context = int(window) if isinstance(window, (int, float)) and not pd.isna(window) else None
        reasons = [
            cost_sentence(
                priced,
                self.incumbent.monthly_cost_usd.base,
                ratio,
                profile,
                self.verbosity,
                self.writes,
                self.wants_batch,
            ),
            f"Quality: {quality.explanation}",
            f"Latency: {latency.evidence}",
            fits_sentence(problems, context, profile.largest_prompt * ratio.base),
        ]
        if row.get("successor"):
            reasons[0] = f"{provider} names it the successor of {self.incumbent.model}. {reasons[0]}"
        delta, share = _delta(cost, self.incumbent.monthly_cost_usd.base)
        region = row.get("region")
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
            price_source=priced.price_source,
            region=region if isinstance(region, str) else None,
            open_weights=_flag(row, "open_weights") if row.get("open_weights") is not None else None,
            delta_usd=delta,
            delta_pct=share,
            context_window=context,
            eligible=bool(row.get("eligible", True)),
            excluded_reason=row.get("excluded_reason") if isinstance(row.get("excluded_reason"), str) else None,
            maturity=str(row.get("maturity") or "ga"),
            successor=bool(row.get("successor")),
            output_ratio=measured_output,
        )

    def self_hosted(self, option: SelfHostedOption, source_tokenizer: str | None) -> Option:
        profile, w = self.profile, self.workload
        ratio = token_ratio_range(source_tokenizer, tokenizer_of("self-hosted", option.model), w.task_category)
        ratio = ratio or _UNCHANGED
        # Replaying the workload's prompts on the server (`exitplan evaluate --candidate self-hosted/MODEL`)
        # measures its answers' length and its latency; they replace the assumptions as for any candidate.
        measured = (
            _measured_output(self.replays, w, self.incumbent.model, "self-hosted", option.model)
            if self.replays is not None
            else None
        )
        cost, tokens = self_hosted_cost(option, profile, ratio, self.verbosity, measured)
        problems = []
        if option.context_window is not None and profile.largest_prompt * ratio.base > option.context_window:
            problems.append(f"its {option.context_window:,}-token context window is smaller than your largest prompts")
        quality = self._quality("self-hosted", option.model)
        output = profile.output_per_request * ratio.base * (measured[1] if measured else self.verbosity)
        timed = measured_latency(self.latency_measurements, "self-hosted", option.model)
        if timed is not None:
            latency = candidate_latency(
                "self-hosted",
                option.model,
                output,
                incumbent=self.observed,
                slo_p95_s=w.latency_slo_p95_s,
                measured=timed,
            )
        else:
            decode = output / option.tokens_per_second
            latency = LatencyEstimate(
                decode,
                None,
                "your self-hosting figures",
                None,
                f"about {decode:.1f} s to generate {output:,.0f} tokens at "
                f"{option.tokens_per_second:,.0f} tokens/s; time to first token not known",
            )
        delta, share = _delta(cost, self.incumbent.monthly_cost_usd.base)
        return Option(
            model=option.model,
            host="self-hosted",
            family=option.model,
            monthly_cost_usd=cost,
            latency=latency,
            quality=quality,
            fits=not problems,
            fit_problems=tuple(problems),
            reasons=(
                self_hosted_sentence(option, cost, tokens),
                f"Quality: {quality.explanation}",
                f"Latency: {latency.evidence}",
            ),
            price_source="your self-hosting figures",
            open_weights=True,
            self_hosted=True,
            delta_usd=delta,
            delta_pct=share,
            context_window=option.context_window,
            output_ratio=measured[1] if measured else None,
        )
