"""The facilitator's "send again" for an email that failed or whose fate is not known."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from assessments.models import Round
from config.access import loader, permission_required_or_403
from outbox import services
from outbox.models import OutboundEmail

round_from_url = loader(Round.objects.all)


@permission_required_or_403("assessments.run_round", fn=round_from_url)
@require_POST
def email_resend(request: HttpRequest, pk: int, email_pk: int) -> HttpResponse:
    email = get_object_or_404(OutboundEmail.objects.select_related("round", "invitation"), pk=email_pk, round_id=pk)
    try:
        services.email_resend(email)
    except services.ResendRefused as exc:
        messages.info(request, str(exc))
    else:
        name = email.invitation.name if email.invitation else email.to
        messages.success(request, f"The {email.get_purpose_display().lower()} to {name} is being sent again.")
    return redirect("assessments:invitations", pk=pk)
