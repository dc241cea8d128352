"""Price-registry fetchers and ``refresh_prices``, against ``httpx.MockTransport`` only (never the network)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

import collectors.prices as prices
from collectors.prices import (
    LITELLM_URL,
    OPENROUTER_URL,
    PriceFetchError,
    bundled_litellm_count,
    default_client,
    fetch_litellm,
    fetch_openrouter,
    refresh_prices,
)
from db.price_snapshots import list_snapshots, snapshot_body

Handler = Callable[[httpx.Request], httpx.Response]
NOW = datetime(2026, 11, 29, 9, 30, tzinfo=UTC)
LATER = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)


class Sleeps(list[float]):
    """A sleep that records how long it was asked to wait, and does not wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def litellm_body(models: int) -> bytes:
    registry: dict[str, Any] = {
        "sample_spec": {"mode": "one of: chat, embedding, ..."},
        "fallback_generalizations": {"gpt-*": "gpt-4o"},
    }
    for number in range(models):
        registry[f"host/model-{number}"] = {"litellm_provider": "openai", "input_cost_per_token": 1e-06}
    # Indented like the real file, so a byte-for-byte comparison proves nothing was re-serialised.
    return json.dumps(registry, indent=4).encode()


def openrouter_models(first: int, count: int) -> list[dict[str, Any]]:
    return [
        {"id": f"author/model-{n}", "pricing": {"prompt": "0.000001", "completion": "0.000002"}, "extra": n}
        for n in range(first, first + count)
    ]


def factory(handler: Handler, seen: list[httpx.Request] | None = None) -> Callable[[], httpx.Client]:
    def record(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return handler(request)

    return lambda: httpx.Client(transport=httpx.MockTransport(record))


def by_host(litellm: Handler, openrouter: Handler) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "raw.githubusercontent.com":
            return litellm(request)
        assert request.url.host == "openrouter.ai"
        return openrouter(request)

    return handle


def serve(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Handler:
    return lambda request: httpx.Response(status, content=body, headers=headers)


# --- LiteLLM ---------------------------------------------------------------------------------------------


def test_litellm_stored_as_a_dated_snapshot_then_unchanged(ledger: Engine) -> None:
    body = litellm_body(60)
    seen: list[httpx.Request] = []
    client_factory = factory(serve(body), seen)

    first = refresh_prices(ledger, client_factory=client_factory, sources=["litellm"], now=NOW, baseline_count=100)
    assert [(r.source, r.status, r.entries, r.error) for r in first] == [("litellm", "stored", 60, None)]
    assert first[0].fetched_at == NOW
    assert str(seen[0].url) == LITELLM_URL
    (snapshot,) = list_snapshots(ledger, "litellm")
    assert snapshot.fetched_at == NOW.replace(tzinfo=None)
    assert snapshot_body(ledger, snapshot.id) == body  # byte for byte as served
    assert first[0].snapshot_id == snapshot.id
    assert first[0].message() == "LiteLLM: 60 entries stored as the snapshot of 2026-11-29 09:30 UTC."

    again = refresh_prices(ledger, client_factory=client_factory, sources=["litellm"], now=LATER, baseline_count=100)
    assert [(r.status, r.entries, r.snapshot_id) for r in again] == [("unchanged", 60, snapshot.id)]
    assert again[0].fetched_at == LATER
    assert "unchanged since the last snapshot" in again[0].message()
    assert len(list_snapshots(ledger, "litellm")) == 1


def test_litellm_changed_body_is_a_new_snapshot(ledger: Engine) -> None:
    refresh_prices(
        ledger, client_factory=factory(serve(litellm_body(60))), sources=["litellm"], now=NOW, baseline_count=60
    )
    result = refresh_prices(
        ledger, client_factory=factory(serve(litellm_body(61))), sources=["litellm"], now=LATER, baseline_count=60
    )
    assert result[0].status == "stored"
    assert [s.fetched_at.date().isoformat() for s in list_snapshots(ledger, "litellm")] == ["2026-11-29", "2026-11-30"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # 49 models plus the two reserved keys: 51 keys, but the reserved ones are not models.
        (litellm_body(49), "only 49 model entries, fewer than the 50"),
        (b"<html><body>404: Not Found</body></html>", "the answer is not JSON"),
        (b'[{"gpt-4o": {}}]', "JSON but not an object"),
        (json.dumps({f"m{n}": 1 for n in range(80)}).encode(), "only 0 model entries"),
    ],
)
def test_litellm_unusable_bodies_are_rejected_and_nothing_is_stored(ledger: Engine, body: bytes, message: str) -> None:
    (result,) = refresh_prices(ledger, client_factory=factory(serve(body)), sources=["litellm"], baseline_count=60)
    assert result.status == "failed" and not result.ok
    assert message in (result.error or "")
    assert result.error is not None and result.error.startswith(f"LiteLLM registry ({LITELLM_URL})")
    assert result.message().startswith("LiteLLM: not refreshed: ")
    assert list_snapshots(ledger) == []


def test_litellm_shrunk_against_the_bundled_copy_is_rejected(ledger: Engine) -> None:
    # No baseline given: the vendored registry's own count is the baseline.
    (result,) = refresh_prices(ledger, client_factory=factory(serve(litellm_body(2_000))), sources=["litellm"])
    assert result.status == "failed"
    assert "2,000 model entries against 4,876 in the bundled copy" in (result.error or "")
    assert "shrinks by more than half" in (result.error or "")
    assert list_snapshots(ledger) == []


def test_litellm_at_exactly_half_of_the_baseline_is_accepted() -> None:
    body = litellm_body(55)
    assert fetch_litellm(factory(serve(body))(), baseline_count=110, sleep=Sleeps()) == body
    with pytest.raises(PriceFetchError, match="55 model entries against 111 in the bundled copy"):
        fetch_litellm(factory(serve(body))(), baseline_count=111, sleep=Sleeps())


def test_bundled_registry_is_vendored_with_its_count() -> None:
    assert bundled_litellm_count() == 4_876


# --- OpenRouter ------------------------------------------------------------------------------------------


def test_openrouter_follows_links_next_and_combines_the_pages(ledger: Engine) -> None:
    first = {
        "data": openrouter_models(0, 30),
        "total_count": 55,
        "links": {"next": "/api/v1/models?offset=30&limit=30"},
    }
    # The second page repeats one model, as a list that moved while it was paged would.
    second = {"data": openrouter_models(29, 26), "total_count": 55, "links": {"next": None}}

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=second if request.url.params.get("offset") == "30" else first)

    seen: list[httpx.Request] = []
    (result,) = refresh_prices(ledger, client_factory=factory(handle, seen), sources=["openrouter"], now=NOW)
    assert [str(r.url) for r in seen] == [OPENROUTER_URL, f"{OPENROUTER_URL}?offset=30&limit=30"]
    assert (result.status, result.entries) == ("stored", 55)
    stored = json.loads(snapshot_body(ledger, list_snapshots(ledger, "openrouter")[0].id))
    assert list(stored) == ["data"]
    assert [m["id"] for m in stored["data"]] == [f"author/model-{n}" for n in range(55)]
    assert stored["data"][3]["extra"] == 3  # unknown keys are kept as served


def test_openrouter_single_page_without_links(ledger: Engine) -> None:
    body = json.dumps({"data": openrouter_models(0, 50)}).encode()
    assert json.loads(fetch_openrouter(factory(serve(body))(), sleep=Sleeps())) == {"data": openrouter_models(0, 50)}


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ({"models": []}, "no 'data' list"),
        ({"data": [{"name": "no id"}]}, "model 1 in 'data' is not an object with an 'id'"),
        ({"data": openrouter_models(0, 10)}, "only 10 models"),
        ({"data": openrouter_models(0, 60), "links": {"next": "/api/v1/models"}}, "points back to a page"),
    ],
)
def test_openrouter_bad_shapes_are_rejected(page: dict[str, Any], message: str) -> None:
    with pytest.raises(PriceFetchError, match=message):
        fetch_openrouter(factory(serve(json.dumps(page).encode()))(), sleep=Sleeps())


# --- Retries and failures --------------------------------------------------------------------------------


def test_429_with_retry_after_then_success(ledger: Engine) -> None:
    body = json.dumps({"data": openrouter_models(0, 50)}).encode()
    answers = iter([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, content=body)])
    sleeps = Sleeps()
    (result,) = refresh_prices(
        ledger, client_factory=factory(lambda request: next(answers)), sources=["openrouter"], sleep=sleeps
    )
    assert result.status == "stored"
    assert sleeps == [7.0]


def test_one_source_failing_does_not_stop_the_other(ledger: Engine) -> None:
    sleeps = Sleeps()
    handler = by_host(serve(litellm_body(60)), serve(b"upstream down", status=503))
    results = refresh_prices(ledger, client_factory=factory(handler), now=NOW, sleep=sleeps, baseline_count=60)
    assert [(r.source, r.status) for r in results] == [("litellm", "stored"), ("openrouter", "failed")]
    assert "HTTP 503" in (results[1].error or "") and "gave up after 5 attempts" in (results[1].error or "")
    assert len(sleeps) == 4
    assert len(list_snapshots(ledger, "litellm")) == 1
    assert list_snapshots(ledger, "openrouter") == []


def test_failure_of_the_first_source_still_refreshes_the_second(ledger: Engine) -> None:
    handler = by_host(serve(b"", status=403), serve(json.dumps({"data": openrouter_models(0, 50)}).encode()))
    results = refresh_prices(ledger, client_factory=factory(handler), sleep=Sleeps())
    assert [(r.source, r.status) for r in results] == [("litellm", "failed"), ("openrouter", "stored")]
    assert "the server refused the request (HTTP 403)" in (results[0].error or "")
    assert "admin key" not in (results[0].error or "")


def test_timeout_and_unknown_source_are_messages(ledger: Engine) -> None:
    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    results = refresh_prices(ledger, client_factory=factory(time_out), sources=["openrouter", "genai"], sleep=Sleeps())
    assert [r.status for r in results] == ["failed", "failed"]
    assert "timed out" in (results[0].error or "")
    assert results[1].error == "unknown price source 'genai'; choose from litellm, openrouter"
    assert list_snapshots(ledger) == []


def test_default_client_names_itself_and_has_timeouts() -> None:
    with default_client() as client:
        assert client.headers["User-Agent"].startswith("exitplan/")
        assert client.timeout.connect == 10.0 and client.timeout.read == 60.0
        assert client.follow_redirects


def test_public_surface() -> None:
    for name in prices.__all__:
        assert hasattr(prices, name), name


def test_openai_model_list_is_fetched_with_the_key_and_never_leaks_it(ledger) -> None:
    import httpx as _httpx

    from collectors.prices.refresh import refresh_prices as _refresh
    from db.price_snapshots import list_snapshots as _snapshots

    key = "sk-test-SECRET-123"
    seen: list[str] = []

    def handler(request: _httpx.Request) -> _httpx.Response:
        seen.append(request.headers.get("authorization", ""))
        if request.headers.get("authorization") != f"Bearer {key}":
            return _httpx.Response(401, json={"error": {"message": f"bad key {key}"}})
        return _httpx.Response(200, json={"object": "list", "data": [{"id": "o3-mini", "shutdown_date": "2026-10-23"}]})

    def factory(k: str) -> _httpx.Client:
        return _httpx.Client(
            base_url="https://api.openai.com",
            headers={"Authorization": f"Bearer {k}"},
            transport=_httpx.MockTransport(handler),
        )

    [result] = _refresh(ledger, sources=(), openai_key=key, openai_client_factory=factory)
    assert result.ok and result.entries == 1 and seen == [f"Bearer {key}"]
    assert [s.source for s in _snapshots(ledger)] == ["openai_models"]
    [failed] = _refresh(ledger, sources=(), openai_key="sk-wrong", openai_client_factory=factory, sleep=lambda s: None)
    assert not failed.ok and "rejected" in failed.message() and "sk-wrong" not in failed.message()
