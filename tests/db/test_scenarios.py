"""Scenarios kept in the ledger by name: saved, replaced, listed newest first, deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from db.errors import InvalidInput
from db.scenarios import delete_scenario, get_scenario, list_scenarios, save_scenario


def test_save_replace_list_delete(ledger: Engine) -> None:
    assert get_scenario(ledger, "Plan A") is None and list_scenarios(ledger).empty
    save_scenario(ledger, "Plan A", '{"name": "Plan A", "moves": []}')
    save_scenario(ledger, "Plan B", '{"name": "Plan B"}')
    first = list_scenarios(ledger).set_index("name").loc["Plan A", "created_at"]
    save_scenario(ledger, "Plan A", '{"name": "Plan A", "moves": [1]}')
    stored = list_scenarios(ledger)
    assert stored["name"].tolist() == ["Plan A", "Plan B"]  # the most recently saved first
    assert get_scenario(ledger, "Plan A") == '{"name": "Plan A", "moves": [1]}'
    assert stored.set_index("name").loc["Plan A", "created_at"] == first
    assert delete_scenario(ledger, "Plan A") and not delete_scenario(ledger, "Plan A")
    assert list_scenarios(ledger)["name"].tolist() == ["Plan B"]
    with pytest.raises(InvalidInput, match="needs a name"):
        save_scenario(ledger, " ", "{}")
