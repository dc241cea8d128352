"""Service tiers: every vendor's spelling of a tier, and the tier it is billed as — the one place this is said.

A usage row keeps the tier as its source spelled it (OpenAI's ``default``, Anthropic's
``priority_on_demand``, Gemini's ``provisioned``); prices are looked up for the tier it is billed as, one of
:data:`TIERS`. ``exitplan cost --service-tier`` accepts every spelling here.

OpenAI's words (PRICING.md §5.5; openai-openapi ``ServiceTier``): ``default`` is its name for the standard
tier; ``auto`` defers to the project's setting, which is ``default`` unless the project has Scale Tier
(a usage export names the tier actually used where it can); ``scale`` is Scale Tier, capacity bought ahead
as daily token units whose "pricing reflects standard processing rates", with overflow billed at the
pay-as-you-go price (openai.com/api-scale-tier) — so its tokens are priced at the standard list price, and a
contract is entered as your own price (PRICING.md §5.10). ``fast`` is OpenAI's newer name for priority.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SERVICE_TIERS", "TIERS", "TierSpelling", "billed_tier", "tier_of"]

# The tiers prices are kept for.
TIERS: tuple[str, ...] = ("standard", "batch", "flex", "priority")


@dataclass(frozen=True)
class TierSpelling:
    """A vendor's name for a tier (``spelling``), the tier it is billed as, and who says so."""

    spelling: str
    billed_as: str
    why: str


SERVICE_TIERS: tuple[TierSpelling, ...] = (
    *(TierSpelling(tier, tier, "exitplan's own name") for tier in TIERS),
    TierSpelling("default", "standard", "OpenAI's name for the standard tier"),
    TierSpelling("auto", "standard", "OpenAI: the project's setting, default (standard) unless it has Scale Tier"),
    TierSpelling(
        "scale",
        "standard",
        "OpenAI Scale Tier: prepaid daily units priced at standard rates; enter the contract as your price",
    ),
    TierSpelling("fast", "priority", "OpenAI's newer name for priority"),
    TierSpelling("priority_on_demand", "priority", "Anthropic: priority usage beyond the commitment"),
    TierSpelling("flex_discount", "flex", "Anthropic's discounted flex tier"),
    TierSpelling("on_demand", "standard", "Google Vertex AI's traffic type for standard usage"),
    TierSpelling(
        "provisioned",
        "standard",
        "Google provisioned throughput: a commitment; tokens at the list price, the contract as your price",
    ),
)

_BILLED_AS = {tier.spelling: tier.billed_as for tier in SERVICE_TIERS}


def billed_tier(spelling: str | None) -> str | None:
    """The tier a vendor's spelling is billed as, or None when it is not a known spelling.

    >>> billed_tier("Default"), billed_tier("scale"), billed_tier("cheap")
    ('standard', 'standard', None)
    """
    return _BILLED_AS.get((spelling or "").strip().lower().replace("-", "_"))


def tier_of(service_tier: str | None, batch: bool | None) -> str:
    """The price tier of usage: batch, flex, priority or standard. The batch flag wins (a batch job's rows
    may name the tier of the project). A spelling not in :data:`SERVICE_TIERS` that starts with a tier's
    name (a vendor's new ``priority_…`` variant) is that tier; anything else is priced as standard.

    >>> tier_of("default", True), tier_of("priority_on_demand", None), tier_of(None, None)
    ('batch', 'priority', 'standard')
    """
    if batch:
        return "batch"
    known = billed_tier(service_tier)
    if known is not None:
        return known
    name = (service_tier or "").strip().lower()
    return next((tier for tier in TIERS if name.startswith(tier)), "standard")
