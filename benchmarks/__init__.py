"""Benchmarks of exitplan: ingest against DuckDB and a naive import, dashboard reads at 1× and 10× volume,
and the cost engine against a per-row price loop. Run with ``make bench`` (see benchmarks/README.md)."""
