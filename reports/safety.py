"""Cells a spreadsheet must not run: projects and workloads are named by users, and a name such as
``=HYPERLINK("http://x","y")`` in a CSV or XLSX cell would be a formula to Excel, LibreOffice and Sheets
(OWASP's "CSV injection"). Such text is neutralised with a leading apostrophe — the spreadsheet shows the
name as typed, as text, and nothing runs. HTML escapes instead (:func:`html.escape`).

Every CSV a user downloads or exports goes through here: :func:`safe_csv` for a table of text, such as the
rejected rows of an import (a rejected row is the user's file as it was, formulas included)."""

from __future__ import annotations

import pandas as pd

__all__ = ["FORMULA_STARTS", "neutralise", "safe_csv"]

# What a spreadsheet reads as the start of a formula (or, for tab and carriage return, what hides one
# after a cell break).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` safe for a spreadsheet cell: with a leading apostrophe where it starts as a formula would.

    >>> neutralise('=HYPERLINK("http://x","y")'), neutralise("-1"), neutralise("Support chat")
    ('\\'=HYPERLINK("http://x","y")', "'-1", 'Support chat')
    """
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def safe_csv(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text, every text cell neutralised; numbers stay numbers.

    >>> print(safe_csv(pd.DataFrame({"raw": ["=1+1", "ok"], "line": [2, 3]})), end="")
    raw,line
    '=1+1,2
    ok,3
    """
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(lambda value: neutralise(value) if isinstance(value, str) else value)
    return safe.to_csv(index=False)
