"""``exitplan prices …`` and ``exitplan cost``: the price book from the command line."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Annotated

import typer
from rich.table import Table

from analysis.models import override_problems
from app.cli_common import (
    MAX_TOKENS,
    DbOption,
    JsonOption,
    day_option,
    err,
    fail,
    id_option,
    out,
    price_option,
    tokens_option,
    usd,
)
from collectors.prices import refresh_prices
from db import open_ledger
from db.price_overrides import PriceOverride, add_override, delete_override, list_overrides
from pricing.batch_policy import Ratio, batch_policies
from pricing.comparison import DISAGREEMENT, disagreements, prices_of, registry_prices
from pricing.identity import provider_id
from pricing.quote import quote
from pricing.sources import load_book
from pricing.tiers import SERVICE_TIERS, billed_tier

__all__ = ["cost", "prices_app"]

prices_app = typer.Typer(
    help="The price book: refresh registries, compare sources, set your own prices.", no_args_is_help=True
)


def _today() -> date:
    return datetime.now(UTC).date()


def _json_default(value: object) -> object:
    return value.isoformat() if isinstance(value, (date, datetime)) else None


def _records(frame: object) -> list[dict[str, object]]:
    import pandas as pd

    assert isinstance(frame, pd.DataFrame)
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


@prices_app.command("refresh")
def prices_refresh(db: DbOption = None) -> None:
    """Fetch LiteLLM's registry and OpenRouter's model list (and, with OPENAI_API_KEY set, OpenAI's model
    list with its shutdown dates) and store them as dated snapshots."""
    key = os.environ.get("OPENAI_API_KEY", "").strip() or None
    results = refresh_prices(open_ledger(db), openai_key=key)
    if key is None:
        out.print("OpenAI /v1/models: skipped (set OPENAI_API_KEY to read OpenAI's shutdown dates).")
    for result in results:
        # A source that failed is an error, for stderr; the sources that worked are the command's output.
        (out if result.ok else err).print(result.message(), markup=False, highlight=False)
    if not any(result.ok for result in results):
        raise typer.Exit(2)


@prices_app.command("show")
def prices_show(
    model: Annotated[str, typer.Argument(help="A model id as it appears in usage data, e.g. gpt-4o-2024-08-06.")],
    provider: Annotated[str | None, typer.Option(help="Only this host (openai, azure, aws, …).")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Every source's price of a model (USD per million tokens), with its as-of date."""
    engine = open_ledger(db)
    book = load_book(engine)
    frame = prices_of(book, model, provider)
    overrides = [
        o
        for o in list_overrides(engine)
        if o.model in (None, model) and (provider is None or o.provider == provider_id(provider))
    ]
    if frame.empty and not overrides:
        raise fail(f"no source has a price for {model!r}" + (f" at {provider}" if provider else ""))
    if as_json:
        print(
            json.dumps({"prices": _records(frame), "overrides": [asdict(o) for o in overrides]}, default=_json_default)
        )
        return
    table = Table("source", "provider", "model", "as of", "input", "cached input", "output")
    for row in frame.itertuples():
        table.add_row(
            row.source,
            row.provider,
            row.model,
            str(row.as_of or "—"),
            usd(_num(row.input_mtok), "—"),
            usd(_num(row.cache_read_mtok), "—"),
            usd(_num(row.output_mtok), "—"),
        )
    out.print(table)
    for o in overrides:
        what = f"{o.discount_pct:g}% discount" if o.discount_pct else "your prices"
        out.print(f"Override {o.id}: {what} for {o.provider}/{o.model or 'all models'}")


def _num(value: object) -> float | None:
    return None if value is None or value != value else float(value)  # type: ignore[arg-type]


@prices_app.command("diff")
def prices_diff(
    threshold: Annotated[
        float, typer.Option(min=0.0, max=100.0, help="Smallest difference to list, as a share.")
    ] = DISAGREEMENT,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Models whose price differs between sources by more than 5% (or --threshold)."""
    frame = disagreements(registry_prices(load_book(open_ledger(db))), threshold)
    if as_json:
        print(json.dumps(_records(frame), default=_json_default))
        return
    table = Table("provider", "model", "sources", "input (low–high)", "output (low–high)", "spread")
    for row in frame.itertuples():
        table.add_row(
            row.provider,
            row.model,
            row.sources,
            f"{usd(row.input_low)}–{usd(row.input_high)}",
            f"{usd(row.output_low)}–{usd(row.output_high)}",
            f"{row.spread:.0%}",
        )
    out.print(table)
    out.print(f"{len(frame)} models where sources disagree by more than {threshold:.0%}.")


# The ratios a batch policy lists, in the order a bill reads.
_POLICY_PARTS = ("input_mtok", "cache_read_mtok", "cache_write_mtok", "cache_write_1h_mtok", "output_mtok")


def _ratio(ratio: Ratio, name: str) -> str:
    """A ratio as the policy table writes it: ``0.5``, or ``0.5 of input`` for another part's price."""
    return f"{ratio.factor:g}" if ratio.of == name else f"{ratio.factor:g} of {ratio.of.removesuffix('_mtok')}"


@prices_app.command("batch")
def prices_batch(as_json: JsonOption = False) -> None:
    """Each provider's published batch pricing: what a batch job costs where no source lists a batch price."""
    policies = sorted(batch_policies().values(), key=lambda policy: policy.provider)
    if as_json:
        rows = [
            {
                "provider": p.provider,
                "offer": p.offer,
                "ratios": {name: {"factor": r.factor, "of": r.of} for name, r in p.ratios.items()},
                "source": p.source,
                "as_of": p.as_of,
                "note": p.note,
            }
            for p in policies
        ]
        print(json.dumps(rows, default=_json_default))
        return
    table = Table("provider", "input", "cache read", "cache write", "1h write", "output", "as of", "source")
    for p in policies:
        ratios = [_ratio(p.ratios[name], name) if p.ratios else "—" for name in _POLICY_PARTS]
        table.add_row(p.provider, *ratios, str(p.as_of), p.source)
    out.print(table)
    for p in policies:
        if p.offer != "uniform":
            out.print(f"{p.provider}: {p.note}: batch usage is priced at the standard price.")


@prices_app.command("override")
def prices_override(
    provider: Annotated[str, typer.Option(help="The host the price applies to.")],
    model: Annotated[str | None, typer.Option(help="One model; omit for all of the provider's models.")] = None,
    discount_pct: Annotated[
        float | None, typer.Option(min=0.0, max=100.0, help="Your discount, e.g. 15 for 15% off.")
    ] = None,
    input_mtok: Annotated[float | None, price_option("Your input price, USD per million tokens.")] = None,
    cache_read_mtok: Annotated[float | None, price_option("Your cached-input price.")] = None,
    cache_write_mtok: Annotated[float | None, price_option("Your cache-write price.")] = None,
    output_mtok: Annotated[float | None, price_option("Your output price, USD per million tokens.")] = None,
    valid_from: Annotated[date | None, day_option("First day it applies (YYYY-MM-DD).")] = None,
    note: Annotated[str | None, typer.Option(help="Where the price comes from (a contract, a quote).")] = None,
    db: DbOption = None,
) -> None:
    """Set your own price or discount; it takes precedence over every registry."""
    override = PriceOverride(
        provider=provider_id(provider),
        model=model,
        discount_pct=discount_pct,
        input_mtok=input_mtok,
        cache_read_mtok=cache_read_mtok,
        cache_write_mtok=cache_write_mtok,
        output_mtok=output_mtok,
        valid_from=valid_from,
        note=note,
    )
    if problems := override_problems(override):
        raise fail(" ".join(problems))
    override_id = add_override(open_ledger(db), override)
    out.print(f"Override {override_id} saved.")


@prices_app.command("overrides")
def prices_overrides(
    delete: Annotated[int | None, id_option("Delete the override with this id.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List your price overrides (or delete one)."""
    engine = open_ledger(db)
    if delete is not None:
        if not delete_override(engine, delete):
            raise fail(f"no override {delete}")
        out.print(f"Override {delete} deleted.")
        return
    overrides = list_overrides(engine)
    if as_json:
        print(json.dumps([asdict(o) for o in overrides], default=_json_default))
        return
    for o in overrides:
        parts = [f"{o.discount_pct:g}% off"] if o.discount_pct else []
        parts += [
            f"{name} ${getattr(o, name):g}"
            for name in ("input_mtok", "cache_read_mtok", "cache_write_mtok", "output_mtok")
            if getattr(o, name) is not None
        ]
        since = f" from {o.valid_from}" if o.valid_from else ""
        out.print(
            f"{o.id}: {o.provider}/{o.model or '*'}: {', '.join(parts)}{since}" + (f" ({o.note})" if o.note else "")
        )


def cost(
    provider: Annotated[str, typer.Option(help="Host as a genai-prices id: openai, anthropic, google, aws, azure, …")],
    model: Annotated[str, typer.Option(help="Model id as it appears in usage data.")],
    day: Annotated[date | None, day_option("Day the usage ran (YYYY-MM-DD); default today.", "--date")] = None,
    input_tokens: Annotated[int, tokens_option("All input tokens, cache reads and writes included.")] = 0,
    cache_read_tokens: Annotated[int, tokens_option("The part of the input read from a cache.")] = 0,
    cache_write_tokens: Annotated[int, tokens_option("The part of the input written to a cache (all TTLs).")] = 0,
    cache_write_1h_tokens: Annotated[int, tokens_option("The part of the cache writes with a 1-hour TTL.")] = 0,
    output_tokens: Annotated[int, tokens_option("All output tokens, reasoning included.")] = 0,
    reasoning_tokens: Annotated[int, tokens_option("The part of the output spent on reasoning.")] = 0,
    requests: Annotated[
        int, typer.Option(min=1, max=MAX_TOKENS, help="Requests; each has a prompt of input/requests tokens.")
    ] = 1,
    service_tier: Annotated[
        str,
        typer.Option(
            help="standard, batch, flex or priority, or a vendor's word for one: default, auto and scale are "
            "billed as standard, fast and priority_on_demand as priority."
        ),
    ] = "standard",
    hour: Annotated[int | None, typer.Option(min=0, max=23, help="Hour of day (UTC), for time-of-day prices.")] = None,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """What a usage costs: one figure per part, with the price's source and as-of date."""
    billed = billed_tier(service_tier)
    if billed is None:
        raise fail(f"--service-tier must be one of {', '.join(t.spelling for t in SERVICE_TIERS)}")
    if cache_read_tokens + cache_write_tokens > input_tokens:
        raise fail("--input-tokens is all input: it must include the cache reads and writes")
    if cache_write_1h_tokens > cache_write_tokens or reasoning_tokens > output_tokens:
        raise fail("1-hour writes are part of --cache-write-tokens and reasoning part of --output-tokens")
    book = load_book(open_ledger(db))
    result = quote(
        provider_id(provider),
        model,
        day=day or _today(),
        input_tokens=input_tokens,
        cache_read_tokens=cache_read_tokens,
        cache_write_tokens=cache_write_tokens,
        cache_write_1h_tokens=cache_write_1h_tokens,
        output_tokens=output_tokens,
        reasoning_tokens=reasoning_tokens,
        requests=requests,
        service_tier=service_tier,
        hour=hour,
        book=book,
    )
    if result is None:
        raise fail(f"{provider}/{model}: unpriced (no source has a price for it; see `exitplan prices show`)")
    fields = {k: (round(v, 10) if isinstance(v, float) else v) for k, v in asdict(result).items()}
    fields["billed_tier"] = billed
    if as_json:
        print(json.dumps(fields, default=_json_default))
        return
    for name in ("input_usd", "cache_read_usd", "cache_write_usd", "output_usd", "requests_usd"):
        out.print(f"{name.removesuffix('_usd').replace('_', ' '):>12}  ${result.__dict__[name]:,.6f}")
    out.print(f"{'total':>12}  ${result.total_usd:,.6f}")
    out.print(f"price: {result.price_source}" + (f", as of {result.price_as_of}" if result.price_as_of else ""))
    if billed != service_tier:
        out.print(f"tier: {service_tier}, billed as {billed}")
    if result.price_note:
        out.print(f"note: {result.price_note}")
