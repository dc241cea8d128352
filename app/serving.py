"""How the dashboard is served safely: the Streamlit settings ``exitplan serve`` starts it with, the upload
limit, and the warning for an address other people can reach without a login.

- **Loopback by default.** ``exitplan serve`` binds 127.0.0.1; another address is the user's explicit choice.
- **Hosts and origins.** A page on another site cannot drive the dashboard from a visitor's browser: Streamlit
  refuses a WebSocket whose ``Host`` is not in ``server.allowedHosts`` (DNS rebinding: evil.example resolved
  to 127.0.0.1 is still "evil.example" in the Host header) and, with ``server.enableCORS``, one whose
  ``Origin`` is neither the page's own nor an allowed one. Uploads also need the XSRF token
  (``server.enableXsrfProtection``). The allowed hosts are the bound address's names, plus
  ``$EXITPLAN_ALLOWED_HOSTS`` (comma-separated) for the name people use on a shared deployment.
- **Upload limit.** ``$EXITPLAN_MAX_UPLOAD_MB`` (default 200) is both Streamlit's ``server.maxUploadSize``,
  which the server enforces on every upload, and what the Data page states; bigger files go through
  ``exitplan ingest``, which streams them.
- **Login.** With an ``[auth]`` section in ``.streamlit/secrets.toml`` every page asks for Streamlit's OIDC
  login (``st.login``) first; bound to a non-loopback address without one, the CLI and every page say so.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

from db.errors import UserError

__all__ = [
    "ALLOWED_HOSTS_ENV",
    "DEFAULT_MAX_UPLOAD_MB",
    "MAX_UPLOAD_ENV",
    "allowed_hosts",
    "exposure_warning",
    "is_loopback",
    "login_configured",
    "max_upload_mb",
    "secrets_files",
    "server_settings",
]

MAX_UPLOAD_ENV = "EXITPLAN_MAX_UPLOAD_MB"
ALLOWED_HOSTS_ENV = "EXITPLAN_ALLOWED_HOSTS"
# Streamlit's own default: a browser upload is held in memory whole, so it stays modest.
DEFAULT_MAX_UPLOAD_MB = 200
# What a single upload may be set to: Streamlit keeps uploads in memory, so beyond this use the CLI.
_MOST_UPLOAD_MB = 10_000
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
_EVERY_INTERFACE = ("0.0.0.0", "::", "")


def max_upload_mb(environ: Mapping[str, str] = os.environ) -> int:
    """The largest file the Data page takes, in MB: ``$EXITPLAN_MAX_UPLOAD_MB`` or 200."""
    text = environ.get(MAX_UPLOAD_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_UPLOAD_MB
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= _MOST_UPLOAD_MB:
        raise UserError(f"{MAX_UPLOAD_ENV} must be a whole number of MB from 1 to {_MOST_UPLOAD_MB:,}, got {text!r}")
    return value


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, environ: Mapping[str, str] = os.environ) -> list[str]:
    """The Host names the dashboard answers to when bound to ``host``: the loopback names, the bound address
    (or, bound to every interface, this machine's name), and ``$EXITPLAN_ALLOWED_HOSTS``."""
    names = list(_LOOPBACK_NAMES)
    bound = host.strip().strip("[]").lower()
    if bound in _EVERY_INTERFACE:
        names += [socket.gethostname().lower(), socket.getfqdn().lower()]
    elif not is_loopback(bound):
        names.append(bound)
    names += [name.strip().lower() for name in environ.get(ALLOWED_HOSTS_ENV, "").split(",") if name.strip()]
    return list(dict.fromkeys(names))


def server_settings(host: str, port: int, environ: Mapping[str, str] = os.environ) -> list[tuple[str, str]]:
    """Streamlit's options for ``exitplan serve``, as (option, value) pairs; a list option repeats."""
    hosts = allowed_hosts(host, environ)
    settings = [
        ("server.address", host),
        ("server.port", str(port)),
        ("server.headless", "true"),
        ("server.enableCORS", "true"),
        ("server.enableXsrfProtection", "true"),
        ("server.maxUploadSize", str(max_upload_mb(environ))),
        ("browser.gatherUsageStats", "false"),
        ("client.toolbarMode", "minimal"),
    ]
    settings += [("server.allowedHosts", name) for name in hosts]
    origins = [f"http://[{name}]:{port}" if ":" in name else f"http://{name}:{port}" for name in hosts]
    settings += [("server.corsAllowedOrigins", origin) for origin in origins]
    return settings


def exposure_warning(host: str, login: bool) -> str | None:
    """What to tell whoever starts or opens a dashboard that others can reach without a login; else None."""
    if login or is_loopback(host):
        return None
    return (
        f"The dashboard listens on {host or 'every interface'}, so anyone who can reach it sees the spend history "
        "and can import or delete data: there is no login. Add an [auth] section to .streamlit/secrets.toml "
        "(Streamlit's OIDC login) or bind to 127.0.0.1."
    )


def secrets_files(cwd: Path | None = None) -> list[Path]:
    """Where Streamlit reads secrets from, as it does: the user's ``~/.streamlit`` and the working folder's."""
    return [Path.home() / ".streamlit" / "secrets.toml", (cwd or Path.cwd()) / ".streamlit" / "secrets.toml"]


def login_configured(files: Sequence[Path]) -> bool:
    """Whether any of the secrets ``files`` has an ``[auth]`` section (a file that does not parse has none:
    Streamlit refuses to start its login with it, so the dashboard would be open)."""
    for path in files:
        try:
            if "auth" in tomllib.loads(path.read_text(encoding="utf-8")):
                return True
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
    return False
