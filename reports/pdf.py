"""Django templates to PDF bytes with WeasyPrint, offline.

A report's HTML refers to its stylesheet and fonts by their static URLs. WeasyPrint fetches them through
``StaticFilesFetcher``, which reads /static/ files from disk with the staticfiles finders and refuses every
other URL: a report never reaches the network (a council intranet may have none) and a partnership's text
cannot make the server fetch anything. Charts are placed as data: URIs of their SVG.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import mimetypes
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from assessments.instruments import default_instrument
from reports import services
from reports.models import AuditReport
from reports.selectors import AuditReview, PartnershipReport, PortfolioReport

logger = logging.getLogger(__name__)

# A reserved name (RFC 2606) that never resolves: relative URLs in a report join onto it, and only the fetcher
# below answers for it.
BASE_URL = "https://report.invalid/"
AUTHOR = "Partnership Health Check"
PDF_VARIANT = "pdf/ua-1"


class RefusedURL(ValueError):
    """A report asked for something other than a static file or inline data."""


class StaticFilesFetcher(URLFetcher):
    """Serve /static/ files from disk (through the staticfiles finders) and data: URIs; refuse the rest."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith("data:"):
            # Decoded in-process by urllib's data handler: no connection is made.
            return super().fetch(url, headers)
        path = static_path(url)
        if path is None:
            raise RefusedURL(f"Reports only load static files; refused {url!r}.")
        try:
            found = finders.find(path)
        except SuspiciousFileOperation as exc:  # outside every static folder
            raise RefusedURL(f"Refused {url!r}.") from exc
        if not found:
            raise RefusedURL(f"No static file {path!r}.")
        with open(found, "rb") as handle:
            body = handle.read()
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, {"Content-Type": content_type})


def static_path(url: str) -> str | None:
    """Return the static file path a report URL names ("css/report.css"), or None if it is not one of ours."""
    parts = urlsplit(url)
    base = urlsplit(BASE_URL)
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if (parts.scheme, parts.netloc) != (base.scheme, base.netloc) or not parts.path.startswith(prefix):
        return None
    path = unquote(parts.path[len(prefix) :])
    # The finders refuse paths outside their folders too; this keeps the refusal explicit and cheap.
    if not path or path.startswith("/") or ".." in path.split("/"):
        return None
    return path


def svg_data_uri(svg: str | bytes) -> str:
    """Return an SVG document as a data: URI for an <img src>, so a report needs no chart files."""
    body = svg.encode("utf-8") if isinstance(svg, str) else svg
    return "data:image/svg+xml;base64," + base64.b64encode(body).decode("ascii")


def render_pdf(template_name: str, context: dict) -> bytes:
    """Return the template rendered to PDF bytes: A4 print CSS, shipped fonts, metadata from the <head>.

    Tagged as PDF/UA-1; should WeasyPrint refuse that variant for a document, it is written as a tagged PDF
    instead (the same structure tree, without the PDF/UA claim) and the fallback is logged.
    """
    source = render_to_string(template_name, context)
    # The PDF is cached by the HTML it is made from: the same report asked for again (another manager, the same
    # day) is not laid out again, and any change in what it shows makes a different key.
    key = "pdf:" + hashlib.sha256(f"{PDF_VARIANT}:{source}".encode()).hexdigest()
    use_cache = getattr(settings, "PHC_PDF_CACHE", True)
    if use_cache and (cached := cache.get(key)) is not None:
        return cached
    html = HTML(string=source, base_url=BASE_URL, url_fetcher=StaticFilesFetcher())
    try:
        body = html.write_pdf(pdf_variant=PDF_VARIANT)
    except Exception:  # WeasyPrint raises plain exceptions for variant violations
        logger.warning("PDF/UA-1 failed for %s; writing a tagged PDF instead", template_name, exc_info=True)
        body = html.write_pdf(pdf_tags=True)
    if use_cache:
        cache.set(key, body, timeout=60 * 60 * 24)
    return body


# --- The two reports ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    src: str
    alt: str


def _figure(chart: services.Chart) -> Figure:
    return Figure(svg_data_uri(chart.svg), chart.alt)


def _common_context(credit: str) -> dict:
    return {
        "author": AUTHOR,
        # To the hour: the PDF's creation date, and so its cache key, changes at most once an hour.
        "produced_at": timezone.localtime().replace(minute=0, second=0, microsecond=0),
        "credit": credit,
        "min_responses": settings.PHC_MIN_RESPONSES,
        "min_group_size": settings.PHC_MIN_GROUP_SIZE,
    }


def _credit(instrument) -> str:
    instrument = instrument or default_instrument()
    return instrument.source_credit if instrument else ""


def partnership_report_pdf(report: PartnershipReport) -> bytes:
    """Return the partnership annual report as PDF bytes, its charts drawn (or taken from the cache)."""
    context = {"report": report, **_common_context(_credit(report.round.instrument if report.round else None))}
    if report.results is not None and report.results.enough:
        context["dartboard"] = _figure(services.round_dartboard_chart(report.results))
        context["differ"] = [(d, _figure(chart)) for d, chart in services.partners_differ_charts(report.results)]
        if len(report.trend) > 1:
            context["trend"] = _figure(
                services.trend_chart(report.results.structure, report.trend_labels, report.trend_means)
            )
    return render_pdf("reports/pdf/partnership.html", context)


def portfolio_report_pdf(report: PortfolioReport) -> bytes:
    """Return the portfolio report as PDF bytes, with the register's health chart."""
    first = next((row.round for row in report.rows if row.round), None)
    context = {"report": report, **_common_context(_credit(first.instrument if first else None))}
    if report.health_totals:
        context["health"] = _figure(services.register_health_chart(report.structure, report.health_totals))
    return render_pdf("reports/pdf/portfolio.html", context)


def audit_report_pdf(report: AuditReport, review: AuditReview) -> bytes:
    """Return the audit committee's review of the significant partnerships as PDF bytes (made by a task)."""
    context = {"report": report, "review": review, **_common_context(_credit(None))}
    context["produced_at"] = timezone.localtime()
    if review.priority_map.placed:
        image, text = services.priority_map_chart(review.priority_map)
        context["priority_map"] = Figure(svg_data_uri(image), text)
    return render_pdf("reports/pdf/audit.html", context)
