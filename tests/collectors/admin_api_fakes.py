"""In-memory OpenAI and Anthropic Admin APIs for ``httpx.MockTransport``: one result per day per endpoint,
a few buckets a page, so a month takes several pages. No test touches the network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from collectors.api import anthropic_admin, openai_admin

KEY = "sk-admin-TESTKEY-0123456789abcdef"
DAY = timedelta(days=1)

# What each fake day holds, per endpoint. OpenAI: 1,000 + 500 input tokens, 100 output, 15 requests,
# $1.50. Anthropic: 800 uncached + 200 cache read + 100 cache write input, 50 output; 250 cents.
OPENAI_RESULTS: dict[str, dict[str, Any]] = {
    "/v1/organization/usage/completions": {
        "object": "organization.usage.completions.result",
        "input_tokens": 1000,
        "input_cached_tokens": 200,
        "output_tokens": 100,
        "num_model_requests": 10,
        "model": "gpt-4o-2024-08-06",
        "project_id": "proj_a",
        "api_key_id": "key_a",
        "batch": False,
        "service_tier": "default",
        "user_id": None,
    },
    "/v1/organization/usage/embeddings": {
        "object": "organization.usage.embeddings.result",
        "input_tokens": 500,
        "num_model_requests": 5,
        "model": "text-embedding-3-small",
        "project_id": "proj_a",
        "api_key_id": "key_a",
        "user_id": None,
    },
    "/v1/organization/costs": {
        "object": "organization.costs.result",
        "amount": {"value": 1.5, "currency": "usd"},
        "line_item": "gpt-4o-2024-08-06, input",
        "project_id": "proj_a",
    },
}
ANTHROPIC_RESULTS: dict[str, dict[str, Any]] = {
    "/v1/organizations/usage_report/messages": {
        "uncached_input_tokens": 800,
        "cache_read_input_tokens": 200,
        "cache_creation": {"ephemeral_5m_input_tokens": 100, "ephemeral_1h_input_tokens": 0},
        "output_tokens": 50,
        "server_tool_use": {"web_search_requests": 0},
        "model": "claude-sonnet-4-20250514",
        "workspace_id": "wrkspc_a",
        "api_key_id": "apikey_a",
        "service_tier": "standard",
        "context_window": "0-200k",
    },
    "/v1/organizations/cost_report": {
        "currency": "USD",
        "amount": "250",
        "workspace_id": "wrkspc_a",
        "description": "Claude Sonnet 4 Usage - Input Tokens",
        "cost_type": "tokens",
        "model": "claude-sonnet-4-20250514",
        "service_tier": "standard",
        "token_type": "uncached_input_tokens",
        "context_window": "0-200k",
        "inference_geo": None,
    },
}

Interrupt = Callable[[httpx.Request, int], httpx.Response | None]


def _scaled(result: dict[str, Any], scale: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in result.items():
        if isinstance(value, bool) or name == "num_model_requests":
            out[name] = value
        elif isinstance(value, int):
            out[name] = value * scale
        elif isinstance(value, dict):
            out[name] = _scaled(value, scale)
        elif name == "amount" and isinstance(value, str):
            out[name] = str(int(value) * scale)
        else:
            out[name] = value
    if "amount" in out and isinstance(out["amount"], dict):
        out["amount"] = {**out["amount"], "value": out["amount"]["value"] * scale}
    return out


@dataclass
class FakeAdminApi:
    """A handler for ``httpx.MockTransport`` that serves one provider's endpoints from the query's range.

    ``interrupt(request, n)`` (n counts requests from 1) may answer instead, to inject errors.
    ``scale`` multiplies every amount, so a re-pull can be told apart from the first pull.
    """

    provider: str
    per_page: int = 7
    scale: int = 1
    interrupt: Interrupt | None = None
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.interrupt is not None and (answer := self.interrupt(request, len(self.requests))) is not None:
            return answer
        params = request.url.params
        if self.provider == "openai":
            results = OPENAI_RESULTS
            start = datetime.fromtimestamp(int(params["start_time"]), UTC)
            end = datetime.fromtimestamp(int(params["end_time"]), UTC)
        else:
            results = ANTHROPIC_RESULTS
            start = datetime.fromisoformat(params["starting_at"])
            end = datetime.fromisoformat(params["ending_at"])
        result = results.get(request.url.path)
        if result is None:
            return httpx.Response(404, json={"error": {"message": f"no route {request.url.path}"}})
        days = [start + i * DAY for i in range((end - start) // DAY)]
        offset = int(params.get("page", "page_0").removeprefix("page_"))
        chunk = days[offset : offset + self.per_page]
        more = offset + self.per_page < len(days)
        return httpx.Response(200, json=self._page(chunk, _scaled(result, self.scale), more, offset))

    def _page(self, days: list[datetime], result: dict[str, Any], more: bool, offset: int) -> dict[str, Any]:
        following = f"page_{offset + self.per_page}" if more else None
        if self.provider == "openai":
            buckets = [
                {
                    "object": "bucket",
                    "start_time": int(day.timestamp()),
                    "end_time": int((day + DAY).timestamp()),
                    "results": [result],
                }
                for day in days
            ]
            return {"object": "page", "data": buckets, "has_more": more, "next_page": following}
        buckets = [
            {
                "starting_at": day.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "ending_at": (day + DAY).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "results": [result],
            }
            for day in days
        ]
        return {"data": buckets, "has_more": more, "next_page": following}

    def factory(self) -> Callable[[str, str], httpx.Client]:
        """A client factory that makes the provider's real client on this fake's transport."""
        transport = httpx.MockTransport(self)
        makers = {"openai": openai_admin.client, "anthropic": anthropic_admin.client}

        def make(provider: str, key: str) -> httpx.Client:
            return makers[provider](key, transport=transport)

        return make

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]
