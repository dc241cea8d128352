"""The "Sync now" component (Streamlit AppTest) against in-memory admin APIs: no network, no real key."""

from __future__ import annotations

import httpx
import pytest
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.testing.v1 import AppTest

from app.components.sync import admin_key
from db import list_imports, open_ledger
from tests.app.apptest import shown
from tests.collectors.admin_api_fakes import KEY, FakeAdminApi


def _script() -> None:
    from app.components.sync import sync_now

    sync_now("t")


@pytest.fixture(autouse=True)
def no_admin_keys(app_ledger: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_ADMIN_KEY", raising=False)


def open_component(api: FakeAdminApi, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setattr("collectors.api.sync.default_client", api.factory())
    at = AppTest.from_function(_script, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_without_keys_the_buttons_are_disabled_and_say_how_to_enable(monkeypatch: pytest.MonkeyPatch) -> None:
    # No secrets.toml here either: reading st.secrets must not break the page.
    at = open_component(FakeAdminApi("openai"), monkeypatch)
    assert at.button(key="t-openai").disabled and at.button(key="t-anthropic").disabled
    captions = " ".join(c.value for c in at.caption)
    assert "OPENAI_ADMIN_KEY" in captions and "ANTHROPIC_ADMIN_KEY" in captions


def test_sync_now_imports_and_reports_counts(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    at = open_component(FakeAdminApi("openai"), monkeypatch)
    assert not at.button(key="t-openai").disabled
    at.button(key="t-openai").click().run()
    assert not at.exception, at.exception
    assert [s.value for s in at.success] and shown(at.success[0].value).startswith("OpenAI: 90 rows from")
    assert len(list_imports(open_ledger(ledger_url))) == 3


def test_a_failed_sync_shows_the_error_without_the_key(ledger_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", KEY)
    rejected = FakeAdminApi("openai", interrupt=lambda request, n: httpx.Response(401))
    at = open_component(rejected, monkeypatch)
    at.button(key="t-openai").click().run()
    assert not at.exception, at.exception
    message = at.error[0].value
    assert "the admin key was rejected" in message and KEY not in message
    assert list_imports(open_ledger(ledger_url)).empty


class _Secrets:
    """st.secrets whose reading raises ``error``."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def get(self, name: str) -> object:
        raise self.error


def test_a_missing_or_broken_secrets_file_is_no_key_and_anything_else_is_a_bug(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Streamlit raises StreamlitSecretNotFoundError both when secrets.toml is missing and when it is not TOML.
    monkeypatch.setattr(st, "secrets", _Secrets(StreamlitSecretNotFoundError("secrets.toml: invalid TOML")))
    assert admin_key("OPENAI_ADMIN_KEY") is None
    monkeypatch.setattr(st, "secrets", _Secrets(RuntimeError("a bug")))
    with pytest.raises(RuntimeError, match="a bug"):
        admin_key("OPENAI_ADMIN_KEY")
