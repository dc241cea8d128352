"""Who may open the dashboard: with an [auth] section nothing of the ledger shows before the login; without
one, a visitor from another machine is told there is no login."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import streamlit as st
from streamlit import config
from streamlit.testing.v1 import AppTest

from tests.app.apptest import ENTRY, shown

AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-test-cookie-secret",
    "client_id": "exitplan",
    "client_secret": "not-a-real-secret",
    "server_metadata_url": "https://login.example/.well-known/openid-configuration",
}


def opened(auth: dict[str, Any] | None, user: dict[str, Any]) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    if auth is not None:
        at.secrets["auth"] = auth
    at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def test_with_a_login_configured_nothing_shows_before_it(app_ledger: str) -> None:
    at = opened(AUTH, {"is_logged_in": False})
    assert [t.value for t in at.title] == ["exitplan"]
    assert [b.label for b in at.button] == ["Log in"]
    assert "Overview" not in [t.value for t in at.title]
    assert not at.metric and not at.dataframe


def test_each_named_provider_has_its_button(app_ledger: str) -> None:
    at = opened({**AUTH, "google": {"client_id": "g"}, "okta": {"client_id": "o"}}, {"is_logged_in": False})
    assert [b.label for b in at.button] == ["Log in with google", "Log in with okta"]


def test_logged_in_the_pages_open(app_ledger: str) -> None:
    at = opened(AUTH, {"is_logged_in": True, "email": "cfo@example.com"})
    assert "Overview" in [t.value for t in at.title]
    assert "Logged in as cfo@example.com" in [shown(c.value) for c in at.sidebar.caption]
    assert not at.warning


@pytest.fixture
def address(request: pytest.FixtureRequest) -> Iterator[None]:
    """Streamlit's ``server.address`` for one test (the repository's config.toml sets 127.0.0.1)."""
    saved = config.get_option("server.address")
    config.set_option("server.address", request.param)
    yield
    config.set_option("server.address", saved)


@pytest.mark.parametrize("address", ["0.0.0.0"], indirect=True)
def test_bound_to_every_interface_without_login_every_page_warns(app_ledger: str, address: None) -> None:
    at = opened(None, {})
    assert [w.value for w in at.warning if "there is no login" in w.value] != []
    at.switch_page("app/pages/data.py").run()
    assert [w.value for w in at.warning if "there is no login" in w.value] != []


@pytest.mark.parametrize("address", [None], indirect=True)
def test_unset_address_warns_a_visitor_from_another_machine(
    app_ledger: str, address: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # AppTest cannot seed the visitor's address: st.context reads it from the connection.
    visitor: list[str | None] = [None]
    monkeypatch.setattr(type(st.context), "ip_address", property(lambda self: visitor[0]))
    assert [w for w in opened(None, {}).warning if "no login" in w.value] == []
    visitor[0] = "192.0.2.7"
    at = opened(None, {})
    assert [w.value for w in at.warning if "there is no login" in w.value] != []


def test_no_login_on_this_machine_is_quiet(app_ledger: str) -> None:
    at = opened(None, {})
    assert not [w for w in at.warning if "no login" in w.value]
