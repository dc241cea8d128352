"""Prompt samples, kept only when the user asks: which sources carry content and how to read it, redaction,
the seeded reservoir, and keeping samples from an imported log or a file of samples."""

from collectors.samples.content import CONTENT_FORMATS, answer_text, chat_messages
from collectors.samples.keeper import (
    DEFAULT_LIMIT,
    AddedSamples,
    KeptPrompts,
    PromptKeeping,
    add_sample_file,
    keep_prompts,
)
from collectors.samples.redaction import redact
from collectors.samples.reservoir import Reservoir, sample_key

__all__ = [
    "CONTENT_FORMATS",
    "DEFAULT_LIMIT",
    "AddedSamples",
    "KeptPrompts",
    "PromptKeeping",
    "Reservoir",
    "add_sample_file",
    "answer_text",
    "chat_messages",
    "keep_prompts",
    "redact",
    "sample_key",
]
