"""A hand-built company for the reports: a router split with dual running, a workload whose name is a formula,
a retiring model whose successor the baseline pays, an embeddings move that embeds its corpus again, and an
unpriced workload — so every path of the cash flow shows in every format. Charts are drawn by a stand-in
(a PNG made here), so no test but the one that asks for it needs a browser."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from PIL import Image, ImageDraw

from analysis.report_facts import LedgerFacts, price_sources
from analysis.scenarios.engine import run
from analysis.scenarios.model import Assumptions, Move, Scenario, Split
from pricing.book import PriceBook
from reports.pack import ReportPack, report_pack
from tests.analysis.scenario_cases import case, option
from tests.analysis.scenario_cases import context as cases_context

GENERATED = datetime(2026, 12, 5, 12, 30, tzinfo=UTC)
EVIL = '=HYPERLINK("http://x","y")'

CONTEXT = cases_context(
    case(
        "Chat",
        "openai",
        "gpt-4o",
        1000.0,
        [option("deepinfra", "llama-70b", 600.0, low=480.0, high=780.0), option("groq", "llama-8b", 200.0)],
        growth=0.02,
    ),
    case(EVIL, "anthropic", "claude-haiku", 500.0, [option("deepinfra", "qwen", 100.0, low=90.0, high=140.0)]),
    case(
        "Summaries",
        "openai",
        "o3-mini",
        300.0,
        [option("openai", "gpt-5", 450.0, successor=True), option("deepinfra", "small", 50.0, grade="at risk")],
        retires_on=date(2027, 3, 15),
        growth=0.01,
    ),
    case(
        "Search index",
        "openai",
        "text-embedding-3-small",
        80.0,
        [option("fireworks", "nomic", 30.0)],
        task="embeddings",
        tokens=(1e9, 5e9),
    ),
    case("Mystery", "azure", "my-deployment", None, []),
    last_day=date(2026, 10, 31),
    today=date(2026, 11, 5),
)

SCENARIO = Scenario(
    "Plan A",
    (
        Move(
            "Chat",
            "deepinfra",
            "llama-70b",
            share=0.8,
            start_month=1,
            ramp_months=3,
            split=Split("groq", "llama-8b", 0.3),
            dual_running_months=1.5,
            engineering_days=12,
        ),
        Move(EVIL, "deepinfra", "qwen", start_month=2, reason="cheapest that meets the floor"),
        Move("Summaries", "deepinfra", "small", start_month=3, evaluation_usd=900.0),
        Move("Search index", "fireworks", "nomic", start_month=1),
    ),
    24,
    Assumptions(
        growth="forecast", price_change_per_year={"openai": -0.1, "*": 0.05}, discount_rate=0.08, day_rate_usd=200
    ),
)
OTHER = Scenario("Plan B", (Move("Chat", "groq", "llama-8b", start_month=2),), 24, Assumptions(growth=0.01))
FACTS = LedgerFacts((date(2026, 6, 1), date(2026, 10, 31)), date(2026, 11, 5), price_sources(PriceBook.offline()))


def pack_of(scenario: Scenario) -> ReportPack:
    return report_pack(scenario, run(scenario, CONTEXT), CONTEXT, FACTS)


@pytest.fixture(scope="session")
def pack() -> ReportPack:
    return pack_of(SCENARIO)


@pytest.fixture(scope="session")
def other() -> ReportPack:
    return pack_of(OTHER)


@pytest.fixture(scope="session")
def staying() -> ReportPack:
    return pack_of(replace(SCENARIO, name="Stay", moves=()))


def png(figure: Any, *, width: int, height: int) -> bytes:
    """A stand-in for the browser: a deterministic PNG of the asked size with a line on it."""
    image = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(image).line([(20, height - 20), (width - 20, 20)], fill=(31, 119, 180), width=6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def no_browser(figure: Any, *, width: int, height: int) -> bytes:
    raise RuntimeError("Chrome not found: no browser on this machine")
