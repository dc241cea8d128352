"""A user evaluates a candidate on a workload's own prompts from the Alternatives page: the estimate first, then
the run against an OpenAI-compatible server (the local fake, in a thread of this test), then the ranking on
the results."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import Engine

from analysis.replays import list_replays
from collectors.samples import PromptKeeping, add_sample_file
from collectors.source import source_from_bytes
from tests.app.test_cli_evaluate import CANDIDATE, _judge, _ledger
from tests.browser.conftest import Server, expect_no_exception
from tests.fake_openai import Script, fake_openai


def _samples(ledger: Engine, n: int) -> None:
    lines = "\n".join(
        f'{{"messages": [{{"role": "user", "content": "Question {i}?"}}], "response": "Answer {i}."}}' for i in range(n)
    )
    add_sample_file(ledger, source_from_bytes("s.jsonl", lines.encode()), PromptKeeping(100), "Chat")


def test_evaluate_a_candidate_and_see_it_ranked_on_the_results(page: Page, server: Server, ledger: Engine) -> None:
    _ledger(ledger)
    _samples(ledger, 3)
    scripts = {"gpt-4o-mini": Script(CANDIDATE), "judge": Script(_judge)}
    with fake_openai(scripts) as fake:
        page.goto(f"{server.url}/alternatives")
        panel = page.get_by_test_id("stExpander").filter(has_text="Evaluate candidates on this workload's own prompts")
        panel.get_by_text("Evaluate candidates on this workload's own prompts").click()
        panel.get_by_role("textbox", name="Other models, as HOST/MODEL (comma-separated)").fill("openai/gpt-4o-mini")
        panel.get_by_role("textbox", name="Judge model, as HOST/MODEL").fill("local/judge")
        panel.get_by_role("textbox", name="Base URLs, HOST=URL (comma-separated)").fill(
            f"openai={fake.base_url}, local={fake.base_url}"
        )
        panel.get_by_role("button", name="Estimate the cost").click()
        expect(page.get_by_text("for 3 prompts, judged by local/judge")).to_be_visible()
        assert not fake.requests  # nothing is sent before the user says so
        page.get_by_role("button", name="Run the evaluation").click()
        expect(
            page.get_by_text("Evaluated on 3 of Chat's prompts: the ranking now stands on the results.")
        ).to_be_visible()
        # The run's results, shown once under the panel (the table draws on a canvas; its caption is text).
        expect(page.get_by_text("Judged by local/judge.")).to_be_visible()
        expect_no_exception(page)
    assert len(fake.requests_for("gpt-4o-mini")) == 3 and len(fake.requests_for("judge")) == 6
    [row] = list_replays(ledger).to_dict("records")
    assert (row["host"], row["model"], row["n"], row["wins"], row["ties"], row["losses"]) == (
        "openai",
        "gpt-4o-mini",
        3,
        3,
        0,
        0,
    )
