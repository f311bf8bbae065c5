"""Who may read which report (django-rules); the rules in the users' words are in ``partnerships.rules``.

Managers read every report and the portfolio; a facilitator reads the annual report of a partnership they
facilitate a round of, with the results of their own rounds only (the same as its page and /reports/).
"""

from __future__ import annotations

import rules

from partnerships.rules import facilitates_a_round_of, is_facilitator, is_manager

rules.add_perm("reports.see_reports_page", is_manager | is_facilitator)
rules.add_perm("reports.download_portfolio", is_manager)
rules.add_perm("reports.download_partnership_report", is_manager | (is_facilitator & facilitates_a_round_of))


@rules.predicate
def asked_for_it(user, report) -> bool:
    return report is not None and report.requested_by_id == user.pk


@rules.predicate
def may_still_read_it(user, report) -> bool:
    """The person who asked still holds the role the report needs (a manager who has moved on has not)."""
    return report is not None and user.has_perm(KIND_PERMISSIONS[report.kind])


# Who may ask for each kind of prepared report (reports.models.ReportKind).
KIND_PERMISSIONS = {"portfolio": "reports.download_portfolio", "register_workbook": "partnerships.see_register"}

# A prepared report is the asker's own: only they see its page, download it or ask for it again.
rules.add_perm("reports.see_prepared_report", asked_for_it & may_still_read_it)


# The council's view (issue 19): the priority map of significant partnerships is the managers'.
rules.add_perm("reports.see_priority_map", is_manager)
# The council's view of itself: its self-assessment against the standards and the audit committee's review.
rules.add_perm("reports.see_standards", is_manager)
rules.add_perm("reports.prepare_audit_report", is_manager)
