"""What each person has chosen on "Your notifications"."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from notifications.schedule import KINDS


class NotificationSettingQuerySet(models.QuerySet["NotificationSetting"]):
    def turned_off(self, purpose: str) -> NotificationSettingQuerySet:
        """The choices that turned the emails of ``purpose`` off."""
        return self.filter(purpose=purpose, wanted=False)


class NotificationSetting(models.Model):
    """A person's choice for one kind of email; without a row, the email is wanted."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings")
    purpose = models.CharField(max_length=20, choices=[(kind.purpose, kind.label) for kind in KINDS])
    wanted = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NotificationSettingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "purpose"], name="notification_setting_unique_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_purpose_display()} {'on' if self.wanted else 'off'}"
