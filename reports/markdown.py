"""The summary as Markdown, for a wiki or a pull request. A workload's name is the user's: Markdown's own
characters and HTML's are escaped in it, so a name can neither break a table nor inject markup into a wiki
that renders HTML inside Markdown."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from reports.document import Bullets, ChartSlot, Heading, Para, Table, summary_blocks
from reports.pack import ReportPack, check_comparison

__all__ = ["escape_markdown", "markdown_report"]

# Inline Markdown: emphasis, code, links, table cells and strikethrough (GFM). Block syntax (#, -, +) only
# counts at a line's start, where every line here begins with exitplan's own words.
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape_markdown(text: str) -> str:
    """``text`` as literal Markdown inline text, on one line.

    >>> print(escape_markdown("a|b <script>*x* gpt-4o"))
    a\\|b &lt;script&gt;\\*x\\* gpt-4o
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def markdown_report(packs: Sequence[ReportPack], *, generated_at: datetime) -> bytes:
    """The summary of one scenario, or of two to four compared, as UTF-8 Markdown (GitHub-flavoured tables)."""
    found = check_comparison(packs)
    out: list[str] = []
    for block in summary_blocks(found, generated_at):
        if isinstance(block, Heading):
            out += [f"{'#' * block.level} {escape_markdown(block.text)}", ""]
        elif isinstance(block, Para):
            text = escape_markdown(block.text)
            out += [
                f"**{text}**" if block.style in ("lead", "strong") else f"_{text}_" if block.style == "note" else text,
                "",
            ]
        elif isinstance(block, Bullets):
            out += [*(f"- {escape_markdown(item)}" for item in block.items), ""]
        elif isinstance(block, Table):
            out.append("| " + " | ".join(escape_markdown(h) for h in block.header) + " |")
            out.append("|" + "|".join("---:" if i in block.right else "---" for i in range(len(block.header))) + "|")
            out += ["| " + " | ".join(escape_markdown(c) for c in row) + " |" for row in block.rows]
            out.append("")
        elif isinstance(block, ChartSlot):
            out += ["_The monthly cost of staying and of moving is in the Month by month table below._", ""]
    return ("\n".join(out).rstrip() + "\n").encode()
