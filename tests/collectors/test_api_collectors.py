"""Admin-API collectors against in-memory APIs (httpx.MockTransport): paging, retries, failures that save
nothing, the sync cursor, re-pulls that replace, and the key kept out of everything."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import httpx
import pandas as pd
import pytest
from sqlalchemy import Engine, MetaData, create_engine

from collectors import ingest, source_from_path
from collectors.api import PROVIDERS, SyncError, anthropic_admin, openai_admin, sync_provider
from collectors.api.http import MAX_WAIT_SECONDS, ApiError, KeyRejected, get_json
from collectors.formats import FORMATS
from db import list_imports, read_usage
from db.collector_state import synced_until
from tests.collectors.admin_api_fakes import DAY, KEY, FakeAdminApi
from tests.conftest import FIXTURES

NOW = datetime(2025, 3, 10, 15, 30, tzinfo=UTC)
TODAY = datetime(2025, 3, 10)
OPENAI_COLLECTORS = [e.collector for e in PROVIDERS["openai"].endpoints]
ANTHROPIC_READY = {"anthropic_usage_api", "anthropic_cost_api"} <= {f.name for f in FORMATS}


class Sleeps(list[float]):
    """An injected sleep that records how long it was asked to wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def run(ledger: Engine, api: FakeAdminApi, sleeps: Sleeps | None = None, **kwargs: object):
    kwargs.setdefault("now", NOW)
    return sync_provider(
        ledger, api.provider, KEY, client_factory=api.factory(), sleep=Sleeps() if sleeps is None else sleeps, **kwargs
    )  # type: ignore[arg-type]


def totals(ledger: Engine) -> dict[str, int]:
    row = read_usage(ledger).iloc[0]
    measures = ("input_tokens", "output_tokens", "requests", "reported_cost_nano_usd")
    return {name: 0 if pd.isna(row[name]) else int(row[name]) for name in measures}


def nothing_saved(ledger: Engine, collectors: list[str]) -> bool:
    return list_imports(ledger).empty and all(synced_until(ledger, c) is None for c in collectors)


def dump(ledger_url: str) -> str:
    """Every row of every table in the ledger, as text (on any database)."""
    engine = create_engine(ledger_url)
    try:
        with engine.connect() as conn:
            tables = MetaData()
            tables.reflect(conn)
            return "\n".join(repr(tuple(row)) for table in tables.sorted_tables for row in conn.execute(table.select()))
    finally:
        engine.dispose()


def status(code: int, **headers: str):
    """An interrupt answering ``code`` on the first request only."""

    def interrupt(request: httpx.Request, n: int) -> httpx.Response | None:
        return httpx.Response(code, headers=headers, json={"error": {"message": "slow down"}}) if n == 1 else None

    return interrupt


# --- OpenAI: pulling and paging ---------------------------------------------------------------------


def test_first_sync_pulls_30_days_of_every_endpoint_across_pages(ledger: Engine) -> None:
    api = FakeAdminApi("openai", per_page=7)
    summary = run(ledger, api)
    assert (summary.start, summary.end) == (TODAY - 30 * DAY, TODAY)
    # 30 days at 7 buckets a page: 5 pages for each of completions, embeddings and costs.
    assert [e.pages for e in summary.endpoints] == [5, 5, 5]
    assert len(api.requests) == 15
    assert [e.rows_accepted for e in summary.endpoints] == [30, 30, 30]
    assert totals(ledger) == {
        "input_tokens": 30 * 1500,
        "output_tokens": 30 * 100,
        "requests": 30 * 15,
        "reported_cost_nano_usd": 30 * 1_500_000_000,
    }
    imports = list_imports(ledger)
    assert sorted(imports["collector"]) == sorted(OPENAI_COLLECTORS)
    assert summary.message() == "OpenAI: 90 rows from 15 pages for 2025-02-08 to 2025-03-09 UTC."


def test_request_shape_headers_repeated_group_by_and_page_cursor(ledger: Engine) -> None:
    api = FakeAdminApi("openai", per_page=20)
    run(ledger, api)
    first, second = api.requests[0], api.requests[1]
    assert first.url.host == "api.openai.com"
    assert first.headers["authorization"] == f"Bearer {KEY}"
    assert first.url.path == "/v1/organization/usage/completions"
    params = first.url.params
    assert params.get_list("group_by") == ["model", "project_id", "api_key_id", "batch", "service_tier"]
    assert "group_by=model&group_by=project_id" in str(first.url)
    assert params["bucket_width"] == "1d" and params["limit"] == "31"
    assert int(params["start_time"]) == int((TODAY - 30 * DAY).replace(tzinfo=UTC).timestamp())
    assert int(params["end_time"]) == int(TODAY.replace(tzinfo=UTC).timestamp())
    assert "page" not in params
    # The second page asks for the cursor the first one returned, with the same query otherwise.
    assert second.url.params["page"] == "page_20"
    assert second.url.params.get_list("group_by") == params.get_list("group_by")
    assert api.paths() == [
        "/v1/organization/usage/completions",
        "/v1/organization/usage/completions",
        "/v1/organization/usage/embeddings",
        "/v1/organization/usage/embeddings",
        "/v1/organization/costs",
        "/v1/organization/costs",
    ]
    embeddings, costs = api.requests[2], api.requests[4]
    assert embeddings.url.params.get_list("group_by") == ["model", "project_id", "api_key_id"]
    assert costs.url.params.get_list("group_by") == ["line_item", "project_id"]
    assert costs.url.params["limit"] == "180"


def test_anthropic_request_shape() -> None:
    api = FakeAdminApi("anthropic", per_page=3)
    with anthropic_admin.client(KEY, transport=httpx.MockTransport(api)) as client:
        pages = list(anthropic_admin.usage_pages(client, datetime(2025, 3, 1), datetime(2025, 3, 8), sleep=Sleeps()))
        costs = list(anthropic_admin.cost_pages(client, datetime(2025, 3, 1), datetime(2025, 3, 8), sleep=Sleeps()))
    assert [len(p["data"]) for p in pages] == [3, 3, 1]
    assert len(costs) == 3
    first = api.requests[0]
    assert str(first.url).startswith("https://api.anthropic.com/v1/organizations/usage_report/messages?")
    assert first.headers["x-api-key"] == KEY
    assert first.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in first.headers
    params = first.url.params
    assert params["starting_at"] == "2025-03-01T00:00:00Z" and params["ending_at"] == "2025-03-08T00:00:00Z"
    assert params.get_list("group_by[]") == ["model", "workspace_id", "api_key_id", "service_tier", "context_window"]
    assert params["bucket_width"] == "1d" and params["limit"] == "31"
    assert api.requests[1].url.params["page"] == "page_3"
    assert api.requests[3].url.path == "/v1/organizations/cost_report"
    assert api.requests[3].url.params.get_list("group_by[]") == ["workspace_id", "description"]


# --- retries, failures, the key ----------------------------------------------------------------------


def test_429_is_retried_after_the_wait_the_server_asked_for(ledger: Engine) -> None:
    api = FakeAdminApi("openai", interrupt=status(429, **{"Retry-After": "7"}))
    sleeps = Sleeps()
    summary = run(ledger, api, sleeps)
    assert sleeps == [7.0]
    assert api.requests[0].url == api.requests[1].url
    assert summary.rows_accepted == 90


def test_a_long_retry_after_is_capped() -> None:
    api = FakeAdminApi("openai", interrupt=status(503, **{"Retry-After": "3600"}))
    sleeps = Sleeps()
    with openai_admin.client(KEY, transport=httpx.MockTransport(api)) as client:
        list(openai_admin.cost_pages(client, datetime(2025, 3, 1), datetime(2025, 3, 2), sleep=sleeps))
    assert sleeps == [MAX_WAIT_SECONDS]


def test_500_is_retried_with_backoff_then_fails_saving_nothing(ledger: Engine) -> None:
    # Completions and embeddings succeed; the costs endpoint fails on its second page, for good.
    def costs_down(request: httpx.Request, n: int) -> httpx.Response | None:
        if request.url.path.endswith("/costs") and "page" in request.url.params:
            return httpx.Response(500, text="internal error")
        return None

    api = FakeAdminApi("openai", interrupt=costs_down)
    sleeps = Sleeps()
    with pytest.raises(SyncError) as caught:
        run(ledger, api, sleeps)
    message = str(caught.value)
    assert "saved nothing" in message
    assert "/v1/organization/costs" in message and "page 2" in message
    assert "2025-02-08 to 2025-03-09 UTC" in message
    assert "HTTP 500" in message and "5 attempts" in message
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert nothing_saved(ledger, OPENAI_COLLECTORS)


def test_a_timeout_is_retried_then_fails_cleanly(ledger: Engine) -> None:
    def never_answers(request: httpx.Request, n: int) -> httpx.Response | None:
        raise httpx.ReadTimeout("timed out", request=request)

    api = FakeAdminApi("openai", interrupt=never_answers)
    with pytest.raises(SyncError) as caught:
        run(ledger, api)
    message = str(caught.value)
    assert "timed out" in message and "/v1/organization/usage/completions" in message and "page 1" in message
    assert len(api.requests) == 5
    assert nothing_saved(ledger, OPENAI_COLLECTORS)


def test_expired_key_fails_at_once_with_a_clear_message(ledger: Engine, ledger_url: str) -> None:
    def rejected(request: httpx.Request, n: int) -> httpx.Response:
        echo = f"Incorrect API key provided: {KEY[:12]}***{KEY[-4:]}"
        return httpx.Response(401, json={"error": {"message": echo, "type": "invalid_request_error"}})

    api = FakeAdminApi("openai", interrupt=rejected)
    sleeps = Sleeps()
    with pytest.raises(SyncError) as caught:
        run(ledger, api, sleeps)
    message = str(caught.value)
    assert "the admin key was rejected (expired or not an admin key)" in message and "HTTP 401" in message
    assert len(api.requests) == 1 and sleeps == []
    assert KEY not in message and KEY[-4:] not in message
    assert nothing_saved(ledger, OPENAI_COLLECTORS)


def test_403_raises_key_rejected_without_retry() -> None:
    api = FakeAdminApi("openai", interrupt=lambda request, n: httpx.Response(403))
    with openai_admin.client(KEY, transport=httpx.MockTransport(api)) as client, pytest.raises(KeyRejected):
        get_json(client, "/v1/organization/costs", [], where="test", sleep=Sleeps())
    assert len(api.requests) == 1


def test_the_key_is_never_stored_logged_or_shown(
    ledger: Engine, ledger_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    run(ledger, FakeAdminApi("openai"))

    def echoes_key(request: httpx.Request, n: int) -> httpx.Response:
        # A 400 whose body repeats the key must not carry it into the error.
        return httpx.Response(400, json={"error": {"message": f"bad request with key {KEY}"}})

    with pytest.raises(SyncError) as caught:
        run(ledger, FakeAdminApi("openai", interrupt=echoes_key), since=date(2025, 1, 1))
    assert "HTTP 400" in str(caught.value) and "bad request with key [redacted]" in str(caught.value)
    assert KEY not in str(caught.value)
    assert KEY not in dump(ledger_url)
    assert KEY not in caplog.text
    assert KEY not in repr(caught.value.__cause__) and caught.value.__cause__ is None


def test_other_client_errors_fail_without_retry() -> None:
    api = FakeAdminApi("openai", interrupt=lambda request, n: httpx.Response(400, text="bad\ngroup_by"))
    with openai_admin.client(KEY, transport=httpx.MockTransport(api)) as client, pytest.raises(ApiError) as caught:
        get_json(client, "/v1/organization/costs", [], where="OpenAI costs, page 1", sleep=Sleeps())
    assert str(caught.value) == "OpenAI costs, page 1: HTTP 400: bad group_by"
    assert caught.value.status == 400 and len(api.requests) == 1


# --- the cursor and re-pulls -------------------------------------------------------------------------


def test_the_cursor_advances_and_the_next_sync_starts_where_the_last_ended(ledger: Engine) -> None:
    first = run(ledger, FakeAdminApi("openai"))
    assert first.synced_until == TODAY
    assert all(synced_until(ledger, c) == TODAY for c in OPENAI_COLLECTORS)

    # The next sync starts one day before the cursor: late usage and costs of the last synced day come in,
    # replacing that day's buckets rather than adding to them.
    later = FakeAdminApi("openai")
    second = run(ledger, later, now=datetime(2025, 3, 13, 1, 0, tzinfo=UTC))
    day_before = TODAY - timedelta(days=1)
    assert (second.start, second.end) == (day_before, datetime(2025, 3, 13))
    assert int(later.requests[0].url.params["start_time"]) == int(day_before.replace(tzinfo=UTC).timestamp())
    assert [e.rows_accepted for e in second.endpoints] == [4, 4, 4]
    assert all(synced_until(ledger, c) == datetime(2025, 3, 13) for c in OPENAI_COLLECTORS)
    assert totals(ledger)["input_tokens"] == 33 * 1500

    again = FakeAdminApi("openai")
    third = run(ledger, again, now=datetime(2025, 3, 13, 23, 0, tzinfo=UTC))
    assert (third.start, third.end) == (datetime(2025, 3, 12), datetime(2025, 3, 13))
    assert totals(ledger)["input_tokens"] == 33 * 1500


def test_until_is_inclusive_and_never_reaches_past_the_last_complete_day(ledger: Engine) -> None:
    summary = run(ledger, FakeAdminApi("openai"), since=date(2025, 3, 1), until=date(2025, 3, 5))
    assert (summary.start, summary.end) == (datetime(2025, 3, 1), datetime(2025, 3, 6))
    future = run(ledger, FakeAdminApi("openai"), since=date(2025, 3, 1), until=date(2026, 1, 1))
    assert future.end == TODAY
    with pytest.raises(SyncError, match="is after --until"):
        run(ledger, FakeAdminApi("openai"), since=date(2025, 3, 5), until=date(2025, 3, 1))
    with pytest.raises(SyncError, match="the last complete UTC day is 2025-03-09"):
        run(ledger, FakeAdminApi("openai"), since=date(2025, 3, 10))


def test_an_overlapping_repull_replaces_that_collectors_buckets(ledger: Engine) -> None:
    run(ledger, FakeAdminApi("openai"), since=date(2025, 2, 1), until=date(2025, 2, 10))
    assert totals(ledger)["input_tokens"] == 10 * 1500
    # The second pull reports twice the usage for its days: Feb 5–10 are replaced, not added to.
    run(ledger, FakeAdminApi("openai", scale=2), since=date(2025, 2, 5), until=date(2025, 2, 15))
    assert totals(ledger) == {
        "input_tokens": 4 * 1500 + 11 * 3000,
        "output_tokens": 4 * 100 + 11 * 200,
        "requests": 15 * 15,
        "reported_cost_nano_usd": 4 * 1_500_000_000 + 11 * 3_000_000_000,
    }
    by_day = read_usage(ledger, grain="day")
    assert len(by_day) == 15 and by_day["input_tokens"].tolist() == [1500] * 4 + [3000] * 11


def test_a_repull_leaves_file_imports_of_the_same_days_alone(ledger: Engine) -> None:
    ingest(ledger, source_from_path(FIXTURES / "openai_usage_completions.json"))  # from 2025-09-01
    from_file = totals(ledger)["input_tokens"]
    later = datetime(2025, 10, 1, tzinfo=UTC)
    run(ledger, FakeAdminApi("openai"), since=date(2025, 9, 1), until=date(2025, 9, 3), now=later)
    run(ledger, FakeAdminApi("openai", scale=3), since=date(2025, 9, 1), until=date(2025, 9, 3), now=later)
    assert totals(ledger)["input_tokens"] == from_file + 3 * 4500


def test_a_backfill_does_not_move_the_cursor_back(ledger: Engine) -> None:
    run(ledger, FakeAdminApi("openai"))
    run(ledger, FakeAdminApi("openai"), since=date(2024, 12, 1), until=date(2024, 12, 31))
    assert all(synced_until(ledger, c) == TODAY for c in OPENAI_COLLECTORS)


def test_a_missing_key_or_unknown_provider_is_a_message(ledger: Engine) -> None:
    with pytest.raises(SyncError, match="OPENAI_ADMIN_KEY"):
        sync_provider(ledger, "openai", "  ", now=NOW)
    with pytest.raises(SyncError, match="has characters no API key has") as caught:
        sync_provider(ledger, "openai", "sk-admin-é\n", now=NOW)
    assert "sk-admin" not in str(caught.value)
    with pytest.raises(SyncError, match="unknown provider"):
        sync_provider(ledger, "mistral", KEY, now=NOW)


# --- Anthropic end to end (its formats are written alongside) ----------------------------------------


@pytest.mark.skipif(not ANTHROPIC_READY, reason="the Anthropic API formats are not registered yet")
def test_anthropic_sync_imports_usage_and_costs(ledger: Engine) -> None:
    api = FakeAdminApi("anthropic", per_page=10)
    summary = run(ledger, api, since=date(2025, 3, 1), until=date(2025, 3, 7))
    assert [e.collector for e in summary.endpoints] == ["anthropic_admin:usage", "anthropic_admin:costs"]
    assert [e.pages for e in summary.endpoints] == [1, 1]
    # All input = uncached + cache read + cache write (FORMATS.md §2.1); 250 cents a day.
    assert totals(ledger)["input_tokens"] == 7 * 1100
    assert totals(ledger)["output_tokens"] == 7 * 50
    assert totals(ledger)["reported_cost_nano_usd"] == 7 * 2_500_000_000
    run(ledger, FakeAdminApi("anthropic", scale=2), since=date(2025, 3, 5), until=date(2025, 3, 9))
    assert totals(ledger)["input_tokens"] == 4 * 1100 + 5 * 2200
    assert synced_until(ledger, "anthropic_admin:usage") == datetime(2025, 3, 10)


@pytest.mark.skipif(not ANTHROPIC_READY, reason="the Anthropic API formats are not registered yet")
def test_anthropic_failure_mid_sync_saves_nothing(ledger: Engine, ledger_url: str) -> None:
    def cost_report_down(request: httpx.Request, n: int) -> httpx.Response | None:
        return httpx.Response(529, text="overloaded") if request.url.path.endswith("cost_report") else None

    collectors = [e.collector for e in PROVIDERS["anthropic"].endpoints]
    with pytest.raises(SyncError) as caught:
        run(ledger, FakeAdminApi("anthropic", interrupt=cost_report_down))
    assert "/v1/organizations/cost_report" in str(caught.value) and "HTTP 529" in str(caught.value)
    assert nothing_saved(ledger, collectors)
    assert KEY not in dump(ledger_url)
