"""Risk: how exposed the company is to its LLM vendors — one score with the factors that make it, the moves
that would lower it most, each workload's exposure, the retirements ahead and concentration over time."""

from __future__ import annotations

import streamlit as st

from analysis.risk.report import heat_map, retirement_timeline
from analysis.risk.score import DEFAULT_WEIGHTS
from app import cache
from app.components.charts import concentration_chart, retirement_chart, risk_heat_map
from app.components.demo_data import offer_demo
from app.components.demo_notice import demo_notice
from app.components.escape import md
from app.components.incidents import incidents_panel
from db import default_url
from db.errors import UserError
from db.risk_weights import reset_risk_weights, save_risk_weights

st.title("Risk")
url = default_url()
demo_notice()
if flash := st.session_state.pop("risk-flash", None):
    st.success(md(flash))
if cache.span(url) is None:
    offer_demo("risk-demo")
    st.stop()
found = cache.risk(url)
if found is None:
    st.info("No workloads yet: the score is computed per workload. Propose them on the **Workloads** page.")
    st.page_link("app/pages/workloads.py", label="Open Workloads", icon=":material/account_tree:")
    st.stop()

report, exposure = found.report, found.exposure
factors = {s.factor.name: s for s in report.company.factors}
start, end = exposure.window
cols = st.columns(4)
cols[0].metric(
    "Dependency risk",
    f"{report.company.score:.0f}/100",
    border=True,
    help="0: no dependency the factors can see; 100: every factor at its worst.",
)
cols[1].metric("Top provider's share", md(factors["top_vendor_share"].factor.value_text), border=True)
cols[2].metric(
    "Provider HHI",
    factors["hhi_vendors"].factor.value_text,
    border=True,
    help="Sum of squared percentage shares, 0–10,000; above 1,800 is highly concentrated (2023 US Merger Guidelines).",
)
cols[3].metric(
    "Spend on retiring models",
    factors["retirement"].factor.value_text,
    border=True,
    help="Shutdown passed or within 12 months at the host.",
)
st.caption(f"From your usage of {start:%d %b} – {end:%d %b %Y} (UTC), at today's prices and registries.")

st.subheader("What would lower it most")
if report.actions:
    for action in report.actions:
        st.markdown(f"- {md(action.description)}, to **{action.score_after:.0f}**/100")
    st.caption(
        "Each move is scored again, with the workload on the exit option that lowers the score most (of the "
        "cheapest eligible candidate on each other host whose quality evidence meets its floor), weighed at "
        "its spend today; see Alternatives for the evidence."
    )
else:
    st.caption("No move to an exit option lowers the score by half a point or more.")

st.subheader("What makes the score")
st.dataframe(
    [
        {
            "Factor": s.factor.label,
            "Value": s.factor.value_text,
            "Weight": s.weight,
            "Points": s.points,
            "Why": s.factor.explanation,
        }
        for s in report.company.factors
    ],
    hide_index=True,
    column_config={
        "Points": st.column_config.ProgressColumn(
            "Points", min_value=0.0, max_value=max(report.weights.values()), format="%.1f"
        ),
        "Why": st.column_config.TextColumn("Why", width="large"),
    },
    placeholder="—",
)
st.caption(
    "Each factor's points are its weight's share of all weights × its risk (0–1) × 100: they add up to "
    'the score. EU DORA Article 29 asks whether a critical ICT provider is "not easily substitutable": '
    "the exit options factor answers it per workload."
)

st.subheader("Each workload")
scores = {name: scored.score for name, scored in report.workloads}
left, right = st.columns([2, 5])
left.dataframe(
    [{"Workload": n, "Score": s} for n, s in scores.items()],
    hide_index=True,
    column_config={"Score": st.column_config.NumberColumn(format="%.0f")},
)
right.plotly_chart(risk_heat_map(heat_map(report)))

st.subheader("Retirements ahead")
timeline = retirement_timeline(exposure)
if timeline.empty:
    st.caption("No model in use has a shutdown date at its host.")
else:
    st.plotly_chart(retirement_chart(timeline, exposure.today))

st.subheader("Concentration over time")
history = cache.concentration(url)
st.plotly_chart(concentration_chart(history))

with st.expander("Weights"):
    st.caption("How much each factor counts. A weight of 0 leaves the factor out; the score is always out of 100.")
    weights = cache.risk_weights(url)
    with st.form("risk-weights"):
        edited = {
            s.factor.name: st.number_input(
                s.factor.label,
                min_value=0.0,
                max_value=100.0,
                step=1.0,
                value=float(weights[s.factor.name]),
                key=f"risk-weight-{s.factor.name}",
                help=f"Default {DEFAULT_WEIGHTS[s.factor.name]:g}.",
            )
            for s in report.company.factors
        }
        save, reset = st.columns(2)
        if save.form_submit_button("Save weights", type="primary"):
            try:
                save_risk_weights(cache.engine(), edited)
            except UserError as exc:
                st.error(md(exc))
            else:
                cache.clear()
                st.session_state["risk-flash"] = "Weights saved: the score is computed with them."
                st.rerun()
        if reset.form_submit_button("Back to the defaults"):
            reset_risk_weights(cache.engine())
            cache.clear()
            st.session_state["risk-flash"] = "Weights back to their defaults."
            st.rerun()

with st.expander("Incident history"):
    incidents_panel(url)
