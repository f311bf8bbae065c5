from __future__ import annotations

from typing import Any

from django import template

from outbox.selectors import round_email_progress

register = template.Library()


@register.inclusion_tag("outbox/_round_progress.html", takes_context=True)
def round_emails(context: template.Context, round_: Any) -> dict[str, Any]:
    """The round's email progress and the emails that could not be sent, by person (invitations page)."""
    return {
        "progress": round_email_progress(round_),
        "round": round_,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
