"""A local fake OpenAI-compatible server: a real HTTP server in a thread that streams chat completions as
server-sent events, with scripted answers, delays and failures — what `exitplan evaluate` is tested against.

Each model has a :class:`Script`: the answer (text, or a function of the request's messages), the wait before
the first chunk, the pace of the chunks after it, and HTTP statuses to answer first (429s, 5xx). Every request
is recorded (model, messages, Authorization header), so a test can check what was sent and in what order.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = str | Callable[[list[dict[str, Any]]], str]


@dataclass
class Script:
    """How the server answers one model: ``answer`` split into one chunk per word (a chunk is a token),
    ``ttft_s`` before the first, ``chunk_s`` between the others; ``fail_first`` statuses answered before
    any stream (with ``Retry-After: retry_after``); ``usage`` sends the token counts at the end."""

    answer: Answer
    ttft_s: float = 0.0
    chunk_s: float = 0.0
    fail_first: list[int] = field(default_factory=list)
    retry_after: str | None = "0"
    usage: bool = True


@dataclass(frozen=True)
class Request:
    model: str
    messages: list[dict[str, Any]]
    authorization: str | None
    body: dict[str, Any]


class FakeOpenAI:
    """The server's state: scripts by model, the requests seen, the failures still to answer."""

    def __init__(self, scripts: dict[str, Script]) -> None:
        self.scripts = scripts
        self.requests: list[Request] = []
        self.failures: list[tuple[str, int]] = []  # (model, status) answered
        self._lock = threading.Lock()
        self.base_url = ""

    def requests_for(self, model: str) -> list[Request]:
        return [r for r in self.requests if r.model == model]

    def take_failure(self, model: str) -> int | None:
        with self._lock:
            script = self.scripts[model]
            if script.fail_first:
                status = script.fail_first.pop(0)
                self.failures.append((model, status))
                return status
        return None


def _handler(state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            # Small writes must leave at once, or Nagle's algorithm would add its own delays to the script.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:  # quiet: pytest shows what fails
            return

        def _json(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _chunk(self, payload: str) -> None:
            data = payload.encode()
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")

        def _event(self, body: dict[str, Any] | str) -> None:
            self._chunk(f"data: {body if isinstance(body, str) else json.dumps(body)}\n\n")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._json(404, {"error": {"message": f"no route {self.path}"}})
                return
            model = str(body.get("model"))
            with state._lock:
                state.requests.append(Request(model, body.get("messages", []), self.headers.get("Authorization"), body))
            script = state.scripts.get(model)
            if script is None:
                self._json(404, {"error": {"message": f"The model `{model}` does not exist"}})
                return
            status = state.take_failure(model)
            if status is not None:
                headers = {"Retry-After": script.retry_after} if script.retry_after is not None else {}
                self._json(status, {"error": {"message": "slow down", "type": "rate_limit"}}, headers)
                return
            answer = script.answer(body["messages"]) if callable(script.answer) else script.answer
            words = answer.split(" ")
            chunks = [w if i == 0 else " " + w for i, w in enumerate(words)]
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._chunk(": keep-alive\n\n")  # a comment line, as some servers send
            self._event({"id": "c1", "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]})
            time.sleep(script.ttft_s)
            for i, piece in enumerate(chunks):
                if i:
                    time.sleep(script.chunk_s)
                self._event({"id": "c1", "choices": [{"index": 0, "delta": {"content": piece}}]})
            self._event({"id": "c1", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            if script.usage and (body.get("stream_options") or {}).get("include_usage"):
                prompt = sum(len(str(m.get("content", ""))) // 4 for m in body.get("messages", []))
                usage = {"prompt_tokens": prompt, "completion_tokens": len(chunks)}
                self._event({"id": "c1", "choices": [], "usage": usage})
            self._event("[DONE]")
            self._chunk("")  # the last, empty chunk ends the body

    return Handler


@contextmanager
def fake_openai(scripts: dict[str, Script]) -> Iterator[FakeOpenAI]:
    """A running fake server; ``base_url`` is its OpenAI-compatible base (``http://127.0.0.1:PORT/v1``)."""
    state = FakeOpenAI(scripts)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
