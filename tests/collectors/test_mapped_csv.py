"""CSVs of unknown layout, read through a column mapping the user confirms; the mapping is reused."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from analysis.spend import summary
from collectors import IngestError, UnrecognisedFormat, ingest, source_from_path
from collectors.formats.mapped_csv import guess_mapping, mapping_problems
from db import read_usage
from db.column_mappings import save_mapping
from tests.conftest import FIXTURES

FILE = FIXTURES / "custom_gateway_export.csv"
HEADER = ["Created At", "Model Name", "Prompt Tokens", "Completion Tokens", "Cached", "Team", "Spend"]


def test_guesses_fill_what_the_header_says() -> None:
    guess = guess_mapping(HEADER)
    assert guess == {
        "timestamp": "Created At",
        "model": "Model Name",
        "input_tokens": "Prompt Tokens",
        "output_tokens": "Completion Tokens",
        "project": "Team",
        "cost_usd": "Spend",
    }
    # The file names no provider, and "Cached" is not a name exitplan can be sure of.
    assert mapping_problems(guess, HEADER) == ["map a column (or give a value) for provider"]


def test_unknown_csv_is_refused_with_its_header_so_it_can_be_mapped(ledger: Engine) -> None:
    with pytest.raises(UnrecognisedFormat) as caught:
        ingest(ledger, source_from_path(FILE))
    assert list(caught.value.header) == [name.lower() for name in HEADER]
    assert "map its columns on the Data page" in str(caught.value)


def _mapping(includes_cache: str = "true") -> dict[str, str]:
    return {
        **guess_mapping(HEADER),
        "provider": "=openai",
        "cached_input_tokens": "Cached",
        "input_includes_cache": includes_cache,
    }


def test_import_through_a_mapping(ledger: Engine) -> None:
    result = ingest(ledger, source_from_path(FILE), mapping=_mapping())
    assert (result.format, result.rows_accepted, result.rows_rejected) == ("mapped_csv", 3, 1)
    totals = summary(ledger).as_dict()
    assert totals["input_tokens"] == 1200 + 800 + 5000
    assert totals["cache_read_tokens"] == 200 + 1000
    assert totals["output_tokens"] == 300 + 100 + 700
    assert totals["reported_cost_usd"] == pytest.approx(0.0003 + 0.0002 + 0.0185)
    assert set(read_usage(ledger, ["project"])["project"]) == {"search", "support"}


def test_input_without_cache_is_made_canonical(ledger: Engine) -> None:
    ingest(ledger, source_from_path(FILE), mapping=_mapping(includes_cache="false"))
    assert summary(ledger).as_dict()["input_tokens"] == (1200 + 200) + 800 + (5000 + 1000)


def test_the_saved_mapping_is_reused_for_the_same_header(ledger: Engine, tmp_path) -> None:
    save_mapping(ledger, [name.upper() for name in reversed(HEADER)], _mapping())
    result = ingest(ledger, source_from_path(FILE))
    assert result.format == "mapped_csv" and result.rows_accepted == 3


def test_a_mapping_that_does_not_fit_is_a_clear_error(ledger: Engine) -> None:
    with pytest.raises(IngestError, match="the file has no column 'Tokens'"):
        ingest(ledger, source_from_path(FILE), mapping={**_mapping(), "input_tokens": "Tokens"})
