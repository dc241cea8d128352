"""``exitplan rollup-sql``: the roll-up query for request logs that live in a warehouse, printed for the
warehouse to run; its CSV result is what ``exitplan ingest`` imports."""

from __future__ import annotations

import sys
from typing import Annotated, Literal

import typer

from collectors.rollup_sql import DEFAULT_TABLE, parse_mappings, rollup_sql

__all__ = ["rollup_sql_command"]


def rollup_sql_command(
    dialect: Annotated[
        Literal["duckdb", "postgres", "bigquery", "snowflake"],
        typer.Option("--dialect", help="The warehouse's SQL: duckdb, postgres, bigquery or snowflake."),
    ],
    table: Annotated[
        str, typer.Option("--table", help="The table (or view) of raw requests, as the warehouse names it.")
    ] = DEFAULT_TABLE,
    mappings: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar="COLUMN=EXPRESSION",
            help="Read a raw column from a column or SQL expression of the table (repeatable); "
            "COLUMN= (nothing after '=') says the table has no such column.",
        ),
    ] = None,
    only_mapped: Annotated[
        bool,
        typer.Option("--only-mapped", help="Columns not given with --map are absent, not read by their own name."),
    ] = False,
) -> None:
    """Print the SQL that rolls raw request logs up inside your warehouse, for `exitplan ingest` to import.

    Run it in the warehouse, save the result as CSV (with its header) and import that file.

    The ledger is then the same as if every request had been imported, without moving the raw rows.

    The table holds one row per request in the raw layout of the README's "Logs in a warehouse".

    Exit status 2 for an unknown column name or a mapping that cannot be used.
    """
    sql = rollup_sql(dialect, table, parse_mappings(mappings or []), only_mapped=only_mapped)
    # Plain text, not the rich console: SQL must reach a pipe byte for byte, never wrapped or coloured.
    sys.stdout.write(sql + ";\n")
