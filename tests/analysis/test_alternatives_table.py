"""What the Alternatives page draws: tiles in one precision, no saving against an unpriced today, rows without
"None", and a frontier only through candidates that fit."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from analysis.alternatives import Alternatives, Option
from analysis.alternatives_table import candidates_frame, quality_chart, tiles
from analysis.costing import CostRange
from analysis.latency import LatencyEstimate
from analysis.profile import profile_of
from analysis.quality import QualityEstimate, QualityEvidence
from analysis.workload_rules import Rule, Workload

WORKLOAD = Workload(1, "Chat", (Rule(project="chat"),))
BOARD = "LMArena overall board (style-controlled)"


def _option(model: str, monthly: float | None, rating: float | None, *, fits: bool = True) -> Option:
    evidence = QualityEvidence(BOARD, "2025-12-17", "rating", rating, 1336.0) if rating is not None else None
    grade = "unrated" if rating is None else "ok" if rating >= 1320 else "below floor"
    return Option(
        model=model,
        host="host",
        family=model,
        monthly_cost_usd=CostRange.point(monthly),
        latency=LatencyEstimate(None, None, "no reference", None, "unmeasured"),
        quality=QualityEstimate(grade, evidence, BOARD if evidence else "no public rating", "…"),
        fits=fits,
        fit_problems=() if fits else ("it retires on 2027-01-01",),
        reasons=(),
        delta_pct=None if monthly is None else monthly / 7521.04 - 1,
    )


def _result(today: float | None, *candidates: Option) -> Alternatives:
    incumbent = replace(_option("gpt-4o", today, None), quality=QualityEstimate("ok", None, "same model", "…"))
    return Alternatives(WORKLOAD, profile_of(pd.DataFrame(), 30), incumbent, list(candidates))


def test_tiles_read_in_one_precision_and_never_save_against_an_unpriced_today() -> None:
    result = _result(7521.04, _option("cheap", 140.52, 1350.0))
    assert [(t.label, t.value) for t in tiles(result)][:3] == [
        ("Today, per month", "$7,521"),
        ("Top candidate, per month", "$141"),
        ("Monthly saving", "$7,381"),
    ]
    unpriced = _result(None, _option("cheap", 140.52, 1350.0))
    labels = [t.label for t in tiles(unpriced)]
    assert "Monthly saving" not in labels and "Monthly increase" not in labels
    assert tiles(unpriced)[0].value == "unpriced"


def test_rows_have_words_where_values_are_missing() -> None:
    frame = candidates_frame(_result(100.0, _option("rated", 50.0, 1350.0), _option("new", None, None)))
    assert frame.loc[1, "range"] == "unpriced" and frame.loc[1, "vs_today"] == "—"
    assert frame.loc[1, "evidence"] == "unrated — evaluate before moving"
    assert frame.loc[0, "evidence"] == "1350 vs 1336 (+14 pts, wins 52%)"
    words = ["host", "model", "range", "vs_today", "grade", "evidence", "why_not", "region", "price_source"]
    assert not frame[words].isna().any().any()


def test_the_frontier_runs_only_through_candidates_that_fit() -> None:
    result = _result(
        1000.0,
        _option("fits-cheap", 100.0, 1340.0),
        _option("unfit-cheaper-better", 50.0, 1400.0, fits=False),
        _option("fits-dear-better", 500.0, 1390.0),
        _option("dominated", 600.0, 1330.0),
    )
    chart = quality_chart(result)
    assert chart is not None and chart.axis == f"{BOARD} (2025-12-17): rating"
    frontier = chart.points.set_index("label")["frontier"]
    assert frontier["host · fits-cheap"] and frontier["host · fits-dear-better"]
    assert not frontier["host · unfit-cheaper-better"] and not frontier["host · dominated"]
    assert chart.points.loc[chart.points["today"], "quality"].tolist() == [1336.0]
