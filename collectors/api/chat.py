"""OpenAI-compatible chat completions, streamed: what replaying a prompt on a candidate needs.

Every host exitplan evaluates on speaks the OpenAI chat-completions protocol, natively (OpenAI, Groq,
Together, DeepInfra, Fireworks, Mistral, OpenRouter, vLLM, Ollama, llama.cpp, a LiteLLM proxy) or through a
compatibility endpoint (Google's and Anthropic's); :data:`KNOWN_HOSTS` has their base URLs, and any host can
be pointed at a base URL of the user's. Keys come from the environment (``EXITPLAN_<HOST>_API_KEY``, else the
host's usual variable), live only in the client's headers, and are cut out of every error message; a host
without a key is called without one (a local server).

A call is streamed so that it measures what a user waits for: the time to the first token (the first
chunk with text or reasoning) and the rest of the answer's pace. 429s, 5xx, timeouts and dropped connections
are retried with exponential backoff (1, 2, 4, 8 s), waiting what ``Retry-After`` asks where it is sent (at
most a minute); a rejected key (401/403) or another 4xx fails at once. The client is injected (HOUSE_STYLE:
httpx), and so are the clock and the sleep, for tests.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx

from collectors.api.http import (
    ATTEMPTS,
    BACKOFF_SECONDS,
    MAX_WAIT_SECONDS,
    ApiError,
    KeyRejected,
    Sleep,
    _error_detail,
    _redact,
    _retry_after,
)
from db.errors import InvalidInput
from pricing.identity import provider_id

__all__ = [
    "KNOWN_HOSTS",
    "TIMEOUT",
    "ChatRouter",
    "Clock",
    "Completion",
    "Endpoint",
    "KnownHost",
    "chat_client",
    "endpoint_for",
    "endpoints_for",
    "key_variables",
    "parse_base_urls",
    "stream_chat",
]

Clock = Callable[[], float]

# A first token may take a while on a long prompt or a reasoning model; a silent minute between chunks is a
# stalled stream. Connecting should be quick anywhere.
TIMEOUT = httpx.Timeout(connect=10.0, read=120.0, write=30.0, pool=60.0)


@dataclass(frozen=True)
class KnownHost:
    """A host's OpenAI-compatible base URL and the environment variables its key is usually in."""

    base_url: str
    key_env: tuple[str, ...]


# Hosts by the provider id the price book uses (pricing.identity.provider_id).
KNOWN_HOSTS: dict[str, KnownHost] = {
    "openai": KnownHost("https://api.openai.com/v1", ("OPENAI_API_KEY",)),
    "anthropic": KnownHost("https://api.anthropic.com/v1", ("ANTHROPIC_API_KEY",)),
    "google": KnownHost(
        "https://generativelanguage.googleapis.com/v1beta/openai", ("GEMINI_API_KEY", "GOOGLE_API_KEY")
    ),
    "openrouter": KnownHost("https://openrouter.ai/api/v1", ("OPENROUTER_API_KEY",)),
    "together": KnownHost("https://api.together.xyz/v1", ("TOGETHER_API_KEY",)),
    "deepinfra": KnownHost("https://api.deepinfra.com/v1/openai", ("DEEPINFRA_API_KEY", "DEEPINFRA_TOKEN")),
    "fireworks": KnownHost("https://api.fireworks.ai/inference/v1", ("FIREWORKS_API_KEY",)),
    "groq": KnownHost("https://api.groq.com/openai/v1", ("GROQ_API_KEY",)),
    "mistral": KnownHost("https://api.mistral.ai/v1", ("MISTRAL_API_KEY",)),
    "deepseek": KnownHost("https://api.deepseek.com/v1", ("DEEPSEEK_API_KEY",)),
    "x-ai": KnownHost("https://api.x.ai/v1", ("XAI_API_KEY",)),
    "cerebras": KnownHost("https://api.cerebras.ai/v1", ("CEREBRAS_API_KEY",)),
}


@dataclass(frozen=True)
class Endpoint:
    """Where to call a host: its base URL and key (None: no key sent). The key never shows in a repr."""

    host: str
    base_url: str
    key: str | None = field(default=None, repr=False)


def key_variables(host: str) -> tuple[str, ...]:
    """The environment variables a host's key is read from, first found wins.

    >>> key_variables("groq"), key_variables("my-vllm")
    (('EXITPLAN_GROQ_API_KEY', 'GROQ_API_KEY'), ('EXITPLAN_MY_VLLM_API_KEY',))
    """
    own = "EXITPLAN_" + re.sub(r"[^A-Z0-9]+", "_", host.upper()).strip("_") + "_API_KEY"
    known = KNOWN_HOSTS.get(host)
    return (own, *(known.key_env if known else ()))


def endpoint_for(host: str, base_urls: Mapping[str, str], environ: Mapping[str, str]) -> Endpoint | None:
    """The endpoint of ``host``: the base URL the user gave, else the known host's; None when neither."""
    base_url = base_urls.get(host) or (KNOWN_HOSTS[host].base_url if host in KNOWN_HOSTS else None)
    if base_url is None:
        return None
    key = next((environ[name].strip() for name in key_variables(host) if environ.get(name, "").strip()), None)
    return Endpoint(host, base_url.rstrip("/"), key)


def parse_base_urls(items: Iterable[str]) -> dict[str, str]:
    """``HOST=URL`` settings as a mapping by host (spelled as a provider id).

    >>> parse_base_urls(["Local=http://127.0.0.1:11434/v1"])
    {'local': 'http://127.0.0.1:11434/v1'}
    """
    urls = {}
    for item in items:
        host, _, url = item.partition("=")
        if not host.strip() or not url.strip().startswith(("http://", "https://")):
            raise InvalidInput(f"base URL {item!r}: give HOST=URL, e.g. local=http://127.0.0.1:11434/v1")
        urls[provider_id(host)] = url.strip()
    return urls


def endpoints_for(
    hosts: Iterable[str], base_urls: Mapping[str, str], environ: Mapping[str, str]
) -> dict[str, Endpoint]:
    """The endpoint of each of ``hosts``; a host with neither a known nor a given base URL is an error that
    says how to give one."""
    endpoints = {}
    for host in dict.fromkeys(hosts):
        endpoint = endpoint_for(host, base_urls, environ)
        if endpoint is None:
            raise InvalidInput(
                f"no endpoint for host {host!r}: give its OpenAI-compatible base URL as {host}=URL (--base-url on "
                f"the command line); known hosts: {', '.join(KNOWN_HOSTS)}"
            )
        endpoints[host] = endpoint
    return endpoints


def chat_client(
    endpoint: Endpoint, *, transport: httpx.BaseTransport | None = None, timeout: httpx.Timeout = TIMEOUT
) -> httpx.Client:
    """A client for ``endpoint``: its base URL, and its key as a bearer token when it has one."""
    headers = {"Authorization": f"Bearer {endpoint.key}"} if endpoint.key else {}
    return httpx.Client(base_url=endpoint.base_url + "/", headers=headers, timeout=timeout, transport=transport)


@dataclass(frozen=True)
class Completion:
    """One streamed answer: its text, when its first token came and when it ended (seconds from sending the
    request), and its token counts — as the server reported them, else ``output_tokens`` counts the chunks
    that carried text (``counted`` true) and ``input_tokens`` is None."""

    text: str
    ttft_s: float | None
    total_s: float
    input_tokens: int | None
    output_tokens: int
    counted: bool = False


def _sse_data(lines: Iterable[str]) -> Iterator[str]:
    """The data of each server-sent event: ``data:`` lines up to a blank line, joined (comments skipped)."""
    data: list[str] = []
    for line in lines:
        if not line.strip():
            if data:
                yield "\n".join(data)
                data = []
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
    if data:
        yield "\n".join(data)


def _count(usage: Mapping[str, Any], name: str) -> int | None:
    value = usage.get(name)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 else None


def _read_stream(
    response: httpx.Response, started: float, clock: Clock, where: str, client: httpx.Client
) -> Completion:
    parts: list[str] = []
    first: float | None = None
    chunks = 0
    usage: Mapping[str, Any] = {}
    done = False
    for data in _sse_data(response.iter_lines()):
        # Read on past [DONE] to the end of the body, so the connection can be used again.
        done = done or data.strip() == "[DONE]"
        if done:
            continue
        try:
            event = json.loads(data)
        except ValueError:
            continue  # a keep-alive or a vendor's comment in data form
        if not isinstance(event, dict):
            continue
        if event.get("error"):
            error = event["error"]
            message = error.get("message") if isinstance(error, dict) else error
            raise ApiError(_redact(f"{where}: the stream ended with an error: {message}", client))
        if isinstance(event.get("usage"), dict):
            usage = event["usage"]
        for choice in event.get("choices") or []:
            delta = choice.get("delta") if isinstance(choice, dict) else None
            if not isinstance(delta, dict):
                continue
            piece = delta.get("content")
            thinking = delta.get("reasoning_content") or delta.get("reasoning")
            if (piece or thinking) and first is None:
                first = clock()
            if isinstance(piece, str) and piece:
                parts.append(piece)
                chunks += 1
            elif thinking:
                chunks += 1
    ended = clock()
    reported = _count(usage, "completion_tokens")
    return Completion(
        text="".join(parts),
        ttft_s=None if first is None else first - started,
        total_s=ended - started,
        input_tokens=_count(usage, "prompt_tokens"),
        output_tokens=reported if reported is not None else chunks,
        counted=reported is None,
    )


def stream_chat(
    client: httpx.Client,
    model: str,
    messages: Sequence[Mapping[str, str]],
    *,
    max_tokens: int | None = None,
    where: str,
    clock: Clock = time.perf_counter,
    sleep: Sleep = time.sleep,
    attempts: int = ATTEMPTS,
    max_wait: float = MAX_WAIT_SECONDS,
) -> Completion:
    """Send ``messages`` to ``model`` through ``client`` (see :func:`chat_client`) and stream the answer.

    ``where`` starts every error message. 401/403 raise :class:`~collectors.api.http.KeyRejected` at once,
    another 4xx :class:`~collectors.api.http.ApiError` at once; 429, 5xx, timeouts and dropped connections
    are retried (see the module's docstring). A server that refuses ``stream_options`` (older vLLM and
    llama.cpp builds) is asked again without it, and its tokens are then counted by chunk.
    """
    body: dict[str, Any] = {"model": model, "messages": [dict(m) for m in messages], "stream": True}
    body["stream_options"] = {"include_usage": True}
    if max_tokens:
        body["max_tokens"] = max_tokens
    status: int | None = None
    problem = "no answer"
    attempt = 0
    while attempt < attempts:
        attempt += 1
        wait = min(BACKOFF_SECONDS * 2 ** (attempt - 1), max_wait)
        started = clock()
        try:
            with client.stream("POST", "chat/completions", json=body) as response:
                status = response.status_code
                if status < 400:
                    return _read_stream(response, started, clock, where, client)
                response.read()
                if status in (401, 403):
                    raise KeyRejected(
                        _redact(f"{where}: the key was rejected (HTTP {status}): {_error_detail(response)}", client),
                        status=status,
                    )
                if status != 429 and status < 500:
                    detail = _error_detail(response)
                    if "stream_options" in body and "stream_options" in detail:
                        del body["stream_options"]
                        attempt -= 1  # a question of protocol, not a failed try
                        continue
                    raise ApiError(_redact(f"{where}: HTTP {status}: {detail}", client), status=status)
                problem = f"HTTP {status} ({response.reason_phrase or 'error'})"
                asked = _retry_after(response)
                if asked is not None:
                    wait = min(asked, max_wait)
        except httpx.TimeoutException:
            problem, status = "timed out waiting for the model", None
        except httpx.TransportError as exc:
            problem, status = f"could not reach the host ({type(exc).__name__}: {exc})", None
        if attempt < attempts:
            sleep(wait)
    raise ApiError(_redact(f"{where}: {problem}; gave up after {attempts} attempts", client), status=status)


ClientFactory = Callable[[Endpoint], httpx.Client]


class ChatRouter:
    """Calls to several hosts: one client per host, made when first needed and shared by the threads of a
    run (an ``httpx.Client`` is thread-safe). Use it as a context manager, or :meth:`close` it."""

    def __init__(
        self,
        endpoints: Mapping[str, Endpoint],
        *,
        client_factory: ClientFactory = chat_client,
        clock: Clock = time.perf_counter,
        sleep: Sleep = time.sleep,
        attempts: int = ATTEMPTS,
    ) -> None:
        self._endpoints = dict(endpoints)
        self._factory = client_factory
        self._clients: dict[str, httpx.Client] = {}
        self._lock = threading.Lock()
        self._clock, self._sleep, self._attempts = clock, sleep, attempts

    @property
    def hosts(self) -> frozenset[str]:
        return frozenset(self._endpoints)

    def _client(self, host: str) -> httpx.Client:
        with self._lock:
            if host not in self._clients:
                if host not in self._endpoints:
                    raise InvalidInput(f"no endpoint for host {host!r}: give --base-url {host}=URL")
                self._clients[host] = self._factory(self._endpoints[host])
            return self._clients[host]

    def __call__(
        self, host: str, model: str, messages: Sequence[Mapping[str, str]], *, max_tokens: int | None = None
    ) -> Completion:
        """Stream ``messages`` to ``model`` on ``host``."""
        where = f"{host}/{model}"
        client = self._client(host)
        try:
            return stream_chat(
                client,
                model,
                messages,
                max_tokens=max_tokens,
                where=where,
                clock=self._clock,
                sleep=self._sleep,
                attempts=self._attempts,
            )
        except KeyRejected as exc:
            names = " or ".join(f"${name}" for name in key_variables(host))
            raise KeyRejected(f"{exc} (the key comes from {names})", status=exc.status) from None

    def close(self) -> None:
        with self._lock:
            for client in self._clients.values():
                client.close()
            self._clients.clear()

    def __enter__(self) -> ChatRouter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
