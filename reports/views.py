"""Chart downloads, the managers' reports page, the register's CSV export and the two PDF reports."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import timedelta
from itertools import islice

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_fsm import can_proceed

from assessments.readmodel import InstrumentStructure
from assessments.selectors import default_structure
from config.access import loader, permission_required_or_403
from config.exports import (
    CSV_BOM,
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    as_attachment,
    csv_cell,
    download_name,
)
from config.roles import FACILITATOR, MANAGER, REGISTER_ADMIN, RESPONDENT, user_roles
from partnerships import selectors as register_selectors
from partnerships.filters import register_filter
from partnerships.models import Partnership
from partnerships.risks import heat_map_alt_text
from reports import pdf, selectors, services, workbooks
from reports import waiting as waiting_for
from reports.forms import AuditCommentaryForm, AuditYearForm, StandardsRoundForm
from reports.models import AuditReport, PreparedReport, ReportKind, ReportState
from reports.register_exports import register_headings, register_row, register_workbook_file
from results import exporters
from results import selectors as results_selectors
from results.selectors import Summary
from results.views import round_from_url

CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}
# Years a report can be asked for: wide enough for any real register, narrow enough to refuse nonsense.
FIRST_YEAR, LAST_YEAR = 2000, 2100
partnership_from_url = loader(Partnership.objects.all)
prepared_from_url = loader(PreparedReport.objects.without_file)
# The page of a report being prepared looks again this often; a report still waiting for a worker after
# WAITING_LONG says that no worker may be running.
REFRESH_SECONDS = 5
WAITING_LONG = timedelta(minutes=2)


@permission_required_or_403("results.view_round", fn=round_from_url)
def dartboard(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404("Dartboards are available as .svg or .png")
    round_ = round_from_url(request, pk=pk)
    data = results_selectors.round_results(round_, with_detail=False)
    if not data.enough:
        raise Http404("This round does not have enough responses to show a dartboard yet.")
    # A picture pasted into a committee paper must say what it is: partnership, round, date and what is drawn.
    when = f"closed {round_.closed_on:%-d %B %Y}" if round_.closed_on else f"as at {timezone.localdate():%-d %B %Y}"
    title = (
        f"{round_.partnership.name}: {round_.title}, {when}. "
        f"Mean principle scores of {data.submitted} respondents (dots: each respondent)"
    )
    response = HttpResponse(services.round_dartboard(data, fmt, title=title), content_type=CONTENT_TYPES[fmt])
    return as_attachment(response, exporters.export_filename(round_, "dartboard", fmt))


@permission_required_or_403("results.view_round", fn=round_from_url)
def round_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_from_url(request, pk=pk)
    body = workbooks.round_workbook(results_selectors.round_results(round_))
    response = HttpResponse(body, content_type=XLSX_CONTENT_TYPE)
    return as_attachment(response, exporters.export_filename(round_, "results", "xlsx"))


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
            if request.user.has_perm("results.view_round", r.round)
            else None,
        )
        for r in rows
        if r.summary and r.round is not None  # a row has a summary only with its round
    ]
    context = {
        "overview": overview,
        "rows": table,
        "columns": sort_columns(overview.principles, sort, overview.structure),
        "sort": sort,
        "can_download_portfolio": request.user.has_perm("reports.download_portfolio"),
        "prepared_reports": selectors.prepared_reports(request.user),
        "this_year": timezone.localdate().year,
    }
    if request.user.has_perm("reports.see_priority_map"):
        priorities = selectors.priority_map()
        figure = services.priority_map_figure(priorities) if priorities.placed else None  # no empty chart
        context |= {"priorities": priorities, "priority_figure": figure}
    if request.user.has_perm("reports.prepare_audit_report"):
        context["audit_reports"] = list(AuditReport.objects.defer("pdf").order_by("-year"))
    if request.user.has_perm("partnerships.see_risk_list"):
        heat_map = register_selectors.risk_heat_map(partnership_ids=visible)
        context |= {
            "heat_map": heat_map,
            "heat_map_text": heat_map_alt_text(heat_map),
            "cell_url": reverse("partnerships:portfolio_risks"),
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
    response["Cache-Control"] = "private, no-store"
    return as_attachment(response, filename)


@permission_required_or_403("reports.download_partnership_report", fn=partnership_from_url)
def partnership_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    _check_year(year)
    partnership = partnership_from_url(request, pk=pk)
    report = selectors.partnership_report(partnership, year, viewer=request.user)
    name = download_name(partnership.name, f"annual report {year}", made_on=timezone.localdate(), extension="pdf")
    return _pdf_response(pdf.partnership_report_pdf(report), name)


@permission_required_or_403("reports.download_portfolio")
@require_POST
def portfolio_report(request: HttpRequest, year: int) -> HttpResponse:
    """Ask a worker for the portfolio report (it grows with the register: never laid out in a request)."""
    _check_year(year)
    report = services.report_request(ReportKind.PORTFOLIO, year, request.user)
    return redirect(report)


@permission_required_or_403("reports.see_prepared_report", fn=prepared_from_url)
@require_safe
def prepared_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A report asked for: being prepared (the page looks again every few seconds), ready, or failed."""
    report = prepared_from_url(request, pk=pk)
    now = timezone.now()
    context = {
        "report": report,
        "stalled": report.is_stalled(now),
        # No worker has taken it for a while: say so, rather than let the person wait for nothing.
        "waiting_long": report.state == ReportState.QUEUED and now - report.requested_at > WAITING_LONG,
        "refresh_seconds": REFRESH_SECONDS,
        "keep_days": settings.PHC_PREPARED_REPORT_DAYS,
    }
    return render(request, "reports/prepared.html", context)


@permission_required_or_403("reports.see_prepared_report", fn=prepared_from_url)
@require_safe
def prepared_download(request: HttpRequest, pk: int) -> HttpResponse:
    report = prepared_from_url(request, pk=pk)
    if report.state != ReportState.READY:
        return redirect(report)
    body = PreparedReport.objects.filter(pk=report.pk).values_list("body", flat=True).get()
    response = HttpResponse(bytes(body), content_type=report.content_type)
    response["Cache-Control"] = "private, no-store"
    return as_attachment(response, report.filename)


@permission_required_or_403("reports.see_prepared_report", fn=prepared_from_url)
@require_POST
def prepared_retry(request: HttpRequest, pk: int) -> HttpResponse:
    report = prepared_from_url(request, pk=pk)
    try:
        report = services.report_retry(report)
    except services.RetryRefused as exc:
        messages.info(request, str(exc))
    return redirect(report)


# Partnerships per batch of the streamed CSV: each batch is one read of the register's cursor and two of the
# results, so the first rows leave before the last are read and memory stays flat with the register's size. At
# 5,000 partnerships a batch of 100 finds its responses by index (30-80 ms); from about 200 PostgreSQL scans all
# the responses instead (0.2-0.5 s a batch), which made the first row wait over a second.
EXPORT_BATCH = 100


class _Echo:
    def write(self, value: str) -> str:
        return value


def _register_with_health(partnerships: Iterable[Partnership], viewer) -> Iterator[tuple[Partnership, Summary | None]]:
    """Yield each partnership with the summary of its latest health check ``viewer`` may see, a batch at a time."""
    rows = iter(partnerships)
    while batch := list(islice(rows, EXPORT_BATCH)):
        latest = results_selectors.latest_summaries((p.pk for p in batch), viewer=viewer)
        for p in batch:
            yield p, latest.get(p.pk)


@permission_required_or_403("partnerships.see_register")
@require_safe
def register_export(request: HttpRequest) -> StreamingHttpResponse:
    """The register as CSV, with the filters of the register page and each partnership's latest health check
    the user may see (a facilitator's own rounds only), principle by principle. Streamed: the first rows are
    sent after one batch, whatever the register's size."""
    register = register_filter(request.GET, request.user)
    structure = default_structure()
    numbers = [p.number for p in structure.principles] if structure else []
    headings = register_headings(structure)
    writer = csv.writer(_Echo())
    viewer = request.user

    def lines():
        yield CSV_BOM
        yield writer.writerow(headings)
        for p, health in _register_with_health(register.qs.iterator(chunk_size=EXPORT_BATCH), viewer):
            yield writer.writerow(csv_cell(v) for v in register_row(p, health, numbers))

    response = StreamingHttpResponse(lines(), content_type=CSV_CONTENT_TYPE)
    as_attachment(response, download_name("partnership register", made_on=register.today, extension="csv"))
    return response


@permission_required_or_403("partnerships.see_register")
@require_http_methods(["GET", "HEAD", "POST"])
def register_workbook(request: HttpRequest) -> HttpResponse:
    """The register as an Excel workbook: the partnerships shown (with these filters), and their partners.

    Up to ``PHC_REGISTER_WORKBOOK_IN_REQUEST_MAX`` partnerships it downloads at once; a larger register (5,000
    partnerships take several seconds) is offered to be prepared by a task worker, as the portfolio report is.
    """
    query = request.GET.copy()
    query.pop("page", None)
    if request.method == "POST":
        report = services.report_request(
            ReportKind.REGISTER_WORKBOOK, timezone.localdate().year, request.user, query=query.urlencode()
        )
        return redirect(report)
    count = register_filter(query, request.user).qs.count()
    if count > settings.PHC_REGISTER_WORKBOOK_IN_REQUEST_MAX:
        return render(
            request,
            "reports/register_workbook_prepare.html",
            {"count": count, "query": query.urlencode(), "filtered": bool(query)},
        )
    body, name = register_workbook_file(query, request.user)
    return as_attachment(HttpResponse(body, content_type=XLSX_CONTENT_TYPE), name)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The home page: for each of the user's roles, what waits for them, with counts and links."""
    roles = user_roles(request.user)
    today = timezone.localdate()
    waiting = []
    if MANAGER in roles:
        waiting.append(("As a manager", waiting_for.manager_waiting(today)))
    if REGISTER_ADMIN in roles:
        waiting.append(("As a register administrator", waiting_for.register_administrator_waiting(request.user)))
    if FACILITATOR in roles:
        waiting.append(("As a facilitator", waiting_for.facilitator_waiting(request.user, today)))
    if RESPONDENT in roles:
        waiting.append(("As a respondent", waiting_for.respondent_waiting(request.user)))
    return render(request, "home.html", {"roles": roles, "waiting": waiting, "instrument": default_structure()})


# --- The council's view of itself: standards for excellence, the audit committee's review (issue 19) ----------


@permission_required_or_403("reports.see_standards")
def standards(request: HttpRequest) -> HttpResponse:
    form = StandardsRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        closes_on = form.cleaned_data["closes_on"]
        try:
            round_ = services.standards_round_create(
                title=f"Standards for excellence {closes_on.year}",
                facilitator=form.cleaned_data["facilitator"],
                opens_on=form.cleaned_data["opens_on"],
                closes_on=closes_on,
            )
        except services.StandardsNotLoaded as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"{round_.title} is set up as a draft: its facilitator now invites the partnership leads."
            )
            return redirect(round_)
    review = selectors.standards_review()
    return render(request, "reports/standards.html", {"review": review, "form": form})


def _audit_report(year: int) -> AuditReport:
    report = AuditReport.objects.select_related("issued_by").filter(year=year).first()
    if report is None:
        raise Http404("No audit committee's review has been prepared for that year.")
    return report


@permission_required_or_403("reports.prepare_audit_report")
@require_POST
def audit_report_prepare(request: HttpRequest) -> HttpResponse:
    form = AuditYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["year"]))
        return redirect(reverse("reports:index") + "#audit-title")
    report = services.audit_report_prepare(form.cleaned_data["year"], by=request.user)
    return redirect(report)


@permission_required_or_403("reports.prepare_audit_report")
def audit_report(request: HttpRequest, year: int) -> HttpResponse:
    _check_year(year)
    report = _audit_report(year)
    partnerships = selectors.audit_partnerships()
    form = AuditCommentaryForm(request.POST or None, partnerships=partnerships, report=report)
    if request.method == "POST":
        if report.is_issued:
            messages.error(request, "This report has been issued; its commentary can no longer change.")
            return redirect(report)
        if form.is_valid():
            try:
                services.audit_commentary_save(report, form.texts())
            except services.AuditReportIssued as exc:
                messages.error(request, str(exc))
                return redirect(report)
            services.audit_report_prepare(year, by=request.user)
            messages.success(request, "Commentary saved. The draft PDF is being made again with it.")
            return redirect(report)
    context = {"report": report, "form": form, "partnerships": partnerships, "can_issue": can_proceed(report.issue)}
    return render(request, "reports/audit.html", context)


@permission_required_or_403("reports.prepare_audit_report")
@require_POST
def audit_report_issue(request: HttpRequest, year: int) -> HttpResponse:
    _check_year(year)
    report = _audit_report(year)
    try:
        services.audit_report_issue(report, by=request.user)
    except services.AuditReportIssued as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The audit committee's review {year} is issued; its PDF is kept as it is now.")
    return redirect(report)


@permission_required_or_403("reports.prepare_audit_report")
@require_safe
def audit_report_pdf(request: HttpRequest, year: int) -> HttpResponse:
    _check_year(year)
    report = _audit_report(year)
    if report.pdf is None:
        raise Http404("The PDF is still being made: try again in a minute.")
    state = "issued" if report.is_issued else "draft"
    made_on = timezone.localdate(report.pdf_made_at) if report.pdf_made_at else timezone.localdate()
    name = download_name(f"audit committee review {year} {state}", made_on=made_on, extension="pdf")
    return _pdf_response(bytes(report.pdf), name)
