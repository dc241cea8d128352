"""`exitplan cost` and `exitplan prices …` as a user runs them."""

from __future__ import annotations

import json

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()


def cost(ledger_url: str, *args: str) -> dict[str, object]:
    """``exitplan cost`` with ``args`` as typed on a command line (each may hold several words) and --json."""
    words = " ".join(args).split()
    result = runner.invoke(app, ["cost", *words, "--json", "--db", ledger_url])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_cost_parts_of_a_cached_openai_usage(ledger_url: str) -> None:
    # gpt-4o on 2025-09-01: $2.50 input, $1.25 cached input, $10 output per million tokens.
    out = cost(
        ledger_url,
        "--provider openai --model gpt-4o-2024-08-06 --date 2025-09-01",
        "--input-tokens 1000000 --cache-read-tokens 400000 --output-tokens 100000",
    )
    assert out["input_usd"] == pytest.approx(1.5)
    assert out["cache_read_usd"] == pytest.approx(0.5)
    assert out["cache_write_usd"] == 0 and out["requests_usd"] == 0
    assert out["output_usd"] == pytest.approx(1.0)
    assert out["total_usd"] == pytest.approx(3.0)
    assert str(out["price_source"]).startswith("genai-prices") and "price_as_of" in out


def test_requests_decide_the_long_context_tier(ledger_url: str) -> None:
    # gemini-2.5-pro input: $1.25 per million up to 200k prompt tokens, $2.50 above, on every token.
    base = ["--provider", "google", "--model", "gemini-2.5-pro", "--date", "2025-09-01", "--input-tokens", "500000"]
    assert cost(ledger_url, *base, "--requests", "2")["total_usd"] == pytest.approx(0.5 * 2.5)
    assert cost(ledger_url, *base, "--requests", "5")["total_usd"] == pytest.approx(0.5 * 1.25)


def test_batch_tier_and_anthropic_cache_writes(ledger_url: str) -> None:
    # claude-sonnet-4-5: 5-minute writes $3.75, 1-hour writes $6, reads $0.30; batch halves input/output.
    # Ten requests of 100k tokens stay below the 200k long-context cliff.
    sonnet = "--provider anthropic --model claude-sonnet-4-5 --date 2025-09-01"
    out = cost(
        ledger_url,
        sonnet,
        "--input-tokens 1000000 --cache-read-tokens 200000 --cache-write-tokens 100000",
        "--cache-write-1h-tokens 40000 --requests 10",
    )
    assert out["cache_write_usd"] == pytest.approx(0.06 * 3.75 + 0.04 * 6)
    assert out["total_usd"] == pytest.approx(0.7 * 3 + 0.2 * 0.3 + 0.06 * 3.75 + 0.04 * 6)
    batch = cost(
        ledger_url, sonnet, "--input-tokens 1000000 --output-tokens 1000000 --service-tier batch --requests 10"
    )
    assert batch["total_usd"] == pytest.approx(1.5 + 7.5)
    # One request with a 1M-token prompt crosses the cliff: every token at $6/$22.50, halved in batch.
    cliff = cost(ledger_url, sonnet, "--input-tokens 1000000 --output-tokens 1000000 --service-tier batch")
    assert cliff["total_usd"] == pytest.approx(3.0 + 11.25)


def test_batch_of_a_retired_claude_model_by_anthropics_policy(ledger_url: str) -> None:
    # Claude 3 Opus: no registry lists its batch price. Anthropic halves every price in a batch, caching
    # included: $7.50 input, $0.75 cache reads, $9.375 5-minute writes, $37.50 output per million tokens.
    out = cost(
        ledger_url,
        "--provider anthropic --model claude-3-opus-20240229 --date 2024-09-01 --service-tier batch",
        "--input-tokens 1000000 --cache-read-tokens 300000 --cache-write-tokens 100000 --output-tokens 100000",
        "--requests 10",
    )
    assert out["total_usd"] == pytest.approx(0.6 * 7.5 + 0.3 * 0.75 + 0.1 * 9.375 + 0.1 * 37.5)
    assert "anthropic's batch policy" in str(out["price_source"]) and out["price_note"] is None
    assert out["price_as_of"] is not None


@pytest.mark.parametrize(("spelling", "billed"), [("default", "standard"), ("auto", "standard"), ("scale", "standard")])
def test_openai_tier_spellings_are_billed_as_openai_bills_them(ledger_url: str, spelling: str, billed: str) -> None:
    # o3 on 2026-11-02: $2 / $8 per million tokens on the standard tier.
    base = "--provider openai --model o3 --date 2026-11-02 --input-tokens 1000000 --output-tokens 1000000"
    out = cost(ledger_url, base, f"--service-tier {spelling}")
    assert (out["total_usd"], out["billed_tier"]) == (pytest.approx(10.0), billed)
    fast = cost(ledger_url, base, "--service-tier fast")
    assert (fast["total_usd"], fast["billed_tier"]) == (pytest.approx(17.5), "priority")
    result = runner.invoke(app, ["cost", *base.split(), "--service-tier", spelling, "--db", ledger_url])
    assert result.exit_code == 0 and f"tier: {spelling}, billed as standard" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--provider", "azure", "--model", "chat-prod", "--input-tokens", "10"], "unpriced"),
        (
            ["--provider", "openai", "--model", "gpt-4o", "--input-tokens", "10", "--cache-read-tokens", "20"],
            "must include the cache reads",
        ),
        (["--provider", "openai", "--model", "gpt-4o", "--service-tier", "cheap"], "--service-tier must be one of"),
        (["--provider", "openai", "--model", "gpt-4o", "--date", "tomorrow"], "expected a date"),
    ],
)
def test_cost_user_errors_are_one_line(ledger_url: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["cost", *args, "--db", ledger_url])
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_prices_show_lists_every_source(ledger_url: str) -> None:
    result = runner.invoke(app, ["prices", "show", "gpt-4o", "--provider", "openai", "--json", "--db", ledger_url])
    rows = json.loads(result.stdout)["prices"]
    assert {row["source"] for row in rows} >= {"genai-prices", "litellm"}
    assert all(row["provider"] == "openai" for row in rows)
    missing = runner.invoke(app, ["prices", "show", "no-such-model-xyz", "--db", ledger_url])
    assert missing.exit_code == 2


def test_prices_diff_lists_disagreements_above_the_threshold(ledger_url: str) -> None:
    rows = json.loads(runner.invoke(app, ["prices", "diff", "--json", "--db", ledger_url]).stdout)
    assert rows and all(row["spread"] > 0.05 for row in rows)
    llama = next(r for r in rows if r["model"] == "meta-llama/llama-3.3-70b-instruct-turbo")
    assert (llama["input_low"], llama["input_high"]) == (0.88, 1.04)


def test_an_override_changes_what_cost_says(ledger_url: str) -> None:
    args = ["--provider", "openai", "--model", "gpt-4o", "--date", "2025-09-01", "--input-tokens", "1000000"]
    assert cost(ledger_url, *args)["total_usd"] == pytest.approx(2.5)
    saved = runner.invoke(
        app, ["prices", "override", "--provider", "openai", "--discount-pct", "20", "--db", ledger_url]
    )
    assert saved.exit_code == 0
    discounted = cost(ledger_url, *args)
    assert discounted["total_usd"] == pytest.approx(2.0)
    assert "20% discount" in str(discounted["price_source"])
    listed = json.loads(runner.invoke(app, ["prices", "overrides", "--json", "--db", ledger_url]).stdout)
    runner.invoke(app, ["prices", "overrides", "--delete", str(listed[0]["id"]), "--db", ledger_url])
    assert cost(ledger_url, *args)["total_usd"] == pytest.approx(2.5)


def test_prices_refresh_stores_dated_snapshots(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6}
    registry = {f"model-{i}": entry for i in range(3000)}
    prices = {"prompt": "0.000001", "completion": "0.000002"}
    models = {"data": [{"id": f"acme/m-{i}", "pricing": prices} for i in range(60)]}

    def handler(request: httpx.Request) -> httpx.Response:
        body = registry if "litellm" in str(request.url) else models
        return httpx.Response(200, json=body)

    monkeypatch.setattr(
        "collectors.prices.refresh.default_client", lambda: httpx.Client(transport=httpx.MockTransport(handler))
    )
    first = runner.invoke(app, ["prices", "refresh", "--db", ledger_url])
    assert first.exit_code == 0, first.stdout
    assert "LiteLLM: 3,000 entries stored" in first.stdout and "OpenRouter: 60 entries stored" in first.stdout
    shown = json.loads(runner.invoke(app, ["prices", "show", "model-7", "--json", "--db", ledger_url]).stdout)
    assert any(row["source"] == "litellm" and row["input_mtok"] == 1.0 for row in shown["prices"])


def test_prices_batch_lists_every_providers_policy() -> None:
    rows = {row["provider"]: row for row in json.loads(runner.invoke(app, ["prices", "batch", "--json"]).stdout)}
    assert rows["anthropic"]["ratios"]["cache_write_1h_mtok"] == {"factor": 0.5, "of": "cache_write_1h_mtok"}
    assert rows["groq"]["ratios"]["cache_read_mtok"] == {"factor": 0.5, "of": "input_mtok"}
    assert rows["together"]["offer"] == "per model" and rows["together"]["ratios"] == {}
    text = runner.invoke(app, ["prices", "batch"]).stdout
    assert "0.5 of input" in text and "deepseek: DeepSeek publishes no batch price" in text


def test_prices_refresh_with_every_source_failing_says_so_on_stderr(
    ledger_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "collectors.prices.refresh.default_client",
        lambda: httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(404))),
    )
    result = runner.invoke(app, ["prices", "refresh", "--db", ledger_url])
    assert result.exit_code == 2
    assert "LiteLLM" in result.stderr and "OpenRouter" in result.stderr
    assert "LiteLLM" not in result.stdout and "OpenRouter" not in result.stdout
