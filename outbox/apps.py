from __future__ import annotations

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "outbox"
    verbose_name = "Emails sent"
    default_auto_field = "django.db.models.BigAutoField"
