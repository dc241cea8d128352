"""The Alternatives page's Evaluate panel, driven through AppTest against a local fake OpenAI-compatible server."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.replays import list_replays
from analysis.workloads import Rule, Workload, save_workload
from collectors import ingest
from collectors.samples import PromptKeeping, add_sample_file
from collectors.source import source_from_bytes
from tests.app.apptest import open_page, shown
from tests.app.test_cli_evaluate import CANDIDATE, _judge, _ledger
from tests.fake_openai import Script, fake_openai

pytestmark = pytest.mark.usefixtures("app_ledger")
PAGE = "app/pages/alternatives.py"


def _samples(ledger: Engine, n: int) -> None:
    lines = "\n".join(
        f'{{"messages": [{{"role": "user", "content": "Question {i}?"}}], "response": "Answer {i}."}}' for i in range(n)
    )
    add_sample_file(ledger, source_from_bytes("s.jsonl", lines.encode()), PromptKeeping(100), "Chat")


def test_without_samples_it_says_how_to_keep_them(ledger: Engine) -> None:
    _ledger(ledger)
    at = open_page(PAGE, timeout=120)
    assert any("No prompt samples for this workload yet" in info.value for info in at.info)


def test_the_panel_estimates_runs_and_ranks_on_the_results(ledger: Engine) -> None:
    _ledger(ledger)
    _samples(ledger, 4)
    scripts = {"gpt-4o-mini": Script(CANDIDATE), "judge": Script(_judge)}
    with fake_openai(scripts) as server:
        at = open_page(PAGE, timeout=120)
        at.multiselect(key="evaluate-candidates").set_value(["openai/gpt-4o-mini"])
        at.text_input(key="evaluate-judge").set_value("local/judge")
        at.text_input(key="evaluate-urls").set_value(f"openai={server.base_url}, local={server.base_url}")
        at.number_input(key="evaluate-n").set_value(3)  # of the 4 kept
        at.number_input(key="evaluate-budget").set_value(1.0)
        at.button(key="FormSubmitter:alternatives-evaluate-Estimate the cost").click().run()
        assert not at.exception, at.exception
        # Three calls of gpt-4o-mini on prompts of a few words cost fractions of a cent: priced, never "$0.00".
        estimate = "Estimated cost under $0.0001 for the priced calls for 3 prompts, judged by local/judge"
        assert any(estimate in shown(md.value) and "(budget $1.00" in shown(md.value) for md in at.markdown)
        said = "No price for judge (local/judge): those calls do not count against the budget."
        assert any(shown(c.value) == said for c in at.caption)
        assert not server.requests  # nothing is sent before the user says so
        at.button(key="evaluate-run").click().run()
        assert not at.exception, at.exception
    assert len(server.requests_for("gpt-4o-mini")) == 3 and len(server.requests_for("judge")) == 6
    evaluated = "Evaluated on 3 of Chat's prompts: the ranking now stands on the results"
    assert any(evaluated in shown(s.value) for s in at.success)
    [row] = list_replays(ledger).to_dict("records")
    assert (row["host"], row["model"], row["wins"], row["n"]) == ("openai", "gpt-4o-mini", 3, 3)
    assert [d.value.shape[0] for d in at.dataframe if "win_rate_ci" in d.value.columns] == [1]  # the run's results
    at.multiselect(key="alternatives-hosts").set_value(["openai"])
    at.slider(key="alternatives-top").set_value(100).run()
    ranked = at.dataframe[0].value
    mini = ranked[(ranked["host"] == "openai") & (ranked["model"] == "gpt-4o-mini")].iloc[0]
    assert mini["evidence"].startswith("wins 100% of 3") and mini["latency_source"].startswith("your measurements")


def test_without_an_endpoint_for_todays_model_the_prompts_are_timed_only(ledger: Engine) -> None:
    # Today's model is on Azure, which has no known base URL; the samples kept no answer of today's.
    header = "timestamp,provider,model,project,requests,input_tokens,output_tokens,cached_input_tokens,latency_ms\n"
    rows = "".join(f"2025-09-0{day}T10:00:00Z,azure,gpt-4o,chat,100,1000000,100000,0,900\n" for day in range(1, 8))
    ingest(ledger, source_from_bytes("usage.csv", (header + rows).encode()))
    save_workload(ledger, Workload(None, "Chat", (Rule(project="chat"),)))
    lines = "\n".join(f'{{"messages": [{{"role": "user", "content": "Question {i}?"}}]}}' for i in range(2))
    add_sample_file(ledger, source_from_bytes("s.jsonl", lines.encode()), PromptKeeping(100), "Chat")
    with fake_openai({"gpt-4o-mini": Script(CANDIDATE)}) as server:
        at = open_page(PAGE, timeout=120)
        at.text_input(key="evaluate-more").set_value("openai/gpt-4o-mini")
        at.text_input(key="evaluate-urls").set_value(f"openai={server.base_url}")
        at.button(key="FormSubmitter:alternatives-evaluate-Estimate the cost").click().run()
        assert any("Today's model azure/gpt-4o has no endpoint" in c.value for c in at.caption)
        at.button(key="evaluate-run").click().run()
        assert not at.exception, at.exception
        assert not at.error, [e.value for e in at.error]
    assert len(server.requests_for("gpt-4o-mini")) == 2
    assert any("2 of 2 prompts have no answer of today's model to compare with" in w.value for w in at.warning)
    [row] = list_replays(ledger).to_dict("records")
    assert (row["n"], row["ttft_p50_s"] > 0) == (2, True) and pd.isna(row["wins"])
