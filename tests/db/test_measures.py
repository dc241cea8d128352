"""The list of measures lives once, in db.measures: it must be the ledger's usage columns, in their order
and of their types, so the code that sums, rolls up and prices them by these names covers every column."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float

from db.measures import DIMENSIONS, LATENCY_BIN_COLUMNS, SUMMED_MEASURES, TIME_SUMS
from db.schema import usage


def test_summed_measures_are_the_usage_tables_measure_columns_in_order() -> None:
    names = [c.name for c in usage.columns]
    assert [name for name in names if name in SUMMED_MEASURES] == list(SUMMED_MEASURES)
    rest = set(names) - {"id", "import_id", "bucket_start", *SUMMED_MEASURES, *LATENCY_BIN_COLUMNS}
    assert rest == set(DIMENSIONS)


def test_time_sums_are_the_only_summed_measures_that_are_not_whole_numbers() -> None:
    assert set(TIME_SUMS) < set(SUMMED_MEASURES)
    for name in SUMMED_MEASURES:
        assert isinstance(usage.c[name].type, Float if name in TIME_SUMS else BigInteger), name
