"""Models: the user's models and their retirement dates, the ids exitplan could not place, the catalog of
models on every host with prices at the user's own mix, price history, disagreeing sources, and the
user's own prices."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from analysis.models import RETIRING_WITHIN_DAYS, catalog_at_mix, map_model, models_at, price_steps
from app import cache
from app.components.catalog import catalog_filters, catalog_table, keep_filters, mix_caption
from app.components.charts import price_history_chart
from app.components.demo_data import offer_demo
from app.components.demo_notice import demo_notice
from app.components.display import count, highlight_rows
from app.components.escape import md
from app.components.model_mapping import mapping_target
from app.components.price_overrides import override_form, override_list
from db import default_url
from db.price_overrides import add_override, delete_override
from pricing.comparison import DISAGREEMENT

SECTIONS = ["Your models", "Unresolved ids", "Catalog explorer", "Price history", "Sources disagree", "Your prices"]
FILTERS = "models-filter"
MONEY = "$%.3f"
# A form per id is the clearest way to map a few; a gateway with hundreds of aliases gets them in turns.
MAPPING_FORMS = 20

st.title("Models")
url = default_url()
demo_notice()
keep_filters(FILTERS)
models = cache.models(url)
calendar = cache.calendar(url)
unresolved = cache.unresolved(url)
catalog = cache.catalog(url)

cols = st.columns(4)
cols[0].metric("Models in your ledger", len(models), border=True)
cols[1].metric(
    f"Retiring within {RETIRING_WITHIN_DAYS} days",
    len(calendar[calendar["retiring_soon"]]),
    help="Including models already past their date.",
    border=True,
)
cols[2].metric("Unresolved ids", len(unresolved), border=True)
cols[3].metric("Models in the catalog", f"{len(catalog):,}", border=True)

# One section at a time: tabs would compute and draw all six on every rerun.
section = st.segmented_control(
    "Section", SECTIONS, default=SECTIONS[0], key="models-section", label_visibility="collapsed"
)
section = section or SECTIONS[0]
if flash := st.session_state.pop("models-flash", None):
    st.success(md(flash))


def your_models() -> None:
    if models.empty:
        offer_demo("models-demo")
        return
    st.subheader("Deprecation calendar")
    st.caption(
        f"When each of your models is deprecated or shut down at its host, and what the host names as its "
        f"successor. Highlighted: already past, or within {RETIRING_WITHIN_DAYS} days. Dates are per host: "
        "Anthropic, Bedrock and Vertex retire the same Claude model on different days."
    )
    if calendar.empty:
        st.caption("No model in your ledger has a deprecation date at its host.")
    else:
        st.dataframe(
            highlight_rows(calendar, "retiring_soon"),
            hide_index=True,
            key="models-calendar",
            column_config={
                "provider": "Host",
                "model": "Model",
                "deprecation_date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
                "days_left": st.column_config.NumberColumn("Days left", help="Negative: the date has passed."),
                "successor": "Successor",
                "deprecation_source": st.column_config.LinkColumn("Source", display_text="notice ↗"),
                "tokens": st.column_config.NumberColumn("Tokens", format="compact"),
                "retiring_soon": None,
            },
            placeholder="—",
        )
    st.subheader("Models in your ledger")
    st.caption("A count shown as — is not in the source it came from (a cost report has no tokens), never 0.")
    st.dataframe(
        models,
        hide_index=True,
        key="models-ledger",
        column_config={
            "provider": "Host",
            "model": "Model id",
            "canonical_model": st.column_config.TextColumn("Canonical model", help="Empty: unresolved."),
            "requests": st.column_config.NumberColumn("Requests", format="localized"),
            "input_tokens": st.column_config.NumberColumn("Input tokens", format="compact"),
            "output_tokens": st.column_config.NumberColumn("Output tokens", format="compact"),
            "tokens": None,
        },
        placeholder="—",
    )


def unresolved_ids() -> None:
    st.caption(
        "exitplan could not tell which model these ids are (an Azure deployment name, a gateway alias), so "
        "their usage is **unpriced**: left out of spend and listed, never counted as $0. Say what each one "
        "is and all its usage, past and future, is priced as that model."
    )
    if models.empty:
        st.info("The ledger is empty.")
        return
    if unresolved.empty:
        st.success("Every model in the ledger is recognised.")
        return
    if len(unresolved) > MAPPING_FORMS:
        st.caption(f"The {MAPPING_FORMS} largest of {len(unresolved)} are shown; map them and the next appear.")
    for provider, model, tokens, requests in unresolved.head(MAPPING_FORMS)[
        ["provider", "model", "tokens", "requests"]
    ].itertuples(index=False):
        with st.container(border=True):
            st.markdown(f"**{md(model)}** at **{md(provider)}** — {count(tokens)} tokens in {count(requests)} requests")
            target = mapping_target(provider, model, catalog, key=f"models-map-{provider}-{model}")
        if target is not None:
            canonical = map_model(cache.engine(), provider, model, *target)
            cache.clear()
            st.session_state["models-flash"] = (
                f"{model} at {provider} is now {target[1]} at {target[0]} ({canonical}); its usage is priced."
            )
            st.rerun()


def catalog_explorer() -> None:
    mix = cache.mix(url)
    shown = catalog_at_mix(catalog, mix, **catalog_filters(catalog, FILTERS))
    st.caption(
        "Every chat and embedding model the newest LiteLLM and OpenRouter registries list, per host. "
        "Filters are in the sidebar. " + mix_caption(mix)
    )
    st.markdown(f"**{len(shown):,}** of {len(catalog):,} models")
    catalog_table(shown, key="models-catalog")


def history() -> None:
    hosts = sorted(catalog["provider"].dropna().unique())
    left, right = st.columns(2)
    host = left.selectbox("Host", hosts, index=hosts.index("openai") if "openai" in hosts else 0, key="models-h-host")
    names = models_at(catalog, host)
    model = right.selectbox(
        "Model", names, index=names.index("gpt-4o") if "gpt-4o" in names else 0, key="models-h-model"
    )
    if model is None:
        return
    prices = cache.history(url, host, model)
    if prices.empty:
        st.info(md(f"No source has a standard price for {model} at {host}."))
        return
    steps = price_steps(prices, datetime.now(UTC).date())
    # Prices all of one day make a chart of dots on a zoomed-in axis; the table below says it better.
    if steps["as_of"].nunique() > 1:
        st.plotly_chart(price_history_chart(steps), key="models-h-chart")
    else:
        st.caption(
            "Only one data point: each source's price as of one day. The history grows as "
            "`exitplan prices refresh` stores new registry snapshots."
        )
    st.dataframe(
        prices,
        hide_index=True,
        column_config={
            "source": "Source",
            "as_of": st.column_config.DateColumn("As of", format="YYYY-MM-DD", help="Empty: no start date known."),
            "input_mtok": st.column_config.NumberColumn("Input $/1M", format=MONEY),
            "output_mtok": st.column_config.NumberColumn("Output $/1M", format=MONEY),
        },
        placeholder="—",
    )


def disagreeing() -> None:
    st.caption(
        "Models whose standard input or output price differs by more than "
        f"{DISAGREEMENT:.0%} between genai-prices, LiteLLM and OpenRouter (once `exitplan prices refresh` has "
        "stored it). exitplan shows disagreements rather than hiding them: spend is priced from genai-prices "
        "first, then LiteLLM, then OpenRouter, unless you set your own price under *Your prices*."
    )
    table = cache.disagreeing(url)
    if table.empty:
        st.success("The sources agree on every model they share.")
        return
    st.dataframe(
        table,
        hide_index=True,
        key="models-disagree",
        column_config={
            "provider": "Host",
            "model": "Model",
            "sources": "Sources",
            "input_low": st.column_config.NumberColumn("Input low", format=MONEY),
            "input_high": st.column_config.NumberColumn("Input high", format=MONEY),
            "output_low": st.column_config.NumberColumn("Output low", format=MONEY),
            "output_high": st.column_config.NumberColumn("Output high", format=MONEY),
            "spread": st.column_config.NumberColumn("Spread", format="percent", help="Highest over lowest, less 1."),
        },
        placeholder="—",
    )


def your_prices() -> None:
    st.caption(
        "Your discounts and negotiated prices come before every registry, for past usage too (from the "
        "valid-from day). A discount applies to the registry's price; a price of your own replaces it."
    )
    overrides = cache.overrides(url)
    if not overrides:
        st.caption("No prices of your own yet.")
    deleted = override_list(overrides, key="models-override-delete")
    if deleted is not None:
        delete_override(cache.engine(), deleted)
        cache.clear()
        st.session_state["models-flash"] = f"Price {deleted} deleted."
        st.rerun()
    st.subheader("Add a price")
    # The user's own hosts first: those are the ones a discount is negotiated with.
    providers = list(dict.fromkeys([*models["provider"], *sorted(catalog["provider"].dropna().unique())]))
    override = override_form("models-override", providers)
    if override is not None:
        add_override(cache.engine(), override)
        cache.clear()
        st.session_state["models-flash"] = f"Saved: your price for {override.provider} / {override.model or 'all'}."
        st.rerun()


{
    "Your models": your_models,
    "Unresolved ids": unresolved_ids,
    "Catalog explorer": catalog_explorer,
    "Price history": history,
    "Sources disagree": disagreeing,
    "Your prices": your_prices,
}[section]()
