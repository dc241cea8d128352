"""Shared fixtures: a fresh ledger per test, and the sample files in tests/fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db import open_ledger

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def ledger_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ledger.db'}"


@pytest.fixture
def ledger(ledger_url: str) -> Iterator[Engine]:
    engine = open_ledger(ledger_url)
    yield engine
    engine.dispose()


def sample(name: str) -> Path:
    """A sample usage file copied from shared/formats/samples into tests/fixtures."""
    return FIXTURES / name
