"""Dependency risk (ARCHITECTURE.md §6): how exposed the company is to its LLM vendors, computed from its own
usage — concentration, retirements, lock-in, exit options, price volatility and incidents, each a factor with
its value and evidence, weighted into one 0–100 score with its breakdown, and the moves that would lower it."""

from __future__ import annotations

__all__: list[str] = []
