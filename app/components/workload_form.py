"""The form that edits one workload: its name, what it does, what it needs, and the usage it claims."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import streamlit as st

from analysis.assumptions import DEFAULT_FLOOR_PCT
from analysis.quality import floor_words
from analysis.workloads import CRITICALITIES, TASK_CATEGORIES, Rule, Workload

__all__ = ["FLAG_LABELS", "QUALITY_FLOOR_HELP", "workload_form"]

QUALITY_FLOOR_HELP = (
    f"The most quality a replacement may lose against today's model, in %. With 5, a candidate needs {floor_words(5)}."
    " Proposals start from "
    + ", ".join(f"{floor:g}% for {level}" for level, floor in DEFAULT_FLOOR_PCT.items())
    + " criticality."
)
SLO_HELP = "The 95th-percentile response time this workload must keep, in seconds. Empty: no objective."
FLAG_LABELS = {
    "needs_tools": ("Tool calling", "The workload calls functions or tools."),
    "needs_vision": ("Vision", "Prompts include images."),
    "needs_json_schema": ("JSON schema output", "Answers must follow a JSON schema (structured outputs)."),
    "needs_caching": ("Prompt caching", "The workload's cost relies on cached prompts."),
    "batch_tolerant": ("Batch-tolerant", "Answers can wait hours: the batch API's lower price applies."),
}
_RULE_COLUMNS = {"project": "Project", "feature": "Feature tag", "api_key": "API key", "model": "Model"}


def _rules_frame(rules: tuple[Rule, ...]) -> pd.DataFrame:
    return pd.DataFrame([r.given() for r in rules], columns=list(_RULE_COLUMNS)).astype(object)


def _rules_from(frame: pd.DataFrame) -> tuple[Rule, ...]:
    rules = []
    for row in frame.to_dict("records"):
        given = {k: str(v).strip() for k, v in row.items() if k in _RULE_COLUMNS and isinstance(v, str) and v.strip()}
        if given:
            rules.append(Rule(**given))
    return tuple(dict.fromkeys(rules))


def workload_form(workload: Workload, values: dict[str, list[str]], key: str) -> Workload | None:
    """The workload as the user edited it when they press Save, else None. ``values`` are what each rule
    field takes in the ledger, offered as choices."""
    with st.form(key):
        name = st.text_input("Name", workload.name, max_chars=200, key=f"{key}-name")
        left, right = st.columns(2)
        tasks = list(TASK_CATEGORIES)
        task = left.selectbox(
            "Task category",
            tasks,
            index=tasks.index(workload.task_category),
            format_func=TASK_CATEGORIES.__getitem__,
            key=f"{key}-task",
        )
        criticality = right.selectbox(
            "Criticality",
            CRITICALITIES,
            index=CRITICALITIES.index(workload.criticality),
            help="How much the business suffers when it fails.",
            key=f"{key}-criticality",
        )
        floor = left.number_input(
            "Quality floor (%)",
            min_value=0.0,
            max_value=100.0,
            value=float(workload.quality_floor_pct),
            step=1.0,
            help=QUALITY_FLOOR_HELP,
            key=f"{key}-floor",
        )
        slo = right.number_input(
            "p95 latency objective (s)",
            min_value=0.1,
            value=workload.latency_slo_p95_s,
            step=0.5,
            help=SLO_HELP,
            key=f"{key}-slo",
        )
        st.markdown("**Needs**")
        columns = st.columns(len(FLAG_LABELS))
        flags = {
            flag: column.checkbox(label, value=getattr(workload, flag), help=help_text, key=f"{key}-{flag}")
            for column, (flag, (label, help_text)) in zip(columns, FLAG_LABELS.items(), strict=True)
        }
        st.markdown("**Usage it claims**")
        st.caption(
            "One rule per row; a rule matches usage with every value it names (an empty cell matches "
            "anything). Model matches a model id or its canonical model, e.g. gpt-4o for every snapshot."
        )
        options = {
            name: sorted(set(values.get(name, [])) | {getattr(r, name) for r in workload.rules if getattr(r, name)})
            for name in _RULE_COLUMNS
        }
        edited = st.data_editor(
            _rules_frame(workload.rules),
            num_rows="dynamic",
            hide_index=True,
            width="stretch",
            # An empty cell matches anything: say so, rather than "None".
            placeholder="any",
            column_config={
                name: st.column_config.SelectboxColumn(label, options=options[name])
                for name, label in _RULE_COLUMNS.items()
            },
            key=f"{key}-rules",
        )
        if not st.form_submit_button("Save", type="primary"):
            return None
    return replace(
        workload,
        name=name.strip(),
        rules=_rules_from(edited),
        task_category=task,
        criticality=criticality,
        quality_floor_pct=float(floor),
        latency_slo_p95_s=float(slo) if slo is not None else None,
        **flags,
    )
