"""Data: bring usage exports into the ledger, see what was accepted, rejected and skipped as not usage (by kind),
undo an import."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.evaluation import workload_groups
from analysis.imports import outcome_words, skipped_words
from analysis.reconcile import GAP_THRESHOLD
from app import cache
from app.components.column_mapping import mapping_form
from app.components.demo_data import offer_demo
from app.components.demo_notice import demo_notice, offer_demo_removal
from app.components.escape import md
from app.components.sync import sync_now
from app.serving import MAX_UPLOAD_ENV, max_upload_mb
from collectors.files import FileOutcome, ingest_files
from collectors.progress import ImportProgress, estimated_rows
from collectors.samples import DEFAULT_LIMIT, PromptKeeping
from collectors.source import source_from_bytes
from db import default_url, delete_import, rejected_rows_of, skipped_kinds
from db.column_mappings import find_mapping, save_mapping
from db.errors import UserError
from reports.safety import safe_csv

st.title("Data")
url = default_url()
demo_notice()

if cache.span(url) is None and cache.imports(url).empty:
    offer_demo("data-demo", upload_link=False)

st.subheader("Import usage")
st.caption(
    "Usage and cost exports from OpenAI, Anthropic, Azure, AWS Bedrock, Google (Gemini, Vertex, billing), "
    "LiteLLM, Helicone, Langfuse, OpenTelemetry GenAI spans and FOCUS, or exitplan's canonical CSV; any other "
    "CSV through a column mapping. The format is recognised from the content; .gz and .zip are accepted. "
    "Every row read is accepted, rejected (it should have been usage and could not be read: each is kept with its "
    "reason) or skipped as not usage by the source's own definition (a span, a failed request that used nothing, "
    "a storage line of a cloud bill), counted by kind."
)
try:
    limit_mb = max_upload_mb()
except UserError as exc:
    st.error(md(exc))
    st.stop()
st.caption(
    f"Files up to **{limit_mb:,} MB** each here (`{MAX_UPLOAD_ENV}` sets it); import bigger ones with "
    "`exitplan ingest FILE`, which streams them."
)
uploads = st.file_uploader("Usage files", accept_multiple_files=True, key="data-upload", max_upload_size=limit_mb)
# Streamlit refuses a bigger upload in the browser and at the server; this says so should one get here.
too_big = [upload.name for upload in uploads or [] if upload.size > limit_mb * 1024 * 1024]
if too_big:
    st.error(
        f"Over the {limit_mb:,} MB limit, not imported: {md(', '.join(too_big))}. Import them with "
        "`exitplan ingest FILE`."
    )
# Prompts are sensitive: kept only when asked, as `exitplan ingest --keep-prompts N` does.
keep_prompts = st.checkbox(
    "Keep a sample of prompts to evaluate candidates on",
    key="data-keep-prompts",
    help="From logs that carry prompts (LiteLLM, Langfuse, Helicone, OpenTelemetry): a seeded sample of at most "
    "N per workload, to replay with Evaluate on Alternatives. Nothing else stores prompts.",
)
if keep_prompts:
    left, right = st.columns(2)
    keep_limit = left.number_input("At most, per workload", min_value=1, value=DEFAULT_LIMIT, key="data-keep-limit")
    keep_redacted = right.checkbox(
        "Redact e-mail addresses, phone numbers and API keys first", value=True, key="data-keep-redact"
    )
if st.button("Import", type="primary", disabled=not uploads, key="data-import"):
    files = [(upload.name, upload.getvalue()) for upload in uploads or [] if upload.name not in too_big]
    bar = st.progress(0.0, text="Importing…")
    keep = None
    if keep_prompts:
        keep = PromptKeeping(int(keep_limit), redact=keep_redacted, group_by=workload_groups(cache.workloads(url)))

    progress: dict[str, ImportProgress] = {}

    def report(index: int, name: str, rows: int) -> None:
        if name not in progress:
            upload, content = files[index]
            # A file inside a zip archive has no size at hand: rows and rows a second, no time left.
            estimate = estimated_rows(source_from_bytes(upload, content)) if name == upload else None
            progress[name] = ImportProgress(estimate=estimate)
        mine = progress[name]
        mine.update(rows)
        bar.progress((index + (mine.fraction or 0.0)) / len(files), text=f"{md(name)}: {md(mine.words())}")

    outcomes = list(ingest_files(cache.engine(), files, on_progress=report, keep=keep))
    bar.empty()
    unmapped: list[dict[str, object]] = []
    for outcome in outcomes:
        if outcome.header and outcome.source is not None:
            # Keep the file so the user can map its columns and import it without uploading again.
            with outcome.source.open() as stream:
                unmapped.append({"file": outcome.file, "content": stream.read(), "header": outcome.header})
    st.session_state["data-results"] = [outcome for outcome in outcomes if not outcome.header]
    st.session_state["data-unmapped"] = unmapped
    cache.clear()
    # Drawn again with the ledger as it now is: the empty ledger's offer above no longer holds.
    st.rerun()

pending = st.session_state.get("data-unmapped", [])
for n, waiting in enumerate(list(pending)):
    header = list(waiting["header"])
    mapping = mapping_form(waiting["file"], header, key=f"data-mapping-{n}", saved=find_mapping(cache.engine(), header))
    if mapping is None:
        continue
    for outcome in ingest_files(cache.engine(), [(waiting["file"], waiting["content"])], mapping=mapping):
        if outcome.result is not None:
            save_mapping(cache.engine(), header, mapping)
        st.session_state.setdefault("data-results", []).append(outcome)
    pending.remove(waiting)
    cache.clear()
    st.rerun()


def show_kept_prompts(outcome: FileOutcome) -> None:
    """What keeping prompts from an imported file did, when the user asked."""
    kept = outcome.kept
    if kept is None and outcome.kept_error:
        st.warning(f"Prompts of **{md(outcome.file)}** not kept: {md(outcome.kept_error)}")
    elif kept is not None and not kept.carries_content:
        st.caption(
            f"{md(outcome.file)}: this format carries no prompts (LiteLLM, Langfuse, Helicone and OTel logs do)."
        )
    elif kept is not None:
        skipped = f", {kept.not_replayable:,} not replayable as text chat" if kept.not_replayable else ""
        st.caption(
            f"{md(outcome.file)}: {kept.kept:,} prompt samples kept of {kept.replayable:,} requests with a "
            f"prompt{skipped}."
        )


def show_skipped(kinds: dict[str, int], key: str) -> None:
    """The rows an import skipped as not usage, per kind, most first."""
    table = pd.DataFrame({"Kind": list(kinds), "Rows": list(kinds.values())}).sort_values("Rows", ascending=False)
    st.dataframe(
        table, hide_index=True, key=key, column_config={"Rows": st.column_config.NumberColumn(format="localized")}
    )


def show_reconciliation(import_id: int, key: str) -> None:
    table = cache.reconciliation(url, import_id)
    if table.empty:
        return
    flagged = int(table["flagged"].sum())
    title = f"Computed vs reported cost ({flagged} model(s) differ by more than {GAP_THRESHOLD:.0%})"
    with st.expander(title, expanded=bool(flagged)):
        st.dataframe(
            table,
            hide_index=True,
            key=key,
            column_config={
                "computed_usd": st.column_config.NumberColumn("Computed", format="dollar"),
                "reported_usd": st.column_config.NumberColumn("Reported", format="dollar"),
                "gap_usd": st.column_config.NumberColumn("Gap", format="dollar"),
                "gap_share": st.column_config.NumberColumn("Gap %", format="percent"),
                "flagged": st.column_config.CheckboxColumn("Over threshold"),
                "unpriced": st.column_config.CheckboxColumn("Unpriced"),
            },
            placeholder="—",
        )


for outcome in st.session_state.get("data-results", []):
    r = outcome.result
    if r is None:
        st.error(f"**{md(outcome.file)}** was not imported: {md(outcome.error)}")
        continue
    if r.duplicate:
        st.info(f"**{md(r.file)}** was already imported (import {r.import_id}); nothing changed.")
        show_kept_prompts(outcome)
        continue
    message = f"**{md(r.file)}** ({md(r.format)}): " + md(
        outcome_words(r.rows_read, r.rows_accepted, r.rows_rejected, r.skipped)
    )
    # Rows skipped as not usage are no fault of the file: only rejections make the outcome a warning.
    if r.rows_rejected:
        st.warning(message)
        rejected = rejected_rows_of(cache.engine(), r.import_id)
        with st.expander(f"Why {r.rows_rejected:,} rows were rejected"):
            st.dataframe(rejected.head(200), hide_index=True, placeholder="—")
        st.download_button(
            "Download rejected rows (CSV)",
            safe_csv(rejected),
            file_name=f"rejected_rows_import_{r.import_id}.csv",
            mime="text/csv",
            key=f"download-rejected-{r.import_id}",
        )
    else:
        st.success(message)
    if r.rows_skipped:
        with st.expander(f"What the {r.rows_skipped:,} rows skipped as not usage were"):
            show_skipped(dict(r.skipped), key=f"data-skipped-{r.import_id}")
    show_reconciliation(r.import_id, key=f"data-reconcile-{r.import_id}")
    show_kept_prompts(outcome)

# The demo never mixes silently with the user's own data: once a file of theirs is in, offer to remove it.
offer_demo_removal(st.session_state.get("data-results", []))
if any(o.result is not None and not o.result.duplicate for o in st.session_state.get("data-results", [])):
    st.page_link(
        "app/pages/workloads.py", label="Next: group your usage by product and team", icon=":material/account_tree:"
    )

sync_now("data-sync")

st.subheader("Import history")
history = cache.imports(url)
if history.empty:
    st.caption("Nothing imported yet.")
    st.stop()
kinds = skipped_kinds(cache.engine())
history = history.assign(skipped_as=[skipped_words(kinds.get(int(i), {}), most=3) or None for i in history["id"]])
# The columns shown, in order, with their headings: one table, so no column goes unheaded.
history_columns = {
    "id": "Import",
    "source_name": "File",
    "format": "Format",
    "rows_read": st.column_config.NumberColumn("Read", format="localized"),
    "rows_accepted": st.column_config.NumberColumn("Accepted", format="localized"),
    "rows_rejected": st.column_config.NumberColumn("Rejected", format="localized"),
    "rows_skipped": st.column_config.NumberColumn(
        "Skipped", format="localized", help="Rows that are not usage by the source's own definition"
    ),
    "skipped_as": st.column_config.TextColumn("Skipped as (not usage)"),
    "period_start": st.column_config.DatetimeColumn("From", format="YYYY-MM-DD"),
    "period_end": st.column_config.DatetimeColumn("To", format="YYYY-MM-DD"),
    "created_at": st.column_config.DatetimeColumn("Imported (UTC)", format="YYYY-MM-DD HH:mm"),
}
st.dataframe(
    history[list(history_columns)],
    hide_index=True,
    column_config=history_columns,
    placeholder="—",
)

labels = {int(row.id): f"{row.id} · {row.source_name}" for row in history.itertuples()}
chosen = st.selectbox("Import", list(labels), format_func=labels.__getitem__, key="data-chosen")
if chosen is not None:
    row = history[history["id"] == chosen].iloc[0]
    if kinds.get(int(chosen)):
        st.caption(f"Skipped as not usage: {md(skipped_words(kinds[int(chosen)]))}")
    show_reconciliation(chosen, key="data-history-reconcile")
    left, right = st.columns(2)
    if row["rows_rejected"]:
        left.download_button(
            f"Download its {row['rows_rejected']:,} rejected rows",
            safe_csv(rejected_rows_of(cache.engine(), chosen)),
            file_name=f"rejected_rows_import_{chosen}.csv",
            mime="text/csv",
            key="data-history-download",
        )
    if right.button("Delete import", key="data-delete", help="Removes its usage and rejected rows."):
        delete_import(cache.engine(), chosen)
        st.session_state.pop("data-results", None)
        cache.clear()
        st.toast(f"Import {chosen} deleted.")
        st.rerun()
