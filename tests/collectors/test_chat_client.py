"""The OpenAI-compatible streaming client against a local fake server: what it measures, how it retries, and
that a key never shows in what it says."""

from __future__ import annotations

import httpx
import pytest

from collectors.api.chat import (
    ChatRouter,
    Endpoint,
    _sse_data,
    chat_client,
    endpoint_for,
    key_variables,
    stream_chat,
)
from collectors.api.http import ApiError, KeyRejected
from tests.fake_openai import FakeOpenAI, Script, fake_openai

KEY = "sk-TESTSECRET-0123456789abcdefghij"
HELLO = [{"role": "user", "content": "Say hello"}]


def _client(server: FakeOpenAI, key: str | None = None) -> httpx.Client:
    return chat_client(Endpoint("local", server.base_url, key))


class Sleeps:
    """A sleep that records its waits instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def test_time_to_first_token_and_decode_speed_come_out_as_scripted() -> None:
    # 41 chunks: the first after 0.25 s, then one every 0.02 s — 50 tokens a second after the first.
    answer = " ".join(f"w{i}" for i in range(41))
    with fake_openai({"m": Script(answer, ttft_s=0.25, chunk_s=0.02)}) as server, _client(server) as client:
        reply = stream_chat(client, "m", HELLO, max_tokens=100, where="local/m")
    assert reply.text == answer and reply.output_tokens == 41 and not reply.counted
    assert reply.input_tokens == len("Say hello") // 4
    assert reply.ttft_s is not None
    # Sleeps only ever overshoot; a loaded machine adds a little more. Ratios, not tight timings.
    assert 0.24 <= reply.ttft_s <= 0.25 * 1.5 + 0.25
    rate = (reply.output_tokens - 1) / (reply.total_s - reply.ttft_s)
    assert 0.4 <= rate / 50.0 <= 1.1
    sent = server.requests[0].body
    assert sent["stream"] is True and sent["stream_options"] == {"include_usage": True} and sent["max_tokens"] == 100


def test_without_usage_the_tokens_are_counted_by_chunk() -> None:
    with fake_openai({"m": Script("one two three", usage=False)}) as server, _client(server) as client:
        reply = stream_chat(client, "m", HELLO, where="local/m")
    assert (reply.output_tokens, reply.counted, reply.input_tokens) == (3, True, None)


def test_429_is_retried_as_long_as_retry_after_asks() -> None:
    sleeps = Sleeps()
    with fake_openai({"m": Script("ok", fail_first=[429, 503], retry_after="3")}) as server, _client(server) as client:
        reply = stream_chat(client, "m", HELLO, where="local/m", sleep=sleeps)
    assert reply.text == "ok"
    assert server.failures == [("m", 429), ("m", 503)]
    assert sleeps.waits == [3.0, 3.0]  # Retry-After wins over the backoff


def test_backoff_doubles_without_retry_after_and_gives_up_with_a_message() -> None:
    sleeps = Sleeps()
    failing = Script("ok", fail_first=[500] * 5, retry_after=None)
    gave_up = pytest.raises(ApiError, match=r"local/m: HTTP 500 .*gave up after 5 attempts")
    with fake_openai({"m": failing}) as server, _client(server, KEY) as client, gave_up as raised:
        stream_chat(client, "m", HELLO, where="local/m", sleep=sleeps)
    assert sleeps.waits == [1.0, 2.0, 4.0, 8.0]
    assert KEY not in str(raised.value)


def test_a_rejected_key_fails_at_once_and_never_shows(caplog: pytest.LogCaptureFixture) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        # An error body that echoes the key, as some APIs do.
        return httpx.Response(401, json={"error": {"message": f"Incorrect API key provided: {KEY}"}})

    caplog.set_level("DEBUG")
    endpoint = Endpoint("groq", "https://api.groq.com/openai/v1", KEY)
    factory = lambda e: chat_client(e, transport=httpx.MockTransport(refuse))  # noqa: E731
    router = ChatRouter({"groq": endpoint}, client_factory=factory)
    with router, pytest.raises(KeyRejected) as raised:
        router("groq", "llama-3.3-70b-versatile", HELLO)
    message = str(raised.value)
    assert "HTTP 401" in message and "$EXITPLAN_GROQ_API_KEY or $GROQ_API_KEY" in message
    assert KEY not in message and KEY not in caplog.text and KEY not in repr(endpoint)


def test_another_4xx_fails_at_once_and_a_refused_stream_option_is_dropped() -> None:
    calls: list[dict[str, object]] = []

    def server(request: httpx.Request) -> httpx.Response:
        import json

        body = json.loads(request.content)
        calls.append(body)
        if "stream_options" in body:
            return httpx.Response(400, json={"error": {"message": "Unrecognized request argument: stream_options"}})
        if body["model"] == "nope":
            return httpx.Response(404, json={"error": {"message": "model nope not found"}})
        events = 'data: {"choices": [{"delta": {"content": "hi"}}]}\n\ndata: [DONE]\n\n'
        return httpx.Response(200, text=events, headers={"Content-Type": "text/event-stream"})

    client = chat_client(Endpoint("old", "http://old.test/v1"), transport=httpx.MockTransport(server))
    assert stream_chat(client, "m", HELLO, where="old/m").text == "hi"
    assert ["stream_options" in c for c in calls] == [True, False]
    with pytest.raises(ApiError, match="HTTP 404: model nope not found"):
        stream_chat(client, "nope", HELLO, where="old/nope", sleep=Sleeps())


def test_an_error_inside_the_stream_is_an_api_error() -> None:
    def server(request: httpx.Request) -> httpx.Response:
        events = 'data: {"error": {"message": "overloaded"}}\n\n'
        return httpx.Response(200, text=events, headers={"Content-Type": "text/event-stream"})

    client = chat_client(Endpoint("x", "http://x.test/v1"), transport=httpx.MockTransport(server))
    with pytest.raises(ApiError, match="stream ended with an error: overloaded"):
        stream_chat(client, "m", HELLO, where="x/m")


def test_server_sent_events_are_split_on_blank_lines() -> None:
    lines = [": ping", 'data: {"a": 1}', "", "event: x", "data: line one", "data: line two", "", "data: [DONE]"]
    assert list(_sse_data(lines)) == ['{"a": 1}', "line one\nline two", "[DONE]"]


def test_endpoints_and_keys_come_from_known_hosts_the_users_urls_and_the_environment() -> None:
    environ = {"GROQ_API_KEY": "k1", "EXITPLAN_GROQ_API_KEY": " k2 ", "OPENAI_API_KEY": ""}
    groq = endpoint_for("groq", {}, environ)
    assert groq == Endpoint("groq", "https://api.groq.com/openai/v1", "k2")  # exitplan's own variable first
    assert endpoint_for("openai", {}, environ) == Endpoint("openai", "https://api.openai.com/v1", None)
    local = endpoint_for("local", {"local": "http://127.0.0.1:11434/v1/"}, environ)
    assert local == Endpoint("local", "http://127.0.0.1:11434/v1", None)
    assert endpoint_for("my-server", {}, environ) is None
    assert key_variables("x-ai") == ("EXITPLAN_X_AI_API_KEY", "XAI_API_KEY")
    # A host without a key sends no Authorization header.
    with chat_client(local) as client:  # type: ignore[arg-type]
        assert "authorization" not in client.headers


def test_a_timeout_or_a_dropped_connection_is_retried() -> None:
    attempts: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.ReadTimeout("no first byte", request=request)
        if len(attempts) == 2:
            raise httpx.RemoteProtocolError("peer closed connection", request=request)
        return httpx.Response(200, text='data: {"choices": [{"delta": {"content": "late"}}]}\n\n')

    sleeps = Sleeps()
    client = chat_client(Endpoint("x", "http://x.test/v1"), transport=httpx.MockTransport(flaky))
    assert stream_chat(client, "m", HELLO, where="x/m", sleep=sleeps).text == "late"
    assert sleeps.waits == [1.0, 2.0]
