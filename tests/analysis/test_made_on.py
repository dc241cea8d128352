"""What a user made on some imports alone (the demo company's) — the workloads that claim only their usage and
the scenarios that move only those — and nothing else, on a hand-made ledger of two imports."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from analysis.made_on import made_only_on, remove_made_only_on
from analysis.scenarios.model import Move, Scenario, scenario_to_dict
from analysis.workloads import Rule, Workload, list_workloads, save_workload
from collectors import ingest, source_from_bytes
from db import list_imports
from db.scenarios import list_scenarios, save_scenario

HEADER = "date,provider,model,project,feature,api_key,requests,input_tokens,output_tokens,batch\n"
# "support" is only in the demo's import, "code-review" only in the user's, "search" in both.
DEMO = HEADER + (
    "2026-10-30,openai,gpt-4o-2024-08-06,support,chat,key_a,100,4000000,400000,false\n"
    "2026-10-31,openai,text-embedding-3-small,search,,key_d,1000,9000000,0,false\n"
)
MINE = HEADER + (
    "2026-10-31,anthropic,claude-sonnet-4-5-20250929,code-review,review,key_c,50,3000000,200000,false\n"
    "2026-10-31,openai,text-embedding-3-small,search,,key_d,10,90000,0,false\n"
)


def _ledger(ledger: Engine) -> int:
    """Both imports; the demo's id."""
    ingest(ledger, source_from_bytes("demo/usage.csv", DEMO.encode()))
    ingest(ledger, source_from_bytes("mine.csv", MINE.encode()))
    found = list_imports(ledger)
    return int(found.loc[found["source_name"] == "demo/usage.csv", "id"].iloc[0])


def _workload(ledger: Engine, name: str, project: str, position: int) -> None:
    save_workload(ledger, Workload(None, name, (Rule(project=project),), position=position))


def _scenario(ledger: Engine, name: str, *moved: str) -> None:
    moves = tuple(Move(workload, "openai", "gpt-4o-mini") for workload in moved)
    save_scenario(ledger, name, json.dumps(scenario_to_dict(Scenario(name, moves))))


def _setup(ledger: Engine) -> int:
    demo = _ledger(ledger)
    _workload(ledger, "Support", "support", 0)  # the demo's usage alone
    _workload(ledger, "Search", "search", 1)  # both
    _workload(ledger, "Code review", "code-review", 2)  # the user's alone
    _workload(ledger, "Planned", "not-yet-live", 3)  # nobody's usage: made by hand, ahead of any import
    _scenario(ledger, "Support only", "Support")
    _scenario(ledger, "Support and search", "Support", "Search")
    _scenario(ledger, "Code review only", "Code review")
    _scenario(ledger, "Nothing moves")
    return demo


def test_only_what_claims_the_demo_s_usage_alone_is_the_demo_s(ledger: Engine) -> None:
    demo = _setup(ledger)
    made = made_only_on(ledger, [demo])
    assert made.workloads == ("Support",)
    assert made.scenarios == ("Support only",)
    # Nothing is made on no import, and a judgement deletes nothing.
    assert made_only_on(ledger, []).workloads == ()
    assert len(list_workloads(ledger)) == 4 and len(list_scenarios(ledger)) == 4


def test_removing_takes_exactly_those_out(ledger: Engine) -> None:
    demo = _setup(ledger)
    removed = remove_made_only_on(ledger, [demo])
    assert removed.workloads == ("Support",) and removed.scenarios == ("Support only",)
    assert [w.name for w in list_workloads(ledger)] == ["Search", "Code review", "Planned"]
    assert sorted(list_scenarios(ledger)["name"]) == ["Code review only", "Nothing moves", "Support and search"]
    # Run again, it finds nothing more.
    assert remove_made_only_on(ledger, [demo]).workloads == ()
