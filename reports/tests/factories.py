"""Helpers for the reports' tests."""

from __future__ import annotations

import io

import pytest
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from pypdf import PdfReader

from reports import pdf


def pdf_text(body: bytes) -> tuple[PdfReader, str]:
    """Return the PDF's reader and the text of all its pages."""
    reader = PdfReader(io.BytesIO(body))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def html_instead_of_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the PDF builders return the report's HTML (what WeasyPrint would lay out), for tests of what a report
    says rather than how it is laid out: much faster, and one real PDF per report is laid out in test_pdf."""
    monkeypatch.setattr(
        pdf, "render_pdf", lambda template_name, context: render_to_string(template_name, context).encode()
    )


def words(html: bytes) -> str:
    """Return the text of an HTML document, tags removed and white space collapsed."""
    return " ".join(strip_tags(html.decode()).split())
