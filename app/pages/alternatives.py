"""Alternatives: for one workload, what staying means, and what every candidate model and host would cost,
how fast and how good it would be — ranked by evidence, charted, and the top candidate explained."""

from __future__ import annotations

import streamlit as st

from analysis.alternatives_table import candidates_frame, quality_chart, tiles
from analysis.assumptions import OUTPUT_LENGTH_RANGE
from analysis.candidates import REGIONS
from app import cache
from app.components.charts import cost_quality_chart
from app.components.demo_data import offer_demo
from app.components.demo_notice import demo_notice
from app.components.escape import md
from app.components.evaluate_panel import evaluate_panel
from app.components.self_hosting import self_hosting_panel
from app.components.your_evidence import evaluations_panel, latency_panel
from db import default_url

st.title("Alternatives")
url = default_url()
demo_notice()
if flash := st.session_state.pop("alternatives-flash", None):
    st.success(md(flash))
if cache.span(url) is None:
    offer_demo("alternatives-demo")
    st.stop()
workloads = cache.workloads(url)
if not workloads:
    st.info("No workloads yet: propose them from your usage on the **Workloads** page.")
    st.page_link("app/pages/workloads.py", label="Open Workloads", icon=":material/account_tree:")
    st.stop()

low, high = OUTPUT_LENGTH_RANGE["low"], OUTPUT_LENGTH_RANGE["high"]
with st.sidebar:
    names = {w.id: w.name for w in workloads}
    chosen = st.selectbox("Workload", list(names), format_func=names.__getitem__, key="alternatives-workload")
    hosts = st.multiselect(
        "Hosts", sorted(cache.catalog(url)["provider"].unique()), key="alternatives-hosts", placeholder="every host"
    )
    open_weights = st.toggle("Open-weights models only", key="alternatives-open")
    previews = st.toggle(
        "Include preview and experimental models",
        key="alternatives-previews",
        help="Off: generally available models only. Previews change or vanish without notice.",
    )
    region_names = {"Global endpoints": None, "Any region": "any", **{v: v for v in REGIONS.values()}}
    region = st.selectbox("Data region", list(region_names), key="alternatives-region")
    top = st.slider("Candidates shown", min_value=5, max_value=100, value=25, step=5, key="alternatives-top")
    verbosity = st.number_input(
        "Answer length vs today's",
        min_value=0.2,
        max_value=5.0,
        value=1.0,
        step=0.05,
        format="%.2f",
        key="alternatives-verbosity",
        help="How long the candidates' answers are against today's model's (1.2: a fifth longer), e.g. from "
        "replaying sample prompts. Output costs and generation time scale with it; the range adds "
        f"{1 - low:.0%} shorter to {high - 1:.0%} longer around it.",
    )

workload = next(w for w in workloads if w.id == chosen)
result = cache.alternatives(url, chosen, tuple(sorted(hosts)), open_weights, region_names[region], verbosity, previews)
if (nothing := result.no_estimate()) is not None:
    st.info(md(nothing))
    st.stop()

today = result.incumbent
if staying := result.staying():
    st.warning(md(staying), icon=":material/event_busy:")
for column, tile in zip(st.columns(4), tiles(result), strict=False):
    column.metric(md(tile.label), tile.value, help=md(tile.help) if tile.help else None, border=True)
st.markdown(f"Today: **{md(today.model)}** on {md(today.host)}" + "".join(f"  \n{md(s)}" for s in result.headline()))
st.caption(
    f"From the workload's own traffic, {result.profile.start:%d %b} – {result.profile.end:%d %b %Y}, at today's "
    f"prices. Quality floor ({workload.quality_floor_pct:g}%, {workload.criticality} criticality): "
    f"{md(result.floor_words())}"
    + (f"; p95 latency objective {workload.latency_slo_p95_s:g} s." if workload.latency_slo_p95_s else ".")
)

if changes := result.what_changes():
    with st.container(border=True):
        st.markdown("**What changes with the top candidate**")
        for sentence in changes:
            st.markdown(f"- {md(sentence)}" if not sentence.endswith(":") else md(sentence))

st.subheader("Ranked candidates")
st.caption(
    "Ranked by evidence first: candidates whose quality evidence meets the floor, then unrated ones (evaluate "
    "before moving), then those below the floor; within each, the cheapest first."
)
st.dataframe(
    candidates_frame(result).head(top).drop(columns=["vs_today"]),
    hide_index=True,
    placeholder="—",
    column_config={
        "rank": st.column_config.NumberColumn("#", width="small"),
        "host": "Host",
        "model": st.column_config.TextColumn("Model", width="medium"),
        "monthly_usd": st.column_config.NumberColumn("Monthly (base)", format="dollar"),
        "range": st.column_config.TextColumn("Range (low–high)", width="medium"),
        "vs_today_pct": st.column_config.NumberColumn("vs today", format="%+.0f%%"),
        "p95_s": st.column_config.NumberColumn("p95 (s)", format="%.1f"),
        "meets_slo": st.column_config.CheckboxColumn("Meets SLO"),
        "grade": st.column_config.TextColumn("Quality"),
        "evidence": st.column_config.TextColumn("Evidence (candidate vs today)", width="medium"),
        "fits": st.column_config.CheckboxColumn("Fits"),
        "why_not": st.column_config.TextColumn("Why it does not fit", width="medium"),
        "open_weights": st.column_config.CheckboxColumn("Open weights"),
        "region": "Region",
        "price_source": "Price from",
        "quality_source": st.column_config.TextColumn("Quality from", width="medium"),
        "latency_source": "Latency from",
    },
)
if result.excluded:
    with st.expander(f"{sum(result.excluded.values()):,} models left out: they cannot do this task as listed"):
        st.dataframe(
            [{"Why": reason, "Models": count} for reason, count in result.excluded.items()],
            hide_index=True,
            placeholder="—",
        )

st.subheader("Cost against quality")
chart = quality_chart(result)
if chart is not None:
    st.plotly_chart(cost_quality_chart(chart.points, chart.axis))
    st.caption(
        f"Quality on one axis only: {md(chart.axis)}, today's model as a star. The dotted line joins the candidates "
        "that fit and that nothing beats on both cost and quality."
    )
else:
    st.caption("Not enough candidates rated on one scale to chart.")

evaluating = "evaluate-asked" in st.session_state or "evaluate-results" in st.session_state
with st.expander("Evaluate candidates on this workload's own prompts", expanded=evaluating):
    evaluate_panel(url, workload, result)
with st.expander("Your evaluation results"):
    evaluations_panel(url)
with st.expander("Your latency measurements"):
    latency_panel(url)
with st.expander("Self-hosting options"):
    self_hosting_panel(url)
