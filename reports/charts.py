"""The report's one chart — what the company pays a month if nothing moves against under the scenario(s) —
as a plotly figure, drawn to a static PNG by kaleido with the system's Chromium.

Drawing is injected (a :class:`ChartRenderer`), because it needs a browser: where none can be started the
report is still complete, with the monthly figures as a table and a note where the chart would be.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import plotly.graph_objects as go

from reports.pack import ReportPack

__all__ = ["COLOURS", "Chart", "ChartRenderer", "as_written", "draw", "kaleido_png", "monthly_figure"]

# Staying in grey; the scenarios in colours that stay apart in print and for colour-blind readers.
BASELINE_COLOUR = "#7f7f7f"
COLOURS = ("#1f77b4", "#d95f02", "#7570b3", "#1b9e77")


def as_written(text: object) -> str:
    """A name as a chart must show it: as written. Plotly reads a few HTML tags in any label (``<b>``,
    ``<br>``, ``<a href>``), and names come from usage logs and from what users type, so a tag in one would
    be drawn as bold, a line break or a link; Plotly turns these three entities back into the characters.

    >>> as_written('<a href="https://x.example">tag</a> & <br>')
    '&lt;a href="https://x.example"&gt;tag&lt;/a&gt; &amp; &lt;br&gt;'
    """
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class ChartRenderer(Protocol):
    """Draws a plotly figure as PNG bytes of ``width`` × ``height`` CSS pixels."""

    def __call__(self, figure: Any, *, width: int, height: int) -> bytes: ...


def kaleido_png(figure: Any, *, width: int, height: int) -> bytes:
    """The figure as a PNG, by kaleido 1.x in the system's Chromium (found on PATH, e.g. /usr/bin/chromium),
    at twice the pixels for print."""
    # choreographer, which drives the browser for kaleido, logs a traceback for a message it skips; the
    # chart is drawn all the same, and a command's user must not read that as a failure.
    quiet = [logging.getLogger(name) for name in ("choreographer", "kaleido", "logistro")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        return bytes(figure.to_image(format="png", width=width, height=height, scale=2))
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


@dataclass(frozen=True)
class Chart:
    """A drawn chart, or the note that stands in its place."""

    png: bytes | None
    note: str | None


def draw(figure: Any, renderer: ChartRenderer | None, *, width: int = 900, height: int = 320) -> Chart:
    """``figure`` drawn by ``renderer``; without one, or when drawing fails, a note instead of the chart."""
    if renderer is None:
        return Chart(
            None, "Chart not drawn (charts were turned off); the monthly figures are in the Month by month table."
        )
    try:
        return Chart(renderer(figure, width=width, height=height), None)
    # Drawing starts a browser: a missing or broken one fails in many ways (not found, crashed, timed out,
    # refused a sandbox), none of which may stop the report, which carries the same figures as a table.
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        return Chart(
            None,
            f"Chart not drawn: no browser could draw it ({reason}). "
            "The monthly figures are in the Month by month table.",
        )


def monthly_figure(packs: Sequence[ReportPack]) -> Any:
    """Monthly cost, staying against each scenario: one line per distinct baseline, one per scenario."""
    figure = go.Figure()
    baselines: list[tuple[float, ...]] = []
    for pack in packs:
        values = tuple(round(m.baseline_usd, 2) for m in pack.months)
        if values in baselines:
            continue
        baselines.append(values)
        label = "Staying (baseline)" if len(packs) == 1 else f"Staying (baseline of {as_written(pack.name)})"
        figure.add_trace(
            go.Scatter(
                x=[m.month for m in pack.months],
                y=[m.baseline_usd for m in pack.months],
                name=label,
                mode="lines",
                line={"color": BASELINE_COLOUR, "dash": "dash" if len(baselines) > 1 else "solid", "width": 3},
            )
        )
    for index, pack in enumerate(packs):
        figure.add_trace(
            go.Scatter(
                x=[m.month for m in pack.months],
                y=[m.scenario_usd for m in pack.months],
                name=as_written(pack.name) if len(packs) > 1 else f"{as_written(pack.name)} (scenario)",
                mode="lines",
                line={"color": COLOURS[index % len(COLOURS)], "width": 3},
            )
        )
    figure.update_layout(
        template="plotly_white",
        title={"text": "Monthly cost: staying against moving", "x": 0.01, "font": {"size": 18}},
        yaxis={"title": "USD a month", "tickprefix": "$", "tickformat": ",.0f", "rangemode": "tozero"},
        xaxis={"tickformat": "%b %Y", "ticklabelstandoff": 6},
        legend={"orientation": "h", "y": -0.18, "x": 0.0},
        margin={"l": 70, "r": 20, "t": 50, "b": 60},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 13},
    )
    return figure
