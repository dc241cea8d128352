"""The deck read back with python-pptx: five to seven slides, the scenario's figures in their text, native
charts holding the months, and the same bytes for the same inputs."""

from __future__ import annotations

import io

from pptx import Presentation

from analysis.money import usd
from reports.deck import deck_report
from reports.pack import ReportPack
from tests.reports.conftest import EVIL, GENERATED


def _texts(slide: object) -> str:
    return " ".join(
        shape.text_frame.text if shape.has_text_frame else " ".join(c.text for r in shape.table.rows for c in r.cells)
        for shape in slide.shapes  # type: ignore[attr-defined]
        if shape.has_text_frame or shape.has_table
    )


def test_six_slides_with_the_scenarios_figures_and_native_charts(pack: ReportPack) -> None:
    deck = Presentation(io.BytesIO(deck_report([pack], generated_at=GENERATED)))
    slides = list(deck.slides)
    assert 5 <= len(slides) <= 7
    titles = [s.shapes.title.text if s.shapes.title is not None else None for s in slides]
    assert titles == [
        None,
        "Recommendation and savings",
        "Dependency risk",
        "Moves per workload",
        "Timeline and one-time costs",
        "Assumptions and caveats",
    ]
    assert "Plan A" in _texts(slides[0])
    savings = _texts(slides[1])
    assert f"Saves {usd(pack.monthly_savings_usd)} a month once done" in savings
    assert f"NPV {usd(pack.npv_usd)}" in savings and "Move 4 of 5 workloads" in savings
    charts = [shape.chart for shape in slides[1].shapes if shape.has_chart]
    assert len(charts) == 1
    series = list(charts[0].plots[0].series)
    assert [s.name for s in series] == ["Staying (baseline)", "Plan A"]
    assert list(series[1].values) == [round(m.scenario_usd, 2) for m in pack.months]
    assert EVIL in _texts(slides[3]) and "stays" in _texts(slides[3])
    timeline = _texts(slides[4])
    assert usd(pack.one_time_usd) in timeline and "Nov 2026" in timeline
    assert any(shape.has_chart for shape in slides[4].shapes)
    caveats = _texts(slides[5])
    assert "A directional estimate, not a quote" in caveats and "Usage growth" in caveats


def test_the_same_inputs_give_the_same_bytes_dated_by_generated_at(pack: ReportPack) -> None:
    first = deck_report([pack], generated_at=GENERATED)
    assert first == deck_report([pack], generated_at=GENERATED)
    properties = Presentation(io.BytesIO(first)).core_properties
    assert properties.created == GENERATED.replace(tzinfo=None) and properties.modified == GENERATED.replace(
        tzinfo=None
    )
    assert properties.title == "Plan A" and properties.last_modified_by == "exitplan"


def test_a_comparison_deck_puts_the_scenarios_side_by_side(pack: ReportPack, other: ReportPack) -> None:
    deck = Presentation(io.BytesIO(deck_report([pack, other], generated_at=GENERATED)))
    slides = list(deck.slides)
    assert 5 <= len(slides) <= 7
    side = _texts(slides[1])
    assert "Plan A" in side and "Plan B" in side
    assert usd(pack.npv_usd) in side and usd(other.npv_usd) in side
    lines = next(shape.chart for shape in slides[2].shapes if shape.has_chart)
    assert [s.name for s in lines.plots[0].series][1:] == ["Plan A", "Plan B"]
    moves = _texts(slides[4])
    assert "llama-8b on groq" in moves and "llama-70b on deepinfra" in moves
