"""Opening the dashboard in Streamlit's AppTest the way a user does: the entry script, then a page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ENTRY = str(Path(__file__).parents[2] / "streamlit_app.py")
FIRST_PAGE = "app/pages/overview.py"


def open_page(page: str, *, timeout: float = 60) -> AppTest:
    """The app with ``page`` open (the entry script lands on the first page), checked to have run cleanly."""
    at = AppTest.from_file(ENTRY, default_timeout=timeout)
    at.run()
    if page != FIRST_PAGE:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def shown(markdown: str) -> str:
    """The text a reader sees of Streamlit Markdown: escapes resolved, emphasis and code marks dropped, and
    the invisible word joiners that keep a name from becoming a link (:mod:`app.components.escape`) gone."""
    from html import unescape

    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").renderInline(markdown)
    for tag in ("strong", "em", "code"):
        rendered = rendered.replace(f"<{tag}>", "").replace(f"</{tag}>", "")
    return unescape(rendered).replace("\u2060", "")
