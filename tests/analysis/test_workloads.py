"""Workloads: first-match assignment, versions, merge and split, proposals, and what each one costs — on
hand-made ledgers (canonical CSV imports) and on the demo company's."""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.spend import priced_usage
from analysis.workload_proposals import order_by_precedence
from analysis.workloads import (
    USAGE_KEYS,
    Rule,
    Workload,
    assign_workloads,
    delete_workload,
    ensure_workloads,
    list_workloads,
    merge_workloads,
    propose_workloads,
    replace_with_proposals,
    save_workload,
    split_workload,
    workload_costs,
    workload_history,
    workload_usage,
)
from collectors import ingest, source_from_bytes, source_from_path
from collectors.demo import load_demo
from db import open_ledger
from db.errors import InvalidInput, NotFound
from tests.conftest import FIXTURES

HEADER = "date,provider,model,project,feature,api_key,requests,input_tokens,output_tokens,batch\n"
# Three projects; "support" runs two models, and its triage feature half on the batch API.
LEDGER = HEADER + (
    "2026-10-30,openai,gpt-4o-2024-08-06,support,chat,key_a,100,4000000,400000,false\n"
    "2026-10-31,openai,gpt-4o-2024-08-06,support,chat,key_b,100,4000000,400000,false\n"
    "2026-10-31,openai,gpt-4o-mini-2024-07-18,support,triage,key_a,100,40000000,1000000,true\n"
    "2026-10-31,openai,gpt-4o-mini-2024-07-18,support,,key_a,10,10000,1000,false\n"
    "2026-10-31,anthropic,claude-sonnet-4-5-20250929,code-review,review,key_c,50,3000000,200000,false\n"
    "2026-10-31,openai,text-embedding-3-small,search,,key_d,1000,9000000,0,false\n"
    "2026-08-01,openai,gpt-4o-2024-08-06,support,chat,key_a,100,4000000,400000,false\n"  # before the window
)


def _import(ledger: Engine, text: str = LEDGER) -> None:
    ingest(ledger, source_from_bytes("usage.csv", text.encode()))


def _save(ledger: Engine, *workloads: Workload) -> list[Workload]:
    return [save_workload(ledger, w) for w in workloads]


def _frame(rows: list[tuple[str | None, str | None, str | None, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["project", "feature", "api_key", "model", "canonical_model"])


# --- assignment ---------------------------------------------------------------------------------------------


def test_first_match_by_position_wins_and_the_rest_is_unassigned() -> None:
    frame = _frame(
        [
            ("support", "chat", "key_a", "gpt-4o-2024-08-06", "gpt-4o"),
            ("support", "triage", "key_a", "gpt-4o-mini-2024-07-18", "gpt-4o-mini"),
            ("search", None, "key_d", "text-embedding-3-small", "text-embedding-3-small"),
            (None, None, None, "chat-prod", None),
        ]
    )
    broad = Workload(1, "All support", (Rule(project="support"),), position=1)
    narrow = Workload(2, "Triage", (Rule(feature="triage"),), position=0)
    # Listed broad first, but position decides: the narrow one claims triage before the broad one.
    assert assign_workloads(frame, [broad, narrow]).tolist() == [1, 2, None, None]
    # Swapping positions lets the broad one take everything of its project.
    swapped = [replace(broad, position=0), replace(narrow, position=1)]
    assert assign_workloads(frame, swapped).tolist() == [1, 1, None, None]


def test_a_rule_needs_every_field_it_names_and_model_matches_id_or_family() -> None:
    frame = _frame(
        [
            ("support", "chat", "key_a", "gpt-4o-2024-08-06", "gpt-4o"),
            ("support", "chat", "key_b", "gpt-4o-2024-08-06", "gpt-4o"),
            ("other", "chat", "key_a", "gpt-4o-2024-08-06", "gpt-4o"),
            ("support", "chat", "key_a", "chat-prod", "gpt-4o"),  # an Azure deployment the user mapped to gpt-4o
        ]
    )
    by_key = Workload(1, "Key a", (Rule(project="support", api_key="key_a"),))
    assert assign_workloads(frame, [by_key]).tolist() == [1, None, None, 1]
    family = Workload(1, "gpt-4o", (Rule(model="gpt-4o"),))
    assert assign_workloads(frame, [family]).tolist() == [1, 1, 1, 1]
    raw = Workload(1, "Deployment", (Rule(model="chat-prod"),))
    assert assign_workloads(frame, [raw]).tolist() == [None, None, None, 1]
    either = Workload(1, "Two rules", (Rule(api_key="key_b"), Rule(project="other")))
    assert assign_workloads(frame, [either]).tolist() == [None, 1, 1, None]


def test_assignment_needs_saved_workloads_and_the_columns_rules_name() -> None:
    frame = _frame([("support", "chat", "key_a", "gpt-4o", "gpt-4o")])
    with pytest.raises(ValueError, match="saved"):
        assign_workloads(frame, [Workload(None, "New", (Rule(project="support"),))])
    with pytest.raises(ValueError, match="api_key"):
        assign_workloads(frame.drop(columns=["api_key"]), [Workload(1, "K", (Rule(api_key="key_a"),))])


def test_narrow_workloads_are_placed_before_the_broad_ones_that_cover_them() -> None:
    broad = Workload(None, "Support · other", (Rule(project="support"),))
    narrow = Workload(None, "Support chat", (Rule(project="support", feature="chat", model="gpt-4o"),))
    other = Workload(None, "Search", (Rule(project="search"),))
    ordered = order_by_precedence([broad, narrow, other], [100.0, 10.0, 50.0])
    assert [w.name for w in ordered] == ["Support chat", "Support · other", "Search"]
    assert [w.position for w in ordered] == [0, 1, 2]


# --- versions, merge, split ---------------------------------------------------------------------------------


def test_every_edit_is_a_version_and_the_newest_is_current(ledger: Engine) -> None:
    (first,) = _save(ledger, Workload(None, "Support", (Rule(project="support"),)))
    assert first.id is not None and first.saved_at is not None
    edited = save_workload(ledger, replace(first, criticality="high", latency_slo_p95_s=3.0))
    assert edited.id == first.id
    assert save_workload(ledger, edited) == edited, "saving an unchanged workload adds no version"
    (current,) = list_workloads(ledger)
    assert (current.criticality, current.latency_slo_p95_s) == ("high", 3.0)
    history = workload_history(ledger, first.id)
    assert history["version"].tolist() == [2, 1]
    assert history["criticality"].tolist() == ["high", "medium"]
    assert history["rules"].tolist() == ["project support"] * 2


def test_a_bad_workload_is_refused_in_words(ledger: Engine) -> None:
    with pytest.raises(InvalidInput, match="name") as caught:
        save_workload(ledger, Workload(None, "  ", (Rule(project="x"),), criticality="urgent"))
    assert "criticality" in str(caught.value)
    with pytest.raises(NotFound, match="no workload 99"):
        save_workload(ledger, Workload(99, "Ghost", (Rule(project="x"),)))
    assert list_workloads(ledger) == []


def test_delete_keeps_the_history_and_is_not_undone_by_ensure(ledger: Engine) -> None:
    _import(ledger)
    saved = ensure_workloads(ledger)
    assert saved and all(w.id is not None for w in saved)
    for w in saved:
        assert delete_workload(ledger, int(w.id or 0))
    assert not delete_workload(ledger, int(saved[0].id or 0))
    assert list_workloads(ledger) == []
    assert ensure_workloads(ledger) == [], "the user deleted them all: nothing is proposed unasked"
    assert workload_history(ledger, int(saved[0].id or 0))["deleted"].tolist() == [True, False]


def test_merge_takes_all_rules_and_the_strictest_needs(ledger: Engine) -> None:
    a, b, c = _save(
        ledger,
        Workload(
            None,
            "Chat",
            (Rule(feature="chat"),),
            criticality="low",
            quality_floor_pct=10,
            position=0,
            latency_slo_p95_s=5.0,
            batch_tolerant=True,
        ),
        Workload(
            None,
            "Triage",
            (Rule(feature="triage"),),
            criticality="high",
            quality_floor_pct=3,
            position=1,
            needs_json_schema=True,
            batch_tolerant=True,
        ),
        Workload(None, "Review", (Rule(feature="review"),), position=2, latency_slo_p95_s=2.0),
    )
    merged = merge_workloads(ledger, [int(b.id or 0), int(a.id or 0)], "Support")
    assert merged.rules == (Rule(feature="chat"), Rule(feature="triage"))
    assert (merged.criticality, merged.quality_floor_pct, merged.latency_slo_p95_s) == ("high", 3, 5.0)
    assert merged.needs_json_schema and merged.batch_tolerant and merged.position == 0
    assert [w.name for w in list_workloads(ledger)] == ["Support", "Review"]
    with pytest.raises(InvalidInput, match="at least two"):
        merge_workloads(ledger, [int(c.id or 0)], "Alone")


def test_split_by_feature_keeps_untagged_usage_in_an_other_part(ledger: Engine) -> None:
    _import(ledger)
    (support,) = _save(ledger, Workload(None, "Support", (Rule(project="support"),), criticality="high"))
    parts = split_workload(ledger, int(support.id or 0), "feature")
    # Chat spends most, then triage; the untagged gpt-4o-mini row stays with the project's rule.
    assert [p.name for p in parts] == ["Support · chat", "Support · triage", "Support · other"]
    assert [p.rules for p in parts] == [
        (Rule(project="support", feature="chat"),),
        (Rule(project="support", feature="triage"),),
        (Rule(project="support"),),
    ]
    assert all(p.criticality == "high" for p in parts)
    assert [w.name for w in list_workloads(ledger)] == [p.name for p in parts]
    untagged = workload_usage(ledger, parts[2], parts)
    assert untagged["feature"].isna().all() and untagged["requests"].sum() == 10
    with pytest.raises(InvalidInput, match="one model"):
        split_workload(ledger, int(parts[0].id or 0), "model")
    # Splitting a part again keeps its pieces before the broad "other" part, which would take their usage.
    by_key = split_workload(ledger, int(parts[0].id or 0), "api_key")
    current = list_workloads(ledger)
    assert [(w.name, w.position) for w in current] == [
        ("Support · chat · key_a", 0),
        ("Support · chat · key_b", 1),
        ("Support · triage", 2),
        ("Support · other", 3),
    ]
    costs = workload_costs(ledger, current).set_index("name")
    assert costs.loc["Support · chat · key_b", "requests"] == 100
    assert costs.loc["Support · other", "requests"] == 10
    assert [w.rules for w in by_key][1] == (Rule(project="support", feature="chat", api_key="key_b"),)


def test_split_by_model_marks_the_embedding_part(ledger: Engine) -> None:
    _import(ledger)
    (both,) = _save(ledger, Workload(None, "Mixed", (Rule(project="search"), Rule(project="code-review"))))
    parts = split_workload(ledger, int(both.id or 0), "model")
    assert [(p.name, p.task_category) for p in parts] == [
        ("Mixed · claude-sonnet-4-5", "chat"),
        ("Mixed · text-embedding-3-small", "embeddings"),
    ]
    assert parts[0].rules == (Rule(project="code-review", model="claude-sonnet-4-5"),)


# --- proposals ----------------------------------------------------------------------------------------------


def test_proposals_fold_a_projects_small_slices(ledger: Engine) -> None:
    _import(ledger)
    # Spend: chat ≈ $28, review ≈ $12, triage ≈ $3.3 (batch), embeddings ≈ $0.18, untagged mini ≈ $0.002.
    by_name = {w.name: w for w in propose_workloads(ledger, min_share=0.05)}
    # A small slice alone in its project keeps its own name and rule.
    assert set(by_name) == {
        "Chat · gpt-4o",
        "Review · claude-sonnet-4-5",
        "Triage · gpt-4o-mini",
        "Support · gpt-4o-mini",
        "Search · text-embedding-3-small",
    }
    assert by_name["Chat · gpt-4o"].rules == (Rule(project="support", feature="chat", model="gpt-4o"),)
    assert by_name["Triage · gpt-4o-mini"].task_category == "classification"
    assert by_name["Triage · gpt-4o-mini"].batch_tolerant
    assert not by_name["Chat · gpt-4o"].batch_tolerant
    assert by_name["Review · claude-sonnet-4-5"].task_category == "code"
    assert by_name["Search · text-embedding-3-small"].task_category == "embeddings"
    # The untagged slice's rule (project and model, any feature) covers triage's: it must come after it.
    assert by_name["Support · gpt-4o-mini"].rules == (Rule(project="support", model="gpt-4o-mini"),)
    assert by_name["Triage · gpt-4o-mini"].position < by_name["Support · gpt-4o-mini"].position
    # With a high threshold the project's two small slices fold into one workload for the rest of it.
    folded = {w.name: w for w in propose_workloads(ledger, min_share=0.30)}
    assert set(folded) == {
        "Chat · gpt-4o",
        "Support · other",
        "Review · claude-sonnet-4-5",
        "Search · text-embedding-3-small",
    }
    assert folded["Support · other"].rules == (Rule(project="support"),)
    assert [w.name for w in sorted(folded.values(), key=lambda w: w.position)] == [
        "Chat · gpt-4o",
        "Review · claude-sonnet-4-5",
        "Support · other",
        "Search · text-embedding-3-small",
    ]


def test_proposals_leave_nothing_unassigned(ledger: Engine) -> None:
    _import(ledger)
    for share in (0.0, 0.05, 0.3, 0.9):
        saved = replace_with_proposals(ledger, min_share=share)
        costs = workload_costs(ledger, saved)
        assert costs.iloc[-1]["name"] == "Unassigned"
        assert costs.iloc[-1]["spend_usd"] == 0, share


def test_an_empty_ledger_proposes_nothing(ledger: Engine) -> None:
    assert propose_workloads(ledger) == []
    assert ensure_workloads(ledger) == []
    costs = workload_costs(ledger, [])
    assert costs["name"].tolist() == ["Unassigned"] and costs["monthly_cost_usd"].tolist() == [0.0]
    assert costs.attrs["window"] is None


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    engine = open_ledger(f"sqlite:///{folder / 'demo.db'}")
    load_demo(engine, folder, date(2026, 10, 31))
    engine.dispose()
    return folder / "demo.db"


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Engine]:
    shutil.copy(demo_file, tmp_path / "demo.db")
    engine = open_ledger(f"sqlite:///{tmp_path / 'demo.db'}")
    yield engine
    engine.dispose()


def test_the_demo_proposes_its_seven_workloads(demo: Engine) -> None:
    proposed = propose_workloads(demo)
    summary = [(w.name, w.task_category, w.criticality, w.batch_tolerant) for w in proposed]
    assert summary == [
        ("RAG search · gpt-4o", "rag", "medium", False),
        ("Support chat · gpt-4o", "chat", "high", False),
        ("Code review · claude-sonnet-4-5", "code", "medium", False),
        ("Analytics · o3-mini", "reasoning", "medium", False),
        ("Ticket summary · claude-haiku-4-5", "summarisation", "medium", False),
        ("Ticket triage · gpt-4o-mini", "classification", "medium", True),
        ("RAG search · text-embedding-3-small", "embeddings", "medium", False),
    ]
    assert [w.position for w in proposed] == list(range(7))
    assert proposed[1].rules == (Rule(project="proj_support_bot", feature="support-chat", model="gpt-4o"),)


def test_costs_per_workload_add_up_to_the_ledgers_spend(demo: Engine) -> None:
    saved = ensure_workloads(demo)
    # Leave one workload out so that the Unassigned row has something to hold.
    costs = workload_costs(demo, saved[:-1])
    assert costs["name"].tolist()[-1] == "Unassigned"
    first, last = (date.fromisoformat(d) for d in costs.attrs["window"])
    assert (first, last) == (date(2026, 10, 2), date(2026, 10, 31))
    window = priced_usage(demo, since=first, until=last)
    assert costs["spend_usd"].sum() == pytest.approx(window["spend_usd"].sum())
    assert costs["requests"].sum() == window["requests"].sum()
    assert costs["share"].sum() == pytest.approx(1.0)
    assert costs["monthly_cost_usd"].tolist() == pytest.approx((costs["spend_usd"] * 365.25 / 12 / 30).tolist())
    unassigned = costs.iloc[-1]
    assert unassigned["top_model"] == "text-embedding-3-small" and unassigned["spend_usd"] > 0
    assert costs.iloc[0]["top_model"] == "gpt-4o" and not costs["unpriced"].any()


def test_a_workload_whose_usage_has_no_price_costs_unknown_not_zero(ledger: Engine) -> None:
    # A gateway's own model names: tokens counted, no price, no reported cost.
    _import(ledger, HEADER + "2026-10-31,openai,chat-prod-7,support,chat,key_a,100,4000000,400000,false\n" + LEDGER)
    chat = Workload(None, "Chat prod", rules=(Rule(model="chat-prod-7"),))
    idle = Workload(None, "Idle", rules=(Rule(project="retired-app"),))
    chat, other = _save(ledger, chat, idle)
    costs = workload_costs(ledger, [chat, other]).set_index("name")
    assert math.isnan(costs.loc["Chat prod", "monthly_cost_usd"]) and math.isnan(costs.loc["Chat prod", "share"])
    assert bool(costs.loc["Chat prod", "unpriced"]) and costs.loc["Chat prod", "requests"] == 100
    # No usage in the window is $0, and the priced rest keeps its share of what is known.
    assert costs.loc["Idle", "monthly_cost_usd"] == 0.0 and costs.loc["Unassigned", "share"] == 1.0


def test_workload_usage_is_only_the_workloads_rows(demo: Engine) -> None:
    saved = ensure_workloads(demo)
    rag = saved[0]
    usage = workload_usage(demo, rag, saved)
    assert set(USAGE_KEYS) <= set(usage.columns) and "latency_bin_00" in usage.columns
    assert set(usage["project"]) == {"proj_rag_search"} and set(usage["canonical_model"]) == {"gpt-4o"}
    assert (min(usage["day"]), max(usage["day"])) == (date(2026, 10, 2), date(2026, 10, 31))
    # An edited, unsaved definition is used in place of the saved one.
    wider = replace(rag, rules=(Rule(project="proj_rag_search"),))
    assert set(workload_usage(demo, wider, saved)["canonical_model"]) == {"gpt-4o", "text-embedding-3-small"}
    # A week ending on an earlier day.
    week = workload_usage(demo, rag, saved, days=7, until=date(2026, 9, 30), latency_bins=False)
    assert (min(week["day"]), max(week["day"])) == (date(2026, 9, 24), date(2026, 9, 30))
    assert "latency_bin_00" not in week.columns


def test_a_tool_charge_is_not_proposed_as_a_workload(ledger: Engine) -> None:
    # The OpenAI Costs fixture bills $1.25 of web search tool calls beside its models' line items.
    ingest(ledger, source_from_path(FIXTURES / "openai_costs.json"))
    proposals = propose_workloads(ledger)
    assert proposals and not any("tool" in w.name for w in proposals)
    saved = replace_with_proposals(ledger)
    unassigned = workload_costs(ledger, saved).iloc[-1]
    assert unassigned["name"] == "Unassigned" and unassigned["spend_usd"] == pytest.approx(1.25)
