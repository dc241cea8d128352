"""The Markdown report shown on the page as it reads in the file. ``reports.markdown`` escapes what users
name for any Markdown reader; Streamlit's Markdown reads two more characters its own way — ``$`` opens LaTeX
(and a report is full of dollar amounts), ``:`` opens a colour, an icon or an emoji (``:red[…]``,
``:material/home:``, ``:smile:``) — so the preview escapes those too. Its headings are set two levels down, so
the document sits under the page's own."""

from __future__ import annotations

import re

import streamlit as st

from reports.markdown import escape_markdown

__all__ = ["as_typed", "for_streamlit", "report_preview"]

# Tall enough for the summary's first screen; the rest of the report scrolls inside the frame.
HEIGHT_PX = 640
# A heading is a line of exitplan's own (a user's name never starts a line: ``reports.markdown``).
_HEADING = re.compile(r"^(#{1,4}) ", re.MULTILINE)
_STREAMLIT_OWN = re.compile(r"([$:])")
# A table's delimiter row, whose colons align its columns.
_DELIMITER_ROW = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")


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


def as_typed(name: str) -> str:
    """A name the user gave, for ``st.markdown`` or a heading to show as typed (never as an image, a link or
    a colour).

    >>> print(as_typed("![t](http://host/x.png) $1"))
    !\\[t\\](http\\://host/x.png) \\$1
    """
    return _STREAMLIT_OWN.sub(r"\\\1", escape_markdown(name))


def report_preview(report: bytes) -> None:
    """The Markdown report ``report`` (UTF-8) in a bordered frame that scrolls."""
    with st.container(border=True, height=HEIGHT_PX):
        st.markdown(for_streamlit(report.decode()), anchors=False)
