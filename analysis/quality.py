"""Quality of a candidate relative to today's model, graded against the workload's quality floor.

Evidence, strongest first:

1. The user's own evaluation results (a score per model on a workload or a task category, e.g. a pass
   rate from replaying their prompts): the candidate's score as a percentage of the incumbent's.
2. Public ratings from LMArena's 2025-12-11 catalog, read from the one board the task category maps to
   (:data:`analysis.reference.QUALITY_COLUMNS`) so both models sit on the same scale. A rating difference
   becomes the Bradley-Terry probability that the candidate's answer is preferred, P = 1 / (1 + 10^(-Δ/400)),
   and "relative quality" is 2 × P × 100: 100 is as good, 90 is about 35 points worse.
3. Nothing: "no reference" — embeddings and models missing from the table need the user's own evaluation.

Ratings and scores belong to their operators (LMArena, lmarena.ai; the others in ``analysis/data/README.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# The user's evaluation results live in analysis.evaluations; re-exported here for today's callers.
from analysis.evaluations import delete_evaluations, list_evaluations, parse_evaluations, save_evaluations
from analysis.reference import QUALITY_COLUMNS, quality_reference, reference_key

__all__ = [
    "GRADES",
    "QualityEstimate",
    "delete_evaluations",
    "grade",
    "list_evaluations",
    "parse_evaluations",
    "quality_estimate",
    "relative_quality_from_ratings",
    "save_evaluations",
]

GRADES = ("ok", "at risk", "below floor", "no reference")

_BOARDS = {
    "arena_text_sc": "overall board (style-controlled)",
    "arena_hard": "hard-prompts board",
    "arena_coding": "coding board",
}
# Ratings closer than this are often inside each other's 95% interval on LMArena.
_NOISE_POINTS = 10


@dataclass(frozen=True)
class QualityEstimate:
    """A candidate's quality as a % of the incumbent's (None without evidence), its grade and its source."""

    relative_pct: float | None
    grade: str
    source: str
    evidence: str


def relative_quality_from_ratings(candidate: float, incumbent: float) -> float:
    """Relative quality (100 = as good) from two ratings on one Arena board.

    >>> relative_quality_from_ratings(1300, 1300), round(relative_quality_from_ratings(1265, 1300), 1)
    (100.0, 90.0)
    """
    preferred = 1.0 / (1.0 + 10.0 ** ((incumbent - candidate) / 400.0))
    return 100.0 * 2.0 * preferred


def grade(relative_pct: float, floor_pct: float) -> str:
    """ "ok" within half the floor, "at risk" within the floor, else "below floor".

    >>> grade(96, 10), grade(90, 10), grade(89.9, 10)
    ('ok', 'at risk', 'below floor')
    """
    # A score ratio such as 0.72 / 0.80 lands a hair under 90 in floating point; it is 90 to the user.
    relative_pct += 1e-9
    if relative_pct >= 100.0 - floor_pct / 2.0:
        return "ok"
    if relative_pct >= 100.0 - floor_pct:
        return "at risk"
    return "below floor"


def quality_estimate(
    incumbent: tuple[str, str],
    candidate: tuple[str, str],
    task_category: str,
    floor_pct: float,
    evaluations: pd.DataFrame | None = None,
    workload: str | None = None,
) -> QualityEstimate:
    """How good ``candidate`` (provider, model) is relative to ``incumbent`` for this workload.

    The user's evaluation wins when it scores both models on ``workload``, or failing that on the task
    category; then the public reference for the category; else "no reference".
    """
    if reference_key(incumbent[1]) == reference_key(candidate[1]):
        return QualityEstimate(
            100.0, "ok", "same model", f"{candidate[1]} is the model in use today, served by {candidate[0]}."
        )
    if evaluations is not None and not evaluations.empty:
        own = _from_evaluations(incumbent[1], candidate[1], task_category, floor_pct, evaluations, workload)
        if own is not None:
            return own
    return _from_reference(incumbent, candidate, task_category, floor_pct)


def _from_evaluations(
    incumbent: str, candidate: str, task_category: str, floor_pct: float, frame: pd.DataFrame, workload: str | None
) -> QualityEstimate | None:
    scopes = []
    if workload is not None and "workload" in frame:
        scopes.append((frame[frame["workload"] == workload], f"workload '{workload}'"))
    if "task_category" in frame:
        scopes.append((frame[frame["task_category"] == task_category], f"{task_category} tasks"))
    for rows, label in scopes:
        inc, cand = _score(rows, incumbent), _score(rows, candidate)
        # A ratio needs a positive incumbent score; a zero says nothing about "how much worse".
        if inc is None or cand is None or inc[0] <= 0:
            continue
        relative = cand[0] / inc[0] * 100.0
        cases = f"{cand[1]} cases" if cand[1] is not None else "cases not counted"
        source = f"your evaluation (n={cand[1]})" if cand[1] is not None else "your evaluation (n not given)"
        evidence = (
            f"On your evaluation of {label} ({cases}), {candidate} scored {cand[0]:.3g} against "
            f"{incumbent}'s {inc[0]:.3g}: {relative:.0f}% as good."
        )
        return QualityEstimate(relative, grade(relative, floor_pct), source, evidence)
    return None


def _score(rows: pd.DataFrame, model: str) -> tuple[float, int | None] | None:
    """(score, cases) of ``model`` among evaluation rows: the case-weighted mean when every row has a count."""
    key, version = reference_key(model)

    def same(name: object) -> bool:
        if not isinstance(name, str):
            return False
        if name.strip().lower() == model.strip().lower():
            return True
        other_key, other_version = reference_key(name)
        # A result labelled by family ("gpt-4o") counts for any snapshot of it; a dated one only for itself.
        return other_key == key and other_version in (None, version)

    mine = rows[rows["model"].map(same)]
    if mine.empty:
        return None
    scores = mine["score"].astype("float64")
    counts = mine.get("n")
    if counts is not None and counts.notna().all():
        weights = counts.astype("float64")
        return float((scores * weights).sum() / weights.sum()), int(weights.sum())
    return float(scores.mean()), None


def _from_reference(
    incumbent: tuple[str, str], candidate: tuple[str, str], task_category: str, floor_pct: float
) -> QualityEstimate:
    column = QUALITY_COLUMNS.get(task_category)
    if column is None:
        why = (
            "Public leaderboards rate text generation, not embeddings"
            if task_category == "embeddings"
            else f"No public benchmark is mapped to the task category '{task_category}'"
        )
        return _no_reference(f"{why}: upload your own evaluation to grade {candidate[1]}.")
    inc_ref, cand_ref = quality_reference(*incumbent, task_category), quality_reference(*candidate, task_category)
    board = _BOARDS.get(column, column)
    missing = [m for m, ref in ((incumbent[1], inc_ref), (candidate[1], cand_ref)) if ref is None]
    if inc_ref is None or cand_ref is None:
        return _no_reference(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not rated on LMArena's {board} "
            "in exitplan's reference table: upload your own evaluation to grade this candidate."
        )
    relative = relative_quality_from_ratings(cand_ref.rating, inc_ref.rating)
    points = cand_ref.rating - inc_ref.rating
    evidence = (
        f"On LMArena's {board} ({cand_ref.snapshot}), {_as(candidate[1], cand_ref.reference_model)} rates "
        f"{cand_ref.rating:.0f} against {_as(incumbent[1], inc_ref.reference_model)}'s {inc_ref.rating:.0f} "
        f"({points:+.0f} points): preferred {relative / 2:.0f}% of the time, {relative:.0f}% as good."
    )
    if abs(points) < _NOISE_POINTS:
        evidence += f" A gap under {_NOISE_POINTS} points is often within the ratings' uncertainty."
    source = f"LMArena {board}, {cand_ref.snapshot}"
    return QualityEstimate(relative, grade(relative, floor_pct), source, evidence)


def _as(model: str, reference_model: str) -> str:
    return (
        reference_model if reference_key(model) == reference_key(reference_model) else f"{model} (as {reference_model})"
    )


def _no_reference(evidence: str) -> QualityEstimate:
    return QualityEstimate(None, "no reference", "no reference", evidence)
