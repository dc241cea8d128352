"""The Markdown report shown on the page as it reads in the file. ``reports.markdown`` escapes what users
name for any Markdown reader; Streamlit's Markdown reads two more characters its own way — ``$`` opens LaTeX
(and a report is full of dollar amounts), ``:`` opens a colour, an icon or an emoji (``:red[…]``,
``:material/home:``, ``:smile:``) — so the preview escapes those too. Its headings are set two levels down, so
the document sits under the page's own; the chart the PDF and the HTML draw is drawn where Markdown points to
its table instead."""

from __future__ import annotations

import re
from typing import Any

import streamlit as st

__all__ = ["around_chart", "for_streamlit", "report_preview"]

# Tall enough for the summary's first screen; the rest of the report scrolls inside the frame.
HEIGHT_PX = 640
# A heading is a line of exitplan's own (a user's name never starts a line: ``reports.markdown``).
_HEADING = re.compile(r"^(#{1,4}) ", re.MULTILINE)
_STREAMLIT_OWN = re.compile(r"([$:])")
# A table's delimiter row, whose colons align its columns.
_DELIMITER_ROW = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")
# Where ``reports.markdown`` writes a pointer to the monthly table in the chart's place (its ChartSlot).
_CHART_PLACE = re.compile(r"^_The monthly cost of staying and of moving is in the Month by month table below\._$", re.M)


def for_streamlit(markdown: str) -> str:
    """``markdown`` as ``st.markdown`` shows it under a page's heading: every ``$`` and ``:`` escaped (an
    escaped punctuation mark is that mark to any Markdown reader) but a table's alignment, each heading two
    levels down.

    >>> print(for_streamlit("# Plan A: moving\\n\\nSaves $1,200 a month (P10–P90 $300–$2,000)\\n|---|---:|"))
    ### Plan A\\: moving
    <BLANKLINE>
    Saves \\$1,200 a month (P10–P90 \\$300–\\$2,000)
    |---|---:|
    """
    lines = (line if _DELIMITER_ROW.match(line) else _STREAMLIT_OWN.sub(r"\\\1", line) for line in markdown.split("\n"))
    return _HEADING.sub(r"##\1 ", "\n".join(lines))


def around_chart(markdown: str) -> tuple[str, str | None]:
    """``markdown`` before the chart's place and after it (None: it has no place for the chart).

    >>> around_chart("a\\n\\n_The monthly cost of staying and of moving is in the Month by month table below._\\n\\nb")
    ('a\\n\\n', '\\n\\nb')
    """
    parts = _CHART_PLACE.split(markdown, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (markdown, None)


def report_preview(report: bytes, chart: Any, *, key: str) -> None:
    """The Markdown report ``report`` (UTF-8) in a bordered frame that scrolls, with ``chart`` (a plotly figure:
    the report's own) where the files draw it."""
    before, after = around_chart(report.decode())
    with st.container(border=True, height=HEIGHT_PX):
        st.markdown(for_streamlit(before), anchors=False)
        st.plotly_chart(chart, key=key)
        if after is not None:
            st.markdown(for_streamlit(after), anchors=False)
