"""Alternatives: for one workload, what every candidate model and host would cost, how fast and how good
it would be — ranked, charted, and the best one explained in sentences."""

from __future__ import annotations

import streamlit as st

from analysis.alternatives import options_frame, pareto_frontier
from analysis.candidates import REGIONS
from app import cache
from app.components.charts import cost_quality_chart
from app.components.demo_data import offer_demo
from app.components.display import usd
from app.components.self_hosting import self_hosting_panel
from app.components.your_evidence import evaluations_panel, latency_panel
from db import default_url

st.title("Alternatives")
url = default_url()
if flash := st.session_state.pop("alternatives-flash", None):
    st.success(flash)
if cache.span(url) is None:
    offer_demo("alternatives-demo")
    st.stop()
workloads = cache.workloads(url)
if not workloads:
    st.info("No workloads yet: propose them from your usage on the **Workloads** page.")
    st.page_link("app/pages/workloads.py", label="Open Workloads", icon=":material/account_tree:")
    st.stop()

with st.sidebar:
    names = {w.id: w.name for w in workloads}
    chosen = st.selectbox("Workload", list(names), format_func=names.__getitem__, key="alternatives-workload")
    hosts = st.multiselect("Hosts", sorted(cache.catalog(url)["provider"].unique()), key="alternatives-hosts",
                           placeholder="every host")  # fmt: skip
    open_weights = st.toggle("Open-weights models only", key="alternatives-open")
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
        "replaying sample prompts. Output costs and generation time scale with it; the range adds 10% shorter "
        "to 15% longer around it.",
    )

workload = next(w for w in workloads if w.id == chosen)
result = cache.alternatives(url, chosen, tuple(sorted(hosts)), open_weights, region_names[region], verbosity)
if result.incumbent is None:
    st.info(f"{workload.name} has no usage in the last 30 days with usage.")
    st.stop()

today = result.incumbent
fitting = [c for c in result.candidates if c.fits]
best = result.candidates[0] if result.candidates else None
cols = st.columns(4)
cols[0].metric("Today, per month", usd(today.monthly_cost_usd.base), border=True)
if best is not None and best.monthly_cost_usd.base is not None:
    cols[1].metric("Top candidate, per month", usd(best.monthly_cost_usd.base), border=True)
    saving = (today.monthly_cost_usd.base or 0) - best.monthly_cost_usd.base
    cols[2].metric("Monthly saving" if saving >= 0 else "Monthly increase", usd(abs(saving)), border=True)
cols[3].metric(f"Candidates that fit (of {len(result.candidates):,})", f"{len(fitting):,}", border=True)
st.markdown(
    f"Today: **{today.model}** on {today.host}"
    + (f" · top candidate: **{best.model}** on {best.host}" if best is not None else "")
)
st.caption(
    f"From the workload's own traffic, {result.profile.start:%d %b} – {result.profile.end:%d %b %Y}, at today's "
    f"prices. Quality floor: at most {workload.quality_floor_pct:g}% below today's model"
    + (f"; p95 latency objective {workload.latency_slo_p95_s:g} s." if workload.latency_slo_p95_s else ".")
)

if best is not None:
    with st.container(border=True):
        st.markdown("**What changes with the top candidate**")
        for sentence in result.what_changes():
            st.markdown(f"- {sentence}" if not sentence.endswith(":") else sentence)

frame = options_frame(result)
st.subheader("Ranked candidates")
st.dataframe(
    frame[~frame["today"]].head(top).drop(columns=["today"]),
    hide_index=True,
    column_config={
        "rank": "#",
        "monthly_usd": st.column_config.NumberColumn("Monthly (base)", format="dollar"),
        "low_usd": st.column_config.NumberColumn("Low", format="dollar"),
        "high_usd": st.column_config.NumberColumn("High", format="dollar"),
        "delta_pct": st.column_config.NumberColumn("vs today", format="percent"),
        "p95_s": st.column_config.NumberColumn("p95 (s)", format="%.1f"),
        "meets_slo": st.column_config.CheckboxColumn("Meets SLO"),
        "quality_pct": st.column_config.NumberColumn("Quality vs today", format="%.0f%%"),
        "quality": "Grade",
        "fits": st.column_config.CheckboxColumn("Fits"),
        "why_not": "Why it does not fit",
        "open_weights": st.column_config.CheckboxColumn("Open weights"),
        "price_source": "Price from",
        "quality_source": "Quality from",
        "latency_source": "Latency from",
    },
)

st.subheader("Cost against quality")
rated = frame[frame["quality_pct"].notna() & frame["monthly_usd"].notna() & (frame["monthly_usd"] > 0)].copy()
if len(rated) > 1:
    rated["frontier"] = pareto_frontier(rated["monthly_usd"], rated["quality_pct"]) & ~rated["today"]
    st.plotly_chart(cost_quality_chart(rated))
    st.caption(
        "Quality is relative to today's model on the workload's task (your evaluation results where you have them, "
        "else one public board). The dotted line joins the candidates nothing beats on both cost and quality."
    )
else:
    st.caption("Not enough candidates with a quality reference to chart.")

with st.expander("Your evaluation results"):
    evaluations_panel(url)
with st.expander("Your latency measurements"):
    latency_panel(url)
with st.expander("Self-hosting options"):
    self_hosting_panel(url)
