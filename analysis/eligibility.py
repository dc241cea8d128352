"""Eligibility: which catalog models can do a workload's task at all, before anything is ranked.

A price registry lists every model a host serves: safety classifiers, OCR and speech models, image
generators, agents, price tiers and free experimental endpoints sit beside the chat models. None of them
can take a support chat or a code review, however cheap. A candidate for a text-generation workload (chat,
RAG, summarisation, classification, code, reasoning) must be a chat or completion model that is none of
those; a candidate for an embeddings workload must be an embedding model. It must also have a paid price
(a $0 listing is a rate-limited free tier, not a home for production traffic), be a plain pay-as-you-go
id, not be retired, and be generally available — preview and experimental models only when the user asks
for them, and labelled.

Every excluded row keeps its reason, so a page can say how many were left out and why.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from pricing.book import paid_rows

__all__ = ["MATURITIES", "Reason", "eligibility", "kind_of", "maturity_of"]

MATURITIES = ("ga", "preview", "experimental")
TEXT_MODES = frozenset({"chat", "responses", "completion"})


class Reason:
    """Why a model is not a candidate, in the words a page shows (one count per reason)."""

    EMBEDDING = "an embedding model: it cannot answer"
    NOT_EMBEDDING = "not an embedding model"
    NOT_TEXT = "not a chat or completion model"
    GUARD = "a safety classifier (guard or moderation model)"
    OCR = "an OCR model"
    RERANK = "a reranker"
    SPEECH = "a speech or audio model"
    MEDIA = "an image, video or music generator"
    AGENT = "a special-purpose agent (computer use, deep research, robotics)"
    FIM = "a code-completion (fill-in-the-middle) model"
    PRICE_TIER = "a price tier, not a model"
    NOT_PAYG = "a fine-tuned or reserved-capacity id"
    UNPRICED = "no price listed"
    FREE = "only a free tier listed (no paid price)"
    PREVIEW = "a preview model (include previews to see it)"
    EXPERIMENTAL = "an experimental model (include previews to see it)"
    RETIRED = "retired already"


# What a model id says it is (first match wins). Word edges are "-", "_", ".", "/", "@" or ":".
_EDGE = r"(?:^|[-_./@:])"
_END = r"(?:$|[-_./@:])"
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (reason, re.compile(pattern, re.IGNORECASE))
    for reason, pattern in (
        (Reason.PRICE_TIER, r"up-to-\d+m|\d+m-to-\d+m"),
        (Reason.GUARD, r"guard|content-safety|shieldgemma|moderation"),
        (Reason.OCR, rf"ocr{_END}"),
        (Reason.RERANK, r"rerank"),
        (Reason.SPEECH, rf"whisper|{_EDGE}tts{_END}|-tts|audio|transcribe|realtime|voxtral|{_EDGE}speech"),
        (Reason.MEDIA, rf"{_EDGE}image{_END}|dall-e|flux-|stable-diffusion|sdxl|imagen|{_EDGE}veo|{_EDGE}sora|lyria"),
        (Reason.AGENT, r"computer-use|deep-research|robotics"),
        (Reason.FIM, rf"{_EDGE}fim{_END}"),
    )
)
_EXPERIMENTAL = re.compile(rf"{_EDGE}exp{_END}|experimental|{_EDGE}alpha{_END}", re.IGNORECASE)
_PREVIEW = re.compile(rf"preview|{_EDGE}beta{_END}", re.IGNORECASE)
_NOT_PAYG = re.compile(r"commitment|^ft:|/ft:", re.IGNORECASE)


def kind_of(model: str) -> str | None:
    """Why ``model`` cannot do text generation or embedding work by its name, or None.

    >>> kind_of("meta-llama/Llama-Guard-3-8B"), kind_of("paddlepaddle/paddleocr-vl"), kind_of("gpt-4o")
    ('a safety classifier (guard or moderation model)', 'an OCR model', None)
    >>> kind_of("gemini-3-pro-image-preview"), kind_of("gpt-4o-audio-preview"), kind_of("Qwen/Qwen2-VL-7B-Instruct")
    ('an image, video or music generator', 'a speech or audio model', None)
    """
    for reason, pattern in _KINDS:
        if pattern.search(model):
            return reason
    return None


def maturity_of(model: str) -> str:
    """``ga``, ``preview`` or ``experimental``, as the id says.

    >>> maturity_of("gemini-exp-1206"), maturity_of("gemini-3-pro-preview"), maturity_of("gpt-4o-2024-08-06")
    ('experimental', 'preview', 'ga')
    """
    if _EXPERIMENTAL.search(model):
        return "experimental"
    if _PREVIEW.search(model):
        return "preview"
    return "ga"


def eligibility(catalog: pd.DataFrame, task_category: str, *, previews: bool, today: date) -> pd.DataFrame:
    """``catalog`` (rows of :func:`analysis.models.model_catalog`) with ``maturity``, ``excluded_reason``
    (None when the row can be a candidate for a ``task_category`` workload) and ``eligible``.

    The first reason that applies is the one given, so each row is counted once.
    """
    frame = catalog.copy()
    models = frame["model"].astype(str)
    frame["maturity"] = models.map(maturity_of)
    reason = pd.Series([None] * len(frame), index=frame.index, dtype=object)

    def exclude(mask: pd.Series, why: str | pd.Series) -> None:
        take = mask & reason.isna()
        reason.loc[take] = why if isinstance(why, str) else why[take]

    embeddings = task_category == "embeddings"
    mode = frame["mode"].astype(str)
    if embeddings:
        exclude(mode != "embedding", Reason.NOT_EMBEDDING)
        # Embedding models that also take images embed text too; only a price tier is not a model.
        exclude(models.map(kind_of) == Reason.PRICE_TIER, Reason.PRICE_TIER)
    else:
        exclude(mode == "embedding", Reason.EMBEDDING)
        exclude(~mode.isin(TEXT_MODES), Reason.NOT_TEXT)
        exclude(pd.Series(True, index=frame.index), models.map(kind_of))
    exclude(models.str.contains(_NOT_PAYG), Reason.NOT_PAYG)
    exclude(frame["input_mtok"].isna() | (frame["output_mtok"].isna() & (mode != "embedding")), Reason.UNPRICED)
    exclude(~paid_rows(frame), Reason.FREE)
    retired = frame["deprecation_date"].map(lambda d: isinstance(d, date) and d <= today).astype(bool)
    exclude(retired, Reason.RETIRED)
    if not previews:
        exclude(frame["maturity"] == "preview", Reason.PREVIEW)
        exclude(frame["maturity"] == "experimental", Reason.EXPERIMENTAL)
    frame["excluded_reason"] = reason
    frame["eligible"] = reason.isna()
    return frame
