"""The Alternatives page's Evaluate panel, driven through AppTest against a local fake OpenAI-compatible server."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from analysis.replays import list_replays
from collectors.samples import PromptKeeping, add_sample_file
from collectors.source import source_from_bytes
from tests.app.apptest import open_page
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
        at.button(key="FormSubmitter:alternatives-evaluate-Estimate the cost").click().run()
        assert not at.exception, at.exception
        assert any("Estimated cost $" in md.value and "judged by local/judge" in md.value for md in at.markdown)
        assert not server.requests  # nothing is sent before the user says so
        at.button(key="evaluate-run").click().run()
        assert not at.exception, at.exception
    assert len(server.requests_for("gpt-4o-mini")) == 4 and len(server.requests_for("judge")) == 8
    assert any("the ranking now stands on the results" in s.value for s in at.success)
    [row] = list_replays(ledger).to_dict("records")
    assert (row["host"], row["model"], row["wins"], row["n"]) == ("openai", "gpt-4o-mini", 4, 4)
    assert [d.value.shape[0] for d in at.dataframe if "win_rate_ci" in d.value.columns] == [1]  # the run's results
    at.multiselect(key="alternatives-hosts").set_value(["openai"])
    at.slider(key="alternatives-top").set_value(100).run()
    ranked = at.dataframe[0].value
    mini = ranked[(ranked["host"] == "openai") & (ranked["model"] == "gpt-4o-mini")].iloc[0]
    assert mini["evidence"].startswith("wins 100% of 4") and mini["latency_source"].startswith("your measurements")
