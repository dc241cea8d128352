"""``exitplan demo --remove``: the demo company goes, the user's own import stays."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from app.cli import app
from collectors.demo import load_demo
from collectors.files import ingest_files
from db import list_imports, open_ledger
from tests.conftest import FIXTURES

OWN = FIXTURES / "openai_usage_completions.json"
runner = CliRunner()


def test_demo_remove_takes_out_the_demo_and_keeps_the_user_s_import(ledger_url: str, tmp_path: Path) -> None:
    engine = open_ledger(ledger_url)
    load_demo(engine, tmp_path, date(2026, 10, 31))
    assert all(o.result is not None for o in ingest_files(engine, [OWN]))

    removed = runner.invoke(app, ["demo", "--remove", "--db", ledger_url])
    assert removed.exit_code == 0, removed.output
    assert removed.stdout == "The demo data is removed: 3 imports and 69 status-page incidents.\n"
    assert list(list_imports(engine)["source_name"]) == [str(OWN)]

    again = runner.invoke(app, ["demo", "--remove", "--db", ledger_url])
    assert again.exit_code == 0 and "The demo data is not in the ledger: nothing to remove." in again.stdout
