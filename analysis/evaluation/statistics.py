"""The statistics of an evaluation on the company's own prompts: a win rate with its 95% interval, the
verdict of a pair judged twice, percentiles of time to first token, decode speed, and the answers' length
against today's with its interval. Pure functions, checked by hand in ``tests/analysis/test_evaluation_statistics.py``.

**Ties count half.** A pair's score is 1 (the candidate's answer preferred), ½ (a tie) or 0, and the win rate
is the mean score, (wins + ties / 2) / n. That is how rating boards count a draw, so a win rate reads on the
same scale as a rating gap's expected win rate (:func:`analysis.quality.win_rate`) and 50% is parity —
which is what a quality floor is set against. Leaving ties out instead would report 100% for a candidate
that won once and tied 49 times.

**The interval is Wilson's score interval** for a proportion: unlike the normal approximation it stays
inside [0, 1] and keeps its coverage at the small n of a replay (20–200 prompts). How ties enter it depends
on who judged:

- a judge model can call a pair a win, a tie or a loss: the score sum (wins + ties/2) is taken as the
  successes. A tie's score varies less than a win or a loss, so treating scores as Bernoulli draws makes the
  interval wider than it need be when there are many ties — conservative, the safe side for a decision to
  move;
- a check (exact match, JSON structure) can only tie (match) or lose: the score is half a Bernoulli draw,
  match or not, so the interval is exactly half Wilson's interval of the match rate — 50 matches of 50 is
  46–50%, not the 36–64% the score sum would give, which would read as no evidence at all.

**The length ratio** is the candidate's total answer length over today's on the same prompts (a ratio of
sums: the cost of output is a sum), with a 95% percentile-bootstrap interval over prompts, seeded so that the
same answers give the same interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "LOSS",
    "TIE",
    "VERDICTS",
    "WIN",
    "Tally",
    "combine_orders",
    "decode_rate",
    "length_ratio",
    "percentile",
    "tally",
    "wilson_interval",
]

WIN, TIE, LOSS = "win", "tie", "loss"
VERDICTS = (WIN, TIE, LOSS)
# z for a two-sided 95% interval.
_Z95 = 1.959963984540054
_RESAMPLES = 2000


def wilson_interval(successes: float, n: int, z: float = _Z95) -> tuple[float, float]:
    """Wilson's score interval for a proportion of ``successes`` out of ``n`` (successes may be fractional:
    ties count half). (0, 1) when ``n`` is 0: nothing is known.

    >>> [round(x, 4) for x in wilson_interval(8, 10)]
    [0.4902, 0.9433]
    >>> wilson_interval(0, 0)
    (0.0, 1.0)
    """
    if n <= 0:
        return 0.0, 1.0
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n ({n}), not {successes}")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Tally:
    """Wins, ties and losses of a candidate against today's answers, the win rate (ties count half) and its
    95% Wilson interval; the rate and interval are None when nothing was judged. ``by_check``: a check
    judged (a match is a tie, there are no wins), and the interval is half the match rate's."""

    wins: int
    ties: int
    losses: int
    by_check: bool = False

    @property
    def n(self) -> int:
        return self.wins + self.ties + self.losses

    @property
    def win_rate(self) -> float | None:
        return (self.wins + self.ties / 2) / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float] | None:
        """The win rate's 95% interval (see the module's docstring for how ties enter it).

        >>> [round(x, 4) for x in Tally(0, 50, 0, by_check=True).interval], Tally(0, 50, 0).interval[0] < 0.37
        ([0.4643, 0.5], True)
        """
        if not self.n:
            return None
        if self.by_check:
            low, high = wilson_interval(self.ties, self.n)
            return low / 2, high / 2
        return wilson_interval(self.wins + self.ties / 2, self.n)


def tally(verdicts: Iterable[str], *, by_check: bool = False) -> Tally:
    """Count verdicts (:data:`WIN`, :data:`TIE`, :data:`LOSS`); ``by_check``: a check gave them (no wins).

    >>> t = tally(["win", "win", "tie", "loss"])
    >>> (t.wins, t.ties, t.losses, t.win_rate)
    (2, 1, 1, 0.625)
    """
    counts = dict.fromkeys(VERDICTS, 0)
    for verdict in verdicts:
        if verdict not in counts:
            raise ValueError(f"not a verdict: {verdict!r}")
        counts[verdict] += 1
    if by_check and counts[WIN]:
        raise ValueError("a check never finds an answer better than today's: no wins")
    return Tally(counts[WIN], counts[TIE], counts[LOSS], by_check)


def combine_orders(first: str, second: str) -> str:
    """The verdict of a pair judged twice, once in each order (both from the candidate's side): the verdict
    both orders agree on, else a tie — a judge that changes its mind when the answers swap places was
    preferring a position, not an answer.

    >>> combine_orders("win", "win"), combine_orders("win", "loss"), combine_orders("tie", "win")
    ('win', 'tie', 'tie')
    """
    for verdict in (first, second):
        if verdict not in VERDICTS:
            raise ValueError(f"not a verdict: {verdict!r}")
    return first if first == second else TIE


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q``-th percentile (0–100) of ``values`` by linear interpolation between order statistics (as
    numpy's default); None for no values.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([1.0, 2.0, 3.0, 4.0], 95), percentile([], 50)
    (2.5, 3.85, None)
    """
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {q}")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def decode_rate(output_tokens: int, ttft_s: float | None, total_s: float) -> float | None:
    """Output tokens a second after the first token: (tokens − 1) ÷ (end − first token), as the published
    latency tables measure decode speed; None when it cannot be told (one token, or no first token).

    >>> decode_rate(101, 0.5, 2.5), decode_rate(1, 0.5, 0.6)
    (50.0, None)
    """
    if ttft_s is None or output_tokens < 2 or total_s <= ttft_s:
        return None
    return (output_tokens - 1) / (total_s - ttft_s)


def length_ratio(candidate: Sequence[int], today: Sequence[int], *, seed: int = 0) -> tuple[float, float, float] | None:
    """(low, ratio, high): the candidate's total answer length over today's on the same prompts, and the 95%
    percentile-bootstrap interval of that ratio (prompts resampled with replacement, ``seed``-ed). None
    when today's answers are empty.

    >>> length_ratio([120, 80, 100], [100, 100, 100])[1]
    1.0
    >>> length_ratio([50], [100])
    (0.5, 0.5, 0.5)
    """
    if len(candidate) != len(today):
        raise ValueError("one length of today's answer for each of the candidate's")
    pairs = [(c, t) for c, t in zip(candidate, today, strict=True) if t > 0]
    total = sum(t for _, t in pairs)
    if not pairs or total <= 0:
        return None
    ratio = sum(c for c, _ in pairs) / total
    if len(pairs) == 1:
        return ratio, ratio, ratio
    lengths = np.array(pairs, dtype="float64")
    picks = np.random.default_rng(seed).integers(0, len(pairs), size=(_RESAMPLES, len(pairs)))
    ratios = lengths[picks, 0].sum(axis=1) / lengths[picks, 1].sum(axis=1)
    low, high = (float(x) for x in np.percentile(ratios, [2.5, 97.5]))
    return min(low, ratio), ratio, max(high, ratio)
