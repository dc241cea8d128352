"""The summary as one self-contained HTML file, for email and intranets: inline CSS, the chart as a PNG data
URI (or a note in its place), no script and nothing fetched. Every text is escaped, the user's names first."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from html import escape

from reports.charts import ChartRenderer, draw, kaleido_png, monthly_figure
from reports.document import Bullets, ChartSlot, Heading, Para, Table, summary_blocks
from reports.pack import ReportPack, check_comparison

__all__ = ["html_report"]

_STYLE = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;color:#212529;max-width:60rem;margin:2rem auto;
padding:0 1rem;line-height:1.45}
h1{font-size:1.8rem;margin:.2rem 0 .8rem}h2{color:#1f77b4;font-size:1.3rem;margin-top:2rem}
h3{color:#1f77b4;font-size:1.05rem}
p.lead{font-size:1.35rem;font-weight:bold;color:#1f77b4;margin:.3rem 0}p.strong{font-weight:bold}
p.note{color:#6c757d;font-style:italic;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0 1rem}
th,td{border-bottom:1px solid #ced4da;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#eaf2fa}td.num,th.num{text-align:right;white-space:nowrap}tr:nth-child(even) td{background:#f6f8fa}
figure{margin:1rem 0}figure img{width:100%;height:auto}
.missing{background:#eaf2fa;padding:.6rem;font-style:italic;color:#6c757d}
""".strip()


def html_report(
    packs: Sequence[ReportPack], *, generated_at: datetime, charts: ChartRenderer | None = kaleido_png
) -> bytes:
    """The summary of one scenario, or of two to four compared, as a UTF-8 HTML page with nothing outside it."""
    found = check_comparison(packs)
    title = found[0].name if len(found) == 1 else " vs ".join(p.name for p in found)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="exitplan"><meta name="date" content="{generated_at.isoformat()}">',
        f"<title>{escape(title)} · exitplan</title>",
        f"<style>{_STYLE}</style></head><body>",
    ]
    for block in summary_blocks(found, generated_at):
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{escape(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            style = f' class="{block.style}"' if block.style else ""
            out.append(f"<p{style}>{escape(block.text)}</p>")
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{escape(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, Table):

            def cell(tag: str, index: int, text: str, right: frozenset[int] = block.right) -> str:
                kind = ' class="num"' if index in right else ""
                return f"<{tag}{kind}>{escape(text)}</{tag}>"

            out.append(
                "<table><thead><tr>"
                + "".join(cell("th", i, h) for i, h in enumerate(block.header))
                + "</tr></thead><tbody>"
            )
            out += ["<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in block.rows]
            out.append("</tbody></table>")
        elif isinstance(block, ChartSlot):
            chart = draw(monthly_figure(found), charts)
            if chart.png is not None:
                data = base64.b64encode(chart.png).decode("ascii")
                image = f'<img alt="Monthly cost, staying against moving" src="data:image/png;base64,{data}">'
                out.append(f"<figure>{image}</figure>")
            else:
                out.append(f'<p class="missing">{escape(chart.note or "")}</p>')
    out.append("</body></html>")
    return ("\n".join(out) + "\n").encode()
