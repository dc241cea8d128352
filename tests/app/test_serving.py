"""How `exitplan serve` starts Streamlit: loopback, allowed hosts and origins, XSRF, the upload limit, and the
warning for an address others can reach without a login."""

from __future__ import annotations

import socket
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app import cli
from app.serving import (
    allowed_hosts,
    exposure_warning,
    is_loopback,
    login_configured,
    max_upload_mb,
    server_settings,
)
from db.errors import UserError

runner = CliRunner()


def test_the_upload_limit_is_200_mb_unless_set() -> None:
    assert max_upload_mb({}) == 200
    assert max_upload_mb({"EXITPLAN_MAX_UPLOAD_MB": " 50 "}) == 50


@pytest.mark.parametrize("text", ["0", "-5", "1.5", "lots", "10001"])
def test_a_wrong_upload_limit_is_one_clear_error(text: str) -> None:
    with pytest.raises(UserError, match="EXITPLAN_MAX_UPLOAD_MB must be a whole number of MB from 1 to 10,000"):
        max_upload_mb({"EXITPLAN_MAX_UPLOAD_MB": text})


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.20", False),
        ("dashboard.example", False),
    ],
)
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_loopback_allows_only_the_loopback_names() -> None:
    assert allowed_hosts("127.0.0.1", {}) == ["localhost", "127.0.0.1", "::1"]


def test_a_shared_address_is_allowed_with_the_names_people_use() -> None:
    env = {"EXITPLAN_ALLOWED_HOSTS": "Exitplan.Corp.Example, 10.0.0.5"}
    assert allowed_hosts("10.0.0.5", env) == ["localhost", "127.0.0.1", "::1", "10.0.0.5", "exitplan.corp.example"]


def test_every_interface_allows_this_machines_name() -> None:
    names = allowed_hosts("0.0.0.0", {})
    assert socket.gethostname().lower() in names
    assert "0.0.0.0" not in names


def test_serve_settings_refuse_other_origins_and_hosts() -> None:
    settings = server_settings("127.0.0.1", 8600, {"EXITPLAN_MAX_UPLOAD_MB": "75"})
    single = {
        name: value for name, value in settings if name not in {"server.allowedHosts", "server.corsAllowedOrigins"}
    }
    assert single == {
        "server.address": "127.0.0.1",
        "server.port": "8600",
        "server.headless": "true",
        "server.enableCORS": "true",
        "server.enableXsrfProtection": "true",
        "server.maxUploadSize": "75",
        "browser.gatherUsageStats": "false",
        "client.toolbarMode": "minimal",
    }
    assert [v for n, v in settings if n == "server.allowedHosts"] == ["localhost", "127.0.0.1", "::1"]
    assert [v for n, v in settings if n == "server.corsAllowedOrigins"] == [
        "http://localhost:8600",
        "http://127.0.0.1:8600",
        "http://[::1]:8600",
    ]


def test_no_warning_on_loopback_or_with_a_login() -> None:
    assert exposure_warning("127.0.0.1", login=False) is None
    assert exposure_warning("0.0.0.0", login=True) is None
    warning = exposure_warning("0.0.0.0", login=False)
    assert warning is not None and "there is no login" in warning and "[auth]" in warning


def test_login_is_configured_by_an_auth_section(tmp_path: Path) -> None:
    none, other, auth, broken = (tmp_path / name for name in ("none.toml", "other.toml", "auth.toml", "bad.toml"))
    other.write_text('OPENAI_ADMIN_KEY = "x"\n')
    auth.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback"\n')
    broken.write_text("[auth\n")
    assert login_configured([none, other]) is False
    assert login_configured([broken]) is False
    assert login_configured([other, auth]) is True


def _serve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> tuple[list[str], str]:
    """What `exitplan serve ARGS` would run, and what it says, without starting a server."""
    started: list[list[str]] = []
    monkeypatch.setattr(cli.os, "execve", lambda path, command, env: started.append(list(command)))
    monkeypatch.setattr(cli, "secrets_files", lambda: [tmp_path / "secrets.toml"])
    result = runner.invoke(cli.app, ["serve", "--db", f"sqlite:///{tmp_path}/l.db", *args])
    assert result.exit_code == 0, result.output
    return started[0], result.stderr


def test_serve_on_loopback_starts_quietly_with_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    command, said = _serve(monkeypatch, tmp_path, "--port", "8611")
    assert said == ""
    assert "--server.enableCORS" in command and "--server.allowedHosts" in command
    assert command[command.index("--server.address") + 1] == "127.0.0.1"


def test_serve_on_every_interface_without_login_warns(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _, said = _serve(monkeypatch, tmp_path, "--host", "0.0.0.0")
    assert said.startswith("Warning: The dashboard listens on 0.0.0.0")
    (tmp_path / "secrets.toml").write_text('[auth]\nredirect_uri = "http://x:8501/oauth2callback"\n')
    _, said = _serve(monkeypatch, tmp_path, "--host", "0.0.0.0")
    assert said == ""


def test_serve_with_a_wrong_upload_limit_says_so_in_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("EXITPLAN_MAX_UPLOAD_MB", "huge")
    monkeypatch.setattr(cli.os, "execve", lambda *a: pytest.fail("started"))
    result = runner.invoke(cli.app, ["serve", "--db", f"sqlite:///{tmp_path}/l.db"])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "EXITPLAN_MAX_UPLOAD_MB must be a whole number of MB from 1 to 10,000, got 'huge'"
    ]


def test_the_repository_config_matches_serve() -> None:
    """`streamlit run streamlit_app.py` from the repository is as safe as `exitplan serve`."""
    config = tomllib.loads((Path(__file__).parents[2] / ".streamlit" / "config.toml").read_text())["server"]
    assert config["address"] == "127.0.0.1"
    assert config["enableCORS"] is True and config["enableXsrfProtection"] is True
    assert config["allowedHosts"] == allowed_hosts("127.0.0.1", {})
    assert config["maxUploadSize"] == max_upload_mb({})
