"""Migration scenarios and the business case: each workload's spend projected month by month if nothing
changes (the baseline forecast, with its backtest), and what a migration would change against it."""

from __future__ import annotations

__all__: list[str] = []
