"""Chart downloads, the managers' reports page and the two PDF reports."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from assessments import results as results_selectors
from assessments.results_views import round_from_url
from config.access import loader, permission_required_or_403
from partnerships.models import Partnership
from reports import pdf, selectors, services

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# Years a report can be asked for: wide enough for any real register, narrow enough to refuse nonsense.
FIRST_YEAR, LAST_YEAR = 2000, 2100
partnership_from_url = loader(Partnership.objects.all)


@permission_required_or_403("assessments.view_results", fn=round_from_url)
def dartboard(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("Dartboards are available as .svg or .png")
    round_ = round_from_url(request, pk=pk)
    data = results_selectors.round_results(round_, with_detail=False)
    if not data.enough:
        raise Http404("This round does not have enough responses to show a dartboard yet.")
    response = HttpResponse(services.round_dartboard(data, fmt), content_type=CONTENT_TYPES[fmt])
    name = f"{slugify(round_.partnership.name)}-{slugify(round_.title)}-dartboard.{fmt}"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@permission_required_or_403("reports.see_reports_page")
def index(request: HttpRequest) -> HttpResponse:
    visible = selectors.report_partnership_ids(request.user)
    facilitated_by = None if request.user.has_perm("assessments.see_all_rounds") else request.user
    overview = selectors.reports_overview(visible, facilitated_by=facilitated_by)
    rows, sort = selectors.sort_rows(overview.rows, request.GET.get("sort", "name"))
    # Each score links to its round's results, for those who may open them (managers, the round's facilitator).
    table = [
        (
            r,
            reverse("results:results", args=[r.round.pk])
            if request.user.has_perm("assessments.view_results", r.round)
            else None,
        )
        for r in rows
        if r.summary
    ]
    context = {
        "overview": overview,
        "rows": table,
        "columns": sort_columns(overview.principles, sort),
        "sort": sort,
        "can_download_portfolio": request.user.has_perm("reports.download_portfolio"),
        "this_year": timezone.localdate().year,
    }
    return render(request, "reports/index.html", context)


def sort_columns(principles: list[tuple[int, str]], sort: str) -> list[dict]:
    """Return the sortable columns of the overview with, for each, its aria-sort and the ?sort= a click asks for
    (a sorted column's link reverses it)."""
    columns = [("name", "Partnership", "")]
    columns += [(f"p{n}", f"P{n}", title) for n, title in principles]
    columns.append(("total", "Total", "Mean total, 36 to 144"))
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
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@permission_required_or_403("reports.download_partnership_report", fn=partnership_from_url)
def partnership_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    _check_year(year)
    partnership = partnership_from_url(request, pk=pk)
    report = selectors.partnership_report(partnership, year, viewer=request.user)
    name = f"{slugify(partnership.name) or 'partnership'}-annual-report-{year}.pdf"
    return _pdf_response(pdf.partnership_report_pdf(report), name)


@permission_required_or_403("reports.download_portfolio")
def portfolio_report(request: HttpRequest, year: int) -> HttpResponse:
    _check_year(year)
    report = selectors.portfolio_report(year)
    return _pdf_response(pdf.portfolio_report_pdf(report), f"portfolio-report-{year}.pdf")
