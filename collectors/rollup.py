"""Roll accepted records up to (hour, dimensions): the shape the ledger stores.

An import streams: each chunk is grouped, and hours the file has moved past are written out as soon as
the chunk's own hours lie beyond them. Memory holds only the hours still open, so it stays flat however
long the file is. A row that arrives for an hour already written (a file not in time order) is written
too, and the hour is noted in :attr:`Rollup.reopened` for the ledger to merge back into one row per key.

A measure the source does not report stays unknown (null): records that know a measure and records that do
not are never summed into one row (the pattern of unknown measures is part of the grouping key), so a
stored row's measure is either the whole sum or unknown, never a known part passing as the whole.

Text dimensions are grouped as integer codes (:class:`Vocabulary`) and turned back into text only as
rows are written: concatenating, filtering and grouping integers costs a fraction of doing so on text
(which pandas holds in Arrow after a ``groupby``, where every filter copies the strings).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from collectors.records import TEXT_COLUMNS
from db.measures import (
    COUNT_MEASURES,
    LATENCY_BIN_COLUMNS,
    LATENCY_EDGES_MS,
    SUMMED_MEASURES,
    TIME_SUMS,
    prompt_bands,
)
from pricing.identity import canonical_models

__all__ = ["KEYS", "Part", "Rollup", "Vocabulary", "grouped"]

KEYS: list[str] = ["bucket_start", *TEXT_COLUMNS, "batch", "prompt_band"]
# Which count measures a record does not know, one bit each: a grouping key, dropped before rows are stored.
_UNKNOWN = "unknown_measures"
_GROUP_KEYS: list[str] = [*KEYS, _UNKNOWN]
_LONG_KEYS: list[str] = [*_GROUP_KEYS, "latency_bin"]
_WHOLE_SUMS: list[str] = [name for name in SUMMED_MEASURES if name not in TIME_SUMS]
_NO_NUMBER = -1  # stands for a missing dimension while grouping, text (its code) or number
# Hours this close to a chunk's own stay open: logs ordered by when a request ended, not started, have
# stragglers a few minutes back.
_SLACK = pd.Timedelta(hours=1)
# Open rollups beyond this many rows (a file far from time order) are written out anyway.
_HOLD_ROWS = 100_000
# Finished hours are written once they add up to this many rows (fewer, larger writes), this many at a time.
_WRITE_ROWS = 50_000
# The vocabulary lets go of written rows' values once it holds more than this many (and twice what it kept).
_KEEP_VALUES = 100_000
# Grouping keys are combined into one integer below this bound.
_MAX_COMBINED = 2**62


class Vocabulary:
    """The text values of an import's open dimensions, each known by an integer code (``-1`` for missing).

    Codes are handed out as values first appear, so parts of different chunks group together. Values of rows
    already written are let go of now and then (:meth:`Rollup._compact`): a file of a million distinct
    model names would otherwise hold all of them until its end.
    """

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}
        self._values: list[str] = []
        self._table: np.ndarray | None = None  # the values as an array, for decoding; None once stale

    def __len__(self) -> int:
        return len(self._values)

    def codes_of(self, values: np.ndarray) -> np.ndarray:
        """The code of each of ``values`` (distinct values, none missing), handing out new codes as needed."""
        return np.fromiter((self._code(value) for value in values), dtype=np.int32, count=len(values))

    def _code(self, value: str) -> int:
        code = self._codes.get(value)
        if code is None:
            code = self._codes[value] = len(self._values)
            self._values.append(value)
            self._table = None
        return code

    def decode(self, codes: pd.Series | np.ndarray) -> np.ndarray:
        """The text of each code (None for missing)."""
        if self._table is None:
            self._table = np.array([*self._values, None], dtype=object)
        decoded: np.ndarray = self._table[np.asarray(codes)]
        return decoded


@dataclass(frozen=True)
class Part:
    """A chunk's records grouped, its text dimensions coded against the chunk's own distinct values: codes
    into the import's :class:`Vocabulary` are given only as the part joins the rollup, in one thread."""

    frame: pd.DataFrame
    values: dict[str, np.ndarray]

    @property
    def empty(self) -> bool:
        return self.frame.empty


def _keyed(records: pd.DataFrame, values: dict[str, np.ndarray]) -> pd.DataFrame:
    """Records with grouping keys (codes for text, into ``values``, which it fills; sentinels for missing
    values) and additive measures only."""
    columns: dict[str, pd.Series | np.ndarray] = {}
    columns["bucket_start"] = records["timestamp"].dt.floor("h")
    for name in TEXT_COLUMNS:
        codes, uniques = pd.factorize(records[name], use_na_sentinel=True)
        columns[name] = codes.astype(np.int32)
        values[name] = np.asarray(uniques, dtype=object)
    columns["batch"] = records["batch"].astype("Int8").fillna(_NO_NUMBER).astype("int8")
    requests = records["requests"]
    per_request = records["input_tokens"].astype("float64") / requests.astype("float64").where(requests > 0)
    band = records["prompt_band"].fillna(prompt_bands(per_request))
    columns["prompt_band"] = band.fillna(_NO_NUMBER).astype("int64")
    unknown = np.zeros(len(records), dtype="int64")
    for bit, name in enumerate(COUNT_MEASURES):
        columns[name] = records[name]
        unknown |= records[name].isna().to_numpy().astype("int64") << bit
    columns[_UNKNOWN] = unknown
    columns["reported_cost_nano_usd"] = (records["reported_cost_usd"] * 1e9).round().astype("Int64")
    latency = records["latency_ms"]
    timed = latency.notna()
    # A row standing for several requests counts each at the row's mean latency.
    weight = requests.astype("float64").fillna(1.0).where(timed, 0.0)
    columns["latency_count"] = weight.round().astype("int64")
    columns["latency_sum_ms"] = (latency.fillna(0.0) * weight).astype("float64")
    ttft = records["ttft_ms"]
    ttft_weight = requests.astype("float64").fillna(1.0).where(ttft.notna(), 0.0)
    columns["ttft_count"] = ttft_weight.round().astype("int64")
    columns["ttft_sum_ms"] = (ttft.fillna(0.0) * ttft_weight).astype("float64")
    bins = np.searchsorted(np.asarray(LATENCY_EDGES_MS), latency.fillna(0).to_numpy(), side="right")
    columns["latency_bin"] = np.where(timed.to_numpy(), bins, _NO_NUMBER).astype("int64")
    # One frame from all columns at once: adding them one by one costs more than making them.
    return pd.DataFrame(columns, index=records.index)


def _group(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per distinct ``keys`` (in order of first appearance) with the other columns summed."""
    return _summed(frame, keys, *_group_ids(frame, keys))


def _group_ids(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group (numbered in order of first appearance) and the first row of each group.

    The keys are combined into one integer per row, so the sums group on a single key: pandas grouping on a
    dozen columns spends more on the keys than on the sums.
    """
    combined = np.zeros(len(frame), dtype=np.int64)
    size = 1
    for name in keys:
        codes, uniques = pd.factorize(frame[name], use_na_sentinel=False)
        if size * len(uniques) > _MAX_COMBINED:
            # The combination would overflow: number the distinct combinations so far from 0 instead.
            combined, seen = pd.factorize(combined)
            size = len(seen)
        combined = combined * len(uniques) + codes
        size *= len(uniques)
    ids, _ = pd.factorize(combined)
    # Groups are numbered as they first appear, so a group starts where the highest number so far rises.
    first = np.flatnonzero(np.diff(np.maximum.accumulate(ids), prepend=-1) > 0)
    return ids, first


def _summed(frame: pd.DataFrame, keys: list[str], ids: np.ndarray, first: np.ndarray) -> pd.DataFrame:
    sums = frame.drop(columns=keys).groupby(ids, sort=False).sum(min_count=1)
    return pd.concat([frame[keys].take(first).reset_index(drop=True), sums.reset_index(drop=True)], axis=1)


def grouped(records: pd.DataFrame) -> Part:
    """``records`` grouped, for :meth:`Rollup.add_part`: the share of the work that needs no rollup state, so
    it may run in another thread (the import groups the next chunk while this one's rows are written)."""
    if records.empty:
        return Part(_empty_long(), {})
    values: dict[str, np.ndarray] = {}
    return Part(_group(_keyed(records, values), _LONG_KEYS), values)


class Rollup:
    """Accumulates records chunk by chunk and hands finished rollups to ``write`` (rows as the ledger
    stores them, one per hour and dimensions within a call) once ``write_rows`` are finished; :meth:`finish`
    writes the rest."""

    def __init__(
        self,
        write: Callable[[pd.DataFrame], object],
        *,
        hold_rows: int = _HOLD_ROWS,
        write_rows: int = _WRITE_ROWS,
        keep_values: int = _KEEP_VALUES,
    ) -> None:
        self._write = write
        self._keep_values = keep_values
        self._hold_rows = hold_rows
        self._write_rows = write_rows
        self._open = _empty_long()
        self._grouped_rows = 0  # rows of ``_open`` as of its last grouping
        self._done: list[pd.DataFrame] = []
        self._done_rows = 0
        self._written: set[pd.Timestamp] = set()
        self._vocabulary = Vocabulary()
        self._kept_values = 0  # the vocabulary's size after it last let go of written values
        self.reopened: set[pd.Timestamp] = set()

    def add(self, records: pd.DataFrame) -> None:
        self.add_part(grouped(records))

    def add_part(self, part: Part) -> None:
        if part.empty:
            return
        frame = part.frame
        for name, values in part.values.items():
            codes = np.append(self._vocabulary.codes_of(values), np.int32(_NO_NUMBER))
            frame[name] = codes[frame[name].to_numpy()]
        hours = pd.unique(frame["bucket_start"])
        self.reopened.update(hour for hour in hours if hour in self._written)
        low, high = hours.min() - _SLACK, hours.max() + _SLACK
        # Only open rows can be done: the part's own hours lie within its slack.
        held = self._open
        if len(held):
            done = ~held["bucket_start"].between(low, high).to_numpy()
            if done.any():
                self._finished(held[done])
                held = held[~done]
        held = pd.concat([held, frame], ignore_index=True) if len(held) else frame
        # Regroup the open hours only as they double, so a long-open hour costs linear time.
        if len(held) > 2 * self._grouped_rows + len(frame):
            held = _group(held, _LONG_KEYS)
            self._grouped_rows = len(held)
        if len(held) > self._hold_rows:
            self._finished(held)
            held = _empty_long()
            self._grouped_rows = 0
        self._open = held
        if self._done_rows >= self._write_rows:
            self._emit()
            self._compact()

    def finish(self) -> None:
        """Write whatever is still open."""
        self._finished(self._open)
        self._open = _empty_long()
        self._grouped_rows = 0
        self._emit()

    def _finished(self, long: pd.DataFrame) -> None:
        if len(long):
            self._written.update(pd.unique(long["bucket_start"]))
            self._done.append(long)
            self._done_rows += len(long)

    def _emit(self) -> None:
        if self._done:
            long = _group(pd.concat(self._done, ignore_index=True), _LONG_KEYS)
            self._done, self._done_rows = [], 0
            # Written a slice of groups at a time: a stored row is some forty columns wide, and a file of
            # distinct names can finish hundreds of thousands of them at once.
            for piece in _pieces(long, _WRITE_ROWS):
                self._write(_stored(piece, self._vocabulary))

    def _compact(self) -> None:
        """Let go of the values only written rows use, once the vocabulary has doubled since it last did: the
        values of the open rows get new codes. Nothing else holds codes (``_done`` is empty after a write)."""
        if len(self._vocabulary) <= max(self._keep_values, 2 * self._kept_values):
            return
        vocabulary = Vocabulary()
        held = self._open
        for name in TEXT_COLUMNS if len(held) else ():
            codes, uniques = pd.factorize(held[name].to_numpy(), use_na_sentinel=False)
            present = uniques != _NO_NUMBER
            recoded = np.full(len(uniques), _NO_NUMBER, dtype=np.int32)
            recoded[present] = vocabulary.codes_of(self._vocabulary.decode(uniques[present]))
            held[name] = recoded[codes]
        self._vocabulary = vocabulary
        self._kept_values = len(vocabulary)


def _pieces(long: pd.DataFrame, rows: int) -> Iterator[pd.DataFrame]:
    """``long`` in slices of at most ``rows`` stored rows, in the order of their first appearance; each
    group's latency bins stay in one slice."""
    ids, first = _group_ids(long, _GROUP_KEYS)
    if len(first) <= rows:
        yield long
        return
    order = np.argsort(ids, kind="stable")
    starts = np.searchsorted(ids[order], np.arange(0, len(first), rows))
    for start, end in zip(starts, [*starts[1:], len(order)], strict=True):
        yield long.take(order[start:end])


def _stored(long: pd.DataFrame, vocabulary: Vocabulary) -> pd.DataFrame:
    """One row per (hour, dimensions) with summed measures and latency histogram columns."""
    ids, first = _group_ids(long, _GROUP_KEYS)
    result = _summed(long.drop(columns="latency_bin"), _GROUP_KEYS, ids, first).drop(columns=_UNKNOWN)
    # Each group's timed requests counted into its latency bin.
    bins = long["latency_bin"].to_numpy()
    timed = bins >= 0
    histogram = np.zeros((len(first), len(LATENCY_BIN_COLUMNS)), dtype="int64")
    np.add.at(histogram, (ids[timed], bins[timed]), long["latency_count"].to_numpy()[timed])
    for i, name in enumerate(LATENCY_BIN_COLUMNS):
        result[name] = histogram[:, i]
    return _restore_missing(result, vocabulary)


def _restore_missing(frame: pd.DataFrame, vocabulary: Vocabulary) -> pd.DataFrame:
    for name in TEXT_COLUMNS:
        frame[name] = vocabulary.decode(frame[name])
    frame["batch"] = frame["batch"].astype("Int8").mask(frame["batch"] == _NO_NUMBER).astype("boolean")
    frame["prompt_band"] = frame["prompt_band"].astype("Int64").mask(frame["prompt_band"] == _NO_NUMBER)
    frame["canonical_model"] = canonical_models(frame["provider"], frame["model"])
    # A group's records all know a measure or all lack it (see _GROUP_KEYS): its sum is whole, or null.
    for name in _WHOLE_SUMS:
        frame[name] = frame[name].astype("Int64")
    return frame


def _empty_long() -> pd.DataFrame:
    return pd.DataFrame()
