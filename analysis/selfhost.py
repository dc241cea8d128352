"""Self-hosting an open model: its $ per million tokens, monthly cost and break-even against an API.

PRICING.md §5.11: cost per 1M tokens ≈ GPU $/hour × GPUs per replica ÷ (sustained tokens/s per replica ×
utilisation × 3600 ÷ 1e6). Utilisation is the share of the replica's capacity that real traffic uses on
average (peaks, idle nights and headroom are why it is well below 1). The user enters every figure: GPU prices
move monthly (e.g. 8× H100 SXM at Lambda, $2.99/GPU-hour, SkyPilot catalog; H100 on-demand $2.50–5.00 across
clouds, May 2026) and throughput depends on the model, the serving stack and the prompt mix.

One deliberate addition to the formula: a replica cannot be rented by the token, so a month costs at least one
replica running all month (``HOURS_PER_MONTH``, 730.5 hours). Without that floor a small workload would look
almost free to self-host.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

from sqlalchemy import Engine

from analysis.assumptions import HOURS_PER_MONTH
from db.errors import InvalidInput
from db.self_hosted import delete_self_hosted_row, save_self_hosted_row, self_hosted_rows

__all__ = [
    "SelfHostedOption",
    "break_even_tokens",
    "delete_option",
    "list_options",
    "monthly_cost",
    "option_problems",
    "replica_monthly_usd",
    "save_option",
    "usd_per_mtok",
]


@dataclass(frozen=True)
class SelfHostedOption:
    """An open model on GPUs the user would rent or own: one replica's price, size and sustained speed."""

    name: str
    model: str
    gpu_type: str
    usd_per_gpu_hour: float
    gpus_per_replica: int
    tokens_per_second: float
    utilisation: float
    fixed_monthly_usd: float
    context_window: int | None = None
    id: int | None = None


def usd_per_mtok(option: SelfHostedOption) -> float:
    """USD per million tokens served at the option's utilisation.

    >>> round(usd_per_mtok(SelfHostedOption("a", "llama-3.3-70b", "H100", 2.99, 8, 2500, 0.6, 0)), 4)
    4.4296
    """
    replica_usd_per_hour = option.usd_per_gpu_hour * option.gpus_per_replica
    mtok_per_hour = option.tokens_per_second * option.utilisation * 3600 / 1e6
    return replica_usd_per_hour / mtok_per_hour


def replica_monthly_usd(option: SelfHostedOption) -> float:
    """What one replica costs when it runs all month: the least a self-hosted month can cost in GPUs."""
    return option.usd_per_gpu_hour * option.gpus_per_replica * HOURS_PER_MONTH


def monthly_cost(option: SelfHostedOption, tokens_per_month: float) -> float:
    """USD a month to serve ``tokens_per_month``: tokens at :func:`usd_per_mtok`, at least one replica all
    month, plus the fixed monthly cost (people, storage, egress, monitoring)."""
    gpus = max(tokens_per_month / 1e6 * usd_per_mtok(option), replica_monthly_usd(option))
    return gpus + option.fixed_monthly_usd


def break_even_tokens(option: SelfHostedOption, api_usd_per_mtok: float) -> float | None:
    """Monthly tokens above which self-hosting costs less than an API at ``api_usd_per_mtok``; None if never.

    Self-hosting costs max(T × s, R) + F against the API's T × a (T in Mtok, s its $/Mtok, R one replica-month,
    F fixed). The difference falls as T grows, so it crosses zero once: at (R + F) / a while the replica is
    not yet full, else at F / (a − s).
    """
    own = usd_per_mtok(option)
    if api_usd_per_mtok <= own:
        return None
    replica, fixed = replica_monthly_usd(option), option.fixed_monthly_usd
    full_at = replica / own  # Mtok a month at which one replica is used at the stated utilisation
    crossing = (replica + fixed) / api_usd_per_mtok
    if crossing > full_at:
        crossing = fixed / (api_usd_per_mtok - own)
    return crossing * 1e6


def option_problems(option: SelfHostedOption) -> list[str]:
    """What is wrong with an option, in words a user can act on; empty when it can be saved."""
    problems = [f"{label} is empty" for label, value in _texts(option) if not value.strip()]
    if not _positive(option.usd_per_gpu_hour):
        problems.append("GPU price per hour must be more than $0")
    if not (isinstance(option.gpus_per_replica, int) and option.gpus_per_replica >= 1):
        problems.append("GPUs per replica must be a whole number of 1 or more")
    if not _positive(option.tokens_per_second):
        problems.append("sustained tokens per second must be more than 0")
    if not (math.isfinite(option.utilisation) and 0 < option.utilisation <= 1):
        problems.append("utilisation must be a fraction above 0 and at most 1 (60% = 0.6)")
    if not (math.isfinite(option.fixed_monthly_usd) and option.fixed_monthly_usd >= 0):
        problems.append("fixed monthly cost must be $0 or more")
    if option.context_window is not None and option.context_window < 1:
        problems.append("context window must be at least 1 token, or left empty")
    return problems


def _texts(option: SelfHostedOption) -> list[tuple[str, str]]:
    return [("name", option.name), ("model", option.model), ("GPU type", option.gpu_type)]


def _positive(value: float) -> bool:
    return math.isfinite(value) and value > 0


def save_option(engine: Engine, option: SelfHostedOption) -> int:
    """Insert an option (``id`` None) or update the stored one with that id; returns its id.

    Raises InvalidInput listing :func:`option_problems` when the option is not valid.
    """
    if problems := option_problems(option):
        raise InvalidInput("; ".join(problems))
    values = {k: v for k, v in asdict(option).items() if k != "id"}
    return save_self_hosted_row(engine, values, option.id)


def list_options(engine: Engine) -> list[SelfHostedOption]:
    """Every stored option, oldest first."""
    frame = self_hosted_rows(engine)
    names = {f.name for f in fields(SelfHostedOption)}
    options = []
    for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        values = {k: v for k, v in row.items() if k in names}
        for name in ("gpus_per_replica", "context_window", "id"):
            if values.get(name) is not None:
                values[name] = int(values[name])
        options.append(SelfHostedOption(**values))
    return options


def delete_option(engine: Engine, option_id: int) -> bool:
    """Delete an option; False when there was none with that id."""
    return delete_self_hosted_row(engine, option_id)
