"""The user's own latency measurements: parsed, stored, and winning over the published reference."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from analysis.alternatives import alternatives
from analysis.latency import candidate_latency
from analysis.latency_measurements import (
    delete_measurements,
    list_measurements,
    measured_latency,
    parse_measurements,
    save_measurements,
)
from analysis.workloads import ensure_workloads, save_workload
from collectors.demo import load_demo
from db.errors import InvalidInput

CSV = b"""Host,Model,TTFT_ms,ttft_p95_ms,Tokens_per_s,n,date,notes
DeepInfra,openai/gpt-oss-120b,400,900,120,200,2026-11-20,replayed 200 support prompts
groq,llama-3.3-70b-versatile,150,,300,,,
"""


def test_a_measurements_file_is_read_in_seconds_with_hosts_as_provider_ids() -> None:
    frame = parse_measurements(CSV)
    assert frame.to_dict("records") == [
        {
            "host": "deepinfra",
            "model": "openai/gpt-oss-120b",
            "ttft_s": 0.4,
            "ttft_p95_s": 0.9,
            "tokens_per_s": 120.0,
            "n": 200,
            "measured_on": date(2026, 11, 20),
        },
        {
            "host": "groq",
            "model": "llama-3.3-70b-versatile",
            "ttft_s": 0.15,
            "ttft_p95_s": None,
            "tokens_per_s": 300.0,
            "n": None,
            "measured_on": None,
        },
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"host,model,tokens_per_s\ngroq,x,1\n", "missing column 'ttft_s or ttft_ms'"),
        (b"model,ttft_s,tokens_per_s\nx,1,1\n", "missing column 'host'"),
        (b"host,model,ttft_s,tokens_per_s\n", "no measurements"),
        (b"host,model,ttft_s,tokens_per_s\ngroq,,1,1\n", "row 2: model is empty"),
        (b"host,model,ttft_s,tokens_per_s\ngroq,x,,1\n", "row 2: the median time to first token is empty"),
        (b"host,model,ttft_s,tokens_per_s\ngroq,x,fast,1\n", "row 2: ttft_s 'fast' is not a number"),
        (b"host,model,ttft_s,tokens_per_s\ngroq,x,1,0\n", "row 2: tokens_per_s '0' must be a number above 0"),
        (b"host,model,ttft_s,ttft_p95_s,tokens_per_s\ngroq,x,1,0.5,9\n", "row 2: the p95 time to first token"),
        (b"host,model,ttft_s,tokens_per_s,date\ngroq,x,1,9,20/11/2026\n", "row 2: date '20/11/2026' is not a date"),
        (b"host,model,ttft_s,tokens_per_s,n\ngroq,x,1,9,1.5\n", "row 2: n '1.5' is not a positive whole number"),
    ],
)
def test_a_bad_file_says_what_is_wrong(content: bytes, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_measurements(content)


def test_measurements_are_stored_replaced_by_source_and_deleted(ledger: Engine) -> None:
    assert save_measurements(ledger, parse_measurements(CSV), "replay.csv") == 2
    assert save_measurements(ledger, parse_measurements(CSV), "replay.csv") == 2  # the same file again: replaced
    stored = list_measurements(ledger)
    assert len(stored) == 2 and set(stored["source"]) == {"replay.csv"}
    assert stored["n"].tolist()[0] == 200 and stored["ttft_p95_s"].isna().tolist() == [False, True]
    assert delete_measurements(ledger) == 2 and list_measurements(ledger).empty


def test_a_measurement_replaces_the_published_figures() -> None:
    # Published for Groq Llama 3 70B: TTFT 0.178 s, 291.3 tokens/s. Measured by the user: 0.15 s and 300 tokens/s.
    # 300 output tokens: p50 = 0.15 + 300 / 300 = 1.15 s; no traffic spread and no tail measured, so no p95.
    ref = measured_latency(parse_measurements(CSV), "groq", "llama-3.3-70b-versatile")
    estimate = candidate_latency("groq", "llama-3.3-70b-versatile", 300, measured=ref)
    assert estimate.p50_s == pytest.approx(1.15) and estimate.p95_s is None
    assert estimate.source == "your measurements (undated)"
    assert estimate.evidence.startswith("You measured llama-3.3-70b-versatile on groq")


def test_a_measured_p95_ttft_gives_the_tail_when_there_is_no_traffic_spread() -> None:
    # gpt-oss-120b on DeepInfra: p50 = 0.4 + 240 / 120 = 2.4 s; p95 = 0.9 + 2.0 = 2.9 s, against a 3 s SLO.
    ref = measured_latency(parse_measurements(CSV), "deepinfra", "openai/gpt-oss-120b")
    estimate = candidate_latency("deepinfra", "openai/gpt-oss-120b", 240, slo_p95_s=3.0, measured=ref)
    assert (estimate.p50_s, estimate.p95_s) == (pytest.approx(2.4), pytest.approx(2.9))
    assert estimate.meets_slo is True
    assert "p95 TTFT 0.90 s + the same decode" in estimate.evidence and "standing in" not in estimate.evidence


def test_alternatives_use_the_measurements_and_rank_slo_misses_last(ledger: Engine, tmp_path: Path) -> None:
    load_demo(ledger, tmp_path, date(2026, 10, 31))
    chat = next(w for w in ensure_workloads(ledger) if w.name.startswith("Support chat"))
    chat = save_workload(ledger, replace(chat, latency_slo_p95_s=6.0))
    # The cheapest candidates with an "ok" grade, one measured fast and one measured slow.
    measurements = parse_measurements(b"""host,model,ttft_s,tokens_per_s
deepinfra,openai/gpt-oss-120b,0.2,400
novita,openai/gpt-oss-120b,3.0,20
""")
    result = alternatives(ledger, chat, [chat], today=date(2026, 10, 31), latency_measurements=measurements)
    ok = [c for c in result.candidates if c.fits and c.quality.grade == "ok"]
    fast = next(c for c in ok if c.host == "deepinfra" and c.model == "openai/gpt-oss-120b")
    slow = next(c for c in ok if c.host == "novita" and c.model == "openai/gpt-oss-120b")
    assert fast.latency.meets_slo is True and slow.latency.meets_slo is False
    assert fast.latency.source.startswith("your measurements") and "You measured" in fast.reasons[2]
    # Within one grade: met, then not measured, then missed — whatever the cost.
    assert ok[0] is fast and ok[-1] is slow
    verdicts = [c.latency.meets_slo for c in ok]
    assert verdicts == sorted(verdicts, key=[True, None, False].index)
