"""The form that builds or edits a scenario: its assumptions, then its moves as an editable table — one
``st.form``, so nothing runs until Save, and a wrong row keeps everything typed."""

from __future__ import annotations

import streamlit as st

from analysis.money import usd
from analysis.scenarios.business_case import percent
from analysis.scenarios.context import ScenarioContext
from analysis.scenarios.editing import AssumptionValues, moves_frame, scenario_from_form, target_choices
from analysis.scenarios.engine import DEFAULT_EVALUATION_USD
from analysis.scenarios.model import HORIZONS, Scenario
from app.components.escape import md

__all__ = ["scenario_form"]


def _months(months: int) -> str:
    return f"{months} months"


def scenario_form(scenario: Scenario, context: ScenarioContext, key: str) -> Scenario | None:
    """The scenario as edited when Save is pressed, else None. Raises ``InvalidInput`` naming each wrong row
    (the caller shows it; the form keeps what was typed)."""
    choices = target_choices(context, scenario)
    values = AssumptionValues.of(scenario.assumptions)
    # A kept move of a workload that is gone stays choosable, so the row shows and its error names it.
    workloads = list(dict.fromkeys([*context.cases, *(m.workload for m in scenario.moves)]))
    with st.form(key):
        name = st.text_input("Name", scenario.name, max_chars=200, key=f"{key}-name")
        cols = st.columns(5)
        horizon = cols[0].selectbox(
            "Horizon",
            HORIZONS,
            index=HORIZONS.index(scenario.horizon_months),
            format_func=_months,
            key=f"{key}-horizon",
        )
        growth = cols[1].number_input(
            "Usage growth (% a month)",
            min_value=-50.0,
            max_value=100.0,
            value=values.growth_pct,
            step=0.5,
            format="%.1f",
            placeholder="the forecast",
            help="Empty: each workload grows at its own forecast trend. A number: every workload grows at that rate.",
            key=f"{key}-growth",
        )
        discount = cols[2].number_input(
            "Discount rate (% a year)",
            min_value=0.0,
            max_value=100.0,
            value=values.discount_pct,
            step=1.0,
            format="%.1f",
            help="What a dollar a year from now is worth less than one today; the NPV uses it.",
            key=f"{key}-discount",
        )
        day_rate = cols[3].number_input(
            "Engineering day (USD)",
            min_value=0.0,
            value=values.day_rate_usd,
            step=100.0,
            format="%.0f",
            help="What a day of an engineer's time costs, loaded.",
            key=f"{key}-day-rate",
        )
        price_change = cols[4].number_input(
            "Price change (% a year)",
            min_value=-100.0,
            max_value=500.0,
            value=values.price_change_pct,
            step=1.0,
            format="%.1f",
            help="How every host's prices move in a year (negative: they fall), compounding month by month.",
            key=f"{key}-price-change",
        )
        if hosts := {h: r for h, r in scenario.assumptions.price_change_per_year.items() if h != "*"}:
            st.caption(
                "Kept as the JSON has them: "
                + ", ".join(f"{md(host)} {percent(rate)} a year" for host, rate in hosts.items())
                + " (edit them in the JSON)."
            )
        st.markdown("**Moves**")
        st.caption(
            "One row per workload that moves. Month 1 is the month after the ledger's last day; a move ramps "
            "linearly from its start month over its ramp months. Targets are the candidates whose quality "
            "evidence meets their workload's floor (the table below lists each workload's cheapest); for "
            "another, write the scenario as JSON. Empty engineering days and evaluation: the defaults "
            f"(by task and criticality; {usd(DEFAULT_EVALUATION_USD, cents=False)})."
        )
        edited = st.data_editor(
            moves_frame(scenario),
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            placeholder="—",
            column_config={
                "workload": st.column_config.SelectboxColumn("Workload", options=workloads, required=True),
                "target": st.column_config.SelectboxColumn("Moves to", options=list(choices), required=True),
                "share_pct": st.column_config.NumberColumn(
                    "Share %",
                    min_value=0,
                    max_value=100,
                    step=1,
                    default=100,
                    format="%.0f",
                    help="Of the workload's traffic.",
                ),
                "start_month": st.column_config.NumberColumn(
                    "Start month", min_value=1, max_value=max(HORIZONS), step=1, default=1, format="%d"
                ),
                "ramp_months": st.column_config.NumberColumn(
                    "Ramp months", min_value=1, max_value=max(HORIZONS), step=1, default=1, format="%d"
                ),
                "engineering_days": st.column_config.NumberColumn(
                    "Engineering days", min_value=0, step=0.5, help="Empty: the default for its task and criticality."
                ),
                "evaluation_usd": st.column_config.NumberColumn(
                    "Evaluation (USD)", min_value=0, step=100, format="dollar", help="Empty: the default."
                ),
                "dual_running_months": st.column_config.NumberColumn(
                    "Dual running (months)",
                    min_value=0,
                    max_value=max(HORIZONS),
                    step=0.5,
                    default=0,
                    help="Months both models serve the moved traffic, from the start month.",
                ),
                "split_target": st.column_config.SelectboxColumn(
                    "Router split to",
                    options=list(choices),
                    help="Optional: a second target a router sends part of the moved traffic to.",
                ),
                "split_share_pct": st.column_config.NumberColumn(
                    "Split share %",
                    min_value=0,
                    max_value=100,
                    step=1,
                    format="%.0f",
                    help="Of the moved traffic, to the split target.",
                ),
            },
            key=f"{key}-moves",
        )
        if not st.form_submit_button("Save scenario", type="primary"):
            return None
    return scenario_from_form(
        name.strip(),
        int(horizon),
        AssumptionValues(growth, float(discount), float(day_rate), float(price_change)),
        edited.to_dict("records"),
        context,
        choices,
        kept=scenario,
    )
