"""genai_names.listed gives genai-prices' own answer, for every id it lists and ids it does not.

The fast path may only ever say "no" where genai-prices says no: every id is checked against the library's
own lookup, at its own provider and at others (where a fallback provider can list it).
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from genai_prices import data_snapshot, types

from pricing import genai_names
from pricing.litellm import vendored_catalog

_PROVIDERS = sorted(provider.id for provider in data_snapshot.get_snapshot().providers)
_HOSTS = ["openai", "anthropic", "azure", "aws", "google", "groq", "mistral", "openrouter", "together"]


def _ids() -> list[str]:
    """Every id genai-prices lists, the names its equality clauses match, LiteLLM's ids, and variants of
    some: other cases, a prefix or a suffix, a compact date."""
    ids = {info.id for provider in data_snapshot.get_snapshot().providers for info in provider.models}
    ids |= set(vendored_catalog()["model"])
    rng = random.Random(7)
    variants = set()
    for name in rng.sample(sorted(ids), 400):
        variants |= {name.upper(), f"{name}-prod", f"eu/{name}", f"{name}-20251211", name[: max(1, len(name) - 3)]}
    return sorted(ids | variants | {"m-0000001", "chat-prod", "", "GPT-4O"})


def test_the_answer_is_genai_prices_own_for_listed_and_unlisted_ids() -> None:
    rng = random.Random(11)
    ids = _ids()
    differing = []
    for model in ids:
        for provider in {*rng.sample(_PROVIDERS, 2), rng.choice(_HOSTS), "nowhere"}:
            if genai_names.listed(provider, model) != genai_names._looked_up(provider, model):
                differing.append((provider, model))
    assert differing == []
    assert len(ids) > 3000


@pytest.mark.parametrize(
    ("provider", "model", "listed"),
    [
        ("openai", "gpt-4o-2024-08-06", True),
        ("openai", "GPT-4o", True),
        ("anthropic", "claude-sonnet-4-5-20250929", True),
        ("openai", "m-0000001", False),
        ("openai", "request-7d1c9e", False),
        ("nowhere", "gpt-4o", False),
    ],
)
def test_known_answers(provider: str, model: str, listed: bool) -> None:
    assert genai_names.listed(provider, model) is listed


def test_an_id_no_clause_can_match_is_answered_without_asking_the_library(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of the module: a flood of unknown ids costs no lookups, and nothing is remembered per id."""
    asked: list[str] = []
    monkeypatch.setattr(types.Provider, "find_model", lambda *args, **kwargs: asked.append("find_model"))
    monkeypatch.setattr(
        data_snapshot.DataSnapshot, "find_provider_model", lambda *args: asked.append("find_provider_model")
    )
    assert not genai_names.listed("openai", "m-0000001")
    assert asked == []
    assert genai_names.listed("openai", "gpt-4o") is False and asked == ["find_model"]  # looked up: patched away


def test_the_clauses_are_those_of_the_snapshot_in_use() -> None:
    acme = types.Provider(
        id="acme",
        name="Acme",
        api_pattern=r"https://api\.acme\.example",
        models=[
            types.ModelInfo(
                id="acme-1",
                match=types.ClauseContains(contains="acme-1"),
                prices=types.ModelPrice(input_mtok=Decimal(1)),
            )
        ],
    )
    assert not genai_names.listed("acme", "acme-1-large")
    data_snapshot.set_custom_snapshot(data_snapshot.DataSnapshot(providers=[acme], from_auto_update=False))
    try:
        assert genai_names.listed("acme", "acme-1-large") and not genai_names.listed("openai", "gpt-4o")
    finally:
        data_snapshot.set_custom_snapshot(None)
    assert genai_names.listed("openai", "gpt-4o")
