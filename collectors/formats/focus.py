"""FinOps FOCUS 1.0–1.2 cost and usage CSV, from any provider that exports it (FORMATS.md §9).

A FOCUS file holds every charge of a billing account. exitplan imports the AI usage charges and skips the
rest as not usage, counted per kind, so the row counts reconcile:

- AI rows: ``ServiceCategory`` "AI and Machine Learning" or ``ServiceSubcategory`` "Generative AI"
  (v1.1+). Others (storage, compute, network …) are skipped as ``not AI: <ServiceCategory>``.
- Only ``ChargeCategory`` "Usage" is usage; Purchase, Tax, Credit and Adjustment rows are skipped as
  ``not usage: <ChargeCategory>``.

FOCUS ≤1.2 has no token columns (§9): an AI charge counts tokens only in ``ConsumedQuantity`` /
``ConsumedUnit`` (``5885033`` ``Tokens``; else ``PricingQuantity`` in a ``PricingUnit`` such as
``1000000 Tokens``), and says which tokens only in its SKU meter text (``gpt-4o-0806-Inp-glbl Tokens``,
``Claude 3.5 Haiku Output Tokens``). Where the meter names one direction unambiguously (:func:`direction`),
the row is token usage, each charge row one part of it:

- input → ``input_tokens``; cached input (a cache read) → ``input_tokens`` and ``cache_read_tokens``;
  a cache write → ``input_tokens`` and ``cache_write_tokens`` (its 1-hour part where the meter says 1h or
  5m, else unknown); output → ``output_tokens`` (its reasoning part unknown). The other measures of such a
  row are 0: the other directions are charge rows of their own.
- ``Batch`` in the meter marks the row ``batch`` (priced at the batch tier).

Any other AI charge — in a unit other than tokens (hours of provisioned throughput, images, characters),
or whose meter names no direction or more than one — is a reported-cost row: its tokens are unknown. A
file's computed cost (its tokens priced) and reported cost (below) can then be reconciled.
- ``reported_cost_usd`` is ``EffectiveCost`` (``BilledCost`` where it is blank): the spec defines it as
  the amortised cost after all discounts, with the applicable share of prepaid commitments spread onto
  the usage they covered — the cost of that usage, which is what a move would change. ``BilledCost`` is
  cash-basis: it leaves usage covered by a commitment at 0 and bills the purchase on its own row.
  ``BillingCurrency`` must be USD; rows in another (or no stated) currency are rejected.
- ``provider`` maps ``ProviderName`` (or ``ServiceProviderName``, its name in the 1.3 drafts) through
  the cloud names below, then :func:`pricing.identity.provider_id`: "Microsoft" → azure, "AWS" → aws,
  "Google Cloud" → google.
- ``model`` is the model ``SkuMeter`` (else ``ChargeDescription``) names, read as in
  :mod:`collectors.formats.attribution`, else ``unattributed (<meter or service>)``.
- ``host`` is ``ResourceName`` (an Azure account) else ``RegionId`` (an AWS or GCP region), matching the
  provider-native importers; ``project`` is ``SubAccountName`` (subscription, member account, GCP
  project) else ``SubAccountId``; ``feature`` follows the tag rule over ``Tags`` (JSON). Extension
  (``x_…``) and other columns are tolerated and ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import numpy as np
import pandas as pd

from collectors.csvfile import csv_batches
from collectors.format import Format, Peek
from collectors.formats.attribution import model_named, tags_feature
from collectors.normalise import (
    MAX_COUNT,
    first_reason,
    map_distinct,
    not_usd,
    parse_money,
    parse_numbers,
    parse_timestamps,
    text,
)
from collectors.records import Batch, make_records
from collectors.source import Source
from pricing.identity import provider_id

__all__ = ["CLOUD_PROVIDERS", "FORMAT", "direction", "focus_provider", "token_unit"]

# FOCUS ProviderName values of the clouds, as genai-prices provider ids (pricing.identity knows the
# API vendors' names but not the billing names of the clouds).
CLOUD_PROVIDERS: dict[str, str] = {
    "microsoft": "azure",
    "microsoft azure": "azure",
    "aws": "aws",
    "amazon web services": "aws",
    "amazon": "aws",
    "google cloud": "google",
    "google cloud platform": "google",
    "gcp": "google",
}
_PROVIDER = ("providername", "serviceprovidername")
_COST = ("effectivecost", "billedcost")
_AI_CATEGORY = "ai and machine learning"
_GENERATIVE = "generative ai"

# The words of a meter that say which tokens a charge is for. Azure abbreviates freely (Inp, Outp, cchd).
_INPUT = frozenset(["inp", "inpt", "input", "inputs", "prompt"])
_OUTPUT = frozenset(["outp", "outpt", "output", "outputs", "completion", "completions", "generated"])
_CACHE = frozenset(["cache", "cached", "caching", "cchd", "cch"])
_WRITE = frozenset(["write", "writes", "creation", "create"])
_READ = frozenset(["read", "reads", "hit", "hits"])
# A charge for keeping a cache, or for time: its quantity is not tokens of one direction.
_NOT_TOKENS = frozenset(["storage", "hour", "hours", "hr", "hrs", "ptu", "provisioned"])
_ONE_HOUR = re.compile(r"\b1\s*(?:h|hr|hour)\b")
_FIVE_MINUTES = re.compile(r"\b5\s*(?:m|min|minutes?)\b")
_METER_WORDS = re.compile(r"[a-z0-9]+")
_TOKEN_UNIT = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*([km]?)\s+)?tokens?\s*$", re.IGNORECASE)
_SCALES = {"": 1, "k": 1_000, "m": 1_000_000}


@lru_cache(maxsize=4096)
def direction(meter: str | None) -> str | None:
    """Which tokens a charge's meter is for — ``input``, ``cache_read``, ``cache_write``, ``cache_write_5m``,
    ``cache_write_1h`` or ``output`` — or None when it names none, or more than one.

    >>> direction("gpt-4o-0806-Inp-glbl Tokens"), direction("gpt 4.1 mini cached Inp glbl")
    ('input', 'cache_read')
    >>> direction("Claude 3.5 Haiku Output Tokens"), direction("Claude Sonnet 4 Cache Write 1h Input Tokens")
    ('output', 'cache_write_1h')
    >>> direction("Gemini 2.5 Flash Input Text Caching Storage") is None
    True
    """
    if not meter:
        return None
    lowered = meter.lower()
    words = set(_METER_WORDS.findall(lowered))
    if words & _NOT_TOKENS:
        return None
    cache, writes, reads = bool(words & _CACHE), bool(words & _WRITE), bool(words & _READ)
    inputs, outputs = bool(words & _INPUT), bool(words & _OUTPUT)
    if outputs:
        return None if inputs or cache else "output"
    if cache and writes and not reads:
        if _ONE_HOUR.search(lowered):
            return "cache_write_1h"
        return "cache_write_5m" if _FIVE_MINUTES.search(lowered) else "cache_write"
    if cache and (reads or inputs) and not writes:
        # "Caching" on its own (Vertex's "Input Text Caching") does not say read or write.
        return "cache_read" if reads or words & {"cached", "cchd", "cch"} else None
    if inputs and not cache:
        return "input"
    return None


def token_unit(unit: str | None) -> int | None:
    """How many tokens one unit of a FOCUS unit is (``Tokens`` → 1, ``1000000 Tokens`` → 1,000,000, ``1K Tokens``
    → 1,000); None for a unit that is not tokens.

    >>> token_unit("Tokens"), token_unit("1000000 Tokens"), token_unit("1K Tokens"), token_unit("Hours")
    (1, 1000000, 1000, None)
    """
    match = _TOKEN_UNIT.match(unit or "")
    if match is None:
        return None
    size = float(match.group(1) or 1) * _SCALES[(match.group(2) or "").lower()]
    return int(size) if size.is_integer() and size > 0 else None


def focus_provider(name: str) -> str:
    """A FOCUS ``ProviderName`` as a genai-prices provider id.

    >>> focus_provider("Microsoft"), focus_provider("Google Cloud"), focus_provider("Anthropic")
    ('azure', 'google', 'anthropic')
    """
    return CLOUD_PROVIDERS.get(name.strip().lower()) or provider_id(name)


def _sniff(peek: Peek) -> bool:
    header = set(peek.csv_header)
    return peek.has_columns("billedcost", "chargeperiodstart", "servicecategory") and bool(header & set(_PROVIDER))


def _column(frame: pd.DataFrame, *names: str) -> pd.Series:
    for name in names:
        if name in frame.columns:
            return frame[name]
    return pd.Series("", index=frame.index, dtype=object)


def _either(first: pd.Series, second: pd.Series) -> pd.Series:
    return first.where(first.notna(), second)


def _tokens(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each row's token count — ``ConsumedQuantity`` in a token ``ConsumedUnit``, else ``PricingQuantity`` in a
    token ``PricingUnit`` — (missing where neither is in tokens), and why a quantity cannot be read."""
    consumed = parse_numbers(_column(frame, "consumedquantity"), "ConsumedQuantity")
    priced = parse_numbers(_column(frame, "pricingquantity"), "PricingQuantity")
    consumed_unit = map_distinct(text(_column(frame, "consumedunit")), token_unit).astype("float64")
    pricing_unit = map_distinct(text(_column(frame, "pricingunit")), token_unit).astype("float64")
    by_consumed = consumed.values * consumed_unit
    tokens = by_consumed.where(by_consumed.notna(), priced.values * pricing_unit)
    reasons = first_reason(
        consumed.reasons.where(consumed_unit.notna(), None), priced.reasons.where(pricing_unit.notna(), None)
    )
    # A PricingQuantity in millions of tokens (5.885033) is a whole number of tokens once scaled; the float
    # product may miss it by a hair.
    with np.errstate(invalid="ignore"):
        rounded = tokens.round()
    with np.errstate(invalid="ignore"):
        # Scaled, a quantity can pass any count a row may hold, or infinity: rejected as the counts are.
        bad = (
            (tokens < 0)
            | (tokens.abs() > MAX_COUNT)
            | ((tokens - rounded).abs() > 1e-6 * np.maximum(1.0, tokens.abs()))
        )
    bad = bad.fillna(False).astype(bool)
    reasons = first_reason(
        reasons,
        pd.Series(None, index=frame.index, dtype=object).mask(
            bad, "token quantity is negative, not a whole number or impossibly large"
        ),
    )
    return rounded.mask(bad), reasons


def _token_measures(tokens: pd.Series, way: pd.Series) -> dict[str, pd.Series]:
    """The canonical measures of token charge rows: each row's tokens are the part ``way`` names, every other
    part 0 (its own charge row holds it); measures of rows without a direction stay unknown."""
    known = tokens.notna() & way.notna()
    zero = pd.Series(np.where(known, 0.0, np.nan), index=tokens.index)

    def part(*ways: str) -> pd.Series:
        return tokens.where(way.isin(ways), zero)

    writes = ("cache_write", "cache_write_5m", "cache_write_1h")
    one_hour = tokens.where(way == "cache_write_1h", zero).mask(way == "cache_write", np.nan)
    return {
        "input_tokens": part("input", "cache_read", *writes),
        "cache_read_tokens": part("cache_read"),
        "cache_write_tokens": part(*writes),
        "cache_write_1h_tokens": one_hour,
        "output_tokens": part("output"),
        # Not split by any meter: the reasoning part of output is unknown (of no output, 0: make_records).
        "reasoning_tokens": pd.Series(np.nan, index=tokens.index),
    }


def focus_records(frame: pd.DataFrame) -> pd.DataFrame:
    """Records from a FOCUS chunk (lower-cased header, text cells)."""
    time = parse_timestamps(_column(frame, "chargeperiodstart"), "ChargePeriodStart")
    effective = text(_column(frame, "effectivecost"))
    cost = parse_money(_either(effective, text(_column(frame, "billedcost"))), "EffectiveCost")
    currency = text(_column(frame, "billingcurrency")).str.upper()
    category = text(_column(frame, "servicecategory"))
    subcategory = text(_column(frame, "servicesubcategory"))
    charge = text(_column(frame, "chargecategory"))
    meter = _either(text(_column(frame, "skumeter")), text(_column(frame, "chargedescription")))
    named = meter.map(model_named, na_action="ignore")
    label = _either(meter, text(_column(frame, "servicename"))).fillna("no SKU meter")
    providers = _either(text(_column(frame, "providername")), text(_column(frame, "serviceprovidername")))
    is_ai = (category.str.lower() == _AI_CATEGORY) | (subcategory.str.lower() == _GENERATIVE)
    nothing = pd.Series(None, index=frame.index, dtype=object)
    skipped = nothing.mask(
        ~is_ai.fillna(False).astype(bool), "not AI: " + category.fillna("no ServiceCategory").astype(str)
    ).mask(charge.notna() & (charge.str.lower() != "usage"), "not usage: " + charge.astype(str))
    no_cost = nothing.mask(cost.values.isna() & cost.reasons.isna(), "EffectiveCost and BilledCost are missing")
    wrong_currency = not_usd(currency, required=True)
    tokens, token_reasons = _tokens(frame)
    way = map_distinct(meter, direction)
    batch = map_distinct(meter, lambda m: True if "batch" in _METER_WORDS.findall(m.lower()) else None)
    return make_records(
        frame.index,
        timestamp=time.values,
        provider=providers.map(focus_provider, na_action="ignore"),
        host=_either(text(_column(frame, "resourcename")), text(_column(frame, "regionid"))),
        model=named.where(named.notna(), "unattributed (" + label.astype(str) + ")"),
        project=_either(text(_column(frame, "subaccountname")), text(_column(frame, "subaccountid"))),
        feature=_column(frame, "tags").map(tags_feature),
        batch=batch.astype("boolean"),
        **_token_measures(tokens, way),
        reported_cost_usd=cost.values,
        skipped=skipped,
        # A quantity matters only where it is read as tokens of one direction.
        reason=first_reason(time.reasons, cost.reasons, no_cost, wrong_currency, token_reasons.where(way.notna())),
    )


def _read(source: Source) -> Iterator[Batch]:
    required = (("chargeperiodstart",), _COST, _PROVIDER, ("servicecategory",))
    yield from csv_batches(source, focus_records, required=required)


FORMAT = Format("focus_csv", "FinOps FOCUS 1.0–1.2 cost and usage export (CSV)", _sniff, _read)
