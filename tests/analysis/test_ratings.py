"""Public quality references: one board per category, names matched across hosts, embeddings on MTEB."""

from __future__ import annotations

import pytest

from analysis.ratings import QUALITY_COLUMNS, embedding_score, quality_reference, rating_key
from analysis.workload_rules import TASK_CATEGORIES


def test_every_text_category_reads_one_board_and_embeddings_none() -> None:
    assert set(QUALITY_COLUMNS) == set(TASK_CATEGORIES) - {"embeddings"}
    assert quality_reference("openai", "text-embedding-3-small", "embeddings") is None
    boards = {c: quality_reference("openai", "gpt-4o", c) for c in QUALITY_COLUMNS}
    assert all(ref is not None for ref in boards.values())
    # Each board is one release: the raw boards of 2025-12-11, the style-controlled one of 2025-12-17.
    assert {ref.column: ref.snapshot for ref in boards.values() if ref} == {
        "arena_text_sc": "2025-12-17",
        "arena_hard": "2025-12-11",
        "arena_coding": "2025-12-11",
    }


def test_a_snapshot_reads_its_own_row_on_any_host() -> None:
    ref = quality_reference("openai", "gpt-4o-2024-05-13", "code")
    assert ref is not None
    assert (ref.rating, ref.column, ref.reference_model) == (1296.4, "arena_coding", "gpt-4o-2024-05-13")
    assert (ref.low, ref.high) == (1290.2, 1302.6)
    # Bedrock's spelling of a Claude snapshot finds the same row.
    ref = quality_reference("aws", "anthropic.claude-3-haiku-20240307-v1:0", "chat")
    assert ref is not None and (ref.rating, ref.reference_model) == (1263.2, "claude-3-haiku-20240307")


def test_an_alias_reads_the_newest_rated_snapshot_and_the_default_setting() -> None:
    # "gpt-4o" is an alias: its newest rated snapshot on the board is 2024-08-06.
    ref = quality_reference("openai", "gpt-4o", "chat")
    assert ref is not None and (ref.rating, ref.reference_model) == (1335.8, "gpt-4o-2024-08-06")
    # A dated o3-mini reads the board's plain o3-mini row, not its "-high" reasoning-effort row.
    ref = quality_reference("openai", "o3-mini-2025-01-31", "rag")
    assert ref is not None and (ref.rating, ref.column, ref.reference_model) == (1331.9, "arena_hard", "o3-mini")
    # Hosts' packaging of an open model: Groq's "-versatile" is Llama 3.3 70B Instruct.
    ref = quality_reference("groq", "llama-3.3-70b-versatile", "code")
    assert ref is not None and (ref.rating, ref.reference_model) == (1268.2, "llama-3.3-70b-instruct")
    # gpt-4o and gpt-4o-mini are different families.
    ref = quality_reference("openai", "gpt-4o-mini", "chat")
    assert ref is not None and ref.reference_model == "gpt-4o-mini-2024-07-18"


def test_no_rating_is_guessed() -> None:
    assert quality_reference("azure", "chat-prod", "chat") is None
    # Claude 2.1 is not on the December 2025 boards.
    assert quality_reference("anthropic", "claude-2.1", "chat") is None
    # gpt-5-chat and gpt-4-turbo are models of their own, not packagings of gpt-5 and gpt-4.
    chat = quality_reference("openai", "gpt-5-chat-latest", "chat")
    assert chat is not None and chat.reference_model == "gpt-5-chat"
    assert quality_reference("openai", "gpt-4-turbo", "chat").reference_model == "gpt-4-turbo-2024-04-09"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # one model, many hosts
        ("claude-opus-4-5-20251101", ("claude-opus-4-5", "20251101", None)),
        ("us.anthropic.claude-opus-4-5-20251101-v1:0", ("claude-opus-4-5", "20251101", None)),
        ("claude-opus-4-5@20251101", ("claude-opus-4-5", "20251101", None)),
        ("meta-llama/Llama-3.3-70B-Instruct-Turbo", ("llama-3.3-70b", None, None)),
        ("meta.llama3-3-70b-instruct-v1:0", ("llama-3.3-70b", None, None)),
        ("accounts/fireworks/models/llama-v3p3-70b-instruct", ("llama-3.3-70b", None, None)),
        ("Qwen/Qwen3-235B-A22B-Instruct-2507", ("qwen3-235b-a22b", "2507", None)),
        ("moonshotai/Kimi-K2-Instruct-0905", ("kimi-k2", "0905", None)),
        ("kimi-k2-0905-preview", ("kimi-k2", "0905", None)),
        # settings of one model: a thinking mode, a reasoning effort, a precision
        ("claude-opus-4-5-20251101-thinking-32k", ("claude-opus-4-5", "20251101", "thinking-32k")),
        ("o3-mini-high", ("o3-mini", None, "high")),
        ("grok-4-1-fast-reasoning", ("grok-4.1-fast", None, "reasoning")),
        ("llama-3.1-405b-instruct-bf16", ("llama-3.1-405b", None, "bf16")),
        # different models that look alike
        ("mistral-medium-2508", ("mistral-medium", "2508", None)),
        ("deepseek-v3.1", ("deepseek-v3.1", None, None)),
        ("deepseek-v3.2", ("deepseek-v3.2", None, None)),
        ("gpt-5-chat", ("gpt-5-chat", None, None)),
        ("grok-4.1-fast", ("grok-4.1-fast", None, None)),
        # Cohere's embedding models on Bedrock and Azure
        ("cohere.embed-english-v3", ("embed-english-v3.0", None, None)),
        ("Cohere-embed-v3-multilingual", ("embed-multilingual-v3.0", None, None)),
    ],
)
def test_rating_key(name: str, key: tuple[str, str | None, str | None]) -> None:
    assert rating_key(name) == key


def test_embedding_scores_are_one_benchmark() -> None:
    small = embedding_score("text-embedding-3-small")
    assert small is not None and (small.score, small.benchmark) == (62.26, "MTEB English v1 (56 datasets)")
    bedrock = embedding_score("cohere.embed-english-v3")
    assert bedrock is not None and (bedrock.score, bedrock.reference_model) == (64.47, "embed-english-v3.0")
    assert embedding_score("gemini-embedding-001") is None
