"""The Models page's pure pieces: the user's mix, catalog filters, retiring flags, price steps, override
checks — on hand-made frames with hand-computed expectations."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.models import (
    DEFAULT_INPUT_SHARE,
    Mix,
    catalog_at_mix,
    filter_catalog,
    flag_retiring,
    input_share,
    models_at,
    override_problems,
    price_steps,
    usage_mix,
)
from collectors import ingest, source_from_bytes
from db.price_overrides import PriceOverride


def _catalog() -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            ("anthropic", "claude-sonnet-4-5", "claude-sonnet-4-5", "anthropic", 200_000, True, True, False),
            ("aws", "anthropic.claude-sonnet-4-5", "claude-sonnet-4-5", "anthropic", 200_000, True, None, False),
            ("openai", "gpt-4o", "gpt-4o", "openai", 128_000, True, True, False),
            ("together", "meta-llama/Llama-3.3-70B", "llama-3.3-70b", "meta", 131_072, True, False, True),
            ("groq", "llama-3.1-8b-instant", "llama-3.1-8b", "meta", None, None, None, True),
            ("azure", "gpt-4o", "gpt-4o", "openai", 128_000, True, True, False),
            ("azure", "gpt-4o", "gpt-4o", "openai", 128_000, True, True, False),
        ],
        columns=[
            "provider",
            "model",
            "family",
            "author",
            "context_window",
            "supports_tools",
            "supports_vision",
            "open_weights",
        ],
    )
    frame["context_window"] = frame["context_window"].astype("Int64")
    for name in ("supports_tools", "supports_vision", "open_weights"):
        frame[name] = frame[name].astype("boolean")
    return frame


def test_no_filter_keeps_every_row() -> None:
    assert len(filter_catalog(_catalog())) == 7


def test_filters_combine() -> None:
    catalog = _catalog()
    anthropic = filter_catalog(catalog, authors=["anthropic"])
    assert list(anthropic["provider"]) == ["anthropic", "aws"]
    # A capability the registry does not state (NA) does not pass.
    assert list(filter_catalog(catalog, authors=["anthropic"], capabilities=["supports_vision"])["provider"]) == [
        "anthropic"
    ]
    with_both = filter_catalog(catalog, capabilities=["supports_tools", "supports_vision"])
    assert list(with_both["model"]) == ["claude-sonnet-4-5", "gpt-4o", "gpt-4o", "gpt-4o"]
    assert list(filter_catalog(catalog, providers=["groq", "together"])["author"]) == ["meta", "meta"]
    # An unknown context window is not assumed large.
    long_context = filter_catalog(catalog, min_context=130_000)
    assert list(long_context["model"]) == [
        "claude-sonnet-4-5",
        "anthropic.claude-sonnet-4-5",
        "meta-llama/Llama-3.3-70B",
    ]
    assert list(filter_catalog(catalog, open_weights_only=True)["provider"]) == ["together", "groq"]
    assert list(filter_catalog(catalog, search="  LLAMA-3.3 ")["provider"]) == ["together"]
    assert len(filter_catalog(catalog, search="anthropic")) == 2  # the author matches too
    assert filter_catalog(catalog, authors=["meta"], providers=["openai"]).empty


def test_the_catalog_at_a_mix_is_filtered_and_blended() -> None:
    catalog = _catalog().assign(input_mtok=[3.0, 3.0, 2.5, 0.88, 0.05, 2.5, None], output_mtok=15.0)
    shown = catalog_at_mix(catalog, Mix(0.8, measured=True), authors=["openai"])
    assert list(shown["provider"]) == ["openai", "azure", "azure"]
    assert shown["blended_mtok"].iloc[0] == pytest.approx(2.5 * 0.8 + 15.0 * 0.2)
    assert pd.isna(shown["blended_mtok"].iloc[2]), "no input price: no blended price, never a guess"
    everything = catalog_at_mix(catalog, Mix(DEFAULT_INPUT_SHARE, measured=False))
    assert len(everything) == 7
    assert everything["blended_mtok"].iloc[4] == pytest.approx(0.05 * 0.75 + 15.0 * 0.25)


def test_models_at_a_host_are_distinct_and_sorted() -> None:
    assert models_at(_catalog(), "azure") == ["gpt-4o"]
    assert models_at(_catalog(), "nowhere") == []


def test_input_share_leaves_out_models_that_do_not_answer() -> None:
    models = pd.DataFrame({"input_tokens": [900, 300, 10_000], "output_tokens": [100, 100, 0]})
    assert input_share(models) == pytest.approx(1200 / 1400)
    assert input_share(models.iloc[[2]]) is None


def test_usage_mix_of_the_last_30_days(ledger: Engine) -> None:
    assert usage_mix(ledger).input_share == DEFAULT_INPUT_SHARE
    assert not usage_mix(ledger).measured
    rows = (
        "date,provider,model,input_tokens,output_tokens\n"
        "2026-08-01,openai,gpt-4o,1000,9000\n"  # more than 30 days before the last day: left out
        "2026-10-02,openai,gpt-4o,600,200\n"  # the window's first day
        "2026-10-31,openai,gpt-4o,300,100\n"
        "2026-10-31,openai,text-embedding-3-small,50000,0\n"
    )
    ingest(ledger, source_from_bytes("usage.csv", rows.encode()))
    mix = usage_mix(ledger)
    assert mix.measured
    assert (mix.window_start, mix.window_end) == (date(2026, 10, 2), date(2026, 10, 31))
    assert mix.input_share == pytest.approx(900 / 1200)
    assert mix.output_share == pytest.approx(300 / 1200)


def test_flag_retiring_includes_past_dates() -> None:
    calendar = pd.DataFrame({"model": ["a", "b", "c", "d"], "days_left": [-8, 0, 180, 181]})
    assert flag_retiring(calendar)["retiring_soon"].tolist() == [True, True, True, False]
    assert flag_retiring(calendar, within_days=30)["retiring_soon"].tolist() == [True, True, False, False]
    empty = pd.DataFrame({"model": [], "days_left": pd.Series([], dtype=object)})
    assert flag_retiring(empty)["retiring_soon"].tolist() == []


def test_price_steps_reach_today_and_place_undated_prices() -> None:
    history = pd.DataFrame(
        [
            ("genai-prices", None, 3.0, 15.0),
            ("litellm", date(2026, 6, 1), 3.0, 15.0),
            ("litellm", date(2026, 9, 1), 2.5, None),
        ],
        columns=["source", "as_of", "input_mtok", "output_mtok"],
    )
    steps = price_steps(history, date(2026, 11, 29))
    days = steps["as_of"].dt.date
    got = set(zip(steps["source"], steps["price"], days, steps["usd_mtok"], strict=True))
    assert got == {
        # No start date: drawn from the earliest dated price, then carried to today.
        ("genai-prices", "input", date(2026, 6, 1), 3.0),
        ("genai-prices", "input", date(2026, 11, 29), 3.0),
        ("genai-prices", "output", date(2026, 6, 1), 15.0),
        ("genai-prices", "output", date(2026, 11, 29), 15.0),
        ("litellm", "input", date(2026, 6, 1), 3.0),
        ("litellm", "input", date(2026, 9, 1), 2.5),
        ("litellm", "input", date(2026, 11, 29), 2.5),
        # The snapshot without an output price draws no output step.
        ("litellm", "output", date(2026, 6, 1), 15.0),
    }
    assert list(steps.columns) == ["source", "as_of", "price", "usd_mtok"]
    assert price_steps(history.iloc[:0], date(2026, 11, 29)).empty


def test_price_steps_on_the_day_of_the_only_price() -> None:
    history = pd.DataFrame(
        [("litellm", date(2026, 11, 29), 1.0, 2.0)], columns=["source", "as_of", "input_mtok", "output_mtok"]
    )
    assert len(price_steps(history, date(2026, 11, 29))) == 2  # input and output, nothing carried


@pytest.mark.parametrize(
    ("override", "problems"),
    [
        (PriceOverride("openai", discount_pct=10), []),
        (PriceOverride("openai", model="gpt-4o", input_mtok=0.0, output_mtok=8.0), []),
        (PriceOverride("openai"), ["Give a discount or at least one price."]),
        (PriceOverride("", discount_pct=10), ["Say which provider the price is for."]),
        (PriceOverride("openai", discount_pct=0), ["The discount must be above 0% and below 100%."]),
        (PriceOverride("openai", discount_pct=100), ["The discount must be above 0% and below 100%."]),
        (PriceOverride("openai", cache_read_mtok=-0.1), ["Prices cannot be negative."]),
    ],
)
def test_override_problems(override: PriceOverride, problems: list[str]) -> None:
    assert override_problems(override) == problems
