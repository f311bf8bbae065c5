"""Demo data of the council's view of itself: two years of its self-assessment against the standards for
excellence, and last year's audit committee's review, issued (its PDF made here: the loader is not a request)."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from assessments import demo as assessment_demo
from assessments.models import Round, RoundState
from reports import selectors, services
from reports.models import AuditCommentary, AuditReport

# The council's typical answer on the 1..4 scale, two years ago and last year: it improved.
STANDARDS_HEALTH = {2: 2.3, 1: 2.8}
COMMENTARY = (
    "The board has agreed a recovery plan; the committee may wish to see it at its next meeting.",
    "Performing well. No action needed beyond the annual review.",
)


def create_demo(users: dict, stdout) -> None:
    """Create the standards rounds and last year's issued review when they are missing."""
    instrument = selectors.standards_instrument()
    if instrument is None:
        stdout.write("Standards for excellence: not loaded; no demo self-assessment created.")
        return
    today = timezone.localdate()
    entry = services.council_entry_get_or_create()
    # The health check's own demo builders: the self-assessment is made exactly as a health check's rounds are.
    statements = assessment_demo._statements_by_principle(instrument)  # noqa: SLF001
    organisations = assessment_demo._organisations(entry)  # noqa: SLF001
    created = 0
    for years_ago, health in STANDARDS_HEALTH.items():
        year = today.year - years_ago
        title = f"Standards for excellence {year}"
        if Round.objects.filter(partnership=entry, title=title).exists():
            continue
        plan = assessment_demo.RoundPlan(
            title=title,
            opens_on=datetime.date(year, 3, 1),
            closes_on=datetime.date(year, 3, 31),
            state=RoundState.CLOSED,
            anonymous=True,
            conflict=False,
            health=health,
        )
        assessment_demo._create_closed_round(  # noqa: SLF001
            random.Random(f"standards-{year}"), plan, entry, instrument, users["manager"], organisations, statements
        )
        created += 1
    stdout.write(f"Standards for excellence: {created} demo self-assessments created.")
    last_year = today.year - 1
    if AuditReport.objects.filter(year=last_year).exists():
        return
    report = AuditReport.objects.create(year=last_year, prepared_by=users["manager"])
    partnerships = selectors.audit_partnerships()
    AuditCommentary.objects.bulk_create(
        [AuditCommentary(report=report, partnership=p, text=COMMENTARY[n % 2]) for n, p in enumerate(partnerships[:4])]
    )
    report.issue(by=users["manager"], at=timezone.now())
    report.save()
    services.audit_report_pdf_make(report.pk)
    stdout.write(f"Audit committee's review {last_year}: issued, {len(partnerships)} significant partnerships.")
