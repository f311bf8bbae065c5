"""Background jobs of the reports app (run by `manage.py db_worker`)."""

from __future__ import annotations

from django_tasks import task

from reports import services


@task()
def audit_report_make_pdf(report_id: int) -> bool:
    """Make the audit committee's report as PDF and store it on the report; return True when it was made."""
    return services.audit_report_pdf_make(report_id)
