"""The ledger's prompt samples and replay results: revision 0009 adds them and takes only them away; a result
run again replaces the earlier one; money is kept exact."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, inspect

from db import open_ledger
from db.engine import downgrade, upgrade
from db.prompt_samples import keep_samples, read_samples, sample_index
from db.replays import delete_replays, list_replays, save_replays

RESULT = {
    "workload": "Support",
    "incumbent_host": "openai",
    "incumbent_model": "gpt-4o",
    "host": "groq",
    "model": "llama-3.3-70b-versatile",
    "n": 50,
    "judge": "openai/gpt-4.1",
    "wins": 20,
    "ties": 10,
    "losses": 20,
    "win_rate": 0.5,
    "win_rate_low": 0.37,
    "win_rate_high": 0.63,
    "ttft_p50_s": 0.21,
    "ttft_p95_s": 0.48,
    "tokens_per_s": 310.0,
    "output_ratio": 1.08,
    "output_ratio_low": 0.97,
    "output_ratio_high": 1.2,
    "cost_usd": 0.123456789,
}
SAMPLE = {
    "import_id": None,
    "workload": "Support",
    "group_key": "workload:Support",
    "sample_key": "0" * 32,
    "messages": '[{"role": "user", "content": "Hi"}]',
    "response": None,
    "redacted": True,
    "source": "samples.jsonl",
}


@pytest.fixture
def at_0008(ledger_url: str) -> Iterator[Engine]:
    engine = open_ledger(ledger_url, migrate=False)
    upgrade(engine, "0008")
    yield engine
    engine.dispose()


def test_0009_adds_samples_and_replays_and_takes_only_them_away(at_0008: Engine) -> None:
    assert not {"prompt_samples", "replay_results"} & set(inspect(at_0008).get_table_names())
    upgrade(at_0008, "0009")
    assert keep_samples(at_0008, [SAMPLE], 10) == 1
    assert save_replays(at_0008, [RESULT]) == 1
    downgrade(at_0008, "0008")
    tables = set(inspect(at_0008).get_table_names())
    assert not {"prompt_samples", "replay_results"} & tables and {"scenarios", "skipped_rows"} <= tables
    upgrade(at_0008)
    assert sample_index(at_0008).empty and list_replays(at_0008).empty


def test_a_result_run_again_replaces_the_earlier_one(ledger: Engine) -> None:
    save_replays(ledger, [RESULT, {**RESULT, "host": "together"}])
    save_replays(ledger, [{**RESULT, "n": 80, "wins": None, "ties": None, "losses": None, "cost_usd": None}])
    frame = list_replays(ledger)
    assert sorted(frame["host"]) == ["groq", "together"]
    groq = frame[frame["host"] == "groq"].iloc[0]
    assert groq["n"] == 80 and groq["wins"] is pd_na() and groq["cost_usd"] != groq["cost_usd"]
    together = frame[frame["host"] == "together"].iloc[0]
    assert together["cost_usd"] == pytest.approx(0.123456789, abs=1e-9)
    assert delete_replays(ledger, "Support") == 2 and list_replays(ledger).empty


def test_samples_read_back_in_the_order_asked(ledger: Engine) -> None:
    rows = [{**SAMPLE, "sample_key": f"{i:032x}", "response": f"answer {i}" if i else None} for i in range(3)]
    keep_samples(ledger, rows, 10)
    ids = list(sample_index(ledger)["id"])
    content = read_samples(ledger, [ids[2], ids[0]])
    assert list(content["response"]) == ["answer 2", None]
    assert list(sample_index(ledger)["has_response"]) == [False, True, True]


def pd_na() -> object:
    import pandas as pd

    return pd.NA
