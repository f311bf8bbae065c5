"""The notification emails' rules for the help page, in the words of "Your notifications" (one source)."""

from __future__ import annotations

from django import template

from notifications.schedule import KINDS, Kind

register = template.Library()


@register.simple_tag
def notification_kinds() -> tuple[Kind, ...]:
    """Return each email a person can turn off, with who gets it and when (``notifications.schedule.KINDS``)."""
    return KINDS
