"""Demo data for the council's view (issue 19), run by ``seed_demo`` after the register and the rounds.

The yearly demo rounds close each October, so by December of the next year none is "within the last 12
months". Half of the ten partnerships with rounds get a recent health check (closed two months ago), so the demo
council shows every compliance state and the priority map has partnerships to place. Then the council's view of
itself: two years of its self-assessment against the standards for excellence, and last year's audit
committee's review, issued (its PDF made here: the loader is not a request). Deterministic and idempotent like
the other demo modules; the rounds are made by the assessments demo's own helpers.
"""

from __future__ import annotations

import datetime
import random
from datetime import timedelta

from django.utils import timezone

from assessments import demo as rounds_demo
from assessments.instruments import default_instrument
from assessments.models import Round, RoundState
from partnerships.models import Partnership
from reports import selectors, services
from reports.models import AuditCommentary, AuditReport

# Positions (by reference) among the partnerships with demo rounds that get a recent health check.
RECENT_CHECKS = (0, 2, 4, 5, 7)
RECENT_TITLE = "Interim health check"
# The one recent health check whose board has not agreed its action plan yet.
INTERIM_WITHOUT_PLAN = 7
# The council's typical answer to the standards on the 1..4 scale, two years ago and last year: it improved.
STANDARDS_HEALTH = {2: 2.3, 1: 2.8}
COMMENTARY = (
    "The board has agreed a recovery plan; the committee may wish to see it at its next meeting.",
    "Performing well. No action needed beyond the annual review.",
)


def create_demo(users: dict, stdout) -> None:
    """Create the recent health checks, the council's self-assessments and last year's issued review."""
    _recent_health_checks(users, stdout)
    _standards_self_assessments(users, stdout)
    _last_years_audit_review(users, stdout)


def _recent_health_checks(users: dict, stdout) -> None:
    """Create the recent health checks (see the module docstring) with the assessments demo's round recipe."""
    partnerships = list(
        Partnership.objects.filter(status="active", rounds__isnull=False).distinct().order_by("reference")
    )[: rounds_demo.PARTNERSHIP_COUNT]
    instrument = default_instrument()
    if instrument is None or len(partnerships) < rounds_demo.PARTNERSHIP_COUNT:
        return
    statements = rounds_demo.statements_by_principle(instrument)
    closes_on = timezone.localdate() - timedelta(days=60)
    created = 0
    for index in RECENT_CHECKS:
        partnership = partnerships[index]
        if rounds_demo.round_exists(partnership, RECENT_TITLE):
            continue
        plan = rounds_demo.RoundPlan(
            title=RECENT_TITLE,
            opens_on=closes_on - timedelta(days=30),
            closes_on=closes_on,
            state=RoundState.CLOSED,
            anonymous=True,
            conflict=index % 2 == 0,
            health=1.9 + (index * 0.37) % 1.6,  # as healthy as the partnership's yearly rounds make it today
            action_plan=index != INTERIM_WITHOUT_PLAN,
        )
        rounds_demo.create_closed_round(
            random.Random(f"{partnership.reference}-interim"),
            plan,
            partnership,
            instrument,
            users["facilitator"],
            rounds_demo.partner_organisations(partnership),
            statements,
        )
        created += 1
    stdout.write(f"Council's view: {created} recent health checks added.")


def _standards_self_assessments(users: dict, stdout) -> None:
    """Create the council's self-assessments of the last two years, made exactly as a health check's rounds."""
    instrument = selectors.standards_instrument()
    if instrument is None:
        stdout.write("Standards for excellence: not loaded; no demo self-assessment created.")
        return
    today = timezone.localdate()
    entry = services.council_entry_get_or_create()
    statements = rounds_demo.statements_by_principle(instrument)
    organisations = rounds_demo.partner_organisations(entry)
    created = 0
    for years_ago, health in STANDARDS_HEALTH.items():
        year = today.year - years_ago
        title = f"Standards for excellence {year}"
        if Round.objects.filter(partnership=entry, title=title).exists():
            continue
        plan = rounds_demo.RoundPlan(
            title=title,
            opens_on=datetime.date(year, 3, 1),
            closes_on=datetime.date(year, 3, 31),
            state=RoundState.CLOSED,
            anonymous=True,
            conflict=False,
            health=health,
        )
        rounds_demo.create_closed_round(
            random.Random(f"standards-{year}"), plan, entry, instrument, users["manager"], organisations, statements
        )
        created += 1
    stdout.write(f"Standards for excellence: {created} demo self-assessments created.")


def _last_years_audit_review(users: dict, stdout) -> None:
    """Issue last year's audit committee's review with a few commentaries, its PDF made now."""
    last_year = timezone.localdate().year - 1
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
