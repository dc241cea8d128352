"""Dependency risk (ARCHITECTURE.md §6): what staying with one vendor risks, computed from the ledger, one
module per factor of the score."""

from __future__ import annotations

__all__: list[str] = []
