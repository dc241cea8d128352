"""Self-hosting: $/Mtok, monthly cost with a one-replica floor, break-even, validation and storage."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from sqlalchemy import Engine

from analysis.selfhost import (
    SelfHostedOption,
    break_even_tokens,
    delete_option,
    list_options,
    monthly_cost,
    option_problems,
    replica_monthly_usd,
    save_option,
    usd_per_mtok,
)
from db.errors import InvalidInput

# 8× H100 at Lambda's $2.99/GPU-hour, 2,500 tokens/s sustained, 60% utilised, $3,000 a month of ops.
H100 = SelfHostedOption(
    name="Llama 3.3 70B on 8× H100",
    model="llama-3.3-70b-instruct",
    gpu_type="H100 SXM",
    usd_per_gpu_hour=2.99,
    gpus_per_replica=8,
    tokens_per_second=2500,
    utilisation=0.6,
    fixed_monthly_usd=3000,
    context_window=128_000,
)


def test_usd_per_mtok_by_hand() -> None:
    # $23.92 an hour ÷ (2,500 × 0.6 × 3,600 / 1e6 = 5.4 Mtok an hour) = $4.4296 per Mtok.
    assert usd_per_mtok(H100) == pytest.approx(23.92 / 5.4)
    assert usd_per_mtok(H100) == pytest.approx(4.4296, abs=1e-4)


def test_monthly_cost_has_a_one_replica_floor() -> None:
    # One replica all month (365.25 × 24 / 12 = 730.5 h): $23.92 × 730.5 h = $17,473.56; it serves
    # 5.4 × 730.5 = 3,944.7 Mtok at 60%.
    assert replica_monthly_usd(H100) == pytest.approx(17_473.56)
    # 10,000 Mtok: 10,000 × 4.4296 = $44,296.30 + $3,000.
    assert monthly_cost(H100, 10_000e6) == pytest.approx(10_000 * 23.92 / 5.4 + 3000)
    # 100 Mtok would be $443 of GPU time by the formula, but a replica costs $17,473.56 a month regardless.
    assert monthly_cost(H100, 100e6) == pytest.approx(17_473.56 + 3000)
    assert monthly_cost(H100, 0) == pytest.approx(17_473.56 + 3000)


def test_break_even_while_the_replica_is_not_yet_full() -> None:
    # API at $10/Mtok: (17,473.56 + 3,000) / 10 = 2,047.356 Mtok, below the replica's 3,944.7 Mtok.
    tokens = break_even_tokens(H100, 10.0)
    assert tokens == pytest.approx(2_047.356e6)
    assert monthly_cost(H100, tokens) == pytest.approx(tokens / 1e6 * 10.0)  # type: ignore[operator]


def test_break_even_beyond_one_replica() -> None:
    # API at $5/Mtok: (17,473.56 + 3,000) / 5 = 4,094.7 Mtok > 3,944.7, so the crossing is on the linear part:
    # 3,000 / (5 − 4.4296) = 5,259.7 Mtok.
    tokens = break_even_tokens(H100, 5.0)
    assert tokens == pytest.approx(3000 / (5 - 23.92 / 5.4) * 1e6)
    assert monthly_cost(H100, tokens) == pytest.approx(tokens / 1e6 * 5.0)  # type: ignore[operator]


def test_never_cheaper() -> None:
    assert break_even_tokens(H100, 4.0) is None  # the API is cheaper per token than the GPUs
    assert break_even_tokens(H100, 23.92 / 5.4) is None


def test_validation() -> None:
    assert option_problems(H100) == []
    bad = replace(
        H100,
        name=" ",
        usd_per_gpu_hour=0,
        gpus_per_replica=0,
        tokens_per_second=-1,
        utilisation=60,
        fixed_monthly_usd=-5,
        context_window=0,
    )
    assert option_problems(bad) == [
        "name is empty",
        "GPU price per hour must be more than $0",
        "GPUs per replica must be a whole number of 1 or more",
        "sustained tokens per second must be more than 0",
        "utilisation must be a fraction above 0 and at most 1 (60% = 0.6)",
        "fixed monthly cost must be $0 or more",
        "context window must be at least 1 token, or left empty",
    ]
    assert option_problems(replace(H100, utilisation=math.nan)) != []
    assert option_problems(replace(H100, utilisation=1.0)) == []


def test_save_list_update_delete(ledger: Engine) -> None:
    first = save_option(ledger, H100)
    second = save_option(ledger, replace(H100, name="Small", gpus_per_replica=1, context_window=None))
    assert list_options(ledger) == [
        replace(H100, id=first),
        replace(H100, name="Small", gpus_per_replica=1, context_window=None, id=second),
    ]
    assert save_option(ledger, replace(H100, id=first, usd_per_gpu_hour=2.49)) == first
    assert list_options(ledger)[0].usd_per_gpu_hour == 2.49
    with pytest.raises(InvalidInput, match="utilisation"):
        save_option(ledger, replace(H100, utilisation=0))
    assert delete_option(ledger, first) is True
    assert delete_option(ledger, first) is False
    assert [o.id for o in list_options(ledger)] == [second]
