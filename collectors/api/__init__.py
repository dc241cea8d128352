"""Admin-API collectors: pull OpenAI's and Anthropic's usage and cost reports into the ledger.

Only this package talks HTTP, always through an injected ``httpx.Client``. :func:`sync_provider` is the one
entry point the CLI and the dashboard share; the caller reads the admin key and passes it in.
"""

from __future__ import annotations

from collectors.api.http import ApiError, KeyRejected
from collectors.api.sync import (
    PROVIDERS,
    ClientFactory,
    EndpointResult,
    Provider,
    SyncError,
    SyncSummary,
    default_client,
    sync_provider,
)

__all__ = [
    "PROVIDERS",
    "ApiError",
    "ClientFactory",
    "EndpointResult",
    "KeyRejected",
    "Provider",
    "SyncError",
    "SyncSummary",
    "default_client",
    "sync_provider",
]
