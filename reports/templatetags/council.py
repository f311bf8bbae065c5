"""The council's view on the register's pages: significance and governance compliance. The register app knows
nothing of health checks, so its templates ask here (like ``results.templatetags.health_checks``)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.conf import settings

from reports import compliance, priorities, selectors
from reports.compliance import Compliance

register = template.Library()


@register.simple_tag(takes_context=True)
def register_compliance(context: template.Context, partnerships: Iterable) -> dict[int, Compliance]:
    """Return {partnership id: compliance} of the active and exiting ones among ``partnerships``, for those who
    read the whole register ({} for others); three queries for the whole table (look a row up with
    ``|get:p.pk``)."""
    if not context["request"].user.has_perm("partnerships.see_whole_register"):
        return {}
    return selectors.compliance_of([p.pk for p in partnerships])


@register.simple_tag(takes_context=True)
def partnership_compliance(
    context: template.Context, partnership
) -> tuple[Compliance, list[selectors.ComplianceRow]] | None:
    """Return the partnership's compliance and its checks with their evidence links (None: it does not apply,
    or the user does not read the whole register)."""
    if not context["request"].user.has_perm("partnerships.see_whole_register"):
        return None
    return selectors.partnership_compliance(partnership)


@register.simple_tag
def council_rules() -> dict:
    """Return what the help page says of significance, compliance and the priority map: the thresholds from
    the settings, the checks with their sources, and the strategic value's scale."""
    return {
        "contribution": settings.PHC_SIGNIFICANT_CONTRIBUTION,
        "risk_score": settings.PHC_SIGNIFICANT_RISK_SCORE,
        "checks": compliance.CHECKS,
        "high_value_from": priorities.HIGH_VALUE_FROM,
        "value_max": priorities.VALUE_MAX,
    }
