"""The executive summary as a PDF (fpdf2): page one stands alone — the headline savings and their P10–P90
range, the recommendation in one sentence, the risk score before and after, one chart, the five assumptions
that matter most, the retirements that force a move, and what kind of estimate this is. The appendix holds
the per-workload table, the months, the moves, the assumptions register and the price sources.

Two to four scenarios make a comparison: page one compares them side by side, then each scenario's own
page one, then the appendices. Text is set in DejaVu Sans (Debian's fonts-dejavu-core; every character a
workload may be named with) where the system has it, else in the PDF's built-in Helvetica, which only holds
Latin-1 — then other characters are spelled out or replaced.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from analysis.money import usd, usd_together
from reports.charts import Chart, ChartRenderer, draw, kaleido_png, monthly_figure
from reports.pack import ReportPack, check_comparison
from reports.sentences import (
    assumptions_register,
    comparison_rows,
    comparison_verdict,
    contributor_words,
    day_words,
    directional_note,
    headline,
    key_assumptions,
    payback_words,
    recommendation,
    risk_words,
    shown,
    three_year_words,
)

__all__ = ["FONT_DIR", "pdf_report"]

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (31, 119, 180)
PALE = (234, 242, 250)
RULE = (206, 212, 218)
# At most this many forced retirements on page one; the rest are in the appendix's workload table.
FORCED_ON_PAGE_ONE = 6
_STYLES = (("", ""), ("B", "-Bold"), ("I", "-Oblique"))
_LATIN1 = str.maketrans({"→": "->", "–": "-", "—": "-", "…": "...", "’": "'", "‘": "'", "“": '"', "”": '"', "≥": ">="})


class _Document(FPDF):
    """A4 pages with the report's footer: what this is and the page number."""

    def __init__(self, label: str, fonts: Path | None) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.label = label
        self.family = "DejaVu" if fonts is not None else "helvetica"
        if fonts is not None:
            for style, suffix in _STYLES:
                self.add_font("DejaVu", style, str(fonts / f"DejaVuSans{suffix}.ttf"))
        self.unicode_font = fonts is not None
        self.set_margins(15, 14, 15)
        self.set_auto_page_break(True, margin=14)

    def t(self, text: str) -> str:
        """``text`` as the font can set it."""
        if self.unicode_font:
            return text
        return text.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, style: str = "", colour: tuple[int, int, int] = INK) -> None:
        self.set_font(self.family, style, size)
        self.set_text_color(*colour)

    def para(
        self, text: str, size: float = 10, style: str = "", colour: tuple[int, int, int] = INK, gap: float = 1.5
    ) -> None:
        self.font(size, style, colour)
        self.multi_cell(0, size * 0.47, self.t(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)

    def heading(self, text: str, size: float = 11) -> None:
        # A heading never ends a page: it goes with what follows it.
        if self.will_page_break(28):
            self.add_page(orientation="L" if self.w > self.h else "P")
        self.ln(1)
        self.font(size, "B", ACCENT)
        self.multi_cell(0, size * 0.5, self.t(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(0.8)

    def bullets(self, lines: Sequence[str], size: float = 9) -> None:
        self.font(size)
        for line in lines:
            self.set_x(self.l_margin + 1)
            self.cell(4, size * 0.46, "•" if self.unicode_font else "-")
            # multi_cell wraps at the x it starts from: the lines after the first hang under the text.
            self.multi_cell(0, size * 0.46, self.t(line), align="L", new_x="LMARGIN", new_y="NEXT")
            self.ln(0.6)

    def footer(self) -> None:
        self.set_y(-10)
        self.font(7.5, "", MUTED)
        self.cell(0, 4, self.t(f"{self.label} · page {self.page_no()} of {{nb}}"), align="R")

    def table_of(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        right: Sequence[int] = (),
        size: float = 8,
    ) -> None:
        """A table with a bold, shaded header row repeated on each page; columns in ``right`` right-aligned."""
        self.font(size)
        style = FontFace(emphasis="BOLD", fill_color=PALE, color=INK)
        with self.table(
            col_widths=tuple(widths),
            width=sum(widths),
            align="LEFT",
            line_height=size * 0.5,
            headings_style=style,
            borders_layout="HORIZONTAL_LINES",
            cell_fill_color=(246, 248, 250),
            cell_fill_mode="ROWS",
            padding=(0.8, 1.2),
        ) as table:
            first = table.row()
            for column, text in enumerate(header):
                first.cell(self.t(text), align="R" if column in right else "L")
            for values in rows:
                row = table.row()
                for column, text in enumerate(values):
                    row.cell(self.t(text), align="R" if column in right else "L")
        self.ln(2)


def _chart(doc: _Document, chart: Chart, height: float = 62) -> None:
    if chart.png is not None:
        doc.image(io.BytesIO(chart.png), x=doc.l_margin, w=doc.epw, h=height, keep_aspect_ratio=True)
        return
    doc.set_fill_color(*PALE)
    doc.font(9, "I", MUTED)
    doc.multi_cell(0, 5, doc.t(chart.note or ""), align="L", fill=True, new_x="LMARGIN", new_y="NEXT", padding=(2, 3))
    doc.ln(1)


def _summary_page(doc: _Document, pack: ReportPack, chart: Chart, generated_at: datetime) -> None:
    """Page one of one scenario: everything a reader needs without turning the page."""
    doc.add_page()
    doc.para(f"EXITPLAN · EXECUTIVE SUMMARY · generated {day_words(generated_at.date())}", 7.5, "", MUTED, gap=1)
    doc.para(f"{pack.name}: the business case for moving", 18, "B", INK, gap=2)
    doc.para(headline(pack), 14, "B", ACCENT, gap=0.8)
    doc.para(three_year_words(pack), 11.5, "B", INK, gap=1.2)
    today, horizon_end = usd_together([pack.today_monthly_usd, pack.baseline_monthly_usd])
    doc.para(
        f"One-time costs {usd(pack.one_time_usd)}; {payback_words(pack)}; NPV {usd(pack.npv_usd)} at "
        f"{pack.discount_rate:.0%} a year over {pack.horizon_months} months. These workloads cost {today} a month "
        f"today; staying would cost {horizon_end} a month by {pack.last_month:%b %Y}.{contributor_words(pack)}",
        9.5,
        gap=2,
    )
    doc.set_fill_color(*PALE)
    doc.font(10.5, "B")
    doc.multi_cell(
        0,
        5.2,
        doc.t(f"Recommendation: {recommendation(pack)}"),
        align="L",
        fill=True,
        new_x="LMARGIN",
        new_y="NEXT",
        padding=(2, 3),
    )
    doc.ln(2)
    doc.para(risk_words(pack), 11, "B", INK, gap=1.5)
    _chart(doc, chart)
    doc.heading("The five assumptions that matter most")
    doc.bullets([f"{k.name}: {k.value}" + (f" — {k.effect}" if k.effect else "") for k in key_assumptions(pack)])
    doc.heading("Retirements that force a move")
    forced = list(pack.forced)
    if not forced:
        doc.bullets(["None within the horizon: every model in use stays available."])
    else:
        shown_here = forced[:FORCED_ON_PAGE_ONE]
        more = len(forced) - len(shown_here)
        doc.bullets(shown_here + ([f"… and {more} more: see the appendix."] if more else []))
    doc.ln(1.5)
    doc.para(directional_note(pack), 8, "I", MUTED, gap=0)


def _comparison_page(doc: _Document, packs: Sequence[ReportPack], chart: Chart, generated_at: datetime) -> None:
    doc.add_page()
    doc.para(f"EXITPLAN · SCENARIOS COMPARED · generated {day_words(generated_at.date())}", 7.5, "", MUTED, gap=1)
    doc.para(f"{len(packs)} migration scenarios side by side", 18, "B", INK, gap=2)
    doc.set_fill_color(*PALE)
    doc.font(10.5, "B")
    doc.multi_cell(
        0, 5.2, doc.t(comparison_verdict(packs)), align="L", fill=True, new_x="LMARGIN", new_y="NEXT", padding=(2, 3)
    )
    doc.ln(2)
    header, rows = comparison_rows(packs)
    first = 46.0
    doc.table_of(
        header,
        rows,
        [first, *([(doc.epw - first) / len(packs)] * len(packs))],
        right=range(1, len(packs) + 1),
        size=8.5,
    )
    _chart(doc, chart, height=70)
    doc.ln(1)
    doc.para(directional_note(packs[0]), 8, "I", MUTED, gap=0)


def _appendix(doc: _Document, pack: ReportPack, prefix: str) -> None:
    doc.add_page(orientation="L")
    doc.para(f"Appendix{f' {prefix}' if prefix else ''}: {pack.name}", 14, "B", INK, gap=1)
    doc.heading("Workloads over the horizon")
    rows = []
    for line in pack.workloads:
        w = line.outcome
        base, plan, once, saved = usd_together([w.baseline_usd, w.scenario_usd, w.one_time_usd, w.savings_usd])
        latency = "–" if w.latency_before_s is None else f"{w.latency_before_s:.1f}"
        latency += f" → {w.latency_after_s:.1f}" if w.latency_after_s is not None and w.moved_to else ""
        risk = "—" if w.risk_before is None or w.risk_after is None else f"{w.risk_before:.0f} → {w.risk_after:.0f}"
        quality = w.quality_after if w.moved_to else w.quality_before
        moved = f"{w.moved_to} ({w.share:.0%})" if w.moved_to else "stays"
        rows.append([w.workload, moved, base, plan, once, saved, quality, latency, risk])
    doc.table_of(
        [
            "Workload",
            "Moves to",
            "Baseline",
            "Scenario",
            "One-time",
            "Savings",
            "Quality evidence",
            "p95 latency (s)",
            "Risk",
        ],
        rows,
        [44, 52, 23, 23, 20, 23, 34, 24, 24],
        right=(2, 3, 4, 5, 8),
    )
    if pack.forced:
        doc.heading("Retirements that force a move")
        doc.bullets(list(pack.forced))
    if pack.moves:
        doc.heading("Moves: when, and what they cost once")
        move_rows = []
        for line in pack.moves:
            move = line.inputs.move
            assert move is not None
            move_rows.append(
                [
                    line.name,
                    move.target,
                    f"{move.starts:%b %Y}",
                    f"{move.done:%b %Y}",
                    f"{move.engineering_days:g}",
                    usd(line.outcome.one_time_usd),
                    move.reason or "",
                ]
            )
        doc.table_of(
            ["Workload", "Target", "Starts", "Fully moved", "Eng. days", "One-time", "Why"],
            move_rows,
            [40, 48, 17, 20, 20, 20, 102],
            right=(4, 5),
            size=7.5,
        )
    if pack.stays:
        doc.heading("What stays, and why")
        doc.bullets(list(pack.stays))
    doc.heading("Month by month")
    months = [
        [f"{m.month:%b %Y}", *usd_together([m.baseline_usd, m.scenario_usd, m.one_time_usd, m.savings_usd])]
        for m in pack.months
    ]
    running = 0.0
    for row, month in zip(months, pack.months, strict=True):
        running += month.savings_usd
        row.append(usd(running))
    doc.table_of(
        ["Month", "Baseline", "Scenario", "One-time", "Savings", "Cumulative"],
        months,
        [30, 36, 36, 30, 36, 40],
        right=(1, 2, 3, 4, 5),
    )
    if pack.tornado:
        doc.heading("What moves the NPV most (each factor at its low and high setting, the rest at base)")
        doc.table_of(
            ["Factor", "NPV at low setting", "NPV at high setting"],
            [[name, usd(low), usd(high)] for name, low, high in pack.tornado],
            [120, 50, 50],
            right=(1, 2),
        )
    if pack.warnings:
        doc.heading("Warnings")
        doc.bullets(list(pack.warnings))
    doc.heading("Assumptions register")
    doc.table_of(
        ["Section", "Assumption", "Value", "Source"],
        [[a.section, a.name, shown(a.value, a.unit), a.source] for a in assumptions_register(pack)],
        [30, 82, 40, 115],
        size=7.5,
    )


def _sources(doc: _Document, pack: ReportPack) -> None:
    doc.heading("Price sources, in the order the price book consults them")
    doc.table_of(
        ["#", "Source", "As of", "What it supplies"],
        [
            [str(s.precedence), s.name, s.as_of.isoformat() if s.as_of else "its version", s.supplies]
            for s in pack.price_sources
        ],
        [10, 60, 30, 167],
    )
    doc.para(directional_note(pack), 8, "I", MUTED, gap=0)


def pdf_report(
    packs: Sequence[ReportPack],
    *,
    generated_at: datetime,
    charts: ChartRenderer | None = kaleido_png,
    font_dir: Path | None = None,
) -> bytes:
    """The PDF of one scenario (an executive summary) or of two to four compared; ``generated_at`` dates it
    (and is its only clock, so the same inputs give the same bytes); ``charts`` draws the chart (None: a note
    in its place); ``font_dir`` holds DejaVuSans*.ttf (default: Debian's), else Helvetica is used."""
    found = check_comparison(packs)
    fonts = font_dir if font_dir is not None else FONT_DIR
    usable = all((fonts / f"DejaVuSans{suffix}.ttf").is_file() for _, suffix in _STYLES)
    title = found[0].name if len(found) == 1 else " vs ".join(p.name for p in found)
    doc = _Document(f"exitplan · {title}", fonts if usable else None)
    doc.set_creation_date(generated_at)
    doc.set_title(doc.t(f"{title}: executive summary" if len(found) == 1 else f"Scenarios compared: {title}"))
    doc.set_author("exitplan")
    doc.set_creator("exitplan")
    doc.set_subject("LLM migration business case")
    chart = draw(monthly_figure(found), charts)
    if len(found) == 1:
        _summary_page(doc, found[0], chart, generated_at)
    else:
        _comparison_page(doc, found, chart, generated_at)
        for pack in found:
            _summary_page(doc, pack, Chart(None, "The chart of all the scenarios is on page one."), generated_at)
    for index, pack in enumerate(found):
        _appendix(doc, pack, chr(ord("A") + index) if len(found) > 1 else "")
    _sources(doc, found[0])
    return bytes(doc.output())
