"""Markdown and HTML say what the PDF says, escape the user's names, and stand alone."""

from __future__ import annotations

import re
from dataclasses import replace

from markdown_it import MarkdownIt

from analysis.money import usd, usd_range
from reports.html_page import html_report
from reports.markdown import markdown_report
from reports.pack import ReportPack, WorkloadLine
from tests.reports.conftest import GENERATED, no_browser, png


def test_markdown_has_the_summary_and_escapes_names(pack: ReportPack) -> None:
    text = markdown_report([pack], generated_at=GENERATED).decode()
    assert text.startswith("# Plan A: the business case for moving\n")
    assert f"**Saves {usd(pack.monthly_savings_usd)} a month once done" in text
    assert pack.monthly_savings_range is not None
    assert usd_range(pack.monthly_savings_range[0], pack.monthly_savings_range[2]) in text
    assert "## The five assumptions that matter most" in text and "## Month by month" in text
    assert "A directional estimate, not a quote" in text
    # The workload named as a formula is a table cell, not markup; a pipe cannot break the table.
    assert '=HYPERLINK("http://x","y")' in text
    piped = replace(pack, workloads=(_renamed(pack.workloads[0], "a|b <i>c</i>"), *pack.workloads[1:]))
    table = markdown_report([piped], generated_at=GENERATED).decode()
    assert "a\\|b &lt;i&gt;c&lt;/i&gt;" in table and "<i>" not in table
    assert markdown_report([pack], generated_at=GENERATED) == markdown_report([pack], generated_at=GENERATED)


def _renamed(line: WorkloadLine, name: str) -> WorkloadLine:
    return replace(line, outcome=replace(line.outcome, workload=name))


def test_html_is_one_self_contained_page_with_the_chart_inline(pack: ReportPack) -> None:
    page = html_report([pack], generated_at=GENERATED, charts=png).decode()
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert f"Saves {usd(pack.monthly_savings_usd)} a month once done" in page
    assert '<img alt="Monthly cost, staying against moving" src="data:image/png;base64,' in page
    # Nothing is fetched and nothing runs.
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page) and "<script" not in page.lower()
    assert "=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)" in page
    hostile = replace(pack, workloads=(_renamed(pack.workloads[0], "<script>alert(1)</script>"), *pack.workloads[1:]))
    assert "<script" not in html_report([hostile], generated_at=GENERATED, charts=None).decode().lower()
    assert html_report([pack], generated_at=GENERATED, charts=png) == html_report(
        [pack], generated_at=GENERATED, charts=png
    )


def test_html_without_a_browser_has_a_note_for_the_chart(pack: ReportPack) -> None:
    page = html_report([pack], generated_at=GENERATED, charts=no_browser).decode()
    assert '<p class="missing">Chart not drawn: no browser could draw it' in page and "<img" not in page
    assert "Month by month" in page


def test_both_compare_scenarios(pack: ReportPack, other: ReportPack) -> None:
    text = markdown_report([pack, other], generated_at=GENERATED).decode()
    assert text.startswith("# 2 migration scenarios compared")
    assert "## Plan A" in text and "## Plan B" in text and usd(other.npv_usd) in text
    page = html_report([pack, other], generated_at=GENERATED, charts=png).decode()
    assert "<h2>Plan B</h2>" in page and page.count("<img") == 1


def test_a_name_written_as_a_markdown_image_is_text_not_an_image(pack: ReportPack) -> None:
    image = "![t](http://host/x.png)"
    line = _renamed(pack.workloads[0], image)
    named = replace(line, outcome=replace(line.outcome, moved_to=f"{image} on {image}"))
    text = markdown_report([replace(pack, name=image, workloads=(named, *pack.workloads[1:]))], generated_at=GENERATED)
    html = MarkdownIt("commonmark").enable("table").render(text.decode())
    assert "<img" not in html and html.count(image) >= 3
