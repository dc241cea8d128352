"""Cells a spreadsheet must not run: projects and workloads are named by users, and a name such as
``=HYPERLINK("http://x","y")`` in a CSV or XLSX cell would be a formula to Excel, LibreOffice and Sheets
(OWASP's "CSV injection"). Such text is neutralised with a leading apostrophe — the spreadsheet shows the
name as typed, as text, and nothing runs. HTML escapes instead (:func:`html.escape`)."""

from __future__ import annotations

__all__ = ["FORMULA_STARTS", "neutralise"]

# What a spreadsheet reads as the start of a formula (or, for tab and carriage return, what hides one
# after a cell break).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` safe for a spreadsheet cell: with a leading apostrophe where it starts as a formula would.

    >>> neutralise('=HYPERLINK("http://x","y")'), neutralise("-1"), neutralise("Support chat")
    ('\\'=HYPERLINK("http://x","y")', "'-1", 'Support chat')
    """
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
