"""Vectorised parsing of source columns into canonical values, with a reason for each bad cell.

Each parser takes a column as read (strings from a CSV, Python values from JSON) and returns the
parsed values plus a ``reasons`` series: null where the cell is fine, else a sentence a user can act on.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "MAX_COUNT",
    "NULL_WORDS",
    "Parsed",
    "first_present",
    "first_reason",
    "map_distinct",
    "not_usd",
    "parse_bools",
    "parse_counts",
    "parse_money",
    "parse_numbers",
    "parse_timestamps",
    "text",
]

# No single usage row holds ten trillion tokens; a bigger number is a unit or parsing mistake, and
# rejecting it keeps sums far from the 64-bit limit.
MAX_COUNT = 10**13


class Parsed(NamedTuple):
    values: pd.Series
    reasons: pd.Series


# How writers spell a missing value in text: Python's str(None), JSON's and SQL's null, pandas' NaN, NaT and
# NA. A cell like these is blank — never a value to reject ("cache_hit is not true or false: 'None'").
NULL_WORDS = ("none", "null", "nan", "nat", "<na>")


def _is_arrow_text(raw: pd.Series) -> bool:
    return raw.dtype != object and pd.api.types.is_string_dtype(raw.dtype)


def _numbers_in_arrow(raw: pd.Series) -> tuple[pd.Series, np.ndarray] | None:
    """Floats and blank cells of Arrow-backed text in one Arrow cast, when every cell is a number or
    blank (as in almost every file); None otherwise, for the general path to say which cells are not."""
    if not _is_arrow_text(raw):
        return None
    cells = pc.utf8_trim_whitespace(pa.array(raw.array))
    blank = pc.fill_null(pc.equal(cells, ""), True)
    numbers = _cast_numbers(cells, blank)
    if numbers is None or pc.any(pc.is_nan(numbers)).as_py():
        # Only a column that holds something besides numbers ("None", or "nan" read as NaN) is looked through
        # for the spellings of null: most columns do not, and skip this pass.
        blank = pc.fill_null(pc.is_in(pc.utf8_lower(cells), value_set=pa.array(["", *NULL_WORDS])), True)
        numbers = _cast_numbers(cells, blank)
        if numbers is None:
            return None
    values = pd.Series(numbers.to_numpy(zero_copy_only=False), index=raw.index, dtype="float64")
    return values, np.asarray(blank.to_numpy(zero_copy_only=False), dtype=bool)


def _cast_numbers(cells: pa.Array, blank: pa.Array) -> pa.Array | None:
    try:
        return pc.cast(pc.if_else(blank, pa.scalar(None, pa.string()), cells), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _times_in_arrow(raw: pd.Series, blank: np.ndarray) -> pd.Series | None:
    """UTC times from Arrow-backed text in one Arrow cast, when every cell that is not blank is an ISO 8601
    time without an offset (as databases export them); None otherwise, for pandas to read the offsets and
    other spellings and to say which cells are bad. Arrow reads fewer spellings than pandas, and those it
    reads it reads as pandas does."""
    if not _is_arrow_text(raw):
        return None
    cells = pc.if_else(pa.array(blank), pa.scalar(None, pa.string()), pa.array(raw.array))
    try:
        times = pc.cast(cells, pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    # Naming the zone of naive times in Arrow relabels them, where pandas would convert each one.
    utc = times.cast(pa.timestamp("us", "UTC"))
    return pd.Series(utc.to_pandas().array, index=raw.index)


def _blank(raw: pd.Series) -> pd.Series:
    """Missing cells: null, empty text, or a writer's spelling of null (:data:`NULL_WORDS`)."""
    blank = raw.isna()
    if raw.dtype == object:
        # Any non-text value (a number from JSON) prints as something, so only text can read as blank.
        words = raw.where(~blank, "x").astype(str).str.strip().str.lower()
    elif pd.api.types.is_string_dtype(raw):
        words = raw.str.strip().str.lower()
    else:
        return blank
    return blank | words.isin(["", *NULL_WORDS]).fillna(False).astype(bool)


def _reasons(index: pd.Index) -> pd.Series:
    return pd.Series(None, index=index, dtype=object)


def _say(reasons: pd.Series, mask: pd.Series | np.ndarray, message: str, shown: pd.Series | None = None) -> None:
    """Set ``message`` where ``mask`` holds and no earlier reason was given; with ``shown``, each row's
    message ends with the offending cell (quoted only for the rows that need it: most rows are fine)."""
    target = np.asarray(mask, dtype=bool)
    if not target.any():  # as for almost every check: no need to look at the reasons
        return
    target = target & reasons.isna().to_numpy()
    if target.any():
        if shown is None:
            reasons[target] = message
        else:
            cells = shown[target].astype(str).str.slice(0, 40)
            reasons[target] = (message + " '" + cells + "'").to_numpy()


def parse_numbers(raw: pd.Series, name: str, *, required: bool = False) -> Parsed:
    """Floats; blank is missing (a reason only when ``required``), text that is not a number is a reason."""
    fast = _numbers_in_arrow(raw)
    if fast is not None:
        values, blank = fast
    else:
        blank = _blank(raw).to_numpy(dtype=bool)
        values = pd.to_numeric(raw.where(~blank, None), errors="coerce").astype("float64")
    reasons = _reasons(raw.index)
    number = values.to_numpy()
    if required:
        _say(reasons, blank, f"{name} is missing")
    _say(reasons, np.isnan(number) & ~blank, f"{name} is not a number:", raw)
    _say(reasons, np.isinf(number), f"{name} is not a finite number")
    return Parsed(values, reasons)


def parse_counts(raw: pd.Series, name: str, *, required: bool = False, default: int | None = 0) -> Parsed:
    """Whole, non-negative counts (``217`` and ``217.0`` both read as 217) as ``Int64``.

    Blank cells take ``default`` (or are a reason when ``required``).
    """
    numbers, reasons = parse_numbers(raw, name, required=required)
    number = numbers.to_numpy()
    with np.errstate(invalid="ignore"):
        _say(reasons, number < 0, f"{name} is negative")
        # A finite number with a fraction (floor is far cheaper than a remainder).
        _say(reasons, np.isfinite(number) & (np.floor(number) != number), f"{name} is not a whole number")
        _say(reasons, number > MAX_COUNT, f"{name} is impossibly large")
    fine = reasons.isna().to_numpy()
    usable = np.where(fine, number, np.nan)
    if default is not None:
        usable = np.where(fine & np.isnan(usable), default, usable)
    missing = np.isnan(usable)
    counts = pd.arrays.IntegerArray(np.round(np.where(missing, 0, usable)).astype("int64"), missing)
    return Parsed(pd.Series(counts, index=raw.index), reasons)


def parse_money(raw: pd.Series, name: str) -> Parsed:
    """Amounts in a currency unit as floats; blank is missing. Negative amounts (credits) are allowed."""
    return parse_numbers(raw, name)


def parse_timestamps(raw: pd.Series, name: str, *, unit: str | None = None, optional: bool = False) -> Parsed:
    """UTC timestamps from ISO 8601 text (UTC unless an offset is given) or, with ``unit``, epoch numbers.

    A blank cell is missing, with a reason unless the times are ``optional``."""
    blank = _blank(raw)
    reasons = _reasons(raw.index)
    if not optional:
        _say(reasons, blank, f"{name} is missing")
    if unit is not None:
        numbers = pd.to_numeric(raw.where(~blank, None), errors="coerce")
        values = pd.to_datetime(numbers, unit=unit, utc=True, errors="coerce")
    elif (fast := _times_in_arrow(raw, blank.to_numpy(dtype=bool))) is not None:
        values = fast
    else:
        # Only text is read as ISO 8601: a number (from JSON) is no date in that shape, and pandas would read it
        # as one some day (it warns that it will).
        cells = raw.where(~blank, None)
        if not pd.api.types.is_string_dtype(cells.dtype) or cells.dtype == object:
            cells = cells.astype(object).map(lambda cell: cell if cell is None or isinstance(cell, str) else str(cell))
        values = pd.to_datetime(cells, utc=True, format="ISO8601", errors="coerce")
    _say(reasons, values.isna() & ~blank, f"{name} is not a date/time:", raw)
    return Parsed(values.astype("datetime64[us, UTC]"), reasons)


_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0"}


def parse_bools(raw: pd.Series, name: str) -> Parsed:
    """true/false, yes/no, 1/0 in any case; blank is unknown."""
    blank = _blank(raw)
    words = raw.where(~blank, "").astype(str).str.strip().str.lower()
    values = pd.Series(pd.NA, index=raw.index, dtype="boolean")
    values[words.isin(_TRUE).to_numpy()] = True
    values[words.isin(_FALSE).to_numpy()] = False
    reasons = _reasons(raw.index)
    _say(reasons, values.isna() & ~blank, f"{name} is not true or false:", raw)
    return Parsed(values, reasons)


def text(raw: pd.Series) -> pd.Series:
    """Text cells, stripped; blank becomes missing. Rows with the same text share one Python string, made
    once (and hashing the column later finds its hash cached)."""
    if _is_arrow_text(raw):
        # Arrow-backed text straight from a CSV: stripped in Arrow, as the number and time parsers see it.
        return map_distinct(raw.str.strip(), _non_empty)
    # Anything else (JSON values, Python lists of cells): each distinct value stripped once.
    return map_distinct(raw, _stripped)


def _stripped(value: object) -> str | None:
    cell = str(value).strip()
    return cell or None


def _non_empty(cell: str) -> str | None:
    return cell or None


def map_distinct(values: pd.Series, func: Callable[[Any], object]) -> pd.Series:
    """``func`` of each row's value, called once per distinct value: a column of a million rows holds a
    handful of hosts or provider names, so this is a few calls, not a million.

    >>> map_distinct(pd.Series(["a", "b", "a", None]), str.upper).tolist()
    ['A', 'B', 'A', None]
    """
    # Arrow-backed text is factorized in Arrow: only the distinct values become Python strings.
    as_read = values.dtype == object or _is_arrow_text(values)
    try:
        codes, uniques = pd.factorize(values if as_read else values.astype(object), use_na_sentinel=True)
    except TypeError:
        # A JSON array or object where a plain value belongs cannot be hashed: each such cell is its JSON text.
        codes, uniques = pd.factorize(values.astype(object).map(_hashable, na_action="ignore"), use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    for i, value in enumerate(uniques):
        mapped[i] = func(value)
    mapped[-1] = None  # the sentinel -1 picks the last slot: missing stays missing
    return pd.Series(mapped[codes], index=values.index, dtype=object)


def _hashable(value: object) -> object:
    return json.dumps(value, sort_keys=True, default=str) if isinstance(value, (dict, list)) else value


def first_reason(*reasons: pd.Series) -> pd.Series:
    """Per row, the first reason given by any of ``reasons`` (null when none)."""
    combined = reasons[0].to_numpy(dtype=object, copy=True)
    open_rows = pd.isna(combined)
    for more in reasons[1:]:
        if not open_rows.any():
            break
        given = more.to_numpy(dtype=object)
        taken = open_rows & ~pd.isna(given)
        if taken.any():
            combined[taken] = given[taken]
            open_rows &= ~taken
    combined[open_rows] = None
    return pd.Series(combined, index=reasons[0].index, dtype=object)


def not_usd(currency: pd.Series, *, required: bool = False) -> pd.Series:
    """Per row, why an amount cannot be recorded: exitplan keeps USD only (no exchange rates to guess).

    A blank currency is taken as USD unless ``required``.
    """
    code = text(currency).str.upper()
    wrong = (code.notna() & (code != "USD")) | (code.isna() if required else False)
    message = "amount is in " + code.fillna("an unstated currency").astype(str) + "; exitplan records USD only"
    return pd.Series(None, index=currency.index, dtype=object).mask(wrong, message)


def first_present(*values: pd.Series) -> pd.Series:
    """Per row, the first of ``values`` that is not missing (missing when none is).

    >>> first_present(pd.Series([None, "b", None]), pd.Series(["x", "y", None])).tolist()
    ['x', 'b', None]
    """
    combined = values[0].astype(object)
    for more in values[1:]:
        combined = combined.where(combined.notna(), more.astype(object))
    return combined.where(combined.notna(), None)
