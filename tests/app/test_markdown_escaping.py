"""User-named text is escaped wherever Streamlit renders Markdown: the helper itself, a scan of every page and
component for text put into a Markdown-rendering call without it, and pages opened with names that are
Markdown images, links and script tags."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from analysis.workloads import list_workloads, save_workload
from app.components.escape import md
from collectors.files import ingest_files
from db import open_ledger
from tests.app.apptest import open_page, shown

ROOT = Path(__file__).parents[2]
# charts.py draws Plotly figures, whose text is not Markdown.
SOURCES = sorted(
    path
    for path in [*ROOT.glob("app/pages/*.py"), *ROOT.glob("app/components/*.py"), ROOT / "streamlit_app.py"]
    if path.name != "charts.py"
)

BEACON = "![t](http://127.0.0.1:9/beacon.png)"
HOSTILE = [
    BEACON,
    "[click](http://127.0.0.1:9/x)",
    "<script>alert(1)</script>",
    ":red[red] $x^2$ http://127.0.0.1:9/y",
    "www.example.com ops@example.com <https://example.com>",
]

# CommonMark with tables and strikethrough, plus GFM's bare-URL links: the nearest Python reading of what
# Streamlit's react-markdown (remark-gfm) makes a link or an image.
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


# remark-gfm links a bare URL or e-mail address found in the text after escapes are read (as
# mdast-util-gfm-autolink-literal does, ASCII word characters only).
_BARE_LINK = re.compile(r"(?i)https?://|\bwww\.|[-.\w+]+@[-\w]+\.\w")


def live_markup(source: str) -> list[str]:
    """The images, links, bare links and raw HTML that ``source`` renders to (empty when it is only text)."""
    html = _MARKDOWN.render(source)
    found = [tag for tag in ("<img", "<a ", "<script") if tag in html]
    return found + _BARE_LINK.findall(unescape(re.sub(r"<[^>]+>", "", html)))


@pytest.mark.parametrize("name", HOSTILE)
def test_an_escaped_name_renders_as_the_text_typed(name: str) -> None:
    escaped = md(name)
    assert live_markup(escaped) == []
    # What the reader sees is the name as typed.
    assert shown(escaped) == name


def test_plain_names_are_unchanged_to_the_reader() -> None:
    assert shown(md("Support chat (EU) — gpt-4o_mini v2.1")) == "Support chat (EU) — gpt-4o_mini v2.1"
    assert shown(md("ops@corp.example, www.corp.example")) == "ops@corp.example, www.corp.example"
    # A line break would let a name start a heading or a list: names are kept on one line.
    assert md("a\n# b") == "a \\# b"


# Streamlit calls whose text (first argument) is Markdown; `help` is Markdown on every call, `text` on progress.
_BODY = {
    "markdown",
    "write",
    "caption",
    "info",
    "warning",
    "success",
    "error",
    "toast",
    "title",
    "header",
    "subheader",
    "metric",
    "expander",
    "button",
    "download_button",
    "form_submit_button",
    "popover",
    "spinner",
    "tabs",
}
_KEYWORDS = {"help", "text"}
# Calls that return exitplan's own words and numbers, never a user's name.
_OWN_WORDS = {"md", "count", "usd", "usd_together", "percent", "window_words", "len", "mix_caption"}
# Functions that escape what they put in (name: where).
_OWN_WORDS |= {"_describe"}  # price_overrides: md() on the provider, model and note
# report_preview: the report's Markdown, whose user names reports.markdown escaped, with Streamlit's $ and : too.
_OWN_WORDS |= {"for_streamlit"}
# Case changes of a safe text.
_CASE = {"upper", "lower", "capitalize", "strip"}
# Variables reviewed to hold only exitplan's own words or numbers (name: why).
_REVIEWED = {
    "spend": "a money figure",
    "run_rate": "a money figure",
    "share": "a percentage",
    "last": "exitplan's words",
    "title": "a count in exitplan's words (Data page)",
    "message": "built from md() parts (Data page)",
    "label": "exitplan's words",
    "noun": "exitplan's words",
    "window": "exitplan's words",
    "nobody": "exitplan's words",
    "reason": "exitplan's words",
    "lines": "built with md() parts (Evaluate panel)",
    "chosen": "an import id (Data page)",
    "unknown": "exitplan's words (Overview)",
    "help_text": "FLAG_LABELS' constant help (workload form)",
    "skipped": "a count in exitplan's words (Data page, kept prompts)",
}
# Attributes reviewed to hold numbers or exitplan's own words, whatever object they are read from.
_REVIEWED_ATTRIBUTES = {
    "gpus_per_replica": "a count",
    "horizon_months": "a count",
    "import_id": "an id",
    "criticality": "one of exitplan's levels",
    "title": "a provider's title in collectors.api.PROVIDERS",
    "key_env": "an environment variable's name in collectors.api.PROVIDERS",
    "label": "a report format's name in reports.render (Report page)",
}


def _safe(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.JoinedStr):
        return all(_safe(part) for part in node.values)
    if isinstance(node, ast.FormattedValue):
        # A format spec (":,", ":.0%", ":%d %b") formats a number or a date.
        return node.format_spec is not None or _safe(node.value)
    if isinstance(node, ast.BinOp):
        return _safe(node.left) and _safe(node.right)
    if isinstance(node, ast.IfExp):
        return _safe(node.body) and _safe(node.orelse)
    if isinstance(node, ast.BoolOp):
        return all(_safe(value) for value in node.values)
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id in _OWN_WORDS
        if isinstance(func, ast.Attribute) and func.attr == "join" and isinstance(func.value, ast.Constant):
            return all(_safe(arg) for arg in node.args)
        if isinstance(func, ast.Attribute) and func.attr in _CASE:
            return _safe(func.value)
        return False
    if isinstance(node, ast.GeneratorExp | ast.ListComp):
        return _safe(node.elt)
    if isinstance(node, ast.Name):
        return node.id.isupper() or node.id in _REVIEWED
    if isinstance(node, ast.Attribute):
        return node.attr in _REVIEWED_ATTRIBUTES
    if isinstance(node, ast.Subscript):
        return _safe(node.value)
    return False


def unescaped(path: Path) -> list[str]:
    """Each Markdown-rendering call in ``path`` with text that is neither exitplan's own nor escaped."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        texts = [node.args[0]] if method in _BODY and node.args else []
        texts += [k.value for k in node.keywords if k.arg in _KEYWORDS and method != "column_config"]
        if method == "progress" and len(node.args) > 1:
            texts.append(node.args[1])
        found += [f"{path.relative_to(ROOT)}:{text.lineno}: {ast.unparse(text)}" for text in texts if not _safe(text)]
    return found


def test_every_markdown_call_escapes_what_users_named() -> None:
    found = [line for path in SOURCES for line in unescaped(path)]
    assert found == []


def test_the_scan_finds_an_unescaped_name(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        'st.markdown(f"**{model}** at {md(host)}")\n'
        "st.caption(sentence)\n"
        'st.button(f"Delete {name}")\n'
        "bar.progress(0.5, text=f'{name}: {rows:,} rows')\n"
        'st.info(md(f"{workload} has {n:,} rows"))\n'
    )
    found = [line.split(": ", 1)[1] for line in unescaped_at(page)]
    assert found == [
        "f'**{model}** at {md(host)}'",
        "sentence",
        "f'Delete {name}'",
        "f'{name}: {rows:,} rows'",
    ]


def unescaped_at(path: Path) -> list[str]:
    global ROOT
    saved, ROOT = ROOT, path.parent
    try:
        return unescaped(path)
    finally:
        ROOT = saved


# ---- pages opened with hostile names ----------------------------------------------------------------------

USAGE = (
    "date,provider,model,project,input_tokens,output_tokens\n"
    f'2026-10-30,azure,"{BEACON}",<script>alert(1)</script>,2000000,500000\n'
    '2026-10-30,openai,gpt-4o,"[click](http://127.0.0.1:9/x)",1000000,100000\n'
)


def all_markdown(at: AppTest) -> list[str]:
    """Every text the page renders as Markdown: bodies, captions, alerts, titles, metric labels and help."""
    texts = [e.value for kind in ("markdown", "caption", "title", "header", "subheader") for e in getattr(at, kind)]
    texts += [e.value for kind in ("info", "warning", "success", "error") for e in getattr(at, kind)]
    texts += [m.label for m in at.metric] + [e.label for e in at.expander] + [b.label for b in at.button]
    return [str(text) for text in texts]


@pytest.fixture
def hostile_ledger(app_ledger: str, tmp_path: Path) -> str:
    outcomes = list(ingest_files(open_ledger(app_ledger), [("hostile.csv", USAGE.encode())]))
    assert outcomes[0].result is not None and outcomes[0].result.rows_accepted == 2
    return app_ledger


def test_unresolved_ids_show_a_markdown_image_model_as_text(hostile_ledger: str) -> None:
    at = open_page("app/pages/models.py")
    at.segmented_control(key="models-section").set_value("Unresolved ids").run()
    assert not at.exception
    cards = [text for text in all_markdown(at) if "tokens in" in text]
    assert len(cards) == 1
    assert live_markup(cards[0]) == []
    assert shown(cards[0]).startswith("![t](http://127.0.0.1:9/beacon.png) at azure —")
    assert all(live_markup(text) == [] for text in all_markdown(at))


@pytest.mark.parametrize(
    "page_path", ["app/pages/overview.py", "app/pages/models.py", "app/pages/workloads.py", "app/pages/data.py"]
)
def test_no_page_renders_a_hostile_name_as_markup(hostile_ledger: str, page_path: str) -> None:
    at = open_page(page_path)
    rendered = all_markdown(at)
    assert rendered
    assert [text for text in rendered if live_markup(text)] == []


def test_a_workload_named_as_markup_is_text_on_workloads_and_alternatives(hostile_ledger: str) -> None:
    at = open_page("app/pages/workloads.py")
    at.button(key="workloads-propose").click().run()
    assert not at.exception
    engine = open_ledger(hostile_ledger)
    first = list_workloads(engine)[0]
    save_workload(engine, replace(first, name=f"{BEACON} <script>x</script>"))
    for path in ("app/pages/workloads.py", "app/pages/alternatives.py", "app/pages/risk.py"):
        at = open_page(path)
        assert [text for text in all_markdown(at) if live_markup(text)] == [], path
