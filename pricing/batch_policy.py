"""Batch pricing as providers publish it: the price of a batch job where no price source lists one.

Registries list batch prices for current models only: LiteLLM prunes retired models, and genai-prices
models a batch price only from the day it verified it. Batch usage of any other model would otherwise be
priced at the standard price — twice the bill. Each provider documents its batch discount as a rule
("50% of the standard price"); :data:`POLICY_FILE` keeps those rules as data, one row per provider, and the
price book applies a provider's rule to the model's standard price after every registry has been asked.

Columns of ``pricing/data/batch_policies.csv``:

- ``provider`` — the host, as a genai-prices provider id (the book's provider names);
- ``offer`` — ``uniform`` (one rule for every model: the ratios below), ``per model`` (a discount that
  differs per model, so no rule can price it) or ``none`` (no batch offer);
- one ratio per price part (``input``, ``cache_read``, ``cache_write``, ``cache_write_1h``, ``output``,
  ``reasoning``, ``requests``): the batch price over the standard price of the same part (``0.5``), or of
  another part (``0.5 of input``: a batch cache read at half the standard *input* price). A blank ratio
  moves with the part it is billed like, as the price book moves parts a source leaves out: cache reads and
  writes with input, one-hour writes with five-minute writes, reasoning with output; per-request fees stay;
- ``source`` — the provider's page that states the rule; ``as_of`` — the day it was read there;
- ``note`` — the rule in words (shown on prices where the rule cannot be applied).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from pricing.catalog import PRICE_FIELDS

__all__ = ["OFFERS", "POLICY_FILE", "BatchPolicy", "Ratio", "batch_policies", "batch_policy", "parse_policies"]

POLICY_FILE = Path(__file__).with_name("data") / "batch_policies.csv"
OFFERS = ("uniform", "per model", "none")

# The table's column for each price part.
_PARTS: dict[str, str] = {
    "input": "input_mtok",
    "cache_read": "cache_read_mtok",
    "cache_write": "cache_write_mtok",
    "cache_write_1h": "cache_write_1h_mtok",
    "output": "output_mtok",
    "reasoning": "reasoning_mtok",
    "requests": "requests_kcount",
}
_COLUMNS = ("provider", "offer", *_PARTS, "source", "as_of", "note")
# A blank ratio follows the part it is billed like; in this order, so a one-hour write follows where the
# five-minute write went. Per-request fees are not token prices: a blank one stays as it is.
_MOVES_WITH = (
    ("cache_read", "input"),
    ("cache_write", "input"),
    ("cache_write_1h", "cache_write"),
    ("reasoning", "output"),
)
_RATIO = re.compile(r"^(?P<factor>\d+(?:\.\d+)?)(?:\s+of\s+(?P<part>[a-z_0-9]+))?$")

assert set(_PARTS.values()) == set(PRICE_FIELDS), "a price part without a policy column"


@dataclass(frozen=True)
class Ratio:
    """A batch price as ``factor`` × the standard price of ``of`` (a price field, e.g. ``input_mtok``)."""

    factor: float
    of: str


@dataclass(frozen=True)
class BatchPolicy:
    """One provider's published batch pricing (a row of :data:`POLICY_FILE`)."""

    provider: str
    offer: str
    ratios: Mapping[str, Ratio]  # per price field; every field for a uniform offer, none otherwise
    source: str
    as_of: date
    note: str

    def batch_parts(self, standard: Mapping[str, float]) -> dict[str, float]:
        """The batch prices, per price field, of a model whose standard prices are ``standard``.

        >>> groq = batch_policy("groq")
        >>> parts = groq.batch_parts({"input_mtok": 0.6, "cache_read_mtok": 0.3, "output_mtok": 0.8})
        >>> parts["input_mtok"], parts["cache_read_mtok"], parts["output_mtok"]
        (0.3, 0.3, 0.4)
        """
        if self.offer != "uniform":
            raise ValueError(f"{self.provider} has no batch rule for every model: {self.note}")
        return {name: ratio.factor * standard[ratio.of] for name, ratio in self.ratios.items() if ratio.of in standard}

    @property
    def label(self) -> str:
        """How a price says it came from this policy."""
        return f"batch by {self.provider}'s batch policy of {self.as_of} ({self.source})"


def _ratio(cell: str, part: str, where: str) -> Ratio:
    match = _RATIO.match(cell.strip())
    if match is None:
        raise ValueError(f"{where}: {part} ratio {cell!r} is neither a number nor '<number> of <part>'")
    of = match["part"] or part
    if of not in _PARTS:
        raise ValueError(f"{where}: {part} ratio names an unknown part {of!r}; parts are {', '.join(_PARTS)}")
    return Ratio(float(match["factor"]), _PARTS[of])


def _policy(row: dict[str, str], where: str) -> BatchPolicy:
    provider, offer = row["provider"].strip(), row["offer"].strip()
    if not provider:
        raise ValueError(f"{where}: no provider")
    if offer not in OFFERS:
        raise ValueError(f"{where}: offer {offer!r} is not one of {', '.join(OFFERS)}")
    cells = {part: row[part].strip() for part in _PARTS if row[part].strip()}
    source = row["source"].strip()
    if not source.startswith("https://"):
        raise ValueError(f"{where}: a policy names the page that states it (an https:// source)")
    try:
        as_of = date.fromisoformat(row["as_of"].strip())
    except ValueError as error:
        raise ValueError(f"{where}: as_of {row['as_of']!r} is not a date (YYYY-MM-DD)") from error
    ratios: dict[str, Ratio] = {}
    if offer == "uniform":
        if "input" not in cells or "output" not in cells:
            raise ValueError(f"{where}: a uniform offer states its input and output ratios")
        parsed = {part: _ratio(cell, part, where) for part, cell in cells.items()}
        for part, like in _MOVES_WITH:
            # The factor moves, applied to the part's own standard price.
            parsed.setdefault(part, Ratio(parsed[like].factor, _PARTS[part]))
        parsed.setdefault("requests", Ratio(1.0, _PARTS["requests"]))
        ratios = {_PARTS[part]: ratio for part, ratio in parsed.items()}
    elif cells:
        raise ValueError(f"{where}: an offer of {offer!r} has no ratios, only a note")
    return BatchPolicy(provider, offer, ratios, source, as_of, row["note"].strip())


def parse_policies(text: str) -> dict[str, BatchPolicy]:
    """Policies by provider from the CSV text of a policy table; raises ValueError on a malformed row."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise ValueError(f"batch policy table: columns must be {', '.join(_COLUMNS)}")
    policies: dict[str, BatchPolicy] = {}
    for line, row in enumerate(reader, start=2):
        policy = _policy(row, f"batch policy table, line {line}")
        if policy.provider in policies:
            raise ValueError(f"batch policy table, line {line}: {policy.provider} has a policy already")
        policies[policy.provider] = policy
    return policies


@lru_cache(maxsize=1)
def batch_policies() -> dict[str, BatchPolicy]:
    """Every provider's batch policy, from :data:`POLICY_FILE`."""
    return parse_policies(POLICY_FILE.read_text(encoding="utf-8"))


def batch_policy(provider: str) -> BatchPolicy | None:
    """``provider``'s published batch policy, or None when the table has none."""
    return batch_policies().get(provider)
