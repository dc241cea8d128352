"""Incident histories and risk weights as the ledger keeps them: incidents replaced by the page or file
they came from, read back typed (naive UTC times, NaT while ongoing, components as lists); weights saved
per factor, loaded as a dict, reset to nothing."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from db.errors import InvalidInput, UserError
from db.incidents import INCIDENT_COLUMNS, delete_incidents, list_incidents, replace_incidents
from db.risk_weights import load_risk_weights, reset_risk_weights, save_risk_weights

PAGE = "https://status.openai.com"


def incident(incident_id: str, started: datetime, resolved: datetime | None, **more: object) -> dict[str, object]:
    return {
        "provider": "openai",
        "incident_id": incident_id,
        "name": f"Elevated errors ({incident_id})",
        "impact": "minor",
        "status": "resolved" if resolved else "investigating",
        "started_at": started,
        "resolved_at": resolved,
        "components": ["Chat Completions", "Files, uploads"],
        **more,
    }


def test_incidents_are_replaced_by_source_and_read_back_typed(ledger: Engine) -> None:
    first = [
        incident("a1", datetime(2025, 9, 1, 10), datetime(2025, 9, 1, 11, 30)),
        incident("a2", datetime(2025, 9, 3, 8), None, components=[]),
    ]
    assert replace_incidents(ledger, PAGE, first) == 2
    other = incident("a1", datetime(2025, 8, 1), datetime(2025, 8, 1, 2), provider="anthropic", impact="major")
    assert replace_incidents(ledger, "anthropic.json", [other]) == 1  # the same page id from another source

    stored = list_incidents(ledger)
    assert list(stored.columns) == ["id", "provider", "source", *INCIDENT_COLUMNS[1:], "imported_at"]
    assert stored[["source", "incident_id", "impact"]].values.tolist() == [
        ["anthropic.json", "a1", "major"],
        [PAGE, "a1", "minor"],
        [PAGE, "a2", "minor"],
    ]
    assert stored["started_at"].tolist() == [datetime(2025, 8, 1), datetime(2025, 9, 1, 10), datetime(2025, 9, 3, 8)]
    assert str(stored["resolved_at"].dtype).startswith("datetime64") and pd.isna(stored["resolved_at"].iloc[2])
    assert stored["components"].tolist() == [["Chat Completions", "Files, uploads"]] * 2 + [[]]
    assert stored["imported_at"].notna().all()

    # A new import of the page replaces what it brought before, and only that.
    assert replace_incidents(ledger, PAGE, [incident("a2", datetime(2025, 9, 3, 8), datetime(2025, 9, 3, 9))]) == 1
    stored = list_incidents(ledger)
    assert stored[["source", "incident_id"]].values.tolist() == [["anthropic.json", "a1"], [PAGE, "a2"]]
    assert stored["resolved_at"].iloc[1] == datetime(2025, 9, 3, 9)

    assert delete_incidents(ledger, "nothing.json") == 0
    assert delete_incidents(ledger, PAGE) == 1
    assert delete_incidents(ledger) == 1 and list_incidents(ledger).empty


def test_an_empty_ledger_lists_no_incidents_with_every_column(ledger: Engine) -> None:
    stored = list_incidents(ledger)
    assert stored.empty and "components" in stored.columns and "started_at" in stored.columns
    assert replace_incidents(ledger, PAGE, []) == 0


def test_a_failed_import_leaves_what_was_stored(ledger: Engine) -> None:
    replace_incidents(ledger, PAGE, [incident("a1", datetime(2025, 9, 1), datetime(2025, 9, 1, 1))])
    twice = [incident("b1", datetime(2025, 9, 2), None)] * 2  # the page's id twice: one transaction, undone
    with pytest.raises(IntegrityError):
        replace_incidents(ledger, PAGE, twice)
    assert list_incidents(ledger)["incident_id"].tolist() == ["a1"]


def test_risk_weights_are_saved_per_factor_and_reset(ledger: Engine) -> None:
    assert load_risk_weights(ledger) == {}
    save_risk_weights(ledger, {"concentration": 2.0, "incidents": 0.5})
    save_risk_weights(ledger, {"incidents": 1, "deprecation": 0.0})
    assert load_risk_weights(ledger) == {"concentration": 2.0, "deprecation": 0.0, "incidents": 1.0}
    save_risk_weights(ledger, {})
    assert len(load_risk_weights(ledger)) == 3
    reset_risk_weights(ledger)
    assert load_risk_weights(ledger) == {}


@pytest.mark.parametrize("weights", [{"incidents": -1.0}, {"incidents": float("nan")}, {"": 1.0}, {"x": "2"}])
def test_a_weight_that_cannot_be_used_is_refused_and_nothing_saved(ledger: Engine, weights: dict[str, float]) -> None:
    save_risk_weights(ledger, {"concentration": 2.0})
    with pytest.raises(InvalidInput) as caught:
        save_risk_weights(ledger, {"exit_options": 1.0, **weights})
    assert isinstance(caught.value, UserError) and "\n" not in str(caught.value)
    assert load_risk_weights(ledger) == {"concentration": 2.0}


def test_components_are_names_one_or_many(ledger: Engine) -> None:
    rows = [
        incident("a", datetime(2025, 9, 1), None, components="[API]"),
        incident("b", datetime(2025, 9, 2), None, components=("API", "Batch")),
        incident("c", datetime(2025, 9, 3), None, components=None),
    ]
    replace_incidents(ledger, PAGE, rows)
    assert list_incidents(ledger)["components"].tolist() == [["[API]"], ["API", "Batch"], []]
    with pytest.raises(TypeError):
        replace_incidents(ledger, PAGE, [incident("d", datetime(2025, 9, 4), None, components=3)])
