"""OpenRouter's model list as catalog rows: per-token strings to per-million floats, flags, dates, sentinels."""

from __future__ import annotations

import json
import math
from datetime import date
from typing import Any

import pandas as pd
import pytest

from db.errors import InvalidInput
from pricing.catalog import CATALOG_COLUMNS, PRICE_FIELDS
from pricing.openrouter import openrouter_catalog
from tests.conftest import FIXTURES

AS_OF = date(2026, 11, 29)


@pytest.fixture(scope="module")
def catalog() -> pd.DataFrame:
    return openrouter_catalog((FIXTURES / "openrouter_models.json").read_bytes(), AS_OF)


def _row(catalog: pd.DataFrame, key: str) -> pd.Series:
    rows = catalog[catalog["key"] == key]
    assert len(rows) == 1, f"{key}: {len(rows)} rows"
    return rows.iloc[0]


def _prices(row: pd.Series) -> dict[str, float | None]:
    # NaN compares unequal to itself; None stands for "not given" in the expectations.
    return {field: None if math.isnan(row[field]) else row[field] for field in PRICE_FIELDS}


def test_columns_and_dtypes_are_the_catalogs(catalog: pd.DataFrame) -> None:
    assert list(catalog.columns) == list(CATALOG_COLUMNS)
    assert {name: str(dtype) for name, dtype in catalog.dtypes.items()} == CATALOG_COLUMNS


def test_one_row_per_priced_model_and_the_dynamic_one_left_out(catalog: pd.DataFrame) -> None:
    assert sorted(catalog["key"]) == [
        "anthropic/claude-sonnet-4.5",
        "meta-llama/llama-3.3-70b-instruct",
        "meta-llama/llama-3.3-70b-instruct:free",
        "openai/gpt-4o",
        "openai/text-embedding-3-small",
        "perplexity/sonar-reasoning-pro",
    ]
    assert set(catalog["source"]) == {"openrouter"}
    assert set(catalog["provider"]) == {"openrouter"}
    assert set(catalog["as_of"]) == {AS_OF}
    assert (catalog["model"] == catalog["key"]).all()
    assert catalog["family"].isna().all()


def test_cache_prices_per_million(catalog: pd.DataFrame) -> None:
    row = _row(catalog, "anthropic/claude-sonnet-4.5")
    assert _prices(row) == {
        "input_mtok": 3.0,
        "cache_read_mtok": 0.3,
        "cache_write_mtok": 3.75,
        "cache_write_1h_mtok": 6.0,
        "output_mtok": 15.0,
        "reasoning_mtok": None,
        "requests_kcount": None,
    }
    assert row["author"] == "anthropic"
    assert row["supports_caching"]


def test_long_context_override_becomes_a_cliff(catalog: pd.DataFrame) -> None:
    row = _row(catalog, "anthropic/claude-sonnet-4.5")
    assert row["long_context"] == {200_000: {"input_mtok": 6.0, "output_mtok": 22.5, "cache_read_mtok": 0.6}}
    assert row["tier_prices"] == {}
    assert _row(catalog, "openai/gpt-4o")["long_context"] == {}


def test_small_prices_convert_exactly(catalog: pd.DataFrame) -> None:
    row = _row(catalog, "meta-llama/llama-3.3-70b-instruct")
    # "0.00000032" per token is 0.32 per million exactly, with no float drift (Decimal, then float).
    assert (row["input_mtok"], row["output_mtok"]) == (0.1, 0.32)
    assert row["requests_kcount"] == 0.0
    assert math.isnan(row["cache_read_mtok"])
    assert not row["supports_caching"]
    assert _row(catalog, "openai/text-embedding-3-small")["input_mtok"] == 0.02


def test_free_model_is_zero_not_unknown(catalog: pd.DataFrame) -> None:
    row = _row(catalog, "meta-llama/llama-3.3-70b-instruct:free")
    assert (row["input_mtok"], row["output_mtok"]) == (0.0, 0.0)
    assert row["author"] == "meta-llama"
    assert pd.isna(row["max_output_tokens"])


def test_discount_applies_to_every_price(catalog: pd.DataFrame) -> None:
    row = _row(catalog, "openai/gpt-4o")
    # 2.5 / 10 / 1.25 per million, less the 20% discount.
    assert (row["input_mtok"], row["output_mtok"], row["cache_read_mtok"]) == (2.0, 8.0, 1.0)


def test_per_request_and_reasoning_prices(catalog: pd.DataFrame) -> None:
    row = _row(catalog, "perplexity/sonar-reasoning-pro")
    assert row["requests_kcount"] == 5.0  # $0.005 a request is $5 per thousand
    assert row["reasoning_mtok"] == 3.0
    assert (row["input_mtok"], row["output_mtok"]) == (2.0, 8.0)


def test_capability_flags(catalog: pd.DataFrame) -> None:
    flags = ["supports_tools", "supports_json_schema", "supports_reasoning", "supports_vision"]
    got = catalog.set_index("key")[flags].astype(object).to_dict("index")
    assert got["anthropic/claude-sonnet-4.5"] == dict.fromkeys(flags, True)
    assert got["openai/gpt-4o"] == {
        "supports_tools": True,
        "supports_json_schema": True,
        "supports_reasoning": False,
        "supports_vision": True,
    }
    assert got["meta-llama/llama-3.3-70b-instruct"] == {
        "supports_tools": True,
        "supports_json_schema": True,  # response_format only
        "supports_reasoning": False,
        "supports_vision": False,
    }
    assert got["perplexity/sonar-reasoning-pro"] == {
        "supports_tools": False,
        "supports_json_schema": False,
        "supports_reasoning": True,
        "supports_vision": True,
    }
    assert catalog["supports_batch"].isna().all()


def test_windows_modes_and_dates(catalog: pd.DataFrame) -> None:
    sonnet = _row(catalog, "anthropic/claude-sonnet-4.5")
    assert (sonnet["context_window"], sonnet["max_output_tokens"]) == (1_000_000, 64_000)
    assert sonnet["deprecation_date"] is None
    assert _row(catalog, "openai/gpt-4o")["deprecation_date"] == date(2027, 1, 14)
    assert _row(catalog, "perplexity/sonar-reasoning-pro")["deprecation_date"] == date(2026, 12, 31)
    assert _row(catalog, "openai/text-embedding-3-small")["mode"] == "embedding"
    assert set(catalog[catalog["key"] != "openai/text-embedding-3-small"]["mode"]) == {"chat"}


def test_open_weights_from_hugging_face_id(catalog: pd.DataFrame) -> None:
    assert _row(catalog, "meta-llama/llama-3.3-70b-instruct")["open_weights"]
    assert pd.isna(_row(catalog, "openai/gpt-4o")["open_weights"])


def test_dict_body_duplicates_and_odd_rows() -> None:
    body = {
        "data": [
            {"id": "a/one", "pricing": {"prompt": "0.000001", "completion": "0.000002"}},
            {"id": "a/one", "pricing": {"prompt": "0.000009", "completion": "0.000009"}},
            {"id": "a/no-pricing"},
            {"id": "a/half-dynamic", "pricing": {"prompt": "0.000001", "completion": "0.000002", "request": "-1"}},
            {"id": "a/unreadable", "pricing": {"prompt": "n/a", "completion": "0.000002"}},
            "not a model",
        ]
    }
    catalog = openrouter_catalog(body, AS_OF)
    assert catalog["key"].tolist() == ["a/one"]
    assert catalog["input_mtok"].tolist() == [1.0]
    # Without supported_parameters or modalities the flags are unknown, not False.
    assert pd.isna(catalog["supports_tools"].iloc[0]) and pd.isna(catalog["supports_vision"].iloc[0])


def test_empty_list_gives_an_empty_catalog() -> None:
    catalog = openrouter_catalog(json.dumps({"data": []}).encode(), AS_OF)
    assert catalog.empty and list(catalog.columns) == list(CATALOG_COLUMNS)


@pytest.mark.parametrize("body", [b"[]", b'{"models": []}', {"data": "x"}])
def test_not_a_model_list_is_refused(body: bytes | dict[str, Any]) -> None:
    with pytest.raises(InvalidInput, match="'data' list"):
        openrouter_catalog(body, AS_OF)
