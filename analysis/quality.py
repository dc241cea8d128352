"""Quality of a candidate against today's model, graded against the workload's quality floor.

The evidence is shown as it is, in its own unit, never turned into an invented percentage. Strongest first:

1. **The user's own evaluation**: replaying the workload's own prompts on the candidate
   (``exitplan evaluate``, :mod:`analysis.replays`), a win rate against today's answers with its 95%
   interval — judged pairwise by a model, or by an exact-match or JSON check; else a score per model on a
   workload or a task category (a pass rate, an accuracy, a mean judge score — higher is better on a ratio
   scale): the two scores and the candidate's as a share of today's (0.72 against 0.80 is 90% of today's
   score).
2. **The same model on another host**: the same weights, so the same quality (canonical identity).
3. **A public rating**: both models on the one LMArena board the task category maps to
   (:data:`analysis.ratings.QUALITY_COLUMNS`), one release. Shown as the two ratings, their difference and
   the expected win rate it implies under the board's own Bradley-Terry model,
   P(candidate preferred) = 1 / (1 + 10^(-Δ/400)): a candidate 35 points lower is preferred 45% of the time.
   Embedding models are read on MTEB instead (a score, as in 1).
4. Nothing: **unrated** — evaluate before moving.

**The floor, in each unit.** A workload's quality floor F (%) is the most it may lose against today's model:

- a score (yours or a benchmark's): at least (100 − F)% of today's score;
- a rating: an expected win rate against today's model of at least (50 − F/2)% (F = 5: 47.5%, a rating at
  most 17 points lower; F = 10: 45%, 35 points lower);
- a replay's win rate (ties count half): the same, at least (50 − F/2)%. For a check, whose best is a tie
  with today's answer, that is at least (100 − F)% of the answers matching.

"ok" is within half the floor, "at risk" within the floor, "below floor" beyond it.

Ratings and scores belong to their operators (LMArena, lmarena.ai; the others in ``analysis/data/README.md``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

# The user's evaluation results live in analysis.evaluations; re-exported here for today's callers.
from analysis.evaluations import delete_evaluations, list_evaluations, parse_evaluations, save_evaluations
from analysis.ratings import (
    ARENA_RELEASE,
    BOARDS,
    QUALITY_COLUMNS,
    QualityRef,
    embedding_score,
    quality_reference,
    rating_key,
)
from analysis.replays import ReplayFinding, replay_finding

__all__ = [
    "GRADES",
    "UNRATED",
    "QualityEstimate",
    "QualityEvidence",
    "delete_evaluations",
    "floor_words",
    "grade",
    "list_evaluations",
    "parse_evaluations",
    "quality_estimate",
    "save_evaluations",
    "win_rate",
]

# In rank order: evidence that meets the floor, then no evidence, then evidence below it.
GRADES = ("ok", "at risk", "unrated", "below floor")
UNRATED = "unrated — evaluate before moving"
# Without published intervals, ratings closer than this are often inside each other's 95% interval.
_NOISE_POINTS = 10


@dataclass(frozen=True)
class QualityEvidence:
    """What a grade stands on: a metric of both models, from a named source of a known date.

    ``metric`` is ``score`` (higher is better on a ratio scale: an evaluation or a benchmark), ``rating``
    (an LMArena rating), ``win_rate`` (the candidate's answers preferred to today's on the workload's own
    prompts, ties half; today's is 0.5, and ``interval`` is its 95% interval over ``n`` judged prompts) or
    ``same_model`` (the same weights on another host; the values are 1).
    """

    source: str
    as_of: str | None
    metric: str
    value: float
    incumbent_value: float
    interval: tuple[float, float] | None = None
    n: int | None = None

    def as_dict(self) -> dict[str, object]:
        shown: dict[str, object] = {
            "source": self.source,
            "as_of": self.as_of,
            "metric": self.metric,
            "value": round(self.value, 4),
            "incumbent_value": round(self.incumbent_value, 4),
        }
        if self.metric == "win_rate":
            shown["interval"] = [round(x, 4) for x in self.interval] if self.interval else None
            shown["n"] = self.n
        return shown

    @property
    def share_pct(self) -> float | None:
        """A score as a % of today's score; None for a rating (a rating has no ratio)."""
        if self.metric == "same_model":
            return 100.0
        if self.metric != "score" or self.incumbent_value <= 0:
            return None
        return self.value / self.incumbent_value * 100.0

    @property
    def win_rate(self) -> float | None:
        """The share of head-to-head comparisons the candidate wins against today's: measured on a replay,
        expected from a rating."""
        if self.metric == "win_rate":
            return self.value
        return win_rate(self.value, self.incumbent_value) if self.metric == "rating" else None

    def summary(self) -> str:
        """The evidence in a few words, for a table cell.

        >>> QualityEvidence("LMArena coding board", "2025-12-11", "rating", 1486.4, 1476.2).summary()
        '1486 vs 1476 (+10 pts, wins 51%)'
        >>> QualityEvidence("your evaluation (n=200)", None, "score", 0.72, 0.8).summary()
        "0.72 vs 0.8 (90% of today's)"
        >>> QualityEvidence("your replay", "2026-12-01", "win_rate", 0.46, 0.5, (0.33, 0.6), 50).summary()
        'wins 46% of 50 against today (33–60%), replayed 2026-12-01'
        """
        if self.metric == "same_model":
            return "same model"
        if self.metric == "win_rate":
            # Its n, interval and day travel with it into scenarios and the leadership pack.
            interval = f" ({self.interval[0] * 100:.0f}–{self.interval[1]:.0%})" if self.interval else ""
            day = f", replayed {self.as_of}" if self.as_of else ""
            return f"wins {self.value:.0%} of {self.n or 0} against today{interval}{day}"
        if self.metric == "rating":
            points = self.value - self.incumbent_value
            return f"{self.value:.0f} vs {self.incumbent_value:.0f} ({points:+.0f} pts, wins {self.win_rate:.0%})"
        share = self.share_pct
        ratio = f" ({share:.0f}% of today's)" if share is not None else ""
        return f"{self.value:.3g} vs {self.incumbent_value:.3g}{ratio}"


@dataclass(frozen=True)
class QualityEstimate:
    """A candidate's grade against the floor, the evidence it stands on (None: unrated), where the evidence
    comes from, and the explanation in a sentence."""

    grade: str
    evidence: QualityEvidence | None
    source: str
    explanation: str

    @property
    def rated(self) -> bool:
        return self.evidence is not None

    @property
    def relative_pct(self) -> float | None:
        """The candidate's score as a % of today's, where the evidence is a score (None for a rating)."""
        return self.evidence.share_pct if self.evidence is not None else None

    def summary(self) -> str:
        return self.evidence.summary() if self.evidence is not None else UNRATED


def win_rate(candidate: float, incumbent: float) -> float:
    """The expected share of head-to-head comparisons ``candidate`` wins against ``incumbent`` on one board.

    >>> win_rate(1300, 1300), round(win_rate(1265, 1300), 3)
    (0.5, 0.45)
    """
    return 1.0 / (1.0 + math.pow(10.0, (incumbent - candidate) / 400.0))


def grade(value_pct: float, floor_pct: float, *, parity: float = 100.0) -> str:
    """ "ok" within half the floor, "at risk" within the floor, else "below floor" — for a share of today's
    score (``parity`` 100) or an expected win rate in % (``parity`` 50).

    >>> grade(96, 10), grade(90, 10), grade(89.9, 10), grade(47.5, 10, parity=50), grade(44.9, 10, parity=50)
    ('ok', 'at risk', 'below floor', 'ok', 'below floor')
    """
    # A score ratio such as 0.72 / 0.80 lands a hair under 90 in floating point; it is 90 to the user.
    value_pct += 1e-9
    if value_pct >= parity * (1.0 - floor_pct / 200.0):
        return "ok"
    if value_pct >= parity * (1.0 - floor_pct / 100.0):
        return "at risk"
    return "below floor"


def floor_words(floor_pct: float) -> str:
    """The workload's floor in each unit the evidence comes in.

    >>> print(floor_words(5))  # doctest: +NORMALIZE_WHITESPACE
    at least 95% of today's score (your evaluation, a benchmark), or a win rate of at least 47.5% against today's
    model on a rating board (at most 17 points lower)
    """
    win = 50.0 - floor_pct / 2.0
    points = -400.0 * math.log10(win / (100.0 - win)) if 0 < win < 100 else float("inf")
    return (
        f"at least {100 - floor_pct:g}% of today's score (your evaluation, a benchmark), or a win rate of at "
        f"least {win:g}% against today's model on a rating board (at most {points:.0f} points lower)"
    )


def _graded(evidence: QualityEvidence, floor_pct: float) -> str:
    if evidence.metric == "win_rate":
        return grade(100.0 * evidence.value, floor_pct, parity=50.0)
    if evidence.metric == "rating":
        return grade(100.0 * win_rate(evidence.value, evidence.incumbent_value), floor_pct, parity=50.0)
    share = evidence.share_pct
    return grade(share, floor_pct) if share is not None else "unrated"


def quality_estimate(
    incumbent: tuple[str, str],
    candidate: tuple[str, str],
    task_category: str,
    floor_pct: float,
    evaluations: pd.DataFrame | None = None,
    workload: str | None = None,
    replays: pd.DataFrame | None = None,
) -> QualityEstimate:
    """How good ``candidate`` (provider, model) is against ``incumbent`` for this workload.

    A replay of the workload's own prompts on the candidate (``replays``, judged against today's answers by
    today's model) wins; then the user's evaluation when it scores both models on ``workload``, or failing
    that on the task category; then the same model on another host; then the public reference for the
    category; else "unrated".
    """
    if workload is not None and candidate != incumbent:
        found = replay_finding(replays, workload, *candidate)
        if found is not None and found.win_rate is not None and _against(found, incumbent[1]):
            return _from_replay(found, floor_pct)
    if evaluations is not None and not evaluations.empty:
        own = _from_evaluations(incumbent[1], candidate[1], task_category, floor_pct, evaluations, workload)
        if own is not None:
            return own
    if rating_key(incumbent[1])[:2] == rating_key(candidate[1])[:2]:
        evidence = QualityEvidence("same model as today's", None, "same_model", 1.0, 1.0)
        where = "the model in use today" if incumbent[0] == candidate[0] else f"today's model, served by {candidate[0]}"
        return QualityEstimate("ok", evidence, "same model", f"{candidate[1]} is {where}: the same weights.")
    if task_category == "embeddings":
        return _from_benchmark(incumbent[1], candidate[1], floor_pct)
    return _from_rating(incumbent, candidate, task_category, floor_pct)


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
        source = f"your evaluation (n={cand[1]})" if cand[1] is not None else "your evaluation (n not given)"
        as_of = _newest(rows)
        evidence = QualityEvidence(source, as_of, "score", cand[0], inc[0])
        cases = f"{cand[1]} cases" if cand[1] is not None else "cases not counted"
        explanation = (
            f"On your evaluation of {label} ({cases}{f', {as_of}' if as_of else ''}), {candidate} scored "
            f"{cand[0]:.3g} against {incumbent}'s {inc[0]:.3g}: {evidence.share_pct:.0f}% of today's score."
        )
        return QualityEstimate(_graded(evidence, floor_pct), evidence, source, explanation)
    return None


def _against(found: ReplayFinding, incumbent: str) -> bool:
    """Whether a replay was judged against today's model (a replay against a model since replaced is not)."""
    return found.incumbent_model is None or rating_key(found.incumbent_model)[:2] == rating_key(incumbent)[:2]


def _from_replay(found: ReplayFinding, floor_pct: float) -> QualityEstimate:
    assert found.win_rate is not None
    judged = found.judged
    evidence = QualityEvidence(
        f"your replay (n={judged}, {found.judge or 'judged'})",
        found.as_of,
        "win_rate",
        found.win_rate,
        0.5,
        found.interval,
        judged,
    )
    where = f"{judged} of your prompts for workload '{found.workload}'{f' ({found.as_of})' if found.as_of else ''}"
    if found.judge in ("exact match", "JSON structure"):
        what = (
            f"Replaying {where}, {found.model}'s answer matched today's ({found.judge}) {found.ties or 0} times "
            f"and missed {found.losses or 0} times"
        )
    else:
        what = (
            f"Replaying {where}, {found.judge} preferred {found.model}'s answer to today's {found.wins or 0} "
            f"times, today's {found.losses or 0} times and called {found.ties or 0} a tie (each pair judged "
            "twice with the answers swapped; a split verdict is a tie)"
        )
    interval = ""
    if found.interval is not None:
        low, high = found.interval
        interval = f" (95% interval {low:.0%}–{high:.0%})"
        floor = 0.5 - floor_pct / 200.0
        if low < floor <= high:
            interval += f"; the interval reaches below the floor's {floor:.1%}: replay more prompts to be sure"
    explanation = f"{what}: a win rate of {found.win_rate:.0%} against today's 50%{interval}."
    return QualityEstimate(_graded(evidence, floor_pct), evidence, evidence.source, explanation)


def _newest(rows: pd.DataFrame) -> str | None:
    """The day the newest of ``rows`` was stored, where the frame says."""
    if "created_at" not in rows or rows["created_at"].dropna().empty:
        return None
    return str(pd.Timestamp(rows["created_at"].max()).date())


def _score(rows: pd.DataFrame, model: str) -> tuple[float, int | None] | None:
    """(score, cases) of ``model`` among evaluation rows: the case-weighted mean when every row has a count."""
    key, version, _ = rating_key(model)

    def same(name: object) -> bool:
        if not isinstance(name, str):
            return False
        if name.strip().lower() == model.strip().lower():
            return True
        other_key, other_version, _ = rating_key(name)
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


def _from_rating(
    incumbent: tuple[str, str], candidate: tuple[str, str], task_category: str, floor_pct: float
) -> QualityEstimate:
    column = QUALITY_COLUMNS.get(task_category)
    if column is None:
        return _unrated(
            f"No public board is mapped to the task category '{task_category}': upload your own "
            f"evaluation to grade {candidate[1]}."
        )
    inc_ref, cand_ref = quality_reference(*incumbent, task_category), quality_reference(*candidate, task_category)
    board = BOARDS.get(column, column)
    if inc_ref is None or cand_ref is None:
        missing = [m for m, ref in ((incumbent[1], inc_ref), (candidate[1], cand_ref)) if ref is None]
        return _unrated(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not on the {board} "
            f"({ARENA_RELEASE}): evaluate {candidate[1]} on your own prompts before moving."
        )
    evidence = QualityEvidence(board, cand_ref.snapshot, "rating", cand_ref.rating, inc_ref.rating)
    points = cand_ref.rating - inc_ref.rating
    explanation = (
        f"On the {board} ({cand_ref.snapshot}), {_as(candidate[1], cand_ref.reference_model)} rates "
        f"{cand_ref.rating:.0f} against {_as(incumbent[1], inc_ref.reference_model)}'s {inc_ref.rating:.0f} "
        f"({points:+.0f} points): expected to win {evidence.win_rate:.0%} of head-to-head comparisons."
    )
    if _overlap(cand_ref, inc_ref):
        explanation += " The two ratings' 95% intervals overlap: the gap may be noise."
    return QualityEstimate(_graded(evidence, floor_pct), evidence, f"{board}, {cand_ref.snapshot}", explanation)


def _overlap(one: QualityRef, other: QualityRef) -> bool:
    if one.low is None or one.high is None or other.low is None or other.high is None:
        return abs(one.rating - other.rating) < _NOISE_POINTS
    return one.low <= other.high and other.low <= one.high


def _from_benchmark(incumbent: str, candidate: str, floor_pct: float) -> QualityEstimate:
    inc = embedding_score(incumbent)
    cand = embedding_score(candidate, inc.benchmark) if inc is not None else None
    if inc is None or cand is None:
        missing = [m for m, s in ((incumbent, inc), (candidate, cand)) if s is None]
        return _unrated(
            f"{' and '.join(missing)} {'has' if len(missing) == 1 else 'have'} no MTEB score in exitplan's table: "
            f"evaluate retrieval with {candidate} on your own documents before moving."
        )
    source = f"{cand.benchmark} ({cand.source})"
    evidence = QualityEvidence(cand.benchmark, cand.as_of, "score", cand.score, inc.score)
    explanation = (
        f"On {cand.benchmark}, {_as(candidate, cand.reference_model)} scores {cand.score:.4g} against "
        f"{_as(incumbent, inc.reference_model)}'s {inc.score:.4g}: {evidence.share_pct:.1f}% of today's score "
        f"({cand.source}, {cand.as_of}). A benchmark average says little about your own documents."
    )
    return QualityEstimate(_graded(evidence, floor_pct), evidence, source, explanation)


def _as(model: str, reference_model: str) -> str:
    return reference_model if rating_key(model) == rating_key(reference_model) else f"{model} (as {reference_model})"


def _unrated(explanation: str) -> QualityEstimate:
    return QualityEstimate("unrated", None, "no public rating", explanation)
