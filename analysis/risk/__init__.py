"""Dependency risk: how exposed the company is to its LLM vendors, computed from its own usage (ARCHITECTURE.md
§6) — concentration, retirements, lock-in, exit options, price volatility and incidents, each a factor with its
value and evidence, weighted into one 0–100 score with its breakdown, and the actions that would lower it."""

__all__: list[str] = []
