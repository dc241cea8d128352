"""Warehouse push-down: the ledger's roll-up as one SQL query for the warehouse that holds the raw logs.

When billions of request logs live in a warehouse, moving them to exitplan is the slow part. The roll-up
the ledger stores (:mod:`collectors.rollup`) is plain SQL over canonical columns, so the warehouse can run
it and hand back a few thousand rows in exitplan's canonical CSV columns, which ``exitplan ingest`` imports
into exactly the ledger a direct per-request import would have made.

The raw layout the query reads: one row per request, in a table of any name (``--table``). A column that
the table spells otherwise is mapped to any SQL expression of its row (``--map input_tokens=prompt_tokens``);
a column mapped to nothing (``--map feature=``, or ``=NULL``) is absent: dimensions are then empty and
measures 0. Only ``request_time``, ``provider`` and ``model`` are required.

=========================  ===================  =============================================================
column                     type                 meaning
=========================  ===================  =============================================================
``request_time``           timestamp            when the request was made (a time-zone-less one holds UTC)
``provider``               text                 the API that served it: ``openai``, ``anthropic``, ``azure`` …
``model``                  text                 the model id as the application sent it
``project``                text                 team or project, to slice spend by
``api_key``                text                 an API key's name or hash (never the key itself)
``user``                   text                 end user
``feature``                text                 the product feature the request served
``service_tier``           text                 ``default``, ``flex``, ``priority`` …
``batch``                  boolean              sent through a batch API
``input_tokens``           integer              **all** input, cache reads and writes included
``cache_read_tokens``      integer              the part of the input read from a prompt cache
``cache_write_tokens``     integer              the part of the input written to a cache (any TTL)
``cache_write_1h_tokens``  integer              the part of those writes with a one-hour TTL
``output_tokens``          integer              all output, reasoning included
``reasoning_tokens``       integer              the part of the output spent on reasoning
``latency_ms``             number               the request's latency in milliseconds
``cost_usd``               number               what the source says the request cost, in USD
=========================  ===================  =============================================================

The query groups the requests by UTC hour, every dimension, the prompt-size band of ``input_tokens``
(:data:`db.measures.PROMPT_BANDS`) and the latency bin of ``latency_ms``
(:data:`db.measures.LATENCY_EDGES_MS`). Every request of a group shares its band and its bin, and bands
and bins are intervals, so the group's mean prompt and mean latency fall in that same band and bin: the
importer, which bands a row by ``input_tokens / requests`` and counts its requests in the bin of its mean
``latency_ms``, rebuilds the ledger's band counts and latency histogram exactly. Requests without a latency
form groups of their own, so they are never counted at another request's latency.

The result holds no NULL and no float (missing values are empty text; costs and mean latencies are
nine-decimal numbers), so any warehouse's CSV export of it imports the same, whatever that export writes
for NULL and however it prints floats. Hours are cut in UTC whatever the session's time zone and whether
the timestamp type has a zone (one without a zone holds UTC).

Not carried, because the canonical CSV has no column for them: the upstream host and time to first token.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from db.errors import InvalidInput
from db.measures import LATENCY_EDGES_MS, PROMPT_BANDS

__all__ = [
    "DEFAULT_TABLE",
    "DIALECTS",
    "OUTPUT_COLUMNS",
    "RAW_COLUMNS",
    "REQUIRED_COLUMNS",
    "RollupSqlError",
    "parse_mappings",
    "rollup_sql",
]

DEFAULT_TABLE = "llm_requests"

# Raw column → what it holds, which decides how it is read and what stands in when it is absent.
RAW_COLUMNS: dict[str, str] = {
    "request_time": "time",
    "provider": "text",
    "model": "text",
    "project": "text",
    "api_key": "text",
    "user": "text",
    "feature": "text",
    "service_tier": "text",
    "batch": "flag",
    "input_tokens": "count",
    "cache_read_tokens": "count",
    "cache_write_tokens": "count",
    "cache_write_1h_tokens": "count",
    "output_tokens": "count",
    "reasoning_tokens": "count",
    "latency_ms": "latency",
    "cost_usd": "money",
}
REQUIRED_COLUMNS: tuple[str, ...] = ("request_time", "provider", "model")
_DIMENSIONS = tuple(name for name, kind in RAW_COLUMNS.items() if kind in ("text", "flag"))
_COUNTS = tuple(name for name, kind in RAW_COLUMNS.items() if kind == "count")
# The canonical CSV's name for a raw count, where they differ.
_CSV_NAMES = {"cache_read_tokens": "cached_input_tokens"}
OUTPUT_COLUMNS: tuple[str, ...] = (
    "timestamp",
    *_DIMENSIONS,
    "requests",
    *(_CSV_NAMES.get(name, name) for name in _COUNTS),
    "latency_ms",
    "cost_usd",
)


class RollupSqlError(InvalidInput):
    """A dialect, table or column mapping the query cannot be built from (the message says which)."""


@dataclass(frozen=True)
class _Dialect:
    """What differs between warehouses: identifier quoting, type names, and the UTC hour of a time."""

    quote_char: str
    # Snowflake folds unquoted names to upper case, so a quoted column name must be upper case to match
    # a column created unquoted.
    fold_upper: bool
    # Names that must be quoted when used as a column (``user`` is CURRENT_USER in PostgreSQL and DuckDB).
    reserved: frozenset[str]
    text: str
    flag: str
    double: str
    # Nine decimals: each request's cost is rounded to the nano-dollar and summed exactly, as the ledger
    # sums per-request nano-dollars, instead of a float sum drifting over millions of rows; mean latencies
    # are printed as such decimals too, since how a warehouse prints a float is its own affair.
    decimal: str
    decimal_literal: Callable[[str], str]
    hour: Callable[[str], str]
    hour_text: Callable[[str], str]
    table: Callable[[str], str]


# DuckDB, PostgreSQL and Snowflake truncate and print a time-zone-aware timestamp in the *session's* time
# zone, so date_trunc('hour', …) would shift every hour for a session outside UTC (and truncate to :30 in
# India). The seconds since the epoch are the same for every session and every timestamp type (a type
# without a zone counts as UTC), so the hour is taken from them and printed as UTC by construction.
_ISO_HOUR = '\'YYYY-MM-DD"T"HH24:MI:SS"Z"\''
_DIALECTS: dict[str, _Dialect] = {
    "duckdb": _Dialect(
        quote_char='"',
        fold_upper=False,
        reserved=frozenset({"user"}),
        text="VARCHAR",
        flag="BOOLEAN",
        double="DOUBLE",
        decimal="DECIMAL(38, 9)",
        decimal_literal=str,
        # epoch_us, not epoch_ms: epoch_ms rounds, so 10:59:59.9996 would land in 11:00.
        hour=lambda t: f"epoch_us({t}) // 3600000000",
        hour_text=lambda h: f"strftime(make_timestamp({h} * 3600000000), '%Y-%m-%dT%H:%M:%SZ')",
        table=lambda name: name,
    ),
    "postgres": _Dialect(
        quote_char='"',
        fold_upper=False,
        reserved=frozenset({"user"}),
        text="TEXT",
        flag="BOOLEAN",
        double="DOUBLE PRECISION",
        decimal="NUMERIC(38, 9)",
        decimal_literal=str,
        hour=lambda t: f"CAST(floor(extract(epoch FROM {t}) / 3600) AS BIGINT)",
        hour_text=lambda h: f"to_char(to_timestamp({h} * 3600) AT TIME ZONE 'UTC', {_ISO_HOUR})",
        table=lambda name: name,
    ),
    # A BigQuery TIMESTAMP is an instant, truncated and printed in UTC unless told otherwise.
    "bigquery": _Dialect(
        quote_char="`",
        fold_upper=False,
        reserved=frozenset(),
        text="STRING",
        flag="BOOL",
        double="FLOAT64",
        decimal="NUMERIC",  # always 9 decimal places
        # A plain 1.5 is a FLOAT64 in BigQuery, which would turn the decimal arithmetic into floats.
        decimal_literal=lambda number: f"NUMERIC '{number}'",
        hour=lambda t: f"TIMESTAMP_TRUNC({t}, HOUR, 'UTC')",
        hour_text=lambda h: f"FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%SZ', {h}, 'UTC')",
        # project-dataset-table paths with hyphens must be quoted as a whole.
        table=lambda name: name if "`" in name else f"`{name}`",
    ),
    # None of the raw names is reserved in Snowflake, so they stay bare (and fold to upper case).
    "snowflake": _Dialect(
        quote_char='"',
        fold_upper=True,
        reserved=frozenset(),
        text="VARCHAR",
        flag="BOOLEAN",
        double="DOUBLE",
        decimal="NUMBER(38, 9)",
        decimal_literal=str,
        # Cut to the whole second first, so 10:59:59.9996 cannot round up into 11:00 whether EPOCH_SECOND
        # rounds or truncates (a second is the same in every time zone).
        hour=lambda t: f"FLOOR(DATE_PART(EPOCH_SECOND, DATE_TRUNC('SECOND', {t})) / 3600)",
        hour_text=lambda h: f"TO_CHAR(TO_TIMESTAMP_NTZ({h} * 3600), {_ISO_HOUR})",
        table=lambda name: name,
    ),
}
DIALECTS: tuple[str, ...] = tuple(_DIALECTS)


def parse_mappings(items: Iterable[str]) -> dict[str, str | None]:
    """``canonical=expression`` strings as a mapping; an empty expression (or ``NULL``) marks a column absent.

    >>> parse_mappings(["request_time=startTime", "Input_Tokens = prompt_tokens", "feature="])
    {'request_time': 'startTime', 'input_tokens': 'prompt_tokens', 'feature': None}
    """
    mapping: dict[str, str | None] = {}
    for item in items:
        name, equals, expression = item.partition("=")
        name = name.strip().lower()
        if not equals or not name:
            raise RollupSqlError(f"expected canonical=expression, got {item!r}")
        _check_name(name)
        if name in mapping:
            raise RollupSqlError(f"{name} is mapped twice")
        expression = expression.strip()
        mapping[name] = None if expression.upper() in ("", "NULL") else expression
    return mapping


def _check_name(name: str) -> None:
    if name in RAW_COLUMNS:
        return
    close = difflib.get_close_matches(name, RAW_COLUMNS, n=1)
    hint = f"did you mean {close[0]}? " if close else ""
    raise RollupSqlError(f"unknown raw column {name!r}: {hint}the raw layout has {', '.join(RAW_COLUMNS)}")


def _check_sql(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise RollupSqlError(f"{what} is empty")
    # Either would end the expression early: the rest of the query would be cut off or commented out.
    for token, meaning in ((";", "a statement separator"), ("--", "a comment")):
        if token in text:
            raise RollupSqlError(f"{what} {text!r} holds {meaning} ({token!r}); give one SQL expression")
    return text


def _literal(number: float) -> str:
    # The edge exactly as Python holds it (repr round-trips), compared as a double, as the ledger bins:
    # the exponent makes DuckDB, BigQuery and Snowflake read a double rather than a fixed-point decimal,
    # and PostgreSQL casts the constant to the double it is compared with.
    text = repr(float(number))
    return text if "e" in text else f"{text}e0"


def _case(whens: list[str], otherwise: object, indent: int, subject: str = "") -> str:
    pad = " " * indent
    head = f"CASE {subject}" if subject else "CASE"
    lines = [head, *(f"{pad}    {when}" for when in whens), f"{pad}    ELSE {otherwise}", f"{pad}END"]
    return "\n".join(lines)


def _prompt_band(tokens: str, indent: int) -> str:
    """Band = the largest bound strictly below the prompt; every prompt up to the first bound above 0 is
    band 0 (as :func:`db.measures.prompt_bands`)."""
    whens = [f"WHEN {tokens} <= {upper} THEN {lower}" for lower, upper in itertools.pairwise(PROMPT_BANDS)]
    return _case(whens, PROMPT_BANDS[-1], indent)


def _latency_bin(latency: str, indent: int) -> str:
    """Bin = how many edges are at or below the latency (numpy ``searchsorted(side="right")``); none
    without a latency (else every comparison with NULL fails and it would land in the last bin)."""
    whens = [f"WHEN {latency} IS NULL THEN NULL"]
    whens += [f"WHEN {latency} < {_literal(edge)} THEN {i}" for i, edge in enumerate(LATENCY_EDGES_MS)]
    return _case(whens, len(LATENCY_EDGES_MS), indent)


_NANO = Decimal("1e-9")


def _lowest_inside(edge: float) -> Decimal:
    """The smallest nine-decimal number that reads back as a double at or above ``edge``."""
    value = Decimal(edge).quantize(_NANO, rounding=ROUND_CEILING)
    while float(value) < edge:
        value += _NANO
    return value


def _highest_inside(edge: float) -> Decimal:
    """The largest nine-decimal number that reads back as a double below ``edge``."""
    value = Decimal(edge).quantize(_NANO, rounding=ROUND_FLOOR)
    while float(value) >= edge:
        value -= _NANO
    return value


def _latency_mean(d: _Dialect, latency: str, bin_: str) -> str:
    """The group's mean latency as a nine-decimal number held inside the group's bin.

    Every request of the group is in that bin, so the true mean is too; but a float mean of values on an
    edge can land one ulp beside it (about one group in five of identical values), and rounding to nine
    decimals moves it further. Clamping to the bin's lowest and highest nine-decimal values that read back
    inside it keeps the importer's bin equal to the group's, at most a nano-millisecond from the mean.
    """
    mean = f"CAST(AVG({latency}) AS {d.decimal})"
    edges = LATENCY_EDGES_MS
    lows = [f"WHEN {i} THEN {d.decimal_literal(str(_lowest_inside(e)))}" for i, e in enumerate(edges, start=1)]
    highs = [f"WHEN {i} THEN {d.decimal_literal(str(_highest_inside(e)))}" for i, e in enumerate(edges)]
    return "\n".join(
        [
            "LEAST(",
            "        GREATEST(",
            f"            {mean},",
            f"            {_case(lows, mean, 12, bin_)}",
            "        ),",
            f"        {_case(highs, mean, 8, bin_)}",
            "    )",
        ]
    )


def rollup_sql(
    dialect: str,
    table: str = DEFAULT_TABLE,
    mapping: Mapping[str, str | None] | None = None,
    *,
    only_mapped: bool = False,
) -> str:
    """The roll-up query of ``table`` (raw layout, see the module docs) in ``dialect``, without a final ``;``.

    ``mapping`` gives raw column → SQL expression over the table's row, or None for a column the table
    lacks. Unmapped columns are read from a column of the same name, or, with ``only_mapped``, are absent.
    The result has the canonical CSV's columns (:data:`OUTPUT_COLUMNS`), one row per UTC hour, dimensions,
    prompt-size band and latency bin, ordered by them.

    >>> "COUNT(*)" in rollup_sql("postgres", "spend_logs", {"input_tokens": "prompt_tokens"})
    True
    """
    if dialect not in _DIALECTS:
        raise RollupSqlError(f"unknown dialect {dialect!r}: expected one of {', '.join(DIALECTS)}")
    d = _DIALECTS[dialect]
    mapping = dict(mapping or {})
    for name in mapping:
        _check_name(name)
    source = d.table(_check_sql(table, "the table name"))

    def column(name: str) -> str:
        if name not in d.reserved:
            return name
        return d.quote_char + (name.upper() if d.fold_upper else name) + d.quote_char

    reads: list[str] = []
    for name, kind in RAW_COLUMNS.items():
        if name in mapping:
            given = mapping[name]
            expression = None if given is None else _check_sql(given, f"the expression for {name}")
        else:
            expression = None if only_mapped else column(name)
        if expression is None and name in REQUIRED_COLUMNS:
            raise RollupSqlError(f"{name} is required: map it to a column or expression (--map {name}=…)")
        read = _read(d, kind, expression)
        reads.append(read if read == column(name) else f"{read} AS {column(name)}")

    dimensions = [column(name) for name in _DIMENSIONS]
    hour, band, latency_bin = "utc_hour", "prompt_band", "latency_bin"
    latency, batch = column("latency_ms"), column("batch")

    def text(expression: str) -> str:
        return f"COALESCE(CAST({expression} AS {d.text}), '')"

    # No value of the result is NULL or a float: a warehouse's CSV export then reads the same whatever it
    # writes for NULL (the duckdb shell writes "NULL", Snowflake "\\N") and however it prints floats.
    flag = f"CASE WHEN {batch} THEN 'true' WHEN NOT {batch} THEN 'false' ELSE '' END"
    texts = [flag if c == batch else text(c) for c in dimensions]
    outputs = [
        f"COALESCE({d.hour_text(hour)}, '') AS {_output(d, 'timestamp')}",
        *(f"{t} AS {_output(d, name)}" for t, name in zip(texts, _DIMENSIONS, strict=True)),
        f"COUNT(*) AS {_output(d, 'requests')}",
        *(f"SUM({column(name)}) AS {_output(d, _CSV_NAMES.get(name, name))}" for name in _COUNTS),
        f"{text(_latency_mean(d, latency, latency_bin))} AS {_output(d, 'latency_ms')}",
        f"{text('SUM(' + column('cost_usd') + ')')} AS {_output(d, 'cost_usd')}",
    ]
    keys = [hour, *dimensions, band, latency_bin]
    return "\n".join(
        [
            f"-- exitplan roll-up ({dialect}): the requests of {' '.join(table.split())} summed per UTC hour,",
            "-- dimensions, prompt-size band and latency bin, in exitplan's canonical CSV columns.",
            "-- Save the result as CSV (with its header) and import it: exitplan ingest FILE.csv",
            "WITH raw_requests AS (",
            "    SELECT",
            _listed(reads, 8),
            f"    FROM {source}",
            "),",
            "keyed_requests AS (",
            "    SELECT",
            "        *,",
            f"        {d.hour(column('request_time'))} AS {hour},",
            f"        {_prompt_band(column('input_tokens'), 8)} AS {band},",
            f"        {_latency_bin(latency, 8)} AS {latency_bin}",
            "    FROM raw_requests",
            ")",
            "SELECT",
            _listed(outputs, 4),
            "FROM keyed_requests",
            f"GROUP BY {', '.join(keys)}",
            f"ORDER BY {', '.join(keys)}",
        ]
    )


def _output(d: _Dialect, name: str) -> str:
    # Output names are always quoted, in lower case: the CSV header then reads exactly as the canonical
    # CSV's in every warehouse (Snowflake would otherwise print TIMESTAMP, PROVIDER …).
    return d.quote_char + name + d.quote_char


def _read(d: _Dialect, kind: str, expression: str | None) -> str:
    """How a raw column enters the roll-up: counts default to 0, latency is compared as a double exactly as
    the ledger bins it, cost is rounded to the nano-dollar; an absent column is a typed NULL or 0."""
    if kind == "count":
        return f"COALESCE({expression}, 0)" if expression is not None else "0"
    if kind == "latency":
        return f"CAST({expression or 'NULL'} AS {d.double})"
    if kind == "money":
        return f"CAST({expression or 'NULL'} AS {d.decimal})"
    if kind == "flag":
        # Cast, so that a 0/1 or 'true'/'false' column reads as the boolean the output's CASE tests.
        return f"CAST({expression or 'NULL'} AS {d.flag})"
    return expression if expression is not None else f"CAST(NULL AS {d.text})"


def _listed(items: list[str], indent: int) -> str:
    pad = " " * indent
    return ",\n".join(pad + item for item in items)
