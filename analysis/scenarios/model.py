"""What a scenario is: moves of workloads to targets over time, their one-time costs, and the assumptions the
business case rests on — as dataclasses, and as the JSON a file, the ledger and ``exitplan scenario`` use.

The JSON (``exitplan scenario template`` prints one)::

    {
      "name": "Chat off gpt-4o",
      "horizon_months": 24,                      # 12, 24 or 36
      "assumptions": {
        "growth": "forecast",                    # or a monthly rate, e.g. 0.03
        "growth_damping": 0.9,                   # how much of the forecast's trend carries into each next month
        "price_change_per_year": {"openai": -0.1, "*": 0.0},   # by host; "*" for every other host
        "discount_rate": 0.1,                    # a year
        "day_rate_usd": 1000                     # what an engineering day costs
      },
      "moves": [
        {"workload": "Support chat · gpt-4o", "host": "deepinfra", "model": "openai/gpt-oss-120b",
         "share": 1.0,                           # of the workload's traffic, 0–1
         "start_month": 2, "ramp_months": 3,     # month 1 is the month after the ledger's last day
         "split": {"host": "deepinfra", "model": "openai/gpt-oss-20b", "share": 0.3},   # optional: a router sends
                                                 # this share of the moved traffic to a second, cheaper model
         "engineering_days": 10,                 # optional: else a default by task and criticality
         "evaluation_usd": 500,                  # optional
         "dual_running_months": 1}               # optional: months both models serve the moved traffic
      ],
      "stays": {"Ticket triage · gpt-4o-mini": "no candidate saves money"},   # optional: why a suggested plan
                                                 # leaves a workload where it is
      "unmet": ["openai keeps 62% of the spend"]  # optional: constraints a suggested plan could not meet
    }

A workload that is not moved stays where it is — unless its model retires within the horizon: then the
baseline and the scenario alike move it to its host's named successor on the shutdown date (a forced move).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from db.errors import InvalidInput

__all__ = [
    "HORIZONS",
    "Assumptions",
    "Move",
    "Scenario",
    "Split",
    "scenario_from_dict",
    "scenario_from_json",
    "scenario_to_dict",
]

HORIZONS = (12, 24, 36)
DEFAULT_DISCOUNT_RATE = 0.10
DEFAULT_DAY_RATE_USD = 1000.0
# Within the 0.8–0.98 that forecasting practice uses for damped trends (Hyndman & Athanasopoulos, Forecasting:
# Principles and Practice, 3rd ed., §8.2): the fitted trend fades over about a year.
DEFAULT_GROWTH_DAMPING = 0.9


@dataclass(frozen=True)
class Split:
    """A router's second target: ``share`` of the moved traffic goes to it (a cheap model for easy prompts)."""

    host: str
    model: str
    share: float


@dataclass(frozen=True)
class Move:
    """A workload's traffic (``share`` of it) moved to a target, from ``start_month`` over ``ramp_months``."""

    workload: str
    host: str
    model: str
    share: float = 1.0
    start_month: int = 1
    ramp_months: int = 1
    split: Split | None = None
    engineering_days: float | None = None
    evaluation_usd: float | None = None
    dual_running_months: float = 0.0
    reason: str | None = None  # why, when a suggested plan made it


@dataclass(frozen=True)
class Assumptions:
    """``growth`` is "forecast" or a monthly rate; price changes are yearly, by host ("*": the rest).

    ``growth_damping`` (φ) damps the forecast's trend: month m grows by φ + φ² + … + φ^m months' worth of it
    (a damped trend, Gardner & McKenzie 1985), so a 90-day trend is not compounded for three years; at the
    default 0.9 the trend adds at most nine months' growth. 1 compounds it undamped. A fixed rate is the
    user's own and is never damped.
    """

    growth: str | float = "forecast"
    growth_damping: float = DEFAULT_GROWTH_DAMPING
    price_change_per_year: Mapping[str, float] = field(default_factory=dict)
    discount_rate: float = DEFAULT_DISCOUNT_RATE
    day_rate_usd: float = DEFAULT_DAY_RATE_USD

    def growth_months(self, month: int) -> float:
        """How many months' worth of growth month ``month`` has: ``month`` for a fixed rate, the damped sum
        φ + … + φ^month for the forecast.

        >>> Assumptions(growth=0.02).growth_months(12), round(Assumptions().growth_months(12), 3)
        (12, 6.458)
        """
        phi = self.growth_damping
        if self.growth != "forecast" or phi >= 1.0:
            return month
        return phi * (1.0 - phi**month) / (1.0 - phi)

    def price_change(self, host: str) -> float:
        return float(self.price_change_per_year.get(host, self.price_change_per_year.get("*", 0.0)))


@dataclass(frozen=True)
class Scenario:
    """Moves over a horizon under assumptions. A suggested plan also keeps why it leaves each other workload
    where it is (``stays``) and the constraints it could not meet (``unmet``), so a kept plan still says so."""

    name: str
    moves: tuple[Move, ...] = ()
    horizon_months: int = 24
    assumptions: Assumptions = field(default_factory=Assumptions)
    stays: Mapping[str, str] = field(default_factory=dict)
    unmet: tuple[str, ...] = ()


def scenario_to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as its JSON has it (optional fields left out when not set)."""
    moves = []
    for move in scenario.moves:
        item = {k: v for k, v in asdict(move).items() if v is not None}
        if move.dual_running_months == 0:
            item.pop("dual_running_months")
        moves.append(item)
    assumptions = asdict(scenario.assumptions)
    assumptions["price_change_per_year"] = dict(scenario.assumptions.price_change_per_year)
    data: dict[str, Any] = {
        "name": scenario.name,
        "horizon_months": scenario.horizon_months,
        "assumptions": assumptions,
        "moves": moves,
    }
    if scenario.stays:
        data["stays"] = dict(scenario.stays)
    if scenario.unmet:
        data["unmet"] = list(scenario.unmet)
    return data


def _number(value: object, where: str, *, low: float | None = None, high: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(float(value)):
        raise InvalidInput(f"{where} must be a number, not {value!r}")
    number = float(value)
    if (low is not None and number < low) or (high is not None and number > high):
        bounds = f"between {low:g} and {high:g}" if low is not None and high is not None else f"at least {low:g}"
        raise InvalidInput(f"{where} must be {bounds}, not {number:g}")
    return number


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where} must be a name, not {value!r}")
    return value.strip()


def _whole(value: object, where: str, low: int) -> int:
    number = _number(value, where, low=low)
    if number != int(number):
        raise InvalidInput(f"{where} must be a whole number of months, not {number:g}")
    return int(number)


def _move(item: object, where: str, horizon: int) -> Move:
    if not isinstance(item, Mapping):
        raise InvalidInput(f"{where} must be an object with workload, host and model")
    known = {f for f in Move.__dataclass_fields__}
    if unknown := sorted(set(item) - known):
        raise InvalidInput(f"{where}: unknown field {', '.join(map(repr, unknown))}")
    split = item.get("split")
    parsed_split = None
    if split is not None:
        if not isinstance(split, Mapping):
            raise InvalidInput(f"{where}.split must be an object with host, model and share")
        parsed_split = Split(
            _text(split.get("host"), f"{where}.split.host"),
            _text(split.get("model"), f"{where}.split.model"),
            _number(split.get("share"), f"{where}.split.share", low=0, high=1),
        )
    start = _whole(item.get("start_month", 1), f"{where}.start_month", 1)
    if start > horizon:
        raise InvalidInput(f"{where}.start_month {start} is after the {horizon}-month horizon")
    optional = {
        name: _number(item[name], f"{where}.{name}", low=0) if item.get(name) is not None else None
        for name in ("engineering_days", "evaluation_usd")
    }
    return Move(
        workload=_text(item.get("workload"), f"{where}.workload"),
        host=_text(item.get("host"), f"{where}.host"),
        model=_text(item.get("model"), f"{where}.model"),
        share=_number(item.get("share", 1.0), f"{where}.share", low=0, high=1),
        start_month=start,
        ramp_months=_whole(item.get("ramp_months", 1), f"{where}.ramp_months", 1),
        split=parsed_split,
        engineering_days=optional["engineering_days"],
        evaluation_usd=optional["evaluation_usd"],
        dual_running_months=_number(item.get("dual_running_months", 0), f"{where}.dual_running_months", low=0),
        reason=item["reason"] if isinstance(item.get("reason"), str) else None,
    )


def scenario_from_dict(data: object) -> Scenario:
    """A scenario from its JSON object; :class:`InvalidInput` naming the field for anything wrong."""
    if not isinstance(data, Mapping):
        raise InvalidInput("a scenario is a JSON object with a name, a horizon, assumptions and moves")
    if unknown := sorted(set(data) - {"name", "horizon_months", "assumptions", "moves", "stays", "unmet"}):
        raise InvalidInput(
            f"unknown field {', '.join(map(repr, unknown))}: a scenario has name, horizon_months, assumptions and "
            "moves (and, when suggested, stays and unmet)"
        )
    horizon = _whole(data.get("horizon_months", 24), "horizon_months", 1)
    if horizon not in HORIZONS:
        raise InvalidInput(f"horizon_months must be one of {', '.join(map(str, HORIZONS))}, not {horizon}")
    raw = data.get("assumptions") or {}
    if not isinstance(raw, Mapping):
        raise InvalidInput("assumptions must be an object")
    if unknown := sorted(set(raw) - set(Assumptions.__dataclass_fields__)):
        raise InvalidInput(f"assumptions: unknown field {', '.join(map(repr, unknown))}")
    growth = raw.get("growth", "forecast")
    if growth != "forecast":
        growth = _number(growth, "assumptions.growth", low=-0.5, high=1.0)
    prices = raw.get("price_change_per_year") or {}
    if not isinstance(prices, Mapping):
        raise InvalidInput("assumptions.price_change_per_year must be an object of host → yearly change")
    assumptions = Assumptions(
        growth=growth,
        price_change_per_year={
            str(k): _number(v, f"assumptions.price_change_per_year.{k}", low=-1, high=5) for k, v in prices.items()
        },
        growth_damping=_number(
            raw.get("growth_damping", DEFAULT_GROWTH_DAMPING), "assumptions.growth_damping", low=0.5, high=1
        ),
        discount_rate=_number(raw.get("discount_rate", DEFAULT_DISCOUNT_RATE), "assumptions.discount_rate", low=0),
        day_rate_usd=_number(raw.get("day_rate_usd", DEFAULT_DAY_RATE_USD), "assumptions.day_rate_usd", low=0),
    )
    moves = data.get("moves") or []
    if not isinstance(moves, list):
        raise InvalidInput("moves must be a list")
    parsed = tuple(_move(item, f"moves[{i}]", horizon) for i, item in enumerate(moves))
    names = [m.workload for m in parsed]
    if duplicated := sorted({n for n in names if names.count(n) > 1}):
        raise InvalidInput(f"a workload moves once per scenario: {', '.join(duplicated)} moves twice")
    stays = data.get("stays") or {}
    if not isinstance(stays, Mapping) or not all(isinstance(v, str) for v in stays.values()):
        raise InvalidInput("stays must be an object of workload → why it stays")
    unmet = data.get("unmet") or []
    if not isinstance(unmet, list) or not all(isinstance(line, str) for line in unmet):
        raise InvalidInput("unmet must be a list of sentences")
    return Scenario(
        _text(data.get("name", ""), "name"),
        parsed,
        horizon,
        assumptions,
        {str(name): why for name, why in stays.items()},
        tuple(unmet),
    )


def scenario_from_json(text: str | bytes) -> Scenario:
    """A scenario from JSON text; :class:`InvalidInput` for text that is not JSON or not a scenario."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"not JSON: {exc}") from None
    return scenario_from_dict(data)
