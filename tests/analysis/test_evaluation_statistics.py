"""The statistics of an evaluation, each case worked out by hand."""

from __future__ import annotations

import math

import pytest

from analysis.evaluation.judging import (
    check_answer,
    judged,
    parse_verdict,
    same_answer,
    same_json_structure,
)
from analysis.evaluation.statistics import (
    combine_orders,
    decode_rate,
    length_ratio,
    percentile,
    tally,
    wilson_interval,
)


def test_wilson_interval_by_hand() -> None:
    # 45 of 50: p = 0.9, z² = 3.8415; centre = (0.9 + 3.8415/100) / (1 + 3.8415/50) = 0.93841 / 1.07683
    # = 0.87146; half = 1.96 × √(0.09/50 + 3.8415/10000) / 1.07683 = 1.96 × 0.046732 / 1.07683 = 0.085061.
    low, high = wilson_interval(45, 50)
    assert low == pytest.approx(0.87146 - 0.085061, abs=1e-4)
    assert high == pytest.approx(0.87146 + 0.085061, abs=1e-4)
    # It stays inside [0, 1] where the normal approximation would not: 0 of 10 is [0, 0.2775].
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.27753), abs=1e-4)
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="between 0 and n"):
        wilson_interval(11, 10)


def test_ties_count_half_in_the_rate_and_the_interval() -> None:
    counts = tally(["win"] * 20 + ["tie"] * 10 + ["loss"] * 20)
    assert (counts.n, counts.win_rate) == (50, 0.5)
    assert counts.interval == pytest.approx(wilson_interval(25, 50))
    # Parity is symmetric around one half.
    low, high = counts.interval
    assert low + high == pytest.approx(1.0)
    assert tally([]).win_rate is None and tally([]).interval is None
    with pytest.raises(ValueError, match="not a verdict"):
        tally(["draw"])


def test_a_checks_interval_is_half_the_match_rates() -> None:
    # 45 matches of 50, by a check: the score is ½ × (match or not), so the win rate is 45/100 = 0.45 and its
    # interval half the match rate's Wilson interval, (0.78641, 0.95651) / 2 (see test_wilson_interval_by_hand).
    counts = tally(["tie"] * 45 + ["loss"] * 5, by_check=True)
    assert counts.win_rate == pytest.approx(0.45)
    assert counts.interval == pytest.approx((0.78641 / 2, 0.95651 / 2), abs=1e-4)
    # Every answer matching is parity, known to within 3.6 points; as a judge's 50 ties it would be ±13.
    low, high = tally(["tie"] * 50, by_check=True).interval  # type: ignore[misc]
    assert high == pytest.approx(0.5) and low == pytest.approx(0.92865 / 2, abs=1e-4)
    assert tally(["tie"] * 50).interval == pytest.approx(wilson_interval(25, 50))
    with pytest.raises(ValueError, match="no wins"):
        tally(["win"], by_check=True)


def test_a_disagreement_between_the_two_orders_is_a_tie() -> None:
    assert [combine_orders(a, b) for a, b in [("win", "win"), ("loss", "loss"), ("tie", "tie")]] == [
        "win",
        "loss",
        "tie",
    ]
    assert {combine_orders(a, b) for a in ("win", "tie", "loss") for b in ("win", "tie", "loss") if a != b} == {"tie"}


def test_percentiles_interpolate_between_order_statistics() -> None:
    values = [0.5, 0.1, 0.4, 0.2, 0.3]
    # Sorted 0.1 … 0.5: p50 is the middle one; p95 sits at position 3.8, 0.4 + 0.8 × 0.1.
    assert percentile(values, 50) == pytest.approx(0.3)
    assert percentile(values, 95) == pytest.approx(0.48)
    assert percentile([7.0], 95) == 7.0


def test_decode_rate_counts_the_tokens_after_the_first() -> None:
    # 21 tokens, the first at 0.3 s, the last at 0.7 s: 20 tokens in 0.4 s.
    assert decode_rate(21, 0.3, 0.7) == pytest.approx(50.0)
    assert decode_rate(21, None, 0.7) is None and decode_rate(5, 0.7, 0.7) is None


def test_length_ratio_is_a_ratio_of_sums_with_a_seeded_interval() -> None:
    candidate, today = [90, 110, 300, 50], [100, 100, 200, 100]
    low, ratio, high = length_ratio(candidate, today)  # type: ignore[misc]
    assert ratio == pytest.approx(550 / 500)
    assert low <= ratio <= high and low > 0.5 and high < 2.0
    assert length_ratio(candidate, today) == length_ratio(candidate, today)  # the same seed, the same interval
    assert length_ratio([10], [0]) is None
    with pytest.raises(ValueError):
        length_ratio([1, 2], [1])


def test_the_judges_verdict_is_read_from_its_last_verdict_line() -> None:
    assert parse_verdict("A is more accurate.\nVerdict: A") == "A"
    assert parse_verdict("Verdict: B\n...on reflection\nVerdict: tie") == "tie"
    assert parse_verdict("Final verdict: **B**") == "B"
    assert parse_verdict("I cannot decide.") is None
    assert [judged("A", "A"), judged("B", "A"), judged("tie", "B")] == ["win", "loss", "tie"]


def test_checks_compare_with_todays_answer() -> None:
    assert same_answer("  Billing ", "billing.")
    assert not same_answer("billing", "shipping")
    assert same_answer('{"intent": "refund", "amount": 12}', '{"amount": 12, "intent": "refund"}')
    assert not same_answer('{"intent": "refund"}', '{"intent": "return"}')
    assert same_json_structure('{"items": [{"sku": "b", "n": 2}]}', '{"items": [{"sku": "a", "n": 1}]}')
    assert not same_json_structure('{"items": [{"sku": "b"}]}', '{"items": [{"sku": "a", "n": 1}]}')
    assert not same_json_structure('{"n": "1"}', '{"n": 1}')
    # A match is as good as today (a tie), a miss a loss: all matching is a win rate of one half.
    assert check_answer("exact", "A", "a") == "tie" and check_answer("exact", "A", "b") == "loss"
    counts = tally([check_answer("exact", "x", "x")] * 9 + [check_answer("exact", "x", "y")])
    assert counts.win_rate == pytest.approx(0.45)
    with pytest.raises(ValueError, match="no check"):
        check_answer("fuzzy", "a", "a")
    assert math.isclose(tally(["tie"] * 4).win_rate or 0, 0.5)
