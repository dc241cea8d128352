"""The incidents factor on histories small enough to add up by hand: incidents started in the window,
the major ones, minutes during which something was open (overlaps counted once, clipped to the window,
an ongoing one until the end of today), and an incident imported twice counted once."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from sqlalchemy import Engine

from analysis.risk.incidents import SOURCE_COLUMNS, SUMMARY_COLUMNS, incident_sources, incident_summary
from collectors.status import parse_status_history, save_status_history
from db.incidents import list_incidents
from tests.conftest import FIXTURES

TODAY = date(2025, 12, 1)  # the 90 days: 2025-09-03 00:00 to 2025-12-02 00:00 UTC
IMPORTED = datetime(2025, 12, 1, 9)


def row(
    provider: str, incident_id: str, impact: str, started: str, resolved: str | None, **more: object
) -> dict[str, object]:
    return {
        "provider": provider,
        "incident_id": incident_id,
        "impact": impact,
        "started_at": pd.Timestamp(started),
        "resolved_at": pd.Timestamp(resolved) if resolved else pd.NaT,
        "source": f"https://status.{provider}.com",
        "imported_at": IMPORTED,
        **more,
    }


INCIDENTS = pd.DataFrame(
    [
        # Began the evening before the window: not counted, but its hour inside the window is.
        row("openai", "a", "minor", "2025-09-02 23:00", "2025-09-03 01:00"),
        row("openai", "b", "major", "2025-10-01 10:00", "2025-10-01 11:30"),
        # Overlaps b by half an hour: b and c together were 2 hours, not 2.5.
        row("openai", "c", "minor", "2025-10-01 11:00", "2025-10-01 12:00"),
        row("openai", "d", "critical", "2025-10-01 10:15", "2025-10-01 10:45"),
        # Still open: from noon yesterday to the end of today, 36 hours.
        row("openai", "e", "none", "2025-11-30 12:00", None),
        row("openai", "f", "minor", "2025-06-01 00:00", "2025-06-01 02:00"),
        # b again, from a file saved off the page earlier: counted once.
        row(
            "openai",
            "b",
            "major",
            "2025-10-01 10:00",
            "2025-10-01 11:30",
            source="openai.json",
            imported_at=datetime(2025, 11, 1),
        ),
        # Resolved after the end of today (as seen from `today`): open at its end, 30 minutes inside.
        row("anthropic", "g", "major", "2025-12-01 23:30", "2025-12-02 01:00"),
        # After today: nothing yet.
        row("anthropic", "h", "minor", "2025-12-03 08:00", None),
        row("google", "i", "major", "2025-01-01 00:00", "2025-01-01 05:00"),
    ]
)


def summary_of(frame: pd.DataFrame, days: int = 90) -> dict[str, dict[str, object]]:
    result = incident_summary(frame, TODAY, days)
    assert tuple(result.columns) == SUMMARY_COLUMNS
    return {r["provider"]: {k: v for k, v in r.items() if k != "provider"} for r in result.to_dict("records")}


def test_ninety_days_by_hand() -> None:
    assert summary_of(INCIDENTS) == {
        "anthropic": {
            "incidents": 1,
            "major_incidents": 1,
            "impact_minutes": 30.0,
            "ongoing": 1,
            "history_from": date(2025, 12, 1),
        },
        "google": {
            "incidents": 0,
            "major_incidents": 0,
            "impact_minutes": 0.0,
            "ongoing": 0,
            "history_from": date(2025, 1, 1),
        },
        # b, c, d, e; b and d major; 60 (a) + 120 (b, c, d) + 2,160 (e) minutes; e open.
        "openai": {
            "incidents": 4,
            "major_incidents": 2,
            "impact_minutes": 2340.0,
            "ongoing": 1,
            "history_from": date(2025, 6, 1),
        },
    }


def test_a_shorter_window() -> None:
    summary = summary_of(INCIDENTS, days=30)  # from 2025-11-02
    assert {p: (s["incidents"], s["major_incidents"], s["impact_minutes"]) for p, s in summary.items()} == {
        "anthropic": (1, 1, 30.0),
        "google": (0, 0, 0.0),
        "openai": (1, 0, 2160.0),
    }


def test_no_incidents_is_an_empty_summary_with_its_columns() -> None:
    empty = incident_summary(INCIDENTS.head(0), TODAY)
    assert empty.empty and tuple(empty.columns) == SUMMARY_COLUMNS
    assert incident_sources(INCIDENTS.head(0)).empty


def test_the_fixture_from_the_ledger(ledger: Engine) -> None:
    content = (FIXTURES / "statuspage_incidents.json").read_bytes()
    save_status_history(ledger, parse_status_history(content, "https://status.anthropic.com"))
    # today 2025-12-02: every incident is inside; the open one ran from 08:38 to midnight (922 minutes).
    summary = incident_summary(list_incidents(ledger), date(2025, 12, 2)).iloc[0]
    assert (summary["provider"], summary["incidents"], summary["major_incidents"]) == ("anthropic", 6, 3)
    minutes = [44 + 38.88 / 60, 108 + 51.009 / 60, 150, 34 + 25.435 / 60, 51 + 22.415 / 60, 922]
    assert summary["impact_minutes"] == pytest.approx(sum(minutes))
    assert summary["ongoing"] == 1 and summary["history_from"] == date(2025, 10, 12)


def test_sources_say_what_each_brought() -> None:
    sources = incident_sources(INCIDENTS)
    assert tuple(sources.columns) == SOURCE_COLUMNS
    assert sources[["source", "provider", "incidents", "ongoing"]].values.tolist() == [
        ["https://status.anthropic.com", "anthropic", 2, 1],
        ["https://status.google.com", "google", 1, 0],
        ["https://status.openai.com", "openai", 6, 1],
        ["openai.json", "openai", 1, 0],
    ]
    openai = sources.iloc[2]
    assert (openai["first_started"], openai["last_started"]) == (
        pd.Timestamp("2025-06-01"),
        pd.Timestamp("2025-11-30 12:00"),
    )
