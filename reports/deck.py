"""The deck (python-pptx), 16:9: a title; the recommendation and the savings with a native line chart; the
risk before and after with a native bar chart; the moves per workload; the timeline and one-time costs with
the cumulative savings; the assumptions and caveats. Charts are PowerPoint's own, so a reader can restyle
them and read their data — no browser is needed.

Two to four scenarios make a comparison deck: the figures side by side, the monthly cost of each, their risk,
which workload moves where in each, and the assumptions.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Emu, Inches, Pt

from analysis.money import usd
from reports.ooxml import fixed_package
from reports.pack import ReportPack, check_comparison
from reports.sentences import (
    comparison_rows,
    comparison_verdict,
    contributor_words,
    day_words,
    directional_note,
    headline,
    key_assumptions,
    payback_words,
    period_words,
    recommendation,
    risk_words,
    three_year_words,
)

__all__ = ["deck_report"]

INK = RGBColor(0x21, 0x25, 0x29)
MUTED = RGBColor(0x6C, 0x75, 0x7D)
ACCENT = RGBColor(0x1F, 0x77, 0xB4)
GREY = RGBColor(0x7F, 0x7F, 0x7F)
COLOURS = (ACCENT, RGBColor(0xD9, 0x5F, 0x02), RGBColor(0x75, 0x70, 0xB3), RGBColor(0x1B, 0x9E, 0x77))
MONEY = '"$"#,##0'
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)


class _Deck:
    def __init__(self) -> None:
        self.prs = Presentation()
        self.prs.slide_width = WIDTH
        self.prs.slide_height = HEIGHT

    def slide(self, title: str) -> Any:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[5])  # "Title Only"
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.9)
        shape.text = title
        paragraph = shape.text_frame.paragraphs[0]
        paragraph.font.size, paragraph.font.bold, paragraph.font.color.rgb = Pt(28), True, INK
        return slide

    def text(
        self,
        slide: Any,
        lines: Sequence[tuple[str, float, bool, RGBColor]],
        left: int,
        top: int,
        width: int,
        height: int,
    ) -> None:
        """Paragraphs of (text, size in points, bold, colour) in a box that wraps."""
        frame = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height)).text_frame
        frame.word_wrap = True
        for index, (words, size, bold, colour) in enumerate(lines):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.text = words
            paragraph.font.size, paragraph.font.bold, paragraph.font.color.rgb = Pt(size), bold, colour
            paragraph.space_after = Pt(size * 0.4)

    def table(
        self,
        slide: Any,
        rows: Sequence[Sequence[str]],
        left: int,
        top: int,
        width: int,
        widths: Sequence[float],
        size: float = 12,
    ) -> None:
        shape = slide.shapes.add_table(
            len(rows), len(rows[0]), Emu(left), Emu(top), Emu(width), Inches(0.35 * len(rows))
        )
        table = shape.table
        for column, share in enumerate(widths):
            table.columns[column].width = Emu(int(width * share / sum(widths)))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.text = value
                for paragraph in cell.text_frame.paragraphs:
                    paragraph.font.size = Pt(size)
                    paragraph.font.bold = r == 0

    def chart(
        self,
        slide: Any,
        kind: Any,
        data: CategoryChartData,
        box: tuple[int, int, int, int],
        colours: Sequence[RGBColor],
        money: bool = True,
    ) -> Any:
        chart = slide.shapes.add_chart(kind, Emu(box[0]), Emu(box[1]), Emu(box[2]), Emu(box[3]), data).chart
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.BOTTOM
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(11)
        axis = chart.value_axis
        axis.has_major_gridlines = True
        axis.tick_labels.font.size = Pt(10)
        if money:
            axis.tick_labels.number_format = MONEY
            axis.tick_labels.number_format_is_linked = False
        chart.category_axis.tick_labels.font.size = Pt(10)
        for series, colour in zip(chart.plots[0].series, colours, strict=False):
            fill = series.format.line if kind == XL_CHART_TYPE.LINE else series.format.fill
            if kind == XL_CHART_TYPE.LINE:
                fill.color.rgb = colour
                fill.width = Pt(2.5)
                series.smooth = False
            else:
                fill.solid()
                fill.fore_color.rgb = colour
        return chart

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()


def _months(pack: ReportPack) -> list[str]:
    return [f"{m.month:%b %Y}" for m in pack.months]


def _title(deck: _Deck, heading: str, sub: str) -> None:
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[6])  # blank
    deck.text(
        slide, [(heading, 40, True, INK), (sub, 18, False, MUTED)], MARGIN, Inches(2.4), WIDTH - 2 * MARGIN, Inches(2.5)
    )


def _savings(deck: _Deck, pack: ReportPack) -> None:
    slide = deck.slide("Recommendation and savings")
    left = Inches(5.2)
    deck.text(
        slide,
        [
            (headline(pack), 20, True, ACCENT),
            (three_year_words(pack), 15, True, INK),
            (
                f"One-time {usd(pack.one_time_usd)}; {payback_words(pack)}; NPV {usd(pack.npv_usd)} at "
                f"{pack.discount_rate:.0%}.{contributor_words(pack)}",
                13,
                False,
                INK,
            ),
            (recommendation(pack), 14, False, INK),
        ],
        MARGIN,
        Inches(1.3),
        left - MARGIN - Inches(0.2),
        Inches(5.6),
    )
    data = CategoryChartData()
    data.categories = _months(pack)
    data.add_series("Staying (baseline)", [round(m.baseline_usd, 2) for m in pack.months])
    data.add_series(pack.name, [round(m.scenario_usd, 2) for m in pack.months])
    chart = deck.chart(
        slide, XL_CHART_TYPE.LINE, data, (left, Inches(1.3), WIDTH - left - MARGIN, Inches(5.6)), (GREY, ACCENT)
    )
    chart.has_title = True
    chart.chart_title.text_frame.text = "Monthly cost (USD)"


def _risk(deck: _Deck, pack: ReportPack) -> None:
    slide = deck.slide("Dependency risk")
    forced = list(pack.forced) or ["No model in use retires within the horizon."]
    deck.text(
        slide,
        [
            (risk_words(pack), 20, True, ACCENT),
            ("Retirements that force a move:", 14, True, INK),
            *((f"• {f}", 12, False, INK) for f in forced[:6]),
        ],
        MARGIN,
        Inches(1.3),
        Inches(5.2),
        Inches(5.8),
    )
    scored = [
        w.outcome for w in pack.workloads if w.outcome.risk_before is not None and w.outcome.risk_after is not None
    ]
    if scored:
        data = CategoryChartData(number_format="0")
        data.categories = [w.workload for w in scored]
        data.add_series("Before", [round(w.risk_before or 0.0, 1) for w in scored])
        data.add_series("After", [round(w.risk_after or 0.0, 1) for w in scored])
        chart = deck.chart(
            slide,
            XL_CHART_TYPE.BAR_CLUSTERED,
            data,
            (Inches(6.0), Inches(1.3), Inches(6.8), Inches(5.8)),
            (GREY, ACCENT),
            money=False,
        )
        chart.has_title = True
        chart.chart_title.text_frame.text = "Risk score by workload (0–100)"


def _moves(deck: _Deck, pack: ReportPack) -> None:
    slide = deck.slide("Moves per workload")
    rows = [["Workload", "Moves to", "Share", "Savings over the horizon", "Quality evidence", "p95 latency (s)"]]
    for line in pack.workloads:
        w = line.outcome
        latency = "–" if w.latency_after_s is None else f"{w.latency_after_s:.1f}"
        rows.append(
            [
                w.workload,
                w.moved_to or "stays",
                f"{w.share:.0%}" if w.moved_to else "–",
                usd(w.savings_usd),
                w.quality_after,
                latency,
            ]
        )
    deck.table(
        slide,
        rows,
        MARGIN,
        Inches(1.3),
        WIDTH - 2 * MARGIN,
        (3, 3.4, 0.8, 1.6, 2.4, 1.2),
        size=12 if len(rows) <= 10 else 10,
    )


def _timeline(deck: _Deck, pack: ReportPack) -> None:
    slide = deck.slide("Timeline and one-time costs")
    rows = [["Workload", "Starts", "Fully moved", "One-time"]]
    for line in pack.moves:
        move = line.inputs.move
        assert move is not None
        rows.append([line.name, f"{move.starts:%b %Y}", f"{move.done:%b %Y}", usd(line.outcome.one_time_usd)])
    if len(rows) == 1:
        rows.append(["Nothing moves", "–", "–", usd(0.0)])
    rows.append(["Total", "", "", usd(pack.one_time_usd)])
    deck.table(slide, rows, MARGIN, Inches(1.3), Inches(6.2), (3, 1.3, 1.5, 1.3), size=12)
    data = CategoryChartData()
    data.categories = _months(pack)
    running, points = 0.0, []
    for month in pack.months:
        running += month.savings_usd
        points.append(round(running, 2))
    data.add_series("Cumulative savings, one-time costs included", points)
    chart = deck.chart(slide, XL_CHART_TYPE.LINE, data, (Inches(7.0), Inches(1.3), Inches(5.8), Inches(5.4)), (ACCENT,))
    chart.has_title = True
    chart.chart_title.text_frame.text = f"Cumulative savings ({payback_words(pack)})"


def _caveats(deck: _Deck, packs: Sequence[ReportPack]) -> None:
    slide = deck.slide("Assumptions and caveats")
    lines: list[tuple[str, float, bool, RGBColor]] = []
    for pack in packs:
        if len(packs) > 1:
            lines.append((pack.name, 14, True, ACCENT))
        for k in key_assumptions(pack):
            lines.append(
                (
                    f"• {k.name}: {k.value}" + (f" — {k.effect}" if k.effect else ""),
                    12 if len(packs) == 1 else 10,
                    False,
                    INK,
                )
            )
    warnings = [w for p in packs for w in p.warnings]
    lines += [(f"Warning: {w}", 11, False, INK) for w in warnings[:3]]
    lines.append((directional_note(packs[0]), 11, False, MUTED))
    deck.text(slide, lines, MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(5.9))


def _comparison(deck: _Deck, packs: Sequence[ReportPack]) -> None:
    slide = deck.slide("Side by side")
    deck.text(
        slide, [(comparison_verdict(packs), 16, True, ACCENT)], MARGIN, Inches(1.2), WIDTH - 2 * MARGIN, Inches(0.9)
    )
    header, rows = comparison_rows(packs)
    deck.table(slide, [header, *rows], MARGIN, Inches(2.1), WIDTH - 2 * MARGIN, (2.4, *([2.0] * len(packs))), size=12)
    slide = deck.slide("Monthly cost of each scenario")
    data = CategoryChartData()
    longest = max(packs, key=lambda p: len(p.months))
    data.categories = _months(longest)
    data.add_series(f"Staying (baseline of {longest.name})", [round(m.baseline_usd, 2) for m in longest.months])
    for pack in packs:
        values = [round(m.scenario_usd, 2) for m in pack.months]
        data.add_series(pack.name, values + [None] * (len(longest.months) - len(values)))
    deck.chart(
        slide, XL_CHART_TYPE.LINE, data, (MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(5.8)), (GREY, *COLOURS)
    )
    slide = deck.slide("Dependency risk, before and after")
    scored = [p for p in packs if p.risk_before is not None and p.risk_after is not None]
    if scored:
        data = CategoryChartData(number_format="0")
        data.categories = [p.name for p in scored]
        data.add_series("Before", [round(p.risk_before or 0.0, 1) for p in scored])
        data.add_series("After", [round(p.risk_after or 0.0, 1) for p in scored])
        deck.chart(
            slide,
            XL_CHART_TYPE.COLUMN_CLUSTERED,
            data,
            (MARGIN, Inches(1.3), WIDTH - 2 * MARGIN, Inches(5.8)),
            (GREY, ACCENT),
            money=False,
        )
    else:
        deck.text(
            slide,
            [("No risk score: the ledger has no exposure to score.", 16, False, INK)],
            MARGIN,
            Inches(1.3),
            Inches(8),
            Inches(1),
        )
    slide = deck.slide("Which workload moves where")
    names = list(dict.fromkeys(w.name for p in packs for w in p.workloads))
    table = [["Workload", *(p.name for p in packs)]]
    for name in names:
        cells = []
        for pack in packs:
            found = next((w.outcome for w in pack.workloads if w.name == name), None)
            cells.append("–" if found is None else found.moved_to or "stays")
        table.append([name, *cells])
    deck.table(
        slide,
        table,
        MARGIN,
        Inches(1.3),
        WIDTH - 2 * MARGIN,
        (2.6, *([2.4] * len(packs))),
        size=11 if len(table) <= 10 else 9,
    )


def deck_report(packs: Sequence[ReportPack], *, generated_at: datetime) -> bytes:
    """The deck of one scenario (six slides) or of two to four compared (six); ``generated_at`` dates it."""
    found = check_comparison(packs)
    deck = _Deck()
    first = found[0]
    stamp = f"usage of {period_words(*first.data_period)} · generated {day_words(generated_at.date())} by exitplan"
    if len(found) == 1:
        _title(deck, first.name, f"The business case for moving LLM workloads\n{stamp}")
        _savings(deck, first)
        _risk(deck, first)
        _moves(deck, first)
        _timeline(deck, first)
    else:
        _title(deck, f"{len(found)} migration scenarios compared", f"{' · '.join(p.name for p in found)}\n{stamp}")
        _comparison(deck, found)
    _caveats(deck, found)
    title = first.name if len(found) == 1 else " vs ".join(p.name for p in found)
    properties = deck.prs.core_properties
    properties.title = title
    properties.author = "exitplan"
    properties.last_modified_by = "exitplan"
    properties.subject = "LLM migration business case"
    properties.comments = ""
    properties.revision = 1
    properties.created = generated_at.astimezone(UTC).replace(tzinfo=None)
    properties.modified = generated_at.astimezone(UTC).replace(tzinfo=None)
    return fixed_package(deck.bytes(), generated_at)
