"""Prompt samples: kept only when asked, redacted before storage, a seeded reservoir per workload, read from
every source that carries content."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from analysis.evaluation import sample_summary, workload_groups, workload_samples
from analysis.workloads import Rule, Workload, save_workload
from collectors.files import ingest_files
from collectors.samples import (
    PromptKeeping,
    Reservoir,
    add_sample_file,
    answer_text,
    chat_messages,
    redact,
    sample_key,
)
from collectors.samples.content import content_of
from collectors.samples.redaction import EMAIL, KEY, PHONE
from collectors.source import source_from_bytes
from db import delete_import
from db.errors import InvalidInput
from db.prompt_samples import keep_samples, read_samples, sample_index
from tests.conftest import FIXTURES

SECRET = "sk-TESTSECRET-abcdefghijklmnop0123456789"


def _ask(i: int) -> str:
    return (
        f"Ticket {i}: my order never came. Mail me at jane{i}@example.com or call +1 415 555 01{i:02d}. "
        f"Our integration uses {SECRET}."
    )


# --- redaction ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to a.b-c+tag@mail.example.co.uk today", f"write to {EMAIL} today"),
        ("call (555) 010-4477 or +44 20 7946 0958", f"call {PHONE} or {PHONE}"),
        ("office: 020 7946 0958, desk 555.010.4477", f"office: {PHONE}, desk {PHONE}"),
        (f"key {SECRET} and sk-ant-api03-AbCdEfGhIjKlMnOpQrStUv", f"key {KEY} and {KEY}"),
        ("AKIAIOSFODNN7EXAMPLE ghp_" + "x1" * 18 + " AIzaSyA-1234567890abcdefghijklmnopqrstu", f"{KEY} {KEY} {KEY}"),
        ("Authorization: Bearer abcdefghijklmnopqrstuvwx", f"Authorization: Bearer {KEY}"),
        ("token=0f1e2d3c4b5a69788796a5b4c3d2e1f0aa", f"token={KEY}"),
    ],
)
def test_redaction_removes_what_it_promises(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Order 12345 shipped on 2025-09-01 at 10:30 for $1,299.00",
        "Pi is 3.14159; version 1.2.3; 01/02/2025; see RFC 9110",
        "A long word: internationalisation-and-localisation-guidelines",
    ],
)
def test_redaction_leaves_dates_prices_and_words(text: str) -> None:
    assert redact(text) == text


# --- what a logged prompt is -------------------------------------------------------------------------------


def test_prompts_in_every_shape_become_chat_messages() -> None:
    openai = [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    assert chat_messages(openai) == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    otel = [{"role": "user", "parts": [{"type": "text", "content": "Hi"}]}]
    assert chat_messages(json.dumps(otel), system=[{"type": "text", "content": "Sys"}]) == [
        {"role": "system", "content": "Sys"},
        {"role": "user", "content": "Hi"},
    ]
    assert chat_messages("Just a question") == [{"role": "user", "content": "Just a question"}]
    # Not replayable as text chat: tool calls and results, images, no user message at all.
    assert chat_messages([{"role": "user", "content": "x"}, {"role": "tool", "content": "42"}]) is None
    assert chat_messages([{"role": "assistant", "content": "", "tool_calls": [{"id": "1"}]}]) is None
    assert chat_messages([{"role": "user", "content": [{"type": "image", "source": {}}]}]) is None
    assert chat_messages([{"role": "system", "content": "only"}]) is None
    assert chat_messages({}) is None


def _span(attributes: dict[str, str], events: dict[str, dict[str, str]] | None = None) -> dict[str, Any]:
    def otlp(values: dict[str, str]) -> list[dict[str, Any]]:
        return [{"key": k, "value": {"stringValue": v}} for k, v in values.items()]

    span: dict[str, Any] = {"attributes": otlp(attributes)}
    if events:
        span["events"] = [{"name": name, "attributes": otlp(values)} for name, values in events.items()]
    return span


def test_otel_spans_carry_content_in_three_spellings() -> None:
    asked = [{"role": "user", "content": "Hi"}]
    current = _span(
        {
            "gen_ai.input.messages": json.dumps([{"role": "user", "parts": [{"type": "text", "content": "Hi"}]}]),
            "gen_ai.output.messages": json.dumps([{"role": "assistant", "parts": [{"type": "text", "content": "Yo"}]}]),
        }
    )
    assert content_of("otel_genai_spans", current) == (asked, "Yo")
    # OpenLLMetry's indexed attributes.
    indexed = _span(
        {
            "gen_ai.prompt.0.role": "user",
            "gen_ai.prompt.0.content": "Hi",
            "gen_ai.completion.0.role": "assistant",
            "gen_ai.completion.0.content": "Yo",
        }
    )
    assert content_of("otel_genai_spans", indexed) == (asked, "Yo")
    # The 1.2x conventions' span events, the content as JSON text.
    events = {
        "gen_ai.content.prompt": {"gen_ai.prompt": json.dumps(asked)},
        "gen_ai.content.completion": {"gen_ai.completion": json.dumps([{"role": "assistant", "content": "Yo"}])},
    }
    assert content_of("otel_genai_spans", _span({"gen_ai.system": "openai"}, events)) == (asked, "Yo")
    assert content_of("otel_genai_spans", _span({"gen_ai.system": "openai"})) == (None, None)


def test_answers_in_every_shape_become_text() -> None:
    assert answer_text({"choices": [{"message": {"role": "assistant", "content": "A"}}]}) == "A"
    assert answer_text({"role": "assistant", "content": [{"type": "text", "text": "B"}]}) == "B"
    assert answer_text([{"role": "assistant", "parts": [{"type": "text", "content": "C"}]}]) == "C"
    assert answer_text({"output": [{"type": "message", "content": [{"type": "output_text", "text": "D"}]}]}) == "D"
    assert answer_text('{"label": "E"}') == '{"label": "E"}'  # an extraction's JSON answer is the answer
    assert answer_text({}) is None and answer_text(None) is None and answer_text("") is None


# --- the reservoir -----------------------------------------------------------------------------------------


def test_the_reservoir_keeps_the_smallest_keys_per_group_and_merges() -> None:
    words = [f"prompt {i}" for i in range(100)]
    whole: Reservoir[str] = Reservoir(10)
    for word in words:
        whole.offer("g", sample_key(word, 7), word)
    kept = sorted(item for _, _, item in whole.items())
    assert kept == sorted(sorted(words, key=lambda w: sample_key(w, 7))[:10])
    # Two halves kept apart and merged keep the same ten: kept per file, the store is one sample.
    halves = [Reservoir[str](10), Reservoir[str](10)]
    for i, word in enumerate(words):
        halves[i % 2].offer("g", sample_key(word, 7), word)
    merged = sorted({key: item for half in halves for _, key, item in half.items()}.items())[:10]
    assert sorted(item for _, item in merged) == kept
    # Another seed keeps another sample; the same prompt offered twice is kept once.
    other: Reservoir[str] = Reservoir(10)
    for word in [*words, *words]:
        other.offer("g", sample_key(word, 8), word)
    assert sorted(item for _, _, item in other.items()) != kept and len(list(other.items())) == 10


def test_each_prompt_is_about_as_likely_to_be_kept() -> None:
    # 2,000 seeds keep 10 of 40 prompts: each should be kept about 500 times (binomial sd ≈ 19).
    counts = dict.fromkeys(range(40), 0)
    for seed in range(2000):
        reservoir: Reservoir[int] = Reservoir(10)
        for i in range(40):
            reservoir.offer("g", sample_key(str(i), seed), i)
        for _, _, i in reservoir.items():
            counts[i] += 1
    assert min(counts.values()) > 400 and max(counts.values()) < 600


# --- keeping prompts from logs -----------------------------------------------------------------------------


def _litellm_csv() -> bytes:
    rows = list(csv.DictReader(io.StringIO((FIXTURES / "litellm_spendlogs.csv").read_text())))
    for i, row in enumerate(rows):
        row["messages"] = json.dumps(
            [{"role": "system", "content": "Support agent."}, {"role": "user", "content": _ask(i)}]
        )
        row["response"] = json.dumps({"choices": [{"message": {"role": "assistant", "content": f"Sorry #{i}."}}]})
    rows[1]["messages"] = json.dumps([{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _langfuse() -> bytes:
    document = json.loads((FIXTURES / "langfuse_observations_v2.json").read_text())
    for i, row in enumerate(document["data"]):
        row["input"] = [{"role": "user", "content": _ask(i)}]
        row["output"] = {"role": "assistant", "content": f"Answer {i}"}
    return json.dumps(document).encode()


def _helicone() -> bytes:
    lines = []
    for i, line in enumerate((FIXTURES / "helicone_requests.jsonl").read_text().splitlines()):
        row = json.loads(line)
        row["request_body"] = {
            "model": row["request_model"],
            "system": "Be kind.",
            "messages": [{"role": "user", "content": _ask(i)}],
        }
        row["response_body"] = {"content": [{"type": "text", "text": f"Reply {i}"}]}
        lines.append(json.dumps(row))
    return "\n".join(lines).encode()


def _otel() -> bytes:
    lines = []
    for i, line in enumerate((FIXTURES / "otel_genai_spans.jsonl").read_text().splitlines()):
        export = json.loads(line)
        for scope in export["resourceSpans"][0]["scopeSpans"]:
            for span in scope["spans"]:
                messages = [{"role": "user", "parts": [{"type": "text", "content": _ask(i)}]}]
                answer = [{"role": "assistant", "parts": [{"type": "text", "content": f"Done {i}"}]}]
                span["attributes"] += [
                    {"key": "gen_ai.input.messages", "value": {"stringValue": json.dumps(messages)}},
                    {"key": "gen_ai.output.messages", "value": {"stringValue": json.dumps(answer)}},
                ]
        lines.append(json.dumps(export))
    return "\n".join(lines).encode()


LOGS = {
    "litellm_spendlogs.csv": (_litellm_csv, "litellm_spendlogs_csv"),
    "langfuse_observations_v2.json": (_langfuse, "langfuse_observations_api"),
    "helicone_requests.jsonl": (_helicone, "helicone_requests_jsonl"),
    "otel_genai_spans.jsonl": (_otel, "otel_genai_spans"),
}


@pytest.mark.parametrize("name", sorted(LOGS))
def test_prompts_are_kept_from_each_log_that_carries_them_redacted(ledger: Engine, name: str) -> None:
    make, format_name = LOGS[name]
    [outcome] = ingest_files(ledger, [(name, make())], keep=PromptKeeping(3))
    assert outcome.result is not None and outcome.result.format == format_name and outcome.kept is not None
    kept = outcome.kept
    assert kept.carries_content and kept.replayable > 3
    index = sample_index(ledger)
    groups = index.groupby("group_key").size()
    assert (groups <= 3).all() and kept.kept == len(index) > 0
    assert set(index["import_id"]) == {outcome.result.import_id} and index["redacted"].all()
    content = read_samples(ledger, [int(i) for i in index["id"]])
    text = " ".join(content["messages"]) + " ".join(r or "" for r in content["response"])
    assert "@example.com" not in text and "+1 415" not in text and "TESTSECRET" not in text
    assert EMAIL in text and PHONE in text and KEY in text
    assert all(json.loads(m)[-1]["role"] == "user" for m in content["messages"])
    assert content["response"].notna().all()
    # Undoing the import takes its prompts with it.
    assert delete_import(ledger, outcome.result.import_id)
    assert sample_index(ledger).empty


def test_no_prompt_is_stored_without_opt_in(ledger: Engine, ledger_url: str) -> None:
    for name, (make, _) in LOGS.items():
        [outcome] = ingest_files(ledger, [(name, make())])
        assert outcome.result is not None and outcome.kept is None
    assert sample_index(ledger).empty
    if ledger_url.startswith("sqlite:///"):
        stored = b"".join(p.read_bytes() for p in Path(ledger_url.removeprefix("sqlite:///")).parent.glob("ledger.db*"))
        assert b"my order never came" not in stored and b"jane1@example.com" not in stored
        assert b"TESTSECRET" not in stored


def test_a_format_without_content_keeps_nothing_and_says_so(ledger: Engine) -> None:
    content = (FIXTURES / "openai_usage_completions.json").read_bytes()
    [outcome] = ingest_files(ledger, [("usage.json", content)], keep=PromptKeeping(5))
    assert outcome.kept is not None and not outcome.kept.carries_content and outcome.kept.kept == 0


def test_prompts_are_grouped_by_the_workload_that_claims_them(ledger: Engine) -> None:
    # The LiteLLM sample's support team and the rest: three per workload, not three per slice.
    support = save_workload(ledger, Workload(None, "Support", (Rule(project="team-support-01"),)))
    keep = PromptKeeping(3, group_by=workload_groups([support]))
    list(ingest_files(ledger, [("spend.csv", _litellm_csv())], keep=keep))
    index = sample_index(ledger)
    assert (index["group_key"] == "workload:Support").sum() == 3
    samples = workload_samples(ledger, support, [support], 10)
    assert len(samples) == 3 and all(s.response for s in samples)
    summary = sample_summary(ledger, [support])
    assert summary.loc[summary["workload"] == "Support", "samples"].item() == 3


def test_no_redaction_when_the_user_says_so(ledger: Engine) -> None:
    list(ingest_files(ledger, [("spend.csv", _litellm_csv())], keep=PromptKeeping(2, redact=False)))
    content = read_samples(ledger, [int(i) for i in sample_index(ledger)["id"]])
    assert "@example.com" in " ".join(content["messages"]) and not sample_index(ledger)["redacted"].any()


# --- a file of samples ------------------------------------------------------------------------------------


def _lines(*records: Any) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode()


def test_a_file_of_samples_is_kept_under_its_workload_up_to_the_limit(ledger: Engine) -> None:
    records = [{"messages": [{"role": "user", "content": _ask(i)}], "response": f"Answer {i}"} for i in range(8)] + [
        {"messages": [{"role": "user", "content": "No answer logged"}]},
        "not json",
        {"messages": []},
    ]
    added = add_sample_file(ledger, source_from_bytes("s.jsonl", _lines(*records)), PromptKeeping(5), "Support")
    assert (added.read, added.kept) == (11, 5)
    assert [where for where, _ in added.refused] == ["line 10", "line 11"]
    # Adding the same file again changes nothing: the same prompts, the same priorities.
    again = add_sample_file(ledger, source_from_bytes("s.jsonl", _lines(*records)), PromptKeeping(5), "Support")
    assert again.kept == 0 and len(sample_index(ledger)) == 5
    # Lines may name their own workload; one without a name anywhere is refused.
    named = _lines(
        {"workload": "Triage", "messages": [{"role": "user", "content": "Classify: refund"}]},
        {"messages": [{"role": "user", "content": "x"}]},
    )
    added = add_sample_file(ledger, source_from_bytes("t.jsonl", named), PromptKeeping(5))
    assert added.kept == 1 and added.refused == [("line 2", "no workload: name it on the line or with --workload")]
    with pytest.raises(InvalidInput, match="none of its 1 lines is a sample"):
        add_sample_file(ledger, source_from_bytes("u.jsonl", _lines({"messages": "  "})), PromptKeeping(5), "X")


def test_keep_samples_trims_each_group_to_the_limit(ledger: Engine) -> None:
    def row(key: str) -> dict[str, object]:
        return {"group_key": "g", "sample_key": key, "messages": "[]", "redacted": True, "source": "f"}

    assert keep_samples(ledger, [row("c"), row("a")], 2) == 2
    assert keep_samples(ledger, [row("b"), row("d")], 2) == 1  # b displaces c; d is beyond the two smallest
    assert list(sample_index(ledger)["sample_key"]) == ["a", "b"]
