"""Overview: what the company spends on LLMs, with whom, and on what."""

from __future__ import annotations

import streamlit as st

from analysis.assumptions import WINDOW_DAYS, window_words
from analysis.money import usd_together
from analysis.overview import by_project_and_model, kpis, spend_over_time
from app import cache
from app.components.charts import spend_chart
from app.components.demo_data import offer_demo
from app.components.demo_notice import demo_notice
from app.components.display import count, some_of
from app.components.escape import md
from db import default_url

st.title("Overview")
url = default_url()
demo_notice()
span = cache.span(url)
if span is None:
    offer_demo("overview-demo")
    st.stop()

with st.sidebar:
    period = st.date_input("Period", value=span, min_value=span[0], max_value=span[1], key="overview-period")
since, until = (period[0], period[1]) if len(period) == 2 else (span[0], span[1])

priced = cache.priced(url, ("project",), since, until)
headline = kpis(priced)
if headline is None:
    st.info("No usage in this period.")
    st.stop()

window = window_words()
st.caption(f"{window[:1].upper()}{window[1:]}: {headline.window_start:%d %b %Y} – {headline.window_end:%d %b %Y} (UTC)")
last = f"last {WINDOW_DAYS} days"
cols = st.columns(5)
spend, run_rate = usd_together([headline.spend_usd, headline.monthly_run_rate_usd])
cols[0].metric(f"Spend, {last}", spend, border=True)
cols[1].metric("Monthly run-rate", run_rate, border=True)
for col, label, value in ((cols[2], "Requests", headline.requests), (cols[3], "Tokens", headline.tokens)):
    unknown = "Not in this period's sources (a cost report has no counts): unknown, not 0." if value is None else None
    col.metric(f"{label}, {last}", count(value), border=True, help=unknown)
share = f"{headline.top_provider_share:.0%}" if headline.top_provider_share is not None else "—"
cols[4].metric(
    f"Top provider ({md(headline.top_provider)})" if headline.top_provider else "Top provider",
    share,
    border=True,
    help=None if headline.top_provider else "No spend is known in this window to rank providers by.",
)
if headline.unpriced_models:
    st.warning(
        "Unpriced — exitplan has no price for these models, so their usage is not in the spend figures: "
        + md(some_of(headline.unpriced_models))
    )

st.subheader("Spend over time")
left, right = st.columns([3, 1])
by = left.segmented_control("Stack by", ["provider", "model"], default="provider", key="overview-by") or "provider"
grains = {"Day": "D", "Week": "W", "Month": "M"}
grain = right.selectbox("Per", list(grains), index=1, key="overview-grain")
if priced["spend_usd"].notna().any():
    st.plotly_chart(spend_chart(spend_over_time(priced, by, grains[grain]), by, grain))
else:
    st.info("No spend to chart: nothing in this period has a price or a reported cost (see Unpriced above).")

st.subheader("By project and model")
table = by_project_and_model(priced)
st.dataframe(
    table,
    hide_index=True,
    column_config={
        "spend_usd": st.column_config.NumberColumn("Spend", format="dollar"),
        "share": st.column_config.ProgressColumn("Share", min_value=0.0, max_value=1.0, format="percent"),
        "requests": st.column_config.NumberColumn("Requests", format="localized"),
        "input_tokens": st.column_config.NumberColumn("Input tokens", format="localized"),
        "cache_read_tokens": st.column_config.NumberColumn("Cache reads", format="localized"),
        "cache_write_tokens": st.column_config.NumberColumn("Cache writes", format="localized"),
        "cache_write_1h_tokens": None,
        "output_tokens": st.column_config.NumberColumn("Output tokens", format="localized"),
        "reasoning_tokens": st.column_config.NumberColumn("Reasoning", format="localized"),
        "tokens": None,
        "not_in_source": st.column_config.TextColumn(
            "Not in the source", help="Counts the sources of some of the row's usage do not report: only partly summed"
        ),
    },
    placeholder="—",
)
st.caption(
    "A count shown as — is not in this source (a cost report has no tokens; most exports have no 1-hour cache "
    "split), never 0. Where only some sources report it, the count is the known part and *Not in the source* "
    "names it."
)
