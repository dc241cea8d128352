"""What every ``exitplan`` command shares: the --db and --json options, output consoles, and how a user
error ends a command (one line on stderr, exit status 2, no traceback).

A command ends so with ``raise fail("…")`` for what it checks itself; any :class:`~db.errors.UserError`
raised below it ends the same way in :class:`Commands`, the group every command runs in, so commands need no
``try`` of their own. Anything else is a bug and escapes with its traceback.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from analysis import money
from db.errors import UserError

__all__ = ["Commands", "DbOption", "JsonOption", "day_option", "err", "fail", "number", "out", "usd"]

# Piped output is not cut to a terminal's width: tables keep whole model ids.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL of the ledger (default: $EXITPLAN_DB_URL or a local SQLite file)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def fail(message: str) -> typer.Exit:
    """Say what went wrong and end with status 2: ``raise fail("…")``."""
    err.print(message, markup=False, highlight=False)
    return typer.Exit(2)


class Commands(TyperGroup):
    """The ``exitplan`` command group: a :class:`~db.errors.UserError` from any command under it, however
    deep, ends the command as :func:`fail` does, with the error's message."""

    # ``Any``: the context is typer's vendored click Context, which typer exports under no public name.
    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise fail(str(exc)) from None


def day_option(value: str | None, name: str) -> date | None:
    """A YYYY-MM-DD option as a date; a malformed one ends the command."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{name}: expected a date like 2025-09-01, got {value!r}") from None


def number(value: object) -> str:
    return "—" if value is None else f"{value:,}"


def usd(value: float | None, missing: str = "unpriced") -> str:
    """Money as the command line prints it: to the cent, for finance to add up (:func:`analysis.money.usd`)."""
    return money.usd(value, cents=True, missing=missing)
