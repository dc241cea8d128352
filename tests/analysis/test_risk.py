"""Dependency risk on a hand-made exposure: each factor computed by hand, the weights' effect, and every
action's claimed score checked by scoring the moved exposure again."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.alternatives import Option
from analysis.costing import CostRange
from analysis.latency import LatencyEstimate
from analysis.quality import QualityEstimate, QualityEvidence
from analysis.retirement import Retirement
from analysis.risk import exposure as exposures
from analysis.risk.exposure import ExitOptions, Exposure, PriceChanges
from analysis.risk.factors import factors, hhi
from analysis.risk.score import DEFAULT_WEIGHTS, actions, risk_report, score
from analysis.workload_rules import Rule, Workload
from analysis.workloads import save_workload
from collectors import ingest, source_from_bytes
from pricing.cost import offline_book

TODAY = date(2026, 12, 5)


def _row(workload: str, provider: str, model: str, monthly: float, **flags: object) -> dict[str, object]:
    row = {
        "workload": workload,
        "criticality": "medium",
        "provider": provider,
        "model": model,
        "family": model,
        "monthly_usd": monthly,
        "embedding": False,
        "fine_tuned": False,
        "cache_share": 0.0,
        "batch_share": 0.0,
    }
    return {**row, **flags}


def _option(host: str, model: str, monthly: float) -> Option:
    evidence = QualityEvidence("LMArena overall board (style-controlled)", "2025-12-17", "rating", 1350.0, 1336.0)
    return Option(
        model=model,
        host=host,
        family=model,
        monthly_cost_usd=CostRange.point(monthly),
        latency=LatencyEstimate(None, None, "no reference", None, "unmeasured"),
        quality=QualityEstimate("ok", evidence, "LMArena", "rated"),
        fits=True,
        fit_problems=(),
        reasons=(),
    )


REVIEW_EXIT = _option("google", "gemini-2.5-pro", 150.0)
SEARCH_EXITS = (_option("deepinfra", "nomic-ai/nomic-embed-text-v1.5", 20.0), _option("voyageai", "voyage-3", 60.0))


@pytest.fixture
def exposure() -> Exposure:
    spend = pd.DataFrame(
        [
            # 70% of spend: a high-criticality chat on OpenAI, 40% of its input read from cache.
            _row("Support", "openai", "gpt-4o", 700.0, criticality="high", cache_share=0.4),
            # 20%: code review on Anthropic, all of it in batch.
            _row("Review", "anthropic", "claude-sonnet-4-5", 200.0, batch_share=1.0),
            # 10%: embeddings on OpenAI.
            _row("Search", "openai", "text-embedding-3-small", 100.0, embedding=True),
        ]
    )
    return Exposure(
        today=TODAY,
        window=(TODAY - timedelta(days=29), TODAY),
        spend=spend,
        previous_shares=pd.Series({"openai": 0.7, "anthropic": 0.3}),
        retirements={
            ("openai", "gpt-4o"): Retirement("openai", "gpt-4o", TODAY + timedelta(days=40), "gpt-6-luna", None),
            ("anthropic", "claude-sonnet-4-5"): Retirement(
                "anthropic", "claude-sonnet-4-5", TODAY + timedelta(days=200), None, None
            ),
            ("openai", "text-embedding-3-small"): Retirement("openai", "text-embedding-3-small", None, None, None),
            ("deepinfra", "openai/gpt-oss-120b"): Retirement("deepinfra", "openai/gpt-oss-120b", None, None, None),
        },
        exit_options={
            "Support": ExitOptions("Support", 0, None, "openai"),
            "Review": ExitOptions("Review", 1, REVIEW_EXIT, "anthropic", (REVIEW_EXIT,)),
            "Search": ExitOptions("Search", 3, SEARCH_EXITS[0], "openai", SEARCH_EXITS),
        },
        price_changes={("openai", "gpt-4o"): PriceChanges(((TODAY - timedelta(days=100), -0.5),))},
        successor_price_changes={("openai", "gpt-4o"): -0.96},
        incidents=pd.DataFrame(
            {
                "provider": ["openai", "anthropic"],
                "incidents": [3, 1],
                "major_incidents": [1, 0],
                "impact_minutes": [129.6, 0.0],
            }
        ),
        embedded_tokens=2e9,
        reembedding_usd=40.0,
    )


def test_hhi_is_the_sum_of_squared_percentage_shares() -> None:
    # 80/20: 6,400 + 400 = 6,800; a monopoly is 10,000; ten equal providers 1,000.
    assert hhi(pd.Series([0.8, 0.2])) == pytest.approx(6800)
    assert hhi(pd.Series([1.0])) == 10_000
    assert hhi(pd.Series([0.1] * 10)) == pytest.approx(1000)


def test_each_factor_by_hand(exposure: Exposure) -> None:
    by_name = {f.name: f for f in factors(exposure)}
    assert set(by_name) == set(DEFAULT_WEIGHTS)
    # OpenAI 80% (700 + 100 of 1,000), Anthropic 20%.
    assert (by_name["top_vendor_share"].value, by_name["top_vendor_share"].risk) == (0.8, 0.8)
    assert by_name["hhi_vendors"].value == pytest.approx(6800) and by_name["hhi_vendors"].risk == pytest.approx(0.68)
    assert "highly concentrated" in by_name["hhi_vendors"].explanation
    # Families 70/20/10: 4,900 + 400 + 100.
    assert by_name["hhi_families"].value == pytest.approx(5400)
    # The only high-criticality workload is all on OpenAI.
    assert by_name["critical_concentration"].risk == 1.0 and "Support" in by_name["critical_concentration"].explanation
    assert "HHI 10,000 over providers and 10,000 over model families" in by_name["critical_concentration"].explanation
    # OpenAI went from 70% to 80%: +10 points, the full risk.
    assert by_name["concentration_trend"].value == pytest.approx(10.0) and by_name["concentration_trend"].risk == 1.0
    # gpt-4o retires in 40 days (urgency 1) on 70% of spend; claude-sonnet-4-5 in 200 days (0.5) on 20%.
    assert by_name["retirement"].value == pytest.approx(0.9)
    assert by_name["retirement"].risk == pytest.approx(0.7 * 1.0 + 0.2 * 0.5)
    assert "(70% within 90 days, 20% within 12 months)" in by_name["retirement"].explanation
    assert "(successor gpt-6-luna, -96% on price)" in by_name["retirement"].explanation
    # Embeddings 10% × 1; caching 40% of 70% × 0.5; batch 100% of 20% × 0.25.
    assert by_name["lock_in"].risk == pytest.approx(0.1 + 0.7 * 0.4 * 0.5 + 0.2 * 0.25)
    assert "$40.00 once" in by_name["lock_in"].explanation
    # Support has no exit option (1), Review one (0.5), Search three (0).
    assert by_name["exit_options"].value == 1 and by_name["exit_options"].risk == pytest.approx(0.7 + 0.2 * 0.5)
    assert "Support has no candidate on another host" in by_name["exit_options"].explanation
    assert "not easily substitutable" in by_name["exit_options"].explanation
    # gpt-4o's price halved within two years: 70% of spend × 0.5.
    assert by_name["price_volatility"].risk == pytest.approx(0.35)
    # OpenAI: 129.6 minutes, half of 259.2 → 0.5 on its 80%; Anthropic none.
    assert by_name["incidents"].risk == pytest.approx(0.8 * 0.5) and by_name["incidents"].value == 4


def test_points_add_up_to_the_score_and_follow_the_weights(exposure: Exposure) -> None:
    risks = {f.name: f.risk for f in factors(exposure)}
    expected = sum(DEFAULT_WEIGHTS[name] * risk for name, risk in risks.items())  # the weights sum to 100
    result = score(exposure)
    assert sum(DEFAULT_WEIGHTS.values()) == 100
    assert result.score == pytest.approx(expected)
    assert sum(s.points for s in result.factors) == pytest.approx(result.score)
    # Incidents left out and retirement doubled: the same risks over weights that sum to 115.
    weights = {"incidents": 0.0, "retirement": 40.0}
    changed = score(exposure, weights)
    again = sum({**DEFAULT_WEIGHTS, **weights}[name] * risk for name, risk in risks.items()) / 115 * 100
    assert changed.score == pytest.approx(again)
    assert next(s for s in changed.factors if s.factor.name == "incidents").points == 0.0


def test_every_action_is_scored_again(exposure: Exposure) -> None:
    before = score(exposure).score
    found = actions(exposure)
    assert found, "moving Review off its retiring model lowers the score"
    for action in found:
        options = exposure.exit_options[action.workload]
        moves = {
            f"to {o.model} on {o.host}:": score(exposure.moved(action.workload, o)).score for o in options.per_host
        }
        [claimed] = [after for target, after in moves.items() if target in action.description]
        assert action.score_after == pytest.approx(claimed) == pytest.approx(min(moves.values()))
        assert action.points == pytest.approx(action.score_after - before) and action.points < 0
    # Support has no exit option, so no action moves it.
    assert all(a.workload != "Support" for a in found)


def test_the_report_and_its_json(exposure: Exposure) -> None:
    report = risk_report(exposure)
    as_json = report.as_dict()
    assert set(as_json) == {"score", "factors", "actions", "workloads"}
    hhi_row = next(f for f in as_json["factors"] if f["name"] == "hhi_vendors")  # type: ignore[union-attr]
    assert hhi_row["value"] == pytest.approx(6800)
    assert sum(f["points"] for f in as_json["factors"]) == pytest.approx(as_json["score"], abs=0.1)  # type: ignore[union-attr]
    assert [w["name"] for w in as_json["workloads"]] == ["Support", "Review", "Search"]  # type: ignore[union-attr]
    # A workload on one provider is fully concentrated: its top-share and HHI factors score in full.
    support = dict(report.workloads)["Support"]
    assert {s.factor.name: s.factor.risk for s in support.factors}["hhi_vendors"] == 1.0


def test_a_moved_workload_keeps_its_weight(exposure: Exposure) -> None:
    # Search (10% of spend) moved to a host that would charge a hundredth, or a hundred times, as much:
    # the business runs as much on it either way, so the shares and the score are the same.
    cheap, dear = _option("voyageai", "voyage-3", 1.0), _option("voyageai", "voyage-3", 10_000.0)
    assert score(exposure.moved("Search", cheap)).score == pytest.approx(score(exposure.moved("Search", dear)).score)
    moved = exposure.moved("Search", dear).spend.set_index("workload")
    assert (moved.loc["Search", "provider"], moved.loc["Search", "monthly_usd"]) == ("voyageai", 100.0)
    assert not moved.loc["Search", "fine_tuned"] and moved.loc["Search", "embedding"]


def test_the_reembedding_estimate_from_the_ledger(ledger: Engine) -> None:
    # Two days of embeddings (3M and 1M tokens) and one of chat; the embeddings workload's best exit prices
    # the 4M tokens embedded so far, once.
    header = "timestamp,provider,model,project,requests,input_tokens,output_tokens\n"
    rows = (
        "2026-11-30T10:00:00Z,openai,text-embedding-3-small,search,6000,3000000,0\n"
        "2026-12-01T10:00:00Z,openai,text-embedding-3-small,search,2000,1000000,0\n"
        "2026-12-01T10:00:00Z,openai,gpt-4o,chat,1000,1000000,100000\n"
    )
    ingest(ledger, source_from_bytes("usage.csv", (header + rows).encode()))
    search = save_workload(ledger, Workload(None, "Search", (Rule(project="search"),), task_category="embeddings"))
    chat = save_workload(ledger, Workload(None, "Chat", (Rule(project="chat"),), position=1))
    book = offline_book()
    found = exposures.exposure(ledger, [search, chat], book=book, today=date(2026, 12, 5))
    assert found is not None and found.embedded_tokens == 4_000_000
    best = found.exit_options["Search"].best
    assert best is not None
    price = book.price(best.host, best.model, date(2026, 12, 5))
    assert price is not None and found.reembedding_usd == pytest.approx(4.0 * price.input_mtok)
