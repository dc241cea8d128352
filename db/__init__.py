"""The ledger: schema, engine, migrations, and the functions that read and write it."""

from db.engine import default_url, open_ledger, upgrade
from db.imports import (
    ImportRecord,
    Rejection,
    add_rejected,
    delete_import,
    find_by_sha256,
    finish_import,
    get_import,
    list_imports,
    rejected_rows_of,
    skipped_kinds,
    start_import,
)
from db.usage import add_usage, read_usage, usage_span

__all__ = [
    "ImportRecord",
    "Rejection",
    "add_rejected",
    "add_usage",
    "default_url",
    "delete_import",
    "find_by_sha256",
    "finish_import",
    "get_import",
    "list_imports",
    "open_ledger",
    "read_usage",
    "rejected_rows_of",
    "skipped_kinds",
    "start_import",
    "upgrade",
    "usage_span",
]
