"""The Data page keeps prompt samples only when the user ticks the box, redacted unless told otherwise."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine

from analysis.workloads import Rule, Workload, save_workload
from db.prompt_samples import read_samples, sample_index
from tests.app.apptest import open_page
from tests.collectors.test_prompt_samples import _litellm_csv

pytestmark = pytest.mark.usefixtures("app_ledger")
PAGE = "app/pages/data.py"


def test_an_import_keeps_no_prompt_unless_asked(ledger: Engine) -> None:
    at = open_page(PAGE)
    assert at.checkbox(key="data-keep-prompts").value is False  # off by default
    at.file_uploader(key="data-upload").upload("spend.csv", _litellm_csv(), "text/csv").run()
    at.button(key="data-import").click().run()
    assert not at.exception, at.exception
    assert any("spend.csv" in s.value for s in [*at.success, *at.warning])
    assert sample_index(ledger).empty


def test_ticking_the_box_keeps_a_redacted_sample_per_workload(ledger: Engine) -> None:
    # The LiteLLM sample's support team is a saved workload: its prompts are kept under its name, two at most.
    save_workload(ledger, Workload(None, "Support", (Rule(project="team-support-01"),)))
    at = open_page(PAGE)
    at.checkbox(key="data-keep-prompts").check().run()
    at.number_input(key="data-keep-limit").set_value(2).run()
    assert at.checkbox(key="data-keep-redact").value is True
    at.file_uploader(key="data-upload").upload("spend.csv", _litellm_csv(), "text/csv").run()
    at.button(key="data-import").click().run()
    assert not at.exception, at.exception
    index = sample_index(ledger)
    assert (index["group_key"] == "workload:Support").sum() == 2
    assert (index.groupby("group_key").size() <= 2).all() and index["redacted"].all()
    # The row with an image cannot be replayed as text; the page says how many were kept of how many.
    assert any(f"{len(index)} prompt samples kept of" in c.value and "1 not replayable" in c.value for c in at.caption)
    text = " ".join(read_samples(ledger, [int(i) for i in index["id"]])["messages"])
    assert "@example.com" not in text and "[EMAIL]" in text
    assert all(json.loads(m)[-1]["role"] == "user" for m in read_samples(ledger, list(index["id"]))["messages"])


def test_redaction_can_be_turned_off(ledger: Engine) -> None:
    at = open_page(PAGE)
    at.checkbox(key="data-keep-prompts").check().run()
    at.checkbox(key="data-keep-redact").uncheck().run()
    at.file_uploader(key="data-upload").upload("spend.csv", _litellm_csv(), "text/csv").run()
    at.button(key="data-import").click().run()
    assert not at.exception, at.exception
    index = sample_index(ledger)
    assert not index.empty and not index["redacted"].any()
    assert "@example.com" in " ".join(read_samples(ledger, [int(i) for i in index["id"]])["messages"])
