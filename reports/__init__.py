"""Leadership exports: pure functions from analysis results to bytes — a PDF executive summary, an XLSX for
finance, a PPTX deck, Markdown and HTML for wikis and email, each of one scenario or of two to four compared
(:mod:`reports.render`), and the priced ledger as a FinOps FOCUS 1.2 CSV (:mod:`reports.focus`)."""

from __future__ import annotations

__all__: list[str] = []
