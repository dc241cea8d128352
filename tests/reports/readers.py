"""Opening the reports with real readers: pypdf for a PDF's text, pdfium for its pixels."""

from __future__ import annotations

import io

import pypdfium2
from pypdf import PdfReader


def pdf_pages(data: bytes) -> list[str]:
    """Each page's text, with runs of white space made single spaces (pypdf breaks lines where the PDF does)."""
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


def page_one_ink(data: bytes) -> float:
    """The share of page one's pixels that are not white, rendered at 72 dpi by pdfium."""
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[0].render(scale=1).to_pil().convert("L")
    finally:
        document.close()
    pixels = image.tobytes()
    return sum(1 for value in pixels if value < 200) / len(pixels)
