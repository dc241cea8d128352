"""Workloads: the named slices of usage that every estimate is made for. exitplan proposes them from the
ledger; the user renames, edits, merges and splits them, and every save is kept as a version."""

from __future__ import annotations

import streamlit as st

from analysis.assumptions import window_words
from analysis.money import usd
from analysis.workload_proposals import PROPOSAL_MIN_SHARE
from analysis.workload_table import workload_table, workload_totals
from analysis.workloads import (
    SPLIT_DIMENSIONS,
    delete_workload,
    merge_workloads,
    replace_with_proposals,
    save_workload,
    split_workload,
    workload_problems,
)
from app import cache
from app.components.demo_data import offer_demo
from app.components.demo_notice import demo_notice
from app.components.display import some_of
from app.components.escape import md
from app.components.workload_form import QUALITY_FLOOR_HELP, workload_form
from db import default_url
from db.errors import UserError

ACTIONS = ["Edit", "Merge", "Split", "Re-propose"]
PROPOSING = (
    "exitplan proposes one workload per project, feature tag and model family with at least "
    f"{PROPOSAL_MIN_SHARE:.0%} of the spend over {window_words()}, and folds each project's smaller slices into "
    "one. Rename, edit, merge and split them afterwards."
)

st.title("Workloads")
url = default_url()
demo_notice()
st.caption(
    "A workload is a named slice of your usage — a product feature, a team's bot — with what it needs from a "
    "model: its task, how critical it is, the quality it must keep and how fast it must answer. Each workload "
    "claims the usage its rules match that no workload above it has claimed."
)
if flash := st.session_state.pop("workloads-flash", None):
    st.success(md(flash))


def propose(key: str, label: str) -> None:
    if st.button(label, type="primary", key=key):
        with st.spinner(f"Reading {window_words()}…"):
            saved = replace_with_proposals(cache.engine())
        cache.clear()
        st.session_state["workloads-flash"] = f"{len(saved)} workloads proposed from your usage."
        st.rerun()


workloads = cache.workloads(url)
if not workloads:
    if cache.span(url) is None:
        offer_demo("workloads-demo")
        st.stop()
    st.info("No workloads yet. " + PROPOSING)
    propose("workloads-propose", "Propose from my data")
    st.stop()

if cache.scenarios(url).empty:
    st.page_link(
        "app/pages/scenarios.py",
        label="Next: suggest a migration plan",
        icon=":material/route:",
    )

table = workload_table(cache.workload_costs(url), workloads, cache.book(url))
totals = workload_totals(table)
if totals.window is not None:
    first, last = totals.window
    st.caption(f"Costs: {window_words()}, {first:%d %b %Y} – {last:%d %b %Y} (UTC), as a month.")
cols = st.columns(3)
cols[0].metric("Workloads", totals.workloads, border=True)
cols[1].metric("Monthly cost covered", usd(totals.monthly_cost_usd), border=True)
cols[2].metric(
    "Unassigned share", f"{totals.unassigned_share:.1%}", help="Share of spend that no workload claims.", border=True
)
if totals.unpriced:
    # When no workload's usage has a price, the cost covered itself reads "unpriced": say so, not "part".
    if totals.monthly_cost_usd is None:
        st.warning(
            f"The usage of {md(some_of(totals.unpriced))} has no price, so what these workloads cost is not known "
            "(see Models → Unresolved ids)."
        )
    else:
        st.warning(
            f"Part of the usage of {md(some_of(totals.unpriced))} has no price, so it is not in these costs (see "
            "Models → Unresolved ids)."
        )

# The columns shown, in order, with their headings: one table, so no column goes unheaded.
table_columns = {
    "name": "Workload",
    "task": "Task",
    "criticality": "Criticality",
    "monthly_cost_usd": st.column_config.NumberColumn("Monthly cost", format="dollar"),
    "share": st.column_config.ProgressColumn("Share", min_value=0.0, max_value=1.0, format="percent"),
    "top_model": "Top model",
    "retirement": st.column_config.TextColumn(
        "Retirement at its host", help="When the host stops serving the top model, and its named successor."
    ),
    "quality_floor_pct": st.column_config.NumberColumn("Quality floor %", help=QUALITY_FLOOR_HELP),
    "latency_slo_p95_s": st.column_config.NumberColumn("p95 objective (s)"),
    "rules_text": st.column_config.TextColumn("Usage it claims", width="large"),
}
st.dataframe(
    table[list(table_columns)],
    hide_index=True,
    placeholder="—",
    key="workloads-table",
    column_config=table_columns,
)

action = st.segmented_control("Action", ACTIONS, default=ACTIONS[0], key="workloads-action") or ACTIONS[0]
labels = {int(w.id or 0): w.name for w in workloads}
by_id = {w.id: w for w in workloads}


def edit() -> None:
    chosen = st.selectbox("Workload", list(labels), format_func=labels.__getitem__, key="workloads-edit-pick")
    workload = by_id[chosen]
    st.caption(f"**Quality floor**: {QUALITY_FLOOR_HELP[0].lower()}{QUALITY_FLOOR_HELP[1:]}")
    edited = workload_form(workload, cache.rule_values(url), key=f"workloads-edit-{chosen}")
    if edited is not None:
        if problems := workload_problems(edited):
            st.error(md(" ".join(problems)))
        else:
            saved = save_workload(cache.engine(), edited)
            cache.clear()
            changed = saved.saved_at != workload.saved_at
            st.session_state["workloads-flash"] = (
                f"Saved {saved.name}: a new version." if changed else f"{saved.name}: nothing changed."
            )
            st.rerun()
    with st.expander("Version history"):
        st.dataframe(cache.workload_history(url, chosen), hide_index=True, key="workloads-history", placeholder="—")
    with st.popover("Delete this workload"):
        st.caption("Its usage goes to the workloads below it, or to Unassigned. Its history is kept.")
        if st.button(f"Delete {md(workload.name)}", key=f"workloads-delete-{chosen}"):
            delete_workload(cache.engine(), chosen)
            cache.clear()
            st.session_state["workloads-flash"] = f"{workload.name} deleted."
            st.rerun()


def merge() -> None:
    st.caption(
        "The merged workload takes all their rules and the place of the first, and the strictest of their "
        "needs: the highest criticality, the lowest quality floor, the tightest latency objective."
    )
    with st.form("workloads-merge"):
        ids = st.multiselect(
            "Workloads to merge", list(labels), format_func=labels.__getitem__, key="workloads-merge-ids"
        )
        name = st.text_input("Name of the merged workload", key="workloads-merge-name")
        if st.form_submit_button("Merge", type="primary"):
            try:
                merged = merge_workloads(cache.engine(), ids, name)
            except UserError as exc:
                st.error(md(exc))
                return
            cache.clear()
            st.session_state["workloads-flash"] = f"Merged {len(ids)} workloads into {merged.name}."
            st.rerun()


def split() -> None:
    st.caption(
        f"One workload per model, feature tag, project or API key it used in {window_words()}; each keeps "
        "the workload's settings."
    )
    with st.form("workloads-split"):
        chosen = st.selectbox("Workload", list(labels), format_func=labels.__getitem__, key="workloads-split-pick")
        by = st.selectbox(
            "Split by", list(SPLIT_DIMENSIONS), format_func=SPLIT_DIMENSIONS.__getitem__, key="workloads-split-by"
        )
        if st.form_submit_button("Split", type="primary"):
            try:
                parts = split_workload(cache.engine(), chosen, by)
            except UserError as exc:
                st.error(md(exc))
                return
            cache.clear()
            st.session_state["workloads-flash"] = f"Split {labels[chosen]} into {', '.join(p.name for p in parts)}."
            st.rerun()


def repropose() -> None:
    st.warning(
        f"This deletes your {len(workloads)} workloads and their edits (their history stays) and saves new "
        "proposals. " + PROPOSING
    )
    if st.checkbox("Replace my workloads with new proposals", key="workloads-repropose-confirm"):
        propose("workloads-repropose", "Re-propose")


{"Edit": edit, "Merge": merge, "Split": split, "Re-propose": repropose}[action]()
