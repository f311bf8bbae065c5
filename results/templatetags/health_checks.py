"""Health checks on the register's pages: the register app knows nothing of rounds, so its templates ask here."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from results import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_health_checks(context: template.Context, partnerships: Iterable) -> dict[int, tuple[float, str]]:
    """Return {partnership id: (mean total, band label)} of the latest health check of each of ``partnerships``
    that the signed-in user may see (a fixed number of queries for the whole table: look a row up with
    ``|get:p.pk``)."""
    return selectors.latest_totals((p.pk for p in partnerships), viewer=context["request"].user)


@register.simple_tag(takes_context=True)
def partnership_health_checks(context: template.Context, partnership) -> selectors.HealthChecks:
    """Return the partnership's health checks as the signed-in user may see them."""
    return selectors.partnership_health_checks(partnership, context["request"].user)
