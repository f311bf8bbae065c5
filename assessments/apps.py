from __future__ import annotations

from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"

    def ready(self) -> None:
        from assessments.emails import outbound_message  # noqa: PLC0415 (apps are ready only now)
        from outbox.models import Purpose  # noqa: PLC0415
        from outbox.services import message_builder_register  # noqa: PLC0415

        for purpose in (Purpose.INVITATION, Purpose.REMINDER):
            message_builder_register(purpose, outbound_message)
