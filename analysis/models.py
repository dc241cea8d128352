"""What the Models page shows: the catalog of models on every host, the user's own models with their
deprecation dates, and the ids exitplan could not place, for the user to map."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from analysis.assumptions import WINDOW_DAYS
from db.model_aliases import save_alias
from db.price_overrides import PriceOverride
from db.usage import read_usage, usage_span
from pricing.book import PriceBook
from pricing.identity import author_of, family_of, identify
from pricing.lifecycle import lifecycles

__all__ = [
    "DEFAULT_INPUT_SHARE",
    "RETIRING_WITHIN_DAYS",
    "Mix",
    "blended_price",
    "catalog_at_mix",
    "deprecation_calendar",
    "filter_catalog",
    "flag_retiring",
    "input_share",
    "ledger_models",
    "map_model",
    "model_catalog",
    "models_at",
    "override_problems",
    "price_steps",
    "unresolved_models",
    "usage_mix",
]

# A chat workload's typical mix when the ledger has none of its own: prompts are longer than answers.
DEFAULT_INPUT_SHARE = 0.75
# Six months is about what a team needs to test and move to a successor.
RETIRING_WITHIN_DAYS = 180


def blended_price(input_mtok: pd.Series, output_mtok: pd.Series, input_share: float) -> pd.Series:
    """USD per million tokens at a mix of ``input_share`` input tokens to ``1 - input_share`` output.

    >>> blended_price(pd.Series([2.5]), pd.Series([10.0]), 0.75).tolist()
    [4.375]
    """
    return input_mtok * input_share + output_mtok * (1 - input_share)


def model_catalog(book: PriceBook) -> pd.DataFrame:
    """Every chat and embedding model on every host the newest registries list, one row per (source,
    provider, model), with its family, author, open-weights flag, prices, capabilities and lifecycle."""
    frames = [book.latest(source) for source in ("litellm", "openrouter")]
    frame = pd.concat([f for f in frames if f is not None and not f.empty], ignore_index=True)
    frame["family"] = frame["model"].map(family_of)
    # The name's maker where it says one (OpenRouter writes "meta-llama", "mistralai" as authors).
    named = frame["family"].map(author_of)
    frame["author"] = named.where(named.notna(), frame["author"])
    identities = [identify(p, m) for p, m in zip(frame["provider"], frame["model"], strict=True)]
    known_open = pd.Series([who.open_weights for who in identities], index=frame.index, dtype="boolean")
    frame["open_weights"] = frame["open_weights"].fillna(known_open)
    return frame


def ledger_models(engine: Engine, since: date | None = None, *, keep_unknown: bool = False) -> pd.DataFrame:
    """The (provider, model) pairs in the ledger with their canonical model and volumes. ``keep_unknown`` keeps a
    count no source of the model reports missing (for display) instead of 0 (for the calculations here)."""
    frame = read_usage(engine, ["provider", "model", "canonical_model"], since=since, keep_unknown=keep_unknown)
    frame["tokens"] = frame["input_tokens"] + frame["output_tokens"]
    return frame[["provider", "model", "canonical_model", "requests", "input_tokens", "output_tokens", "tokens"]]


def deprecation_calendar(engine: Engine, book: PriceBook, today: date | None = None) -> pd.DataFrame:
    """The user's models with a known deprecation or shutdown date at their host, soonest first, with the
    successor the registry names and the days left."""
    today = today or datetime.now(UTC).date()
    models = ledger_models(engine)
    models = models[models["tokens"] > 0]
    if models.empty:
        return models.assign(deprecation_date=None, successor=None, days_left=None)
    frame = lifecycles(book, models)
    frame = frame[frame["deprecation_date"].notna()].copy()
    frame["days_left"] = [(d - today).days for d in frame["deprecation_date"]]
    columns = ["provider", "model", "deprecation_date", "days_left", "successor", "deprecation_source", "tokens"]
    return frame.sort_values("deprecation_date")[columns].reset_index(drop=True)


def unresolved_models(engine: Engine) -> pd.DataFrame:
    """Model ids with usage that exitplan could not place (no canonical model), largest first."""
    models = ledger_models(engine)
    unresolved = models[models["canonical_model"].isna() & (models["tokens"] > 0)]
    return unresolved.sort_values("tokens", ascending=False).reset_index(drop=True)


def map_model(engine: Engine, provider: str, model: str, target_provider: str, target_model: str) -> str | None:
    """Record that ``model`` at ``provider`` is ``target_model`` at ``target_provider``, and relabel the
    ledger; returns the canonical model it now counts as."""
    canonical = identify(target_provider, target_model).family or family_of(target_model)
    save_alias(engine, provider, model, target_provider, target_model, canonical)
    return canonical


@dataclass(frozen=True)
class Mix:
    """The input share that blended prices are computed at, and where it comes from: the ledger's usage
    from ``window_start`` to ``window_end``, or the default when there is none (``measured`` False)."""

    input_share: float
    measured: bool
    window_start: date | None = None
    window_end: date | None = None

    @property
    def output_share(self) -> float:
        return 1 - self.input_share


def input_share(models: pd.DataFrame) -> float | None:
    """Share of input in the tokens of ``models`` (rows of :func:`ledger_models`), None without tokens.

    Models with no output (embeddings, moderation) are left out: they would pull the mix towards input,
    and a blended price is for models that answer.

    >>> input_share(pd.DataFrame({"input_tokens": [800, 5000], "output_tokens": [200, 0]}))
    0.8
    """
    answering = models[models["output_tokens"] > 0]
    total = float(answering["input_tokens"].sum() + answering["output_tokens"].sum())
    return float(answering["input_tokens"].sum()) / total if total > 0 else None


def usage_mix(engine: Engine, days: int = WINDOW_DAYS) -> Mix:
    """The ledger's input share over the ``days`` that end on its last day with usage (as the Overview's
    KPIs), else :data:`DEFAULT_INPUT_SHARE`."""
    span = usage_span(engine)
    if span is None:
        return Mix(DEFAULT_INPUT_SHARE, measured=False)
    start = max(span[0], span[1] - timedelta(days=days - 1))
    share = input_share(ledger_models(engine, since=start))
    if share is None:
        return Mix(DEFAULT_INPUT_SHARE, measured=False)
    return Mix(share, measured=True, window_start=start, window_end=span[1])


def filter_catalog(
    catalog: pd.DataFrame,
    *,
    authors: Iterable[str] = (),
    providers: Iterable[str] = (),
    capabilities: Iterable[str] = (),
    min_context: int | None = None,
    open_weights_only: bool = False,
    search: str = "",
) -> pd.DataFrame:
    """The rows of :func:`model_catalog` that pass every filter given. Empty filters keep everything; a
    row must have all ``capabilities``; an unknown context window or capability does not pass; ``search``
    matches the model id, family or author, ignoring case."""
    keep = pd.Series(True, index=catalog.index)
    if authors := list(authors):
        keep &= catalog["author"].isin(authors)
    if providers := list(providers):
        keep &= catalog["provider"].isin(providers)
    for name in capabilities:
        keep &= catalog[name].fillna(False).astype(bool)
    if min_context:
        keep &= catalog["context_window"].fillna(0) >= min_context
    if open_weights_only:
        keep &= catalog["open_weights"].fillna(False).astype(bool)
    if text := search.strip().lower():
        haystack = catalog["model"].fillna("") + " " + catalog["family"].fillna("") + " " + catalog["author"].fillna("")
        keep &= haystack.str.lower().str.contains(text, regex=False)
    return catalog[keep].reset_index(drop=True)


def catalog_at_mix(catalog: pd.DataFrame, mix: Mix, **filters: Any) -> pd.DataFrame:
    """The rows of :func:`model_catalog` that pass ``filters`` (the keyword arguments of
    :func:`filter_catalog`), each with ``blended_mtok``: its price per million tokens at ``mix``.

    >>> catalog = pd.DataFrame({"provider": ["openai", "aws"], "input_mtok": [2.5, 3.0], "output_mtok": [10.0, 15.0]})
    >>> catalog_at_mix(catalog, Mix(0.75, measured=False), providers=["openai"])["blended_mtok"].tolist()
    [4.375]
    """
    shown = filter_catalog(catalog, **filters)
    return shown.assign(blended_mtok=blended_price(shown["input_mtok"], shown["output_mtok"], mix.input_share))


def models_at(catalog: pd.DataFrame, provider: str) -> list[str]:
    """The distinct model ids the catalog lists at ``provider``, sorted (a host can list one id twice, e.g.
    Azure OpenAI and Azure AI Foundry)."""
    return sorted(set(catalog.loc[catalog["provider"] == provider, "model"].dropna()))


def flag_retiring(calendar: pd.DataFrame, within_days: int = RETIRING_WITHIN_DAYS) -> pd.DataFrame:
    """:func:`deprecation_calendar` with ``retiring_soon``: retired already, or within ``within_days``."""
    return calendar.assign(retiring_soon=calendar["days_left"].astype("float64") <= within_days)


def price_steps(history: pd.DataFrame, today: date) -> pd.DataFrame:
    """:func:`pricing.comparison.price_history` as steps to draw: one row per source, day and ``price``
    ("input" or "output") with ``usd_mtok``. A price with no start date (genai-prices' current price of a
    model it has no history of) is placed at the earliest dated price, and each source's last price is
    carried to ``today`` so the step reaches the present."""
    columns = ["source", "as_of", "price", "usd_mtok"]
    if history.empty:
        return pd.DataFrame(columns=columns)
    frame = history.copy()
    dated = frame["as_of"].dropna()
    frame["as_of"] = frame["as_of"].where(frame["as_of"].notna(), min(dated, default=today))
    last = frame.sort_values("as_of", kind="stable").groupby("source").tail(1)
    frame = pd.concat([frame, last[last["as_of"] < today].assign(as_of=today)], ignore_index=True)
    long = frame.melt(
        id_vars=["source", "as_of"], value_vars=["input_mtok", "output_mtok"], var_name="price", value_name="usd_mtok"
    )
    long["price"] = long["price"].str.removesuffix("_mtok")
    long["as_of"] = pd.to_datetime(long["as_of"])
    return long.dropna(subset=["usd_mtok"]).sort_values(["source", "price", "as_of"])[columns].reset_index(drop=True)


def override_problems(override: PriceOverride) -> list[str]:
    """What stops ``override`` from being saved, in the user's words; empty when it can be.

    >>> override_problems(PriceOverride("openai", discount_pct=120, input_mtok=-1))
    ['The discount must be above 0% and below 100%.', 'Prices cannot be negative.']
    """
    prices = (override.input_mtok, override.cache_read_mtok, override.cache_write_mtok, override.output_mtok)
    problems = []
    if not override.provider.strip():
        problems.append("Say which provider the price is for.")
    if override.discount_pct is None and all(p is None for p in prices):
        problems.append("Give a discount or at least one price.")
    if override.discount_pct is not None and not 0 < override.discount_pct < 100:
        problems.append("The discount must be above 0% and below 100%.")
    if any(p is not None and p < 0 for p in prices):
        problems.append("Prices cannot be negative.")
    return problems
