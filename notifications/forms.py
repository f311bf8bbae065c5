"""The "Your notifications" form: one box per kind of email, ticked for the ones the person wants."""

from __future__ import annotations

from django import forms

from notifications.schedule import KINDS


class NotificationSettingsForm(forms.Form):
    wanted = forms.MultipleChoiceField(
        label="Send me these emails",
        choices=[(kind.purpose, kind.label) for kind in KINDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Untick an email to stop it. Emails you need to act on straight away still show on your home page.",
    )
