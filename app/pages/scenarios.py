"""Scenarios: what moving workloads to other models or hosts would save, cost once and change over 12–36
months — a plan suggested from the ledger or built by hand, kept by name, its business case drawn, and up to
four compared side by side. The same scenarios as ``exitplan scenario``."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import streamlit as st

from analysis.money import usd
from analysis.scenarios.business_case import assumption_words, horizon_words, tiles, workloads_frame
from analysis.scenarios.compare import MAX_COMPARED, comparison, cumulative
from analysis.scenarios.context import ScenarioContext
from analysis.scenarios.editing import file_name, free_name, targets_frame
from analysis.scenarios.engine import ScenarioResult
from analysis.scenarios.model import HORIZONS, Scenario, scenario_from_dict, scenario_from_json, scenario_to_dict
from analysis.scenarios.template import template
from analysis.scenarios.trust import METHOD, forecast_frame, forecast_words
from app import cache
from app.components.charts import cumulative_chart, projection_chart, savings_waterfall, tornado_chart
from app.components.demo_data import offer_demo
from app.components.demo_notice import demo_notice
from app.components.escape import md
from app.components.scenario_form import scenario_form
from app.components.suggested_plan import keep_suggestion
from db import default_url
from db.errors import UserError
from db.scenarios import delete_scenario, save_scenario

# Names are never empty (a scenario's name is stripped and required), so "" can stand for the new one.
NEW = ""
VIEWS = ["Business case", "Build or edit", "Suggest a plan", "Compare"]

st.title("Scenarios")
url = default_url()
demo_notice()
# A save picks what to show next; a widget's state can only be set before the widget is drawn.
if pending := st.session_state.pop("scenarios-next", None):
    st.session_state.update(pending)
if flash := st.session_state.pop("scenarios-flash", None):
    st.success(md(flash))
if cache.span(url) is None:
    offer_demo("scenarios-demo")
    st.stop()
found = cache.scenario_context(url)
if found is None:
    st.info("No workloads yet: a scenario moves workloads. Propose them on the **Workloads** page.")
    st.page_link("app/pages/workloads.py", label="Open Workloads", icon=":material/account_tree:")
    st.stop()
context: ScenarioContext = found

kept = cache.scenarios(url)
bodies: dict[str, str] = dict(zip(kept["name"], kept["body"], strict=True))
st.caption(
    "A scenario moves workloads to other models or hosts, step by step, over 12, 24 or 36 months. Its business "
    "case sets what each month would cost if nothing moved — usage growing as forecast, a retiring model "
    "replaced by its successor on its shutdown date — against the scenario, after what moving costs once. "
    f"Month 1 is the month after the ledger's last day ({context.last_day:%d %b %Y})."
)

with st.sidebar:
    chosen = st.selectbox(
        "Scenario",
        [*bodies, NEW],
        format_func=lambda name: name or "New scenario",
        key="scenarios-chosen",
        help="Kept scenarios, the most recently saved first.",
    )
# With nothing kept yet, the page opens on the suggestion (set as state, not as a default: a save sets it too).
st.session_state.setdefault("scenarios-view", VIEWS[0] if bodies else VIEWS[2])
view = st.segmented_control("View", VIEWS, key="scenarios-view", label_visibility="collapsed") or VIEWS[0]


def show_next(name: str, message: str, then: str = VIEWS[0]) -> None:
    """After a write: forget the kept scenarios (no other read depends on them, so the slow context stays
    cached), say what happened and show ``name`` in the view ``then``."""
    cache.scenarios.clear()
    st.session_state["scenarios-flash"] = message
    st.session_state["scenarios-next"] = {"scenarios-chosen": name, "scenarios-view": then}
    st.rerun()


def why(scenario: Scenario) -> None:
    """Each move's reason and, for a suggested plan, why the rest stay and what it could not meet."""
    if not scenario.moves and not scenario.stays and not scenario.unmet:
        return
    with st.expander("Why this plan", expanded=bool(scenario.stays or scenario.unmet)):
        for move in scenario.moves:
            reason = move.reason or f"to {move.model} on {move.host} (set by hand)"
            st.markdown(f"- **{md(move.workload)}** moves: {md(reason)}")
        for name, reason in scenario.stays.items():
            st.markdown(f"- **{md(name)}** stays: {md(reason)}")
        for line in scenario.unmet:
            st.warning(f"Not met: {md(line)}")


def draw_tiles(result: ScenarioResult) -> None:
    shown = tiles(result)
    for row in (shown[:3], shown[3:]):
        for column, tile in zip(st.columns(3), row, strict=False):
            column.metric(
                md(tile.label),
                tile.value,
                tile.delta,
                delta_color=tile.delta_color,
                delta_arrow=tile.delta_arrow,
                delta_description=tile.delta_description,
                help=md(tile.help) if tile.help else None,
                border=True,
            )


def business_case(name: str) -> None:
    if name == NEW:
        st.info("A new scenario has a business case once it is saved: build it under **Build or edit**.")
        return
    try:
        result = cache.scenario_result(url, bodies[name])
    except UserError as exc:
        st.error(f"{md(name)} cannot be run: {md(exc)}. Correct it under Build or edit.")
        return
    scenario = result.scenario
    st.subheader(md(name))
    st.caption(md(f"{horizon_words(result, context)} {assumption_words(scenario)}"))
    draw_tiles(result)
    why(scenario)
    if st.button("Leadership pack: PDF, spreadsheet, deck", key="scenarios-report", icon=":material/summarize:"):
        # The Report page opens on this scenario.
        st.session_state["report-scenarios"] = [name]
        st.switch_page("app/pages/report.py")

    st.subheader("Month by month")
    st.plotly_chart(projection_chart(result.monthly), key="scenarios-projection")
    st.caption(
        "Above: what each month costs if nothing moves (a retiring model replaced by its successor from its "
        "shutdown date) and under the scenario, and the one-time costs in the month each move starts. Below: the "
        "net savings so far, after one-time costs — payback is where they cross zero."
    )
    with st.expander(f"How far to trust the baseline — {md(forecast_words(context.forecasts))}"):
        damping = scenario.assumptions.growth_damping
        st.markdown(
            f"The forecast: {METHOD}. "
            + (
                f"In the scenario each workload's trend is damped ({damping:g} a month), so a 90-day trend is not "
                "compounded for years."
                if scenario.assumptions.growth == "forecast" and damping < 1
                else ""
            )
        )
        st.dataframe(
            forecast_frame(context.forecasts),
            hide_index=True,
            placeholder="—",
            column_config={
                "workload": "Workload",
                "monthly_growth": st.column_config.NumberColumn("Growth a month", format="percent"),
                "growth_error": st.column_config.NumberColumn(
                    "± (standard error)", format="percent", help="The fitted trend's standard error."
                ),
                "fitted_days": st.column_config.NumberColumn("Days fitted", format="%d"),
                "backtest_mape": st.column_config.NumberColumn(
                    "Backtest MAPE", format="percent", help="A day's error on the held-out days, on average."
                ),
                "backtest_total_error": st.column_config.NumberColumn(
                    "Backtest total error", format="percent", help="The error on the held-out days' total."
                ),
                "method": st.column_config.TextColumn("Method", width="medium"),
                "note": st.column_config.TextColumn("Note", width="large"),
            },
        )

    frame = workloads_frame(result)
    st.subheader("Savings by workload")
    if scenario.moves:
        st.plotly_chart(savings_waterfall(frame), key="scenarios-waterfall")
        st.caption(
            f"Each workload's net savings over the {scenario.horizon_months} months, after its one-time costs; "
            "workloads whose costs the scenario leaves alone are left out."
        )
    else:
        st.caption("The scenario moves nothing, so no workload's costs change.")

    st.subheader("Each workload")
    st.dataframe(
        frame.drop(columns=["forced"]),
        hide_index=True,
        placeholder="—",
        column_config={
            "workload": "Workload",
            "moved_to": st.column_config.TextColumn("Moves to", width="medium"),
            "share": st.column_config.NumberColumn("Share", format="percent"),
            "baseline_usd": st.column_config.NumberColumn("If nothing moves", format="dollar"),
            "scenario_usd": st.column_config.NumberColumn("Under the scenario", format="dollar"),
            "one_time_usd": st.column_config.NumberColumn("One-time", format="dollar"),
            "savings_usd": st.column_config.NumberColumn("Net savings", format="dollar"),
            "quality_after": st.column_config.TextColumn(
                "Quality after (vs today)", help="The evidence for the target against today's model."
            ),
            "latency_before_s": st.column_config.NumberColumn("p95 before (s)", format="%.1f"),
            "latency_after_s": st.column_config.NumberColumn("p95 after (s)", format="%.1f"),
            "risk_before": st.column_config.NumberColumn("Risk before", format="%.0f"),
            "risk_after": st.column_config.NumberColumn("Risk after", format="%.0f"),
            "reason": st.column_config.TextColumn("Why", width="large"),
        },
    )
    st.caption(f"Money over the {scenario.horizon_months} months. Risk: each workload's 0–100 score, as on Risk.")
    for note in [*(w.forced for w in result.workloads if w.forced), *result.warnings]:
        st.caption(f"Note: {md(note)}")

    st.subheader("What moves the NPV most")
    if result.tornado:
        st.plotly_chart(tornado_chart(result.tornado, result.npv_usd), key="scenarios-tornado")
        st.caption(
            "Each uncertain factor at its low and its high setting, the others at their base; the widest swing on "
            "top. A factor without a bar does not move this NPV."
        )
    else:
        st.caption("The scenario moves nothing, so nothing is uncertain.")


def name_problem(name: str) -> str | None:
    """Why a new scenario cannot take ``name``, or None."""
    if not name:
        return "A scenario needs a name."
    return f"A scenario named {name} is kept already: choose another name." if name in bodies else None


def save(edited: Scenario, was: str | None) -> None:
    """Run the edited scenario (a target the engine refuses is an error here, not on the next page) and keep it."""
    if edited.name != was and edited.name in bodies:
        st.error(f"A scenario named {md(edited.name)} is kept already: choose another name, or delete that one.")
        return
    body = json.dumps(scenario_to_dict(edited))
    try:
        result = cache.scenario_result(url, body)
    except UserError as exc:
        st.error(md(exc))
        return
    save_scenario(cache.engine(), edited.name, body)
    kept_too = f" {was} is kept as it was." if was is not None and was != edited.name else ""
    show_next(
        edited.name,
        f"Saved {edited.name}: saves {usd(result.monthly_savings_usd)} a month once done, NPV "
        f"{usd(result.npv_usd)}.{kept_too}",
    )


def actions(name: str, scenario: Scenario) -> None:
    row = st.container(horizontal=True)
    row.download_button(
        "Download JSON",
        json.dumps(scenario_to_dict(scenario), indent=2),
        file_name=file_name(name),
        mime="application/json",
        on_click="ignore",
        key="scenarios-download",
        help="Run it from the command line: `exitplan scenario run FILE`.",
    )
    with row.popover("Duplicate"), st.form("scenarios-duplicate"):
        copy = st.text_input("Name of the copy", free_name(f"{name} (copy)", bodies), key=f"scenarios-copy-{name}")
        if st.form_submit_button("Duplicate", type="primary"):
            copy = copy.strip()
            if problem := name_problem(copy):
                st.error(md(problem))
            else:
                save_scenario(cache.engine(), copy, json.dumps(scenario_to_dict(replace(scenario, name=copy))))
                show_next(copy, f"Duplicated {name} as {copy}.", VIEWS[1])
    with row.popover("Delete"):
        st.caption("The scenario is forgotten. Download its JSON first to keep a copy.")
        if st.button(f"Delete {md(name)}", key="scenarios-delete"):
            delete_scenario(cache.engine(), name)
            rest = [other for other in bodies if other != name]
            show_next(rest[0] if rest else NEW, f"{name} deleted.")


def build(name: str) -> None:
    if name == NEW:
        # The template's first move: the suggested plan's largest saving, every field filled in to edit.
        scenario = replace(scenario_from_dict(template(context)), name=free_name("New scenario", bodies))
        key = "scenarios-edit-new"
    else:
        try:
            scenario = scenario_from_json(bodies[name])
        except UserError as exc:
            st.error(f"{md(name)} cannot be read: {md(exc)}")
            return
        actions(name, scenario)
        # Keyed by what is kept: after a save the form starts from it; after an error it keeps what was typed.
        key = f"scenarios-edit-{hashlib.sha256(bodies[name].encode()).hexdigest()[:12]}"
    try:
        edited = scenario_form(scenario, context, key)
    except UserError as exc:
        st.error(md(exc))
        edited = None
    if edited is not None:
        save(edited, None if name == NEW else name)
    with st.expander("Where each workload could go"):
        st.dataframe(
            targets_frame(context),
            hide_index=True,
            placeholder="—",
            column_config={
                "workload": "Workload",
                "today": st.column_config.TextColumn("Today", width="medium"),
                "today_usd": st.column_config.NumberColumn("Monthly today", format="dollar"),
                "retires": st.column_config.TextColumn(
                    "Retires → successor (a month)", help="What staying costs from the shutdown date.", width="medium"
                ),
                "engineering_days": st.column_config.NumberColumn("Default engineering days", format="%g"),
                "cheapest": st.column_config.TextColumn("Cheapest targets (a month)", width="large"),
            },
        )


def suggestion() -> None:
    st.caption(
        "Each workload goes to its cheapest target whose quality evidence meets its floor (never an unrated one) "
        "where that move pays for itself within the horizon — against the successor where today's model retires "
        "— largest saving first, one move starting a month, each ramping over two months."
    )
    with st.form("scenarios-suggest"):
        name = st.text_input("Name", free_name("Suggested plan", bodies), max_chars=200, key="scenarios-suggest-name")
        left, middle, right = st.columns(3)
        horizon = left.selectbox(
            "Horizon", HORIZONS, index=1, format_func=lambda m: f"{m} months", key="scenarios-suggest-horizon"
        )
        cap = middle.number_input(
            "No vendor above (% of spend)",
            min_value=5.0,
            max_value=100.0,
            value=None,
            step=5.0,
            placeholder="no limit",
            help="Optional. Moves workloads off any host above this share of the spend, the cheapest way; each "
            "workload weighed at its spend today.",
            key="scenarios-suggest-cap",
        )
        two_vendors = right.checkbox(
            "Keep critical workloads on two vendors",
            help="A high-criticality workload sends half its traffic to the best target on a second host.",
            key="scenarios-suggest-two",
        )
        submitted = st.form_submit_button("Suggest and save", type="primary")
    if not submitted:
        return
    name = name.strip()
    if problem := name_problem(name):
        st.error(md(problem))
        return
    said = keep_suggestion(
        context,
        name,
        horizon_months=int(horizon),
        max_vendor_share=cap / 100.0 if cap is not None else None,
        critical_on_two_vendors=two_vendors,
    )
    show_next(name, said)


def compare() -> None:
    if not bodies:
        st.info("No scenarios kept yet: suggest a plan, or build one.")
        return
    picked = st.multiselect(
        "Scenarios",
        list(bodies),
        default=list(bodies)[:2],
        max_selections=MAX_COMPARED,
        key="scenarios-compare",
        help=f"Up to {MAX_COMPARED}.",
    )
    results = []
    for name in picked:
        try:
            results.append(cache.scenario_result(url, bodies[name]))
        except UserError as exc:
            st.warning(f"{md(name)} cannot be run: {md(exc)}")
    if not results:
        return
    st.dataframe(comparison(results), height="content", placeholder="—")
    st.caption(
        "An NPV or net savings over 12 months does not compare with one over 36: see the horizon. Risk: the "
        "company's 0–100 score with every move made."
    )
    st.subheader("Cumulative net savings")
    st.plotly_chart(cumulative_chart(cumulative(results)), key="scenarios-cumulative")


if view == "Business case":
    business_case(chosen)
elif view == "Build or edit":
    build(chosen)
elif view == "Suggest a plan":
    suggestion()
else:
    compare()
