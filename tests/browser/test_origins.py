"""The running dashboard refuses a WebSocket from another site: a foreign Origin, and a foreign Host (a DNS
name rebound to 127.0.0.1), while its own page's connection opens."""

from __future__ import annotations

import base64
import os
from urllib.parse import urlsplit

import httpx
import pytest

from tests.browser.conftest import Server


def handshake(server: Server, host: str, origin: str | None) -> int:
    """The status of a WebSocket opening handshake on Streamlit's stream: 101 opens, 403 refuses."""
    headers = {
        "Host": host,
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
    }
    if origin is not None:
        headers["Origin"] = origin
    response = httpx.get(f"{server.url}/_stcore/stream", headers=headers, timeout=30)
    return response.status_code


@pytest.mark.parametrize(
    ("host", "origin", "status"),
    [
        ("{bound}", "http://{bound}", 101),
        ("localhost:{port}", "http://localhost:{port}", 101),
        ("{bound}", "http://evil.example", 403),
        ("evil.example:{port}", "http://evil.example:{port}", 403),
        ("evil.example:{port}", None, 403),
    ],
    ids=["own page", "localhost", "foreign origin", "rebound name", "rebound name, no origin"],
)
def test_only_the_bound_address_may_connect(server: Server, host: str, origin: str | None, status: int) -> None:
    bound = urlsplit(server.url).netloc
    port = str(urlsplit(server.url).port)
    fill = {"bound": bound, "port": port}
    assert handshake(server, host.format(**fill), origin.format(**fill) if origin else None) == status
