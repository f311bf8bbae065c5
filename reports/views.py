"""Chart downloads, the managers' reports page, the register's CSV export and the two PDF reports."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from assessments.readmodel import InstrumentStructure
from config.exports import content_disposition, csv_cell
from partnerships.filters import register_filter
from partnerships.models import Partnership
from reports import pdf, selectors, services
from results import selectors as results_selectors
from results.views import round_for_viewer

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# Years a report can be asked for: wide enough for any real register, narrow enough to refuse nonsense.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@login_required
def dartboard(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("Dartboards are available as .svg or .png")
    round_ = round_for_viewer(request, pk)
    data = results_selectors.round_results(round_, with_detail=False)
    if not data.enough:
        raise Http404("This round does not have enough responses to show a dartboard yet.")
    response = HttpResponse(services.round_dartboard(data, fmt), content_type=CONTENT_TYPES[fmt])
    name = f"{slugify(round_.partnership.name)}-{slugify(round_.title)}-dartboard.{fmt}"
    response["Content-Disposition"] = content_disposition(name, attachment=False)
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not selectors.can_see_reports_page(request.user):
        raise PermissionDenied
    visible = selectors.report_partnership_ids(request.user)
    overview = selectors.reports_overview(visible)
    rows, sort = selectors.sort_rows(overview.rows, request.GET.get("sort", "name"))
    # Each score links to its round's results, for those who may open them (managers, the round's facilitator).
    sees_all = visible is None
    table = [
        (
            r,
            reverse("results:results", args=[r.round.pk])
            if sees_all or r.round.facilitator_id == request.user.pk
            else None,
        )
        for r in rows
        if r.summary
    ]
    context = {
        "overview": overview,
        "rows": table,
        "columns": sort_columns(overview.principles, sort, overview.structure),
        "sort": sort,
        "can_download_portfolio": selectors.can_download_portfolio(request.user),
        "this_year": timezone.localdate().year,
    }
    return render(request, "reports/index.html", context)


def sort_columns(principles: list[tuple[int, str]], sort: str, structure: InstrumentStructure | None) -> list[dict]:
    """Return the sortable columns of the overview with, for each, its aria-sort and the ?sort= a click asks for
    (a sorted column's link reverses it)."""
    columns = [("name", "Partnership", "")]
    columns += [(f"p{n}", f"P{n}", title) for n, title in principles]
    span = f", {structure.total_min} to {structure.total_max}" if structure else ""
    columns.append(("total", "Total", f"Mean total{span}"))
    result = []
    for key, label, title in columns:
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else "none"
        result.append(
            {
                "key": key,
                "label": label,
                "title": title,
                "aria_sort": state,
                "next": f"-{key}" if state == "ascending" else key,
            }
        )
    return result


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("No report for that year.")


def _pdf_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename, attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def partnership_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    _check_year(year)
    # Refused before the lookup, so a facilitator cannot tell which other partnerships exist.
    if not selectors.can_download_partnership_report(request.user, pk):
        raise PermissionDenied
    partnership = get_object_or_404(Partnership, pk=pk)
    report = selectors.partnership_report(partnership, year, viewer=request.user)
    name = f"{slugify(partnership.name) or 'partnership'}-annual-report-{year}.pdf"
    return _pdf_response(pdf.partnership_report_pdf(report), name)


@login_required
def portfolio_report(request: HttpRequest, year: int) -> HttpResponse:
    _check_year(year)
    if not selectors.can_download_portfolio(request.user):
        raise PermissionDenied
    report = selectors.portfolio_report(year)
    return _pdf_response(pdf.portfolio_report_pdf(report), f"portfolio-report-{year}.pdf")


CSV_HEADINGS = (
    "Reference",
    "Name",
    "Status",
    "Life-cycle stage",
    "Type of working",
    "Structure model",
    "Statutory status",
    "Service area",
    "Lead officer",
    "Senior sponsor",
    "Risk rating",
    "Start date",
    "Review due",
    "Review overdue",
    "Partner organisations",
    "Partner sectors",
    "Latest health-check total",
    "Band",
)


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_safe
def register_export(request: HttpRequest) -> StreamingHttpResponse:
    """The register as CSV, with the filters of the register page and each partnership's latest health check."""
    if not request.user.has_perm("partnerships.view_partnership"):
        raise PermissionDenied
    register = register_filter(request.GET, request.user)
    rows = list(register.qs)
    latest = results_selectors.latest_totals(p.pk for p in rows)
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # so spreadsheet programs read the file as UTF-8
        yield writer.writerow(CSV_HEADINGS)
        for p in rows:
            health = latest.get(p.pk)
            yield writer.writerow(
                csv_cell(v)
                for v in (
                    p.reference,
                    p.name,
                    p.get_status_display(),
                    p.get_lifecycle_stage_display(),
                    p.get_continuum_display(),
                    p.get_structure_model_display(),
                    p.get_statutory_status_display(),
                    p.service_area,
                    p.lead_officer,
                    p.senior_sponsor,
                    p.get_risk_display(),
                    p.start_date.isoformat() if p.start_date else "",
                    p.review_due_date.isoformat() if p.review_due_date else "",
                    "Yes" if p.review_state == "overdue" else "No",
                    "; ".join(p.partner_names),
                    "; ".join(p.sector_labels),
                    f"{health[0]:.1f}" if health else "",
                    health[1] if health else "",
                )
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"partnership-register-{register.today}.csv", attachment=True)
    return response
