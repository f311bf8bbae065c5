"""Helpers for the reports' tests."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(body: bytes) -> tuple[PdfReader, str]:
    """Return the PDF's reader and the text of all its pages."""
    reader = PdfReader(io.BytesIO(body))
    return reader, "\n".join(page.extract_text() for page in reader.pages)
