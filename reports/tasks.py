"""Background jobs of the reports app (run by `manage.py db_worker`): the reports too slow for a web request."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from config.exports import XLSX_CONTENT_TYPE, download_name
from reports import pdf, selectors, services
from reports.models import PreparedReport, ReportKind
from reports.register_exports import register_workbook_file

logger = logging.getLogger(__name__)

PDF = "application/pdf"


def _portfolio(report: PreparedReport) -> tuple[bytes, str, str]:
    body = pdf.portfolio_report_pdf(selectors.portfolio_report(report.year))
    name = download_name(f"portfolio report {report.year}", made_on=timezone.localdate(), extension="pdf")
    return body, name, PDF


def _register_workbook(report: PreparedReport) -> tuple[bytes, str, str]:
    body, name = register_workbook_file(QueryDict(report.query), report.requested_by)
    return body, name, XLSX_CONTENT_TYPE


# How each kind of report is made: (file, download name, content type) from the row that asks for it.
BUILDERS: dict[str, Callable[[PreparedReport], tuple[bytes, str, str]]] = {
    ReportKind.PORTFOLIO: _portfolio,
    ReportKind.REGISTER_WORKBOOK: _register_workbook,
}


# Below the default priority: with one worker, emails waiting behind a long report go first.
@task(priority=-10)
def report_prepare(report_id: int) -> str:
    """Lay out one asked-for report and store it on its row; return its state afterwards ("ready", "failed"),
    or "taken" when another worker has it or it is no longer waiting."""
    report = services.report_claim(report_id)
    if report is None:
        return "taken"
    try:
        body, filename, content_type = BUILDERS[report.kind](report)
    except Exception:
        # The person sees that it failed and may try again; the details are for the log only.
        logger.exception("The %s of %s could not be prepared (report %s)", report.kind, report.year, report.pk)
        services.report_fail(report_id)
        return "failed"
    services.report_store(report_id, body, filename, content_type)
    return "ready"


@task()
def audit_report_make_pdf(report_id: int) -> bool:
    """Make the audit committee's report as PDF and store it on the report; return True when it was made."""
    return services.audit_report_pdf_make(report_id)
