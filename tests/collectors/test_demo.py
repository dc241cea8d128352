"""The demo company's data: deterministic, realistic in shape, imported through the user's pipeline."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from analysis.risk.incidents import incident_sources, incident_summary
from analysis.spend import priced_usage
from collectors.demo import (
    SOURCE_PREFIX,
    WORKLOADS,
    demo_in_ledger,
    load_demo,
    remove_demo,
    write_demo_files,
    write_demo_status_files,
)
from collectors.detect import detect
from collectors.files import ingest_files
from collectors.source import source_from_path
from db import delete_import, list_imports
from db.incidents import list_incidents, stored_sources
from tests.conftest import FIXTURES

END = date(2026, 10, 31)


def test_same_end_date_same_files(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in write_demo_files(tmp_path / "a", END)]
    second = [p.read_bytes() for p in write_demo_files(tmp_path / "b", END)]
    assert first == second


def test_files_are_real_export_formats(tmp_path: Path) -> None:
    names = {detect(source_from_path(p)).name for p in write_demo_files(tmp_path, END)}
    assert names == {"openai_usage_api", "exitplan_csv"}


def test_six_months_mostly_openai_across_the_workloads(ledger, tmp_path: Path) -> None:
    results = load_demo(ledger, tmp_path, END)
    assert all(r.rows_rejected == 0 and r.rows_accepted > 0 for r in results)
    priced = priced_usage(ledger, ["project", "feature"])
    assert not priced["unpriced"].any()
    days = priced["day"]
    assert (min(days), max(days)) == (date(2026, 5, 2), END)
    share = priced.groupby("provider")["spend_usd"].sum() / priced["spend_usd"].sum()
    assert 0.80 <= share["openai"] <= 0.90
    assert set(priced["model"]) >= {
        "gpt-4o-2024-08-06",
        "gpt-4o-mini-2024-07-18",
        "o3-mini-2025-01-31",
        "text-embedding-3-small",
    }
    assert 6 <= len(WORKLOADS) <= 8
    # Growth: the last month costs more than the first.
    months = priced.assign(month=[d.replace(day=1) for d in days]).groupby("month")["spend_usd"].sum()
    assert months.iloc[-1] > months.iloc[1]
    # Prompt caching and the batch API are in use.
    assert priced["cache_read_tokens"].sum() > 0 and priced["batch"].fillna(False).any()


def test_status_pages_same_end_date_same_files(tmp_path: Path) -> None:
    first = [p.read_bytes() for p in write_demo_status_files(tmp_path / "a", END)]
    second = [p.read_bytes() for p in write_demo_status_files(tmp_path / "b", END)]
    assert first == second and len(first) == 2


def test_both_vendors_had_incidents_over_the_six_months(ledger, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, END)
    stored = list_incidents(ledger)
    sources = incident_sources(stored)
    assert sources[["source", "provider", "incidents"]].values.tolist() == [
        ["demo/statuspage_anthropic_incidents.json", "anthropic", 40],
        ["demo/statuspage_openai_incidents.json", "openai", 29],
    ]
    assert stored["started_at"].min() >= pd.Timestamp("2026-05-02") and stored["resolved_at"].max() < pd.Timestamp(
        "2026-11-01"
    )
    assert stored["resolved_at"].notna().all() and (stored["resolved_at"] > stored["started_at"]).all()
    assert set(stored["impact"]) == {"none", "minor", "major", "critical"}
    # The Risk page has something to say about the last 90 days of each.
    summary = incident_summary(stored, END).set_index("provider")
    assert (summary["incidents"] > 5).all() and (summary["major_incidents"] > 0).all()
    # Loading again (after the demo's imports were deleted) replaces the histories, not adds to them.
    load_demo(ledger, tmp_path / "again", END)
    assert len(list_incidents(ledger)) == 69


OWN = FIXTURES / "openai_usage_completions.json"


def test_remove_demo_takes_out_the_demo_and_nothing_else(ledger, tmp_path: Path) -> None:
    assert all(o.result is not None for o in ingest_files(ledger, [OWN]))
    load_demo(ledger, tmp_path, END)
    assert demo_in_ledger(ledger)
    removed = remove_demo(ledger)
    assert removed.imports == 3 and removed.incidents > 0
    assert not demo_in_ledger(ledger)
    assert list(list_imports(ledger)["source_name"]) == [str(OWN)]
    assert not any(source.startswith(SOURCE_PREFIX) for source in stored_sources(ledger))
    assert remove_demo(ledger).imports == 0


def test_the_demo_s_incidents_count_as_demo_data_on_their_own(ledger, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, END)
    for import_id in list_imports(ledger)["id"]:
        delete_import(ledger, int(import_id))
    # Deleted by hand on the Data page, the imports leave the status pages' incidents: still the demo's.
    assert demo_in_ledger(ledger)
    assert remove_demo(ledger).incidents > 0 and not demo_in_ledger(ledger)
