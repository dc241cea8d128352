"""The incidents factor of dependency risk: how often each vendor's status page reported trouble, how much
of it was major, and for how long something was wrong.

Works on the frame ``db.incidents.list_incidents`` returns (provider, incident_id, impact, started_at,
resolved_at, source, imported_at; times naive UTC, ``resolved_at`` NaT while ongoing). An incident that
came in from two sources (a page fetched and a file saved from it) is counted once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd

__all__ = ["MAJOR_IMPACTS", "SOURCE_COLUMNS", "SUMMARY_COLUMNS", "incident_sources", "incident_summary"]

# The impacts that count as a major incident: the vendor said much or all of a service was down.
MAJOR_IMPACTS: tuple[str, ...] = ("major", "critical")
SUMMARY_COLUMNS: tuple[str, ...] = (
    "provider",
    "incidents",
    "major_incidents",
    "impact_minutes",
    "ongoing",
    "history_from",
)
SOURCE_COLUMNS: tuple[str, ...] = (
    "source",
    "provider",
    "incidents",
    "first_started",
    "last_started",
    "ongoing",
    "imported_at",
)


def _distinct(incidents: pd.DataFrame) -> pd.DataFrame:
    """One row per (provider, incident): the newest import's, when two sources brought the same one."""
    if "incident_id" not in incidents.columns:
        return incidents
    ordered = incidents.sort_values("imported_at", kind="stable") if "imported_at" in incidents else incidents
    return ordered.drop_duplicates(["provider", "incident_id"], keep="last")


def incident_summary(incidents: pd.DataFrame, today: date, days: int = 90) -> pd.DataFrame:
    """Per provider with any incident stored: over the ``days`` days ending with ``today`` (UTC),

    - ``incidents``: incidents that started in them, and ``major_incidents``, those rated major or critical;
    - ``impact_minutes``: minutes during which at least one incident was open, within those days (two at
      once count once; one that began before them counts from their start; one still open counts until
      the end of ``today``);
    - ``ongoing``: incidents not resolved by the end of ``today``;
    - ``history_from``: the day of the provider's earliest stored incident, so a short history shows.

    >>> frame = pd.DataFrame({"provider": ["openai"], "impact": ["major"],
    ...                       "started_at": [pd.Timestamp("2025-11-30 23:00")], "resolved_at": [pd.NaT]})
    >>> incident_summary(frame, date(2025, 12, 1)).iloc[0].to_dict()["impact_minutes"]
    1500.0
    """
    end = datetime(today.year, today.month, today.day) + timedelta(days=1)
    start = end - timedelta(days=days)
    if incidents.empty:
        return pd.DataFrame({name: pd.Series(dtype=_dtype(name)) for name in SUMMARY_COLUMNS})
    frame = _distinct(incidents)
    started = pd.to_datetime(frame["started_at"])
    # Open until it was resolved, or until the end of today while it is not.
    resolved = pd.to_datetime(frame["resolved_at"])
    closes = resolved.where(resolved.notna() & (resolved <= end), pd.Timestamp(end))
    window = (started >= start) & (started < end)
    major = frame["impact"].isin(MAJOR_IMPACTS)
    open_at_end = (started < end) & (resolved.isna() | (resolved > end))

    # Union of each provider's open intervals within the window: sorted by start, each adds what it reaches
    # past the furthest end of those before it. ``closes`` is never past the window's end, so an interval
    # that starts after it, or ends before the window, is empty and dropped.
    opens = started.where(started >= start, pd.Timestamp(start))
    spans = pd.DataFrame({"provider": frame["provider"], "start": opens, "end": closes})
    spans = spans[spans["end"] > spans["start"]].sort_values(["provider", "start"], kind="stable")
    reached = spans.groupby("provider")["end"].transform(lambda ends: ends.cummax().shift())
    begins = spans["start"].where(reached.isna() | (spans["start"] > reached), reached)
    minutes = ((spans["end"] - begins).dt.total_seconds().clip(lower=0) / 60).groupby(spans["provider"]).sum()

    summary = pd.DataFrame(
        {
            "incidents": window.groupby(frame["provider"]).sum(),
            "major_incidents": (window & major).groupby(frame["provider"]).sum(),
            "impact_minutes": minutes,
            "ongoing": open_at_end.groupby(frame["provider"]).sum(),
            "history_from": started.groupby(frame["provider"]).min().dt.date,
        }
    )
    summary["impact_minutes"] = summary["impact_minutes"].fillna(0.0).astype("float64")
    for name in ("incidents", "major_incidents", "ongoing"):
        summary[name] = summary[name].astype("int64")
    return (
        summary.rename_axis("provider").reset_index().sort_values("provider", ignore_index=True)[list(SUMMARY_COLUMNS)]
    )


def _dtype(name: str) -> str:
    if name == "impact_minutes":
        return "float64"
    return "int64" if name in ("incidents", "major_incidents", "ongoing") else "object"


def incident_sources(incidents: pd.DataFrame) -> pd.DataFrame:
    """What each source (a status page's URL or a file) brought: its provider, how many incidents, the
    first and last of their starts, how many are still open, and when it was imported; sorted by source."""
    if incidents.empty:
        return pd.DataFrame({name: pd.Series(dtype="object") for name in SOURCE_COLUMNS})
    grouped = incidents.assign(open=pd.to_datetime(incidents["resolved_at"]).isna()).groupby("source")
    sources = grouped.agg(
        provider=("provider", "first"),
        incidents=("provider", "size"),
        first_started=("started_at", "min"),
        last_started=("started_at", "max"),
        ongoing=("open", "sum"),
        imported_at=("imported_at", "max"),
    )
    sources["ongoing"] = sources["ongoing"].astype("int64")
    return sources.reset_index()[list(SOURCE_COLUMNS)]
