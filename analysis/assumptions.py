"""The modelling assumptions every estimate shares, in one place: the window of usage an estimate reads,
how long a month is, and how far answer lengths may move on another model. Pages and commands build
their words from these values, so changing one changes every figure and every sentence that states it.
"""

from __future__ import annotations

__all__ = [
    "CACHE_HIT_RANGE",
    "DAYS_PER_MONTH",
    "DEFAULT_FLOOR_PCT",
    "HOURS_PER_MONTH",
    "OUTPUT_LENGTH_RANGE",
    "RETIREMENT_HORIZON_DAYS",
    "WINDOW_DAYS",
    "cache_hit_words",
    "output_length_words",
    "window_words",
]

# Estimates read the last 30 days with usage: long enough to hold a month's weekly cycle, short enough
# to be today's traffic rather than last quarter's.
WINDOW_DAYS = 30
# An average month of the Gregorian calendar: a 30-day window is 30 / 30.44 of a month.
DAYS_PER_MONTH = 365.25 / 12
HOURS_PER_MONTH = DAYS_PER_MONTH * 24
# How much longer or shorter a candidate's answers may be than today's model's, around the user's own
# factor: the low and high ends of every cost range (verbosity varies by model and prompt; replaying
# sample prompts measures it).
OUTPUT_LENGTH_RANGE = {"low": 0.9, "base": 1.0, "high": 1.15}
# The share of today's prompt-cache hits a candidate keeps, where caching carries over: prompts are laid out
# for today's cache (prefix order, TTL, minimum lengths differ by host), so the high end of a cost range
# keeps half of them until the prompts are reworked.
CACHE_HIT_RANGE = {"low": 1.0, "base": 1.0, "high": 0.5}
# The quality floor a workload gets by default: the more critical, the less quality it may lose (in %).
DEFAULT_FLOOR_PCT = {"low": 10.0, "medium": 5.0, "high": 2.0}
# How far ahead a retirement makes a candidate unfit: moving onto a model that is gone within a year means
# moving twice.
RETIREMENT_HORIZON_DAYS = 365


def window_words(days: int = WINDOW_DAYS) -> str:
    """The window in words, for a caption or a message.

    >>> window_words()
    'the last 30 days with usage'
    """
    return f"the last {days} days with usage"


def output_length_words(verbosity: float = 1.0) -> str:
    """The output-length assumption in words.

    >>> output_length_words(1.0), output_length_words(1.2)
    ('output 10% shorter to 15% longer', "answers 120% of today's length (your setting), 10% shorter to 15% longer")
    """
    low, high = OUTPUT_LENGTH_RANGE["low"], OUTPUT_LENGTH_RANGE["high"]
    spread = f"{1 - low:.0%} shorter to {high - 1:.0%} longer"
    if verbosity == 1.0:
        return f"output {spread}"
    return f"answers {verbosity:.0%} of today's length (your setting), {spread}"


def cache_hit_words() -> str:
    """The cache-hit assumption of a cost range in words.

    >>> cache_hit_words()
    "cache hits as today's, or 50% of them at the high end"
    """
    return f"cache hits as today's, or {CACHE_HIT_RANGE['high']:.0%} of them at the high end"
