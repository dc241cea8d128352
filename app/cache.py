"""The dashboard's one engine and its cached reads. Every write through the UI clears the reads: an
import changes usage, and a model mapping or a price override changes what usage costs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from analysis import workloads as workload_store
from analysis.alternatives import Alternatives, CandidateFilter
from analysis.alternatives import alternatives as find_alternatives
from analysis.evaluations import list_evaluations
from analysis.latency_measurements import list_measurements
from analysis.models import (
    Mix,
    deprecation_calendar,
    flag_retiring,
    ledger_models,
    model_catalog,
    unresolved_models,
    usage_mix,
)
from analysis.reconcile import reconcile
from analysis.report_facts import ledger_facts
from analysis.risk.report import CompanyRisk, company_risk, concentration_over_time
from analysis.risk.score import weights_of
from analysis.scenarios.context import ScenarioContext
from analysis.scenarios.context import scenario_context as find_scenario_context
from analysis.scenarios.engine import ScenarioResult, run
from analysis.scenarios.model import scenario_from_json
from analysis.selfhost import SelfHostedOption, list_options
from analysis.spend import priced_usage
from analysis.workloads import Workload
from collectors.demo import demo_in_ledger
from db import default_url, list_imports, open_ledger, usage_span
from db.errors import NotFound, UserError
from db.incidents import list_incidents
from db.price_overrides import PriceOverride, list_overrides
from db.risk_weights import load_risk_weights
from db.scenarios import list_scenarios
from pricing.book import PriceBook
from pricing.comparison import disagreements, price_history, registry_prices
from pricing.sources import load_book
from reports.focus import focus_csv
from reports.pack import ReportPack, report_pack
from reports.render import render_report

if TYPE_CHECKING:
    from streamlit.runtime.caching.cache_utils import CachedFunc

__all__ = [
    "alternatives",
    "book",
    "calendar",
    "catalog",
    "clear",
    "concentration",
    "demo",
    "disagreeing",
    "engine",
    "evaluations",
    "focus_file",
    "history",
    "imports",
    "incidents",
    "latency_measurements",
    "mix",
    "models",
    "overrides",
    "priced",
    "reconciliation",
    "report_file",
    "report_packs",
    "risk",
    "risk_weights",
    "rule_values",
    "scenario_context",
    "scenario_result",
    "scenarios",
    "self_hosted",
    "span",
    "unresolved",
    "workload_costs",
    "workload_history",
    "workloads",
]

TTL_SECONDS = 600

_P = ParamSpec("_P")
_R = TypeVar("_R")

# Every cached read of the ledger, registered by @_read as it is defined: clear() forgets them all, so a
# new reader cannot be left out of it (and show stale data after a write).
_READERS: list[CachedFunc[..., Any]] = []


def _read(*, show_spinner: bool | str = False) -> Callable[[Callable[_P, _R]], CachedFunc[_P, _R]]:
    """``st.cache_data`` for :data:`TTL_SECONDS`, with the reader registered for :func:`clear`."""

    def register(reader: Callable[_P, _R]) -> CachedFunc[_P, _R]:
        cached = st.cache_data(ttl=TTL_SECONDS, show_spinner=show_spinner)(reader)
        _READERS.append(cached)
        return cached

    return register


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    try:
        return open_ledger(url)
    except UserError as exc:
        # A ledger that cannot be opened (a server down, a file that is not a database) stops every page
        # with its one line; nothing is cached, so the next run tries again once it is fixed.
        st.error(str(exc))
        st.stop()


def engine() -> Engine:
    """The ledger named by ``EXITPLAN_DB_URL`` (or the default SQLite file), migrated once per process."""
    return _engine(default_url())


@_read()
def priced(url: str, by: tuple[str, ...], since: date | None, until: date | None) -> pd.DataFrame:
    # What the Overview draws: a count no source reports stays unknown there, never 0.
    return priced_usage(_engine(url), by, since=since, until=until, keep_unknown=True)


@_read()
def span(url: str) -> tuple[date, date] | None:
    return usage_span(_engine(url))


@_read()
def imports(url: str) -> pd.DataFrame:
    return list_imports(_engine(url))


# A resource, not data: the book is shared, never copied, and memoises its own lookups.
@_read()
def reconciliation(url: str, import_id: int) -> pd.DataFrame:
    """An import's computed against reported cost: priced anew at every rerun of the Data page otherwise."""
    return reconcile(_engine(url), import_id)


@st.cache_resource(ttl=TTL_SECONDS, show_spinner=False)
def book(url: str) -> PriceBook:
    """The ledger's price book (its overrides, aliases and registry snapshots), parsed once per TTL."""
    return load_book(_engine(url))


@_read()
def catalog(url: str) -> pd.DataFrame:
    return model_catalog(book(url))


@_read()
def models(url: str) -> pd.DataFrame:
    # Drawn as it is: a count no source reports stays unknown (shown as —), never 0.
    return ledger_models(_engine(url), keep_unknown=True)


@_read()
def calendar(url: str) -> pd.DataFrame:
    return flag_retiring(deprecation_calendar(_engine(url), book(url)))


@_read()
def unresolved(url: str) -> pd.DataFrame:
    return unresolved_models(_engine(url))


@_read()
def mix(url: str) -> Mix:
    return usage_mix(_engine(url))


@_read()
def disagreeing(url: str) -> pd.DataFrame:
    return disagreements(registry_prices(book(url)))


@_read()
def history(url: str, provider: str, model: str) -> pd.DataFrame:
    return price_history(book(url), provider, model)


@_read()
def overrides(url: str) -> list[PriceOverride]:
    return list_overrides(_engine(url))


@_read()
def workloads(url: str) -> list[Workload]:
    return workload_store.list_workloads(_engine(url))


@_read()
def workload_costs(url: str) -> pd.DataFrame:
    """Each workload's cost over the last 30 days, and the usage none claims."""
    return workload_store.workload_costs(_engine(url), workload_store.list_workloads(_engine(url)))


@_read()
def workload_history(url: str, workload_id: int) -> pd.DataFrame:
    return workload_store.workload_history(_engine(url), workload_id)


@_read()
def rule_values(url: str) -> dict[str, list[str]]:
    """The projects, feature tags, API keys and models in the ledger, for workload rules."""
    return workload_store.rule_values(_engine(url))


@_read()
def evaluations(url: str) -> pd.DataFrame:
    return list_evaluations(_engine(url))


@_read()
def latency_measurements(url: str) -> pd.DataFrame:
    return list_measurements(_engine(url))


@_read()
def incidents(url: str) -> pd.DataFrame:
    """Every stored incident of the vendors' status pages."""
    return list_incidents(_engine(url))


@_read()
def self_hosted(url: str) -> list[SelfHostedOption]:
    return list_options(_engine(url))


@_read(show_spinner="Estimating every candidate…")
def alternatives(
    url: str,
    workload_id: int,
    hosts: tuple[str, ...],
    open_weights: bool,
    region: str | None,
    verbosity: float = 1.0,
    previews: bool = False,
) -> Alternatives:
    """Every candidate for one workload, ranked (the heaviest read of the dashboard, so cached)."""
    engine = _engine(url)
    current = workload_store.list_workloads(engine)
    workload = next(w for w in current if w.id == workload_id)
    filters = CandidateFilter(
        hosts=frozenset(hosts) or None, open_weights_only=open_weights, region=region, previews=previews
    )
    return find_alternatives(
        engine,
        workload,
        current,
        book=book(url),
        filters=filters,
        evaluations=list_evaluations(engine),
        latency_measurements=list_measurements(engine),
        self_hosted=list_options(engine),
        verbosity=verbosity,
    )


@_read(show_spinner="Scoring the dependency risk of every workload…")
def risk(url: str) -> CompanyRisk | None:
    """The company's dependency risk under the stored weights (it estimates every workload's alternatives)."""
    return company_risk(_engine(url), book=book(url), today=datetime.now(UTC).date())


@_read()
def concentration(url: str) -> pd.DataFrame:
    """Each month's share of spend per provider, and its HHI."""
    return concentration_over_time(_engine(url))


@_read()
def risk_weights(url: str) -> dict[str, float]:
    """The weights the risk score uses: the defaults, with the stored ones in their place."""
    return weights_of(load_risk_weights(_engine(url)))


@_read(show_spinner="Estimating every workload's alternatives and forecast…")
def scenario_context(url: str) -> ScenarioContext | None:
    """What scenarios run against: every workload's cost today, candidates, forecast and risk exposure (the
    heaviest read of the Scenarios page, so cached; None without usage or workloads)."""
    return find_scenario_context(_engine(url), book=book(url), today=datetime.now(UTC).date())


@_read()
def scenarios(url: str) -> pd.DataFrame:
    """The kept scenarios: name, body (JSON), created_at, updated_at — the most recently saved first."""
    return list_scenarios(_engine(url))


@_read(show_spinner="Running the scenario and its P10–P90 range…")
def scenario_result(url: str, body: str) -> ScenarioResult:
    """The business case of the scenario written as ``body`` (its JSON), against the cached context: keyed by
    the JSON, so an edit runs again and a scenario shown twice runs once."""
    context = scenario_context(url)
    if context is None:
        raise NotFound("no workloads with usage: propose them on the Workloads page")
    return run(scenario_from_json(body), context)


@_read()
def demo(url: str) -> bool:
    """Whether the demo company's data is in the ledger (every page says so while it is)."""
    return demo_in_ledger(_engine(url))


@_read(show_spinner="Gathering the report…")
def report_packs(url: str, bodies: tuple[str, ...]) -> tuple[ReportPack, ...]:
    """What the report of the scenarios written as ``bodies`` (their JSON) shows, each run against the cached
    context; :class:`NotFound` without usage or workloads."""
    context = scenario_context(url)
    if context is None:
        raise NotFound("no workloads with usage: propose them on the Workloads page")
    facts = ledger_facts(_engine(url), book=book(url), today=datetime.now(UTC).date())
    return tuple(report_pack(scenario_from_json(body), scenario_result(url, body), context, facts) for body in bodies)


@_read()
def report_file(url: str, format_name: str, bodies: tuple[str, ...], day: date) -> bytes:
    """The report of ``bodies`` in ``format_name``, generated once a ``day`` (a PDF's chart starts a browser,
    so a file is built when first asked for and then kept)."""
    return render_report(format_name, report_packs(url, bodies), generated_at=datetime.now(UTC))


@_read()
def focus_file(url: str) -> bytes:
    """The priced ledger as FinOps FOCUS 1.2 CSV."""
    return focus_csv(priced_usage(_engine(url), ("host", "project", "feature")))


def clear() -> None:
    """Forget cached reads after the ledger changed: every registered reader, and the price book (a write
    may change an override, an alias or a snapshot). The engine stays: the ledger is the same database."""
    for reader in _READERS:
        reader.clear()
    book.clear()
