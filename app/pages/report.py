"""Report: the leadership pack — a kept scenario's business case, or up to four compared side by side, as files
to send (a PDF executive summary, a spreadsheet for finance, a deck, Markdown and HTML) with a preview of what
they say; and the priced ledger as FinOps FOCUS 1.2 CSV. The same files as ``exitplan report``."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import streamlit as st

from analysis.scenarios.editing import free_name
from app import cache
from app.components.demo_data import offer_demo
from app.components.demo_notice import demo_notice
from app.components.escape import md
from app.components.report_preview import report_preview
from app.components.suggested_plan import keep_suggestion
from db import default_url
from db.errors import UserError
from reports.charts import monthly_figure
from reports.pack import MAX_COMPARED
from reports.render import FOCUS_FORMAT, SCENARIO_FORMATS, file_name
from reports.sentences import directional_note

PICKED = "report-scenarios"

st.title("Report")
url = default_url()
demo_notice()
if flash := st.session_state.pop("report-flash", None):
    st.success(md(flash))
if cache.span(url) is None:
    offer_demo("report-demo")
    st.stop()
context = cache.scenario_context(url)
if context is None or not context.cases:
    st.info(
        "No workloads yet: a report is a scenario's business case, and a scenario moves workloads. Propose them "
        "on the **Workloads** page."
        if context is None
        else "No workload claims any of the usage in the ledger (made on data since removed?): a report is a "
        "scenario's business case, and a scenario moves workloads. Re-propose them on the **Workloads** page."
    )
    st.page_link("app/pages/workloads.py", label="Open Workloads", icon=":material/account_tree:")
    st.stop()

kept = cache.scenarios(url)
bodies: dict[str, str] = dict(zip(kept["name"], kept["body"], strict=True))
if not bodies:
    st.info(
        "No scenario kept yet: a report is a scenario's business case. exitplan can suggest a plan from your "
        "workloads — each to its cheapest target whose quality evidence meets its floor, where the move pays for "
        "itself within 24 months — or build one on **Scenarios**."
    )
    row = st.container(horizontal=True, vertical_alignment="center")
    if row.button("Suggest a plan", type="primary", key="report-suggest"):
        said = keep_suggestion(context, free_name("Suggested plan", bodies))
        st.session_state["report-flash"] = f"{said} Why each workload moves or stays, and editing it, are on Scenarios."
        st.rerun()
    row.page_link("app/pages/scenarios.py", label="Open Scenarios", icon=":material/route:")
    st.stop()

# The most recently saved first; a scenario deleted on Scenarios drops out of the choice.
st.session_state[PICKED] = [n for n in st.session_state.get(PICKED, list(bodies)[:1]) if n in bodies]
with st.sidebar:
    picked: list[str] = st.multiselect(
        "Scenarios",
        list(bodies),
        max_selections=MAX_COMPARED,
        key=PICKED,
        help=f"One for its executive summary, or two to {MAX_COMPARED} compared side by side. Kept scenarios, the "
        "most recently saved first.",
    )
if not picked:
    st.info("Pick a kept scenario in the sidebar, or two to four to compare.")
    st.stop()

chosen = tuple(bodies[name] for name in picked)
try:
    packs = cache.report_packs(url, chosen)
except UserError as exc:
    # The message names workloads and scenarios: the user's names, shown as typed.
    st.error(f"The report cannot be built: {md(str(exc))}. Correct the scenario on Scenarios.")
    st.page_link("app/pages/scenarios.py", label="Open Scenarios", icon=":material/route:")
    st.stop()
# A file is built when first asked for and kept for the day (its "generated" date).
today = datetime.now(UTC).date()

st.subheader(" vs ".join(md(name) for name in picked))
st.caption(
    "The business case as files to send. Each is built when you click (the PDF and the HTML draw their chart "
    "in a headless browser: a few seconds) and says the same as the preview below. " + md(directional_note(packs[0]))
)
row = st.container(horizontal=True)
for shown in SCENARIO_FORMATS.values():
    row.download_button(
        shown.label,
        partial(cache.report_file, url, shown.name, chosen, today),
        file_name=file_name(picked, shown.name),
        mime=shown.media_type,
        on_click="ignore",
        key=f"report-{shown.name}",
        icon=":material/download:",
        type="primary" if shown.name == "pdf" else "secondary",
    )

st.subheader("Preview")
report_preview(cache.report_file(url, "md", chosen, today), monthly_figure(packs), key="report-chart")

st.subheader("For FinOps tools")
st.download_button(
    FOCUS_FORMAT.label,
    partial(cache.focus_file, url),
    file_name=file_name([], FOCUS_FORMAT.name),
    mime=FOCUS_FORMAT.media_type,
    on_click="ignore",
    key="report-focus",
    icon=":material/download:",
)
st.caption(
    "Every day of the ledger's usage by host, project and feature, one charge per part of a model's price, at "
    "exitplan's prices (yours where you set them). Usage no source can price keeps its tokens and an empty cost, "
    "never $0."
)
