"""The workloads table the Workloads page draws and `exitplan workloads list` prints: saved workloads and
proposals not saved yet, their definitions beside their costs, the Unassigned row, and the totals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.workload_table import UNASSIGNED_USAGE, workload_table, workload_totals
from analysis.workloads import Rule, Workload, propose_workloads, replace_with_proposals, save_workload, workload_costs
from collectors import ingest, source_from_bytes
from pricing.cost import offline_book

CSV = (
    "date,provider,model,project,feature,api_key,requests,input_tokens,output_tokens\n"
    "2026-10-30,openai,gpt-4o-2024-08-06,support,chat,key_a,100,4000000,400000\n"
    "2026-10-31,openai,gpt-4o-mini-2024-07-18,support,triage,key_a,100,40000000,1000000\n"
    "2026-10-31,anthropic,claude-sonnet-4-5-20250929,code-review,review,key_c,50,3000000,200000\n"
    "2026-10-31,openai,text-embedding-3-small,search,,key_d,1000,9000000,0\n"
)


@pytest.fixture
def usage(ledger: Engine) -> Engine:
    ingest(ledger, source_from_bytes("usage.csv", CSV.encode()))
    return ledger


def test_proposals_cost_what_they_cost_once_saved(usage: Engine) -> None:
    proposals = propose_workloads(usage)
    assert proposals and all(w.id is None for w in proposals)
    unsaved = workload_costs(usage, proposals)
    assert unsaved["workload_id"].isna().all(), "no proposal has an id, and neither has the Unassigned row"
    saved = replace_with_proposals(usage, proposals)
    costs = workload_costs(usage, saved)
    assert costs["workload_id"].tolist()[:-1] == [w.id for w in saved]
    pd.testing.assert_frame_equal(unsaved.drop(columns="workload_id"), costs.drop(columns="workload_id"))
    assert unsaved.attrs == costs.attrs


def test_the_table_joins_definitions_to_costs_with_blanks_for_unassigned(usage: Engine) -> None:
    chat, review = (
        save_workload(usage, w)
        for w in (
            Workload(
                None,
                "Chat",
                (Rule(feature="chat"),),
                criticality="high",
                quality_floor_pct=3,
                latency_slo_p95_s=2.5,
                position=0,
            ),
            Workload(
                None,
                "Review",
                (Rule(project="code-review", model="claude-sonnet-4-5"),),
                task_category="code",
                position=1,
                needs_tools=True,
            ),
        )
    )
    table = workload_table(workload_costs(usage, [review, chat]), [review, chat])
    assert table["name"].tolist() == ["Chat", "Review", "Unassigned"]
    assert table["id"].tolist()[:2] == [chat.id, review.id] and pd.isna(table["id"].iloc[2])
    assert table["task"].tolist() == ["Chat / assistant", "Code", ""]
    assert table["criticality"].tolist() == ["high", "medium", ""]
    assert table["quality_floor_pct"].tolist()[:2] == [3.0, 5.0] and pd.isna(table["quality_floor_pct"].iloc[2])
    assert table["latency_slo_p95_s"].iloc[0] == 2.5 and table["latency_slo_p95_s"].iloc[1:].isna().all()
    assert table["rules"].iloc[1] == [{"project": "code-review", "model": "claude-sonnet-4-5"}]
    assert table["rules_text"].tolist() == [
        "feature chat",
        "project code-review, model claude-sonnet-4-5",
        UNASSIGNED_USAGE,
    ]
    assert table["top_model"].tolist() == ["gpt-4o", "claude-sonnet-4-5", "gpt-4o-mini"]
    assert table["needs_tools"].tolist()[:2] == [False, True]
    assert table["saved"].tolist() == [True, True, False]
    assert table["unassigned"].tolist() == [False, False, True]
    assert table["saved_at"].iloc[0] == chat.saved_at

    totals = workload_totals(table)
    assert totals.workloads == 2
    assert totals.monthly_cost_usd == pytest.approx(table["monthly_cost_usd"].iloc[:2].sum())
    assert totals.unassigned_share == pytest.approx(table["share"].iloc[2]) and 0 < totals.unassigned_share < 1
    assert totals.window == (date(2026, 10, 2), date(2026, 10, 31))
    assert totals.unpriced == []


def test_proposals_are_marked_unsaved(usage: Engine) -> None:
    proposals = propose_workloads(usage)
    table = workload_table(workload_costs(usage, proposals), proposals)
    assert not table["saved"].any() and table["id"].isna().all()
    assert table["name"].tolist() == [w.name for w in proposals] + ["Unassigned"]
    assert workload_totals(table).unassigned_share == 0


def test_costs_of_other_workloads_are_refused(usage: Engine) -> None:
    (chat,) = [save_workload(usage, Workload(None, "Chat", (Rule(feature="chat"),)))]
    costs = workload_costs(usage, [chat])
    with pytest.raises(ValueError, match="not those"):
        workload_table(costs, [chat, replace(chat, id=None, name="New")])
    with pytest.raises(ValueError, match="not those"):
        workload_table(costs, [replace(chat, id=999)])


def test_an_empty_ledger_has_only_the_unassigned_row(ledger: Engine) -> None:
    table = workload_table(workload_costs(ledger, []), [])
    assert table["name"].tolist() == ["Unassigned"] and table["rules_text"].tolist() == [UNASSIGNED_USAGE]
    totals = workload_totals(table)
    assert (totals.workloads, totals.monthly_cost_usd, totals.window) == (0, 0.0, None)


def test_the_top_models_retirement_at_its_host_is_on_the_table(usage: Engine) -> None:
    workloads = replace_with_proposals(usage, propose_workloads(usage))
    table = workload_table(workload_costs(usage, workloads), workloads, offline_book(), date(2026, 12, 5))
    rows = table.set_index("top_model_id")
    # The vendored registry: OpenAI retires gpt-4o-2024-08-06 on 2027-01-14 (successor gpt-6-luna); Anthropic
    # retired claude-sonnet-4-5-20250929 on 2026-11-30 (successor claude-sonnet-5-5); no date for the embedding.
    gpt4o = rows.loc["gpt-4o-2024-08-06"]
    assert (gpt4o["top_host"], gpt4o["retires_on"], gpt4o["successor"]) == ("openai", date(2027, 1, 14), "gpt-6-luna")
    assert gpt4o["retirement"] == "retires 2027-01-14 → gpt-6-luna"
    assert rows.loc["claude-sonnet-4-5-20250929", "retirement"] == "retired 2026-11-30 → claude-sonnet-5-5"
    assert rows.loc["text-embedding-3-small", "retirement"] == "—"
    # Without a price book the table has no retirement to tell, and says nothing rather than guess.
    plain = workload_table(workload_costs(usage, workloads), workloads)
    assert plain["retires_on"].isna().all() and set(plain["retirement"]) == {"—"}
