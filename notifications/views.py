"""'Your notifications': each signed-in person turns each kind of email on or off, for themselves only."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from config.access import permission_required_or_403
from notifications import selectors, services
from notifications.forms import NotificationSettingsForm


@permission_required_or_403("notifications.choose_my_notifications")
def notification_settings(request: HttpRequest) -> HttpResponse:
    choices = selectors.notification_choices(request.user)
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            services.notification_settings_save(request.user, wanted=set(form.cleaned_data["wanted"]))
            messages.success(request, "Your choices are saved.")
            return redirect("notifications:settings")
    else:
        form = NotificationSettingsForm(initial={"wanted": [c.purpose for c in choices if c.wanted]})
    # Each box with the words saying who gets that email and when.
    boxes = list(zip(form["wanted"], [choice.who for choice in choices], strict=True))
    return render(request, "notifications/settings.html", {"form": form, "boxes": boxes})
