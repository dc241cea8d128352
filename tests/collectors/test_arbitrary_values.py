"""Property tests: any value in any cell of any format's file is read as a row or rejected with a reason —
never an exception — every row read is counted once (accepted, rejected or skipped), and sums cannot wrap.

Each format's sample file is the skeleton (its columns, its JSON shape); Hypothesis puts arbitrary values
where the sample has values: text, numbers huge and tiny, infinities, dates far off, nested JSON.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from analysis.spend import summary
from collectors import IngestError, ingest, source_from_bytes
from db.errors import UserError
from tests.conftest import FIXTURES

SAMPLES: dict[str, str] = {
    "openai_usage_completions.json": "openai_usage_api",
    "openai_costs.json": "openai_costs_api",
    "openai_legacy_v1_usage.json": "openai_legacy_usage",
    "anthropic_usage_report.json": "anthropic_usage_api",
    "anthropic_cost_report.json": "anthropic_cost_api",
    "bedrock_invocation_logs.jsonl": "bedrock_invocation_logs",
    "gemini_generate_content_responses.jsonl": "gemini_usage_metadata",
    "gcp_billing_export_v1.jsonl": "gcp_billing_export",
    "azure_monitor_metrics_response.json": "azure_monitor_metrics",
    "otel_genai_spans.jsonl": "otel_genai_spans",
    "helicone_requests.jsonl": "helicone_requests_jsonl",
    "langfuse_observations_v2.json": "langfuse_observations_api",
    "openai_dashboard_completions_usage.csv": "openai_usage_csv",
    "openai_activity_export.csv": "openai_activity_csv",
    "openai_dashboard_costs.csv": "openai_costs_csv",
    "anthropic_console_usage_export.csv": "anthropic_console_usage_csv",
    "anthropic_console_cost_export.csv": "anthropic_console_cost_csv",
    "litellm_spendlogs.csv": "litellm_spendlogs_csv",
    "helicone_requests.csv": "helicone_requests_csv",
    "langfuse_generations.csv": "langfuse_generations_csv",
    "azure_cost_details_export.csv": "azure_cost_export",
    "focus_ai_token_charges.csv": "focus_csv",
}
# The canonical CSV has no sample of its own.
CANONICAL = (
    "timestamp,provider,model,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,reasoning_tokens,"
    "requests,batch,latency_ms,cost_usd,currency,project\n"
    "2025-09-01T10:00:00Z,openai,gpt-4o,1000,200,100,0,50,2,false,1200.5,0.0123,USD,web\n"
    "2025-09-01T11:00:00Z,anthropic,claude-sonnet-4-5,5000,900,0,300,0,1,true,800,0.02,usd,api\n"
)

_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
_SPECIAL = st.sampled_from(
    [
        "",
        "null",
        "NaN",
        "inf",
        "-inf",
        "1e400",
        "-0",
        "9" * 30,
        "9999999999999",
        "1e10",
        "1e308",
        "2025-09-01",
        "9999-12-31T23:59:59Z",
        "0001-01-01",
        "1970-01-01T00:00:00Z",
        "true",
        "=1+1",
        "1,000",
    ]
)
_NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
)
_CELLS = st.one_of(_TEXT, _SPECIAL, _NUMBERS.map(str))
_JSON_LEAVES = st.one_of(st.none(), st.booleans(), _NUMBERS, _TEXT, _SPECIAL)
_JSON = st.recursive(
    _JSON_LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3), max_leaves=6
)


def _mutated_csv(data: st.DataObject, text: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rows[0])
    for row in rows[1:4]:
        writer.writerow([data.draw(_CELLS) if data.draw(st.booleans()) else cell for cell in row])
    return out.getvalue()


def _mutated_json(data: st.DataObject, value: object) -> object:
    """``value`` with some of its leaves (and some whole arrays and objects) replaced by arbitrary JSON."""
    if data.draw(st.integers(0, 9)) == 0:
        return data.draw(_JSON)
    if isinstance(value, dict):
        return {key: _mutated_json(data, item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mutated_json(data, item) for item in value[:4]]
    return data.draw(_JSON_LEAVES) if data.draw(st.booleans()) else value


def _content(data: st.DataObject, name: str) -> bytes:
    text = CANONICAL if name == "canonical.csv" else (FIXTURES / name).read_text()
    if name.endswith(".csv"):
        return _mutated_csv(data, text).encode()
    if name.endswith(".jsonl"):
        lines = [json.loads(line) for line in text.splitlines()[:4] if line.strip()]
        return "".join(json.dumps(_mutated_json(data, line)) + "\n" for line in lines).encode()
    return json.dumps(_mutated_json(data, json.loads(text))).encode()


_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    # Each example is a whole import: shrinking a failure would take many minutes; the report shows the
    # value that failed as generated.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)


@pytest.mark.parametrize(("name", "format_name"), [*SAMPLES.items(), ("canonical.csv", "exitplan_csv")])
@_SETTINGS
@given(data=st.data())
def test_any_values_are_rows_or_rejections(ledger: Engine, name: str, format_name: str, data: st.DataObject) -> None:
    content = _content(data, name)
    try:
        result = ingest(ledger, source_from_bytes(Path(name).name, content), format_name=format_name)
    except UserError as exc:
        # A file the format cannot read at all (its shape broken, not just its values) is refused in one line.
        assert "\n" not in str(exc)
        return
    assert result.rows_read == result.rows_accepted + result.rows_rejected + result.rows_skipped
    totals = summary(ledger).as_dict()
    assert all((totals[name] or 0) >= 0 for name in ("requests", "input_tokens", "output_tokens"))


HEADER = "date,provider,model,input_tokens,output_tokens\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tokens=st.lists(st.integers(min_value=0, max_value=10**13), min_size=1, max_size=30))
def test_sums_are_exact_or_the_import_is_refused(
    ledger: Engine, monkeypatch: pytest.MonkeyPatch, tokens: list[int]
) -> None:
    # A limit a few rows can reach stands for 2^63 - 1, which a million rows of 10^13 tokens would pass.
    limit = 5 * 10**13
    monkeypatch.setattr("collectors.pipeline.LEDGER_LIMIT", limit)
    before = summary(ledger).as_dict()["input_tokens"] or 0
    # All in one hour: the roll-up sums them into one ledger row.
    rows = "".join(
        f"2025-09-01T10:{minute % 60:02d}:00,openai,gpt-4o,{count},1\n" for minute, count in enumerate(tokens)
    )
    source = source_from_bytes("usage.csv", (HEADER + rows + f"2025-09-01T10:00:00,openai,x{before},0,0\n").encode())
    if sum(tokens) > limit:
        with pytest.raises(IngestError, match="more than the ledger can sum"):
            ingest(ledger, source)
        assert (summary(ledger).as_dict()["input_tokens"] or 0) == before
    else:
        assert ingest(ledger, source).rows_accepted == len(tokens) + 1
        assert summary(ledger).as_dict()["input_tokens"] == before + sum(tokens)


def test_a_million_rows_of_ten_trillion_tokens_in_one_hour_are_refused_not_wrapped(ledger: Engine) -> None:
    # 10⁶ × 9,999,999,999,999 ≈ 10¹⁹ > 2⁶³ − 1 ≈ 9.2 × 10¹⁸: summary showed −8.4 × 10¹⁸ tokens.
    row = "2025-09-01T10:00:00,openai,gpt-4o,9999999999999,1\n"
    with pytest.raises(IngestError, match=r"input tokens add up to 9\.\de\+18, more than the ledger can sum"):
        ingest(ledger, source_from_bytes("wrap.csv", (HEADER + row * 1_000_000).encode()))
    assert not summary(ledger).as_dict()["input_tokens"]
