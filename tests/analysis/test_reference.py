"""Reference tables: tokenizers, ratios and latency look-ups, with hand-computed expectations."""

from __future__ import annotations

from importlib.resources import files

import pandas as pd
import pytest

from analysis.reference import (
    CONTENT_TYPES,
    latency_reference,
    token_ratio,
    token_ratio_range,
    tokenizer_of,
)
from analysis.workload_rules import TASK_CATEGORIES


@pytest.mark.parametrize(
    ("provider", "model", "expected"),
    [
        ("openai", "gpt-4o-2024-08-06", "o200k"),
        ("openai", "gpt-4.1-mini", "o200k"),
        ("openai", "o3-mini", "o200k"),
        ("openai", "gpt-5", "o200k"),
        ("together", "openai/gpt-oss-120b", "o200k"),
        ("openai", "gpt-4-turbo", "cl100k"),
        ("azure", "gpt-35-turbo", "cl100k"),
        ("openai", "gpt-3.5-turbo-0125", "cl100k"),
        ("anthropic", "claude-3-5-sonnet-20241022", "claude_3"),
        ("aws", "us.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude_3"),
        ("anthropic", "claude-sonnet-4-5", "claude_3"),
        ("anthropic", "claude-opus-4-6", "claude_3"),
        ("anthropic", "claude-opus-4-7", "claude_4_7"),
        ("anthropic", "Claude Opus 4.7", "claude_4_7"),
        ("google", "gemini-2.5-pro", "gemma4"),
        ("google", "gemma-3-27b-it", "gemma4"),
        ("aws", "meta.llama3-1-70b-instruct-v1:0", "llama3"),
        ("groq", "llama-3.3-70b-versatile", "llama3"),
        ("together", "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "llama3"),
        ("aws", "meta.llama2-70b-chat-v1", "llama2"),
        ("mistral", "open-mistral-7b", "mistral_spm"),
        ("mistral", "open-mixtral-8x22b", "mistral_spm"),
        ("mistral", "mistral-large-2402", "mistral_spm"),
        ("mistral", "mistral-large-2407", "mistral_tekken"),
        ("mistral", "open-mistral-nemo", "mistral_tekken"),
        ("mistral", "mistral-small-3.1-24b-instruct-2503", "mistral_tekken"),
        ("mistral", "mistral-medium-3", "mistral_tekken"),
        ("together", "Qwen/Qwen2.5-72B-Instruct-Turbo", "qwen"),
        ("together", "deepseek-ai/deepseek-llm-67b-chat", "deepseek_v1"),
        ("cohere", "command-r-plus", "command_r"),
        ("azure", "Phi-3-mini-4k-instruct", "phi3"),
    ],
)
def test_tokenizer_of_known_models(provider: str, model: str, expected: str) -> None:
    assert tokenizer_of(provider, model) == expected


@pytest.mark.parametrize(
    ("provider", "model"),
    [
        ("azure", "chat-prod"),  # a deployment name says nothing about the model
        ("anthropic", "claude-2.1"),  # older Claude tokenizer, not measured
        ("anthropic", "claude-sonnet-5"),  # its own ctok family, not measured
        ("deepseek", "deepseek-chat"),  # DeepSeek V3: a newer vocabulary, not measured
        ("mistral", "mistral-medium"),  # 2023 (SentencePiece) or 2025 (Tekken)? ambiguous
        ("x-ai", "grok-3"),
    ],
)
def test_tokenizer_of_unknown_is_none(provider: str, model: str) -> None:
    assert tokenizer_of(provider, model) is None


def test_token_ratio_is_a_ratio_of_densities() -> None:
    # Tokens per 1,000 characters of English docs: o200k 229, claude_3 252; JSON: cl100k 401, qwen 476.
    assert token_ratio("o200k", "claude_3", "en_docs") == pytest.approx(252 / 229)
    assert token_ratio("claude_3", "o200k", "en_docs") == pytest.approx(229 / 252)
    assert token_ratio("cl100k", "qwen", "json") == pytest.approx(476 / 401)
    # Chinese from the parallel UI-string corpus: cl100k 674, gemma4 531 (published multiplier 0.79).
    assert token_ratio("cl100k", "gemma4", "zh") == pytest.approx(531 / 674)


def test_token_ratio_rejects_unknown_inputs() -> None:
    with pytest.raises(ValueError, match="no measurement"):
        token_ratio("o200k", "klingon", "en_docs")
    with pytest.raises(ValueError, match="no measurement"):
        token_ratio("o200k", "claude_3", "poetry")


def test_density_table_covers_every_tokenizer_and_content_type() -> None:
    frame = pd.read_csv(files("analysis").joinpath("data", "tokenizer_density.csv").open("rb"))
    assert list(frame.columns) == ["tokenizer", "content_type", "tokens_per_1000_chars"]
    assert frame["tokenizer"].nunique() == 13
    for _, rows in frame.groupby("tokenizer"):
        assert sorted(rows["content_type"]) == sorted(CONTENT_TYPES)


def test_ratio_range_for_chat_spans_english_legal_code_json() -> None:
    # o200k -> claude_3: en_docs 252/229 = 1.100, en_legal 223/212 = 1.052, code 261/212 = 1.231,
    # JSON 452/401 = 1.127.
    ratio = token_ratio_range("o200k", "claude_3", "chat")
    assert ratio is not None
    assert ratio.base == pytest.approx(252 / 229)
    assert ratio.low == pytest.approx(223 / 212)
    assert ratio.high == pytest.approx(261 / 212)
    assert ratio.basis.startswith(
        "o200k -> claude_3 on English docs 1.10 (range 1.05-1.23 over English, legal, code, JSON)"
    )
    assert "unofficial" in ratio.basis


def test_ratio_range_for_code_is_based_on_code() -> None:
    # cl100k -> llama2: code 270/211 = 1.280, JSON 527/401 = 1.314, en_docs 264/228 = 1.158.
    ratio = token_ratio_range("cl100k", "llama2", "code")
    assert ratio is not None
    assert (ratio.low, ratio.base, ratio.high) == pytest.approx((264 / 228, 270 / 211, 527 / 401))
    assert "on Python code 1.28 (range 1.16-1.31 over code, JSON, English)" in ratio.basis


def test_ratio_range_for_summarisation_is_prose_only() -> None:
    # o200k -> mistral_tekken: en_docs 236/229 = 1.031, en_legal 222/212 = 1.047.
    ratio = token_ratio_range("o200k", "mistral_tekken", "summarisation")
    assert ratio is not None
    assert (ratio.low, ratio.base, ratio.high) == pytest.approx((236 / 229, 236 / 229, 222 / 212))


def test_ratio_range_same_tokenizer_and_unknowns() -> None:
    same = token_ratio_range("o200k", "o200k", "code")
    assert same is not None and (same.low, same.base, same.high) == (1.0, 1.0, 1.0)
    assert token_ratio_range(None, "o200k", "chat") is None
    assert token_ratio_range("o200k", None, "chat") is None
    assert token_ratio_range("o200k", "klingon", "chat") is None


def test_ratio_range_for_an_unknown_category_says_what_it_assumed() -> None:
    ratio = token_ratio_range("o200k", "claude_3", "poetry")
    assert ratio is not None and ratio.base == pytest.approx(252 / 229)
    assert "not recognised" in ratio.basis


def test_every_workload_category_has_content_types() -> None:
    for category in TASK_CATEGORIES:
        ratio = token_ratio_range("o200k", "claude_3", category)
        assert ratio is not None and "not recognised" not in ratio.basis, category


def test_latency_reference_maps_hosts_onto_providers() -> None:
    # thefastest.ai spells Groq "groq.com"; Groq's own model id names the same family.
    ref = latency_reference("groq", "llama3-70b-8192")
    assert ref is not None
    assert (ref.ttft_p50_s, ref.tokens_per_s, ref.host, ref.date) == (0.178, 291.3, "groq.com", "2024-05-03")
    # "bedrock" is genai-prices' "aws"; llmperf publishes a p90 TTFT.
    ref = latency_reference("aws", "meta.llama2-70b-chat-v1")
    assert ref is not None and (ref.ttft_p50_s, ref.ttft_tail_s, ref.tokens_per_s) == (0.388, 0.49, 21.6)
    assert ref.source == "llmperf-leaderboard"
    # Newest row wins: Together's Llama 2 13B in 2024-05 (thefastest.ai) over 2023-12 (llmperf).
    ref = latency_reference("together", "meta-llama/Llama-2-13b-chat-hf")
    assert ref is not None and (ref.date, ref.host, ref.ttft_p50_s) == ("2024-05-03", "together.ai", 0.309)


def test_latency_reference_vendor_api_is_the_makers_own_api() -> None:
    ref = latency_reference("openai", "gpt-4o-2024-08-06")
    assert ref is not None
    assert (ref.host, ref.model, ref.ttft_p50_s, ref.tokens_per_s) == ("vendor API", "gpt-4o", 0.57, 64.3)
    ref = latency_reference("google", "gemini-1.5-flash-002")
    assert ref is not None and (ref.ttft_p50_s, ref.tokens_per_s) == (0.39, 142.2)
    # The benchmark's Llama 3.1 ids are Groq's, so they are Groq's latency, not Meta's.
    ref = latency_reference("groq", "llama-3.1-8b-instant")
    assert ref is not None and ref.tokens_per_s == 716.7
    assert latency_reference("meta", "llama-3.1-8b-instruct") is None


def test_latency_reference_several_regions_take_the_median_row() -> None:
    # Azure gpt-4-1106-preview TTFT by region: 0.456, 0.464, 0.503, 0.612, 0.668 -> uksouth's 0.503.
    ref = latency_reference("azure", "gpt-4-1106-preview")
    assert ref is not None and (ref.host, ref.ttft_p50_s, ref.tokens_per_s) == ("azure.uksouth", 0.503, 13.1)


def test_latency_reference_missing() -> None:
    assert latency_reference("azure", "gpt-4o") is None  # no Azure row for gpt-4o
    assert latency_reference("openai", "chat-prod") is None
    # Azure's Llama 2 70B row has no decode speed, so it cannot give an end-to-end time.
    assert latency_reference("azure", "llama-2-70b-chat") is None
