"""Eligibility: what a registry lists that cannot do a workload's task, told by its name, mode and price."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.eligibility import Reason, eligibility, kind_of, maturity_of


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        ("meta-llama/Llama-Guard-4-12B", Reason.GUARD),
        ("accounts/fireworks/models/llamaguard-7b", Reason.GUARD),
        ("openai.gpt-oss-safeguard-20b", Reason.GUARD),
        ("nvidia/Nemotron-Content-Safety-3.5", Reason.GUARD),
        ("omni-moderation-latest", Reason.GUARD),
        ("deepseek/deepseek-ocr", Reason.OCR),
        ("allenai/olmOCR-7B-0725-FP8", Reason.OCR),
        ("rerank-v3.5", Reason.RERANK),
        ("whisper-large-v3", Reason.SPEECH),
        ("gpt-4o-mini-tts", Reason.SPEECH),
        ("gpt-4o-audio-preview-2024-12-17", Reason.SPEECH),
        ("gpt-realtime", Reason.SPEECH),
        ("voxtral-small-latest", Reason.SPEECH),
        ("gpt-image-1", Reason.MEDIA),
        ("databricks-gemini-3-pro-image", Reason.MEDIA),
        ("accounts/fireworks/models/flux-1-dev", Reason.MEDIA),
        ("dall-e-3", Reason.MEDIA),
        ("computer-use-preview", Reason.AGENT),
        ("o3-deep-research", Reason.AGENT),
        ("gemini-robotics-er-1.5-preview", Reason.AGENT),
        ("mistral-code-fim-latest", Reason.FIM),
        ("together-ai-embedding-up-to-150m", Reason.PRICE_TIER),
        # chat models, whatever else their names say
        ("gpt-4o", None),
        ("Qwen/Qwen2-VL-72B-Instruct", None),
        ("meta-llama/Llama-3.2-11B-Vision-Instruct", None),
        ("c4ai-aya-expanse-32b", None),
        ("gpt-5.1-codex", None),
        ("claude-sonnet-4-5", None),
    ],
)
def test_kind_of(model: str, reason: str | None) -> None:
    assert kind_of(model) == reason


@pytest.mark.parametrize(
    ("model", "maturity"),
    [
        ("gemini-exp-1206", "experimental"),
        ("grok-4.20-experimental-beta-0304-reasoning", "experimental"),
        ("gemini-3-pro-preview", "preview"),
        ("grok-4.20-beta", "preview"),
        ("gpt-4o-2024-08-06", "ga"),
        ("c4ai-aya-expanse-32b", "ga"),
        ("us-gov-west-1/amazon.titan-text-express-v1", "ga"),
    ],
)
def test_maturity_of(model: str, maturity: str) -> None:
    assert maturity_of(model) == maturity


def _row(model: str, **changes: object) -> dict[str, object]:
    return {"model": model, "mode": "chat", "input_mtok": 1.0, "output_mtok": 2.0, "deprecation_date": None, **changes}


def test_each_row_gets_its_first_reason() -> None:
    catalog = pd.DataFrame(
        [
            _row("gpt-4o"),
            _row("text-embedding-3-small", mode="embedding", output_mtok=None),
            _row("old-model", deprecation_date=date(2025, 1, 1)),
            _row("free-model", input_mtok=0.0, output_mtok=0.0),
            _row("priceless-model", input_mtok=None, output_mtok=None),
            _row("ft:gpt-4o:acme"),
            _row("gemini-3-pro-preview"),
        ]
    )
    chat = eligibility(catalog, "chat", previews=False, today=date(2025, 9, 1))
    assert chat["excluded_reason"].tolist() == [
        None,
        Reason.EMBEDDING,
        Reason.RETIRED,
        Reason.FREE,
        Reason.UNPRICED,
        Reason.NOT_PAYG,
        Reason.PREVIEW,
    ]
    assert chat["eligible"].tolist() == [True, False, False, False, False, False, False]
    # Previews when asked for, labelled; an embeddings workload takes only the embedding model.
    with_previews = eligibility(catalog, "chat", previews=True, today=date(2025, 9, 1))
    assert with_previews["eligible"].iloc[-1] and with_previews["maturity"].iloc[-1] == "preview"
    embeddings = eligibility(catalog, "embeddings", previews=False, today=date(2025, 9, 1))
    assert embeddings["eligible"].tolist() == [False, True, False, False, False, False, False]
    assert embeddings["excluded_reason"].iloc[0] == Reason.NOT_EMBEDDING
