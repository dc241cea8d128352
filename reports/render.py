"""One entry for every scenario format: a page or a command builds the :class:`~reports.pack.ReportPack` of
each scenario once and asks for the bytes of each format, by its name.

>>> [f.name for f in SCENARIO_FORMATS.values()]
['pdf', 'xlsx', 'pptx', 'md', 'html']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from db.errors import InvalidInput
from reports.charts import ChartRenderer, kaleido_png
from reports.html_page import html_report
from reports.markdown import markdown_report
from reports.pack import ReportPack

__all__ = ["FOCUS_FORMAT", "SCENARIO_FORMATS", "ReportFormat", "file_name", "render_report"]


@dataclass(frozen=True)
class ReportFormat:
    """A format a report is exported in: its name (as ``--format`` takes it), file extension, media type
    (for a download) and what it is for."""

    name: str
    extension: str
    media_type: str
    label: str


SCENARIO_FORMATS = {
    f.name: f
    for f in (
        ReportFormat("pdf", ".pdf", "application/pdf", "PDF executive summary"),
        ReportFormat(
            "xlsx",
            ".xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Spreadsheet for finance (formulas)",
        ),
        ReportFormat(
            "pptx",
            ".pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "Slide deck",
        ),
        ReportFormat("md", ".md", "text/markdown; charset=utf-8", "Markdown, for a wiki"),
        ReportFormat("html", ".html", "text/html; charset=utf-8", "HTML page, for email"),
    )
}
FOCUS_FORMAT = ReportFormat("focus", ".csv", "text/csv; charset=utf-8", "FinOps FOCUS 1.2 CSV of the priced ledger")


def render_report(
    format_name: str,
    packs: Sequence[ReportPack],
    *,
    generated_at: datetime,
    charts: ChartRenderer | None = kaleido_png,
) -> bytes:
    """The bytes of ``packs``' report (one scenario, or two to four compared) in ``format_name``.

    ``generated_at`` is the report's only clock (same inputs and moment, same bytes); ``charts`` draws the
    PDF's and the HTML's chart (None leaves a note in its place; the deck's charts are PowerPoint's own).
    """
    # The PDF, spreadsheet and deck libraries (fpdf2, openpyxl, python-pptx, with Pillow) weigh ~40 MB: they
    # load when such a file is made, not in every command that reads this table (an import's memory budget).
    if format_name == "pdf":
        from reports.pdf import pdf_report

        return pdf_report(packs, generated_at=generated_at, charts=charts)
    if format_name == "xlsx":
        from reports.xlsx import xlsx_report

        return xlsx_report(packs, generated_at=generated_at)
    if format_name == "pptx":
        from reports.deck import deck_report

        return deck_report(packs, generated_at=generated_at)
    if format_name == "md":
        return markdown_report(packs, generated_at=generated_at)
    if format_name == "html":
        return html_report(packs, generated_at=generated_at, charts=charts)
    known = ", ".join(SCENARIO_FORMATS)
    raise InvalidInput(f"no report format {format_name!r}: one of {known} (focus exports the ledger, not a scenario)")


def file_name(names: Sequence[str], format_name: str) -> str:
    """A file name for the report of the scenarios ``names``: their names, made safe for any file system.

    >>> file_name(["Plan A"], "pdf"), file_name(["Plan A", "Plan/B"], "xlsx"), file_name([], "focus")
    ('exitplan-plan-a.pdf', 'exitplan-plan-a-vs-plan-b.xlsx', 'exitplan-ledger-focus.csv')
    """
    if format_name == FOCUS_FORMAT.name:
        return f"exitplan-ledger-focus{FOCUS_FORMAT.extension}"
    stem = "-vs-".join(re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "scenario" for name in names)
    return f"exitplan-{stem[:120]}{SCENARIO_FORMATS[format_name].extension}"
