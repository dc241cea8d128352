"""What every ``exitplan`` command shares: the --db and --json options, the bounds of its values (days, ids,
token counts, amounts), output consoles, and how a user error ends a command (one line on stderr, exit
status 2, no traceback).

A command ends so with ``raise fail("…")`` for what it checks itself; any :class:`~db.errors.UserError`
raised below it, and any value the command line refuses (a day out of range, a port over 65535, a word where
a number goes), ends the same way in :class:`Commands`, the group every command runs in, so commands need no
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

__all__ = [
    "EARLIEST_DAY",
    "LATEST_DAY",
    "MAX_ID",
    "MAX_SAMPLES",
    "MAX_TOKENS",
    "MAX_USD",
    "Commands",
    "DbOption",
    "IdArgument",
    "JsonOption",
    "day_option",
    "err",
    "fail",
    "id_option",
    "number",
    "out",
    "parse_day",
    "price_option",
    "tokens_option",
    "usd",
]

# Piped output is not cut to a terminal's width: tables keep whole model ids.
# No console markup: names in tables and messages come from users' files, and "[/x]" in one would be read as a
# style (or raise a markup error); exitplan's own output uses none.
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200, markup=False)
err = Console(stderr=True, soft_wrap=True, markup=False)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL of the ledger (default: $EXITPLAN_DB_URL or a local SQLite file)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

# The days a command takes: LLM APIs bill from the 2020s, and the analysis adds months and years to a day,
# which a far date (0001-01-01, 9999-12-31) overflows.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2099, 12, 31)
# A row's id is a 64-bit integer in every database the ledger runs on.
MAX_ID = 2**63 - 1
# A quadrillion tokens is more than any company's year of traffic; bigger counts are typing mistakes.
MAX_TOKENS = 10**15
# Prompts kept, replayed or listed at once: more than a person would read or pay to replay.
MAX_SAMPLES = 1_000_000
# A trillion dollars: any price, discount or budget past it is a typing mistake.
MAX_USD = 1e12

IdArgument = Annotated[int, typer.Argument(metavar="ID", min=1, max=MAX_ID, show_default=False)]


def id_option(help: str) -> Any:
    """An option that names a row by its id: from 1 to :data:`MAX_ID`."""
    return typer.Option(metavar="ID", min=1, max=MAX_ID, help=help)


def tokens_option(help: str) -> Any:
    """A token count: from 0 to :data:`MAX_TOKENS`."""
    return typer.Option(min=0, max=MAX_TOKENS, help=help)


def price_option(help: str) -> Any:
    """An amount in USD (a price, a budget): from $0 to :data:`MAX_USD`. Both bounds also refuse nan and
    inf, which typer would otherwise take as numbers."""
    return typer.Option(min=0.0, max=MAX_USD, help=help)


def fail(message: str) -> typer.Exit:
    """Say what went wrong, on one line, and end with status 2: ``raise fail("…")``."""
    # A message that quotes a source's own words may hold line breaks; the line stays one.
    err.print(" ".join(line.strip() for line in message.splitlines() if line.strip()), markup=False, highlight=False)
    return typer.Exit(2)


def parse_day(value: str) -> date:
    """A YYYY-MM-DD value as a date from :data:`EARLIEST_DAY` to :data:`LATEST_DAY`."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(f"expected a date like 2025-09-01, got {value!r}") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise typer.BadParameter(f"{day} is out of range: give a day from {EARLIEST_DAY} to {LATEST_DAY}")
    return day


def day_option(help: str, *names: str) -> Any:
    """A YYYY-MM-DD option, parsed and bounded by :func:`parse_day`:
    ``since: Annotated[date | None, day_option("First day.")] = None``."""
    return typer.Option(*names, parser=parse_day, metavar="YYYY-MM-DD", help=help)


# typer's click is vendored, and private (typer/_click); its usage error (a value refused, an option or a
# command unknown, an argument missing) is reached through the public BadParameter, one of its kinds.
_UsageError: type[Exception] = typer.BadParameter.__base__


def _usage_line(exc: Exception) -> str:
    """A usage error as one line: the command, what is wrong with the value, where the help is."""
    ctx = getattr(exc, "ctx", None)
    message = exc.format_message().rstrip(".")  # type: ignore[attr-defined]
    if ctx is None:
        return message
    return f"{ctx.command_path}: {message} (see {ctx.command_path} --help)"


class Commands(TyperGroup):
    """The ``exitplan`` command group: a :class:`~db.errors.UserError` from any command under it, however
    deep, ends the command as :func:`fail` does, with the error's message; so does a value the command line
    refuses, as one line (typer would draw a panel of usage and help around it)."""

    # ``Any``: the context is typer's vendored click Context, which typer exports under no public name.
    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except _UsageError as exc:
            raise _ended(exc) from None

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            raise fail(str(exc)) from None
        except _UsageError as exc:
            raise _ended(exc) from None


def _ended(exc: Exception) -> Exception:
    # A group called with no arguments shows its help (typer has printed it already): not a one-line error.
    if type(exc).__name__ == "NoArgsIsHelpError":
        return exc
    return fail(_usage_line(exc))


def number(value: object) -> str:
    return "—" if value is None else f"{value:,}"


def usd(value: float | None, missing: str = "unpriced") -> str:
    """Money as the command line prints it: to the cent, for finance to add up (:func:`analysis.money.usd`)."""
    return money.usd(value, cents=True, missing=missing)
